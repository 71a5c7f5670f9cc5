"""The bonus split over /api/v1/: the office sets the coefficients, tries an amount, records
the split; refusals in the API's error form, with their clause."""

from __future__ import annotations

from django.test import Client

from kaohe.accounts.models import ApiToken
from tests.bonus.test_split import decide
from tests.personas import World


def headers(world: World, persona: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {ApiToken.issue(world.users[persona], 't')[1]}"}


def test_the_office_sets_tries_and_records_a_split(world: World, client: Client) -> None:
    office = headers(world, "office")
    table = {"good": "1.50", "fairly_good": "1.00", "average": "0.50", "poor": "0.00",
             "undetermined": "1.00"}
    answer = client.put("/api/v1/organs/organ/bonus-coefficients/2025", table,
                        content_type="application/json", headers=office)
    assert answer.status_code == 200 and answer.json()["good"] == "1.50"
    period = world.periods["organ"].pk

    pending = client.post(f"/api/v1/periods/{period}/bonus", {"mode": "pool", "amount": "900"},
                          content_type="application/json", headers=office)
    assert pending.status_code == 409
    assert pending.json()["error"]["code"] == "grades_pending"
    assert pending.json()["error"]["rule"] == "§九(二)"

    decide(world)
    tried = client.get(f"/api/v1/periods/{period}/bonus?mode=base&amount=100",
                       headers=office).json()
    # 好 1.5 ×2, 较好 1.0 ×2, 一般 0.5, 较差 0: 100 × 5.5
    assert tried["total"] == "550.00" and tried["in_force"] is None

    recorded = client.post(f"/api/v1/periods/{period}/bonus", {"mode": "pool", "amount": "900"},
                           content_type="application/json", headers=office)
    assert recorded.status_code == 201
    body = recorded.json()
    assert body["in_force"]["amount"] == "900.00" and body["in_force"]["recorded_by"] == "office"
    assert sum(float(s["recorded"]) for s in body["shares"]) + float(body["remainder"]) == 900
    staff = next(s for s in body["shares"] if s["person"] == world.people["staff"].personnel_no)
    assert staff["grade"] == "好" and staff["amount"] == "245.45"  # 900 × 1.5 / 5.5


def test_coefficients_that_pay_good_no_more_are_refused(world: World, client: Client) -> None:
    answer = client.put("/api/v1/organs/organ/bonus-coefficients/2025",
                        {"good": "1", "fairly_good": "1", "average": "1", "poor": "0",
                         "undetermined": "1"},
                        content_type="application/json", headers=headers(world, "office"))
    assert answer.status_code == 400 and answer.json()["error"]["rule"] == "§九(二)"
