"""The review, detail and approval forms after a refusal: the page comes back with every input
as typed and the error next to it, nothing saved; the live preview of a proposal; the grades
the lists show."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from kaohe import limits
from kaohe.assessments.models import Assessment, State, Transition
from kaohe.org.models import Category
from tests.personas import World

Sign = Callable[[str | None], Client]
CODES = ["political", "ethics", "style", "integrity", "attendance",
         "quantity", "quality", "efficiency", "results", "ability"]


def proposal(a: Assessment, score: object = 95, **fields: object) -> dict[str, object]:
    data: dict[str, object] = {f"a{a.pk}-score_{code}": score for code in CODES}
    data.update({f"a{a.pk}-{name}": value for name, value in fields.items()})
    return data


def row(page: str, a: Assessment) -> str:
    """The review screen's section for one person."""
    start = page.index(f'id="a{a.pk}"')
    end = page.find('class="card review-row"', start)
    return page[start:end if end > 0 else len(page)]


def selected(html: str, name: str) -> str:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, name
    chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(1))
    return chosen.group(1) if chosen else ""


def textarea(html: str, name: str) -> str:
    found = re.search(rf'<textarea name="{name}"[^>]*>\n?(.*?)</textarea>', html, re.S)
    assert found, name
    return found.group(1)


def submitted(*people: Assessment) -> None:
    Assessment.objects.filter(pk__in=[a.pk for a in people]).update(state=State.SUBMITTED,
                                                                     summary="小结")


@pytest.fixture
def review_url(world: World) -> str:
    return reverse("review_screen", args=[world.periods["organ"].pk])


@pytest.fixture
def approval_url(world: World) -> str:
    return reverse("approval_screen", args=[world.periods["organ"].pk])


# --- the review screen ----------------------------------------------------------------------------

def test_missing_reason_on_the_review_screen_keeps_that_row_as_typed(
        client_for: Sign, world: World, review_url: str) -> None:
    a, other = world.assessments["staff"], world.assessments["colleague"]
    submitted(a, other)
    Assessment.objects.filter(pk=other.pk).update(proposal_comment="已保存的意见")
    data = proposal(a, grade="一般", comment="工作认真", colleagues_opinion="群众满意")
    response = client_for("chief").post(reverse("assessment_propose", args=[a.pk]),
                                        {**data, "next": f"{review_url}#a{a.pk}"})
    assert response.status_code == 422
    page = response.content.decode()
    mine = row(page, a)
    reason_field = mine.split(f'id="a{a.pk}-reason"')[1].split("</textarea>")[0]
    assert "须说明理由" in reason_field and "§八(二)" in reason_field  # next to the field
    assert mine.count('value="95"') == len(CODES)
    assert selected(mine, f"a{a.pk}-grade") == "一般"
    assert textarea(mine, f"a{a.pk}-comment") == "工作认真"
    assert textarea(mine, f"a{a.pk}-colleagues_opinion") == "群众满意"
    # The reason the rule asks for is on show and marked required.
    assert f'id="a{a.pk}-reason" class="reason-field">' in mine
    assert 'aria-required="true"' in mine
    theirs = row(page, other)
    assert "须说明理由" not in theirs and textarea(theirs, f"a{other.pk}-comment") == "已保存的意见"
    a.refresh_from_db()
    assert (a.state, a.proposed_grade, a.proposal_comment) == (State.SUBMITTED, "", "")


def test_invalid_score_is_named_next_to_its_field_and_the_rest_kept(
        client_for: Sign, world: World, review_url: str) -> None:
    a = world.assessments["staff"]
    submitted(a)
    data = {**proposal(a, grade="好", comment="较好地完成任务"), f"a{a.pk}-score_quality": "101"}
    response = client_for("chief").post(reverse("assessment_propose", args=[a.pk]),
                                        {**data, "next": review_url})
    assert response.status_code == 422
    mine = row(response.content.decode(), a)
    quality = mine.split(f'name="a{a.pk}-score_quality"')[1].split("</label>")[0]
    assert 'value="101"' in quality and "errorlist" in quality and "100" in quality
    assert mine.count('value="95"') == len(CODES) - 1
    assert selected(mine, f"a{a.pk}-grade") == "好"
    assert textarea(mine, f"a{a.pk}-comment") == "较好地完成任务"
    assert Assessment.objects.get(pk=a.pk).state == State.SUBMITTED


