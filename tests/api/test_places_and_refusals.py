"""Two capabilities of the pages, through the API: the office's split of a quarter's 好 places
among sections (§八(一), decision 0015), and recording that someone refused to take part
without good reason (§十(一) → 不称职)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from kaohe.accounts.models import ApiToken
from kaohe.errors import Refused
from kaohe.plans.models import Grade
from tests.annual.factories import YEAR, run_year
from tests.assessments.test_services import approve, propose, submit
from tests.personas import World


def call(client: Client, world: World, persona: str, method: str, path: str,
         body: Any = None) -> tuple[int, Any]:
    _token, raw = ApiToken.issue(world.users[persona], "t")
    response = client.generic(method, f"/api/v1{path}",
                              data="" if body is None else json.dumps(body),
                              content_type="application/json",
                              headers={"Authorization": f"Bearer {raw}"})
    return response.status_code, response.json() if response.content else None


def test_the_office_plans_fixes_and_lifts_the_split(client: Client, world: World) -> None:
    period = world.periods["organ"]
    path = f"/periods/{period.pk}/quota-split"
    status, what_if = call(client, world, "principal", "GET", f"{path}?frontline_weight=1")
    assert status == 200 and what_if["limit"] == 2 and not what_if["fixed"]
    assert sum(s["places"] for s in what_if["sections"]) == 2
    assert call(client, world, "principal", "POST", path, {"frontline_weight": "1"})[0] == 403

    status, fixed = call(client, world, "office", "POST", path, {"frontline_weight": "1"})
    assert status == 200 and fixed["fixed"]
    share = {s["section"]: s["fixed"] for s in fixed["sections"]}
    assert share == {s["section"]: s["places"] for s in what_if["sections"]}

    # Section A is held to its share: one 好 more than it is refused.
    people = ["staff", "colleague", "chief"][:share["a"] + 1]
    for persona in people:
        submit(world.assessments[persona])
        propose(world.assessments[persona], Grade.GOOD, 95)
    for persona in people[:-1]:
        approve(world.assessments[persona])
    with pytest.raises(Refused) as refusal:
        approve(world.assessments[people[-1]], team_decision="班子会议")
    assert refusal.value.code == "good_share_exceeded"

    assert call(client, world, "office", "DELETE", path)[0] == 204
    assert not call(client, world, "office", "GET", path)[1]["fixed"]


def test_a_weight_out_of_range_is_refused_by_rule(client: Client, world: World) -> None:
    path = f"/periods/{world.periods['organ'].pk}/quota-split"
    status, body = call(client, world, "office", "GET", f"{path}?frontline_weight=9")
    assert status == 400 and body["error"]["rule"] == "§八(一)"


def test_the_office_records_and_withdraws_a_refusal(client: Client, world: World) -> None:
    run_year(world, {})
    path = f"/annual/organ/{YEAR}/refusals"
    assert call(client, world, "office", "POST", path,
                {"person": "P-office", "note": " "})[0] == 400  # what happened, in words
    status, body = call(client, world, "office", "POST", path,
                        {"person": "P-office", "note": "拒不提交个人小结，经教育仍不改正"})
    assert status == 200 and body["refused"]
    _status, year = call(client, world, "office", "GET", f"/annual/organ/{YEAR}")
    row = next(r for r in year["rows"] if r["person"] == "P-office")
    assert row["recommended"] == "不称职"
    status, body = call(client, world, "office", "POST", f"/annual/organ/{YEAR}/decisions",
                        {"person": "P-office", "grade": "称职", "reason": "情有可原"})
    assert status == 409 and body["error"]["rule"] == "§十(一)"
    status, body = call(client, world, "office", "POST", path,
                        {"person": "P-office", "refused": False, "note": "经核实有正当理由"})
    assert status == 200 and not body["refused"]
