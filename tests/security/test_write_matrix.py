"""The authorization matrix of every change: each POST page and each API write × every
persona (and the anonymous visitor) × own/other section/other organ targets.

Written out as data, independently of kaohe.org.access, like the read matrix in
tests/test_access_matrix.py. A cell is the expected status:

- "404": the target is outside what the persona may see;
- "403": the persona sees it but may not do this;
- "ok":  the persona passes the permission check: the page redirects back (302, or 200 with
  the form), the API answers 2xx, or the rules refuse the move itself (400/409, e.g. a
  quarter not yet ready) — never 401/403/404.

Services check who acts before anything else, so "ok" cannot hide a missing permission check.
To add an operation (appeals, documents, …): a row in WRITE_PAGES or WRITE_API, with its
targets, a body and the matrix; `test_every_write_is_in_the_matrix` fails until it is there.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kaohe.accounts.models import ApiToken
from kaohe.api.api import api
from kaohe.assessments.models import FollowUp, FollowUpKind, Leave, LeaveKind, LiaisonRequest
from kaohe.records.models import Entry
from tests.personas import PERSONAS, World, sign_in_shared, unaudited
from tests.targets import target_args

ANON = "anonymous"
ALL = [ANON, *PERSONAS]
ADMINS = ["sysadmin", "secadmin", "auditadmin"]

ASSESSMENTS = ["assessment:staff", "assessment:colleague", "assessment:other_staff",
               "assessment:chief", "assessment:outsider"]
PEOPLE = ["staff", "colleague", "other_staff", "leader", "outsider"]
PERIODS = ["period:organ", "period:other"]
ORGANS = ["organ", "other"]


def _rows(**rows: str) -> dict[str, str]:
    """A matrix: the named personas' rows, every technical administrator 404 by default."""
    width = len(next(iter(rows.values())).split())
    return {**dict.fromkeys(ADMINS, " ".join(["404"] * width)), **rows}


# Actions on one's own assessment: the summary, the acknowledgement (§七(二), §七(四)).
OWN = _rows(
    staff=         "ok  404 404 404 404",
    colleague=     "404 ok  404 404 404",
    chief=         "403 403 404 ok  404",
    other_chief=   "404 404 403 404 404",
    other_staff=   "404 404 ok  404 404",
    leader=        "403 403 404 403 404",
    other_leader=  "404 404 403 404 404",
    principal=     "403 403 403 403 404",
    office=        "403 403 403 403 404",
    org_department="403 403 403 403 404",
    outsider=      "404 404 404 404 ok",
)
# The reviewer (§七(三)): the chief for the section's staff, the leader in charge for chiefs;
# also the one who gives feedback and follows up (§七(四), §九(二)).
REVIEW = _rows(
    staff=         "403 404 404 404 404",
    colleague=     "404 403 404 404 404",
    chief=         "ok  ok  404 403 404",
    other_chief=   "404 404 ok  404 404",
    other_staff=   "404 404 403 404 404",
    leader=        "403 403 404 ok  404",
    other_leader=  "404 404 403 404 404",
    principal=     "403 403 403 403 404",
    office=        "403 403 403 403 404",
    org_department="403 403 403 403 404",
    outsider=      "404 404 404 404 403",
)
# The approver (§七(三)): the leader in charge for staff, the principal (or the office
# recording the leadership team's decision) for chiefs; never one's own.
APPROVE = _rows(
    staff=         "403 404 404 404 404",
    colleague=     "404 403 404 404 404",
    chief=         "403 403 404 403 404",
    other_chief=   "404 404 403 404 404",
    other_staff=   "404 404 403 404 404",
    leader=        "ok  ok  404 403 404",
    other_leader=  "404 404 ok  404 404",
    principal=     "403 403 403 ok  404",
    office=        "403 403 403 ok  404",
    org_department="403 403 403 403 404",
    outsider=      "404 404 404 404 403",
)
# Asking the discipline liaison: reviewers and approvers.
ASK_LIAISON = {**REVIEW, "leader": "ok  ok  404 ok  404",
               "other_leader": "404 404 ok  404 404",
               "principal": "403 403 403 ok  404", "office": "403 403 403 ok  404"}
# Running a quarter (§六): the organ's office; the period is first looked up (404 outside).
MEMBERS = ["staff", "colleague", "chief", "other_chief", "other_staff", "leader",
           "other_leader", "principal", "org_department"]
OFFICE_PERIOD = _rows(**dict.fromkeys(MEMBERS, "403 404"), office="ok  404",
                      outsider="404 403")
