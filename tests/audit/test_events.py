"""What is recorded: changes with old and new values and the reason, by whom and from where;
logins, failed logins and refusals."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from kaohe.assessments import services
from kaohe.assessments.models import Assessment
from kaohe.audit.models import AuditEvent
from kaohe.org.models import Person
from tests.personas import PASSWORD, World


def events(**filters: object) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(**filters).order_by("seq"))


def test_a_summary_change_is_recorded_with_who_where_old_and_new(
        world: World, client_for: Callable[[str | None], Client]) -> None:
    assessment = world.assessments["staff"]
    client = client_for("staff")
    client.post(reverse("assessment_summary", args=[assessment.pk]), {"text": "第一稿"},
                REMOTE_ADDR="10.1.2.3")
    client.post(reverse("assessment_summary", args=[assessment.pk]), {"text": "第二稿"},
                REMOTE_ADDR="10.1.2.3")
    change = events(action="update", object_type="assessments.assessment",
                    object_id=str(assessment.pk))[-1]
    assert change.username == "staff" and change.ip == "10.1.2.3"
    assert change.old == {"summary": "第一稿"} and change.new == {"summary": "第二稿"}


def test_a_send_back_keeps_its_reason(world: World) -> None:
    assessment = world.assessments["staff"]
    Assessment.objects.filter(pk=assessment.pk).update(state="proposed")
    services.assessment_send_back(assessment=assessment, by=world.users["leader"],
                                  reason="评语与记实不符")
    transition = events(action="create", object_type="assessments.transition")[-1]
    assert transition.reason == "评语与记实不符"
    assert transition.username == "leader"  # no request: the service's `by`
    state = events(action="update", object_type="assessments.assessment")[-1]
    assert state.old == {"state": "proposed"} and state.new == {"state": "sent_back"}


def test_people_leave_and_deletions_are_recorded(world: World) -> None:
    person = world.people["staff"]
    person.title = "一级主任科员"
    person.save()
    assert events(action="update", object_type="org.person")[-1].new == {"title": "一级主任科员"}
    leave = services.leave_record(person=person, kind="sick", start=world.periods["organ"]
                                  .first_day, end=world.periods["organ"].first_day,
                                  by=world.users["office"])
    assert events(action="create", object_type="assessments.leave")[-1].username == "office"
    leave_id = leave.pk
    leave.delete()
    deleted = events(action="delete", object_type="assessments.leave")[-1]
    assert deleted.object_id == str(leave_id) and deleted.old["kind"] == "sick"


def test_permissions_and_roles_are_recorded_and_passwords_never_shown(world: World) -> None:
    from django.contrib.auth.models import Group

    user = world.users["colleague"]
    user.set_password("Another-pass-2025")
    user.is_staff = True
    user.save()
    change = events(action="update", object_type="accounts.user")[-1]
    assert change.new["password"] == "******" and change.new["is_staff"] is True
    assert "Another" not in str(change.new) and "md5" not in str(change.old)
    group = Group.objects.create(name="审核")
    user.groups.add(group)
    added = events(action="permissions.add")[-1]
    assert added.object_id == str(user.pk) and added.new["ids"] == [group.pk]


def test_logins_failures_and_logouts_are_recorded(world: World, client: Client) -> None:
    client.post(reverse("login"), {"username": "staff", "password": "wrong"},
                REMOTE_ADDR="10.9.9.9")
    failed = events(action="login_failed")[-1]
    assert failed.object_repr == "staff" and failed.ip == "10.9.9.9" and failed.user_id is None
    client.post(reverse("login"), {"username": "staff", "password": PASSWORD})
    assert events(action="login")[-1].username == "staff"
    client.post(reverse("logout"))
    assert events(action="logout")[-1].username == "staff"


def test_refusals_to_signed_in_users_are_recorded(
        world: World, client_for: Callable[[str | None], Client]) -> None:
    other = world.assessments["other_staff"]
    response = client_for("staff").get(reverse("assessment_detail", args=[other.pk]))
    assert response.status_code == 404
    refusal = events(action="refused")[-1]
    assert refusal.username == "staff" and refusal.new == {"status": 404}
    assert refusal.object_repr == reverse("assessment_detail", args=[other.pk])


def test_a_forged_forwarded_address_is_ignored_without_a_trusted_proxy(
        world: World, client: Client, settings: object) -> None:
    client.post(reverse("login"), {"username": "staff", "password": "wrong"},
                REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert events(action="login_failed")[-1].ip == "10.0.0.1"


def test_behind_a_trusted_proxy_the_client_address_is_recorded(
        world: World, client: Client, settings: object) -> None:
    settings.KAOHE_PROXY_COUNT = 1  # type: ignore[attr-defined]
    client.post(reverse("login"), {"username": "staff", "password": "wrong"},
                REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 172.16.0.9")
    assert events(action="login_failed")[-1].ip == "172.16.0.9"
    client.post(reverse("login"), {"username": "staff", "password": "wrong"},
                REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="not-an-address")
    assert events(action="login_failed")[-1].ip == "10.0.0.1"


def test_opening_a_quarter_is_one_event_with_the_count(world: World) -> None:
    period = services.period_open(organ=world.organ, year=2025, quarter=4,
                                  by=world.users["office"])
    opened = events(action="period.open")[-1]
    taking_part = Person.objects.filter(organ=world.organ, category__in=["chief", "staff"])
    assert opened.object_id == str(period.pk)
    assert opened.new == {"assessments_created": taking_part.count()}
    assert opened.username == "office"


def test_unlocking_an_account_is_recorded(world: World) -> None:
    from kaohe.accounts import services as account_services

    account_services.account_unlock(by=world.users["secadmin"], username="staff")
    unlock = events(action="account.unlock")[-1]
    assert unlock.username == "secadmin" and unlock.object_repr == "staff"


def test_a_second_factor_is_recorded_without_its_key(world: World) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=world.users["office"], name="phone", confirmed=False)
    created = events(action="create", object_type="otp_totp.totpdevice")[-1]
    assert created.new["key"] == "******" and device.key not in str(created.new)
    device.last_t = 12345
    device.save()
    assert events(action="update", object_type="otp_totp.totpdevice") == []


def test_a_download_is_recorded_as_an_export(
        world: World, client_for: Callable[[str | None], Client]) -> None:
    period = world.periods["organ"]
    response = client_for("office").get(reverse("quarter_results_xlsx", args=[period.pk]))
    assert response.status_code == 200
    export = events(action="export")[-1]
    assert export.username == "office" and export.object_repr.endswith(".xlsx")
