"""The links of the top navigation, each shown only to those who may open the page it leads to
(kaohe/org/access.py decides). Computed from the actor alone, without a query: every page
renders them."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone

from kaohe.org import access
from kaohe.org.access import Actor


def annual_year(today: datetime.date | None = None) -> int:
    """The year whose annual assessment is under way: in the first quarter, the year just
    ended (its grades are decided then, §九(三)); otherwise the current one."""
    today = today or timezone.localdate()
    return today.year - 1 if today.month <= 3 else today.year


@dataclass(frozen=True)
class Nav:
    annual: str = ""  # the annual page of the actor's organ (its office and principal)
    my_results: str = ""  # the person's own results, quarter by quarter


def nav_for(actor: Actor) -> Nav:
    person = actor.person
    if person is None:
        return Nav()
    annual = ""
    if access.may_see_annual(actor, person.organ):
        annual = reverse("annual_page", args=[person.organ.code, annual_year()])
    return Nav(annual=annual,
               my_results=reverse("person_detail", args=[person.personnel_no]) + "#results")


@dataclass(frozen=True)
class OrganLinks:
    """The year's pages and files of one organ, for those who see its annual link."""

    organ: Any
    year: int
    quota: bool  # the 好 places plan (reports): the office and the principal


def organ_links(actor: Actor, organs: Iterable[Any]) -> list[OrganLinks]:
    year = annual_year()
    return [OrganLinks(organ=organ, year=year, quota=organ.id in actor.whole_organ_ids)
            for organ in organs if access.may_see_annual(actor, organ)]
