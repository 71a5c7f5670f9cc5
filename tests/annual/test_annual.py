"""The annual link in the database: the office's page and the API, decisions with reasons and
flags, refusal, settings, the 公示, and who may see and do what."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client

from kaohe.accounts.models import ApiToken
from kaohe.annual import selectors, services
from kaohe.annual.models import AnnualChange, AnnualGrade, AnnualResult
from kaohe.assessments.models import Assessment, State
from kaohe.errors import Invalid, NotAllowed, Refused
from tests.annual.factories import YEAR, run_year
from tests.personas import World

pytestmark = pytest.mark.django_db

def decide(world: World, persona: str, grade: str, reason: str = "",
           by: str = "office") -> AnnualResult:
    return services.result_decide(organ=world.organ, year=YEAR, person=world.people[persona],
                                  grade=grade, reason=reason, by=world.users[by])


def overview(world: World) -> selectors.Overview:
    return selectors.overview(selectors.annual_year(world.organ, YEAR))


def test_recommendations_for_the_organ(world: World) -> None:
    run_year(world, {"staff": ["好"] * 4, "colleague": ["一般", "较差", "一般", "较好"],
                     "other_staff": [None] * 4, "chief": ["较差"] * 4})
    view = overview(world)
    by = {row.person.personnel_no: row.rec for row in view.rows}
    assert view.participants == 6 and view.limit == 1
    assert by["P-staff"].grade == AnnualGrade.EXCELLENT and by["P-staff"].priority
    assert by["P-colleague"].grade == AnnualGrade.BASIC
    assert by["P-other_staff"].grade == AnnualGrade.UNDETERMINED
    assert by["P-chief"].grade == AnnualGrade.INCOMPETENT
    assert by["P-office"].grade == AnnualGrade.COMPETENT


def test_confirm_needs_no_reason_override_does(world: World) -> None:
    run_year(world, {"staff": ["好"] * 4})
    assert decide(world, "staff", AnnualGrade.EXCELLENT).broken_rules == []
    with pytest.raises(Invalid) as refusal:
        decide(world, "colleague", AnnualGrade.BASIC)
    assert refusal.value.rule == "§九(三)" and "理由" in refusal.value.message
    assert not AnnualResult.objects.filter(person=world.people["colleague"]).exists()
    result = decide(world, "colleague", AnnualGrade.BASIC, "全年多次迟到，经集体研究")
    assert result.is_override and not result.flagged


def test_excellent_outside_the_rules_is_refused_citing_the_clause(world: World) -> None:
    """§九(三): 优秀 "应当从…好等次较多且无一般、较差等次的公务员中产生": a must, whatever the
    reason given."""
    run_year(world, {"staff": ["好"] * 4, "colleague": ["一般", "一般", "较差", "较好"]})
    decide(world, "staff", AnnualGrade.EXCELLENT)
    with pytest.raises(Refused) as refusal:
        decide(world, "colleague", AnnualGrade.EXCELLENT, "抗洪抢险中表现突出")
    assert (refusal.value.code, refusal.value.rule) == ("not_eligible", "§九(三)")
    assert "不能确定为“优秀”" in refusal.value.message
    assert not AnnualResult.objects.filter(person=world.people["colleague"]).exists()


def test_a_departure_from_an_in_principle_rule_is_flagged_with_its_reason(world: World) -> None:
    """§九(四): 一般、较差 in more than half the quarters → 原则上 基本称职 or 不称职: the
    office may decide otherwise, with a reason, and the result stays flagged."""
    run_year(world, {"colleague": ["一般", "一般", "较差", "较好"]})
    result = decide(world, "colleague", AnnualGrade.COMPETENT, "抗洪抢险中表现突出")
    assert result.broken_rules == ["lower_majority"] and result.flagged
    history = AnnualChange.objects.get(result=result)
    assert history.action == "override" and history.previous["grade"] == ""
    assert history.values["broken_rules"] == result.broken_rules
    again = decide(world, "colleague", AnnualGrade.BASIC)
    assert again.broken_rules == [] and not again.is_override
    assert AnnualChange.objects.filter(result=result).count() == 2
    assert AnnualChange.objects.filter(result=result).last().previous["grade"] == "称职"


def test_tie_at_the_line_decided_by_the_office_within_the_ratio(world: World) -> None:
    run_year(world, {"staff": ["好", "好", "较好", "好"], "colleague": ["好", "较好", "好", "好"]})
    view = overview(world)
    tied = [row for row in view.rows if row.rec.tie]
    assert {row.person.personnel_no for row in tied} == {"P-staff", "P-colleague"}
    assert all(row.rec.grade == AnnualGrade.COMPETENT for row in tied)
    chosen = decide(world, "colleague", AnnualGrade.EXCELLENT, "考核委员会投票确定")
    assert chosen.broken_rules == []
    with pytest.raises(Refused) as refusal:  # §九(三): within the ratio, a must
        decide(world, "staff", AnnualGrade.EXCELLENT, "同样优秀")
    assert refusal.value.code == "over_ratio"


def test_settings_change_the_recommendations(world: World) -> None:
    run_year(world, {"staff": ["好", "好", "较好", "较好"]})
    assert overview(world).limit == 1
    services.settings_update(organ=world.organ, year=YEAR, by=world.users["office"],
                             excellent_ratio=Decimal("0.25"), excellent_good_share=Decimal("0.75"))
    view = overview(world)
    assert view.limit == 1  # 6 × 25 % = 1.5 → 1
    assert not next(r for r in view.rows if r.person.personnel_no == "P-staff").rec.eligible
    with pytest.raises(Invalid) as refusal:
        services.settings_update(organ=world.organ, year=YEAR, by=world.users["office"],
                                 excellent_ratio=Decimal("0.5"))
    assert refusal.value.rule == "§九(三)"
    with pytest.raises(NotAllowed):
        services.settings_update(organ=world.organ, year=YEAR, by=world.users["principal"],
                                 lower_share=Decimal("0.3"))


def test_year_started_in_q2_and_pending_quarters(world: World) -> None:
    periods = run_year(world, {"staff": ["一般", "一般", "好"]}, first=2)
    view = overview(world)
    assert set(view.periods) == {2, 3, 4}
    staff = next(r for r in view.rows if r.person.personnel_no == "P-staff")
    assert staff.rec.grade == AnnualGrade.BASIC and staff.rec.taking_part == 3
    Assessment.objects.filter(period=periods[4], person=world.people["colleague"]).update(
        state=State.PROPOSED)
    with pytest.raises(Refused) as refusal:
        decide(world, "colleague", AnnualGrade.COMPETENT)
    assert refusal.value.code == "unfinished"


def test_refusal_makes_the_year_incompetent(world: World) -> None:
    run_year(world, {})
    with pytest.raises(Invalid):
        services.refusal_record(organ=world.organ, year=YEAR, person=world.people["office"],
                                refused=True, note=" ", by=world.users["office"])
    services.refusal_record(organ=world.organ, year=YEAR, person=world.people["office"],
                            refused=True, note="拒不提交个人小结，经教育仍不改正",
                            by=world.users["office"])
    row = next(r for r in overview(world).rows if r.person.personnel_no == "P-office")
    assert row.rec.grade == AnnualGrade.INCOMPETENT
    with pytest.raises(Refused) as refusal:  # §十(一): "确定为不称职", a must
        decide(world, "office", AnnualGrade.COMPETENT, "情有可原")
    assert (refusal.value.code, refusal.value.rule) == ("refused", "§十(一)")


def test_announcement_runs_five_working_days(world: World) -> None:
    annual = services.announcement_set(organ=world.organ, year=YEAR,
                                       start=datetime.date(2024, 12, 26), by=world.users["office"])
    assert annual.announce_end == datetime.date(2025, 1, 2)  # 1 January is a holiday
    with pytest.raises(Invalid):
        services.announcement_set(organ=world.organ, year=YEAR,
                                  start=datetime.date(2024, 12, 28), by=world.users["office"])


# --- pages and API ----------------------------------------------------------------------------

def test_office_page_shows_rules_and_decides(world: World,
                                             client_for: Callable[[str | None], Client]) -> None:
    run_year(world, {"staff": ["好"] * 4, "colleague": ["一般", "一般", "较差", "较好"]})
    client = client_for("office")
    page = client.get(f"/annual/organ/{YEAR}/").content.decode()
    assert "每个季度均为“好” → 优先评为优秀" in page and "原则上基本称职或不称职" in page
    response = client.post(f"/annual/organ/{YEAR}/decide/",
                           {"person": "P-colleague", "grade": "优秀", "reason": "特殊贡献"},
                           follow=True)
    refused = response.content.decode()
    assert "不能确定为“优秀”" in refused  # §九(三): a must
    assert "（§九(三)）（§九(三)）" not in refused  # the clause is cited once
    response = client.post(f"/annual/organ/{YEAR}/decide/",
                           {"person": "P-colleague", "grade": "称职", "reason": ""}, follow=True)
    assert "须写明理由" in response.content.decode()
    client.post(f"/annual/organ/{YEAR}/decide/",
                {"person": "P-colleague", "grade": "称职", "reason": "抗洪抢险中表现突出"})
    page = client.get(f"/annual/organ/{YEAR}/").content.decode()
    assert page.count('data-testid="flag"') == 1  # lower majority: "原则上", flagged


def test_principal_reads_but_may_not_decide(world: World,
                                            client_for: Callable[[str | None], Client]) -> None:
    run_year(world, {})
    client = client_for("principal")
    assert client.get(f"/annual/organ/{YEAR}/").status_code == 200
    response = client.post(f"/annual/organ/{YEAR}/decide/",
                           {"person": "P-staff", "grade": "称职"})
    assert response.status_code == 403
    assert client_for("chief").post(f"/annual/organ/{YEAR}/decide/",
                                    {"person": "P-staff", "grade": "称职"}).status_code == 404


def test_api_lists_quarters_recommendations_and_decisions(world: World, client: Client) -> None:
    run_year(world, {"staff": ["好"] * 4}, first=2)
    _token, raw = ApiToken.issue(world.users["office"], "t")
    headers = {"Authorization": f"Bearer {raw}"}
    body = client.get(f"/api/v1/annual/organ/{YEAR}", headers=headers).json()
    assert body["excellent_limit"] == 1 and body["settings"]["excellent_ratio"] == "0.200"
    staff = next(r for r in body["rows"] if r["person"] == "P-staff")
    assert [q["quarter"] for q in staff["quarters"]] == [2, 3, 4]
    assert staff["recommended"] == "优秀" and staff["priority"] and staff["rank"] == 1
    response = client.post(f"/api/v1/annual/organ/{YEAR}/decisions", headers=headers,
                           data={"person": "P-colleague", "grade": "基本称职"},
                           content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]["rule"] == "§九(三)"
    response = client.post(f"/api/v1/annual/organ/{YEAR}/decisions", headers=headers,
                           data={"person": "P-colleague", "grade": "优秀", "reason": "特殊贡献"},
                           content_type="application/json")
    assert response.status_code == 409  # a reason does not open a must (§九(三))
    assert response.json()["error"] == {
        "code": "not_eligible", "rule": "§九(三)",
        "message": "Colleague不能确定为“优秀”：不符合优秀条件：“好”次数较多且没有"
                   "“一般”“较差”（§九(三)）"}


@pytest.mark.parametrize("url", [f"/annual/organ/{YEAR}/", f"/api/v1/annual/organ/{YEAR}"])
def test_query_budget(world: World, client_for: Callable[[str | None], Client], url: str) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kaohe.org.models import Category, Person

    periods = run_year(world, {"staff": ["好"] * 4})
    decide(world, "staff", AnnualGrade.EXCELLENT)
    client = client_for("office")
    _token, raw = ApiToken.issue(world.users["office"], "budget")
    headers = {"Authorization": f"Bearer {raw}"} if url.startswith("/api/") else {}

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, headers=headers).status_code == 200
        return len(captured)

    count()
    few = count()
    newcomers = Person.objects.bulk_create(
        Person(personnel_no=f"X{i:02d}", name=f"新人{i}", organ=world.organ,
               section=world.section_a, category=Category.STAFF) for i in range(27))
    Assessment.objects.bulk_create(
        Assessment(period=period, person=person, section=world.section_a,
                   category=Category.STAFF, state=State.ACKNOWLEDGED, grade="好")
        for period in periods.values() for person in newcomers)
    assert count() == few


def test_announcement_of_proposed_excellent(world: World,
                                            client_for: Callable[[str | None], Client]) -> None:
    periods = run_year(world, {"staff": ["好", "好", "较好", "好"],
                               "colleague": ["好", "较好", "好", "好"]})
    client = client_for("office")
    assert "公示尚未发布" in client.get(f"/annual/organ/{YEAR}/announcement/").content.decode()
    decide(world, "colleague", AnnualGrade.EXCELLENT, "考核委员会研究确定")
    response = client.post(f"/annual/organ/{YEAR}/announce/", {"start": "2024-12-16"})
    assert response["Location"] == f"/annual/organ/{YEAR}/announcement/"
    page = client.get(response["Location"]).content.decode()
    assert "2024-12-16 至 2024-12-20" in page
    rows = page.split('data-testid="announcement"')[1]
    assert "Colleague" in rows and "<td>好</td><td>较好</td><td>好</td><td>好</td>" in rows
    assert "Staff" not in rows  # tied and not chosen: not proposed
    year_page = client.get(f"/annual/organ/{YEAR}/").content.decode()
    assert f"/periods/{periods[1].pk}/published/" in year_page  # the quarter's 好 list


def test_admin_attendance_and_form_texts_are_the_offices(
        world: World, client_for: Callable[[str | None], Client]) -> None:
    run_year(world, {})
    result = decide(world, "staff", AnnualGrade.COMPETENT)
    office = client_for("office")
    assert office.get("/admin/annual/quarterattendance/add/").status_code == 200
    page = office.get(f"/admin/annual/annualresult/{result.pk}/change/").content.decode()
    assert 'name="training"' in page and 'name="grade"' not in page  # grades: the page only
    listing = client_for("sysadmin").get("/admin/annual/annualresult/").content.decode()
    assert "Staff" not in listing  # grades are not the system administrator's (三员分立)


def test_settings_page_and_announcement_length(
        world: World, client_for: Callable[[str | None], Client]) -> None:
    run_year(world, {"staff": ["好", "较好", "较好", "较好"]})
    client = client_for("office")
    form = {"excellent_ratio": "0.25", "excellent_rounding": "nearest",
            "base_includes_undetermined": "on", "excellent_good_share": "0.25",
            "excellent_min_good": "1", "lower_share": "0.5", "all_poor_incompetent": "on",
            "announce_working_days": "3"}
    client.post(f"/annual/organ/{YEAR}/settings/", form)
    view = overview(world)
    assert view.limit == 2  # 6 × 25 % = 1.5 → 2 rounding to the nearest
    assert next(r for r in view.rows if r.person.personnel_no == "P-staff").rec.eligible
    annual = services.announcement_set(organ=world.organ, year=YEAR,
                                       start=datetime.date(2024, 12, 16), by=world.users["office"])
    assert annual.announce_end == datetime.date(2024, 12, 18)
    response = client.post(f"/annual/organ/{YEAR}/settings/",
                           {**form, "excellent_ratio": "0.3"}, follow=True)
    assert "25" in response.content.decode() and overview(world).annual.excellent_ratio == \
        Decimal("0.25")


def test_a_large_organ_is_shown_a_page_at_a_time_and_ranked_whole(
        world: World, client_for: Callable[[str | None], Client],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Every person is ranked and counted, whatever page is shown; each list has its own
    pages, and a page number out of range shows the last page."""
    from kaohe.annual import views

    monkeypatch.setattr(views, "ROWS_PER_PAGE", 4)
    run_year(world, {"staff": ["好"] * 4, "chief": ["好"] * 4, "office": ["好", "好", "好", "较好"],
                     "colleague": ["好", "好", "好", "较好"], "other_staff": ["好"] * 4})
    client = client_for("office")

    def names(page: str, table: str) -> list[str]:
        body = page.split(f'data-testid="{table}"', 1)[1].split("</table>", 1)[0]
        return [p.name for p in world.people.values()
                if f'data-person="{p.personnel_no}"' in body or f"<td>{p.name}</td>" in body]

    first = client.get(f"/annual/organ/{YEAR}/").content.decode()
    second = client.get(f"/annual/organ/{YEAR}/?page=2").content.decode()
    beyond = client.get(f"/annual/organ/{YEAR}/?page=99&rank=x").content.decode()
    assert "参加年度考核 6 人" in first and "参加年度考核 6 人" in second  # the whole organ
    assert len(names(first, "annual-table")) == 4 and len(names(second, "annual-table")) == 2
    assert set(names(first, "annual-table")).isdisjoint(names(second, "annual-table"))
    assert names(beyond, "annual-table") == names(second, "annual-table")
    assert "第 1 页，共 2 页" in first and 'href="?page=2#people"' in first
    # The candidates have pages of their own, which keep the other list's page.
    ranked = client.get(f"/annual/organ/{YEAR}/?page=2&rank=2").content.decode()
    assert len(names(first, "candidates")) == 4 and len(names(ranked, "candidates")) == 1
    assert 'href="?page=2&amp;rank=1#candidates"' in ranked
