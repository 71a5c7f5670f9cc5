"""`{% people_rows people %}`: the rows of a table of people (web/_people_table.html), written
here rather than by the template engine, whose cost per cell was most of a section's card."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from kaohe.lib.addresses import ROW_VALUE, row_address
from kaohe.lib.escaping import escape
from kaohe.org.models import Person

register = template.Library()


@register.simple_tag
def people_rows(people: Iterable[Person]) -> SafeString:
    # A personnel number with a slash has no address: the name is shown without a link.
    address = row_address("person_detail", ROW_VALUE)
    rows = "".join(_row(person, address(person.personnel_no)) for person in people)
    nobody = escape(_("无可查看的人员。"))
    return mark_safe(rows or  # noqa: S308 (every value escaped in _row)
                     f'\n    <tr><td colspan="6">{nobody}</td></tr>')


def _row(person: Person, url: str | None) -> str:
    name = escape(person.name)
    shown = f'<a href="{escape(url)}">{name}</a>' if url else name
    return (f"\n    <tr><td>{escape(person.personnel_no)}</td><td>{shown}</td>\n"
            f"      <td>{escape(person.get_category_display())}</td>"
            f"<td>{escape(person.title)}</td><td>{escape(person.rank)}</td>"
            f"<td>{'✓' if person.frontline else ''}</td></tr>")
