"""The pages of service recipients' opinions: the public's form at /r/<token>/ without signing
in (CSRF, rate limits, refusals with nothing stored, a link stopped, expired or full), and the
office's tab with its QR card, for the office and nobody below the principal."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kaohe.recipients.models import RecipientLink, RecipientOpinion
from tests.personas import World
from tests.recipients.conftest import FRONTLINE, make_link


def form_url(link: RecipientLink) -> str:
    return reverse("recipient_opinion", args=[link.token])


# --- the public's form -------------------------------------------------------------------------

def test_a_recipient_rates_without_an_account(frontline: World) -> None:
    client = Client(enforce_csrf_checks=True)
    link = make_link(frontline)
    page = client.get(form_url(link))
    text = page.content.decode()
    assert page.status_code == 200 and "Other Staff" in text and "示例局" in text
    assert "3 号窗口" in text and "P-other_staff" not in text  # the name, not the records
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
    assert token is not None

    without_csrf = client.post(form_url(link), {"rating": "5", "comment": "耐心"})
    assert without_csrf.status_code == 403 and not RecipientOpinion.objects.exists()
    done = client.post(form_url(link), {"rating": "5", "comment": "耐心细致",
                                        "csrfmiddlewaretoken": token.group(1)}, follow=True)
    assert done.redirect_chain == [(reverse("recipient_thanks", args=[link.token]), 302)]
    assert "感谢您的评价" in done.content.decode()
    opinion = RecipientOpinion.objects.get()
    assert (opinion.link, opinion.rating, opinion.comment) == (link, 5, "耐心细致")
    assert "sessionid" not in client.cookies  # no session for the public


def test_abusive_input_is_refused_with_a_clear_message_and_nothing_stored(
        frontline: World, client: Client) -> None:
    link = make_link(frontline)
    for comment, says in [("领红包 http://example.com", "网址"),
                          ("<img src=x onerror=alert(1)>", "网页标记"),
                          ("！！！！！！", "重复的字符或标点"), ("傻逼", "侮辱性用语")]:
        response = client.post(form_url(link), {"rating": "1", "comment": comment})
        text = response.content.decode()
        assert response.status_code == 422 and says in text and "§七(三)" in text
        assert "<img src=x" not in text  # what was typed comes back as text
    assert client.post(form_url(link), {"comment": "很好"}).status_code == 422  # no rating
    assert not RecipientOpinion.objects.exists()


@override_settings(KAOHE_RECIPIENT_RATE_PER_LINK=2, KAOHE_RECIPIENT_RATE_PER_ADDRESS=3)
def test_submissions_are_rate_limited_per_link_and_per_address(frontline: World,
                                                               client: Client) -> None:
    window, hall = make_link(frontline), make_link(frontline, label="大厅")
    statuses = [client.post(form_url(window), {"rating": "5"}).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    held = client.post(form_url(window), {"rating": "5"})
    assert "分钟后再试" in held.content.decode() and int(held["Retry-After"]) >= 1
    # Another address is counted apart; the same address has one left for all links.
    assert client.post(form_url(window), {"rating": "4"},
                       REMOTE_ADDR="10.0.0.9").status_code == 302
    assert client.post(form_url(hall), {"rating": "5"}).status_code == 429
    assert RecipientOpinion.objects.count() == 3
    assert client.get(form_url(window)).status_code == 200  # reading the form is not limited


@pytest.mark.parametrize(("fields", "says"), [
    ({"active": False}, "已停用"),
    ({"valid_until": datetime.date(2020, 1, 1)}, "已过有效期"),
    ({"quota": 1}, "已达上限"),
])
def test_a_link_no_longer_taking_opinions_says_so(frontline: World, client: Client,
                                                  fields: dict[str, object], says: str) -> None:
    link = make_link(frontline, **fields)
    if "quota" in fields:
        RecipientOpinion.objects.create(link=link, rating=5, day=timezone.localdate())
    for response in (client.get(form_url(link)), client.post(form_url(link), {"rating": "5"})):
        text = response.content.decode()
        assert response.status_code == 410 and says in text and "Other Staff" not in text
    assert RecipientOpinion.objects.count() == ("quota" in fields)


def test_an_unknown_link_is_not_found(frontline: World, client: Client) -> None:
    assert client.get("/r/notalink0000000000000/").status_code == 404
    assert client.get("/r/notalink0000000000000/thanks/").status_code == 404
    assert client.get("/r/" + "a" * 40 + "/").status_code == 404


# --- the office's tab --------------------------------------------------------------------------

def links_url(world: World) -> str:
    return reverse("recipient_links", args=[world.organ.code])


@pytest.mark.parametrize(("persona", "status"), [
    ("office", 200), ("principal", 200), ("chief", 403), ("leader", 403),
    ("org_department", 403), ("staff", 404), ("outsider", 404)])
def test_who_sees_the_links(frontline: World, client_for: Callable[[str | None], Client],
                            persona: str, status: int) -> None:
    link = make_link(frontline)
    client = client_for(persona)
    assert client.get(links_url(frontline)).status_code == status
    card = reverse("recipient_link_card", args=[frontline.organ.code, link.pk])
    assert client.get(card).status_code == status


def test_the_office_creates_a_link_and_prints_its_card(
        frontline: World, client_for: Callable[[str | None], Client]) -> None:
    client = client_for("office")
    page = client.get(links_url(frontline)).content.decode()
    person = frontline.people[FRONTLINE]
    assert f'value="{person.pk}"' in page
    assert f'value="{frontline.people["staff"].pk}"' not in page  # not on a front-line post
    a_year = timezone.localdate() + datetime.timedelta(days=365)
    assert f'type="date" name="valid_until" value="{a_year.isoformat()}"' in page
    until = (timezone.localdate() + datetime.timedelta(days=90)).isoformat()
    done = client.post(links_url(frontline), {"person": person.pk, "label": "3 号窗口",
                                              "valid_until": until, "quota": "100"},
                       follow=True)
    assert "已创建链接" in done.content.decode()
    link = RecipientLink.objects.get()
    assert (link.person, link.quota, link.created_by) == (person, 100, frontline.users["office"])
    assert "0 / 100" in done.content.decode() and "收集中" in done.content.decode()

    card = client.get(reverse("recipient_link_card", args=[frontline.organ.code, link.pk]))
    text = card.content.decode()
    assert "<svg" in text and f"http://testserver/r/{link.token}/" in text
    with override_settings(KAOHE_RECIPIENTS_URL="https://pj.example.gov.cn"):
        text = client.get(card.wsgi_request.path).content.decode()
    assert f"https://pj.example.gov.cn/r/{link.token}/" in text


def test_a_refused_link_keeps_what_was_typed(frontline: World,
                                             client_for: Callable[[str | None], Client]) -> None:
    client = client_for("office")
    response = client.post(links_url(frontline), {
        "person": frontline.people[FRONTLINE].pk, "label": "大厅",
        "valid_until": "2020-01-01", "quota": "100"})
    text = response.content.decode()
    assert response.status_code == 422 and "有效期须在今天到一年之内" in text
    assert 'value="大厅"' in text and not RecipientLink.objects.exists()


def test_the_office_stops_a_link_the_principal_may_not(
        frontline: World, client_for: Callable[[str | None], Client]) -> None:
    link = make_link(frontline)
    url = reverse("recipient_link_deactivate", args=[frontline.organ.code, link.pk])
    assert client_for("principal").post(url).status_code == 403
    assert client_for("principal").post(links_url(frontline), {}).status_code == 403
    assert RecipientLink.objects.get().active
    done = client_for("office").post(url, follow=True)
    assert "已停用链接" in done.content.decode()
    assert not RecipientLink.objects.get().active


def test_the_list_costs_the_same_whatever_the_number_of_links(
        frontline: World, client_for: Callable[[str | None], Client]) -> None:
    client = client_for("office")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(links_url(frontline)).status_code == 200
        return len(captured.captured_queries)

    make_link(frontline)
    one = queries()
    for _ in range(5):
        RecipientOpinion.objects.create(link=make_link(frontline), rating=3,
                                        day=timezone.localdate())
    assert queries() == one
