"""The changes of service recipients' opinions (§七(三)): the office makes and stops a front-line
person's link, the public leaves opinions through it; every refusal leaves nothing written, the
quota holds under simultaneous submissions (PostgreSQL), and the opinions are kept anonymous."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from kaohe.audit.models import AuditEvent
from kaohe.errors import Invalid, NotAllowed, Refused
from kaohe.lib import encryption
from kaohe.org.models import Person
from kaohe.recipients import rules, services
from kaohe.recipients.models import RecipientLink, RecipientOpinion
from tests.personas import World
from tests.races import postgres_only, race
from tests.recipients.conftest import FRONTLINE, make_link

NEXT_MONTH = datetime.timedelta(days=30)


def create(world: World, persona: str = FRONTLINE, by: str = "office",
           **changes: object) -> RecipientLink:
    values: dict[str, object] = {"label": "3 号窗口",
                                 "valid_until": timezone.localdate() + NEXT_MONTH,
                                 "quota": 50, **changes}
    return services.recipient_link_create(organ=world.organ, by=world.users[by],
                                          person=world.people[persona],
                                          **values)  # type: ignore[arg-type]


def test_the_office_creates_a_link_for_a_front_line_person(frontline: World) -> None:
    link = create(frontline)
    assert link.active and link.quota == 50 and link.label == "3 号窗口"
    assert len(link.token) == 22 and link.person == frontline.people[FRONTLINE]
    assert link.token != create(frontline).token
    event = AuditEvent.objects.get(object_type="recipients.recipientlink", object_id=str(link.pk))
    assert link.token not in str(event.new)  # the link's key for the public stays out


@pytest.mark.parametrize(("persona", "changes", "says"), [
    ("staff", {}, "基层一线"),  # not on a front-line post
    ("outsider", {}, "没有此人"),  # another organ's
    (FRONTLINE, {"valid_until": datetime.date(2020, 1, 1)}, "有效期"),
    (FRONTLINE, {"quota": 0}, "上限"),
    (FRONTLINE, {"label": "窗" * (rules.LABEL_MAX + 1)}, "不超过"),
])
def test_a_link_refused_leaves_nothing(frontline: World, persona: str,
                                       changes: dict[str, object], says: str) -> None:
    with pytest.raises(Invalid) as refused:
        create(frontline, persona, **changes)
    assert says in refused.value.message and refused.value.rule == rules.RULE
    assert not RecipientLink.objects.exists()


@pytest.mark.parametrize("persona", ["principal", "chief", "leader", "staff", "outsider"])
def test_only_the_office_manages_links(frontline: World, persona: str) -> None:
    with pytest.raises(NotAllowed):
        create(frontline, by=persona)
    link = make_link(frontline)
    with pytest.raises(NotAllowed):
        services.recipient_link_deactivate(link=link, by=frontline.users[persona])
    assert RecipientLink.objects.get().active


def test_a_stopped_link_takes_no_more_opinions_and_keeps_those_received(
        frontline: World) -> None:
    link = make_link(frontline)
    services.recipient_opinion_leave(link=link, rating=5, comment="很好")
    services.recipient_link_deactivate(link=link, by=frontline.users["office"])
    with pytest.raises(Refused) as refused:
        services.recipient_opinion_leave(link=link, rating=4)
    assert refused.value.code == rules.INACTIVE and refused.value.status == 410
    assert RecipientOpinion.objects.count() == 1


def test_an_opinion_is_kept_with_its_day_only_encrypted_and_unaudited(
        frontline: World) -> None:
    link = make_link(frontline)
    opinion = services.recipient_opinion_leave(link=link, rating=4, comment="  办事很快  ")
    assert (opinion.rating, opinion.comment, opinion.day) == (4, "办事很快",
                                                              timezone.localdate())
    with connection.cursor() as cursor:
        cursor.execute("SELECT comment FROM recipients_recipientopinion")
        (raw,), = cursor.fetchall()
    assert raw.startswith(f"sm4gcm${encryption.current_key_name()}$") and "办事" not in raw
    assert not AuditEvent.objects.filter(object_type__startswith="recipients.recipientopinion")
    assert {f.name for f in RecipientOpinion._meta.get_fields()} == {
        "id", "link", "rating", "comment", "day"}  # no time, no address, no account


@pytest.mark.parametrize(("rating", "comment", "code"), [
    (0, "", "invalid_opinion"), (6, "很好", "invalid_opinion"),
    (3, "详见 www.example.com", "invalid_opinion"), (1, "傻逼", "invalid_opinion")])
def test_an_invalid_opinion_leaves_nothing(frontline: World, rating: int, comment: str,
                                           code: str) -> None:
    with pytest.raises(Invalid) as refused:
        services.recipient_opinion_leave(link=make_link(frontline), rating=rating,
                                         comment=comment)
    assert refused.value.code == code and refused.value.rule == rules.RULE
    assert not RecipientOpinion.objects.exists()


def test_expired_and_full_links_refuse(frontline: World) -> None:
    expired = make_link(frontline, valid_until=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(Refused) as refused:
        services.recipient_opinion_leave(link=expired, rating=5)
    assert refused.value.code == rules.EXPIRED

    full = make_link(frontline, quota=1)
    services.recipient_opinion_leave(link=full, rating=5)
    with pytest.raises(Refused) as refused:
        services.recipient_opinion_leave(link=full, rating=5)
    assert refused.value.code == rules.QUOTA_REACHED
    assert RecipientOpinion.objects.count() == 1


def test_a_person_who_has_left_takes_no_more_opinions(frontline: World) -> None:
    link = make_link(frontline)
    Person.objects.filter(pk=link.person_id).update(active=False)
    with pytest.raises(Refused) as refused:
        services.recipient_opinion_leave(link=link, rating=5)
    assert refused.value.code == rules.INACTIVE and not RecipientOpinion.objects.exists()


QUOTA, CONTENDERS = 2, 6


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_opinions_never_exceed_the_quota(frontline: World) -> None:
    link = make_link(frontline, quota=QUOTA)
    outcome = race([lambda: services.recipient_opinion_leave(link=link, rating=5)
                    for _ in range(CONTENDERS)])
    kept = [o for o in outcome if isinstance(o, RecipientOpinion)]
    refused = [o for o in outcome if isinstance(o, Refused)]
    assert len(kept) == QUOTA and len(refused) == CONTENDERS - QUOTA, outcome
    assert {r.code for r in refused} == {rules.QUOTA_REACHED}
    assert RecipientOpinion.objects.filter(link=link).count() == QUOTA
