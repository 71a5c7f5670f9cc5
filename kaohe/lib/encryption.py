"""Sensitive texts encrypted at rest with SM4 in GCM mode (GB/T 32907; decision 0026).

A value is stored as `sm4gcm$KEY$WHERE$DATA`: KEY names the key (the first eight hexadecimal
digits of its SM3), WHERE the column it belongs to (model and field, authenticated with the
data, so that a value copied into another column does not open), DATA the base64 of a random
12-byte nonce, the ciphertext and the 16-byte tag. Binary values are stored the same way, the
DATA as raw bytes. An empty value stays empty, so that `field=""` still finds the blanks.

Values are encrypted while 国密 is on (`KAOHE_GUOMI`) and read back whatever it is: a value
written in plain text before reads as it is, until `kaohe guomi migrate` encrypts it (and
re-encrypts, under the current key, what an older key wrote)."""

from __future__ import annotations

import base64
import functools
import json
import os
from collections.abc import Iterator
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.signals import setting_changed
from django.db import connection, connections, models, router, transaction
from django.dispatch import receiver

from kaohe.lib import digests

PREFIX = "sm4gcm$"
NONCE, TAG = 12, 16


class Undecryptable(Exception):
    """The key is not configured, the value was altered, or it belongs to another column."""


@functools.cache
def _keys() -> tuple[str, dict[str, bytes]]:
    """(the current key's name, every configured key by name)."""
    keys = [bytes.fromhex(key) for key in (settings.KAOHE_FIELD_KEY,
                                           *settings.KAOHE_FIELD_OLD_KEYS)]
    return key_name(keys[0]), {key_name(key): key for key in keys}


@receiver(setting_changed)
def _forget_keys(setting: str, **kwargs: Any) -> None:
    if setting in {"KAOHE_FIELD_KEY", "KAOHE_FIELD_OLD_KEYS"}:
        _keys.cache_clear()


@checks.register(checks.Tags.security)
def _keys_are_usable(**kwargs: Any) -> list[checks.CheckMessage]:
    """A wrong key is said at start, not at the first text read."""
    if all(map(_is_sm4_key, (settings.KAOHE_FIELD_KEY, *settings.KAOHE_FIELD_OLD_KEYS))):
        return []
    return [checks.Error("KAOHE_FIELD_KEY and KAOHE_FIELD_OLD_KEYS must each be 32 "
                         "hexadecimal digits (an SM4 key).", id="kaohe.E001")]


def _is_sm4_key(text: str) -> bool:
    try:
        return len(bytes.fromhex(text)) == 16
    except ValueError:
        return False


@checks.register(checks.Tags.security, deploy=True)
def _key_is_shared(**kwargs: Any) -> list[checks.CheckMessage]:
    """Every application host of a shared database must hold the same key: one that each
    generated for itself could not read what the others wrote."""
    if settings.KAOHE_FIELD_KEY_GENERATED and connection.vendor != "sqlite":
        return [checks.Warning(
            "KAOHE_FIELD_KEY is not set: this host generated its own key into KAOHE_VAR_DIR.",
            hint="Set KAOHE_FIELD_KEY (or KAOHE_FIELD_KEY_FILE) to the same key on every "
                 "application host, and keep it with the backups (docs/deployment.md).",
            id="kaohe.W001")]
    return []


def key_name(key: bytes) -> str:
    return digests.digest(digests.SM3, key)[:8]


def current_key_name() -> str:
    return _keys()[0]