# Approving a batch of a quarter's proposals: whoever approves anyone in the quarter.
APPROVE_BATCH = _rows(**{**dict.fromkeys(MEMBERS, "403 404"),
                         **dict.fromkeys(["leader", "other_leader", "principal", "office"],
                                         "ok  404")}, outsider="404 403")
OPEN_PAGE = {**dict.fromkeys(PERSONAS, "403"), "office": "ok"}
OPEN_API = _rows(**dict.fromkeys(MEMBERS, "403 404"), office="ok  404", outsider="404 403",
                 sysadmin="403 403")
# Leave (§十(三)) is recorded by the office, for the people it sees.
LEAVE = _rows(
    staff=         "403 404 404 404 404",
    colleague=     "404 403 404 404 404",
    chief=         "403 403 404 404 404",
    other_chief=   "404 404 403 404 404",
    other_staff=   "404 404 403 404 404",
    leader=        "403 403 404 403 404",
    other_leader=  "404 404 403 404 404",
    principal=     "403 403 403 403 404",
    office=        "ok  ok  ok  ok  404",
    org_department="403 403 403 403 404",
    outsider=      "404 404 404 404 403",
    sysadmin=      "403 403 403 403 403",
)
# The leave page's form: only an office gets as far as reading the body (403 before); for
# the office, a person it does not see is "not found", a message like any unknown name
# (tests/assessments/test_leave_pages.py checks nothing is recorded).
LEAVE_PAGE = {**dict.fromkeys(PERSONAS, "403 403 403 403 403"), "office": "ok  ok  ok  ok  ok"}
# Correcting and deleting a leave record: 404 unless one sees its person, then the office.
LEAVES = ["leave:staff", "leave:other_staff", "leave:outsider"]
LEAVE_CHANGE = _rows(
    staff=         "403 404 404",
    colleague=     "404 404 404",
    chief=         "403 404 404",
    other_chief=   "404 403 404",
    other_staff=   "404 403 404",
    leader=        "403 404 404",
    other_leader=  "404 403 404",
    principal=     "403 403 404",
    office=        "ok  ok  404",
    org_department="403 403 404",
    outsider=      "404 404 403",
    sysadmin=      "403 403 403",
)
# The import page: an organ's office, or the system administrator; hidden from everyone else.
IMPORTERS = {p: "ok" if p in {"office", "sysadmin"} else "404" for p in PERSONAS}
# Tasks (§七(一)): the office to anyone in the organ, a chief to their own section.
TASKS = {**LEAVE, "chief": "ok  ok  404 404 404", "other_chief": "404 404 ok  404 404"}
# Things that belong to one person: only they reach them, everyone else gets 404.
ONLY = {
    "liaison_request": "colleague",  # asked of the colleague as discipline liaison
    "follow_up": "chief",  # assigned to the chief
    "entry": "staff",  # the staff member's record-book entry
    "token": "staff",  # the staff member's API token
}
# Appeals (§十(二)): the person files on their own assessment (the office's paper appeals:
# tests/appeals/test_services.py).
APPEAL_FILE = OWN
# Handling an appeal: the office of the organ; the appellant sees theirs but may not decide.
APPEALS = ["appeal:staff", "appeal:chief", "appeal:other_staff", "appeal:outsider"]
APPEAL_HANDLE = {
    **{p: "404 404 404 404" for p in PERSONAS},
    "staff":       "403 404 404 404",
    "chief":       "404 403 404 404",
    "other_staff": "404 404 403 404",
    "office":      "ok  ok  ok  404",
    "outsider":    "404 404 404 403",
}
# The annual link (§九(三)): the office of the organ decides; the principal and the
# organization department see the year but may not change it.
YEARS = ["annual:organ", "annual:other"]
ANNUAL = {**dict.fromkeys(PERSONAS, "404 404"), "principal": "403 404",
          "org_department": "403 404", "office": "ok  404"}
SIGNED_IN = dict.fromkeys(PERSONAS, "ok")
# A ballot's set-up, paper ballots and early end: the organ's office; whoever sees the organ's
# structure gets 403.
BALLOTS = ["ballot:organ", "ballot:other"]
BALLOT_OFFICE = _rows(**dict.fromkeys(MEMBERS, "403 404"), office="ok  404",
                      outsider="404 403", sysadmin="403 403")
# Voting: the ballot's voters (in "organ", the colleague).
BALLOT_VOTERS = _rows(**{**dict.fromkeys(MEMBERS, "404 404"), "colleague": "ok  404"},
                      office="404 404", outsider="404 404")
