"""A front-line person in the shared world: `other_staff`, of section B (front-line), and links
made for them."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from kaohe.org.models import Person
from kaohe.recipients.models import RecipientLink
from tests.personas import World

FRONTLINE = "other_staff"


def make_link(world: World, persona: str = FRONTLINE, **fields: object) -> RecipientLink:
    """A link as the office creates it, written directly (the service is tested on its own)."""
    values: dict[str, object] = {
        "organ": world.people[persona].organ, "person": world.people[persona],
        "label": "政务服务中心 3 号窗口",
        "valid_until": timezone.localdate() + datetime.timedelta(days=30),
        "created_by": world.users["office"], **fields}
    return RecipientLink.objects.create(**values)


@pytest.fixture
def frontline(world: World) -> World:
    Person.objects.filter(pk=world.people[FRONTLINE].pk).update(frontline=True)
    world.people[FRONTLINE].frontline = True
    return world
