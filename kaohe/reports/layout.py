"""The layout every statistics page, export and chart download is built from: a Board of
Panels, each one table and the chart drawn from it (decision 0011), and the formatting they
share. What is exported is what is shown, because both read the same Board."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import IO, Any, Generic, TypeVar, overload

from django.conf import settings
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from kaohe import spreadsheets
from kaohe.lib.escaping import conditional_escape, escape
from kaohe.plans.models import Grade
from kaohe.reports.charts import Chart

GRADE_COLORS = {Grade.GOOD: "#2e7d32", Grade.FAIRLY_GOOD: "#81c784", Grade.AVERAGE: "#f9a825",
                Grade.POOR: "#c62828"}
UNDETERMINED_COLOR = "#9e9e9e"


@dataclass(frozen=True)
class Link:
    """A table cell that links somewhere on the page; plain text in an export."""

    text: str
    url: str

    def __str__(self) -> str:
        return self.text


T = TypeVar("T")


class RowsOf(Sequence[list[Any]], Generic[T]):
    """A table's rows made from `items` only when read: a page shows the first rows of a table
    whose export has them all (an organ's year is thousands of assessments)."""

    def __init__(self, items: Sequence[T], row: Callable[[T], list[Any]]) -> None:
        self.items, self.row = items, row

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[list[Any]]:
        return map(self.row, self.items)

    @overload
    def __getitem__(self, index: int) -> list[Any]: ...
    @overload
    def __getitem__(self, index: slice) -> list[list[Any]]: ...
    def __getitem__(self, index: int | slice) -> list[Any] | list[list[Any]]:
        if isinstance(index, slice):
            return [self.row(item) for item in self.items[index]]
        return self.row(self.items[index])


@dataclass
class Table:
    title: str
    header: list[str]
    rows: Sequence[list[Any]]


@dataclass
class Panel:
    key: str
    table: Table
    chart: Chart | None = None
    note: str = ""
    shown: int | None = None  # rows on the page; the export always has every row

    @property
    def rows_shown(self) -> Sequence[list[Any]]:
        return self.table.rows[:self.shown] if self.shown else self.table.rows

    @property
    def rows_hidden(self) -> int:
        return len(self.table.rows) - len(self.rows_shown)

    @property
    def body(self) -> SafeString:
        """The shown rows as HTML. Written here rather than in the template: a page of panels
        holds hundreds of cells, and the template engine's cost per cell was most of the page."""
        return mark_safe("".join(  # noqa: S308 (every cell is escaped by cell_html)
            f"<tr>{''.join(f'<td>{cell_html(cell)}</td>' for cell in row)}</tr>\n      "
            for row in self.rows_shown))


def cell_html(cell: Any) -> str:
    """A cell as the template showed it: a link, or the value localized and escaped."""
    if isinstance(cell, Link):
        return f'<a href="{escape(cell.url)}">{escape(cell.text)}</a>'
    if type(cell) is str:
        return escape(cell)  # nothing to localize, and never marked safe
    if type(cell) is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(cell)  # what localize gives, without looking up three number formats
    return conditional_escape(localize("" if cell is None else cell))


@dataclass(frozen=True)
class Downloads:
    """Where a page's tables and charts are downloaded, with the page's filters (`query`)."""

    export_url: str
    chart_url: str
    query: str

    def link(self, url: str, params: str) -> str:
        return escape(f"{url}?{self.query}{'&' if self.query else ''}{params}")


def panels_html(panels: Sequence[Panel], downloads: Downloads) -> SafeString:
    """Each panel as its card: the chart, the table behind it, its downloads. Written here
    like the rows: a page of panels was a few hundred template nodes for each."""
    texts = {"table": escape(_("查看表格")), "empty": escape(_("没有数据。")),
             "excel": escape(_("导出 Excel")), "svg": escape(_("下载图表 SVG"))}
    return mark_safe("".join(  # noqa: S308 (every text escaped in _panel_html)
        _panel_html(panel, downloads, texts) for panel in panels))


def _panel_html(panel: Panel, downloads: Downloads, texts: dict[str, str]) -> str:
    key, chart = escape(panel.key), panel.chart
    figure = f'<figure class="chart">{chart.svg()}</figure>' if chart else ""
    note = f'<p class="helptext">{escape(panel.note)}</p>' if panel.note else ""
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in panel.table.header)
    body = panel.body if panel.rows_shown else (
        f'<tr><td colspan="{len(panel.table.header)}" class="muted">{texts["empty"]}</td></tr>')
    hidden = panel.rows_hidden
    more = ngettext("另有 %(n)s 行未显示，请导出 Excel 查看全部。",
                    "另有 %(n)s 行未显示，请导出 Excel 查看全部。", hidden) % {"n": hidden}
    more = f'<p class="helptext">{escape(more)}</p>' if hidden else ""
    charts = (f' · <a href="{downloads.link(downloads.chart_url, f"name={panel.key}&format=svg")}">'
              f'{texts["svg"]}</a>\n    · <a href="'
              f'{downloads.link(downloads.chart_url, f"name={panel.key}&format=png")}">PNG</a>'
              if chart else "")
    return (f'<section class="card panel{"" if chart else " wide"}" id="panel-{key}" '
            f'data-panel="{key}">\n  <h2>{escape(panel.table.title)}</h2>\n  {figure}\n'
            f'  {note}\n  <details>\n    <summary>{texts["table"]}</summary>\n'
            f'    <div class="table-wrap">\n    <table class="list" data-table="{key}">\n'
            f"      <thead><tr>{head}</tr></thead>\n      <tbody>{body}</tbody>\n"
            f"    </table>\n    </div>\n    {more}\n  </details>\n"
            f'  <p class="downloads">\n    <a href="'
            f'{downloads.link(downloads.export_url, f"table={panel.key}")}" '
            f'data-export="{key}">{texts["excel"]}</a>\n    {charts}\n  </p>\n</section>\n')


@dataclass
class Board:
    panels: list[Panel] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def panel(self, key: str) -> Panel | None:
        return next((p for p in self.panels if p.key == key), None)


def share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def percent(part: int, whole: int) -> str:
    return f"{share(part, whole) * 100:.1f}%"


def grade_series() -> tuple[tuple[str, str, str], ...]:
    """(grade value, label, color), the undetermined grade last as ""."""
    return _grade_series(get_language())


@cache
def _grade_series(language: str | None) -> tuple[tuple[str, str, str], ...]:
    """Translated once a language: every grade panel and chart of a page reads them."""
    return (*((g.value, str(g.label), GRADE_COLORS[g]) for g in Grade),
            ("", _("不确定等次"), UNDETERMINED_COLOR))


def write_tables(panels: Sequence[Panel], target: IO[bytes],
                 progress: Callable[[int, int], None] | None = None) -> int:
    """The panels' tables as the sheets of one .xlsx, written row by row
    (kaohe.spreadsheets: a text is never a formula); `progress(done, total)` after each
    sheet. Returns the number of rows."""
    def sheets() -> Iterator[tuple[str, list[str], Sequence[list[Any]]]]:
        for done, panel in enumerate(panels):
            if progress is not None:
                progress(done, len(panels))
            yield panel.table.title, panel.table.header, panel.table.rows

    spreadsheets.workbook(sheets(), target)
    if progress is not None:
        progress(len(panels), len(panels))
    return sum(len(panel.table.rows) for panel in panels)