# An organ's bonus coefficients: its office; whoever sees the organ's structure gets 403.
BONUS_TABLE = _rows(**dict.fromkeys(MEMBERS, "403 404"), office="ok  404", outsider="404 403",
                    sysadmin="403 403")
# The links for service recipients (decision 0030): the office; who sees the organ's reports
# (the principal too) gets 403 on the pages; over the API, who sees the organ gets 403.
RECIPIENT_LINKS = _rows(**dict.fromkeys(["staff", "colleague", "other_staff", "outsider"],
                                        "404 404"),
                        **dict.fromkeys(["chief", "other_chief", "leader", "other_leader",
                                         "principal", "org_department"], "403 404"),
                        office="ok  404")
RECIPIENT_LINK_TARGETS = ["recipients:organ", "recipients:other"]
# 催办 (the progress page): the office, the principal, the leaders in charge; the chiefs and
# the organization department see the progress but may not remind.
REMIND = {**dict.fromkeys(PERSONAS, "404 404"), **dict.fromkeys(
    ["chief", "other_chief", "org_department"], "403 404"), **dict.fromkeys(
    ["leader", "other_leader", "principal", "office"], "ok  404")}


# Background jobs (decision 0028), asked for where their pages are: the organ's forms as a
# zip (those who see the organ's year), the results page's workbook (those who see the organ's
# reports), the department's annual roll-up (the organization department only).
FORMS_ZIP = {**dict.fromkeys(PERSONAS, "404 404"),
             **dict.fromkeys(["principal", "office", "org_department"], "ok  404")}
REPORTERS = ["chief", "other_chief", "leader", "other_leader", "principal", "office",
             "org_department"]
RESULTS_EXPORT = {p: "ok  404" if p in REPORTERS else "404 404" for p in PERSONAS}
ROLLUP = {p: "ok" if p == "org_department" else "404" for p in PERSONAS}


def _alone(persona: str) -> dict[str, str]:
    """三员分立: the named administrator's action; everyone else gets 404."""
    return {p: "ok" if p == persona else "404" for p in PERSONAS}

PEOPLE_ONLY = {p: "403" if p in {"org_department", *ADMINS} else "ok" for p in PERSONAS}


def _only(kind: str) -> dict[str, str]:
    return {p: "ok" if p == ONLY[kind] else "404" for p in PERSONAS}


Body = Callable[[World, str], dict[str, Any]]


def _none(_world: World, _target: str) -> dict[str, Any]:
    return {}


def _fixed(**data: Any) -> Body:
    return lambda _world, _target: data


def _scores(world: World, target: str) -> dict[str, Any]:
    """The proposal form's fields carry the assessment as a prefix (a<pk>-)."""
    assessment = world.assessments[target.removeprefix("assessment:")]
    codes = assessment.period.plan.indicators.values_list("code", flat=True)
    return {f"a{assessment.pk}-{name}": value for name, value in
            [*((f"score_{code}", "90") for code in codes), ("grade", "好")]}


def _leave(world: World, target: str) -> dict[str, Any]:
    return {"person": world.people[target].personnel_no, "kind": "sick",
            "start": "2025-07-01", "end": "2025-07-02"}


def _leave_page(world: World, target: str) -> dict[str, Any]:
    return {**_leave(world, target), "period": world.periods["organ"].pk}


def _annual_settings(_world: World, _target: str) -> dict[str, Any]:
    """The settings form as the office sends it: every field with its default."""
    from kaohe.annual.forms import SettingsForm

    form = SettingsForm()
    return {name: field.initial if field.initial is not None else "" for name, field in
            form.fields.items()}


def _recipient_link(world: World, _target: str) -> dict[str, Any]:
    return {"person": world.people["other_staff"].pk, "label": "3 号窗口",
            "valid_until": "2099-01-01", "quota": "10"}


