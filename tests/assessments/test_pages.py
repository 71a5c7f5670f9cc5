"""The quarter's pages: POST actions answer 302/403/404 by the access rules, a reviewer and an
approver get through on their screens, and the screens cost a fixed number of queries."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaohe.assessments.models import Assessment, State
from kaohe.org.models import Category, Person
from kaohe.plans.models import Task
from kaohe.records.models import Entry
from tests.personas import World

Sign = Callable[[str | None], Client]
SCORES = {code: 95 for code in ["political", "ethics", "style", "integrity", "attendance",
                                "quantity", "quality", "efficiency", "results", "ability"]}

# POST routes on one assessment, with the persona who sees the staff member's assessment but
# may not do this to it (403).
ASSESSMENT_ACTIONS = {
    "assessment_summary": "chief",
    "assessment_return": "principal",
    "assessment_propose": "leader",
    "assessment_approve": "chief",
    "assessment_send_back": "staff",
    "assessment_feedback": "office",
    "assessment_acknowledge": "chief",
    "assessment_liaison": "staff",
}


def propose_form(a: Assessment, grade: str = "好") -> dict[str, object]:
    prefix = f"a{a.pk}-"
    data: dict[str, object] = {f"{prefix}score_{c}": v for c, v in SCORES.items()}
    data[f"{prefix}grade"] = grade
    return data


@pytest.mark.parametrize("route", ASSESSMENT_ACTIONS)
def test_anonymous_is_sent_to_login(client_for: Sign, world: World, route: str) -> None:
    url = reverse(route, args=[world.assessments["staff"].pk])
    response = client_for(None).post(url, {})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("route", ASSESSMENT_ACTIONS)
def test_outsider_gets_404(client_for: Sign, world: World, route: str) -> None:
    url = reverse(route, args=[world.assessments["staff"].pk])
    assert client_for("outsider").post(url, {}).status_code == 404


@pytest.mark.parametrize(("route", "persona"), ASSESSMENT_ACTIONS.items())
def test_who_sees_but_may_not_act_gets_403(client_for: Sign, world: World, route: str,
                                           persona: str) -> None:
    a = world.assessments["staff"]
    # Put the assessment in a state where the action would be possible for the right person.
    state = {"assessment_return": State.SUBMITTED, "assessment_propose": State.SUBMITTED,
             "assessment_approve": State.PROPOSED, "assessment_send_back": State.PROPOSED,
             "assessment_feedback": State.APPROVED,
             "assessment_acknowledge": State.FEEDBACK}.get(route, State.DRAFT)
    Assessment.objects.filter(pk=a.pk).update(state=state, proposed_grade="较好")
    body = {"text": "x", "reason": "x", "method": "talk", "given_on": "2025-09-29",
            **propose_form(a)}
    response = client_for(persona).post(reverse(route, args=[a.pk]), body)
    assert response.status_code == 403
    assert Assessment.objects.get(pk=a.pk).state == state


@pytest.mark.parametrize(("route", "allowed"), [("period_publish", "office"),
                                                ("period_close", "office")])
def test_period_actions_are_the_offices(client_for: Sign, world: World, route: str,
                                        allowed: str) -> None:
    url = reverse(route, args=[world.periods["organ"].pk])
    assert client_for("principal").post(url).status_code == 403
    assert client_for("outsider").post(url).status_code == 404
    assert client_for(allowed).post(url).status_code == 302  # refused with a message: unfinished


def test_leave_and_opening_are_the_offices(client_for: Sign, world: World) -> None:
    leave = {"person": "P-staff", "kind": "sick", "start": "2025-07-01", "end": "2025-07-02",
             "period": world.periods["organ"].pk}
    assert client_for("chief").post(reverse("leave_record"), leave).status_code == 403
    assert client_for("office").post(reverse("leave_record"), leave).status_code == 302
    assert client_for("chief").post(reverse("period_open"), {"year": 2025,
                                                             "quarter": 4}).status_code == 403


def test_a_staff_member_writes_and_submits_the_summary(client_for: Sign, world: World) -> None:
    a = world.assessments["staff"]
    client = client_for("staff")
    page = client.get(reverse("assessment_detail", args=[a.pk])).content.decode()
    assert "一、承担的工作任务" in page  # pre-filled draft
    client.post(reverse("assessment_summary", args=[a.pk]), {"text": "完成了任务", "submit": "1"})
    a.refresh_from_db()
    assert a.state == State.SUBMITTED and a.summary == "完成了任务"


def test_empty_summary_cannot_be_submitted(client_for: Sign, world: World) -> None:
    a = world.assessments["staff"]
    response = client_for("staff").post(reverse("assessment_summary", args=[a.pk]),
                                        {"text": "", "submit": "1"}, follow=True)
    assert "个人小结为空" in response.content.decode()
    a.refresh_from_db()
    assert a.state == State.DRAFT


def test_chief_proposes_on_the_review_screen_and_leader_approves(client_for: Sign,
                                                                 world: World) -> None:
    a = world.assessments["staff"]
    Assessment.objects.filter(pk=a.pk).update(state=State.SUBMITTED, summary="s")
    review = reverse("review_screen", args=[world.periods["organ"].pk])
    client = client_for("chief")
    page = client.get(review).content.decode()
    assert "好：已用 0 / 2" in page  # 6 taking part in the personas' organ → 2 places
    response = client.post(reverse("assessment_propose", args=[a.pk]),
                           {**propose_form(a), "next": review})
    assert response.status_code == 302 and response["Location"] == review
    a.refresh_from_db()
    assert (a.state, a.proposed_grade, str(a.composite_score)) == (State.PROPOSED, "好", "95.00")
    approval = reverse("approval_screen", args=[world.periods["organ"].pk])
    client = client_for("leader")
    assert "Staff" in client.get(approval).content.decode()
    client.post(reverse("assessment_approve", args=[a.pk]), {"next": approval})
    a.refresh_from_db()
    assert a.state == State.APPROVED and a.grade == "好"
    assert "好：已用 1 / 2" in client.get(approval).content.decode()


def test_a_refusal_is_shown_with_its_rule(client_for: Sign, world: World) -> None:
    a = world.assessments["staff"]
    Assessment.objects.filter(pk=a.pk).update(state=State.SUBMITTED)
    data = propose_form(a, grade="一般")  # 95 suggests 好: a different grade needs a reason
    response = client_for("chief").post(reverse("assessment_propose", args=[a.pk]), data,
                                        follow=True)
    page = response.content.decode()
    assert "须说明理由" in page and "§八(二)" in page
    assert Assessment.objects.get(pk=a.pk).state == State.SUBMITTED


@pytest.mark.parametrize("screen", ["review_screen", "approval_screen", "periods"])
def test_screens_cost_the_same_queries_for_3_or_30_people(client_for: Sign, world: World,
                                                          screen: str) -> None:
    period = world.periods["organ"]
    persona = {"review_screen": "chief", "approval_screen": "leader"}.get(screen, "office")
    client = client_for(persona)
    url = reverse(screen, args=[period.pk] if screen != "periods" else [])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    Assessment.objects.filter(period=period).update(state=State.PROPOSED, proposed_grade="好")
    few = count()
    for i in range(27):
        person = Person.objects.create(personnel_no=f"N{i}", name=f"新{i}", organ=world.organ,
                                       section=world.section_a, category=Category.STAFF)
        Assessment.objects.create(period=period, person=person, section=world.section_a,
                                  category=Category.STAFF, state=State.PROPOSED,
                                  proposed_grade="好")
    # The review screen shows 20 a page: a section that fits is read without counting it.
    counted = 1 if screen == "review_screen" else 0
    assert count() == few + counted


def test_chief_decomposes_a_task_and_it_reaches_the_summary(client_for: Sign,
                                                            world: World) -> None:
    url = reverse("task_add", args=["P-staff"])
    task = {"year": 2025, "title": "完成大气污染源排查", "description": ""}
    assert client_for("other_chief").post(url, task).status_code == 404  # not in sight
    assert client_for("leader").post(url, task).status_code == 403  # sees, may not assign
    assert client_for("chief").post(url, task).status_code == 302
    page = client_for("staff").get(reverse("assessment_detail",
                                           args=[world.assessments["staff"].pk]))
    assert "完成大气污染源排查" in page.content.decode()


def test_the_assessment_page_lists_tasks_and_records_in_their_order(client_for: Sign,
                                                                    world: World) -> None:
    staff = world.people["staff"]
    for title, temporary in [("临时甲", True), ("常规甲", False), ("临时乙", True),
                             ("常规乙", False)]:
        Task.objects.create(person=staff, year=2025, title=title, temporary=temporary,
                            assigned_by=world.users["chief"])
    for day, text in [(9, "记实九月"), (7, "记实七月"), (8, "记实八月")]:
        Entry.objects.create(person=staff, day=datetime.date(2025, day, 1), text=text)
    page = client_for("staff").get(reverse("assessment_detail",
                                           args=[world.assessments["staff"].pk])).content.decode()
    shown = ["常规甲", "常规乙", "临时甲", "临时乙", "记实七月", "记实八月", "记实九月"]
    assert sorted(shown, key=page.index) == shown


def test_poor_grade_gets_criticism_then_admonition_from_the_chief(client_for: Sign,
                                                                  world: World) -> None:
    a = world.assessments["staff"]
    Assessment.objects.filter(pk=a.pk).update(state=State.PROPOSED, proposed_grade="较差")
    client_for("leader").post(reverse("assessment_approve", args=[a.pk]))
    page = client_for("chief").get(reverse("follow_ups")).content.decode()
    assert "批评教育" in page
    url = reverse("follow_up_add", args=[a.pk])
    assert client_for("leader").post(url, {"kind": "admonition"}).status_code == 403
    client_for("chief").post(url, {"kind": "admonition"})
    assert sorted(a.follow_ups.values_list("kind", flat=True)) == ["admonition", "criticism"]
    item = a.follow_ups.get(kind="criticism")
    client_for("chief").post(reverse("follow_up_done", args=[item.pk]),
                             {"done_on": "2025-10-10", "note": "已谈话"})
    item.refresh_from_db()
    assert str(item.done_on) == "2025-10-10"


def test_an_office_member_who_is_a_chief_cannot_approve_their_own_grade(
        client_for: Sign, world: World) -> None:
    world.people["office"].category = Category.CHIEF
    world.people["office"].save()
    a = world.assessments["office"]
    Assessment.objects.filter(pk=a.pk).update(category=Category.CHIEF, state=State.PROPOSED,
                                              proposed_grade="好")
    response = client_for("office").post(reverse("assessment_approve", args=[a.pk]),
                                         {"team_decision": "党组会议"})
    assert response.status_code == 403
    assert Assessment.objects.get(pk=a.pk).state == State.PROPOSED


def test_date_fields_render_iso_dates_in_chinese(client_for: Sign) -> None:
    page = client_for("staff").get(reverse("record_book")).content.decode()
    assert 'type="date"' in page and "/" not in page.split('name="day"')[1].split(">")[0]
