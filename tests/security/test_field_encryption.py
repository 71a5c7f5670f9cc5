"""SM4 at rest (decision 0026): the personal summaries, opinions, appeal texts, the annual
form's data, the history and the audit values that copy them are not readable in the
database, read back whole through the application, refuse to open in another column or once
altered, and move to a new key with `kaohe guomi migrate` without breaking the audit chain."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from kaohe.assessments import services
from kaohe.assessments.models import Assessment, Transition
from kaohe.audit import chain
from kaohe.audit.models import AuditEvent
from kaohe.lib import encryption
from tests.personas import World

SUMMARY = "本季度完成分解任务 12 项；不足：调研不够深入。"
KEY_A, KEY_B = "00112233445566778899aabbccddeeff", "ffeeddccbbaa99887766554433221100"


def test_sm4_gives_the_standards_example() -> None:
    """GB/T 32907-2016 Appendix A, example 1: one block, the key as plaintext."""
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    encryptor = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()  # noqa: S305 (the example)
    assert (encryptor.update(key) + encryptor.finalize()).hex() == \
        "681edf34d206965e86b3e94f536e4246"


def test_sm4_gcm_gives_rfc_8998s_example() -> None:
    """RFC 8998 Appendix A.1: SM4 in GCM mode with a 12-byte nonce and a 16-byte tag, the
    parameters of the stored values."""
    key = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
    nonce = bytes.fromhex("00001234567800000000ABCD")
    plain = bytes.fromhex("AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD"
                          "EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA")
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(bytes.fromhex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2"))
    sealed = encryptor.update(plain) + encryptor.finalize()
    assert sealed.hex().upper() == (
        "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735"
        "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D")
    assert encryptor.tag.hex().upper() == "83DE3541E4C2B58177E065A9BF7B62EC"


def stored(table: str, column: str, where: str, *params: object) -> list[Any]:
    """The values as the database holds them, bypassing the application."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE {where}", params)  # noqa: S608
        return [bytes(v) if isinstance(v, memoryview) else v for (v,) in cursor.fetchall()]


def save_summary(world: World, text: str = SUMMARY) -> Assessment:
    assessment = world.assessments["staff"]
    services.summary_save(assessment=assessment, by=world.users["staff"], text=text)
    return Assessment.objects.get(pk=assessment.pk)


def raw_summary(assessment: Assessment) -> str:
    return stored("assessments_assessment", "summary", "id = %s", assessment.pk)[0]


@pytest.mark.django_db
def test_a_summary_is_unreadable_in_the_database_and_read_whole_by_the_app(
        world: World, client_for: Callable[[str | None], Client]) -> None:
    assessment = save_summary(world)
    assert assessment.summary == SUMMARY
    raw = raw_summary(assessment)
    assert raw.startswith(f"sm4gcm${encryption.current_key_name()}$assessments.assessment.summary$")
    assert "调研" not in raw
    # The copies: the assessment's history and the audit log hold it too.
    for text in stored("assessments_transition", "\"values\"", "assessment_id = %s",
                       assessment.pk) + stored("audit_auditevent", "new", "object_id = %s",
                                               str(assessment.pk)):
        assert "调研" not in str(text)
    assert Transition.objects.filter(assessment=assessment).last().values == {  # type: ignore[union-attr]
        "summary": SUMMARY}
    assert chain.verify() is None  # the chain's hashes cover the plain values
    page = client_for("auditadmin").get(reverse("audit_events"), {"username": "staff"})
    assert "调研不够深入" in page.content.decode()  # the audit administrator reads it


@pytest.mark.django_db
def test_blank_texts_stay_blank_so_that_blanks_are_still_found(world: World) -> None:
    assessment = world.assessments["staff"]
    assert raw_summary(assessment) == ""
    assert Assessment.objects.filter(pk=assessment.pk, summary="").exists()


