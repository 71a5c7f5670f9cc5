"""The office records a quarter's bonus split from the grades approved (§九(二)): kept with
each person's share and its history, audited, refused while grades are pending, frozen with
the quarter; the page, its what-if and its .xlsx, for the office and nobody below."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kaohe.assessments.models import Assessment, State
from kaohe.audit.models import AuditEvent
from kaohe.bonus import services
from kaohe.bonus.models import BonusShare, BonusSplit, BonusTable
from kaohe.errors import Invalid, NotAllowed, Refused
from kaohe.plans.models import PeriodState
from tests.personas import World

D = Decimal
GRADES = {"staff": "好", "colleague": "较好", "chief": "好", "other_chief": "较好",
          "other_staff": "一般", "office": "较差"}


def decide(world: World, **changed: str) -> None:
    for persona, grade in {**GRADES, **changed}.items():
        Assessment.objects.filter(pk=world.assessments[persona].pk).update(
            state=State.APPROVED, grade=grade, grade_determined=bool(grade))


def record(world: World, amount: str = "10000", **kwargs: object) -> BonusSplit:
    return services.bonus_split_record(period=world.periods["organ"], by=world.users["office"],
                                       mode=str(kwargs.pop("mode", "pool")), amount=D(amount),
                                       **kwargs)  # type: ignore[arg-type]


def amounts(split: BonusSplit) -> dict[str, Decimal]:
    return {s.person.personnel_no: s.amount for s in split.shares.select_related("person")}


def test_the_pool_is_split_by_the_default_coefficients_and_sums_within_the_remainder(
        world: World) -> None:
    decide(world, office="")  # the office's grade not determined: its own coefficient, 1.0
    split = record(world)

    # 1.2 + 1.0 + 1.2 + 1.0 + 0.8 + 1.0 = 6.2; 10000 / 6.2 = 1612.903… a unit
    by_person = amounts(split)
    assert by_person[world.people["staff"].personnel_no] == D("1935.48")
    assert by_person[world.people["other_staff"].personnel_no] == D("1290.32")
    assert by_person[world.people["office"].personnel_no] == D("1612.90")
    assert split.total == sum(by_person.values()) and split.total + split.remainder == D(10000)
    assert split.remainder == D("0.02")
    assert AuditEvent.objects.filter(object_type="bonus.bonussplit", action="create").exists()


def test_refused_while_a_grade_is_pending_and_nothing_is_written(world: World) -> None:
    decide(world)
    Assessment.objects.filter(pk=world.assessments["colleague"].pk).update(
        state=State.PROPOSED)
    with pytest.raises(Refused) as refused:
        record(world)
    assert refused.value.code == "grades_pending" and "1" in str(refused.value)
    assert not BonusSplit.objects.exists() and not BonusShare.objects.exists()


def test_recording_again_needs_a_reason_and_keeps_the_earlier_split(world: World) -> None:
    decide(world)
    first = record(world)
    with pytest.raises(Invalid):
        record(world, "12000")
    decide(world, other_staff="较好")  # an appeal changed the grade
    again = record(world, "12000", reason="申诉后等次改为较好")

    assert list(BonusSplit.objects.filter(period=world.periods["organ"])) == [again, first]
    assert again.shares.get(person=world.people["other_staff"]).coefficient == D("1.00")
    assert first.shares.get(person=world.people["other_staff"]).coefficient == D("0.80")


def test_frozen_with_the_quarter(world: World) -> None:
    decide(world)
    world.periods["organ"].__class__.objects.filter(pk=world.periods["organ"].pk).update(
        state=PeriodState.CLOSED, closed_at=timezone.now())
    with pytest.raises(Refused) as refused:
        record(world)
    assert refused.value.code == "period_closed"


@pytest.mark.parametrize("persona", ["principal", "chief", "staff", "outsider"])
def test_only_the_office_records(world: World, persona: str) -> None:
    decide(world)
    with pytest.raises(NotAllowed):
        services.bonus_split_record(period=world.periods["organ"], by=world.users[persona],
                                    mode="pool", amount=D(1000))


def test_the_table_keeps_good_above_fairly_good(world: World) -> None:
    with pytest.raises(Invalid):
        services.bonus_table_save(organ=world.organ, year=2025, by=world.users["office"],
                                  coefficients={"good": D(1), "fairly_good": D(1),
                                                "average": D("0.8"), "poor": D(0),
                                                "undetermined": D(1)})
    assert not BonusTable.objects.exists()


# --- the page ----------------------------------------------------------------------------------

def page(world: World) -> str:
    return reverse("bonus_split", args=[world.organ.code])


@pytest.mark.parametrize(("persona", "status"), [
    ("office", 200), ("principal", 200), ("chief", 403), ("leader", 403), ("staff", 404),
    ("outsider", 404)])
def test_who_sees_the_page(world: World, client_for: Callable[[str | None], Client],
                           persona: str, status: int) -> None:
    client = client_for(persona)
    assert client.get(page(world)).status_code == status


def test_the_principal_sees_but_cannot_record(world: World,
                                              client_for: Callable[[str | None], Client]) -> None:
    decide(world)
    client = client_for("principal")
    response = client.post(page(world), {"mode": "pool", "amount": "1000"})
    assert response.status_code == 403 and not BonusSplit.objects.exists()


def test_the_office_tries_an_amount_records_it_and_downloads_it(
        world: World, client_for: Callable[[str | None], Client]) -> None:
    decide(world)
    client = client_for("office")
    url = page(world)

    tried = client.post(url, {"mode": "base", "amount": "1000", "preview": "1"})
    assert tried.status_code == 200 and not BonusSplit.objects.exists()
    assert 'data-total>5200.00<' in tried.content.decode()  # 1000 × (1.2+1+1.2+1+0.8+0)

    done = client.post(url, {"mode": "base", "amount": "1000"}, follow=True)
    assert "已确定本季度奖金分配" in done.content.decode()
    split = BonusSplit.objects.get()
    workbook = load_workbook(io.BytesIO(b"".join(client.get(
        reverse("bonus_export", args=[world.organ.code, split.pk])).streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[-2][-1] == 5200 and len(rows) == 1 + 6 + 2  # header, people, total, remainder
    assert AuditEvent.objects.filter(action="export", object_type="bonus.bonussplit").exists()


def test_a_refusal_keeps_what_was_typed(world: World,
                                        client_for: Callable[[str | None], Client]) -> None:
    decide(world)
    record(world)
    client = client_for("office")
    response = client.post(page(world), {"mode": "pool", "amount": "8888.88"})

    assert response.status_code == 422
    text = response.content.decode()
    assert "重新确定须说明理由" in text and 'value="8888.88"' in text
    assert BonusSplit.objects.count() == 1


def test_a_grade_changed_after_recording_is_flagged(
        world: World, client_for: Callable[[str | None], Client]) -> None:
    decide(world)
    record(world)
    decide(world, other_staff="较好")
    client = client_for("office")
    text = client.get(page(world)).content.decode()
    assert "请核对后重新确定" in text and 'class="changed"' in text
