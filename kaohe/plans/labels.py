"""How a quarter is named, in one place: "2026 年第四季度" in Chinese, "2026 Q4" in English.

The numeral is itself a translated word (第四 in Chinese, 4 in English), so that no page, report
or document mixes the two languages ("2026 Q四", or "2026 Q4" in a Chinese report)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

NUMERALS: dict[int, Promise] = {
    1: pgettext_lazy("季度序号", "一"),
    2: pgettext_lazy("季度序号", "二"),
    3: pgettext_lazy("季度序号", "三"),
    4: pgettext_lazy("季度序号", "四"),
}


def quarter_name(quarter: int) -> str:
    """The quarter within its year: 第四季度 / Q4."""
    return _("第%(quarter)s季度") % {"quarter": NUMERALS[quarter]}


def quarter_label(year: int, quarter: int) -> str:
    """The quarter with its year: 2026 年第四季度 / 2026 Q4."""
    return _("%(year)d 年第%(quarter)s季度") % {"year": year, "quarter": NUMERALS[quarter]}
