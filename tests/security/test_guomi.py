"""国密 (decision 0025): SM3 against the standard's own examples, and HMAC-SM3 and PBKDF2-SM3
against their definitions (RFC 2104, RFC 8018) built on that SM3; the installation stores
passwords with PBKDF2-SM3 unless 国密 is switched off."""

from __future__ import annotations

import base64
import os
import subprocess
import sys

import pytest

from kaohe.accounts.hashers import PBKDF2SM3Hasher
from kaohe.lib import digests

# GB/T 32905-2016, Appendix A: example 1 ("abc") and example 2 ("abcd" sixteen times).
SM3_EXAMPLES = [
    (b"abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"),
    (b"abcd" * 16, "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"),
]
BLOCK = 64  # SM3's block size in bytes (GB/T 32905 §5.2: 512-bit blocks)


@pytest.mark.parametrize(("message", "expected"), SM3_EXAMPLES)
def test_sm3_gives_the_standards_examples(message: bytes, expected: str) -> None:
    assert digests.digest(digests.SM3, message) == expected


def sm3(data: bytes) -> bytes:
    return bytes.fromhex(digests.digest(digests.SM3, data))


def hmac_sm3(key: bytes, message: bytes) -> bytes:
    """RFC 2104 written out: H(K ^ opad, H(K ^ ipad, message))."""
    key = (sm3(key) if len(key) > BLOCK else key).ljust(BLOCK, b"\0")
    inner = sm3(bytes(k ^ 0x36 for k in key) + message)
    return sm3(bytes(k ^ 0x5C for k in key) + inner)


@pytest.mark.parametrize("key", [b"key", b"k" * 64, b"long key " * 10])
def test_hmac_sm3_is_rfc_2104_over_sm3(key: bytes) -> None:
    message = "审计事件 #1".encode()
    assert digests.keyed(digests.SM3, key, message) == hmac_sm3(key, message).hex()


def test_pbkdf2_sm3_is_rfc_8018_over_hmac_sm3() -> None:
    """One block (the 32-byte key is one SM3 output): U1 = HMAC(P, S || 1), Ui = HMAC(P, Ui-1),
    the key is U1 ^ U2 ^ … ^ Uc."""
    password, salt, iterations = "Kaohe-密码-2025", "someSalt123", 3
    u = hmac_sm3(password.encode(), salt.encode() + (1).to_bytes(4, "big"))
    derived = u
    for _ in range(iterations - 1):
        u = hmac_sm3(password.encode(), u)
        derived = bytes(a ^ b for a, b in zip(derived, u, strict=True))
    encoded = PBKDF2SM3Hasher().encode(password, salt, iterations)
    assert encoded == f"pbkdf2_sm3$3$someSalt123${base64.b64encode(derived).decode()}"
    assert PBKDF2SM3Hasher().verify(password, encoded)
    assert not PBKDF2SM3Hasher().verify("Kaohe-密码-2026", encoded)


def hashers_with(guomi: str) -> list[str]:
    """The installation's hashers with KAOHE_GUOMI set so, read by a fresh process."""
    env = {**os.environ, "KAOHE_GUOMI": guomi, "DJANGO_SETTINGS_MODULE": "kaohe.settings"}
    return subprocess.run(
        [sys.executable, "-c", "from kaohe import settings; print(*settings.PASSWORD_HASHERS)"],
        env=env, check=True, capture_output=True, text=True).stdout.split()


def test_with_guomi_off_new_passwords_use_argon2id_and_sm3_hashes_still_verify() -> None:
    on, off = hashers_with("true"), hashers_with("false")
    sm3_hasher, argon2id = ("kaohe.accounts.hashers.PBKDF2SM3Hasher",
                            "kaohe.accounts.hashers.Argon2idHasher")
    assert on[:2] == [sm3_hasher, argon2id]
    assert off[:2] == [argon2id, sm3_hasher]
