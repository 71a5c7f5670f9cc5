"""The authorization matrix: every page and API read × every persona × own/other target
(the changes: tests/security/test_write_matrix.py).

Expected statuses are written out as data below, independently of kaohe.org.access, and the
test is generated from it. A route that is added without a row here fails `test_every_route_
is_in_the_matrix`, so no page or endpoint escapes the matrix.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from kaohe.accounts.models import ApiToken
from kaohe.api.api import api
from tests.personas import PERSONAS, World, sign_in_shared
from tests.security.test_write_matrix import PUBLIC_WRITES, WRITE_PAGES
from tests.targets import ORGAN_TARGETS, SECTION_TARGETS, target_args

ANON = "anonymous"
ALL = [ANON, *PERSONAS]

# Targets: a persona's Person, or an organ/section label resolved in `target_args`.
PERSON_TARGETS = ["staff", "colleague", "other_staff", "leader", "outsider"]
ASSESSMENT_TARGETS = ["assessment:staff", "assessment:colleague", "assessment:other_staff",
                      "assessment:chief", "assessment:outsider"]
PERIOD_TARGETS = ["period:organ", "period:other"]

# One line per persona: the statuses for the targets in order. Signed-in personas only; the
# anonymous visitor is redirected to the login page (pages) or gets 401 (API).
PERSON_MATRIX = {
    "staff":          "200 404 404 404 404",
    "colleague":      "404 200 404 404 404",
    "chief":          "200 200 404 404 404",
    "other_chief":    "404 404 200 404 404",
    "other_staff":    "404 404 200 404 404",
    "leader":         "200 200 404 200 404",
    "other_leader":   "404 404 200 404 404",
    "principal":      "200 200 200 200 404",
    "office":         "200 200 200 200 404",
    "org_department": "200 200 200 200 404",
    "outsider":       "404 404 404 404 200",
    "sysadmin":       "200 200 200 200 200",
    "secadmin":       "404 404 404 404 404",
    "auditadmin":     "404 404 404 404 404",
}
MEMBERS = ["staff", "colleague", "chief", "other_chief", "other_staff", "leader",
           "other_leader", "principal", "office", "org_department"]
ORGAN_MATRIX = {
    **dict.fromkeys(MEMBERS, "200 404"),
    "outsider": "404 200",
    "sysadmin": "200 200",
    "secadmin": "404 404",
    "auditadmin": "404 404",
}
SECTION_MATRIX = {
    **dict.fromkeys(MEMBERS, "200 200 404"),
    "outsider": "404 404 200",
    "sysadmin": "200 200 200",
    "secadmin": "404 404 404",
    "auditadmin": "404 404 404",
}
# Grades: like people, but the system administrator sees none (三员分立).
ASSESSMENT_MATRIX = {
    "staff":          "200 404 404 404 404",
    "colleague":      "404 200 404 404 404",
    "chief":          "200 200 404 200 404",
    "other_chief":    "404 404 200 404 404",
    "other_staff":    "404 404 200 404 404",
    "leader":         "200 200 404 200 404",
    "other_leader":   "404 404 200 404 404",
    "principal":      "200 200 200 200 404",
    "office":         "200 200 200 200 404",
    "org_department": "200 200 200 200 404",
    "outsider":       "404 404 404 404 200",
    "sysadmin":       "404 404 404 404 404",
    "secadmin":       "404 404 404 404 404",
    "auditadmin":     "404 404 404 404 404",
}
PERIOD_MATRIX = {**ORGAN_MATRIX, "sysadmin": "404 404"}
# The confirmation pages before publishing and closing: the organ's office; others who see
# the quarter get 403 (as the POST itself), those who do not see it 404.
OFFICE_PERIOD_PAGE = {**dict.fromkeys(MEMBERS, "403 404"), "office": "200 404",
                      "outsider": "404 403", "sysadmin": "404 404",
                      "secadmin": "404 404", "auditadmin": "404 404"}
# The shared world's quarter is not published: its export is a 404 to everyone (the export
# of a published list is tested in tests/assessments/test_publication.py).
UNPUBLISHED = dict.fromkeys(PERSONAS, "404 404")
# A proposal's live preview: only whoever reviews the person (§七(三)), not even the person.
REVIEWER_MATRIX = {**{p: "404 404 404 404 404" for p in ASSESSMENT_MATRIX},
                   "chief":       "200 200 404 404 404",
                   "other_chief": "404 404 200 404 404",
                   "leader":      "404 404 404 200 404"}
# Appeals: one's own, and the office's organ's (it handles them); nobody else, not even those
# who see the assessment (decision 0005).
APPEAL_TARGETS = ["appeal:staff", "appeal:chief", "appeal:other_staff", "appeal:outsider"]
APPEAL_MATRIX = {
    **{p: "404 404 404 404" for p in PERSONAS},
    "staff":          "200 404 404 404",
    "chief":          "404 200 404 404",
    "other_staff":    "404 404 200 404",
    "office":         "200 200 200 404",
    "outsider":       "404 404 404 200",
}
# The annual link of the whole organ: its office and principal, and the organization department.
ANNUAL_TARGETS = ["annual:organ", "annual:other"]
# A person's official forms: whoever sees the person's grades (never the system administrator).
FORM_TARGETS = ["form:staff", "form:colleague", "form:other_staff", "form:outsider"]
FORM_MATRIX = {
    "staff":          "200 404 404 404",
    "colleague":      "404 200 404 404",
    "chief":          "200 200 404 404",
    "other_chief":    "404 404 200 404",
    "other_staff":    "404 404 200 404",
    "leader":         "200 200 404 404",
    "other_leader":   "404 404 200 404",
    "principal":      "200 200 200 404",
    "office":         "200 200 200 404",
    "org_department": "200 200 200 404",
    "outsider":       "404 404 404 200",
    "sysadmin":       "404 404 404 404",
    "secadmin":       "404 404 404 404",
    "auditadmin":     "404 404 404 404",
}
ANNUAL_MATRIX = {p: "200 404" if p in {"principal", "office", "org_department"} else "404 404"
                 for p in PERSONAS}
SIGNED_IN_ANY = {p: "200" for p in PERSONAS}
# The batch confirmation of the annual grades: the office; those who only read the year 403.
ANNUAL_OFFICE_MATRIX = {**ANNUAL_MATRIX, "office": "200 404", "principal": "403 404",
                        "org_department": "403 404"}
# A notification is its user's own: following it leads on to its page (302), others get 404.
NOTIFICATION_MATRIX = {p: "302" if p == "staff" else "404" for p in PERSONAS}
# Pages of one's own work as a civil servant: accounts that are no one's get 403.
PEOPLE_ONLY = {p: "403" if p in {"org_department", "sysadmin", "secadmin", "auditadmin"}
               else "200" for p in PERSONAS}
# The audit log: the audit administrator only (三员分立); 404 hides it from everyone else.
AUDITOR_ONLY = {p: "200" if p == "auditadmin" else "404" for p in PERSONAS}
# 三员分立: the security administrator's page is nobody else's (not even the other two's).
SECURITY_ONLY = {p: "200" if p == "secadmin" else "404" for p in PERSONAS}
# The second-factor step sends an account without a second factor on to enrolment.
TO_ENROLMENT = {p: "302" for p in PERSONAS}

# Statistics (§六): the whole organ for the principal and the office, overseen or own sections
# for leaders and chiefs, aggregates for the organization department; staff members none.
REPORTERS = ["chief", "other_chief", "leader", "other_leader", "principal", "office",
             "org_department"]
REPORT_MATRIX = {p: "200 404" if p in REPORTERS else "404 404" for p in PERSONAS}
REPORTS_HOME = {p: "200" if p in REPORTERS else "404" for p in PERSONAS}
# Quota planning: the office plans, the principal looks; the others who see reports get 403.
QUOTA_MATRIX = {**REPORT_MATRIX, **dict.fromkeys(["chief", "other_chief", "leader",
                                                  "other_leader", "org_department"], "403 404")}
# 催办 on the progress page: the office, the principal and the leaders in charge; the others who
# see the progress (chiefs, the organization department) get 403.
# The split of a quarter's 好 places, with names: the office and the principal; the others who
# see the quarter get 403.
QUOTA_SPLIT_MATRIX = {**PERIOD_MATRIX, **dict.fromkeys(
    [m for m in MEMBERS if m not in ("office", "principal")], "403 404"), "outsider": "404 403"}
# An organ's bonus coefficients: the office and the principal; whoever else sees the organ's
# structure gets 403.
BONUS_TABLE_MATRIX = {**dict.fromkeys(MEMBERS, "403 404"), "office": "200 404",
                      "principal": "200 404", "outsider": "404 403", "sysadmin": "403 403",
                      "secadmin": "404 404", "auditadmin": "404 404"}
# 民主测评: the office and the principal see the organ's ballots; a ballot's sheet is its
# voters' only (in "organ", the colleague rates the staff member).
BALLOT_MATRIX = {**BONUS_TABLE_MATRIX}
BALLOT_VOTE_MATRIX = {**dict.fromkeys(PERSONAS, "404 404"), "colleague": "200 404"}
REMIND_MATRIX = {**REPORT_MATRIX, **dict.fromkeys(["chief", "other_chief", "org_department"],
                                                  "403 404")}
DEPARTMENT_ONLY = {p: "200" if p == "org_department" else "404" for p in PERSONAS}
# A person's grades over the quarters: like people, but never for the organization
# department (aggregates only) nor the technical administrators.
PERSON_REPORT_MATRIX = {**PERSON_MATRIX, "org_department": "404 404 404 404 404",
                        "sysadmin": "404 404 404 404 404"}

# A quarter's leave page and its people search: the organ's office; those who see the
# quarter but do not run it get 403.
LEAVE_PAGE_MATRIX = {p: " ".join("403" if s == "200" else s for s in PERIOD_MATRIX[p].split())
                     for p in PERSONAS} | {"office": "200 404"}
# The import page: an organ's office, or the system administrator; hidden from the rest.
IMPORT_MATRIX = {p: "200" if p in {"office", "sysadmin"} else "404" for p in PERSONAS}
# A person's service recipients' opinions (decision 0030): whoever reviews or approves them,
# the office and the principal; the others who see the assessment (the person too) get 403.
RECIPIENT_OPINIONS_MATRIX = {
    **{p: "404 404 404 404 404" for p in PERSONAS},
    "staff":          "403 404 404 404 404",
    "colleague":      "404 403 404 404 404",
    "chief":          "200 200 404 403 404",
    "other_chief":    "404 404 200 404 404",
    "other_staff":    "404 404 403 404 404",
    "leader":         "200 200 404 200 404",
    "other_leader":   "404 404 200 404 404",
    "principal":      "200 200 200 200 404",
    "office":         "200 200 200 200 404",
    "org_department": "403 403 403 403 404",
    "outsider":       "404 404 404 404 403",
}

# A background job, its progress and its file: its owner's alone (decision 0028).
JOB_TARGETS = ["job:staff", "job:office"]
JOB_MATRIX = {p: {"staff": "200 404", "office": "404 200"}.get(p, "404 404") for p in PERSONAS}

# route name → (targets, matrix). Page routes are Django URL names; API ones are "api:<path>".
PAGES: dict[str, tuple[list[str], dict[str, str]]] = {
    "home": ([""], SIGNED_IN_ANY),
    "notification_open": (["notification:staff"], NOTIFICATION_MATRIX),
    "organ_list": ([""], SIGNED_IN_ANY),
    "profile": ([""], SIGNED_IN_ANY),
    "password_change": ([""], SIGNED_IN_ANY),
    "organ_detail": (ORGAN_TARGETS, ORGAN_MATRIX),
    "section_detail": (SECTION_TARGETS, SECTION_MATRIX),
    "person_detail": (PERSON_TARGETS, PERSON_MATRIX),
    "assessment_detail": (ASSESSMENT_TARGETS, ASSESSMENT_MATRIX),
    "proposal_preview": (ASSESSMENT_TARGETS, REVIEWER_MATRIX),
    "periods": ([""], SIGNED_IN_ANY),
    "review_screen": (PERIOD_TARGETS, PERIOD_MATRIX),
    "approval_screen": (PERIOD_TARGETS, PERIOD_MATRIX),
    "quota_counter": (PERIOD_TARGETS, PERIOD_MATRIX),
    "published": (PERIOD_TARGETS, PERIOD_MATRIX),
    "published_xlsx": (PERIOD_TARGETS, UNPUBLISHED),
    "period_publish_confirm": (PERIOD_TARGETS, OFFICE_PERIOD_PAGE),
    "period_close_confirm": (PERIOD_TARGETS, OFFICE_PERIOD_PAGE),
    "leave_page": (PERIOD_TARGETS, LEAVE_PAGE_MATRIX),
    "leave_people": (PERIOD_TARGETS, LEAVE_PAGE_MATRIX),
    "people_search": ([""], SIGNED_IN_ANY),
    "organ_import": ([""], IMPORT_MATRIX),
    "liaison_inbox": ([""], SIGNED_IN_ANY),
    "follow_ups": ([""], SIGNED_IN_ANY),
    "record_book": ([""], PEOPLE_ONLY),
    "audit_events": ([""], AUDITOR_ONLY),
    "appeal_list": ([""], SIGNED_IN_ANY),
    "appeal_detail": (APPEAL_TARGETS, APPEAL_MATRIX),
    "otp_enrol": ([""], SIGNED_IN_ANY),
    "otp_verify": ([""], TO_ENROLMENT),
    "security_overview": ([""], SECURITY_ONLY),
    "annual_page": (ANNUAL_TARGETS, ANNUAL_MATRIX),
    "annual_announcement": (ANNUAL_TARGETS, ANNUAL_MATRIX),
    "annual_confirm_all": (ANNUAL_TARGETS, ANNUAL_OFFICE_MATRIX),
    "quarterly_form_html": (ASSESSMENT_TARGETS, ASSESSMENT_MATRIX),
    "quarterly_form_docx": (ASSESSMENT_TARGETS, ASSESSMENT_MATRIX),
    "annual_form_html": (FORM_TARGETS, FORM_MATRIX),
    "annual_form_docx": (FORM_TARGETS, FORM_MATRIX),
    "record_book_html": (FORM_TARGETS, FORM_MATRIX),
    "record_book_docx": (FORM_TARGETS, FORM_MATRIX),
    "quarter_results_xlsx": (PERIOD_TARGETS, {**ANNUAL_MATRIX}),
    "annual_results_xlsx": (ANNUAL_TARGETS, ANNUAL_MATRIX),
    "annual_archive": (ANNUAL_TARGETS, ANNUAL_MATRIX),
    "job_list": ([""], SIGNED_IN_ANY),
    "job_detail": (JOB_TARGETS, JOB_MATRIX),
    "job_status": (JOB_TARGETS, JOB_MATRIX),
    "job_download": (JOB_TARGETS, JOB_MATRIX),
    "reports_home": ([""], REPORTS_HOME),
    "reports_progress": (ORGAN_TARGETS, REPORT_MATRIX),
    "reports_progress_panel": (ORGAN_TARGETS, REPORT_MATRIX),
    "reports_progress_export": (ORGAN_TARGETS, REPORT_MATRIX),
    "reports_progress_chart": (ORGAN_TARGETS, REPORT_MATRIX),
    "reports_results": (ORGAN_TARGETS, REPORT_MATRIX),
    "reports_results_export": (ORGAN_TARGETS, REPORT_MATRIX),
    "reports_results_chart": (ORGAN_TARGETS, REPORT_MATRIX),
    "reports_quota": (ORGAN_TARGETS, QUOTA_MATRIX),
    # The bonus split, with names and amounts: who sees the split of 好 places.
    "bonus_split": (ORGAN_TARGETS, QUOTA_MATRIX),
    "bonus_export": (["bonus:organ", "bonus:other"], QUOTA_MATRIX),
    # The links for service recipients and their QR cards: who sees the bonus split.
    "recipient_links": (ORGAN_TARGETS, QUOTA_MATRIX),
    "recipient_link_card": (["recipients:organ", "recipients:other"], QUOTA_MATRIX),
    "ballot_list": (ORGAN_TARGETS, BALLOT_MATRIX),
    "ballot_detail": (["ballot:organ", "ballot:other"], BALLOT_MATRIX),
    "ballot_vote": (["ballot:organ", "ballot:other"], BALLOT_VOTE_MATRIX),
    "reports_remind": (PERIOD_TARGETS, REMIND_MATRIX),
    "reports_department": ([""], DEPARTMENT_ONLY),
    "reports_department_export": ([""], DEPARTMENT_ONLY),
    "reports_department_chart": ([""], DEPARTMENT_ONLY),
    "reports_person": (PERSON_TARGETS, PERSON_REPORT_MATRIX),
    "reports_person_export": (PERSON_TARGETS, PERSON_REPORT_MATRIX),
    "reports_person_chart": (PERSON_TARGETS, PERSON_REPORT_MATRIX),
}
API = {
    "/me": ([""], SIGNED_IN_ANY),
    "/organs": ([""], SIGNED_IN_ANY),
    "/people": ([""], SIGNED_IN_ANY),
    "/organs/{code}": (ORGAN_TARGETS, ORGAN_MATRIX),
    "/organs/{code}/sections": (ORGAN_TARGETS, ORGAN_MATRIX),
    "/people/{personnel_no}": (PERSON_TARGETS, PERSON_MATRIX),
    "/periods": ([""], SIGNED_IN_ANY),
    "/periods/{period_id}/quota": (PERIOD_TARGETS, PERIOD_MATRIX),
    "/periods/{period_id}/quota-split": (PERIOD_TARGETS, QUOTA_SPLIT_MATRIX),
    "/periods/{period_id}/bonus": (PERIOD_TARGETS, QUOTA_SPLIT_MATRIX),
    "/organs/{code}/bonus-coefficients/{year}": (ANNUAL_TARGETS, BONUS_TABLE_MATRIX),
    "/organs/{code}/recipient-links": (ORGAN_TARGETS, BONUS_TABLE_MATRIX),
    "/assessments/{assessment_id}/recipient-opinions": (ASSESSMENT_TARGETS,
                                                        RECIPIENT_OPINIONS_MATRIX),
    "/ballots": ([""], SIGNED_IN_ANY),
    "/ballots/{ballot_id}/sheet": (["ballot:organ", "ballot:other"], BALLOT_VOTE_MATRIX),
    "/organs/{code}/ballots": (ORGAN_TARGETS, BALLOT_MATRIX),
    "/ballots/{ballot_id}/results": (["ballot:organ", "ballot:other"], BALLOT_MATRIX),
    "/periods/{period_id}/published": (PERIOD_TARGETS, PERIOD_MATRIX),
    "/assessments": ([""], SIGNED_IN_ANY),
    "/assessments/{assessment_id}": (ASSESSMENT_TARGETS, ASSESSMENT_MATRIX),
    "/appeals": ([""], SIGNED_IN_ANY),
    "/appeals/{appeal_id}": (APPEAL_TARGETS, APPEAL_MATRIX),
    "/annual/{organ}/{year}": (ANNUAL_TARGETS, ANNUAL_MATRIX),
}
# Routes outside this matrix: the changes (POST), in the write matrix of
# tests/security/test_write_matrix.py, and the public ones (login, logout, language).
ELSEWHERE = set(WRITE_PAGES) | PUBLIC_WRITES | {
    # One archived file and its correction need a closed year: tests/annual/test_archive.py
    "archive_download", "archive_correct",
    # The icon, public, a redirect to the static file: tests/web/test_error_pages.py
    "favicon",
    # The identity platform's sign-in, public, 404 until configured: tests/sso/
    "oidc_login", "oidc_callback", "cas_login",
    # The public's opinion form and its thanks, reached without an account through a link's
    # unguessable token (decision 0030): tests/recipients/test_pages.py
    "recipient_opinion", "recipient_thanks",
}


# Technical administrators hold no API tokens (decision 0023): whatever the route, the API
# answers them 401, like someone without a token.
NO_TOKENS = {"sysadmin", "secadmin", "auditadmin"}


def cases(routes: dict[str, tuple[list[str], dict[str, str]]], anonymous_status: int,
          tokenless: frozenset[str] = frozenset()):
    for route, (targets, matrix) in routes.items():
        for persona in ALL:
            statuses = (
                [anonymous_status] * len(targets) if persona == ANON or persona in tokenless
                else [int(s) for s in matrix[persona].split()]
            )
            assert len(statuses) == len(targets), (route, persona)
            for target, status in zip(targets, statuses, strict=True):
                yield pytest.param(route, persona, target, status,
                                   id=f"{route}-{persona}-{target or 'none'}")


@pytest.mark.parametrize(("route", "persona", "target", "expected"), list(cases(PAGES, 302)))
def test_page_access(client: Client, shared_world: World, db: None, route: str,
                     persona: str, target: str, expected: int) -> None:
    world = shared_world
    if persona != ANON:
        sign_in_shared(client, world, persona)
    response = client.get(reverse(route, args=target_args(world, target)))
    assert response.status_code == expected
    if expected == 302 and route == "notification_open" and persona != ANON:
        assert response["Location"] == "/appeals/"  # on to where the notification leads
    elif expected == 302:  # signed in: only the second-factor step, sending on to enrolment
        assert response["Location"].startswith(reverse("login" if persona == ANON
                                                       else "otp_enrol"))


@pytest.mark.parametrize(("route", "persona", "target", "expected"),
                         list(cases(API, 401, frozenset(NO_TOKENS))))
def test_api_access(client: Client, shared_world: World, db: None, route: str, persona: str,
                    target: str, expected: int) -> None:
    world = shared_world
    headers = {}
    if persona != ANON:
        _token, raw = ApiToken.issue(world.users[persona], "matrix")
        headers["Authorization"] = f"Bearer {raw}"
    values = iter(target_args(world, target))
    path = re.sub(r"\{\w+\}", lambda _match: next(values), route)
    response = client.get(f"/api/v1{path}", headers=headers)
    assert response.status_code == expected
    if expected >= 400:
        assert set(response.json()["error"]) == {"code", "message", "rule"}


def _names(resolver: URLResolver, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in {"admin", "api"}:
                continue  # admin: tests/web/test_admin.py; api: checked below from OpenAPI
            names |= _names(entry)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(entry.name)
    return names


def test_every_route_is_in_the_matrix() -> None:
    assert _names(get_resolver()) == set(PAGES) | ELSEWHERE
    operations = {
        path.removeprefix("/api/v1") for path, item in api.get_openapi_schema()["paths"].items()
        if "get" in item
    }
    assert operations == set(API)
