"""The service recipients' opinions beside the review form (§七(三)): the reviewer of a
front-line person sees the quarter's summary on the assessment page; the person does not."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from kaohe.assessments.models import Assessment
from kaohe.recipients.models import RecipientOpinion
from tests.personas import World
from tests.recipients.conftest import FRONTLINE, make_link


def test_the_reviewer_sees_the_quarter_s_opinions(frontline: World,
                                                  client_for: Callable[[str | None], Client]
                                                  ) -> None:
    world = frontline
    Assessment.objects.filter(pk=world.assessments[FRONTLINE].pk).update(frontline=True)
    link = make_link(world)
    RecipientOpinion.objects.create(link=link, rating=5, comment="办事很耐心",
                                    day=datetime.date(2025, 8, 1))
    RecipientOpinion.objects.create(link=link, rating=3, day=datetime.date(2025, 10, 2))
    page = reverse("assessment_detail", args=[world.assessments[FRONTLINE].pk])

    text = client_for("other_chief").get(page).content.decode()
    assert 'data-testid="recipient-summary"' in text
    assert "办事很耐心" in text and "5.00" in text  # the 2025 Q3 opinion only
    assert 'data-testid="recipient-summary"' not in client_for(FRONTLINE).get(
        page).content.decode()
