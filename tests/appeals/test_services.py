"""Appeals (§十(二)) as the people using them would check them: the 5-working-day window on the
Chinese calendar (National Day 2025, the office's overrides), paper appeals, once per
assessment, who may file and who may handle, kept and changed outcomes under the 好 cap, the
person told, the grade history, and the quarter's closing. Written for SQLite and PostgreSQL."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from kaohe.appeals import selectors, services
from kaohe.appeals.models import Appeal, AppealState, Channel, Opinion
from kaohe.assessments import selectors as assessment_selectors
from kaohe.assessments import services as assessment_services
from kaohe.assessments.models import (
    Assessment,
    FollowUp,
    FollowUpKind,
    Notification,
    State,
    Transition,
)
from kaohe.audit.models import AuditEvent
from kaohe.errors import Invalid, NotAllowed, Refused
from kaohe.plans.models import Grade, Period
from kaohe.workdays.models import CalendarDay
from tests.appeals.conftest import APPEAL, Today, told
from tests.assessments.test_services import FEEDBACK_DAY, approve, fresh, propose, submit
from tests.personas import World

pytestmark = pytest.mark.django_db

d = datetime.date
LAST_DAY = d(2025, 10, 13)  # 30 Sep, 9, 10, Saturday 11 (调休), Monday 13 Oct
NEXT_WORKING_DAY = d(2025, 10, 14)


def file(assessment: Assessment, text: str = APPEAL) -> Appeal:
    return services.appeal_file(assessment=assessment, by=assessment.person.user, text=text)


def paper(world: World, assessment: Assessment, received_on: datetime.date,
          persona: str = "office") -> Appeal:
    return services.appeal_file(assessment=assessment, by=world.users[persona], text=APPEAL,
                                received_on=received_on)


def decide(world: World, appeal: Appeal, outcome: str, grade: str = "",
           reason: str = "经复核，评鉴时已充分考虑该项任务。", persona: str = "office") -> Appeal:
    return services.appeal_decide(appeal=appeal, by=world.users[persona], outcome=outcome,
                                  grade=grade, reason=reason)


def refused_nothing_filed(attempt: object, error: type[Refused] = Refused) -> Refused:
    before = (Appeal.objects.count(), Notification.objects.count())
    with pytest.raises(error) as refusal:
        attempt()  # type: ignore[operator]
    assert (Appeal.objects.count(), Notification.objects.count()) == before
    return refusal.value


# --- the window: 5 working days after the feedback day ----------------------------------------

def test_across_national_day_the_last_working_day_is_accepted_and_the_next_refused(
        world: World, today: Today) -> None:
    staff, colleague = world.assessments["staff"], world.assessments["colleague"]
    told(staff)  # feedback Monday 29 September 2025
    told(colleague)

    today(LAST_DAY)
    appeal = file(staff)
    assert (appeal.channel, appeal.filed_on, appeal.deadline) == (Channel.ONLINE, LAST_DAY,
                                                                  LAST_DAY)
    assert appeal.state == AppealState.PENDING

    today(NEXT_WORKING_DAY)
    refusal = refused_nothing_filed(lambda: file(colleague))
    assert refusal.code == "appeal_late" and refusal.rule == "§十(二)"
    assert "2025-10-13" in refusal.message and "2025-09-29" in refusal.message


def test_a_holiday_and_a_weekend_before_the_deadline_count_for_nothing(
        world: World, today: Today) -> None:
    staff = world.assessments["staff"]
    told(staff)
    today(d(2025, 10, 5))  # inside the National Day holiday: well within the window
    assert selectors.window_open(fresh(staff))
    today(d(2025, 10, 12))  # the Sunday before the last day
    assert file(staff).deadline == LAST_DAY


def test_the_offices_override_moves_the_deadline(world: World, today: Today) -> None:
    staff, colleague = world.assessments["staff"], world.assessments["colleague"]
    told(staff)
    told(colleague)
    # Had 8 October been a working day, the five days would end on Saturday 11 October.
    CalendarDay.objects.create(date=d(2025, 10, 8), is_workday=True, name="补班")
    today(LAST_DAY)
    refusal = refused_nothing_filed(lambda: file(staff))
    assert refusal.code == "appeal_late" and "2025-10-11" in refusal.message

    # The other way: 13 October declared a holiday pushes the last day to the 14th.
    CalendarDay.objects.filter(date=d(2025, 10, 8)).delete()
    CalendarDay.objects.create(date=LAST_DAY, is_workday=False, name="临时放假")
    today(NEXT_WORKING_DAY)
    assert file(colleague).deadline == NEXT_WORKING_DAY


# --- paper appeals registered by the office ---------------------------------------------------

def test_a_paper_appeal_is_checked_against_the_day_it_was_received(
        world: World, today: Today) -> None:
    staff, colleague = world.assessments["staff"], world.assessments["colleague"]
    told(staff)
    told(colleague)
    today(d(2025, 10, 20))  # registered a week later: the day received counts

    late = refused_nothing_filed(lambda: paper(world, colleague, NEXT_WORKING_DAY))
    assert late.code == "appeal_late" and "2025-10-13" in late.message
    before = refused_nothing_filed(lambda: paper(world, colleague, d(2025, 9, 28)), Invalid)
    assert "2025-09-29" in before.message
    refused_nothing_filed(lambda: paper(world, colleague, d(2025, 10, 21)), Invalid)  # future

    appeal = paper(world, staff, LAST_DAY)
    assert (appeal.channel, appeal.filed_on, appeal.filed_by) == (
        Channel.PAPER, LAST_DAY, world.users["office"])


def test_only_the_office_registers_paper_appeals_and_never_its_own(
        world: World, today: Today) -> None:
    staff, office = world.assessments["staff"], world.assessments["office"]
    told(staff)
    today(LAST_DAY)
    for persona in ("chief", "leader", "principal", "staff"):
        refused_nothing_filed(lambda p=persona: paper(world, staff, LAST_DAY, p), NotAllowed)
    Assessment.objects.filter(pk=office.pk).update(state=State.FEEDBACK, grade=Grade.GOOD,
                                                   feedback_given_on=FEEDBACK_DAY)
    refused_nothing_filed(lambda: paper(world, fresh(office), LAST_DAY), NotAllowed)
    assert file(fresh(office)).channel == Channel.ONLINE  # online, like everyone else


# --- once, by whom, when ------------------------------------------------------------------------

def test_an_assessment_is_appealed_once(world: World, today: Today) -> None:
    staff = world.assessments["staff"]
    told(staff)
    today(d(2025, 9, 30))
    first = file(staff)
    again = refused_nothing_filed(lambda: file(staff))
    assert again.code == "appeal_exists"
    assert refused_nothing_filed(lambda: paper(world, staff, d(2025, 9, 30))).code == \
        "appeal_exists"
    # Decided, still once.
    decide(world, first, AppealState.KEPT)
    assert refused_nothing_filed(lambda: file(staff)).code == "appeal_exists"
    # The database refuses a second row whatever races past the service.
    with pytest.raises(IntegrityError), transaction.atomic():
        Appeal.objects.create(assessment=staff, channel=Channel.ONLINE, text="x",
                              filed_on=d(2025, 9, 30), deadline=LAST_DAY,
                              filed_by=world.users["staff"])


def test_no_appeal_before_the_result_is_told(world: World, today: Today) -> None:
    staff = world.assessments["staff"]
    today(d(2025, 9, 30))
    assert refused_nothing_filed(lambda: file(staff)).code == "wrong_state"
    submit(staff)
    propose(staff, Grade.FAIRLY_GOOD, 85)
    approve(staff)  # approved, but not yet told
    assert refused_nothing_filed(lambda: file(fresh(staff))).code == "wrong_state"
    assert not selectors.window_open(fresh(staff))


def test_only_the_person_assessed_files_online_and_the_text_is_required(
        world: World, today: Today) -> None:
    staff = world.assessments["staff"]
    told(staff)
    today(d(2025, 9, 30))
    for persona in ("colleague", "chief", "office"):
        refused_nothing_filed(lambda p=persona: services.appeal_file(
            assessment=staff, by=world.users[p], text=APPEAL), NotAllowed)
    refused_nothing_filed(lambda: file(staff, "   "), Invalid)
    too_long = refused_nothing_filed(lambda: file(staff, "字" * 4001), Invalid)
    assert "4000" in too_long.message
    assert file(staff, "字" * 4000).text == "字" * 4000


def test_the_office_is_told_of_a_new_appeal(world: World, today: Today) -> None:
    staff = world.assessments["staff"]
    told(staff)
    today(d(2025, 9, 30))
    file(staff)
    notice = Notification.objects.get(user=world.users["office"])
    assert "Staff" in notice.text and "2025-09-30" in notice.text


# --- handling -------------------------------------------------------------------------------------

def test_kept_the_person_is_told_the_outcome_and_the_date(world: World, today: Today) -> None:
    staff = world.assessments["staff"]
    told(staff)
    today(d(2025, 9, 30))
    appeal = file(staff)
    services.opinion_add(appeal=appeal, by=world.users["office"], given_by="考核委员会",
                         text="等次评定依据充分，建议维持。")
    today(d(2025, 10, 15))
    history = Transition.objects.filter(assessment=staff).count()
    kept = decide(world, appeal, AppealState.KEPT)
    assert (kept.state, kept.previous_grade, kept.new_grade) == (AppealState.KEPT, "较好", "")
    assert (kept.decided_on, kept.decided_by) == (d(2025, 10, 15), world.users["office"])
    assert fresh(staff).grade == Grade.FAIRLY_GOOD
    assert Transition.objects.filter(assessment=staff).count() == history
    assert [o.given_by for o in Opinion.objects.filter(appeal=appeal)] == ["考核委员会"]
    # The opinion is encrypted at rest: the audit log does not name it by its text either.
    assert not AuditEvent.objects.filter(object_repr__contains="依据充分").exists()
    notice = Notification.objects.get(user=world.users["staff"])
    assert "维持原等次" in notice.text and "较好" in notice.text and "2025-10-15" in notice.text


def test_changed_the_grade_the_history_and_the_follow_up(world: World, today: Today) -> None:
    staff = world.assessments["staff"]
    colleague = world.assessments["colleague"]
    told(staff, Grade.AVERAGE)
    told(colleague)
    assert FollowUp.objects.filter(assessment=staff).count() == 1  # the reminder talk
    today(d(2025, 9, 30))
    appeal = file(staff)
    other = file(colleague)
    today(d(2025, 10, 16))
    changed = decide(world, appeal, AppealState.CHANGED, Grade.FAIRLY_GOOD,
                     reason="补充核实了牵头完成的排查任务")
    assert (changed.previous_grade, changed.new_grade) == ("一般", "较好")
    now = fresh(staff)
    assert (now.grade, now.state) == (Grade.FAIRLY_GOOD, State.FEEDBACK)
    row = Transition.objects.filter(assessment=staff).last()
    assert row is not None and row.action == "appeal_change"
    assert (row.previous, row.values["grade"], row.reason) == (
        {"grade": "一般"}, "较好", "补充核实了牵头完成的排查任务")
    assert (row.by, row.from_state, row.to_state) == (world.users["office"], State.FEEDBACK,
                                                      State.FEEDBACK)
    notice = Notification.objects.get(user=world.users["staff"])
    assert "由“一般”变更为“较好”" in notice.text and "2025-10-16" in notice.text
    # Changed down to 较差: criticism and education follow (§九(二)).
    decide(world, other, AppealState.CHANGED, Grade.POOR, reason="核实有违纪情况")
    assert FollowUp.objects.filter(assessment=colleague,
                                   kind=FollowUpKind.CRITICISM).exists()


def test_a_change_to_good_at_a_full_cap_is_refused_like_an_approval(
        world: World, today: Today) -> None:
    a = world.assessments
    # Six take part: 2 places of 好, both taken.
    told(a["colleague"], Grade.GOOD)
    told(a["other_staff"], Grade.GOOD)
    told(a["staff"])
    today(d(2025, 9, 30))
    appeal = file(a["staff"])
    refusal = refused_nothing_filed(
        lambda: decide(world, appeal, AppealState.CHANGED, Grade.GOOD), Refused)
    assert refusal.code == "good_quota_exceeded" and "40%" in refusal.rule
    assert fresh(a["staff"]).grade == Grade.FAIRLY_GOOD
    assert Appeal.objects.get(pk=appeal.pk).state == AppealState.PENDING
    assert not Transition.objects.filter(action="appeal_change").exists()

    # A place freed (another appeal changes 好 down) is a place taken.
    other = file(a["other_staff"])
    decide(world, other, AppealState.CHANGED, Grade.FAIRLY_GOOD, reason="复核")
    decide(world, appeal, AppealState.CHANGED, Grade.GOOD, reason="复核")
    quota = assessment_selectors.quota(world.periods["organ"])
    assert (quota.used, quota.limit) == (2, 2)


def test_a_decision_needs_a_reason_a_new_grade_and_a_pending_appeal(
        world: World, today: Today) -> None:
    staff = world.assessments["staff"]
    told(staff)
    today(d(2025, 9, 30))
    appeal = file(staff)
    for outcome, grade, reason in [
        (AppealState.KEPT, "", " "),  # no reason
        (AppealState.CHANGED, "", "复核"),  # no grade
        (AppealState.CHANGED, "优秀", "复核"),  # not a quarterly grade
        (AppealState.CHANGED, Grade.FAIRLY_GOOD, "复核"),  # the same grade
        ("withdrawn", "", "复核"),
    ]:
        refused_nothing_filed(lambda o=outcome, g=grade, r=reason: decide(
            world, appeal, o, g, r), Invalid)
    assert Appeal.objects.get(pk=appeal.pk).state == AppealState.PENDING
    decide(world, appeal, AppealState.KEPT)
    again = refused_nothing_filed(lambda: decide(world, appeal, AppealState.KEPT))
    assert again.code == "appeal_decided"
    refused_nothing_filed(lambda: services.opinion_add(
        appeal=appeal, by=world.users["office"], given_by="x", text="y"))


def test_only_the_office_handles_and_nobody_their_own_appeal(
        world: World, today: Today) -> None:
    staff, office = world.assessments["staff"], world.assessments["office"]
    told(staff)
    today(d(2025, 9, 30))
    appeal = file(staff)
    for persona in ("staff", "chief", "leader", "principal", "outsider"):
        refused_nothing_filed(lambda p=persona: decide(world, appeal, AppealState.KEPT,
                                                       persona=p), NotAllowed)
        refused_nothing_filed(lambda p=persona: services.opinion_add(
            appeal=appeal, by=world.users[p], given_by="x", text="y"), NotAllowed)
    Assessment.objects.filter(pk=office.pk).update(state=State.FEEDBACK, grade=Grade.GOOD,
                                                   feedback_given_on=FEEDBACK_DAY)
    own = file(fresh(office))
    refused_nothing_filed(lambda: decide(world, own, AppealState.CHANGED, Grade.FAIRLY_GOOD),
                          NotAllowed)


# --- the quarter's closing --------------------------------------------------------------------

def _all_told_and_published(world: World) -> Period:
    period = world.periods["organ"]
    period.assessments.update(state=State.ACKNOWLEDGED, grade=Grade.FAIRLY_GOOD,
                              feedback_given_on=FEEDBACK_DAY)
    Assessment.objects.filter(pk=world.assessments["colleague"].pk).update(
        feedback_given_on=d(2025, 10, 10))  # last day to appeal: Thursday 16 October
    assessment_services.period_publish(period=period, by=world.users["office"])
    return period


def test_a_pending_appeal_blocks_closing(world: World, today: Today) -> None:
    period = _all_told_and_published(world)
    today(LAST_DAY)
    appeal = file(fresh(world.assessments["staff"]))
    with pytest.raises(Refused) as refusal:
        assessment_services.period_close(period=period, by=world.users["office"])
    assert refusal.value.code == "appeals_open" and refusal.value.rule == "§十(二)"
    assert "Staff：申诉待处理" in refusal.value.message
    assert Period.objects.get(pk=period.pk).state == "open"
    decide(world, appeal, AppealState.KEPT)
    today(d(2025, 10, 17))  # the colleague's window ended on the 16th
    assert assessment_services.period_close(period=period, by=world.users["office"]).is_closed


def test_after_closing_an_appeal_in_its_window_is_the_only_correction(
        world: World, today: Today) -> None:
    period = _all_told_and_published(world)
    today(NEXT_WORKING_DAY)
    # The colleague may still appeal: closing now takes the office's written reason.
    assessment_services.period_close(period=period, by=world.users["office"],
                                     override_reason="年度考核时间紧，经办公室研究提前结束")
    colleague = fresh(world.assessments["colleague"])
    staff = fresh(world.assessments["staff"])
    # Staff's window ended on the 13th; the colleague's runs to the 16th.
    assert refused_nothing_filed(lambda: file(staff)).code == "appeal_late"
    today(d(2025, 10, 16))
    appeal = file(colleague)
    decide(world, appeal, AppealState.CHANGED, Grade.GOOD, reason="复核后认定")
    assert fresh(colleague).grade == Grade.GOOD
    assert Transition.objects.filter(assessment=colleague, action="appeal_change").count() == 1
    # Every other change stays frozen.
    with pytest.raises(Refused) as stopped:
        assessment_services.result_acknowledge(assessment=colleague, by=world.users["colleague"])
    assert stopped.value.code == "period_closed"


def test_the_offices_to_do_leads_to_the_appeal_and_goes_once_it_is_decided(
        world: World, today: Today, client_for) -> None:  # type: ignore[no-untyped-def]
    staff = world.assessments["staff"]
    told(staff)
    today(d(2025, 9, 30))
    appeal = file(staff)
    office = client_for("office")
    home = office.get("/").content.decode()
    link = f'/notifications/{Notification.objects.get(user=world.users["office"]).pk}/'
    assert f'href="{link}"' in home and "请及时处理" in home
    assert office.get(link)["Location"] == f"/appeals/{appeal.pk}/"
    Notification.objects.filter(user=world.users["office"]).update(read=False)  # not followed
    today(d(2025, 10, 15))
    decide(world, appeal, AppealState.KEPT)
    assert "请及时处理" not in office.get("/").content.decode()
    # The person's notice of the outcome leads to the appeal, too.
    notice = Notification.objects.get(user=world.users["staff"])
    assert notice.url == f"/appeals/{appeal.pk}/" and not notice.read


def test_notices_written_before_they_had_a_topic_are_retired_or_linked(
        world: World, today: Today) -> None:
    import importlib

    from django.apps import apps
    migration = importlib.import_module(
        "kaohe.appeals.migrations.0002_retire_notices_of_decided_appeals")
    staff, chief = world.assessments["staff"], world.assessments["chief"]
    told(staff)
    told(chief)
    today(d(2025, 9, 30))
    decided, pending = file(staff), file(chief)
    decide(world, decided, AppealState.KEPT)
    Notification.objects.all().delete()
    office = world.users["office"]
    old = {appeal.pk: Notification.objects.create(
        user=office, text=f"{appeal.assessment.person.name} 对 2025 年第 3 季度 考核结果提出申诉"
                          f"（2025-09-30），请及时处理。") for appeal in (decided, pending)}
    migration.forwards(apps, None)
    done, waiting = (Notification.objects.get(pk=old[a.pk].pk) for a in (decided, pending))
    assert done.read and done.topic == f"appeal:{decided.pk}"
    assert not waiting.read and waiting.url == f"/appeals/{pending.pk}/"


def test_the_office_reads_a_new_appeal_in_its_language(world: World, today: Today) -> None:
    staff = world.assessments["staff"]
    told(staff)
    today(d(2025, 9, 30))
    file(staff)
    notice = Notification.objects.get(user=world.users["office"])
    with translation.override("en"):
        shown = notice.shown
    assert "2025 Q3" in shown and "Staff" in shown and "年" not in shown
    with translation.override("zh-hans"):
        assert notice.shown == notice.text
    assert "2025 年第三季度" in notice.text


@pytest.mark.parametrize(("text", "code"), [(APPEAL + "\x00", "invalid_text"),
                                            ("长" * 1_000_000, "too_long")])
def test_a_nul_or_a_huge_text_is_refused_by_name(world: World, today: Today, text: str,
                                                 code: str) -> None:
    """PostgreSQL cannot store a NUL: refused with a message, never a server error."""
    staff = world.assessments["staff"]
    told(staff)
    today(LAST_DAY)
    refusal = refused_nothing_filed(lambda: services.appeal_file(
        assessment=fresh(staff), by=world.users["staff"], text=text))
    assert refusal.code == code
