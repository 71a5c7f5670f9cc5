"""A whole quarter of the demo organ through the API alone: open, summaries, review, approval
under the 40 % cap (the 9th 好 is refused), feedback, acknowledgement, publication, closing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client

from kaohe.accounts.models import ApiToken, User
from kaohe.org.demo import load_demo
from kaohe.org.models import Category, Person

pytestmark = pytest.mark.django_db

ORGAN = "qc-sthjj"
INDICATORS = ["political", "ethics", "style", "integrity", "attendance",
              "quantity", "quality", "efficiency", "results", "ability"]


class Api:
    def __init__(self) -> None:
        self.client = Client()
        self.tokens: dict[str, str] = {}

    def call(self, username: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        if username not in self.tokens:
            self.tokens[username] = ApiToken.issue(User.objects.get(username=username), "t")[1]
        headers = {"Authorization": f"Bearer {self.tokens[username]}"}
        if method == "GET":
            response = self.client.get(f"/api/v1{path}", headers=headers)
        else:
            response = self.client.post(f"/api/v1{path}", body or {},
                                        content_type="application/json", headers=headers)
        return response.status_code, response.json()

    def ok(self, username: str, method: str, path: str, body: Any = None) -> Any:
        status, data = self.call(username, method, path, body)
        assert status in (200, 201), (path, username, data)
        return data


def reviewer_of(person: Person) -> str:
    if person.category == Category.CHIEF:
        assert person.section and person.section.leader_in_charge
        return person.section.leader_in_charge.user.username  # type: ignore[union-attr]
    chief = Person.objects.get(section=person.section, category=Category.CHIEF)
    return chief.user.username  # type: ignore[union-attr]


def approver_of(person: Person) -> str:
    if person.category == Category.CHIEF:
        return "zhoujg"  # the principal
    return person.section.leader_in_charge.user.username  # type: ignore[union-attr]


def scores(value: int) -> dict[str, int]:
    return dict.fromkeys(INDICATORS, value)


def test_a_whole_quarter_through_the_api() -> None:
    load_demo()
    api = Api()
    period = api.ok("zhaowj", "POST", "/periods", {"organ": ORGAN, "year": 2025, "quarter": 3})
    assert period["assessments"] == 21
    again = api.ok("zhaowj", "POST", "/periods", {"organ": ORGAN, "year": 2025, "quarter": 3})
    assert again["id"] == period["id"] and again["assessments"] == 21  # idempotent
    quota = api.ok("zhaowj", "GET", f"/periods/{period['id']}/quota")
    assert quota == {"participants": 21, "ratio": "0.400", "limit": 8, "used": 0, "remaining": 8}

    assessments = api.ok("zhaowj", "GET", f"/assessments?period={period['id']}")
    people = {p.personnel_no: p for p in Person.objects.select_related("section", "user")}
    by_id = {a["person"]["id"]: a["id"] for a in assessments}

    # Everyone writes and submits a summary; one is returned for rework and resubmitted.
    for number, pk in by_id.items():
        own = people[number].user.username  # type: ignore[union-attr]
        api.ok(own, "POST", f"/assessments/{pk}/summary", {"text": f"{number} 本季度工作小结"})
        api.ok(own, "POST", f"/assessments/{pk}/submit")
    first = by_id["QC0202"]
    api.ok("zhenghf", "POST", f"/assessments/{first}/return", {"reason": "请补充具体工作量"})
    api.ok("fengx", "POST", f"/assessments/{first}/submit")

    # Nine are proposed 好 (score 95), the others 较好 (score 85).
    good = sorted(by_id)[:9]
    for number, pk in by_id.items():
        value, grade = (95, "好") if number in good else (85, "较好")
        api.ok(reviewer_of(people[number]), "POST", f"/assessments/{pk}/propose",
               {"scores": scores(value), "grade": grade, "comment": "认真负责"})

    # Approval: eight 好 pass, the ninth is refused with the numbers and the rule.
    refused = None
    for number in good:
        status, body = api.call(approver_of(people[number]), "POST",
                                f"/assessments/{by_id[number]}/approve", {})
        if status == 409:
            refused = (number, body)
        else:
            assert status == 200
    assert refused is not None
    number, body = refused
    assert body["error"]["code"] == "good_quota_exceeded"
    assert body["error"]["rule"].startswith("§八(一)")
    assert "21" in body["error"]["message"] and "8" in body["error"]["message"]
    api.ok(approver_of(people[number]), "POST", f"/assessments/{by_id[number]}/approve",
           {"grade": "较好", "reason": "名额所限"})
    for number in sorted(set(by_id) - set(good)):
        api.ok(approver_of(people[number]), "POST", f"/assessments/{by_id[number]}/approve", {})
    assert api.ok("zhaowj", "GET", f"/periods/{period['id']}/quota")["used"] == 8

    # Feedback by the supervising leader, acknowledgement by the person.
    given_on = datetime.date(2025, 9, 29)
    for number, pk in by_id.items():
        data = api.ok(reviewer_of(people[number]), "POST", f"/assessments/{pk}/feedback",
                      {"method": "talk", "given_on": str(given_on), "text": "肯定成绩，指出不足"})
        assert data["appeal_deadline"] == "2025-10-13"  # National Day and 调休 counted
        api.ok(people[number].user.username, "POST",  # type: ignore[union-attr]
               f"/assessments/{pk}/acknowledge", {"opinion": "无异议"})

    published = api.ok("fengx", "GET", f"/periods/{period['id']}/published")
    assert published == {"period": period["id"], "published": False, "good": []}
    api.ok("zhaowj", "POST", f"/periods/{period['id']}/publish")
    published = api.ok("fengx", "GET", f"/periods/{period['id']}/published")
    assert len(published["good"]) == 8
    closed = api.ok("zhaowj", "POST", f"/periods/{period['id']}/close")
    assert closed["state"] == "closed"

    # Closed means frozen.
    status, body = api.call("fengx", "POST", f"/assessments/{first}/acknowledge", {})
    assert status == 409 and body["error"]["code"] == "period_closed"
    detail = api.ok("fengx", "GET", f"/assessments/{first}")
    actions = [h["action"] for h in detail["history"]]
    assert actions == ["save_summary", "submit", "return", "submit", "propose", "approve",
                       "feedback", "acknowledge"]


def test_the_assessment_list_comes_in_pages_linked_to_the_next() -> None:
    load_demo()
    api = Api()
    period = api.ok("zhaowj", "POST", "/periods", {"organ": ORGAN, "year": 2025, "quarter": 3})
    everything = api.ok("zhaowj", "GET", f"/assessments?period={period['id']}")
    assert len(everything) == 21  # under the default page size: the same list as before
    token = {"Authorization": f"Bearer {api.tokens['zhaowj']}"}
    pages, path = [], f"/api/v1/assessments?period={period['id']}&limit=8"
    while path:
        response = api.client.get(path, headers=token)
        assert response.status_code == 200
        pages.append([row["id"] for row in response.json()])
        link = response.headers.get("Link", "")
        path = link[1:link.index(">")] if link else ""
    assert [len(page) for page in pages] == [8, 8, 5]
    assert [pk for page in pages for pk in page] == [row["id"] for row in everything]  # in order
    assert api.ok("zhaowj", "GET", f"/assessments?period={period['id']}&offset=21") == []
    for wrong in ("limit=0", "limit=1001", "offset=-1"):
        status, body = api.call("zhaowj", "GET", f"/assessments?{wrong}")
        assert status == 400 and body["error"]["code"], wrong  # the validation error body
