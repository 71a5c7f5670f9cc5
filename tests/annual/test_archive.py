"""Closing a year: the concluding materials frozen with checksums, nothing changed afterwards
except by a recorded correction (§九(四))."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from docx import Document

from kaohe.annual import services
from kaohe.annual.models import AnnualYear, ArchivedFile
from kaohe.assessments.models import Transition
from kaohe.audit.models import AuditEvent
from kaohe.documents import archive
from kaohe.errors import Invalid, NotAllowed, Refused
from kaohe.lib import digests
from kaohe.plans.models import Period, PeriodState
from tests.annual.factories import ASSESSED, YEAR, run_year
from tests.documents.reading import read_docx
from tests.personas import World

pytestmark = pytest.mark.django_db


def decide_all(world: World) -> None:
    for persona in ASSESSED:
        services.result_decide(organ=world.organ, year=YEAR, person=world.people[persona],
                               grade="称职", reason="考核委员会研究", by=world.users["office"])


def close(world: World) -> AnnualYear:
    return archive.year_close(organ=world.organ, year=YEAR, by=world.users["office"])


def a_docx(text: str) -> bytes:
    document = Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def corrected(archived: ArchivedFile, text: str) -> bytes:
    """A correction of the archived file's own kind: a Word document, or a JSON record."""
    if archived.name.endswith(".json"):
        return json.dumps([{"note": text}], ensure_ascii=False).encode()
    return a_docx(text)


def a_form(world: World) -> ArchivedFile:
    run_year(world, {})
    decide_all(world)
    close(world)
    found = ArchivedFile.objects.filter(person=world.people["staff"],
                                        name__endswith=".docx").first()
    assert found is not None
    return found


def test_close_refuses_while_work_is_unfinished(world: World) -> None:
    periods = run_year(world, {})
    Period.objects.filter(pk=periods[4].pk).update(state=PeriodState.OPEN)
    with pytest.raises(Refused) as refusal:
        close(world)
    assert "4 季度尚未结束" in refusal.value.message and "Staff的年度等次尚未确定" in \
        refusal.value.message
    assert not ArchivedFile.objects.exists()
    assert not AnnualYear.objects.filter(organ=world.organ, year=YEAR, state="closed").exists()


def test_close_freezes_each_persons_materials_with_checksums(world: World) -> None:
    periods = run_year(world, {"staff": ["好"] * 4})
    Transition.objects.create(assessment=periods[1].assessments.get(person=world.people["staff"]),
                              action="approve", from_state="proposed", to_state="approved",
                              by=world.users["leader"], reason="同意")
    decide_all(world)
    with pytest.raises(NotAllowed):
        archive.year_close(organ=world.organ, year=YEAR, by=world.users["principal"])
    assert close(world).is_closed
    files = ArchivedFile.objects.filter(person=world.people["staff"])
    names = sorted(f.name for f in files)
    assert len(names) == 7  # annual, four quarters, record book, decisions
    for f in files:
        assert f.sha256 == hashlib.sha256(bytes(f.content)).hexdigest() and f.size > 0
        assert f.sm3 == digests.digest(digests.SM3, bytes(f.content))
    annual = files.get(name__startswith="年度考核登记表")
    assert read_docx(bytes(annual.content)).cells["机关负责人或考核委员会意见"] == "考核等次：称职"
    decisions = json.loads(bytes(files.get(name__startswith="考核决定记录").content))
    assert [d["kind"] for d in decisions] == ["quarter", "annual"]
    assert decisions[0]["action"] == "approve" and decisions[1]["values"]["grade"] == "称职"
    with pytest.raises(Refused) as refusal:
        services.result_decide(organ=world.organ, year=YEAR, person=world.people["staff"],
                               grade="优秀", reason="改", by=world.users["office"])
    assert refusal.value.code == "year_closed"
    with pytest.raises(Refused):
        close(world)


def test_correction_adds_a_version_and_keeps_the_old(world: World) -> None:
    run_year(world, {})
    decide_all(world)
    close(world)
    original = ArchivedFile.objects.filter(person=world.people["staff"]).first()
    assert original is not None
    with pytest.raises(Invalid):
        archive.archive_correct(archived=original, content=b"x", reason=" ",
                                by=world.users["office"])
    content = corrected(original, "出生年月更正")
    new = archive.archive_correct(archived=original, content=content,
                                  reason="出生年月录入错误", by=world.users["office"])
    assert new.version == 2 and new.sha256 == hashlib.sha256(content).hexdigest()
    original.refresh_from_db()
    assert original.version == 1 and bytes(original.content) != content