# page route → (targets, POST body, matrix). Targets are given to the URL, except for the
# routes whose body names the target (leave).
WRITE_PAGES: dict[str, tuple[list[str], Body, dict[str, str]]] = {
    "assessment_summary": (ASSESSMENTS, _fixed(text="本季度完成了监测任务。"), OWN),
    "assessment_acknowledge": (ASSESSMENTS, _fixed(opinion=""), OWN),
    "assessment_return": (ASSESSMENTS, _fixed(reason="请补充"), REVIEW),
    "assessment_propose": (ASSESSMENTS, _scores, REVIEW),
    "assessment_feedback": (ASSESSMENTS, _fixed(method="talk", given_on="2025-10-10",
                                                text="肯定成绩"), REVIEW),
    "follow_up_add": (ASSESSMENTS, _fixed(kind="admonition"), REVIEW),
    "assessment_approve": (ASSESSMENTS, _fixed(grade=""), APPROVE),
    "assessment_send_back": (ASSESSMENTS, _fixed(reason="请重新评鉴"), APPROVE),
    "assessment_liaison": (ASSESSMENTS, _fixed(question="有无违纪"), ASK_LIAISON),
    "period_open": ([""], _fixed(year="2025", quarter="4"), OPEN_PAGE),
    "approve_batch": (PERIODS, _none, APPROVE_BATCH),
    "period_publish": (PERIODS, _none, OFFICE_PERIOD),
    "period_close": (PERIODS, _none, OFFICE_PERIOD),
    "leave_record": (["body:" + p for p in PEOPLE], _leave_page, LEAVE_PAGE),
    "leave_correct": (LEAVES, _fixed(kind="personal", start="2025-07-01", end="2025-07-03",
                                     reason="日期有误"), LEAVE_CHANGE),
    "leave_delete": (LEAVES, _fixed(reason="重复登记"), LEAVE_CHANGE),
    "organ_import_check": ([""], _none, IMPORTERS),
    "organ_import_apply": ([""], _fixed(token="0" * 32, confirm="on"), IMPORTERS),
    "task_add": (PEOPLE, _fixed(year="2025", title="大气监测"), TASKS),
    "liaison_answer": (["liaison_request"], _fixed(answer="无"), _only("liaison_request")),
    "follow_up_done": (["follow_up"], _fixed(done_on="2025-10-20", note="已谈话"),
                       _only("follow_up")),
    "record_book": ([""], _fixed(day="2025-07-01", kind="task", text="巡查"), PEOPLE_ONLY),
    "record_delete": (["entry"], _none, _only("entry")),
    # Technical administrators hold no API tokens (decision 0023).
    "token_create": ([""], _fixed(name="OA"), {**SIGNED_IN, **dict.fromkeys(ADMINS, "403")}),
    "token_revoke": (["token"], _none, _only("token")),
    "password_change": ([""], _none, SIGNED_IN),
    "appeal_file": (ASSESSMENTS, _fixed(text="对等次有异议"), APPEAL_FILE),
    "appeal_opinion": (APPEALS, _fixed(given_by="考核委员会", text="维持"), APPEAL_HANDLE),
    "appeal_decide": (APPEALS, _fixed(outcome="kept", reason="事实清楚"), APPEAL_HANDLE),
    "annual_decide": (YEARS, _fixed(person="P-staff", grade="称职", reason=""), ANNUAL),
    "reports_remind": (PERIODS, _none, REMIND),
    "recipient_links": (ORGANS, _recipient_link, RECIPIENT_LINKS),
    "recipient_link_deactivate": (RECIPIENT_LINK_TARGETS, _none, RECIPIENT_LINKS),
    "ballot_weights": (BALLOTS, _fixed(weight_colleagues="0.5"), BALLOT_OFFICE),
    "ballot_pairing_add": (BALLOTS, _fixed(voter="P-chief", candidate="P-staff",
                                           voter_class="colleagues"), BALLOT_OFFICE),
    "ballot_pairing_remove": (BALLOTS, _fixed(pairing="0"), BALLOT_OFFICE),
    "ballot_close": (BALLOTS, _none, BALLOT_OFFICE),
    "ballot_paper": (BALLOTS, _fixed(paper="colleagues"), BALLOT_OFFICE),
    "annual_confirm_all": (YEARS, _fixed(person="P-staff"), ANNUAL),
    "annual_refusal": (YEARS, _fixed(person="P-staff", refused="on", note="拒不参加"), ANNUAL),
    "annual_settings": (YEARS, _annual_settings, ANNUAL),
    "annual_announce": (YEARS, _fixed(start="2026-01-05"), ANNUAL),
    "annual_close": (YEARS, _none, ANNUAL),
    "forms_zip": (YEARS, _none, FORMS_ZIP),
    "reports_results_export_job": (ORGANS, _none, RESULTS_EXPORT),
    "annual_rollup": ([""], _fixed(year="2025"), ROLLUP),
    "audit_verify": ([""], _none, _alone("auditadmin")),
    "security_unlock": ([""], _fixed(username="staff"), _alone("secadmin")),
    "security_force_password": ([""], _fixed(username="staff"), _alone("secadmin")),
    "security_reset_second_factor": ([""], _fixed(username="staff"), _alone("secadmin")),
    "security_policy": ([""], _fixed(organ="organ", required="on"), _alone("secadmin")),
}
# Routes anyone may POST to, signed in or not.
PUBLIC_WRITES = {"login", "logout", "set_language"}


