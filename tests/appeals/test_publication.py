"""The published 好 list as a record, and the quarter's closing around the appeal window
(§八(一), §十(二), decision 0014), as the office would check them: the list kept with who and
when, a change on appeal shown as a dated correction, closing refused while anyone may still
appeal or an appeal waits, and closed early only with a written reason that is kept."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from kaohe.accounts.models import ApiToken
from kaohe.appeals import services
from kaohe.appeals.models import Appeal, AppealState
from kaohe.assessments import selectors as assessment_selectors
from kaohe.assessments import services as assessment_services
from kaohe.assessments.models import Assessment, ClosingOverride, Correction, Publication, State
from kaohe.audit.models import AuditEvent
from kaohe.errors import Invalid, NotAllowed, Refused
from kaohe.plans.models import Grade, Period
from tests.appeals.conftest import APPEAL, Today
from tests.assessments.test_services import FEEDBACK_DAY, fresh
from tests.personas import World

pytestmark = pytest.mark.django_db

d = datetime.date
IN_THE_WINDOW = d(2025, 10, 13)  # feedback 29 Sep → last day to appeal Monday 13 October
AFTER_THE_WINDOW = d(2025, 10, 14)
Sign = Callable[[str | None], Client]


def told_quarter(world: World, good: tuple[str, ...] = ("staff", "chief")) -> Period:
    """Every result of the organ's quarter told on FEEDBACK_DAY; `good` graded 好."""
    period = world.periods["organ"]
    period.assessments.update(state=State.ACKNOWLEDGED, grade=Grade.FAIRLY_GOOD,
                              feedback_given_on=FEEDBACK_DAY)
    period.assessments.filter(person__in=[world.people[p] for p in good]).update(
        grade=Grade.GOOD)
    return period


def publish(world: World, period: Period) -> Period:
    return assessment_services.period_publish(period=period, by=world.users["office"])


def appeal_to(world: World, persona: str, grade: str, reason: str = "复核后认定") -> Appeal:
    assessment = fresh(world.assessments[persona])
    appeal = services.appeal_file(assessment=assessment, by=assessment.person.user, text=APPEAL)
    return services.appeal_decide(appeal=appeal, by=world.users["office"],
                                  outcome=AppealState.CHANGED, grade=grade, reason=reason)


def close(world: World, period: Period, reason: str = "") -> Period:
    return assessment_services.period_close(period=period, by=world.users["office"],
                                            override_reason=reason)


def names(entries: list[dict[str, object]]) -> list[object]:
    return [entry["person"] for entry in entries]


# --- publishing --------------------------------------------------------------------------------

def test_publishing_keeps_who_when_and_the_names(world: World) -> None:
    period = publish(world, told_quarter(world))
    publication = Publication.objects.get(period=period)
    assert publication.published_by == world.users["office"]
    assert publication.published_at == period.published_at
    assert sorted(names(publication.names)) == ["Chief", "Staff"]
    staff = next(e for e in publication.names if e["person"] == "Staff")
    assert staff["personnel_no"] == world.people["staff"].personnel_no
    assert staff["section"] == world.people["staff"].section.name and staff["grade"] == "好"
    assert AuditEvent.objects.filter(action="period.publish", object_id=str(period.pk)).exists()


def test_publishing_again_is_refused_and_changes_nothing(world: World) -> None:
    period = publish(world, told_quarter(world))
    first = Publication.objects.get(period=period)
    with pytest.raises(Refused) as refusal:
        publish(world, period)
    assert refusal.value.code == "already_published" and refusal.value.rule == "§八(一)"
    assert list(Publication.objects.filter(period=period)) == [first]
    assert Period.objects.get(pk=period.pk).published_at == first.published_at


def test_only_the_office_publishes(world: World) -> None:
    period = told_quarter(world)
    with pytest.raises(NotAllowed):
        assessment_services.period_publish(period=period, by=world.users["principal"])
    assert not Publication.objects.exists()
    assert Period.objects.get(pk=period.pk).published_at is None


# --- corrections -------------------------------------------------------------------------------