def test_archive_pages(world: World, client_for: Callable[[str | None], Client]) -> None:
    run_year(world, {})
    decide_all(world)
    client = client_for("office")
    response = client.post(f"/annual/organ/{YEAR}/close/")
    assert response["Location"] == f"/annual/organ/{YEAR}/archive/"
    page = client.get(f"/annual/organ/{YEAR}/archive/").content.decode()
    first = ArchivedFile.objects.order_by("pk").first()
    assert first is not None and f"SM3 {first.sm3}" in page and f"SHA-256 {first.sha256}" in page
    download = client.get(f"/annual/archive/{first.pk}/")
    assert download.content == bytes(first.content)
    assert download.content.startswith(b"PK")  # the Word document itself ...
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM annual_archivedfile WHERE id = %s", [first.pk])
        assert bytes(cursor.fetchone()[0]).startswith(b"sm4gcm$")  # ... encrypted at rest
    assert download["Digest"] == f"sha-256={first.sha256}"
    client.post(f"/annual/archive/{first.pk}/correct/",
                {"file": SimpleUploadedFile("a.docx", corrected(first, "新")),
                 "reason": "更正笔误"})
    assert ArchivedFile.objects.filter(name=first.name, version=2).exists()
    assert client_for("principal").post(f"/annual/archive/{first.pk}/correct/", {
        "file": SimpleUploadedFile("a.docx", b"x"), "reason": "r"}).status_code == 403
    assert client_for("chief").get(f"/annual/archive/{first.pk}/").status_code == 404


@pytest.mark.parametrize(("content", "code"), [
    (b"<html><script>alert(1)</script></html>" * 1000, "not_docx"),
    (b"<html>" + b" " * (3 * 1024 * 1024), "too_large"),
    (b"PK\x03\x04 not really a zip", "not_docx"),
])
def test_a_correction_must_be_a_word_document(world: World, content: bytes, code: str) -> None:
    form = a_form(world)
    with pytest.raises(Invalid) as refusal:
        archive.archive_correct(archived=form, content=content, reason="更正",
                                by=world.users["office"])
    assert refusal.value.code == code
    assert ArchivedFile.objects.filter(name=form.name).count() == 1


def test_a_correction_that_would_unpack_to_too_much_is_refused(world: World) -> None:
    form = a_form(world)
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("[Content_Types].xml", "<Types/>")
        bomb.writestr("word/document.xml", b"0" * (30 * 1024 * 1024))  # 30 MB of zeros
    assert len(package.getvalue()) < 100 * 1024
    with pytest.raises(Invalid) as refusal:
        archive.archive_correct(archived=form, content=package.getvalue(), reason="更正",
                                by=world.users["office"])
    assert refusal.value.code == "not_docx"


def test_every_download_of_the_archive_is_audited(
        world: World, client_for: Callable[[str | None], Client]) -> None:
    form = a_form(world)
    client = client_for("office")
    for _ in range(2):
        assert client.get(f"/annual/archive/{form.pk}/").status_code == 200
    events = AuditEvent.objects.filter(action="download", object_type="annual.archivedfile",
                                       object_id=str(form.pk), username="office")
    assert events.count() == 2 and events.first().new["sha256"] == form.sha256


def test_archive_list_query_budget(world: World,
                                   client_for: Callable[[str | None], Client]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    run_year(world, {})
    decide_all(world)
    close(world)
    client = client_for("office")

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/annual/organ/{YEAR}/archive/").status_code == 200
        return len(captured)

    few = count()
    first = ArchivedFile.objects.first()
    assert first is not None
    for _ in range(20):
        archive.archive_correct(archived=first, content=corrected(first, "v"), reason="更正",
                                by=world.users["office"])
    assert count() == few


def test_the_decisions_record_includes_appeals_and_their_outcome(world: World) -> None:
    import datetime

    from kaohe.appeals.models import Appeal

    assessment = world.assessments["staff"]
    Appeal.objects.create(assessment=assessment, channel="paper", text="等次偏低",
                          filed_on=datetime.date(2025, 10, 10),
                          deadline=datetime.date(2025, 10, 13), filed_by=world.users["office"],
                          state="changed", previous_grade="一般", new_grade="较好",
                          reason="复核后事实不符", decided_on=datetime.date(2025, 10, 20))
    year, _created = AnnualYear.objects.get_or_create(organ=world.organ, year=2025)
    found = archive.decisions_of(world.people["staff"], year)
    appeals = [d for d in found if d["kind"] == "appeal"]
    assert appeals == [{
        "kind": "appeal", "quarter": assessment.period.quarter, "filed_on": "2025-10-10",
        "text": "等次偏低", "outcome": "changed", "previous": "一般", "grade": "较好",
        "reason": "复核后事实不符", "by_committee": False, "decided_on": "2025-10-20"}]


def test_files_archived_before_sm3_get_it_once_their_sha256_shows_them_unchanged(
        world: World) -> None:
    """`kaohe guomi migrate` gives older files their SM3 checksum; a file whose content no
    longer matches its SHA-256 gets none and is named."""
    run_year(world, {})
    decide_all(world)
    close(world)
    files = ArchivedFile.objects.filter(person=world.people["staff"]).order_by("pk")
    files.update(sm3="")  # as archived before the SM3 checksum existed
    tampered = files.first()
    assert tampered is not None
    ArchivedFile.objects.filter(pk=tampered.pk).update(content=b"changed in the database")
    out = io.StringIO()
    with pytest.raises(CommandError, match=f"#{tampered.pk}"):
        call_command("guomi", "migrate", stdout=out)
    assert f"given an SM3 checksum: {files.count() - 1}." in out.getvalue()
    for f in files.exclude(pk=tampered.pk):
        assert f.sm3 == digests.digest(digests.SM3, bytes(f.content))
    tampered.refresh_from_db()
    assert tampered.sm3 == ""