def _api_scores(world: World, _target: str) -> dict[str, Any]:
    codes = world.periods["organ"].plan.indicators.values_list("code", flat=True)
    return {"scores": dict.fromkeys(codes, 90), "grade": "好"}


# "METHOD /path" of the OpenAPI document → (targets, JSON body, matrix).
WRITE_API: dict[str, tuple[list[str], Body, dict[str, str]]] = {
    "POST /periods": (["body:" + o for o in ORGANS],
                      lambda _w, t: {"organ": t, "year": 2025, "quarter": 4}, OPEN_API),
    "POST /periods/{period_id}/publish": (PERIODS, _none, OFFICE_PERIOD),
    "POST /periods/{period_id}/close": (PERIODS, _none, OFFICE_PERIOD),
    "POST /assessments/{assessment_id}/summary": (ASSESSMENTS, _fixed(text="小结"), OWN),
    "POST /assessments/{assessment_id}/submit": (ASSESSMENTS, _none, OWN),
    "POST /assessments/{assessment_id}/acknowledge": (ASSESSMENTS, _fixed(opinion=""), OWN),
    "POST /assessments/{assessment_id}/return": (ASSESSMENTS, _fixed(reason="补充"), REVIEW),
    "POST /assessments/{assessment_id}/propose": (ASSESSMENTS, _api_scores, REVIEW),
    "POST /assessments/{assessment_id}/feedback": (
        ASSESSMENTS, _fixed(method="talk", given_on="2025-10-10", text="肯定成绩"), REVIEW),
    "POST /assessments/{assessment_id}/approve": (ASSESSMENTS, _fixed(), APPROVE),
    "POST /assessments/{assessment_id}/send-back": (ASSESSMENTS, _fixed(reason="重评"),
                                                    APPROVE),
    "POST /leave": (["body:" + p for p in PEOPLE], _leave, LEAVE),
    "POST /assessments/{assessment_id}/appeals": (
        ASSESSMENTS, _fixed(text="对等次有异议"), APPEAL_FILE),
    "POST /annual/{organ}/{year}/decisions": (
        YEARS, _fixed(person="P-staff", grade="称职", reason=""), ANNUAL),
    "POST /annual/{organ}/{year}/refusals": (
        YEARS, _fixed(person="P-staff", refused=True, note="拒不参加"), ANNUAL),
    "POST /periods/{period_id}/quota-split": (PERIODS, _fixed(frontline_weight="0.50"),
                                              OFFICE_PERIOD),
    "DELETE /periods/{period_id}/quota-split": (PERIODS, _none, OFFICE_PERIOD),
    "POST /organs/{code}/ballots": (ORGANS, _fixed(
        title="测评", year=2025, quarter=3, opens_on="2025-09-01", closes_on="2025-09-05"),
        BALLOT_OFFICE),
    "POST /ballots/{ballot_id}/votes": (BALLOTS, _fixed(answers={}), BALLOT_VOTERS),
    "POST /ballots/{ballot_id}/paper": (BALLOTS, _fixed(voter_class="colleagues", answers={}),
                                        BALLOT_OFFICE),
    "POST /ballots/{ballot_id}/close": (BALLOTS, _none, BALLOT_OFFICE),
    "POST /periods/{period_id}/bonus": (PERIODS, _fixed(mode="pool", amount="1000.00"),
                                        OFFICE_PERIOD),
    "PUT /organs/{code}/bonus-coefficients/{year}": (
        YEARS, _fixed(good="1.2", fairly_good="1", average="0.8", poor="0", undetermined="1"),
        BONUS_TABLE),
    "POST /organs/{code}/recipient-links": (
        ORGANS, _fixed(person="P-other_staff", valid_until="2099-01-01"), BONUS_TABLE),
    "POST /organs/{code}/recipient-links/{link_id}/deactivate": (
        RECIPIENT_LINK_TARGETS, _none, BONUS_TABLE),
    "POST /appeals/{appeal_id}/opinions": (APPEALS, _fixed(given_by="考核委员会", text="维持"),
                                           APPEAL_HANDLE),
    "POST /appeals/{appeal_id}/decide": (APPEALS, _fixed(outcome="kept", reason="事实清楚"),
                                         APPEAL_HANDLE),
}


