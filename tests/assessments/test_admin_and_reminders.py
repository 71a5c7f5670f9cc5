"""The office configures its plan in the admin before it is in force (refused when weights do
not add up; tests/security/test_admin_duties.py for a plan in force), and `kaohe
send-reminders` tells people what is due."""

from __future__ import annotations

import io
from collections.abc import Callable

from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.test import Client

from kaohe.assessments.models import Notification
from kaohe.plans.models import YearPlan
from kaohe.plans.services import plan_for
from tests.personas import World

Sign = Callable[[str | None], Client]


def next_plan(world: World) -> YearPlan:
    """The organ's plan for the coming year: no quarter opened under it yet."""
    return plan_for(organ=world.organ, year=2026)


def plan_form(plan: YearPlan, weights: list[str]) -> dict[str, str]:
    indicators = list(plan.indicators.order_by("id"))
    data = {f: str(getattr(plan, f)) for f in [
        "first_quarter", "common_weight", "individual_weight", "ballot_weight", "band_good",
        "band_fairly_good", "band_average", "good_ratio", "good_rounding"]}
    data.update({"organ": str(plan.organ_id), "year": str(plan.year),
                 "base_includes_undetermined": "on", "direct_good_counts": "on",
                 "indicators-TOTAL_FORMS": str(len(indicators)),
                 "indicators-INITIAL_FORMS": str(len(indicators)),
                 "indicators-MIN_NUM_FORMS": "0", "indicators-MAX_NUM_FORMS": "1000",
                 "amendments-TOTAL_FORMS": "0", "amendments-INITIAL_FORMS": "0"})
    for i, (indicator, weight) in enumerate(zip(indicators, weights, strict=True)):
        row = {"id": str(indicator.pk), "plan": str(plan.pk), "group": indicator.group,
               "code": indicator.code, "name": indicator.name, "weight": weight,
               "position": str(indicator.position), "description": indicator.description}
        data.update({f"indicators-{i}-{key}": value for key, value in row.items()})
    return data


def test_office_edits_weights_and_a_wrong_total_is_refused(client_for: Sign,
                                                           world: World) -> None:
    plan = next_plan(world)
    url = f"/admin/plans/yearplan/{plan.pk}/change/"
    client = client_for("office")
    assert client.get(url).status_code == 200
    wrong = plan_form(plan, ["30", "20", "20", "20", "20"] + ["20"] * 5)
    page = client.post(url, wrong).content.decode()
    assert "组内权重之和须为 100%" in page
    assert sorted(str(w) for w in plan.indicators.values_list("weight", flat=True))[0] == "20.00"
    right = plan_form(plan, ["40", "15", "15", "15", "15"] + ["20"] * 5)
    assert client.post(url, right).status_code == 302
    assert plan.indicators.get(code="political").weight == 40


def test_a_ratio_above_forty_percent_is_refused(client_for: Sign, world: World) -> None:
    plan = next_plan(world)
    data = plan_form(plan, ["20"] * 10)
    data["good_ratio"] = "0.5"
    page = client_for("office").post(f"/admin/plans/yearplan/{plan.pk}/change/", data)
    assert "不超过 0.4" in page.content.decode()


def test_other_organs_plan_is_out_of_reach(client_for: Sign, world: World) -> None:
    plan = world.periods["other"].plan
    response = client_for("office").get(f"/admin/plans/yearplan/{plan.pk}/change/")
    assert response.status_code == 302  # the admin's "does not exist"


def test_reminders_reach_people_with_work_due(world: World) -> None:
    world.users["staff"].email = "staff@example.gov.cn"
    world.users["staff"].save()
    call_command("send_reminders", "--now", stdout=io.StringIO())
    note = Notification.objects.get(user=world.users["staff"])
    assert "个人小结" in note.text
    assert [m.to for m in mail.outbox if m.to == ["staff@example.gov.cn"]]
    assert not Notification.objects.filter(user=world.users["sysadmin"]).exists()


def test_a_reminder_reads_in_the_readers_language(client_for: Sign, world: World) -> None:
    call_command("send_reminders", "--now", stdout=io.StringIO())
    note = Notification.objects.get(user=world.users["staff"])
    assert note.text == "请提交 2025 年第三季度 的个人小结"  # as e-mailed
    client = client_for("staff")
    assert "请提交 2025 年第三季度 的个人小结" in client.get("/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/").content.decode()
    assert "Please submit your personal summary for 2025 Q3" in page and "个人小结" not in page
