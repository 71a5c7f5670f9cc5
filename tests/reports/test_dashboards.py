"""Dashboards, exports and chart downloads: the numbers shown, the scopes, the filters."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from kaohe.assessments.models import Assessment, FollowUp, FollowUpKind, State
from kaohe.audit.models import AuditEvent
from kaohe.org.access import actor_for, report_scope
from kaohe.plans.models import Grade, Period, PeriodState
from kaohe.plans.services import plan_for
from kaohe.records.models import Entry
from kaohe.reports import layout, selectors
from kaohe.reports.selectors import Filters
from tests.personas import World

OTHER_SECTIONS = ["Other Staff", "Other Chief", "Office"]  # people outside section a


def decide(a: Assessment, grade: str, *, score: str = "85", state: str = State.ACKNOWLEDGED,
           frontline: bool = False, direct: bool = False, determined: bool = True) -> None:
    a.state, a.grade, a.proposed_grade = state, grade if determined else "", grade
    a.composite_score, a.frontline, a.direct = Decimal(score), frontline, direct
    a.grade_determined = determined
    a.save()


@pytest.fixture
def graded(world: World) -> World:
    """2025 Q3: section a 好/较好/一般, section b 好 (front-line)/好 (direct), office 较差;
    2025 Q2 (closed): staff 好 only."""
    a = world.assessments
    decide(a["staff"], Grade.GOOD, score="92")
    decide(a["colleague"], Grade.FAIRLY_GOOD, score="84", state=State.FEEDBACK)
    decide(a["chief"], Grade.AVERAGE, score="71", state=State.APPROVED)
    decide(a["other_staff"], Grade.GOOD, score="95", frontline=True)
    decide(a["other_chief"], Grade.GOOD, score="88", direct=True)
    decide(a["office"], Grade.POOR, score="55", state=State.PROPOSED)
    FollowUp.objects.create(assessment=a["chief"], kind=FollowUpKind.REMINDER_TALK,
                            done_on=datetime.date(2025, 10, 9))
    q2 = Period.objects.create(plan=plan_for(organ=world.organ, year=2025), organ=world.organ,
                               year=2025, quarter=2, state=PeriodState.CLOSED)
    earlier = Assessment.objects.create(period=q2, person=world.people["staff"],
                                        section=world.section_a, category="staff")
    decide(earlier, Grade.GOOD, score="91")
    Entry.objects.create(person=world.people["staff"], day=datetime.date(2025, 8, 1), text="记")
    return world


def table(board: layout.Board, key: str) -> list[list[str]]:
    panel = board.panel(key)
    assert panel is not None
    return [[str(cell) for cell in row] for row in panel.table.rows]


def test_results_count_grades_per_quarter_section_and_frontline(graded: World) -> None:
    scope = report_scope(actor_for(graded.users["office"]), graded.organ)
    assert scope is not None
    board = selectors.results_board(scope, Filters())
    # 好 较好 一般 较差 不确定 合计 好占比; 较差 is only proposed: not counted as decided
    assert table(board, "quarters") == [["2025 年第二季度", "1", "0", "0", "0", "0", "1", "100.0%"],
                                        ["2025 年第三季度", "3", "1", "1", "0", "0", "5", "60.0%"]]
    sections = {row[0]: row[1:6] for row in table(board, "sections")}
    assert sections["甲科"] == ["2", "1", "1", "0", "0"]
    assert sections["乙科"] == ["2", "0", "0", "0", "0"]
    # 6 taking part in Q3 × 40 % → 2 places, 3 used
    assert table(board, "cap")[1] == ["2025 年第三季度", "6", "2", "3", "0", "50.0%"]
    assert table(board, "frontline") == [["参加考核人数", "7", "1", "14.3%"],
                                         ["“好”等次", "4", "1", "25.0%"]]
    assert table(board, "special")[0] == ["直接确定为“好”", "1"]
    assert ["谈话提醒", "0", "1"] in table(board, "follow_ups")
    scores = {row[0]: row[1:] for row in table(board, "scores")}
    assert scores["甲科"] == ["0", "0", "1", "1", "2"]  # <60, 60s, 70s, 80s, ≥90


def test_filters_narrow_every_table(graded: World) -> None:
    scope = report_scope(actor_for(graded.users["principal"]), graded.organ)
    assert scope is not None
    board = selectors.results_board(scope, Filters(quarter=3, section="b", frontline=True))
    assert table(board, "quarters") == [["2025 年第三季度", "1", "0", "0", "0", "0", "1", "100.0%"]]
    assert [row[1] for row in table(board, "people")] == ["Other Staff"]


def test_results_page_as_office_shows_charts_and_tables(
        client_for: Callable[[str | None], Client], graded: World) -> None:
    page = client_for("office").get("/reports/organs/organ/results/?year=2025")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<svg") >= 9 and 'data-chart="quarters"' in html
    assert 'data-series="好" data-value="3"' in html
    assert "<script" not in html.split("</head>")[1] and " style=" not in html


def test_a_bad_filter_is_named_and_ignored(client_for: Callable[[str | None], Client],
                                           graded: World) -> None:
    page = client_for("office").get("/reports/organs/organ/results/?year=abc&quarter=3")
    assert page.status_code == 200
    assert "年度：" in page.content.decode()
    assert page.context["board"].panel("quarters").table.rows[0][0] == "2025 年第三季度"


def test_progress_per_section_and_overdue(graded: World) -> None:
    scope = report_scope(actor_for(graded.users["office"]), graded.organ)
    assert scope is not None
    period = graded.periods["organ"]
    board = selectors.progress_board(scope, period, datetime.date(2025, 10, 8))
    rows = {row[0]: row[1:] for row in table(board, "progress")}
    # 待提交 待审核 待审定 待反馈 待确认 已确认 合计 完成率
    assert rows["甲科"] == ["0", "0", "0", "1", "1", "1", "3", "66.7%"]
    assert rows["办公室"] == ["0", "0", "1", "0", "0", "0", "1", "0.0%"]
    assert rows["合计"][-2:] == ["6", "66.7%"]
    assert [r[0] for r in table(board, "overdue")] == ["Chief", "Office"]
    in_time = selectors.progress_board(scope, period, datetime.date(2025, 9, 1))
    assert table(in_time, "overdue") == []


def test_progress_page_polls_and_links_to_act(client_for: Callable[[str | None], Client],
                                              graded: World) -> None:
    html = client_for("chief").get("/reports/organs/organ/progress/").content.decode()
    assert 'hx-trigger="every 30s"' in html
    assert f"/periods/{graded.periods['organ'].pk}/review/" in html
    panel = client_for("chief").get("/reports/organs/organ/progress/panel/")
    assert panel.status_code == 200 and "<html" not in panel.content.decode()
    assert 'data-testid="total">3<' in panel.content.decode()


@pytest.mark.parametrize("url", [
    "/reports/organs/organ/progress/", "/reports/organs/organ/progress/panel/",
    "/reports/organs/organ/results/", "/reports/organs/organ/results/?section=b",
    "/reports/organs/organ/results/export/", "/reports/organs/organ/progress/export/",
    "/reports/organs/organ/results/chart/?name=sections",
    "/reports/organs/organ/results/chart/?name=scores&format=png",
    "/reports/people/P-staff/", "/reports/people/P-staff/export/",
])
def test_a_chief_never_sees_another_sections_people(
        client_for: Callable[[str | None], Client], graded: World, url: str) -> None:
    response = client_for("chief").get(url)
    assert response.status_code == 200
    if response["Content-Type"].startswith(selectors_xlsx()):
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        text = " ".join(str(c) for s in book for row in s.iter_rows(values_only=True) for c in row)
    elif response["Content-Type"] == "image/png":
        return  # drawn from the same shapes as the SVG checked above
    else:
        text = response.content.decode()
    assert "甲科" in text or "P-staff" in url or "Staff" in text
    for name in [*OTHER_SECTIONS, "乙科", "办公室"]:
        assert name not in text, (url, name)


def selectors_xlsx() -> str:
    return "application/vnd.openxmlformats"


def test_section_filter_outside_the_scope_is_refused(client_for: Callable[[str | None], Client],
                                                     graded: World) -> None:
    page = client_for("chief").get("/reports/organs/organ/results/?section=b")
    assert "科室：" in page.content.decode()  # not a choice for the chief: named, ignored
    assert "Other Staff" not in page.content.decode()


def test_the_organization_department_sees_aggregates_only(
        client_for: Callable[[str | None], Client], graded: World) -> None:
    html = client_for("org_department").get("/reports/organs/organ/results/").content.decode()
    assert 'data-table="sections"' in html and 'data-table="people"' not in html
    for name in ["Staff", "Colleague", "Other Staff"]:
        assert f">{name}<" not in html
    progress = client_for("org_department").get("/reports/organs/organ/progress/")
    assert 'data-table="overdue"' not in progress.content.decode()


def test_export_is_an_xlsx_with_text_kept_as_text_and_audited(
        client_for: Callable[[str | None], Client], graded: World) -> None:
    person = graded.people["staff"]
    person.name = '=HYPERLINK("http://evil","x")'
    person.save()
    response = client_for("office").get("/reports/organs/organ/results/export/?table=people"
                                        "&year=2025")
    assert response["Content-Disposition"].startswith("attachment")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row if str(c.value).startswith("=")]
    assert cells and all(c.data_type == "s" for c in cells)
    assert sheet.max_row == 1 + 7
    event = AuditEvent.objects.filter(action="export").latest("seq")
    assert event.new == {"filters": {"year": 2025}, "rows": 7}
    assert event.object_type == "reports.results"


def test_every_table_is_a_sheet_of_the_full_export(client_for: Callable[[str | None], Client],
                                                   graded: World) -> None:
    response = client_for("office").get("/reports/organs/organ/results/export/")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert "各科室等次分布" in book.sheetnames and "人员考核结果" in book.sheetnames
    assert client_for("office").get("/reports/organs/organ/results/export/?table=nope"
                                    ).status_code == 404


def test_charts_download_as_svg_and_png(client_for: Callable[[str | None], Client],
                                        graded: World) -> None:
    client = client_for("principal")
    svg = client.get("/reports/organs/organ/results/chart/?name=trend&format=svg")
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg.content.startswith(b"<?xml") and b"<polyline" in svg.content
    png = client.get("/reports/organs/organ/results/chart/?name=trend&format=png")
    assert png["Content-Type"] == "image/png" and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert client.get("/reports/organs/organ/results/chart/?name=people").status_code == 404


def test_person_view_shows_grades_and_record_book_per_quarter(
        client_for: Callable[[str | None], Client], graded: World) -> None:
    page = client_for("staff").get("/reports/people/P-staff/")
    rows = page.context["board"].panel("quarters").table.rows
    assert [[str(c) for c in r] for r in rows] == [
        ["2025 年第二季度", "甲科", "91.00", "好", "已确认", "0"],
        ["2025 年第三季度", "甲科", "92.00", "好", "已确认", "1"]]
    years = page.context["board"].panel("years").table.rows
    assert years[0][:2] == ["2025", 2]


def test_department_view_flags_organs_over_the_cap_and_late(graded: World) -> None:
    actor = actor_for(graded.users["org_department"])
    board = selectors.department_board(actor, Filters(year=2025, quarter=3),
                                       datetime.date(2025, 10, 20))
    assert board.extra["over"] == 1 and board.extra["late"] == 1
    row = [str(c) for c in board.panel("organs").table.rows[0]]
    assert row == ["示例局", "进行中", "6", "66.7%", "3", "2", "50.0%", "逾期未完成、超出名额"]
    distribution = board.panel("distribution").table.rows[0]
    assert distribution[1:6] == [3, 1, 1, 0, 0]


def test_department_view_is_only_for_the_department(
        client_for: Callable[[str | None], Client], graded: World) -> None:
    assert client_for("org_department").get("/reports/department/").status_code == 200
    assert client_for("principal").get("/reports/department/").status_code == 404


def test_appeals_are_counted_by_outcome(graded: World) -> None:
    from kaohe.appeals.models import Appeal

    for persona, state in [("staff", "pending"), ("colleague", "kept"), ("other_staff", "kept")]:
        Appeal.objects.create(assessment=graded.assessments[persona], channel="online",
                              text="申诉", filed_on=datetime.date(2025, 10, 13),
                              deadline=datetime.date(2025, 10, 13), state=state,
                              filed_by=graded.users[persona])
    office = report_scope(actor_for(graded.users["office"]), graded.organ)
    chief = report_scope(actor_for(graded.users["chief"]), graded.organ)
    assert office is not None and chief is not None
    assert table(selectors.results_board(office, Filters()), "appeals") == [
        ["待处理", "1"], ["维持原等次", "2"], ["变更等次", "0"]]
    # The chief counts only the appeals of the own section.
    assert table(selectors.results_board(chief, Filters()), "appeals") == [
        ["待处理", "1"], ["维持原等次", "1"], ["变更等次", "0"]]


def test_the_people_table_shows_the_first_rows_and_the_export_has_them_all(
        client_for: Callable[[str | None], Client], graded: World,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selectors, "PEOPLE_SHOWN", 3)
    client = client_for("office")
    page = client.get("/reports/organs/organ/results/?year=2025").content.decode()
    people = page.split('data-table="people"', 1)[1].split("</table>", 1)[0]
    assert people.count("<tr>") == 1 + 3 and "另有 4 行未显示" in page
    assert f'href="/reports/people/{graded.people["staff"].personnel_no}/"' in people
    export = client.get("/reports/organs/organ/results/export/?table=people&year=2025")
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).worksheets[0]
    assert sheet.max_row == 1 + 7
