"""Service recipients' opinions over /api/v1/: the office lists, creates and stops links; the
reviewer reads a person's summary for the assessment's quarter; refusals in the API's error
form with their clause."""

from __future__ import annotations

import datetime

from django.test import Client
from django.utils import timezone

from kaohe.accounts.models import ApiToken
from kaohe.recipients.models import RecipientLink, RecipientOpinion
from tests.personas import World
from tests.recipients.conftest import FRONTLINE, make_link


def headers(world: World, persona: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {ApiToken.issue(world.users[persona], 't')[1]}"}


def test_the_office_creates_lists_and_stops_links(frontline: World, client: Client) -> None:
    office = headers(frontline, "office")
    until = (timezone.localdate() + datetime.timedelta(days=60)).isoformat()
    created = client.post("/api/v1/organs/organ/recipient-links",
                          {"person": f"P-{FRONTLINE}", "label": "3 号窗口",
                           "valid_until": until},
                          content_type="application/json", headers=office)
    assert created.status_code == 201, created.content
    body = created.json()
    link = RecipientLink.objects.get()
    assert body["url"] == f"http://testserver/r/{link.token}/"
    assert (body["quota"], body["received"], body["closed"]) == (200, 0, "")

    RecipientOpinion.objects.create(link=link, rating=5, day=timezone.localdate())
    listed = client.get("/api/v1/organs/organ/recipient-links", headers=office).json()
    assert [(item["id"], item["received"]) for item in listed] == [(link.pk, 1)]

    stopped = client.post(f"/api/v1/organs/organ/recipient-links/{link.pk}/deactivate",
                          headers=office)
    assert stopped.status_code == 200
    assert (stopped.json()["active"], stopped.json()["closed"]) == (False, "inactive")


def test_a_link_for_someone_not_on_a_front_line_post_is_refused(frontline: World,
                                                                client: Client) -> None:
    answer = client.post("/api/v1/organs/organ/recipient-links",
                         {"person": "P-staff", "valid_until": timezone.localdate().isoformat()},
                         content_type="application/json", headers=headers(frontline, "office"))
    assert answer.status_code == 400
    assert answer.json()["error"]["rule"] == "§七(三)" and "基层一线" in answer.json()[
        "error"]["message"]
    assert not RecipientLink.objects.exists()


def test_the_reviewer_reads_the_quarter_s_summary_the_person_does_not(
        frontline: World, client: Client) -> None:
    period = frontline.periods["organ"]
    link = make_link(frontline)
    RecipientOpinion.objects.bulk_create([
        RecipientOpinion(link=link, rating=5, comment="耐心", day=period.first_day),
        RecipientOpinion(link=link, rating=2, comment="", day=period.last_day),
        RecipientOpinion(link=link, rating=1, comment="别的季度",
                         day=period.last_day + datetime.timedelta(days=1))])
    url = f"/api/v1/assessments/{frontline.assessments[FRONTLINE].pk}/recipient-opinions"

    summary = client.get(url, headers=headers(frontline, "other_chief"))
    assert summary.status_code == 200, summary.content
    body = summary.json()
    assert (body["count"], body["average"], body["first_day"]) == (2, "3.50",
                                                                    str(period.first_day))
    assert body["distribution"][0] == {"rating": 5, "count": 1}
    assert body["latest"] == [{"day": str(period.first_day), "rating": 5, "text": "耐心"}]

    own = client.get(url, headers=headers(frontline, FRONTLINE))
    assert own.status_code == 403 and own.json()["error"]["rule"] == "§七(三)"
    assert client.get(url, headers=headers(frontline, "outsider")).status_code == 404
