"""The demo organ: shaped like the seed plan's bureau, 21 taking part, each login at home."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kaohe.accounts.models import User
from kaohe.org.demo import DEMO_PASSWORD, load_demo
from kaohe.org.models import ASSESSED_CATEGORIES, CommitteeMember, Organ, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> Organ:
    load_demo()
    return Organ.objects.get(code="qc-sthjj")


def test_twenty_one_take_part_so_the_cap_gives_eight(demo: Organ) -> None:
    taking_part = Person.objects.filter(organ=demo, active=True,
                                        category__in=ASSESSED_CATEGORIES).count()
    assert taking_part == 21
    assert int(taking_part * 0.4) == 8  # §八(一): the plan's own example


def test_bodies_of_the_plan_are_there(demo: Organ) -> None:
    positions = sorted(CommitteeMember.objects.filter(organ=demo)
                       .values_list("position", flat=True))
    assert positions.count("主任") == 1 and positions.count("副主任") == 3
    assert "公务员代表" in positions and "成员" in positions
    deputies = Person.objects.filter(organ=demo, overseen_sections__isnull=False).distinct()
    assert deputies.count() == 3
    assert demo.principal is not None and demo.principal.name == "周建国"


def test_loading_twice_changes_nothing(demo: Organ) -> None:
    assert load_demo().changed == 0


def visible_names(username: str) -> str:
    client = Client()
    assert client.login(username=username, password=DEMO_PASSWORD)
    return client.get(reverse("home")).content.decode()


@pytest.mark.parametrize(("username", "sees", "does_not_see"), [
    ("zhenghf", ["冯雪", "褚浩"], ["秦雨", "朱清"]),
    ("limy", ["郑海峰", "冯雪", "许涛", "吕强", "施勇"], ["秦雨", "曹芳"]),
    ("fengx", ["冯雪"], ["褚浩", "郑海峰"]),
    ("zhoujg", ["青川市生态环境局"], []),
    ("zzb", ["青川市生态环境局"], []),
])
def test_each_demo_login_sees_its_own_home(demo: Organ, username: str, sees: list[str],
                                           does_not_see: list[str]) -> None:
    page = visible_names(username)
    for text in sees:
        assert text in page
    for text in does_not_see:
        assert text not in page


def test_the_principal_finds_the_organs_headcount_on_the_organs_page(demo: Organ) -> None:
    client = Client()
    assert client.login(username="zhoujg", password=DEMO_PASSWORD)
    assert 'href="/organs/"' in client.get(reverse("home")).content.decode()
    row = client.get(reverse("organ_list")).content.decode().split("青川市生态环境局")[1]
    assert "<td>21</td>" in row.split("</tr>")[0]


def test_an_outsider_gets_404_for_demo_people(demo: Organ) -> None:
    other = Organ.objects.create(code="other", name="他局")
    user = User.objects.create_user("stranger", password="Stranger-pass-2025")
    Person.objects.create(personnel_no="O1", name="外人", organ=other, user=user,
                          category="staff")
    client = Client()
    client.login(username="stranger", password="Stranger-pass-2025")
    assert client.get(reverse("person_detail", args=["QC0202"])).status_code == 404
    assert client.get(reverse("organ_detail", args=["qc-sthjj"])).status_code == 404


def test_the_demo_password_is_hashed_once_not_once_an_account(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Hashing is deliberately slow (decision 0021): the demo's thirty-odd accounts share one
    initial password, which the import hashes once (and the extra accounts once more)."""
    from django.contrib.auth import hashers

    hashed: list[str] = []
    real = hashers.make_password
    monkeypatch.setattr("kaohe.org.importer.apply.make_password",
                        lambda password: hashed.append(password) or real(password))
    load_demo()
    accounts = User.objects.exclude(password="").count()
    assert accounts > 25 and hashed == [DEMO_PASSWORD]
    assert Client().login(username="fengx", password=DEMO_PASSWORD)