def test_refused_proposal_on_the_detail_page_keeps_every_input(client_for: Sign,
                                                                world: World) -> None:
    a = world.assessments["staff"]
    submitted(a)
    data = proposal(a, grade="较好", comment="意见", direct="on", direct_reason="抢险救灾")
    response = client_for("chief").post(reverse("assessment_propose", args=[a.pk]), data)
    assert response.status_code == 422
    page = response.content.decode()
    assert "直接确定等次只能是“好”或“较差”" in page and "§九(一)" in page
    assert selected(page, f"a{a.pk}-grade") == "较好"
    assert textarea(page, f"a{a.pk}-direct_reason") == "抢险救灾"
    assert re.search(rf'name="a{a.pk}-direct"[^>]*checked', page)
    assert 'data-testid="state">待审核评鉴' in page
    assert Assessment.objects.get(pk=a.pk).proposed_grade == ""


# --- approval -------------------------------------------------------------------------------------

def _good_places_taken(world: World) -> None:
    """The two 好 places of the personas' organ (6 taking part, 40 %) are taken."""
    Assessment.objects.filter(pk__in=[world.assessments["colleague"].pk,
                                      world.assessments["other_staff"].pk]).update(
        state=State.APPROVED, proposed_grade="好", grade="好")


def test_cap_refused_on_the_approval_screen_keeps_the_chosen_grade_and_reason(
        client_for: Sign, world: World, approval_url: str) -> None:
    a = world.assessments["staff"]
    _good_places_taken(world)
    Assessment.objects.filter(pk=a.pk).update(state=State.PROPOSED, proposed_grade="较好")
    body = {f"a{a.pk}-grade": "好", f"a{a.pk}-reason": "表现突出", "next": approval_url}
    response = client_for("leader").post(reverse("assessment_approve", args=[a.pk]), body)
    assert response.status_code == 422
    page = response.content.decode()
    mine = page[page.index(f'href="/assessments/{a.pk}/"'):].split("</tr>")[0]
    assert "“好”等次名额已满" in mine and "§八(一)" in mine
    assert selected(mine, f"a{a.pk}-grade") == "好"
    assert textarea(mine, f"a{a.pk}-reason") == "表现突出"
    assert "<details open>" in mine
    a.refresh_from_db()
    assert (a.state, a.grade) == (State.PROPOSED, "")


def test_quick_approval_refused_by_the_cap_says_so_in_the_row(
        client_for: Sign, world: World, approval_url: str) -> None:
    a = world.assessments["staff"]
    _good_places_taken(world)
    Assessment.objects.filter(pk=a.pk).update(state=State.PROPOSED, proposed_grade="好")
    response = client_for("leader").post(reverse("assessment_approve", args=[a.pk]),
                                         {"next": approval_url})
    assert response.status_code == 422
    page = response.content.decode()
    assert 'data-testid="form-error">“好”等次名额已满' in page
    assert Assessment.objects.get(pk=a.pk).state == State.PROPOSED


