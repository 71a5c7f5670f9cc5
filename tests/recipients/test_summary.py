"""The reviewer's summary of a person's service recipients' opinions in a quarter (§七(三)):
count, average, distribution, the latest comments; a fixed number of queries; the card."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string

from kaohe.recipients import selectors
from kaohe.recipients.models import RecipientOpinion
from tests.personas import World
from tests.recipients.conftest import FRONTLINE, make_link

FIRST, LAST = datetime.date(2025, 7, 1), datetime.date(2025, 9, 30)


def opinions(world: World, *rows: tuple[datetime.date, int, str]) -> None:
    window, hall = make_link(world), make_link(world, label="大厅")
    RecipientOpinion.objects.bulk_create(
        RecipientOpinion(link=window if i % 2 else hall, day=day, rating=rating, comment=text)
        for i, (day, rating, text) in enumerate(rows))


def test_the_quarter_summed_up_across_the_person_s_links(frontline: World,
                                                         django_assert_num_queries: Any) -> None:
    opinions(frontline,
             (datetime.date(2025, 6, 30), 1, "上季度的"),  # before the quarter
             (FIRST, 5, "耐心"), (datetime.date(2025, 8, 1), 4, ""), (LAST, 4, "快"),
             (datetime.date(2025, 10, 1), 1, "下季度的"))
    make_link(frontline, "staff")  # someone else's link, no opinions
    with django_assert_num_queries(2):
        summary = selectors.summary_for(frontline.people[FRONTLINE], FIRST, LAST)
    assert summary.count == 3 and summary.average == Decimal("4.33")
    assert summary.distribution == [(5, 1), (4, 2), (3, 0), (2, 0), (1, 0)]
    assert [(c.day, c.rating, c.text) for c in summary.latest] == [
        (LAST, 4, "快"), (FIRST, 5, "耐心")]  # newest first, those without a comment left out


def test_only_the_latest_comments_are_listed(frontline: World) -> None:
    opinions(frontline, *[(FIRST + datetime.timedelta(days=i), 3, f"意见{i}")
                          for i in range(selectors.LATEST + 3)])
    summary = selectors.summary_for(frontline.people[FRONTLINE], FIRST, LAST)
    assert summary.count == selectors.LATEST + 3
    assert len(summary.latest) == selectors.LATEST and summary.latest[0].text == "意见12"


def test_the_card_shows_the_summary_or_says_there_is_none(frontline: World) -> None:
    person = frontline.people[FRONTLINE]
    empty = render_to_string("recipients/_summary.html",
                             {"summary": selectors.summary_for(person, FIRST, LAST)})
    assert "本季度没有收到服务对象意见" in empty
    opinions(frontline, (FIRST, 5, "<b>耐心</b>"), (LAST, 2, ""))
    card = render_to_string("recipients/_summary.html",
                            {"summary": selectors.summary_for(person, FIRST, LAST)})
    assert "共 2 条，平均 3.50 分" in card and 'value="1"' in card
    assert "&lt;b&gt;耐心" in card and "2025-07-01" in card  # shown as text, with its day
