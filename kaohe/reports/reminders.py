"""The 催办 of the progress page: remind everyone whose step of the quarter is pending, in the
app and by e-mail, at most once a day per person; one function reads who is due, one sends."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.assessments import rules, selectors
from kaohe.assessments import services as assessments
from kaohe.assessments.models import Assessment, Notice, Notification
from kaohe.audit import chain as audit
from kaohe.errors import NotAllowed, Refused
from kaohe.org import access
from kaohe.org.models import Category, Person
from kaohe.plans.models import Period

TOPIC = "remind"


@dataclass
class Due:
    """One person to remind, and how many assessments wait on them."""

    person: Person
    waiting: int = 0
    reminded_today: bool = False  # already reminded today: not again (once a day)
    names: list[str] = field(default_factory=list)


def _acting(assessment: Assessment) -> Person | None:
    step = rules.waiting_on(assessment.state)
    if step == rules.PERSON:
        return assessment.person
    if step == rules.REVIEWER:
        return selectors.supervising_leader(assessment)
    if step == rules.APPROVER:  # §七(三): leader in charge for staff, principal for chiefs
        return (assessment.section.leader_in_charge if assessment.category == Category.STAFF
                else assessment.period.organ.principal)
    return None


def due(scope: access.ReportScope, period: Period) -> list[Due]:
    """Everyone with a pending step on the quarter's assessments in the scope, by name."""
    found: dict[int, Due] = {}
    for assessment in (Assessment.objects.filter(scope.assessments(), period=period)
                       .select_related("person__user", "section__leader_in_charge__user",
                                       "period__organ__principal__user")):
        person = _acting(assessment)
        if person is None or person.user is None or not person.active:
            continue
        entry = found.setdefault(person.pk, Due(person=person))
        entry.waiting += 1
        entry.names.append(assessment.person.name)
    today = timezone.localdate()
    reminded = set(Notification.objects.filter(
        topic=TOPIC, created_at__date=today,
        user_id__in=[d.person.user_id for d in found.values()]).values_list("user_id", flat=True))
    for entry in found.values():
        entry.reminded_today = entry.person.user_id in reminded
    return sorted(found.values(), key=lambda d: d.person.personnel_no)


@transaction.atomic
def remind(*, period: Period, by: User) -> list[Due]:
    """Send the 催办 of the quarter to everyone due and not reminded today; the office, the
    principal or a leader in charge over their sections. Returns those reminded."""
    period = Period.objects.select_for_update().select_related("organ").get(pk=period.pk)
    actor = access.actor_for(by)
    scope = access.report_scope(actor, period.organ)
    if scope is None or not access.may_remind(actor, period.organ):
        raise NotAllowed(_("只有本机关办公室、主要负责人或分管领导可以催办。"), rule="§七(三)")
    if period.is_closed:
        raise Refused(_("本季度已结束，无需催办。"), rule="§七(三)", code="period_closed")
    sending = [d for d in due(scope, period) if not d.reminded_today]
    if not sending:
        raise Refused(_("没有需要催办的人员：待办人员今天都已催办过（每人每天最多一次）。"),
                      rule="§七(三)", code="nothing_to_remind")
    for entry in sending:
        _send(entry, period, by)
    audit.record("remind", obj=period, reason=str(_("催办")),
                 new={"people": [d.person.personnel_no for d in sending]})
    return sending


def _send(entry: Due, period: Period, by: User) -> None:
    user = entry.person.user
    assert user is not None  # due() keeps only people with an account
    note = assessments.notify(user, Notice.REMIND, {
        "by": by.get_full_name() or by.get_username(), "period": [period.year, period.quarter],
        "n": entry.waiting}, url=reverse("home"), topic=TOPIC)
    if user.email:  # once the reminder is on record: a refused 催办 e-mails nobody
        subject, to = str(_("平时考核催办")), [user.email]
        transaction.on_commit(lambda: send_mail(subject, note.text, None, to))
