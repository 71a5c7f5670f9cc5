"""三员分立: the system, security and audit administrators are separate accounts with powers
that do not overlap, and none can grant themselves or each other another's powers."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from kaohe.accounts import services
from kaohe.accounts.models import TechnicalRole, User
from kaohe.errors import NotAllowed
from kaohe.org.access import actor_for
from kaohe.org.models import Person
from tests.personas import PERSONAS, World

TECHNICAL = ["sysadmin", "secadmin", "auditadmin"]
SECURITY_ACTIONS = {
    "security_unlock": {"username": "staff"},
    "security_force_password": {"username": "staff"},
    "security_reset_second_factor": {"username": "staff"},
    "security_policy": {"organ": "organ", "required": "on"},
}


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "secadmin"])
@pytest.mark.parametrize("route", sorted(SECURITY_ACTIONS))
def test_security_actions_are_nobody_elses(client_for, world: World, persona: str,
                                           route: str) -> None:
    client = client_for(persona)
    assert client.post(reverse(route), SECURITY_ACTIONS[route]).status_code == 404
    assert client.get(reverse(route)).status_code == 404
    assert not world.users["staff"].__class__.objects.get(username="staff").must_change_password


@pytest.mark.parametrize("route", sorted(SECURITY_ACTIONS))
def test_security_actions_ask_to_sign_in(client: Client, world: World, route: str) -> None:
    response = client.post(reverse(route), SECURITY_ACTIONS[route])
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["secadmin", "auditadmin"])
def test_only_the_system_administrator_reaches_the_admin(client_for, persona: str) -> None:
    client = client_for(persona)
    assert client.get("/admin/").status_code == 302  # the admin's own "sign in first"
    assert client.get("/admin/accounts/user/").status_code == 302


@pytest.mark.parametrize("persona", ["sysadmin", "secadmin"])
def test_the_audit_log_is_the_audit_administrators_only(client_for, persona: str) -> None:
    client = client_for(persona)
    assert client.get(reverse("audit_events")).status_code == 404
    assert client.post(reverse("audit_verify")).status_code == 404


@pytest.mark.parametrize("persona", ["secadmin", "auditadmin"])
def test_security_and_audit_administrators_see_no_organ_data(client_for, world: World,
                                                             persona: str) -> None:
    client = client_for(persona)
    assert client.get(reverse("organ_detail", args=["organ"])).status_code == 404
    assert client.get(reverse("person_detail", args=["P-staff"])).status_code == 404
    assert client.get(reverse("assessment_detail",
                              args=[world.assessments["staff"].pk])).status_code == 404


def test_the_system_administrator_sees_no_grades(client_for, world: World) -> None:
    client = client_for("sysadmin")
    assert client.get(reverse("assessment_detail",
                              args=[world.assessments["staff"].pk])).status_code == 404


def test_the_admin_account_form_offers_no_powers(client_for, world: World) -> None:
    client = client_for("sysadmin")
    for url in [f"/admin/accounts/user/{world.users['staff'].pk}/change/",
                "/admin/accounts/user/add/"]:
        page = client.get(url).content.decode()
        for field in ["technical_role", "is_superuser", "is_staff", "groups",
                      "user_permissions"]:
            assert f'name="{field}"' not in page, (url, field)


def test_a_crafted_post_grants_nothing(client_for, world: World) -> None:
    client = client_for("sysadmin")
    staff = world.users["staff"]
    response = client.post(f"/admin/accounts/user/{staff.pk}/change/", {
        "username": "staff", "first_name": "Staff", "email": "", "is_active": "on",
        "technical_role": "security", "is_superuser": "on", "is_staff": "on",
        "groups": "1", "user_permissions": "1",
    })
    assert response.status_code == 302  # saved ...
    staff.refresh_from_db()
    assert staff.technical_role == "" and not staff.is_superuser and not staff.is_staff
    response = client.post("/admin/accounts/user/add/", {
        "username": "newbie", "usable_password": "true", "password1": "Spring-field-2026",
        "password2": "Spring-field-2026", "technical_role": "audit", "is_superuser": "on",
    })
    assert response.status_code == 302
    newbie = User.objects.get(username="newbie")
    assert newbie.technical_role == "" and not newbie.is_superuser  # ... but not these


@pytest.mark.parametrize("target", ["sysadmin", "secadmin", "auditadmin"])
def test_the_system_administrator_cannot_touch_technical_accounts(client_for, world: World,
                                                                  target: str) -> None:
    """Setting the security or audit administrator's password would make one them."""
    client = client_for("sysadmin")
    pk = world.users[target].pk
    listing = client.get("/admin/accounts/user/").content.decode()
    assert f"/admin/accounts/user/{pk}/change/" not in listing
    assert f"/admin/accounts/user/{world.users['staff'].pk}/change/" in listing
    assert client.get(f"/admin/accounts/user/{pk}/change/").status_code == 302  # "no such"
    response = client.post(f"/admin/accounts/user/{pk}/password/", {
        "password1": "Taken-over-2026", "password2": "Taken-over-2026"})
    assert response.status_code in {302, 404}
    assert not User.objects.get(pk=pk).check_password("Taken-over-2026")


