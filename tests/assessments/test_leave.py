"""Correcting and deleting leave (§十(三)), after an approval with a reason that re-decides the
grade, never in a closed quarter; half measured on the days in service; and the office's leave
page of a quarter: the list with working days and the undetermined flag, picking a person by
name or personnel number, and what the office reads when a name is unknown."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaohe.assessments import rules, services
from kaohe.assessments.models import Correction, Leave, Transition
from kaohe.audit.models import AuditEvent
from kaohe.errors import Invalid, NotAllowed, Refused
from kaohe.org.models import Person
from kaohe.plans.models import Period, PeriodState
from tests.appeals.test_publication import publish, told_quarter
from tests.assessments.test_services import approve, fresh, propose, submit
from tests.personas import World

pytestmark = pytest.mark.django_db

Sign = Callable[[str | None], Client]
d = datetime.date
# 2025 Q3 has 67 working days: 1 Jul – 31 Aug holds 44 of them (over half), 1–31 Jul 23.
OVER_HALF = (d(2025, 7, 1), d(2025, 8, 31))
UNDER_HALF = (d(2025, 7, 1), d(2025, 7, 31))


def record(world: World, persona: str, span: tuple[datetime.date, datetime.date],
           kind: str = "sick") -> Leave:
    return services.leave_record(person=world.people[persona], kind=kind, start=span[0],
                                 end=span[1], by=world.users["office"])


def correct(world: World, leave: Leave, span: tuple[datetime.date, datetime.date],
            kind: str = "sick", reason: str = "病假条日期有误", by: str = "office") -> Leave:
    return services.leave_correct(leave=leave, kind=kind, start=span[0], end=span[1],
                                  reason=reason, by=world.users[by])


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


# --- services ----------------------------------------------------------------------------------

def test_the_undetermined_flag_follows_corrections_and_deletion(world: World) -> None:
    staff = world.assessments["staff"]
    leave = record(world, "staff", OVER_HALF)
    assert fresh(staff).grade_determined is False
    correct(world, leave, UNDER_HALF)
    assert fresh(staff).grade_determined is True
    correct(world, leave, OVER_HALF, kind="personal")
    assert fresh(staff).grade_determined is False
    services.leave_delete(leave=leave, reason="重复登记", by=world.users["office"])
    assert fresh(staff).grade_determined is True
    assert not Leave.objects.filter(pk=leave.pk).exists()


def test_a_correction_moved_out_of_the_quarter_frees_the_grade(world: World) -> None:
    leave = record(world, "staff", OVER_HALF)
    correct(world, leave, (d(2025, 10, 8), d(2025, 11, 30)))  # Q4 is not open: nothing there
    assert fresh(world.assessments["staff"]).grade_determined is True


def test_corrections_and_deletions_are_audited_with_the_previous_values(world: World) -> None:
    leave = record(world, "staff", UNDER_HALF)
    correct(world, leave, (d(2025, 7, 2), d(2025, 7, 10)), kind="personal")
    corrected = events("leave.correct")[-1]
    assert corrected.old == {"kind": "sick", "start": "2025-07-01", "end": "2025-07-31"}
    assert corrected.new == {"kind": "personal", "start": "2025-07-02", "end": "2025-07-10"}
    assert (corrected.username, corrected.reason) == ("office", "病假条日期有误")
    leave_id = leave.pk
    services.leave_delete(leave=leave, reason="重复登记", by=world.users["office"])
    deleted = events("leave.delete")[-1]
    assert deleted.object_id == str(leave_id)
    assert deleted.old == {"kind": "personal", "start": "2025-07-02", "end": "2025-07-10"}
    assert (deleted.username, deleted.reason) == ("office", "重复登记")


def _approved_staff(world: World) -> None:
    staff = world.assessments["staff"]
    submit(staff)
    propose(staff, "较好", 85)
    approve(staff)


def test_leave_after_approval_needs_a_reason_and_withdraws_the_grade(world: World) -> None:
    _approved_staff(world)
    staff = world.assessments["staff"]
    audited = AuditEvent.objects.count()

    with pytest.raises(Refused) as refusal:
        record(world, "staff", OVER_HALF)
    assert (refusal.value.rule, refusal.value.code) == (rules.RULE_LEAVE, "reason_required")
    assert not Leave.objects.exists() and AuditEvent.objects.count() == audited

    services.leave_record(person=world.people["staff"], kind="sick", start=OVER_HALF[0],
                          end=OVER_HALF[1], reason="补交病假证明", by=world.users["office"])

    after = fresh(staff)
    assert (after.state, after.grade, after.grade_determined) == ("approved", "", False)
    step = Transition.objects.filter(assessment=staff, action="leave_regrade").get()
    assert (step.previous, step.values) == (
        {"state": "approved", "grade": "较好", "grade_determined": True},
        {"state": "approved", "grade": "", "grade_determined": False})
    assert (step.by, step.reason) == (world.users["office"], "补交病假证明")
    assert events("leave.record_after_approval")[-1].reason == "补交病假证明"


def test_leave_corrected_back_under_half_sends_the_grade_to_the_reviewer(world: World) -> None:
    leave = record(world, "staff", OVER_HALF)
    staff = world.assessments["staff"]
    submit(staff)
    propose(staff, "", 85)
    approve(staff)
    assert fresh(staff).grade_determined is False

    correct(world, leave, UNDER_HALF, reason="病假条日期有误，实为 7 月")

    after = fresh(staff)
    assert (after.state, after.grade_determined) == ("sent_back", True)
    assert Transition.objects.filter(assessment=staff, action="leave_regrade").count() == 1


@pytest.mark.parametrize("change", ["record", "correct", "delete"])
def test_leave_in_a_closed_quarter_changes_only_on_appeal(world: World, change: str) -> None:
    leave = record(world, "staff", UNDER_HALF)
    Period.objects.filter(pk=world.periods["organ"].pk).update(state=PeriodState.CLOSED)
    before = list(Leave.objects.values())
    with pytest.raises(Refused) as refusal:
        if change == "record":
            services.leave_record(person=world.people["staff"], kind="sick", start=OVER_HALF[0],
                                  end=OVER_HALF[1], reason="补登", by=world.users["office"])
        elif change == "correct":
            correct(world, leave, OVER_HALF)
        else:
            services.leave_delete(leave=leave, reason="重复登记", by=world.users["office"])
    assert refusal.value.code == "period_closed" and "申诉" in refusal.value.message
    assert list(Leave.objects.values()) == before
    assert fresh(world.assessments["staff"]).grade_determined is True


def test_half_is_measured_against_the_days_in_service(world: World) -> None:
    """Someone who joined on 1 September works 23 of Q3's 67 working days (28 September is a
    working Sunday): 12 days of leave is over half of theirs, far under half of the quarter."""
    world.people["staff"].assignments.update(start=d(2025, 9, 1))
    record(world, "staff", (d(2025, 9, 1), d(2025, 9, 16)))
    assert fresh(world.assessments["staff"]).grade_determined is False
    record(world, "colleague", (d(2025, 9, 1), d(2025, 9, 16)))
    assert fresh(world.assessments["colleague"]).grade_determined is True


def test_only_the_office_corrects_with_a_reason_and_valid_dates(world: World) -> None:
    leave = record(world, "staff", UNDER_HALF)
    with pytest.raises(NotAllowed):
        correct(world, leave, OVER_HALF, by="chief")
    with pytest.raises(NotAllowed):
        services.leave_delete(leave=leave, reason="重复", by=world.users["principal"])
    with pytest.raises(Invalid) as no_reason:
        correct(world, leave, OVER_HALF, reason="  ")
    assert "理由" in no_reason.value.message
    with pytest.raises(Invalid):
        correct(world, leave, (d(2025, 7, 10), d(2025, 7, 1)))
    with pytest.raises(Invalid):
        services.leave_delete(leave=leave, reason="", by=world.users["office"])
    assert Leave.objects.filter(pk=leave.pk, start=d(2025, 7, 1), end=d(2025, 7, 31)).exists()


def test_rules_leave_may_change_until_a_grade_is_decided() -> None:
    assert rules.leave_may_change(["draft", "proposed", ""])
    assert not rules.leave_may_change(["proposed", "approved"])
    assert not rules.leave_may_change(["acknowledged"])


# --- pages -----------------------------------------------------------------------------------

def _leave_page(world: World) -> str:
    return reverse("leave_page", args=[world.periods["organ"].pk])


def _post_leave(client: Client, world: World, **fields: str) -> str:
    body = {"period": world.periods["organ"].pk, "kind": "sick", "start": "2025-07-01",
            "end": "2025-08-31", **fields}
    response = client.post(reverse("leave_record"), body, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_the_office_records_leave_by_name_and_sees_it_listed(client_for: Sign,
                                                              world: World) -> None:
    client = client_for("office")
    page = _post_leave(client, world, query="Staff")  # the personas' names: "Staff", …
    assert "Staff：请假已登记。" in page
    assert "不确定等次" in page and ">44<" in page  # 44 of 67 working days
    assert "本季度共 67 个工作日" in page
    assert Leave.objects.filter(person=world.people["staff"]).count() == 1
    assert fresh(world.assessments["staff"]).grade_determined is False


def test_an_unknown_name_is_a_message_not_a_404(client_for: Sign, world: World) -> None:
    client = client_for("office")
    page = _post_leave(client, world, query="王不存在")
    assert "未找到姓名或人员编号为“王不存在”的人员" in page
    # Someone of another organ is unknown here as well: nothing recorded, nothing revealed.
    page = _post_leave(client, world, person="P-outsider")
    assert "未找到姓名或人员编号为“P-outsider”的人员" in page
    assert not Leave.objects.exists()
    page = _post_leave(client, world)  # neither picked nor typed
    assert "请输入姓名或人员编号" in page


def test_two_people_of_one_name_must_be_picked_by_number(client_for: Sign,
                                                         world: World) -> None:
    twin = world.people["colleague"]
    Person.objects.filter(pk=twin.pk).update(name="Staff")
    client = client_for("office")
    page = _post_leave(client, world, query="Staff")
    assert "有 2 人名为“Staff”" in page and not Leave.objects.exists()
    people = client.get(reverse("leave_people", args=[world.periods["organ"].pk]),
                        {"query": "staf"}).content.decode()
    assert 'value="P-staff"' in people and 'value="P-colleague"' in people
    _post_leave(client, world, person="P-colleague", query="Staff")
    assert Leave.objects.get().person == twin


def test_the_leave_search_finds_the_quarters_people_only(client_for: Sign, world: World) -> None:
    client = client_for("office")
    url = reverse("leave_people", args=[world.periods["organ"].pk])
    found = client.get(url, {"query": "P-"}).content.decode()
    assert 'value="P-staff"' in found and 'value="P-other_staff"' in found
    assert "P-outsider" not in found
    assert "未找到“Nobody”" in client.get(url, {"query": "Nobody"}).content.decode()
    assert client_for("chief").get(url, {"query": "P-"}).status_code == 403
    other = reverse("leave_people", args=[world.periods["other"].pk])
    assert client_for("office").get(other, {"query": "P-"}).status_code == 404


def test_the_page_corrects_and_deletes_until_the_quarter_closes(client_for: Sign,
                                                                 world: World) -> None:
    leave = record(world, "staff", OVER_HALF)
    client = client_for("office")
    page = client.get(_leave_page(world)).content.decode()
    assert "更正或删除" in page and reverse("leave_correct", args=[leave.pk]) in page
    response = client.post(reverse("leave_correct", args=[leave.pk]), {
        "kind": "personal", "start": "2025-07-01", "end": "2025-07-10", "reason": "日期有误",
        "next": _leave_page(world)}, follow=True)
    assert "Staff：请假记录已更正。" in response.content.decode()
    assert fresh(world.assessments["staff"]).grade_determined is True
    response = client.post(reverse("leave_delete", args=[leave.pk]), {"reason": ""},
                           follow=True)
    assert "须说明理由" in response.content.decode() and Leave.objects.filter(pk=leave.pk).exists()
    kept = record(world, "staff", UNDER_HALF)
    Period.objects.filter(pk=world.periods["organ"].pk).update(state=PeriodState.CLOSED)
    page = client.get(_leave_page(world)).content.decode()
    assert "本季度已结束，不能更正" in page
    response = client.post(reverse("leave_delete", args=[kept.pk]), {"reason": "重复"},
                           follow=True)
    assert "请假记录不能再登记、更正或删除" in response.content.decode()
    assert Leave.objects.filter(pk=kept.pk).exists()


def test_the_periods_page_links_the_leave_page_for_the_office(client_for: Sign,
                                                              world: World) -> None:
    assert _leave_page(world) in client_for("office").get(reverse("periods")).content.decode()
    assert _leave_page(world) not in client_for("chief").get(reverse("periods")).content.decode()


def test_the_leave_page_reads_a_fixed_number_of_queries(client_for: Sign, world: World,
                                                        django_assert_max_num_queries: Any
                                                        ) -> None:
    client = client_for("office")
    record(world, "staff", UNDER_HALF)
    client.get(_leave_page(world))  # warm the session and the actor
    with CaptureQueriesContext(connection) as one:
        client.get(_leave_page(world))
    for persona in ("colleague", "chief", "other_staff", "other_chief"):
        record(world, persona, OVER_HALF)
        record(world, persona, (d(2025, 9, 1), d(2025, 9, 5)), kind="personal")
    with django_assert_max_num_queries(len(one)):
        page = client.get(_leave_page(world)).content.decode()
    assert page.count('data-testid="leave"') == 9


def test_a_good_withdrawn_by_leave_corrects_the_published_list(world: World) -> None:
    period = told_quarter(world)
    publish(world, period)

    services.leave_record(person=world.people["staff"], kind="sick", start=OVER_HALF[0],
                          end=OVER_HALF[1], reason="补交住院证明", by=world.users["office"])

    correction = Correction.objects.get(assessment=world.assessments["staff"])
    assert (correction.previous_grade, correction.new_grade) == ("好", "")
    assert [entry["person"] for entry in correction.removed] == ["Staff"]
    assert (correction.by, correction.reason) == (world.users["office"], "补交住院证明")


def test_a_refused_leave_keeps_what_the_office_typed(client_for: Sign, world: World) -> None:
    _approved_staff(world)
    client = client_for("office")

    refused = _post_leave(client, world, person="P-staff", end="2025-08-29")
    kept_nothing = not Leave.objects.exists()
    recorded = _post_leave(client, world, person="P-staff", end="2025-08-29",
                           reason="补交病假证明")

    assert "须写明理由" in refused and 'value="2025-08-29"' in refused and kept_nothing
    assert "Staff：请假已登记。" in recorded
    assert fresh(world.assessments["staff"]).grade_determined is False
