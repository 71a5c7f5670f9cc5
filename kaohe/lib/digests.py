"""The hash function of the integrity controls, by name (docs/security.md, GB/T 39786).

SM3 (GB/T 32905) when 国密 is on (`settings.KAOHE_GUOMI`, the default); SHA-256 when it is off
and for everything written before it was switched on: each record keeps the name of the
function it was written with, so that both keep verifying."""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes, hmac
from django.conf import settings

SM3 = "sm3"
SHA256 = "sha256"
_FUNCTIONS: dict[str, type[hashes.HashAlgorithm]] = {SM3: hashes.SM3, SHA256: hashes.SHA256}


def preferred() -> str:
    """The function new records are written with."""
    return SM3 if settings.KAOHE_GUOMI else SHA256


def digest(algorithm: str, data: bytes) -> str:
    """The hexadecimal digest of `data`."""
    hashing = hashes.Hash(_FUNCTIONS[algorithm]())
    hashing.update(data)
    return hashing.finalize().hex()


def keyed(algorithm: str, key: bytes, data: bytes) -> str:
    """The hexadecimal HMAC (RFC 2104) of `data` under `key`: HMAC-SM3 or HMAC-SHA256."""
    mac = hmac.HMAC(key, _FUNCTIONS[algorithm]())
    mac.update(data)
    return mac.finalize().hex()
