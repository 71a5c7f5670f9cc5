"""The pages of the background jobs, through the test client: a button asks for the job, its
page follows it and offers the file once a worker has made it (run here as a worker does);
only the job's owner sees the page and downloads the file, and every download is audited."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from kaohe.audit.models import AuditEvent
from kaohe.jobs.models import Job, JobState
from kaohe.org.models import Duty, OrganDuty
from tests.annual.factories import YEAR, run_year
from tests.documents.reading import read_docx
from tests.jobs.running import run_queued
from tests.personas import World

pytestmark = pytest.mark.django_db
Clients = Callable[[str | None], Client]


@pytest.fixture(autouse=True)
def _jobs_folder(tmp_path: Path, settings: Any) -> None:
    settings.KAOHE_JOBS_DIR = tmp_path / "jobs"


def asked(client: Client, url: str, data: dict[str, str] | None = None) -> Job:
    """POST the page's button; it leads to the new job's page."""
    response = client.post(url, data or {})
    assert response.status_code == 302
    match = re.fullmatch(r"/jobs/(\d+)/", response["Location"])
    assert match, response["Location"]
    return Job.objects.get(pk=match[1])


def downloaded(client: Client, job: Job) -> bytes:
    response = client.get(f"/jobs/{job.pk}/download/")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_the_forms_zip_is_asked_for_followed_and_downloaded(world: World,
                                                            client_for: Clients) -> None:
    run_year(world, {"staff": ["好"] * 4})
    office = client_for("office")
    annual_page = office.get(f"/annual/organ/{YEAR}/").content.decode()
    assert f'action="/documents/bundle/organ/{YEAR}/"' in annual_page
    job = asked(office, f"/documents/bundle/organ/{YEAR}/")
    assert job.title == f"示例局 {YEAR} 年度全部登记表（zip）"

    page = office.get(f"/jobs/{job.pk}/").content.decode()
    assert 'data-state="queued"' in page and "请联系系统管理员启动后台进程" in page  # no worker
    assert f'hx-get="/jobs/{job.pk}/status/"' in page  # refreshes itself until done
    assert office.get(f"/jobs/{job.pk}/download/").status_code == 404  # not made yet
    assert asked(office, f"/documents/bundle/organ/{YEAR}/") == job  # asked twice: one job

    assert run_queued() == 1
    status = office.get(f"/jobs/{job.pk}/status/").content.decode()
    assert 'data-state="done"' in status and "hx-get" not in status  # the refreshing stops
    job.refresh_from_db()
    assert f"{job.total} / {job.total}" in status and job.total == 6 * 6 + 5
    archive = zipfile.ZipFile(io.BytesIO(downloaded(office, job)))
    names = archive.namelist()
    assert len([n for n in names if n.endswith(".docx")]) == 6 * 6  # annual + 4 + record book
    assert f"{YEAR}年度考核结果.xlsx" in names
    form = read_docx(archive.read(f"甲科/Staff-P-staff/年度考核登记表-Staff-{YEAR}年度.docx"))
    assert form.cells["平时考核情况"] == "好4次，较好0次，一般0次，较差0次"
    event = AuditEvent.objects.filter(action="export").latest("seq")
    assert (event.username, event.object_type) == ("office", "jobs.forms_zip")
    assert event.object_repr == f"示例局-{YEAR}.zip"

    for persona in ("principal", "chief", "outsider", "sysadmin"):  # the owner's alone
        other = client_for(persona)
        for url in (f"/jobs/{job.pk}/", f"/jobs/{job.pk}/status/",
                    f"/jobs/{job.pk}/download/"):
            assert other.get(url).status_code == 404, (persona, url)
        assert f"/jobs/{job.pk}/" not in other.get("/jobs/").content.decode()
    assert f"/jobs/{job.pk}/download/" in client_for("office").get("/jobs/").content.decode()


def test_a_section_chief_has_the_zip_of_their_section_only(world: World,
                                                           client_for: Clients) -> None:
    run_year(world, {})
    chief = client_for("chief")
    home = chief.get("/").content.decode()
    assert 'name="section" value="a"' in home
    job = asked(chief, f"/documents/bundle/organ/{YEAR}/", {"section": "a"})
    run_queued()
    names = zipfile.ZipFile(io.BytesIO(downloaded(chief, job))).namelist()
    assert {n.split("/")[1] for n in names} == {"Staff-P-staff", "Colleague-P-colleague",
                                                "Chief-P-chief"}
    assert chief.post(f"/documents/bundle/organ/{YEAR}/", {"section": "b"}).status_code == 404
    assert chief.post(f"/documents/bundle/organ/{YEAR}/").status_code == 404
    assert chief.get(f"/documents/bundle/organ/{YEAR}/").status_code == 405  # asked by POST


def test_a_job_whose_owner_lost_the_right_meanwhile_makes_nothing(world: World,
                                                                  client_for: Clients) -> None:
    run_year(world, {})
    office = client_for("office")
    job = asked(office, f"/documents/bundle/organ/{YEAR}/")
    OrganDuty.objects.filter(person=world.people["office"], duty=Duty.OFFICE).delete()
    run_queued()
    job.refresh_from_db()
    assert (job.state, job.file) == (JobState.FAILED, "")
    assert "无权" in office.get(f"/jobs/{job.pk}/").content.decode()


def test_the_results_workbook_is_a_job_with_the_pages_filters(world: World,
                                                              client_for: Clients) -> None:
    run_year(world, {"staff": ["好"] * 4})
    office = client_for("office")
    page = office.get("/reports/organs/organ/results/?year=2024").content.decode()
    assert 'action="/reports/organs/organ/results/export/job/?year=2024"' in page
    job = asked(office, "/reports/organs/organ/results/export/job/?year=2024")
    assert job.arguments == {"organ": "organ", "filters": {"year": 2024}, "table": ""}
    run_queued()
    now = load_workbook(io.BytesIO(downloaded(office, job)))
    immediate = office.get("/reports/organs/organ/results/export/?year=2024")
    direct = load_workbook(io.BytesIO(b"".join(immediate.streaming_content)))
    assert now.sheetnames == direct.sheetnames
    assert [list(s.values) for s in now.worksheets] == [list(s.values) for s in
                                                       direct.worksheets]
    assert client_for("staff").post("/reports/organs/organ/results/export/job/"
                                    ).status_code == 404


def test_the_departments_annual_roll_up_counts_each_organs_year(world: World,
                                                                client_for: Clients) -> None:
    run_year(world, {"staff": ["好"] * 4, "colleague": ["一般"] * 4})
    department = client_for("org_department")
    assert 'action="/annual/rollup/"' in department.get("/reports/department/").content.decode()
    job = asked(department, "/annual/rollup/", {"year": str(YEAR)})
    run_queued()
    job.refresh_from_db()
    assert job.outcome == "共 1 个机关。"
    sheet = load_workbook(io.BytesIO(downloaded(department, job))).worksheets[0]
    header, *rows = [list(row) for row in sheet.values]
    assert [row[:3] for row in rows] == [["organ", "示例局", 6]]
    row = dict(zip(header, rows[0], strict=True))
    assert row["建议优秀"] + row["建议称职"] + row["建议基本称职"] == 6
    assert row["建议基本称职"] == 1 and row["尚未确定"] == 6 and row["状态"] == "进行中"
    assert client_for("office").post("/annual/rollup/", {"year": str(YEAR)}).status_code == 404
