"""What each role sees on its pages (the access matrix checks the statuses)."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kaohe.assessments.models import FollowUp, FollowUpKind, LiaisonRequest
from kaohe.org.models import Person, Section
from tests.personas import World

Sign = Callable[[str | None], Client]


def test_chief_home_lists_own_section_people_only(world: World, client_for: Sign) -> None:
    page = client_for("chief").get(reverse("home")).content.decode()
    assert "甲科" in page and "Staff" in page and "Colleague" in page
    assert "Other Staff" not in page
    active = Person.objects.filter(section=world.section_a, active=True).count()
    assert f"<small>{active} 人</small>" in page  # the card counts whom it lists


def test_leader_home_lists_overseen_sections(world: World, client_for: Sign) -> None:
    page = client_for("leader").get(reverse("home")).content.decode()
    assert "分管领导" in page and "甲科" in page and "乙科" not in page
    # A section with nobody in it yet still has its card, after the others.
    Section.objects.create(organ=world.organ, code="z", name="新设科",
                           leader_in_charge=world.people["leader"])
    page = client_for("leader").get(reverse("home")).content.decode()
    cards = page.split('data-testid="my-section"')[1:]
    assert "甲科" in cards[0] and "新设科" in cards[-1]
    assert "<small>0 人</small>" in cards[-1] and "无可查看的人员" in cards[-1]


def test_a_sections_people_are_listed_with_a_link_each(world: World, client_for: Sign) -> None:
    Person.objects.filter(pk=world.people["colleague"].pk).update(
        name="<b>王</b>", frontline=True, title="科员")
    page = client_for("chief").get(reverse("section_detail", args=["organ", "a"])).content.decode()
    row = page.split("<td>P-colleague</td>")[1].split("</tr>")[0]
    assert row == ('<td><a href="/people/P-colleague/">&lt;b&gt;王&lt;/b&gt;</a></td>\n'
                   "      <td>科室工作人员</td><td>科员</td><td></td><td>✓</td>")
    # A personnel number no address can hold is listed without a link, not an error.
    Person.objects.filter(pk=world.people["colleague"].pk).update(personnel_no="2019/7")
    page = client_for("chief").get(reverse("section_detail", args=["organ", "a"])).content.decode()
    assert "<td>2019/7</td><td>&lt;b&gt;王&lt;/b&gt;</td>" in page


def test_staff_home_shows_self_and_no_colleagues(client_for: Sign) -> None:
    page = client_for("staff").get(reverse("home")).content.decode()
    assert "科室工作人员" in page and "P-staff" in page
    assert "Colleague" not in page


def test_office_and_principal_see_the_organ_with_counts(client_for: Sign) -> None:
    for persona in ["office", "principal"]:
        page = client_for(persona).get(reverse("home")).content.decode()
        assert "示例局" in page and "他局" not in page


def test_section_page_shows_only_people_in_scope(client_for: Sign) -> None:
    url = reverse("section_detail", args=["organ", "a"])
    assert "Colleague" not in client_for("staff").get(url).content.decode()
    assert "Colleague" in client_for("chief").get(url).content.decode()


def test_org_department_sees_filed_organs_only(client_for: Sign) -> None:
    page = client_for("org_department").get(reverse("organ_list")).content.decode()
    assert "示例局" in page and "他局" not in page


def test_initial_password_must_be_changed_first(client: Client, world: World) -> None:
    user = world.users["staff"]
    user.must_change_password = True
    user.save()
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("password_change")
    response = client.post(reverse("password_change"), {
        "old_password": "Persona-pass-2025", "new_password1": "Brand-new-secret-77",
        "new_password2": "Brand-new-secret-77"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password
    assert client.get(reverse("home")).status_code == 200


def test_weak_new_password_is_refused_with_reasons(client_for: Sign) -> None:
    response = client_for("staff").post(reverse("password_change"), {
        "old_password": "Persona-pass-2025", "new_password1": "12345678",
        "new_password2": "12345678"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "密码" in page and "errorlist" in page


def test_english_is_available(client_for: Sign) -> None:
    client = client_for("chief")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("home")).content.decode()
    assert "Section chief" in page and "科室正职" not in page


def test_the_home_counts_what_waits_on_the_person(world: World, client_for: Sign) -> None:
    """Requests for the liaison's opinion still unanswered and follow-ups still open are counted
    on the to-do list; those answered or done are not."""
    staff, colleague = world.assessments["staff"], world.people["colleague"]
    for answered_at in (None, timezone.now()):
        LiaisonRequest.objects.create(assessment=staff, liaison=colleague, question="?",
                                      asked_by=world.users["chief"], answered_at=answered_at)
    for kind, done_on in [(FollowUpKind.REMINDER_TALK, None), (FollowUpKind.CRITICISM, None),
                          (FollowUpKind.ADMONITION, datetime.date(2025, 8, 1))]:
        FollowUp.objects.create(assessment=staff, kind=kind, assigned_to=colleague,
                                done_on=done_on)
    page = client_for("colleague").get(reverse("home")).content.decode()
    assert "征求意见待答复：1" in page and "结果运用待完成：2" in page
    page = client_for("chief").get(reverse("home")).content.decode()
    assert "征求意见待答复" not in page and "结果运用待完成" not in page
