"""The links of the top navigation, each shown only to those who may open the page it leads to
(kaohe/org/access.py decides). Computed from the actor alone, without a query: every page
renders them."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from kaohe.lib.escaping import escape
from kaohe.org import access
from kaohe.org.access import Actor


def annual_year(today: datetime.date | None = None) -> int:
    """The year whose annual assessment is under way: in the first quarter, the year just
    ended (its grades are decided then, §九(三)); otherwise the current one."""
    today = today or timezone.localdate()
    return today.year - 1 if today.month <= 3 else today.year


@dataclass(frozen=True)
class Nav:
    """The top navigation of one actor's pages."""

    actor: Actor

    @cached_property
    def links(self) -> SafeString:
        """Its links, written here rather than in the base template that every page renders
        (a fifth of its cost), each address reversed once."""
        return mark_safe("".join(  # noqa: S308 (both escaped)
            f'\n    <a href="{escape(url)}">{escape(label)}</a>' for url, label in self.shown()))

    def shown(self) -> list[tuple[str, str]]:
        """(address, label) of each page the actor may open from the top of every page."""
        actor, person = self.actor, self.actor.person
        links = [(address("home"), _("首页"))]
        if person:
            links.append((address("record_book"), _("记实手册")))
        if person or actor.department_organ_ids:
            links.append((address("periods"), _("考核季度")))
        if person:  # the person's own results, quarter by quarter
            links.append((reverse("person_detail", args=[person.personnel_no]) + "#results",
                          _("我的考核结果")))
        if person and access.may_see_annual(actor, person.organ):  # its office and principal
            links.append((reverse("annual_page", args=[person.organ.code, annual_year()]),
                          _("年度考核")))
        if actor.whole_organ_ids or actor.section_ids or actor.department_organ_ids:
            links.append((address("reports_home"), _("统计分析")))
        links += [(address("organ_list"), _("机构")), (address("people_search"), _("人员查询"))]
        if actor.is_audit_admin:
            links.append((address("audit_events"), _("审计日志")))
        if actor.is_security_admin:
            links.append((address("security_overview"), _("安全管理")))
        return [*links, (address("profile"), _("我的账号"))]


def nav_for(actor: Actor) -> Nav:
    return Nav(actor)


def address(name: str) -> str:
    """The address of a page without arguments, reversed once for each script prefix."""
    return _address(name, get_script_prefix())


@cache
def _address(name: str, prefix: str) -> str:
    return reverse(name)


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