def test_an_appeal_taking_away_a_good_is_a_dated_correction(world: World,
                                                            today: Today) -> None:
    period = publish(world, told_quarter(world))
    today(IN_THE_WINDOW)
    appeal = appeal_to(world, "staff", Grade.FAIRLY_GOOD, reason="群众评价有误，经委员会复核")
    correction = Correction.objects.get()
    assert correction.appeal_id == appeal.pk and correction.by == world.users["office"]
    assert names(correction.removed) == ["Staff"] and correction.added == []
    assert (correction.previous_grade, correction.new_grade) == (Grade.GOOD, Grade.FAIRLY_GOOD)
    assert correction.reason == "群众评价有误，经委员会复核"
    listed = assessment_selectors.published_list(Period.objects.get(pk=period.pk))
    assert listed is not None
    # As published stays as it was; the current list has one name fewer.
    assert sorted(names(listed.publication.names)) == ["Chief", "Staff"]  # type: ignore[union-attr]
    assert names(listed.current) == ["Chief"]
    assert [a.person.name for a in assessment_selectors.published_good(period)] == ["Chief"]
    assert AuditEvent.objects.filter(action="publication.correct",
                                     reason="群众评价有误，经委员会复核").exists()


def test_an_appeal_giving_a_good_adds_the_name(world: World, today: Today) -> None:
    period = publish(world, told_quarter(world, good=("chief",)))
    today(IN_THE_WINDOW)
    appeal_to(world, "colleague", Grade.GOOD)
    correction = Correction.objects.get()
    assert names(correction.added) == ["Colleague"] and correction.removed == []
    listed = assessment_selectors.published_list(period)
    assert listed is not None and sorted(names(listed.current)) == ["Chief", "Colleague"]


def test_a_change_not_touching_good_or_before_publication_is_no_correction(
        world: World, today: Today) -> None:
    period = told_quarter(world)
    today(IN_THE_WINDOW)
    appeal_to(world, "staff", Grade.FAIRLY_GOOD)  # not yet published
    publish(world, period)
    appeal_to(world, "colleague", Grade.AVERAGE)  # 较好 → 一般: the list is unchanged
    assert not Correction.objects.exists()


def test_a_refused_appeal_decision_leaves_no_correction(world: World, today: Today) -> None:
    period = publish(world, told_quarter(world, good=("staff", "chief", "other_chief")))
    today(IN_THE_WINDOW)
    with pytest.raises(Refused):  # the 好 places are taken
        appeal_to(world, "colleague", Grade.GOOD)
    assert not Correction.objects.exists()
    assert fresh(world.assessments["colleague"]).grade == Grade.FAIRLY_GOOD
    assert Period.objects.get(pk=period.pk).published_at is not None


# --- closing -----------------------------------------------------------------------------------

def test_closing_is_refused_inside_the_appeal_window_naming_who(world: World,
                                                               today: Today) -> None:
    period = publish(world, told_quarter(world))
    today(IN_THE_WINDOW)
    with pytest.raises(Refused) as refusal:
        close(world, period)
    assert refusal.value.code == "appeals_open" and refusal.value.rule == "§十(二)"
    assert "Staff：申诉期未满（至 2025-10-13）" in refusal.value.message
    assert "须写明理由" in refusal.value.message
    assert Period.objects.get(pk=period.pk).state == "open"
    assert not ClosingOverride.objects.exists()
    today(AFTER_THE_WINDOW)
    assert close(world, period).is_closed and not ClosingOverride.objects.exists()


def test_an_undecided_appeal_blocks_closing_after_the_window(world: World,
                                                            today: Today) -> None:
    period = publish(world, told_quarter(world))
    today(IN_THE_WINDOW)
    staff = fresh(world.assessments["staff"])
    services.appeal_file(assessment=staff, by=staff.person.user, text=APPEAL)
    today(AFTER_THE_WINDOW)
    assert assessment_selectors.unfinished(period) == ["Staff：申诉待处理"]
    with pytest.raises(Refused) as refusal:
        close(world, period)
    assert refusal.value.code == "appeals_open" and "Staff：申诉待处理" in refusal.value.message
    assert Period.objects.get(pk=period.pk).state == "open"


