"""Malformed and hostile input is refused with a clear error, never a server error, and
leaves nothing behind: wrong JSON types, non-UTF-8, NUL characters (PostgreSQL cannot store
them), huge numbers, over-long texts, unknown enumerations, dates outside their period."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client, override_settings

from kaohe import limits
from kaohe.accounts.models import ApiToken
from kaohe.assessments.models import Assessment, Leave, State
from kaohe.errors import Invalid
from kaohe.plans.services import task_assign
from kaohe.records import services as records
from tests.personas import World


def _call(client: Client, world: World, persona: str, path: str, body: Any = None,
          *, raw: bytes | None = None, method: str = "POST") -> Any:
    _token, key = ApiToken.issue(world.users[persona], "input")
    data = raw if raw is not None else json.dumps(body)
    return client.generic(method, f"/api/v1{path}", data=data,
                          content_type="application/json",
                          headers={"Authorization": f"Bearer {key}"})


def _refused(response: Any, status: int = 400) -> dict[str, str]:
    assert response.status_code == status, response.content
    error: dict[str, str] = response.json()["error"]
    assert set(error) == {"code", "message", "rule"} and error["message"]
    return error


def _submitted(world: World, persona: str) -> Assessment:
    assessment = world.assessments[persona]
    Assessment.objects.filter(pk=assessment.pk).update(state=State.SUBMITTED, summary="小结")
    return assessment


def _indicator_codes(world: World) -> list[str]:
    return list(world.periods["organ"].plan.indicators.values_list("code", flat=True))


@pytest.mark.parametrize("body", [[], "text", 5, None, {"text": 5}, {"text": None},
                                  {"text": ["a"]}, {}])
def test_summary_body_of_the_wrong_shape(client: Client, world: World, body: Any) -> None:
    path = f"/assessments/{world.assessments['staff'].pk}/summary"
    assert _refused(_call(client, world, "staff", path, body))["code"] in {"invalid", "error"}


@pytest.mark.parametrize("raw", [b"\xff\xfe\x00{", b'{"text": "\xff"}', b"{", b"\x00"])
def test_undecodable_bodies(client: Client, world: World, raw: bytes) -> None:
    path = f"/assessments/{world.assessments['staff'].pk}/summary"
    _refused(_call(client, world, "staff", path, raw=raw))
    assert Assessment.objects.get(pk=world.assessments["staff"].pk).summary == ""


def test_nul_in_a_text_is_refused_by_name(client: Client, world: World) -> None:
    path = f"/assessments/{world.assessments['staff'].pk}/summary"
    error = _refused(_call(client, world, "staff", path, {"text": "完成\x00任务"}))
    assert error["code"] == "invalid_text"
    assert "个人小结" in error["message"]
    assert Assessment.objects.get(pk=world.assessments["staff"].pk).summary == ""


@pytest.mark.parametrize("path", ["/api/v1/organs/a%00b", "/api/v1/people?organ=%00",
                                  "/api/v1/assessments?section=x%00"])
def test_nul_in_the_address_of_the_api(client: Client, world: World, path: str) -> None:
    _token, key = ApiToken.issue(world.users["office"], "input")
    response = client.get(path, headers={"Authorization": f"Bearer {key}"})
    _refused(response)


@pytest.mark.parametrize("path", ["/organs/a%00b/", "/people/P-%00/", "/?next=%00"])
def test_nul_in_the_address_of_a_page(client_for: Callable[[str | None], Client],
                                      path: str) -> None:
    assert client_for("office").get(path).status_code == 400


def test_nul_in_a_form_is_refused_and_nothing_saved(
        client_for: Callable[[str | None], Client], world: World) -> None:
    client = client_for("staff")
    response = client.post("/records/", {"day": "2025-07-01", "kind": "task", "text": "a\x00b"})
    assert response.status_code == 400
    assert not world.people["staff"].record_entries.exists()


@pytest.mark.parametrize(("path", "body"), [
    ("/periods", {"organ": "organ", "year": 10**30, "quarter": 3}),
    ("/periods", {"organ": "organ", "year": 2025, "quarter": 5}),
    ("/periods", {"organ": "organ", "year": 1999, "quarter": 1}),
    ("/periods", {"organ": "o" * 65, "year": 2025, "quarter": 1}),
    ("/leave", {"person": "P-staff", "kind": "vacation", "start": "2025-07-01",
                "end": "2025-07-02"}),
    ("/leave", {"person": "P-staff", "kind": "sick", "start": "2025-07-02",
                "end": "2025-07-01"}),
    ("/leave", {"person": "P-staff", "kind": "sick", "start": "2024-01-01",
                "end": "2025-07-01"}),
    ("/leave", {"person": "P-staff", "kind": "sick", "start": "1900-01-01",
                "end": "1900-01-02"}),
    ("/leave", {"person": "P-staff", "kind": "sick", "start": "2025-02-30",
                "end": "2025-03-01"}),
])
def test_office_input_out_of_range(client: Client, world: World, path: str,
                                   body: dict[str, Any]) -> None:
    _refused(_call(client, world, "office", path, body))
    assert not Leave.objects.exists()


@pytest.mark.parametrize("path", ["/assessments/99999999999999999999999",
                                  "/assessments/0", "/assessments/-1",
                                  "/periods/9223372036854775808/quota",
                                  "/assessments?period=99999999999999999999",
                                  "/assessments?state=bogus"])
def test_identifiers_and_filters_out_of_range(client: Client, world: World, path: str) -> None:
    _refused(_call(client, world, "office", path, method="GET", raw=b""))


@pytest.mark.parametrize("path", ["/assessments/9223372036854775807",
                                  "/periods/9223372036854775807/quota"])
def test_the_largest_identifier_is_simply_not_found(client: Client, world: World,
                                                    path: str) -> None:
    _refused(_call(client, world, "office", path, method="GET", raw=b""), 404)


@pytest.mark.parametrize("score", ["1e999999", "NaN", "Infinity", "-Infinity", "abc", "",
                                   100.001, -0.01, "12.345", 10**400, True])
def test_scores_must_be_finite_numbers_from_0_to_100(client: Client, world: World,
                                                     score: Any) -> None:
    assessment = _submitted(world, "staff")
    scores: dict[str, Any] = dict.fromkeys(_indicator_codes(world), 90)
    scores[next(iter(scores))] = score
    path = f"/assessments/{assessment.pk}/propose"
    _refused(_call(client, world, "chief", path, {"scores": scores, "grade": "好"}))
    assert Assessment.objects.get(pk=assessment.pk).state == State.SUBMITTED


@pytest.mark.parametrize(("action", "body"), [
    ("propose", {"scores": {}, "grade": "很好"}),
    ("propose", {"scores": [], "grade": "好"}),
    ("propose", {"scores": {"x": {"nested": 1}}, "grade": "好"}),
    ("feedback", {"method": "email", "given_on": "2025-10-01", "text": "t"}),
    ("feedback", {"method": "talk", "given_on": "not a date", "text": "t"}),
])
def test_enumerations_and_types(client: Client, world: World, action: str,
                                body: dict[str, Any]) -> None:
    assessment = _submitted(world, "staff")
    error = _refused(_call(client, world, "chief", f"/assessments/{assessment.pk}/{action}",
                           body))
    assert error["code"] == "invalid"


@pytest.mark.parametrize(("field", "limit"), [
    ("comment", limits.REASON), ("reason", limits.REASON), ("direct_reason", limits.REASON),
    ("direct_reward", limits.SHORT), ("colleagues_opinion", limits.REASON),
    ("recipients_opinion", limits.REASON), ("performance_results", limits.REASON),
])
def test_over_long_texts_are_refused(client: Client, world: World, field: str,
                                     limit: int) -> None:
    assessment = _submitted(world, "staff")
    body = {"scores": dict.fromkeys(_indicator_codes(world), 90), "grade": "好",
            field: "长" * (limit + 1)}
    _refused(_call(client, world, "chief", f"/assessments/{assessment.pk}/propose", body))
    assert Assessment.objects.get(pk=assessment.pk).state == State.SUBMITTED


def test_the_summary_limit_is_the_same_on_the_api_and_the_page(
        client: Client, world: World, client_for: Callable[[str | None], Client]) -> None:
    assessment = world.assessments["staff"]
    too_long = "字" * (limits.SUMMARY + 1)
    _refused(_call(client, world, "staff", f"/assessments/{assessment.pk}/summary",
                   {"text": too_long}))
    page = client_for("staff")
    page.post(f"/assessments/{assessment.pk}/summary/", {"text": too_long})
    assert Assessment.objects.get(pk=assessment.pk).summary == ""
    page.post(f"/assessments/{assessment.pk}/summary/", {"text": "字" * limits.SUMMARY})
    assert len(Assessment.objects.get(pk=assessment.pk).summary) == limits.SUMMARY


def test_services_refuse_what_the_forms_would(world: World) -> None:
    """A service called directly (command, future importer) applies the same limits."""
    staff, chief = world.users["staff"], world.users["chief"]
    with pytest.raises(Invalid, match="不超过"):
        records.entry_add(person=world.people["staff"], by=staff, day=datetime.date(2025, 7, 1),
                          kind="task", text="x" * (limits.RECORD_ENTRY + 1))
    with pytest.raises(Invalid):
        records.entry_add(person=world.people["staff"], by=staff, day=datetime.date(1999, 7, 1),
                          kind="task", text="x")
    with pytest.raises(Invalid, match="空字符"):
        task_assign(person=world.people["staff"], year=2025, title="a\x00", by=chief)
    with pytest.raises(Invalid):
        task_assign(person=world.people["staff"], year=99999, title="任务", by=chief)
    with pytest.raises(Invalid):
        task_assign(person=world.people["staff"], year=2025, title="t" * 201, by=chief)


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
def test_bodies_over_the_limit(client: Client, world: World,
                               client_for: Callable[[str | None], Client]) -> None:
    path = f"/assessments/{world.assessments['staff'].pk}/summary"
    error = _refused(_call(client, world, "staff", path, {"text": "x" * 20_000}), 413)
    assert error["code"] == "too_large"
    page = client_for("staff")
    response = page.post("/records/", {"day": "2025-07-01", "kind": "task",
                                       "text": "x" * 20_000})
    assert response.status_code == 400
    assert not world.people["staff"].record_entries.exists()


def test_too_many_form_fields(client_for: Callable[[str | None], Client]) -> None:
    fields = {f"f{i}": "x" for i in range(1100)}
    assert client_for("staff").post("/records/", fields).status_code == 400


@pytest.mark.parametrize("target", ["//evil.example/", "/\\evil.example/", "/\\/evil.example",
                                    "https://evil.example/", "javascript:alert(1)"])
def test_next_never_leads_off_the_site(client_for: Callable[[str | None], Client],
                                       world: World, target: str) -> None:
    assessment = _submitted(world, "staff")
    response = client_for("chief").post(f"/assessments/{assessment.pk}/return/",
                                        {"reason": "请补充", "next": target})
    assert response["Location"] == f"/assessments/{assessment.pk}/"


def test_next_within_the_site_is_followed(client_for: Callable[[str | None], Client],
                                          world: World) -> None:
    assessment = _submitted(world, "staff")
    period = world.periods["organ"]
    back = f"/periods/{period.pk}/review/#a{assessment.pk}"
    response = client_for("chief").post(f"/assessments/{assessment.pk}/return/",
                                        {"reason": "请补充", "next": back})
    assert response["Location"] == back


@pytest.mark.parametrize("path", ["/assessments/99999999999999999999999/",
                                  "/periods/9223372036854775808/review/",
                                  "/people/" + "x" * 5000 + "/", "/organs/%F0%28%8C%28/"])
def test_page_addresses_out_of_range_are_not_found(
        client_for: Callable[[str | None], Client], path: str) -> None:
    assert client_for("office").get(path).status_code == 404


def test_deeply_nested_and_huge_json(client: Client, world: World) -> None:
    path = f"/assessments/{world.assessments['staff'].pk}/summary"
    _refused(_call(client, world, "staff", path, raw=b"[" * 100_000 + b"]" * 100_000))
    _refused(_call(client, world, "staff", path, raw=b'{"text": ' + b"9" * 5000 + b"}"))


# --- texts, bodies, server errors and passwords (second round) ------------------------------------

@pytest.mark.parametrize(("reason", "code"), [("同意\x00", "invalid_text"),
                                              ("理" * 900_000, "too_long")])
def test_the_annual_decision_reason_is_bounded(world: World, reason: str, code: str) -> None:
    from kaohe.annual import services as annual
    from kaohe.annual.models import AnnualResult
    from tests.annual.factories import YEAR, run_year

    run_year(world, {})
    with pytest.raises(Invalid) as refusal:
        annual.result_decide(organ=world.organ, year=YEAR, person=world.people["staff"],
                             grade="称职", reason=reason, by=world.users["office"])
    assert refusal.value.code == code
    assert not AnnualResult.objects.filter(person=world.people["staff"]).exclude(grade="").exists()


def test_a_fault_in_the_api_answers_with_the_api_error_body(world: World, monkeypatch: Any
                                                             ) -> None:
    from kaohe.api import schemas

    def broken(actor: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(schemas.Me, "of", broken)
    _token, key = ApiToken.issue(world.users["staff"], "fault")
    response = Client(raise_request_exception=False).get(
        "/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert response["Content-Type"].startswith("application/json")
    assert _refused(response, 500)["code"] == "server_error"


def test_a_file_in_a_form_counts_against_the_body_limit(client: Client, tmp_path: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = SimpleUploadedFile("x.bin", b"0" * (limits.UPLOAD_BODY_BYTES + 1))
    response = client.post("/login/", {"username": "x", "password": "y", "file": big})
    assert response.status_code == 413


@pytest.mark.parametrize(("password", "code"), [
    ("Aaaaaaaaaa1", "password_repetitive"),
    ("Staff-20252025", "password_has_username"),
    ("Strong-pass-7x ", "password_spaces"),
    ("Ab1-x", "password_too_short"),
])
def test_guessable_passwords_are_refused_in_chinese(world: World, password: str,
                                                    code: str) -> None:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as refusal:
        validate_password(password, world.users["staff"])
    assert code in [e.code for e in refusal.value.error_list]
    assert all(not message.isascii() for message in refusal.value.messages)