@pytest.mark.parametrize("by", ["sysadmin", "auditadmin", "office", "staff"])
def test_security_services_refuse_anyone_else(world: World, by: str) -> None:
    user = world.users[by]
    with pytest.raises(NotAllowed):
        services.password_change_force(by=user, user=world.users["staff"])
    with pytest.raises(NotAllowed):
        services.second_factor_reset(by=user, user=world.users["staff"])
    with pytest.raises(NotAllowed):
        services.second_factor_policy_set(by=user, organ=world.organ, required=True)


def test_the_security_administrator_cannot_reset_their_own_second_factor(world: World) -> None:
    secadmin = world.users["secadmin"]
    with pytest.raises(NotAllowed):
        services.second_factor_reset(by=secadmin, user=secadmin)


def test_the_security_page_grants_no_roles(client_for, world: World) -> None:
    """Its forms act on passwords, second factors, lockouts and policy; a role in a crafted
    POST is ignored."""
    client = client_for("secadmin")
    page = client.get(reverse("security_overview")).content.decode()
    assert "technical_role" not in page and "is_superuser" not in page
    client.post(reverse("security_force_password"),
                {"username": "secadmin", "technical_role": "system"})
    assert User.objects.get(username="secadmin").technical_role == TechnicalRole.SECURITY


def test_one_account_holds_one_technical_role(world: World) -> None:
    with pytest.raises(CommandError, match="已存在"):
        call_command("admin_account", "secadmin", "--role", "audit",
                     "--password", "Other-role-2026", stdout=StringIO())
    with pytest.raises(CommandError, match="已存在"):
        call_command("admin_account", "staff", "--role", "system",
                     "--password", "Other-role-2026", stdout=StringIO())
    with transaction.atomic(), pytest.raises(IntegrityError):
        User.objects.filter(username="secadmin").update(technical_role="security,audit")


def test_technical_administrators_hold_no_organ_roles(world: World) -> None:
    """Even if an office linked a technical administrator's account to a person, or put it in
    an organization department, it gives them nothing."""
    secadmin = world.users["secadmin"]
    Person.objects.filter(pk=world.people["principal"].pk).update(user=None)
    Person.objects.create(personnel_no="P-sec", name="Sec", user=secadmin,
                          organ=world.organ, category="staff")
    world.organ.principal = Person.objects.get(personnel_no="P-sec")
    world.organ.save()
    world.organ.filed_with.members.add(world.users["auditadmin"])
    for key in ["secadmin", "auditadmin"]:
        actor = actor_for(User.objects.get(username=key))
        assert actor.person is None and not actor.roles and not actor.whole_organ_ids
        assert not actor.department_organ_ids


def test_every_technical_administrator_is_a_separate_account(world: World) -> None:
    roles = {world.users[p].technical_role for p in TECHNICAL}
    assert roles == {TechnicalRole.SYSTEM, TechnicalRole.SECURITY, TechnicalRole.AUDIT}
    assert len({world.users[p].pk for p in TECHNICAL}) == 3
