"""Reads of service recipients' opinions (§七(三)): a link by its token for the public page, the
organ's links with their counts for the office, and a person's summary for a quarter for the
reviewer. Access is checked by the callers through kaohe.org.access; each read is a fixed
number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from kaohe.assessments.models import Assessment
from kaohe.org import access
from kaohe.org.access import Actor
from kaohe.org.models import Organ, Person
from kaohe.recipients import rules
from kaohe.recipients.models import RecipientLink, RecipientOpinion

LATEST = 10  # comments shown beside the review form


@dataclass(frozen=True)
class Comment:
    day: datetime.date
    rating: int
    text: str


@dataclass(frozen=True)
class Summary:
    count: int
    average: Decimal | None  # to 2 decimals; None without opinions
    distribution: list[tuple[int, int]]  # (rating, opinions), 5 first, every rating listed
    latest: list[Comment]  # the latest comments, newest first (opinions without one left out)


def link_by_token(token: str) -> RecipientLink:
    """The link behind a public address, whatever its state; 404 for an unknown token."""
    return access.one_or_404(RecipientLink.objects.select_related("organ", "person")
                             .filter(token=token))


def received(link: RecipientLink) -> int:
    return link.opinions.count()


def closed(link: RecipientLink, received_already: int | None = None,
           today: datetime.date | None = None) -> str:
    """Why the link no longer accepts opinions, or rules.ACCEPTING; `received_already` when
    the opinions were counted with the link (links_of)."""
    count = received(link) if received_already is None else received_already
    # A person who has left (no longer active) serves nobody: their cards stop with them.
    return rules.closed(active=link.active and link.person.active, valid_until=link.valid_until,
                        today=today or timezone.localdate(), received=count, quota=link.quota)


@dataclass(frozen=True)
class Listed:
    """A link as the office's list shows it: with the opinions it has received."""

    link: RecipientLink
    received: int

    @property
    def closed(self) -> str:
        return closed(self.link, self.received)

    @property
    def state(self) -> str:
        return rules.state_label(self.closed)


def links_of(organ: Organ) -> list[Listed]:
    """The organ's links, newest first, in one query."""
    found = (RecipientLink.objects.filter(organ=organ).select_related("person__section")
             .annotate(received=Count("opinions")))
    return [Listed(link, link.received) for link in found]


def listed(link: RecipientLink) -> Listed:
    return Listed(link, received(link))


def link_of(organ: Organ, link_id: int) -> RecipientLink:
    """One of the organ's links; 404 for another organ's."""
    return access.one_or_404(RecipientLink.objects.select_related("organ", "person")
                             .filter(organ=organ, pk=link_id))


def public_url(link: RecipientLink, request: HttpRequest) -> str:
    """The address printed on the card: under KAOHE_RECIPIENTS_URL, where the public reaches
    the server, else under the address the office is using."""
    path = reverse("recipient_opinion", args=[link.token])
    base = settings.KAOHE_RECIPIENTS_URL
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def frontline_people(organ: Organ) -> QuerySet[Person]:
    """Whom the office may give a link: the organ's active people on a front-line post."""
    return (Person.objects.filter(organ=organ, active=True, frontline=True)
            .select_related("section").order_by("section__code", "personnel_no"))


def summary_for(person: Person, first_day: datetime.date, last_day: datetime.date) -> Summary:
    """The opinions on `person` dated first_day..last_day (a quarter), through all their links:
    two queries whatever their number."""
    opinions = RecipientOpinion.objects.filter(link__person=person,
                                               day__range=(first_day, last_day))
    by_rating = dict(opinions.order_by().values_list("rating").annotate(n=Count("id")))
    count = sum(by_rating.values())
    total = sum(rating * n for rating, n in by_rating.items())
    average = (Decimal(total) / count).quantize(Decimal("0.01"), ROUND_HALF_UP) if count else None
    latest = [Comment(o.day, o.rating, o.comment) for o in
              opinions.exclude(comment="").order_by("-day", "-id")[:LATEST]]
    return Summary(count, average, [(r, by_rating.get(r, 0)) for r in reversed(rules.RATINGS)],
                   latest)


def assessment_for_opinions(actor: Actor, assessment_id: int) -> tuple[Assessment, bool]:
    """The assessment (404 unless the actor sees it) and whether the actor may read its
    person's service recipients' opinions (access.recipient_opinions_scope)."""
    visible = Assessment.objects.restrict(actor, "view")
    found = access.one_or_404(visible.filter(pk=assessment_id).select_related("person",
                                                                              "period"))
    readable = visible.filter(access.recipient_opinions_scope(actor), pk=found.pk).exists()
    return found, readable
