"""The generated .docx opens and renders outside Python: LibreOffice (headless, Debian's
libreoffice-writer-nogui) converts it to PDF, and poppler reads the PDF back and draws it.
The Chinese text must come out as text in a CJK font (not empty boxes), with the table lines."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client

from kaohe.assessments.models import Assessment
from tests.annual.factories import YEAR, run_year
from tests.personas import World

pytestmark = pytest.mark.django_db


def tool(name: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} is missing: ./kaohe.sh test installs libreoffice-writer-nogui and " \
                  "poppler-utils"
    return found


def to_pdf(docx: Path) -> Path:
    profile = docx.parent / "lo-profile"  # its own profile: parallel runs do not lock each other
    subprocess.run([tool("soffice"), f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(docx.parent), str(docx)],
                   check=True, capture_output=True, timeout=180)
    pdf = docx.with_suffix(".pdf")
    assert pdf.exists()
    return pdf


def test_forms_render_with_chinese_text_and_tables(
        world: World, client_for: Callable[[str | None], Client], tmp_path: Path) -> None:
    periods = run_year(world, {"staff": ["好", "好", "较好", "好"]})
    client = client_for("office")
    annual = tmp_path / "annual.docx"
    annual.write_bytes(client.get(f"/documents/annual/P-staff/{YEAR}.docx").content)
    first = Assessment.objects.get(person=world.people["staff"], period=periods[1])
    quarterly = tmp_path / "quarterly.docx"
    quarterly.write_bytes(client.get(f"/documents/quarterly/{first.pk}.docx").content)
    for docx, expected in [
        (annual, ["公务员年度考核登记表", "平时考核情况", "好3次，较好1次，一般0次，较差0次",
                  "主管领导评语和考核等次建议", "本人签名"]),
        (quarterly, ["公务员平时考核登记表", "个人小结", "Staff第1季度小结", "审定等次：好"]),
    ]:
        pdf = to_pdf(docx)
        text = subprocess.run([tool("pdftotext"), "-layout", str(pdf), "-"], check=True,
                              capture_output=True, text=True).stdout
        flat = "".join(text.split())  # labels wrap inside their narrow cells, as on paper
        for words in expected:
            assert words in flat
        fonts = subprocess.run([tool("pdffonts"), str(pdf)], check=True, capture_output=True,
                               text=True).stdout
        assert "CJK" in fonts or "Song" in fonts or "Sim" in fonts, fonts
        pages = subprocess.run([tool("pdfinfo"), str(pdf)], check=True, capture_output=True,
                               text=True).stdout
        assert "(A4)" in pages
        subprocess.run([tool("pdftoppm"), "-r", "40", "-png", "-singlefile", str(pdf),
                        str(pdf.with_suffix(""))], check=True, timeout=60)
        assert pdf.with_suffix(".png").stat().st_size > 5_000