def _encrypt(data: bytes, where: str) -> tuple[str, bytes]:
    """(the current key's name, nonce + ciphertext + tag) of `data` sealed for `where`."""
    name, keys = _keys()
    nonce = os.urandom(NONCE)
    encryptor = Cipher(algorithms.SM4(keys[name]), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(where.encode())
    return name, nonce + encryptor.update(data) + encryptor.finalize() + encryptor.tag


def _decrypt(name: str, sealed_for: str, payload: bytes, where: str | None) -> bytes:
    """The data of `payload`; `where`, when given, must be the column it was sealed for."""
    if where is not None and sealed_for != where:
        raise Undecryptable(f"a value of {sealed_for} found in {where}")
    key = _keys()[1].get(name)
    if key is None:
        raise Undecryptable(f"key {name} is not configured (KAOHE_FIELD_OLD_KEYS)")
    nonce, body, tag = payload[:NONCE], payload[NONCE:-TAG], payload[-TAG:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(sealed_for.encode())
    try:
        return decryptor.update(body) + decryptor.finalize()
    except InvalidTag:
        raise Undecryptable(f"a value of {sealed_for} was altered") from None


def seal(text: str, where: str) -> str:
    """The text to store: encrypted while 国密 is on; empty stays empty. A text that merely
    looks sealed is sealed whatever the setting, so that it is never taken for one."""
    if not text or not (settings.KAOHE_GUOMI or text.startswith(PREFIX)):
        return text
    name, payload = _encrypt(text.encode(), where)
    return f"{PREFIX}{name}${where}${base64.b64encode(payload).decode()}"


def unseal(value: str, where: str | None = None) -> str:
    """The text stored in `value`: plain text as it is, a sealed one opened."""
    if not value.startswith(PREFIX):
        return value
    _method, name, sealed_for, data = value.split("$", 3)
    return _decrypt(name, sealed_for, base64.b64decode(data), where).decode()


def seal_bytes(data: bytes, where: str) -> bytes:
    name, payload = _encrypt(data, where)
    return f"{PREFIX}{name}${where}$".encode() + payload


def open_bytes(value: bytes, where: str | None = None) -> bytes:
    _method, name, sealed_for, payload = value.split(b"$", 3)
    return _decrypt(name.decode(), sealed_for.decode(), payload, where)


def is_current(stored: str | bytes) -> bool:
    """Whether a stored value needs no migration: empty, or sealed under the current key."""
    head = f"{PREFIX}{current_key_name()}$"
    return not stored or (stored.startswith(head.encode()) if isinstance(stored, bytes)
                          else stored.startswith(head))


class _Sealed(models.Field):
    """Names the column a field seals for: its model and its own name."""

    where = ""

    def contribute_to_class(self, cls: type[models.Model], name: str,
                            *args: Any, **kwargs: Any) -> None:
        super().contribute_to_class(cls, name, *args, **kwargs)
        self.where = f"{cls._meta.label_lower}.{name}"


class EncryptedTextField(_Sealed, models.TextField):
    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        return value if value is None else unseal(value, self.where)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return seal(value, self.where) if isinstance(value, str) else value


class EncryptedJSONField(_Sealed, models.JSONField):
    """The whole document sealed as one JSON string; nothing queries inside these documents."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        value = super().from_db_value(value, expression, connection)
        if isinstance(value, str) and value.startswith(PREFIX):
            return json.loads(unseal(value, self.where))
        return value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if not value or not settings.KAOHE_GUOMI:
            return value
        return seal(json.dumps(value, cls=self.encoder, ensure_ascii=False), self.where)


class EncryptedBinaryField(_Sealed, models.BinaryField):
    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or bytes(value[:len(PREFIX)]) != PREFIX.encode():
            return value
        return open_bytes(bytes(value), self.where)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or not len(value) or not settings.KAOHE_GUOMI:
            return value
        return seal_bytes(bytes(value), self.where)


def sealed_fields() -> list[tuple[type[models.Model], _Sealed]]:
    return [(model, field) for model in apps.get_models() for field in model._meta.concrete_fields
            if isinstance(field, _Sealed)]


def reencrypt(batch: int = 500) -> dict[str, int]:
    """Encrypt under the current key every value of an encrypted field that is not: written in
    plain text before, or under a key since replaced. Returns how many values of each column
    were rewritten. The audit chain's hashes cover the plain values, so rewriting its events
    leaves the chain whole."""
    done = {}
    for model, field in sealed_fields():
        stale = _stale(model, field)
        for start in range(0, len(stale), batch):
            with transaction.atomic():
                rows = model._default_manager.filter(pk__in=stale[start:start + batch])
                values = dict(rows.values_list("pk", field.attname))  # opened by the field
                model._default_manager.bulk_update(
                    [model(pk=pk, **{field.attname: value}) for pk, value in values.items()],
                    [field.attname])
        done[field.where] = len(stale)
    return done


def stale_counts() -> dict[str, int]:
    """How many values of each encrypted column are in plain text or under a replaced key."""
    return {field.where: len(_stale(model, field)) for model, field in sealed_fields()}


def _stale(model: type[models.Model], field: _Sealed) -> list[Any]:
    if not settings.KAOHE_GUOMI:
        return []  # nothing to encrypt while it is off
    return [pk for pk, stored in _stored(model, field) if not is_current(stored)]


def _stored(model: type[models.Model], field: _Sealed) -> Iterator[tuple[Any, str | bytes]]:
    """(key, the value as stored) of every row: for a JSON document, the sealed string it holds
    or its text."""
    connection = connections[router.db_for_read(model)]
    quote = connection.ops.quote_name
    meta = model._meta
    with connection.cursor() as cursor:
        # Only names from the model's own metadata are formatted in.
        cursor.execute(f"SELECT {quote(meta.pk.column)}, {quote(field.column)} "  # noqa: S608
                       f"FROM {quote(meta.db_table)}")
        for pk, stored in cursor.fetchall():
            if isinstance(stored, memoryview):
                stored = bytes(stored)
            if isinstance(field, models.JSONField) and isinstance(stored, str):
                document = json.loads(stored)
                stored = document if isinstance(document, str) else (stored if document else "")
            yield pk, stored
