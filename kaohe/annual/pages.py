"""The rows of the annual page's table of people, written in Python: a row holds a dozen cells
and a form of its own, and the template engine's cost per cell was most of the page. The
markup is the template's as it was; tests/annual/test_table.py checks what it shows, its
escaping and its forms."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest
from django.template.backends.utils import csrf_input
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from kaohe.annual import rules
from kaohe.annual.forms import DecideForm
from kaohe.annual.labels import grade_label
from kaohe.annual.selectors import Overview, Row
from kaohe.lib.addresses import ROW_VALUE, row_address
from kaohe.lib.escaping import escape


class RowWriter:
    """What every row of one page shares, read or translated once."""

    def __init__(self, request: HttpRequest, view: Overview, year: int) -> None:
        organ = view.annual.organ
        self.may_decide = view.may_decide
        # Each person's form: a personnel number with a slash has no address, and the name
        # is shown without a link.
        self.form_address = row_address("annual_form_html", ROW_VALUE, year)
        self.decide_url = escape(reverse("annual_decide", args=[organ.code, year]))
        self.csrf = csrf_input(request)  # what {% csrf_token %} writes
        self.grades = [(value, grade_label(value)) for value, _label in
                       DecideForm.base_fields["grade"].choices]  # type: ignore[attr-defined]
        self.undecided, self.undetermined = escape(_("未审定")), escape(_("不确定等次"))
        self.provisional, self.priority = escape(_("暂定")), escape(_("优先"))
        self.tie, self.override = escape(_("并列")), escape(_("改变建议"))
        self.grade, self.reason = escape(_("年度等次")), escape(_("理由"))
        self.reason_hint = escape(_("改变建议时须写明理由"))
        self.change, self.confirm = escape(_("修改")), escape(_("确认"))

    def rows(self, rows: Iterable[Row]) -> SafeString:
        return mark_safe("".join(self.row(row) for row in rows))  # noqa: S308 (escaped below)

    def row(self, row: Row) -> str:
        personnel_no = row.rec.key
        number, name, section = escape(personnel_no), escape(row.name), escape(row.section)
        if url := self.form_address(personnel_no):
            name = f'<a href="{escape(url)}">{name}</a>'
        quarters = "".join(f"<td>{self.quarter(q)}</td>" for q in row.by_quarter)
        rec = row.rec
        badges = "".join([
            f' <span class="badge" data-testid="provisional">{self.provisional}</span>'
            if row.provisional else "",
            f' <span class="badge">{self.priority}</span>' if rec.priority else "",
            f' <span class="badge">{self.tie}</span>' if rec.tie else ""])
        reasons = "".join(f"{escape(reason)}<br>" for reason in rec.rules)
        return (f'\n<tr data-person="{number}">\n  <td>{name}</td>\n  <td>{section}</td>\n'
                f"  {quarters}\n  <td><strong>{escape(grade_label(rec.grade))}</strong>"
                f'{badges}</td>\n  <td class="helptext">{reasons}</td>\n'
                f"  <td>{self.result(row)}\n    {self.form(row, number)}\n  </td>\n</tr>\n")

    def quarter(self, quarter: rules.Quarter | None) -> str:
        if quarter is None:
            return ""
        if quarter.grade:
            return escape(grade_label(quarter.grade))
        return f'<span class="muted">{self.undecided}</span>' if not quarter.decided else (
            self.undetermined)

    def result(self, row: Row) -> str:
        result = row.result
        if not (result and result.grade):
            return ""
        override = f' <span class="badge">{self.override}</span>' if result.is_override else ""
        flags = "".join(f'<br><span class="message error" data-testid="flag">⚠ {escape(b)}'
                        f"</span>" for b in row.broken)
        reason = (f'<br><span class="helptext">{escape(result.reason)}</span>'
                  if result.reason else "")
        return (f"<strong>{escape(grade_label(result.grade))}</strong>{override}\n"
                f"      {flags}\n      {reason}")

    def form(self, row: Row, number: str) -> str:
        if not self.may_decide:
            return ""
        chosen = row.final_grade
        options = "".join(
            f'<option value="{escape(value)}"{" selected" if value == chosen else ""}>'
            f"{escape(label)}</option>" for value, label in self.grades)
        button = self.change if row.result and row.result.grade else self.confirm
        return (f'\n    <form method="post" action="{self.decide_url}">{self.csrf}\n'
                f'      <input type="hidden" name="person" value="{number}">\n'
                f'      <select name="grade" aria-label="{self.grade}">{options}</select>\n'
                f'      <input type="text" name="reason" maxlength="2000" '
                f'placeholder="{self.reason_hint}" aria-label="{self.reason}">\n'
                f'      <button type="submit">{button}</button>\n    </form>')
