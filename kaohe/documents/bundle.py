"""A zip written while it is sent: each file is compressed and handed on before the next one
is made, so a whole organ's forms never sit in memory at once."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path

from django.utils.translation import gettext as _

from kaohe.annual import selectors as annual_selectors
from kaohe.documents import docx, selectors, tables
from kaohe.org.models import Organ, Section
from kaohe.plans.models import Period


class _Sink(io.RawIOBase):
    """An unseekable output: zipfile then writes data descriptors, which every unzip reads."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def stream_zip(files: Iterable[tuple[str, Callable[[], bytes]]]) -> Iterator[bytes]:
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, make in files:
            archive.writestr(name, make())
            yield sink.take()
    yield sink.take()


def xlsx_bytes(write: Callable[[io.BytesIO], object]) -> bytes:
    out = io.BytesIO()
    write(out)
    return out.getvalue()


def quarter_title(period: Period) -> str:
    return _("季度考核结果-%(year)d年第%(q)d季度") % {"year": period.year, "q": period.quarter}


def files(organ: Organ, year: int,
          section: Section | None = None) -> Iterator[tuple[str, Callable[[], bytes]]]:
    """(name in the zip, how to make it): each file is made only when the zip reaches it.
    The caller has checked that the user may have them (kaohe/documents/selectors.py)."""
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


def write_bundle(organ: Organ, year: int, target: Path) -> int:
    """Every form of the year into one zip file; returns the number of files."""
    names: list[str] = []

    def counted() -> Iterator[tuple[str, Callable[[], bytes]]]:
        for name, make in files(organ, year):
            names.append(name)
            yield name, make

    with target.open("wb") as out:
        for chunk in stream_zip(counted()):
            out.write(chunk)
    return len(names)
