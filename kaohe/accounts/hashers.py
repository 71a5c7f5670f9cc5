"""How passwords are stored (docs/decisions/0021-password-hashing-and-sign-in-cost.md).

Argon2id with the first of OWASP's recommended settings (19 MiB of memory, two passes, one
lane): memory-hard, so a stolen table costs an attacker's graphics cards as much as our CPU,
while a sign-in costs tens of milliseconds instead of the hundreds that PBKDF2 at Django's
1,000,000 iterations costs. Online guessing is limited by the lockout, not by the hash."""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    # Django's defaults are 100 MiB and 8 lanes: on a 2-core server at the quarter-end wave of
    # sign-ins, the memory is what would run out first. Changing these re-hashes each password
    # at its next sign-in (must_update compares the parameters stored with the hash).
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
