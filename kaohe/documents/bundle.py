"""The forms of a year in one zip: each file is made when the zip reaches it and compressed
before the next one is made, so a whole organ's .docx files never sit in memory at once."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import BinaryIO

from django.utils.translation import gettext as _

from kaohe.annual import selectors as annual_selectors
from kaohe.documents import docx, selectors, tables
from kaohe.org.models import Organ, Section
from kaohe.plans.models import Period

# A file of the zip: its name there, and how to make its content when the zip reaches it.
Entry = tuple[str, Callable[[], bytes]]


def xlsx_bytes(write: Callable[[io.BytesIO], object]) -> bytes:
    out = io.BytesIO()
    write(out)
    return out.getvalue()


def quarter_title(period: Period) -> str:
    return _("季度考核结果-%(year)d年第%(q)d季度") % {"year": period.year, "q": period.quarter}


def files(organ: Organ, year: int, section: Section | None = None) -> Iterator[Entry]:
    """The year's files, each made only when the zip reaches it. The caller has checked that
    the user may have them (kaohe/documents/selectors.py)."""
    for document in selectors.batch(organ, year, section):
        yield (f"{document.path}/{selectors.safe_name(document.form.filename)}.docx",
               partial(docx.render, document.form))
    if section is None:
        view = annual_selectors.overview(annual_selectors.annual_year(organ, year))
        yield (_("%(year)d年度考核结果.xlsx") % {"year": year},
               partial(xlsx_bytes, partial(tables.annual_results, view)))
        for period in sorted(view.periods.values(), key=lambda p: p.quarter):
            yield (f"{quarter_title(period)}.xlsx",
                   partial(xlsx_bytes, partial(tables.quarter_results, period)))


def write_zip(entries: Sequence[Entry], out: BinaryIO,
              progress: Callable[[int, int], None] | None = None) -> int:
    """The entries into one zip, each made as the zip reaches it; `progress(done, total)`
    after each. Returns the number of files."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for done, (name, make) in enumerate(entries, start=1):
            # A .docx is a deflated zip already: deflating it again costs time, saves nothing.
            archive.writestr(name, make(), zipfile.ZIP_STORED if name.endswith(".docx")
                             else zipfile.ZIP_DEFLATED)
            if progress is not None:
                progress(done, len(entries))
    return len(entries)


def zip_name(organ: Organ, year: int, section: Section | None) -> str:
    return f"{organ.name}-{section.name if section else ''}-{year}.zip".replace("--", "-")


def write_bundle(organ: Organ, year: int, target: Path) -> int:
    """Every form of the year into one zip file; returns the number of files."""
    with target.open("wb") as out:
        return write_zip(list(files(organ, year)), out)
