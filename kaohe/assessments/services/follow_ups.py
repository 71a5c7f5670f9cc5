"""The follow-ups a grade calls for (§九(二)): created with the grade, completed by the
supervising leader."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe import limits
from kaohe.accounts.models import User
from kaohe.assessments import rules, selectors
from kaohe.assessments.models import Assessment, FollowUp
from kaohe.assessments.services.common import bounded, require, required
from kaohe.errors import Invalid


def create_follow_ups(assessment: Assessment) -> None:
    """The follow-up §九(二) asks for the assessment's grade, unless it is already there."""
    kind = rules.follow_up_for(assessment.grade)
    if kind and not assessment.follow_ups.filter(kind=kind).exists():
        FollowUp.objects.create(assessment=assessment, kind=kind,
                                assigned_to=selectors.supervising_leader(assessment))


@transaction.atomic
def follow_up_add(*, assessment: Assessment, kind: str, by: User) -> FollowUp:
    """§九(二): for 较差, when needed, an admonition (诫勉) or a change of post as well."""
    leader = selectors.supervising_leader(assessment)
    require(leader is not None and leader.user_id == by.pk,
            _("只有主管领导可以提出进一步的措施。"), rules.RULE_FOLLOW_UP)
    if not rules.further_allowed(assessment.grade, kind):
        raise Invalid(_("诫勉和调整岗位只用于“较差”等次。"), rule=rules.RULE_FOLLOW_UP)
    follow_up, _created = FollowUp.objects.get_or_create(
        assessment=assessment, kind=kind, defaults={"assigned_to": leader})
    return follow_up


@transaction.atomic
def follow_up_done(*, follow_up: FollowUp, by: User, done_on: datetime.date,
                   note: str) -> FollowUp:
    require(follow_up.assigned_to is not None and follow_up.assigned_to.user_id == by.pk,
            _("只有负责的主管领导可以登记完成情况。"), rules.RULE_FOLLOW_UP)
    if done_on > timezone.localdate():
        raise Invalid(_("完成日期不能晚于今天。"), rule=rules.RULE_FOLLOW_UP)
    if done_on < follow_up.assessment.period.first_day:
        raise Invalid(_("完成日期不能早于该季度开始。"), rule=rules.RULE_FOLLOW_UP)
    follow_up.done_on = done_on
    follow_up.note = required(bounded(note, limits.REASON, _("情况"), rules.RULE_FOLLOW_UP),
                              _("请简要写明完成情况。"), rules.RULE_FOLLOW_UP)
    follow_up.save(update_fields=["done_on", "note"])
    return follow_up
