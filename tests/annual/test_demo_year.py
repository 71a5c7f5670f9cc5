"""A whole year of the demo organ through the real services, and every form for its 21 people,
in seconds (`kaohe demo-year`)."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command

from kaohe.annual.models import AnnualGrade, AnnualResult
from kaohe.annual.selectors import annual_year, overview
from kaohe.org.models import Organ
from kaohe.plans.models import Period, PeriodState
from tests.documents.reading import read_docx

pytestmark = pytest.mark.django_db


def test_demo_year_produces_every_form(tmp_path: Path) -> None:
    started = time.monotonic()
    # A folder that does not exist yet is made (it used to fail after the year had been run).
    call_command("demo_year", "--year", "2025", "--out", str(tmp_path / "forms"))
    elapsed = time.monotonic() - started
    organ = Organ.objects.get(code="qc-sthjj")
    assert Period.objects.filter(organ=organ, year=2025, state=PeriodState.CLOSED).count() == 4
    view = overview(annual_year(organ, 2025))
    assert len(view.rows) == 21 and view.limit == 4  # 20 % of 21, rounded down
    grades = dict(AnnualResult.objects.filter(annual__organ=organ).values_list(
        "person__personnel_no", "grade"))
    assert list(grades.values()).count(AnnualGrade.EXCELLENT) == 4
    assert list(grades.values()).count(AnnualGrade.BASIC) == 1
    archive = zipfile.ZipFile(tmp_path / "forms" / "qc-sthjj-2025.zip")
    names = archive.namelist()
    assert len([n for n in names if "/年度考核登记表-" in n]) == 21
    assert len([n for n in names if "/平时考核登记表-" in n]) == 84
    assert len([n for n in names if "/记实手册-" in n]) == 21
    assert len([n for n in names if n.endswith(".xlsx")]) == 5
    first = next(n for n in names if "/年度考核登记表-" in n)
    assert read_docx(archive.read(first)).cells["平时考核情况"].startswith("好")
    assert elapsed < 120  # about ten seconds on two idle cores; generous for a busy CI
