"""Splitting the organ's 好 places among sections (§八(一), front-line staff weigh more)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from kaohe.assessments.models import SectionQuota
from kaohe.assessments.rules import split_places as allocate
from kaohe.assessments.services import quota_plan_save
from kaohe.audit.models import AuditEvent
from kaohe.errors import NotAllowed, Refused
from kaohe.org.models import Category, Person
from kaohe.plans.models import PeriodState
from tests.personas import World


def test_largest_remainder_with_a_front_line_weight() -> None:
    groups = [("a", 10, 0), ("b", 5, 5), ("c", 6, 0)]
    # weights 10, 7.5, 6 of 23.5: 3.40, 2.55, 2.04 → 3, 2, 2 and the last place to b
    assert allocate(8, groups, Decimal("0.5")) == {"a": 3, "b": 3, "c": 2}
    # without the weight: 3.81, 1.90, 2.29 → 3, 1, 2 and two places to b, then a
    assert allocate(8, groups, Decimal(0)) == {"a": 4, "b": 2, "c": 2}


def test_no_section_gets_more_places_than_people() -> None:
    # a's weight asks for 2.67 places but a has one person: the rest goes to b
    assert allocate(4, [("a", 1, 1), ("b", 3, 0)], Decimal(5)) == {"a": 1, "b": 3}
    assert allocate(5, [("a", 0, 0), ("b", 2, 1)], Decimal(1)) == {"a": 0, "b": 2}


@given(limit=st.integers(0, 60),
       groups=st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), max_size=8),
       weight=st.decimals(0, 5, places=2))
def test_places_add_up_to_the_cap_and_never_exceed_it(limit: int, groups: list[tuple[int, int]],
                                                      weight: Decimal) -> None:
    sections = [(f"s{i}", n, min(front, n)) for i, (n, front) in enumerate(groups)]
    places = allocate(limit, sections, weight)
    assert sum(places.values()) == min(limit, sum(n for _k, n, _f in sections))
    assert all(0 <= places[key] <= n for key, n, _f in sections)


def _more_people(world: World) -> None:
    """Section b front-line: 4 staff more, so that the split has something to weigh."""
    from kaohe.assessments.models import Assessment

    for i in range(4):
        person = Person.objects.create(personnel_no=f"B{i}", name=f"乙{i}", organ=world.organ,
                                       section=world.section_b, category=Category.STAFF,
                                       frontline=True)
        Assessment.objects.create(period=world.periods["organ"], person=person,
                                  section=world.section_b, category=Category.STAFF,
                                  frontline=True)


def test_office_tries_a_weight_then_saves_and_the_chief_sees_it(
        client_for: Callable[[str | None], Client], world: World) -> None:
    _more_people(world)  # 10 taking part → 4 places; a 3, b 2 + 4 front-line, office 1
    office = client_for("office")
    page = office.get("/reports/organs/organ/quota/?frontline_weight=1")
    places = {line.section.code: line.places for line in page.context["lines"]}
    # weights 3, 10, 1 of 14: 0.86, 2.86, 0.29 → 0, 2, 0 and two more to a and b
    assert places == {"a": 1, "b": 3, "office": 0}
    assert not SectionQuota.objects.exists()  # a what-if saves nothing
    office.post("/reports/organs/organ/quota/", {"frontline_weight": "1"})
    saved = {q.section.code: q.places for q in SectionQuota.objects.select_related("section")}
    assert saved == places
    assert AuditEvent.objects.filter(object_type="assessments.sectionquota").count() == 3
    review = client_for("chief").get(f"/periods/{world.periods['organ'].pk}/review/")
    assert "甲科名额：“好”已用 0 / 1，剩余 1 个" in review.content.decode()


def test_only_the_office_saves_and_not_in_a_closed_quarter(
        client_for: Callable[[str | None], Client], world: World) -> None:
    period = world.periods["organ"]
    assert client_for("principal").post("/reports/organs/organ/quota/",
                                        {"frontline_weight": "1"}).status_code == 403
    assert client_for("chief").get("/reports/organs/organ/quota/").status_code == 403
    with pytest.raises(NotAllowed):
        quota_plan_save(period=period, by=world.users["leader"], frontline_weight=Decimal(1))
    period.state = PeriodState.CLOSED
    period.save()
    with pytest.raises(Refused, match="已结束"):
        quota_plan_save(period=period, by=world.users["office"], frontline_weight=Decimal(1))
    assert not SectionQuota.objects.exists()


def test_a_weight_out_of_range_is_named(client_for: Callable[[str | None], Client],
                                        world: World) -> None:
    response = client_for("office").post("/reports/organs/organ/quota/",
                                         {"frontline_weight": "9"}, follow=True)
    assert "基层一线加权须在 0 到 5 之间" in response.content.decode()
    assert not SectionQuota.objects.exists()
