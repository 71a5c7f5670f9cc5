"""A chart's labels shortened to the room they have, whatever their script."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kaohe.reports.charts import _short, _text_width


def longest_fitting(text: str, width: float, size: int) -> str:
    """The definition, written the slow way: drop characters until it fits with "…"."""
    if _text_width(text, size) <= width:
        return text
    while text and _text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


@given(st.text(alphabet="科室综合abcXY 0-9（）…", max_size=30),
       st.integers(min_value=0, max_value=300), st.sampled_from([10, 11, 14]))
def test_a_label_keeps_its_longest_beginning_that_fits(text: str, width: int,
                                                       size: int) -> None:
    assert _short(text, width, size) == longest_fitting(text, width, size)


def test_a_long_section_name_is_cut_with_an_ellipsis() -> None:
    assert _short("大气环境与应对气候变化科", 60, 11) == "大气环境…"
    assert _short("Office", 60, 11) == "Office"