def cases(routes: dict[str, tuple[list[str], Body, dict[str, str]]],
          tokenless: frozenset[str] = frozenset()) -> Iterator[Any]:
    """Technical administrators hold no API tokens (decision 0023): in the API's cases
    (`tokenless`) they are answered as someone without a token."""
    for route, (targets, _body, matrix) in routes.items():
        for persona in ALL:
            cells = (["anon"] * len(targets) if persona == ANON or persona in tokenless
                     else matrix[persona].split())
            assert len(cells) == len(targets), (route, persona)
            for target, expected in zip(targets, cells, strict=True):
                yield pytest.param(route, persona, target, expected,
                                   id=f"{route}-{persona}-{target or 'none'}")


def _objects(world: World) -> dict[str, int]:
    """The one-person things of ONLY, created inside the test (rolled back after it)."""
    staff = world.assessments["staff"]
    asked = LiaisonRequest.objects.create(assessment=staff, liaison=world.people["colleague"],
                                          asked_by=world.users["chief"], question="?")
    follow_up = FollowUp.objects.create(assessment=staff, kind=FollowUpKind.REMINDER_TALK,
                                        assigned_to=world.people["chief"])
    entry = Entry.objects.create(person=world.people["staff"], day=datetime.date(2025, 7, 1),
                                 text="巡查")
    token, _raw = ApiToken.issue(world.users["staff"], "OA")
    leaves = {f"leave:{key}": Leave.objects.create(
        person=world.people[key], kind=LeaveKind.SICK, start=datetime.date(2025, 7, 1),
        end=datetime.date(2025, 7, 2), recorded_by=world.users["office"]).pk
        for key in ("staff", "other_staff", "outsider")}
    return {"liaison_request": asked.pk, "follow_up": follow_up.pk, "entry": entry.pk,
            "token": token.pk, **leaves}


def url_args(world: World, target: str, objects: dict[str, int]) -> list[str]:
    if target.startswith("body:"):
        return []
    if target in objects:
        return [str(objects[target])]
    return target_args(world, target)


def _passed(status: int) -> bool:
    return status not in (401, 403, 404, 405) and status < 500


@pytest.mark.parametrize(("route", "persona", "target", "expected"), list(cases(WRITE_PAGES)))
def test_page_write(client: Client, shared_world: World, db: None, route: str, persona: str,
                    target: str, expected: str) -> None:
    world = shared_world
    with unaudited():
        objects = _objects(world)
    if persona != ANON:
        sign_in_shared(client, world, persona)
    body = WRITE_PAGES[route][1](world, target.removeprefix("body:"))
    response = client.post(reverse(route, args=url_args(world, target, objects)), body)
    if expected == "anon":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    elif expected == "ok":
        assert _passed(response.status_code), response.status_code
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == int(expected)


@pytest.mark.parametrize(("route", "persona", "target", "expected"),
                         list(cases(WRITE_API, frozenset(ADMINS))))
def test_api_write(client: Client, shared_world: World, db: None, route: str, persona: str,
                   target: str, expected: str) -> None:
    world = shared_world
    headers = {}
    if persona != ANON:
        _token, raw = ApiToken.issue(world.users[persona], "matrix")
        headers["Authorization"] = f"Bearer {raw}"
    method, _, path = route.partition(" ")
    values = iter(url_args(world, target, {}))
    path = re.sub(r"\{\w+\}", lambda _match: next(values), path)
    body = WRITE_API[route][1](world, target.removeprefix("body:"))
    response = client.generic(method, f"/api/v1{path}", data=json.dumps(body),
                              content_type="application/json", headers=headers)
    if expected == "anon":
        assert response.status_code == 401
    elif expected == "ok":
        assert _passed(response.status_code), (response.status_code, response.content)
    else:
        assert response.status_code == int(expected), response.content
    if response.status_code >= 400:
        assert set(response.json()["error"]) == {"code", "message", "rule"}


def test_every_write_is_in_the_matrix() -> None:
    """Every API operation that changes something has its row; the page routes are checked
    together with the reads in tests/test_access_matrix.py."""
    writes = {
        f"{method.upper()} {path.removeprefix('/api/v1')}"
        for path, item in api.get_openapi_schema()["paths"].items()
        for method in item if method in {"post", "put", "patch", "delete"}
    }
    assert writes == set(WRITE_API)