def test_what_keeps_a_quarter_open_is_listed_whole_and_in_order(world: World,
                                                                today: Today) -> None:
    """Untold results in the quarter's order, then undecided appeals by personnel number,
    then open windows by feedback day; a decided appeal and a closed window are not named."""
    period = told_quarter(world)
    period.assessments.filter(person=world.people["other_staff"]).update(
        state=State.APPROVED, feedback_given_on=None)
    period.assessments.filter(person=world.people["colleague"]).update(
        feedback_given_on=FEEDBACK_DAY - datetime.timedelta(days=7))  # its window has ended
    period.assessments.filter(person=world.people["chief"]).update(
        feedback_given_on=FEEDBACK_DAY + datetime.timedelta(days=1))
    today(IN_THE_WINDOW)
    for persona in ("office", "staff"):
        assessment = fresh(world.assessments[persona])
        services.appeal_file(assessment=assessment, by=assessment.person.user, text=APPEAL)
    appeal_to(world, "other_chief", Grade.AVERAGE)  # decided: no longer named
    work, appeals = assessment_selectors.closing_items(period)
    assert work == ["Other Staff：已审定，待反馈", "“好”等次人员名单尚未公布"]
    assert appeals == ["Office：申诉待处理", "Staff：申诉待处理",
                       "Chief：申诉期未满（至 2025-10-14）"]


def test_the_office_closes_early_with_a_written_reason_kept_and_audited(
        world: World, today: Today) -> None:
    period = publish(world, told_quarter(world))
    today(IN_THE_WINDOW)
    with pytest.raises(Refused):
        close(world, period, reason="   ")  # blanks are no reason
    closed = close(world, period, reason="市局要求 10 月 13 日前报送结果")
    assert closed.is_closed
    override = ClosingOverride.objects.get(period=period)
    assert override.reason == "市局要求 10 月 13 日前报送结果"
    assert override.by == world.users["office"]
    assert "Staff：申诉期未满（至 2025-10-13）" in override.still_open
    event = AuditEvent.objects.get(action="period.close_override")
    assert event.reason == override.reason and event.new["still_open"] == override.still_open
    # The right to appeal is not lost: filed in time and decided, it corrects the list.
    appeal_to(world, "staff", Grade.FAIRLY_GOOD)
    assert names(Correction.objects.get().removed) == ["Staff"]


def test_no_reason_overrides_unfinished_work(world: World, today: Today) -> None:
    period = told_quarter(world)  # not published
    today(IN_THE_WINDOW)
    with pytest.raises(Refused) as refusal:
        close(world, period, reason="赶时间")
    assert refusal.value.code == "unfinished" and "尚未公布" in refusal.value.message
    assert Period.objects.get(pk=period.pk).state == "open"
    assert not ClosingOverride.objects.exists()


def test_an_overlong_reason_is_refused_and_nothing_closes(world: World, today: Today) -> None:
    period = publish(world, told_quarter(world))
    today(IN_THE_WINDOW)
    with pytest.raises(Invalid):
        close(world, period, reason="理" * 2001)
    assert Period.objects.get(pk=period.pk).state == "open"
    assert not ClosingOverride.objects.exists()


# --- pages -------------------------------------------------------------------------------------

def test_the_publish_confirmation_says_how_many_and_then_publishes(
        client_for: Sign, world: World) -> None:
    period = told_quarter(world)
    office = client_for("office")
    page = office.get(reverse("period_publish_confirm", args=[period.pk])).content.decode()
    assert "将在本机关内公布 2 名“好”等次人员" in page and "公布后不能撤回" in page
    assert not Publication.objects.exists()  # the GET changes nothing
    response = office.post(reverse("period_publish", args=[period.pk]))
    assert response["Location"] == reverse("published", args=[period.pk])
    assert Publication.objects.filter(period=period).exists()


