"""Every change to service recipients' opinions (§七(三)): the office creates and stops a front-
line person's link; a member of the public leaves an opinion through it, without an account.
A refusal leaves nothing written."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe import limits
from kaohe.accounts.models import User
from kaohe.errors import Invalid, NotAllowed, Refused
from kaohe.org import access
from kaohe.org.models import Organ, Person
from kaohe.recipients import rules, selectors
from kaohe.recipients.models import RecipientLink, RecipientOpinion


def _check_office(by: User, organ: Organ) -> None:
    if not access.may_manage_recipient_links(access.actor_for(by), organ):
        raise NotAllowed(_("只有本机关办公室可以管理服务对象意见链接。"), rule=rules.RULE)


@transaction.atomic
def recipient_link_create(*, organ: Organ, by: User, person: Person, label: str,
                          valid_until: datetime.date, quota: int = rules.DEFAULT_QUOTA,
                          ) -> RecipientLink:
    """A link (and its QR code) through which `person`'s service recipients rate them."""
    _check_office(by, organ)
    if person.organ_id != organ.pk or not person.active:
        raise Invalid(_("本机关在职人员中没有此人。"), rule=rules.RULE, code="unknown_person")
    if problem := rules.link_problem(frontline=person.frontline, valid_until=valid_until,
                                     today=timezone.localdate(), quota=quota):
        raise Invalid(problem, rule=rules.RULE)
    label = limits.text(label, rules.LABEL_MAX, label=_("服务窗口或事项"), rule=rules.RULE)
    return RecipientLink.objects.create(organ=organ, person=person, label=label,
                                        valid_until=valid_until, quota=quota, created_by=by)


@transaction.atomic
def recipient_link_deactivate(*, link: RecipientLink, by: User) -> RecipientLink:
    """Stops a link (a lost card, a person moved on): its address answers that it no longer
    takes opinions; those received stay."""
    _check_office(by, link.organ)
    if link.active:
        link.active = False
        link.save(update_fields=["active"])
    return link


@transaction.atomic
def recipient_opinion_leave(*, link: RecipientLink, rating: int, comment: str = "",
                            ) -> RecipientOpinion:
    """A member of the public's opinion. The link's row is locked while its opinions are
    counted, so that two submissions at the same moment cannot both take the last place of
    the quota. Kept with its day only (decision 0030)."""
    if problem := rules.rating_problem(rating) or rules.comment_problem(comment):
        raise Invalid(problem, rule=rules.RULE, code="invalid_opinion")
    link = RecipientLink.objects.select_for_update(of=("self",)).select_related("person").get(
        pk=link.pk)
    today = timezone.localdate()
    if reason := selectors.closed(link, today=today):
        raise Refused(rules.closed_message(reason), rule=rules.RULE, code=reason, status=410)
    return RecipientOpinion.objects.create(link=link, rating=rating, comment=comment.strip(),
                                           day=today)
