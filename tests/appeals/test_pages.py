"""The appeal pages: the form on the person's assessment page while the window is open, the
office's paper registration, list (pending first) and handling page, the outcome shown to the
person, POST actions by the access rules, and the list's query budget."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaohe.appeals.models import Appeal, AppealState, Channel
from kaohe.assessments.models import Assessment, State
from kaohe.org.models import Category, Person
from kaohe.plans.models import Grade
from tests.appeals.conftest import APPEAL, Today, told
from tests.personas import World

pytestmark = pytest.mark.django_db

Sign = Callable[[str | None], Client]
d = datetime.date


def page(client: Client, assessment: Assessment) -> str:
    return client.get(reverse("assessment_detail", args=[assessment.pk])).content.decode()


def test_the_person_files_from_the_assessment_page_while_the_window_is_open(
        client_for: Sign, world: World, today: Today) -> None:
    staff = world.assessments["staff"]
    client = client_for("staff")
    today(d(2025, 10, 13))
    assert "提出申诉" not in page(client, staff)  # nothing to appeal before the feedback
    told(staff)
    shown = page(client, staff)
    assert "提出申诉" in shown and "2025-10-13（含）前" in shown

    today(d(2025, 10, 14))
    assert "提出申诉" not in page(client, staff)  # the window has closed
    response = client.post(reverse("appeal_file", args=[staff.pk]), {"text": APPEAL},
                           follow=True)
    late = response.content.decode()
    assert "申诉期限已过" in late and "2025-10-13" in late and "§十(二)" in late
    assert not Appeal.objects.exists()

    today(d(2025, 10, 13))
    response = client.post(reverse("appeal_file", args=[staff.pk]), {"text": APPEAL},
                           follow=True)
    shown = response.content.decode()
    assert "申诉已提交" in shown and "待处理" in shown and "提出申诉" not in shown
    appeal = Appeal.objects.get(assessment=staff)
    assert (appeal.channel, appeal.text, appeal.filed_on) == (Channel.ONLINE, APPEAL,
                                                              d(2025, 10, 13))


def test_the_office_registers_a_paper_appeal_from_the_assessment_page(
        client_for: Sign, world: World, today: Today) -> None:
    staff = world.assessments["staff"]
    told(staff)
    today(d(2025, 10, 20))
    assert "登记书面申诉" not in page(client_for("chief"), staff)
    client = client_for("office")
    assert "登记书面申诉" in page(client, staff)
    url = reverse("appeal_file", args=[staff.pk])
    late = client.post(url, {"text": APPEAL, "received_on": "2025-10-14"}, follow=True)
    assert "2025-10-13" in late.content.decode() and not Appeal.objects.exists()
    client.post(url, {"text": APPEAL, "received_on": "2025-10-13"})
    appeal = Appeal.objects.get(assessment=staff)
    assert (appeal.channel, appeal.filed_on) == (Channel.PAPER, d(2025, 10, 13))


def test_the_office_lists_pending_first_gathers_opinions_and_decides(
        client_for: Sign, world: World, today: Today) -> None:
    a = world.assessments
    for persona in ("staff", "colleague", "other_staff"):
        told(a[persona])
    today(d(2025, 9, 30))
    first = Appeal.objects.create(assessment=a["colleague"], channel=Channel.ONLINE, text="x",
                                  filed_on=d(2025, 9, 30), deadline=d(2025, 10, 13),
                                  filed_by=world.users["colleague"], state=AppealState.KEPT,
                                  reason="维持", decided_on=d(2025, 10, 1))
    client_for("staff").post(reverse("appeal_file", args=[a["staff"].pk]), {"text": APPEAL})
    client_for("other_staff").post(reverse("appeal_file", args=[a["other_staff"].pk]),
                                   {"text": APPEAL})
    client = client_for("office")
    listing = client.get(reverse("appeal_list")).content.decode()
    assert listing.index("Staff") < listing.index("Other Staff") < listing.index("Colleague")
    assert "申诉处理（待处理 2）" in client.get(reverse("home")).content.decode()

    appeal = Appeal.objects.get(assessment=a["staff"])
    url = reverse("appeal_detail", args=[appeal.pk])
    client.post(reverse("appeal_opinion", args=[appeal.pk]),
                {"given_by": "考核委员会", "text": "建议调整为一般"})
    assert "建议调整为一般" in client.get(url).content.decode()
    missing = client.post(reverse("appeal_decide", args=[appeal.pk]),
                          {"outcome": "changed", "grade": "", "reason": "复核"}, follow=True)
    assert "须选择新的等次" in missing.content.decode()
    today(d(2025, 10, 9))
    client.post(reverse("appeal_decide", args=[appeal.pk]),
                {"outcome": "changed", "grade": Grade.AVERAGE, "reason": "复核后认定",
                 "by_committee": "on"})
    appeal.refresh_from_db()
    assert (appeal.state, appeal.new_grade, appeal.by_committee) == (AppealState.CHANGED,
                                                                     "一般", True)
    assert first.state == AppealState.KEPT

    # The person sees the outcome and the date, not the opinions gathered.
    staff = client_for("staff")
    shown = page(staff, a["staff"])
    assert "变更等次：较好 → 一般（2025-10-09）" in shown
    assert "申诉后变更等次：较好 → 一般" in shown  # the grade history
    detail = staff.get(url).content.decode()
    assert "复核后认定" in detail and "建议调整为一般" not in detail
    assert "2025-10-09" in staff.get(reverse("home")).content.decode()  # the notification


def test_post_actions_follow_the_access_rules(client_for: Sign, world: World,
                                              today: Today) -> None:
    staff = world.assessments["staff"]
    told(staff)
    today(d(2025, 9, 30))
    file_url = reverse("appeal_file", args=[staff.pk])
    body = {"text": APPEAL}
    assert client_for(None).post(file_url, body)["Location"].startswith(reverse("login"))
    assert client_for("outsider").post(file_url, body).status_code == 404
    assert client_for("chief").post(file_url, body).status_code == 403  # sees it, not theirs
    assert client_for("chief").post(file_url, {**body, "received_on": "2025-09-30"}
                                    ).status_code == 403  # not the office
    assert not Appeal.objects.exists()
    client_for("staff").post(file_url, body)
    appeal = Appeal.objects.get()
    decision = {"outcome": "kept", "reason": "维持"}
    for route, data in [("appeal_decide", decision),
                        ("appeal_opinion", {"given_by": "x", "text": "y"})]:
        url = reverse(route, args=[appeal.pk])
        assert client_for("chief").post(url, data).status_code == 404  # appeals not in sight
        assert client_for("staff").post(url, data).status_code == 403  # nobody handles own
    appeal.refresh_from_db()
    assert appeal.state == AppealState.PENDING and not appeal.opinions.exists()


def test_the_appeal_list_costs_the_same_queries_for_3_or_30(client_for: Sign, world: World,
                                                            today: Today) -> None:
    period = world.periods["organ"]
    client = client_for("office")

    def appeal_for(assessment: Assessment) -> None:
        Appeal.objects.create(assessment=assessment, channel=Channel.ONLINE, text="x",
                              filed_on=d(2025, 9, 30), deadline=d(2025, 10, 13),
                              filed_by=world.users["office"])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("appeal_list")).status_code == 200
        return len(queries)

    def told_on_29_september(key: str) -> Assessment:
        person = Person.objects.create(personnel_no=key, name=key, organ=world.organ,
                                       section=world.section_a, category=Category.STAFF)
        return Assessment.objects.create(period=period, person=person, section=world.section_a,
                                         category=Category.STAFF, state=State.FEEDBACK,
                                         grade="较好", feedback_given_on=d(2025, 9, 29))

    today(d(2025, 9, 30))
    for persona in ("staff", "colleague", "chief"):
        appeal_for(world.assessments[persona])
    told_on_29_september("窗口")  # within its window, no appeal yet: listed to register one
    few = count()
    for i in range(27):
        appeal_for(told_on_29_september(f"新{i}"))
        told_on_29_september(f"窗口{i}")
    assert count() == few
    listing = client.get(reverse("appeal_list")).content.decode()
    assert listing.count("新") == 27 and listing.count("可登记书面申诉") == 28


def test_the_appeals_page_lists_the_open_windows_even_after_closing(
        client_for: Sign, world: World, today: Today) -> None:
    a = world.assessments
    told(a["staff"])  # last day 13 October
    told(a["colleague"], on=d(2025, 10, 10))  # last day 16 October
    world.periods["organ"].state = "closed"
    world.periods["organ"].save()  # the home page no longer lists the quarter
    url = reverse("appeal_list")

    today(d(2025, 10, 13))
    mine = client_for("staff").get(url).content.decode()
    assert "申诉期限内的考核" in mine and "可提出申诉" in mine and "Colleague" not in mine
    office = client_for("office").get(url).content.decode()
    assert office.count("可登记书面申诉") == 2

    today(d(2025, 10, 14))
    assert "申诉期限内的考核" not in client_for("staff").get(url).content.decode()
    office = client_for("office").get(url).content.decode()
    assert office.count("可登记书面申诉") == 1 and "Colleague" in office
    # Filed: no longer waiting.
    client_for("colleague").post(reverse("appeal_file", args=[a["colleague"].pk]),
                                 {"text": APPEAL})
    assert "可登记书面申诉" not in client_for("office").get(url).content.decode()
    # Decided in the closed quarter: the home page tells the person, with nothing else to do.
    appeal = Appeal.objects.get(assessment=a["colleague"])
    client_for("office").post(reverse("appeal_decide", args=[appeal.pk]),
                              {"outcome": "kept", "reason": "评鉴依据充分"})
    home = client_for("colleague").get(reverse("home")).content.decode()
    assert "维持原等次“较好”" in home and "2025-10-14" in home


def test_the_appeal_form_carries_its_csrf_token(world: World, today: Today) -> None:
    staff = world.assessments["staff"]
    told(staff)
    today(d(2025, 10, 13))
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["staff"])
    shown = page(client, staff)
    form = shown[shown.index(reverse("appeal_file", args=[staff.pk])):]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    assert token is not None
    response = client.post(reverse("appeal_file", args=[staff.pk]),
                           {"text": APPEAL, "csrfmiddlewaretoken": token.group(1)})
    assert response.status_code == 302 and Appeal.objects.filter(assessment=staff).exists()
