"""A change to the published 好 list (§八(一), decision 0014): after publication, a grade that
changes to or from 好 — on appeal, or by leave found after approval — is a dated correction
of the list, never a new list."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from kaohe.accounts.models import User
from kaohe.assessments import rules, selectors
from kaohe.assessments.models import Assessment, Correction, Publication
from kaohe.assessments.services.common import lock_quarter
from kaohe.audit import chain as audit


@transaction.atomic
def publication_correct(*, assessment: Assessment, previous_grade: str, by: User,
                        reason: str, appeal_id: int | None = None) -> Correction | None:
    """A change of grade after the 好 list was published: record the dated correction (who,
    when, the appeal if any, the name added or removed, the reason). Called by the appeal
    decision and by leave found after approval, which checked who acts and saved the new
    grade in this transaction.
    Nothing to record when the change is not to or from 好, or the list is not published."""
    # The lock publishing takes: the decision is either in the published list or corrects it.
    # An appeal decision holds it already (taken first, decision 0005).
    lock_quarter(assessment.period_id)
    change = rules.list_change(previous_grade, assessment.grade)
    publication = Publication.objects.filter(period_id=assessment.period_id).first()
    if not change or publication is None:
        return None
    entry = selectors.list_entry(assessment)
    correction = Correction.objects.create(
        publication=publication, assessment=assessment, appeal_id=appeal_id,
        at=timezone.now(), by=by, reason=reason, previous_grade=previous_grade,
        new_grade=assessment.grade,
        added=[entry] if change == "added" else [], removed=[entry] if change == "removed" else [])
    audit.record("publication.correct", obj=publication, reason=reason, user=by,
                 old={"grade": previous_grade}, new={change: entry, "appeal": appeal_id})
    return correction
