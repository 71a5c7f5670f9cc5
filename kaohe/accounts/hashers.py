"""How passwords are stored (docs/decisions/0021-password-hashing-and-sign-in-cost.md and
0025-guomi-integrity-controls.md).

With 国密 on (the default): PBKDF2 over HMAC-SM3, the SM3-based storage a commercial-cryptography
assessment (GB/T 39786) expects. With it off: Argon2id with the first of OWASP's recommended
settings (19 MiB of memory, two passes, one lane), memory-hard, so a stolen table costs an
attacker's graphics cards as much as our CPU, while a sign-in costs tens of milliseconds
instead of the hundreds that PBKDF2 at Django's 1,000,000 iterations costs. Online guessing is
limited by the lockout, not by the hash."""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    # Django's defaults are 100 MiB and 8 lanes: on a 2-core server at the quarter-end wave of
    # sign-ins, the memory is what would run out first. Changing these re-hashes each password
    # at its next sign-in (must_update compares the parameters stored with the hash).
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1


class PBKDF2SM3Hasher(PBKDF2PasswordHasher):
    """PBKDF2 (RFC 8018) over HMAC-SM3, a 32-byte key, stored as Django stores PBKDF2 hashes.

    SM3 has no instruction of its own in the CPU, so an iteration costs about five times one of
    SHA-256: 100,000 iterations take about 0.1 s of one core, the most a two-core server can
    give the quarter-end wave of sign-ins (docs/benchmarks.md). Raising it re-hashes each
    password at its next sign-in."""

    algorithm = "pbkdf2_sm3"
    iterations = 100_000

    def encode(self, password: str, salt: str, iterations: int | None = None) -> str:
        self._check_encode_args(password, salt)  # type: ignore[attr-defined]  # not in the stubs
        iterations = iterations or self.iterations
        derived = PBKDF2HMAC(hashes.SM3(), length=32, salt=salt.encode(),
                             iterations=iterations).derive(password.encode())
        return f"{self.algorithm}${iterations}${salt}${base64.b64encode(derived).decode()}"
