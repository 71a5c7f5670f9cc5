"""How a quarter is named, in one place: "2026 年第四季度" in Chinese, "2026 Q4" in English.

The numeral is itself a translated word (第四 in Chinese, 4 in English), so that no page, report
or document mixes the two languages ("2026 Q四", or "2026 Q4" in a Chinese report)."""

from __future__ import annotations

from functools import lru_cache

from django.utils.functional import Promise
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext as _

NUMERALS: dict[int, Promise] = {
    1: pgettext_lazy("季度序号", "一"),
    2: pgettext_lazy("季度序号", "二"),
    3: pgettext_lazy("季度序号", "三"),
    4: pgettext_lazy("季度序号", "四"),
}


def quarter_name(quarter: int) -> str:
    """The quarter within its year: 第四季度 / Q4."""
    return _quarter_name(get_language(), quarter)


def quarter_label(year: int, quarter: int) -> str:
    """The quarter with its year: 2026 年第四季度 / 2026 Q4."""
    return _quarter_label(get_language(), year, quarter)


# Translated once a language: every quarter on every page is named through these.
@lru_cache(maxsize=64)
def _quarter_name(language: str | None, quarter: int) -> str:
    return _("第%(quarter)s季度") % {"quarter": NUMERALS[quarter]}


@lru_cache(maxsize=1024)
def _quarter_label(language: str | None, year: int, quarter: int) -> str:
    return _("%(year)d 年第%(quarter)s季度") % {"year": year, "quarter": NUMERALS[quarter]}