def test_grade_changed_without_reason_on_the_detail_page_keeps_grade_and_comment(
        client_for: Sign, world: World) -> None:
    a = world.assessments["staff"]
    Assessment.objects.filter(pk=a.pk).update(state=State.PROPOSED, proposed_grade="好")
    response = client_for("leader").post(reverse("assessment_approve", args=[a.pk]),
                                         {"grade": "一般", "comment": "同意评鉴意见"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "改变拟定等次须说明理由" in page
    assert selected(page, "grade") == "一般"
    assert textarea(page, "comment") == "同意评鉴意见"
    assert Assessment.objects.get(pk=a.pk).state == State.PROPOSED


def test_the_team_decision_field_is_the_offices_not_the_leaders(client_for: Sign,
                                                                 world: World,
                                                                 approval_url: str) -> None:
    staff, chief = world.assessments["staff"], world.assessments["chief"]
    Assessment.objects.filter(pk__in=[staff.pk, chief.pk]).update(state=State.PROPOSED,
                                                                 proposed_grade="较好")
    leader = client_for("leader")
    assert "领导班子集体研究决定" not in leader.get(approval_url).content.decode()
    detail = reverse("assessment_detail", args=[staff.pk])
    assert "领导班子集体研究决定" not in leader.get(detail).content.decode()
    principal = client_for("principal")
    assert "领导班子集体研究决定" not in principal.get(approval_url).content.decode()
    office = client_for("office").get(reverse("assessment_detail", args=[chief.pk]))
    assert "领导班子集体研究决定（办公室登记时填写）" in office.content.decode()


# --- the live preview -----------------------------------------------------------------------------

def preview(client: Client, a: Assessment, data: dict[str, object]) -> tuple[int, str]:
    query = {name: str(value) for name, value in data.items()}
    response = client.get(reverse("proposal_preview", args=[a.pk]), query)
    return response.status_code, response.content.decode()


def test_preview_gives_composite_suggestion_and_the_reason_field(client_for: Sign,
                                                                 world: World) -> None:
    a = world.assessments["staff"]
    submitted(a)
    client = client_for("chief")
    status, fragment = preview(client, a, proposal(a, grade="好"))
    assert status == 200
    assert 'data-testid="composite">95.00<' in fragment
    assert 'data-testid="suggested">好<' in fragment
    assert f'id="a{a.pk}-reason" class="reason-field" hx-swap-oob="true" hidden>' in fragment
    data = {**proposal(a, score=85, grade="好"), f"a{a.pk}-reason": "已写的理由"}
    status, fragment = preview(client, a, data)
    assert 'data-testid="suggested">较好<' in fragment and "须说明理由" in fragment
    assert f'id="a{a.pk}-reason" class="reason-field" hx-swap-oob="true">' in fragment
    assert 'aria-required="true"' in fragment and "已写的理由" in fragment
    # A direct determination has its own reason (§九(一)): no other reason asked.
    status, fragment = preview(client, a, proposal(a, score=85, grade="好", direct="on"))
    assert "须说明理由" not in fragment


def test_preview_without_every_score_waits_and_bad_numbers_are_named(client_for: Sign,
                                                                     world: World) -> None:
    a = world.assessments["staff"]
    client = client_for("chief")
    status, fragment = preview(client, a, {f"a{a.pk}-score_political": "90"})
    assert status == 200 and "各项指标打分后" in fragment and "composite" not in fragment
    for bad in ["abc", "101", "NaN", "1e999", "95.123"]:
        status, fragment = preview(client, a, {**proposal(a), f"a{a.pk}-score_ethics": bad})
        assert status == 200, bad
        assert 'data-testid="preview-problem">' in fragment, bad
        assert 'data-testid="composite"' not in fragment, bad


def test_a_problem_names_the_indicator_escaped(client_for: Sign, world: World) -> None:
    a = world.assessments["staff"]
    a.period.plan.indicators.filter(code="ethics").update(name="<i>品德</i>")
    status, fragment = preview(client_for("chief"), a,
                               {**proposal(a), f"a{a.pk}-score_ethics": "abc"})
    assert status == 200 and "&lt;i&gt;品德&lt;/i&gt;：" in fragment and "<i>" not in fragment


@pytest.mark.parametrize("persona", ["outsider", "staff", "leader", "other_chief"])
def test_preview_is_only_for_the_reviewer(client_for: Sign, world: World,
                                         persona: str) -> None:
    a = world.assessments["staff"]
    status, _fragment = preview(client_for(persona), a, proposal(a, grade="好"))
    assert status == 404


def test_preview_of_an_undetermined_grade_suggests_nothing(client_for: Sign,
                                                           world: World,
                                                           review_url: str) -> None:
    a = world.assessments["staff"]
    submitted(a)
    Assessment.objects.filter(pk=a.pk).update(grade_determined=False)
    status, fragment = preview(client_for("chief"), a, proposal(a, grade="较好"))
    assert status == 200 and "不确定等次" in fragment and "建议“" not in fragment
    client_for("chief").post(reverse("assessment_propose", args=[a.pk]), proposal(a))
    a.refresh_from_db()
    assert (a.state, a.suggested_grade, a.proposed_grade) == (State.PROPOSED, "", "")
    mine = row(client_for("chief").get(review_url).content.decode(), a)
    assert "不确定等次" in mine and "建议“" not in mine and "建议 " not in mine


# --- lists and small faults -----------------------------------------------------------------

def test_lists_show_the_approved_grade_next_to_the_proposed_one(
        client_for: Sign, world: World, approval_url: str, review_url: str) -> None:
    a = world.assessments["staff"]
    Assessment.objects.filter(pk=a.pk).update(state=State.APPROVED, proposed_grade="好",
                                              grade="较好")
    approval = client_for("leader").get(approval_url).content.decode()
    cell = approval.split('data-testid="grades">')[1].split("</span>")[0]
    assert re.sub(r"<[^>]+>", "", cell) == "拟定 好 · 审定 较好"
    review = row(client_for("chief").get(review_url).content.decode(), a)
    assert 'data-testid="approved-grade">审定 较好<' in review


def test_a_draft_save_is_not_shown_as_a_state_change_but_is_kept(client_for: Sign,
                                                                 world: World) -> None:
    a = world.assessments["staff"]
    client = client_for("staff")
    client.post(reverse("assessment_summary", args=[a.pk]), {"text": "初稿", "save": "1"})
    assert Transition.objects.filter(assessment=a, action="save_summary").count() == 1
    page = client.get(reverse("assessment_detail", args=[a.pk])).content.decode()
    assert "保存小结草稿（状态未变）" in page and "待提交小结 → 待提交小结" not in page


def test_the_chiefs_feedback_to_do_leads_to_a_feedback_form(client_for: Sign, world: World,
                                                           review_url: str) -> None:
    a = world.assessments["staff"]
    Assessment.objects.filter(pk=a.pk).update(state=State.APPROVED, proposed_grade="较好",
                                              grade="较好")
    client = client_for("chief")
    home = client.get(reverse("home")).content.decode()
    assert f'href="{review_url}">待反馈：1' in home
    mine = row(client.get(review_url).content.decode(), a)
    assert 'data-testid="feedback-form"' in mine and "记录反馈" in mine
    # Refused (no text): the method and day chosen stay, with the error in the row.
    body = {"method": "talk", "given_on": "2025-09-29", "text": "", "next": review_url}
    response = client.post(reverse("assessment_feedback", args=[a.pk]), body)
    assert response.status_code == 422
    mine = row(response.content.decode(), a)
    assert selected(mine, "method") == "talk" and 'value="2025-09-29"' in mine
    assert "errorlist" in mine
    body["text"] = "肯定成绩，指出不足"
    response = client.post(reverse("assessment_feedback", args=[a.pk]), body)
    assert response.status_code == 302
    assert Assessment.objects.get(pk=a.pk).state == State.FEEDBACK


def test_a_chiefs_grade_is_registered_by_the_office_with_the_team_decision(
        client_for: Sign, world: World) -> None:
    chief = world.assessments["chief"]
    assert chief.category == Category.CHIEF
    Assessment.objects.filter(pk=chief.pk).update(state=State.PROPOSED, proposed_grade="较好")
    response = client_for("office").post(reverse("assessment_approve", args=[chief.pk]),
                                         {"comment": "同意"})
    assert response.status_code == 422
    page = response.content.decode()
    team = page.split('name="team_decision"')[0].rsplit("<div>", 1)[1]
    assert "领导班子集体研究的决定" in team and textarea(page, "comment") == "同意"
    assert Assessment.objects.get(pk=chief.pk).state == State.PROPOSED


def test_a_summary_too_long_is_shown_again_not_lost(client_for: Sign, world: World) -> None:
    a = world.assessments["staff"]
    text = "完成任务" * (limits.SUMMARY // 4 + 1)
    response = client_for("staff").post(reverse("assessment_summary", args=[a.pk]),
                                        {"text": text, "save": "1"})
    assert response.status_code == 422
    page = response.content.decode()
    assert textarea(page, "text") == text and "errorlist" in page
    assert Assessment.objects.get(pk=a.pk).summary == ""


def test_a_proposal_refused_because_the_grade_was_approved_meanwhile_says_so(
        client_for: Sign, world: World, review_url: str) -> None:
    a = world.assessments["staff"]
    Assessment.objects.filter(pk=a.pk).update(state=State.APPROVED, proposed_grade="较好",
                                              grade="较好")
    response = client_for("chief").post(reverse("assessment_propose", args=[a.pk]),
                                        {**proposal(a, grade="好"), "next": review_url})
    assert response.status_code == 422
    assert "当前状态为“已审定，待反馈”，不能执行此操作" in response.content.decode()
    assert Assessment.objects.get(pk=a.pk).grade == "较好"


def test_a_large_section_is_reviewed_a_page_at_a_time_and_each_form_returns_to_its_page(
        client_for: Sign, world: World, review_url: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from kaohe.assessments import pages

    monkeypatch.setattr(pages, "REVIEW_PAGE", 1)
    first, second = world.assessments["colleague"], world.assessments["staff"]
    submitted(first, second)
    client = client_for("chief")
    page_one = client.get(review_url).content.decode()
    page_two = client.get(f"{review_url}?page=2").content.decode()
    assert f'id="a{first.pk}"' in page_one and f'id="a{second.pk}"' not in page_one
    assert f'id="a{second.pk}"' in page_two and "第 2 页，共 2 页" in page_two
    back = f"{review_url}?page=2#a{second.pk}"
    assert f'name="next" value="{back}"' in page_two

    # Refused (no reason for a grade against the suggestion): that page again, as typed.
    data = proposal(second, grade="一般", comment="工作认真")
    refused = client.post(reverse("assessment_propose", args=[second.pk]),
                          {**data, "next": back})
    assert refused.status_code == 422
    again = refused.content.decode()
    assert f'id="a{second.pk}"' in again and f'id="a{first.pk}"' not in again
    assert textarea(row(again, second), f"a{second.pk}-comment") == "工作认真"

    done = client.post(reverse("assessment_propose", args=[second.pk]),
                       {**proposal(second, grade="好"), "next": back})
    assert done.status_code == 302 and done["Location"] == back
    assert Assessment.objects.get(pk=second.pk).state == State.PROPOSED
