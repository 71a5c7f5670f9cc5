"""The office's import page: the file's checks and the dry run in the browser, nothing written
before the confirmation; the problems with their places; who may import which organ."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kaohe import limits
from kaohe.audit.models import AuditEvent
from kaohe.org.models import Person, Section
from tests.org.test_importer import EXAMPLE, full_dump
from tests.personas import World

pytestmark = pytest.mark.django_db

Sign = Callable[[str | None], Client]


@pytest.fixture(autouse=True)
def _uploads_apart(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path


OFFICE = {"id": "P-office", "name": "Office", "category": "staff", "section": "office"}


def organ_file(**extra: Any) -> dict[str, Any]:
    """The personas' organ with one new section and one new staff member; the office stays
    (the file's office list replaces the organ's)."""
    return {"organ": {"code": "organ", "name": "示例局"},
            "sections": [{"code": "c", "name": "丙科"}],
            "people": [OFFICE, {"id": "P-new", "name": "新同志", "category": "staff",
                                "section": "c", "since": "2025-07-01"}],
            "office": ["P-office"], **extra}


def upload(data: Any, name: str = "organ.json") -> SimpleUploadedFile:
    content = data if isinstance(data, bytes) else json.dumps(data).encode()
    return SimpleUploadedFile(name, content, content_type="application/json")


def check(client: Client, data: Any, name: str = "organ.json") -> Any:
    return client.post(reverse("organ_import_check"), {"file": upload(data, name)})


def test_the_dry_run_changes_nothing_and_the_confirmation_applies(client_for: Sign,
                                                                  world: World) -> None:
    client = client_for("office")  # signing in writes last_login: before the snapshot
    before = full_dump()
    response = check(client, organ_file())
    page = response.content.decode()
    assert response.status_code == 200
    assert "试运行：以下是导入将做的改动，数据库未作任何改动。" in page
    assert "机关 organ（示例局）" in page and "确认导入" in page
    assert full_dump() == before
    token = client.session["organ_import"]["token"]

    refused = client.post(reverse("organ_import_apply"), {"token": token})  # not confirmed
    assert refused.status_code == 400 and "请勾选确认" in refused.content.decode()
    assert full_dump() == before

    applied = client.post(reverse("organ_import_apply"), {"token": token, "confirm": "on"})
    assert applied.status_code == 200 and "已导入" in applied.content.decode()
    assert Person.objects.get(personnel_no="P-new").section == Section.objects.get(
        organ=world.organ, code="c")
    event = AuditEvent.objects.get(action="organ.import")
    assert event.username == "office" and event.new["file"] == "organ.json"
    # The file is gone: applying it a second time is refused.
    again = client.post(reverse("organ_import_apply"), {"token": token, "confirm": "on"})
    assert again.status_code == 400 and "请重新上传" in again.content.decode()


def test_a_bad_file_shows_its_problems_with_their_places(client_for: Sign,
                                                         world: World) -> None:
    client = client_for("office")
    before = full_dump()
    data = organ_file()
    data["people"].append({"id": "P-bad", "name": "", "category": "boss", "section": "c"})
    response = check(client, data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "导入被拒绝" in page and "数据库未作任何改动" in page
    assert "people 第 3 行" in page and "category" in page
    assert "import-apply" not in page and "organ_import" not in client.session
    assert full_dump() == before


@pytest.mark.parametrize(("content", "name", "message"), [
    (b"{not json", "organ.json", "organ.json"),
    (b"PK\x03\x04 not a workbook", "organ.xlsx", "organ.xlsx"),
    (b"{}", "organ.csv", "请上传 .xlsx 或 .json 文件"),
])
def test_unreadable_files_are_refused(client_for: Sign, world: World, content: bytes,
                                      name: str, message: str) -> None:
    response = check(client_for("office"), content, name)
    assert response.status_code == 400 and message in response.content.decode()


def test_a_file_over_the_limit_is_refused(client_for: Sign, world: World,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "IMPORT_BYTES", 100)
    response = check(client_for("office"), organ_file())
    assert response.status_code == 400 and "文件不超过" in response.content.decode()
    assert not Person.objects.filter(personnel_no="P-new").exists()


def test_an_office_imports_its_own_organ_only(client_for: Sign, world: World) -> None:
    client = client_for("office")  # signing in writes last_login: before the snapshot
    before = full_dump()
    new_organ = check(client, json.loads(EXAMPLE.read_text()))
    assert new_organ.status_code == 400 and "您只能导入本机关的文件" in new_organ.content.decode()
    other = check(client, {**organ_file(), "organ": {"code": "other", "name": "他局"}})
    assert other.status_code == 400
    # Moving in someone of another organ (a transfer) is not the office's either.
    outsider = {"id": "P-outsider", "name": "Outsider", "category": "staff", "section": "a",
                "transferred_on": "2025-07-01"}
    taking = organ_file(people=[OFFICE, outsider])
    assert check(client, taking).status_code == 400
    assert full_dump() == before


def test_the_preview_warns_an_office_leaving_the_office(client_for: Sign,
                                                         world: World) -> None:
    page = check(client_for("office"), organ_file(office=[])).content.decode()
    assert "导入后您将不再是本机关办公室人员" in page
    kept = check(client_for("office"), organ_file()).content.decode()
    assert "导入后您将不再是" not in kept


def test_the_system_administrator_may_create_an_organ(client_for: Sign, world: World) -> None:
    response = check(client_for("sysadmin"), json.loads(EXAMPLE.read_text()))
    assert response.status_code == 200 and "确认导入" in response.content.decode()


@pytest.mark.parametrize("persona", ["chief", "principal", "staff", "secadmin"])
def test_nobody_else_reaches_the_page(client_for: Sign, world: World, persona: str) -> None:
    client = client_for(persona)
    assert client.get(reverse("organ_import")).status_code == 404
    assert check(client, organ_file()).status_code == 404