def test_the_confirmation_pages_are_the_offices(client_for: Sign, world: World) -> None:
    period = world.periods["organ"]
    for route in ("period_publish_confirm", "period_close_confirm"):
        url = reverse(route, args=[period.pk])
        assert client_for("principal").get(url).status_code == 403
        assert client_for("outsider").get(url).status_code == 404
        assert client_for("office").get(url).status_code == 200


def test_the_close_button_says_why_before_it_is_pressed(client_for: Sign, world: World,
                                                        today: Today) -> None:
    period = publish(world, told_quarter(world))
    today(IN_THE_WINDOW)
    office = client_for("office")
    periods = office.get(reverse("periods")).content.decode()
    assert "暂不能结束" in periods and "申诉未了" in periods
    page = office.get(reverse("period_close_confirm", args=[period.pk])).content.decode()
    assert "申诉期未满或申诉尚未处理（§十(二)），须说明理由才能提前结束本季度" in page
    assert "Staff：申诉期未满（至 2025-10-13）" in page and 'name="override_reason"' in page
    response = office.post(reverse("period_close", args=[period.pk]), {"override_reason": ""})
    assert response["Location"] == reverse("period_close_confirm", args=[period.pk])
    assert Period.objects.get(pk=period.pk).state == "open"
    office.post(reverse("period_close", args=[period.pk]), {"override_reason": "上级要求提前报送"})
    assert Period.objects.get(pk=period.pk).is_closed


def test_the_published_page_shows_the_publication_and_each_correction(
        client_for: Sign, world: World, today: Today) -> None:
    period = publish(world, told_quarter(world))
    today(IN_THE_WINDOW)
    appeal_to(world, "staff", Grade.FAIRLY_GOOD, reason="经委员会复核")
    page = client_for("colleague").get(reverse("published", args=[period.pk])).content.decode()
    office = world.users["office"]
    assert f"由 {office.first_name or office.username} 公布，共 2 人" in page
    assert "更正记录" in page and "删除 Staff" in page and "经委员会复核" in page
    assert "data-print" in page and reverse("published_xlsx", args=[period.pk]) in page


def test_the_list_is_exported_as_a_spreadsheet(client_for: Sign, world: World,
                                               today: Today) -> None:
    period = publish(world, told_quarter(world))
    today(IN_THE_WINDOW)
    appeal_to(world, "staff", Grade.FAIRLY_GOOD, reason="经委员会复核")
    response = client_for("staff").get(reverse("published_xlsx", args=[period.pk]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    current, as_published, corrections = book.worksheets
    assert [row[1] for row in current.iter_rows(min_row=2, values_only=True)] == ["Chief"]
    assert sorted(row[1] for row in as_published.iter_rows(min_row=2, values_only=True)) == [
        "Chief", "Staff"]
    assert [row[2] for row in corrections.iter_rows(min_row=2, values_only=True)] == ["Staff"]
    assert AuditEvent.objects.filter(action="export", object_type="assessments.published").exists()
    assert client_for("outsider").get(
        reverse("published_xlsx", args=[period.pk])).status_code == 404


def test_the_list_is_not_exported_before_publication(client_for: Sign, world: World) -> None:
    period = told_quarter(world)
    assert client_for("office").get(
        reverse("published_xlsx", args=[period.pk])).status_code == 404
    assert Assessment.objects.filter(period=period).exists()


def test_the_api_closes_inside_the_window_only_with_a_reason(client: Client, world: World,
                                                             today: Today) -> None:
    period = publish(world, told_quarter(world))
    today(IN_THE_WINDOW)
    _token, raw = ApiToken.issue(world.users["office"], "t")
    headers = {"Authorization": f"Bearer {raw}"}
    url = f"/api/v1/periods/{period.pk}/close"
    refused = client.post(url, headers=headers)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "appeals_open"
    assert refused.json()["error"]["rule"] == "§十(二)"
    closed = client.post(f"{url}?{urlencode({'override_reason': '上级要求提前报送'})}",
                         headers=headers)
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    assert ClosingOverride.objects.get(period=period).reason == "上级要求提前报送"
