"""民主测评 over /api/v1/: the office opens a ballot, a voter reads their sheet and votes once,
the office ends voting and reads the results."""

from __future__ import annotations

from django.test import Client
from django.utils import timezone

from kaohe.accounts.models import ApiToken
from tests.personas import World


def bearer(world: World, persona: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {ApiToken.issue(world.users[persona], 't')[1]}"}


def test_a_ballot_through_the_api(world: World, client: Client) -> None:
    office, colleague = bearer(world, "office"), bearer(world, "colleague")
    today = timezone.localdate().isoformat()
    opened = client.post("/api/v1/organs/organ/ballots", {
        "title": "三季度测评", "year": 2025, "quarter": 3, "opens_on": today, "closes_on": today,
        "questions": ["德", "能"], "min_votes": 1}, content_type="application/json",
        headers=office)
    assert opened.status_code == 201
    ballot = opened.json()["id"]
    assert [b["id"] for b in client.get("/api/v1/ballots", headers=colleague).json()] == [ballot]

    sheet = client.get(f"/api/v1/ballots/{ballot}/sheet", headers=colleague).json()
    answers = {c["person"]: ["好", "较好"] for c in sheet["candidates"]}
    send = {"answers": answers}
    assert client.post(f"/api/v1/ballots/{ballot}/votes", send, content_type="application/json",
                       headers=colleague).status_code == 204
    twice = client.post(f"/api/v1/ballots/{ballot}/votes", send,
                        content_type="application/json", headers=colleague)
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "already_voted"
    assert client.get("/api/v1/ballots", headers=colleague).json() == []

    early = client.get(f"/api/v1/ballots/{ballot}/results", headers=office)
    assert early.status_code == 409 and early.json()["error"]["code"] == "not_ended"
    client.post(f"/api/v1/ballots/{ballot}/close", headers=office)
    results = client.get(f"/api/v1/ballots/{ballot}/results", headers=office).json()
    staff = next(r for r in results if r["person"] == world.people["staff"].personnel_no)
    assert staff["weighted"] == "90.00"  # (100 + 80) / 2 from the one colleague