@pytest.mark.django_db
def test_a_value_moved_to_another_column_or_altered_does_not_open(world: World) -> None:
    """Fail closed: the column is authenticated with the value, and so is every byte of it."""
    assessment = save_summary(world)
    raw = raw_summary(assessment)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE assessments_assessment SET person_opinion = %s WHERE id = %s",
                       [raw, assessment.pk])
    with pytest.raises(encryption.Undecryptable, match="summary found in"):
        Assessment.objects.get(pk=assessment.pk)
    altered = raw[:-6] + ("A" if raw[-6] != "A" else "B") + raw[-5:]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE assessments_assessment SET person_opinion = '', summary = %s "
                       "WHERE id = %s", [altered, assessment.pk])
    with pytest.raises(encryption.Undecryptable, match="altered"):
        Assessment.objects.get(pk=assessment.pk)


@pytest.mark.django_db
def test_a_new_key_takes_over_with_kaohe_guomi_migrate(world: World, settings: Any) -> None:
    # Key A takes over from the installation's key, then B from A.
    settings.KAOHE_FIELD_KEY, settings.KAOHE_FIELD_OLD_KEYS = KEY_A, [settings.KAOHE_FIELD_KEY]
    call_command("guomi", "migrate", stdout=io.StringIO())
    settings.KAOHE_FIELD_OLD_KEYS = []
    assessment = save_summary(world)
    key_a = encryption.current_key_name()
    settings.KAOHE_FIELD_KEY, settings.KAOHE_FIELD_OLD_KEYS = KEY_B, [KEY_A]
    assert Assessment.objects.get(pk=assessment.pk).summary == SUMMARY  # the old key still read
    out = io.StringIO()
    call_command("guomi", "status", stdout=out)
    assert "assessments.assessment.summary 1" in out.getvalue()
    call_command("guomi", "migrate", stdout=out)
    assert f"${key_a}$" not in raw_summary(assessment)
    settings.KAOHE_FIELD_OLD_KEYS = []  # the old key withdrawn
    assert Assessment.objects.get(pk=assessment.pk).summary == SUMMARY
    assert Transition.objects.filter(assessment=assessment).last().values == {  # type: ignore[union-attr]
        "summary": SUMMARY}
    assert chain.verify() is None  # audit events re-encrypted, their hashes unchanged
    assert [event.new for event in AuditEvent.objects.filter(object_id=str(assessment.pk))]
    out = io.StringIO()
    call_command("guomi", "status", stdout=out)
    assert "Values not yet encrypted under the current key: none." in out.getvalue()


@pytest.mark.django_db
def test_texts_written_in_plain_before_read_as_they_are_and_are_encrypted_by_migrate(
        world: World, settings: Any) -> None:
    settings.KAOHE_GUOMI = False
    assessment = save_summary(world)
    assert raw_summary(assessment) == SUMMARY  # 国密 off: stored as typed
    settings.KAOHE_GUOMI = True
    assert Assessment.objects.get(pk=assessment.pk).summary == SUMMARY
    call_command("guomi", "migrate", stdout=io.StringIO())
    assert raw_summary(assessment).startswith("sm4gcm$")
    assert Assessment.objects.get(pk=assessment.pk).summary == SUMMARY


@pytest.mark.django_db
def test_a_text_that_looks_sealed_is_sealed_even_with_guomi_off(
        world: World, settings: Any) -> None:
    settings.KAOHE_GUOMI = False
    lookalike = "sm4gcm$12345678$assessments.assessment.summary$AAAA"
    assessment = save_summary(world, lookalike)
    assert raw_summary(assessment) != lookalike
    assert assessment.summary == lookalike



@pytest.mark.django_db
def test_migrate_stops_with_a_clear_error_at_a_value_it_cannot_read(
        world: World, settings: Any) -> None:
    assessment = save_summary(world)
    raw = raw_summary(assessment)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE assessments_assessment SET summary = %s WHERE id = %s",
                       [raw[:-6] + ("A" if raw[-6] != "A" else "B") + raw[-5:], assessment.pk])
    settings.KAOHE_FIELD_KEY, settings.KAOHE_FIELD_OLD_KEYS = KEY_B, [settings.KAOHE_FIELD_KEY]
    with pytest.raises(CommandError, match=r"could not be read .*altered"):
        call_command("guomi", "migrate", stdout=io.StringIO())
