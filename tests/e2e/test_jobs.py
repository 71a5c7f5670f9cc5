"""A background job's page in Chromium: the office asks for the organ's zip of forms, the job's
page waits, and once a worker has made the zip the page shows its download by itself (htmx
asking for the status part again, under the content security policy), without a reload."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.annual.factories import YEAR, run_year
from tests.e2e.test_csp import RECORD_VIOLATIONS, _violations
from tests.e2e.test_forms import sign_in
from tests.jobs.running import run_queued
from tests.personas import build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_job_page_offers_the_zip_once_it_is_made_without_a_reload(
        page: Any, live_server: Any, tmp_path: Path, settings: Any) -> None:
    settings.KAOHE_JOBS_DIR = tmp_path / "jobs"
    world = build_world()
    run_year(world, {"staff": ["好"] * 4})
    sign_in(page, live_server, world, "office")
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(f"/annual/organ/{YEAR}/")
    page.get_by_test_id("forms-zip").click()
    page.wait_for_url(re.compile(r"/jobs/\d+/$"))
    status = page.get_by_test_id("job-status")
    expect(status).to_have_attribute("data-state", "queued")
    expect(page.get_by_test_id("job-download")).to_have_count(0)

    assert run_queued() == 1  # a worker makes it meanwhile
    expect(status).to_have_attribute("data-state", "done")  # the page refreshed itself
    with page.expect_download() as download:
        page.get_by_test_id("job-download").click()
    names = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes())).namelist()
    assert len([name for name in names if name.endswith(".docx")]) == 6 * 6
    assert _violations(page, console) == []
