"""Closing a year: each person's concluding materials are frozen as files with their SM3 and
SHA-256 checksums and listed for transfer to the personnel file (干部人事档案, §九(四)). Nothing
changes afterwards except by a recorded correction, which adds a new version and keeps the old
one."""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe import limits
from kaohe.accounts.models import User
from kaohe.annual import selectors
from kaohe.annual.models import AnnualChange, AnnualYear, ArchivedFile, YearState
from kaohe.annual.services import office_only, open_year, required_reason
from kaohe.appeals.models import Appeal
from kaohe.assessments.models import Transition
from kaohe.documents import docx
from kaohe.documents import selectors as documents
from kaohe.errors import Invalid, Refused
from kaohe.lib import digests
from kaohe.org.models import Organ, Person
from kaohe.plans.models import PeriodState

RULE = "§九(四)"


def decisions_of(person: Person, annual: AnnualYear) -> list[dict[str, Any]]:
    """Every decision on the person's year: each quarter's transitions (with the previous
    values), the appeals and their outcomes (§十(二)), and the annual decisions."""
    found: list[dict[str, Any]] = [
        {"kind": "quarter", "quarter": t.assessment.period.quarter, "action": t.action,
         "from": t.from_state, "to": t.to_state, "by": t.by.username, "at": t.at.isoformat(),
         "reason": t.reason, "previous": t.previous, "values": t.values}
        for t in Transition.objects.filter(
            assessment__person=person, assessment__period__organ=annual.organ,
            assessment__period__year=annual.year).select_related("by", "assessment__period")
        .order_by("at", "id")
    ]
    found += [
        {"kind": "appeal", "quarter": a.assessment.period.quarter, "filed_on": str(a.filed_on),
         "text": a.text, "outcome": a.state, "previous": a.previous_grade, "grade": a.new_grade,
         "reason": a.reason, "by_committee": a.by_committee,
         "decided_on": str(a.decided_on) if a.decided_on else None}
        for a in Appeal.objects.filter(
            assessment__person=person, assessment__period__organ=annual.organ,
            assessment__period__year=annual.year).select_related("assessment__period")
        .order_by("filed_at", "id")
    ]
    found += [
        {"kind": "annual", "action": c.action, "by": c.by.username, "at": c.at.isoformat(),
         "reason": c.reason, "previous": c.previous, "values": c.values}
        for c in AnnualChange.objects.filter(result__annual=annual, result__person=person)
        .select_related("by").order_by("at", "id")
    ]
    return found


def _file(annual: AnnualYear, person: Person, name: str, content: bytes,
          **extra: Any) -> ArchivedFile:
    # SM3 for the commercial-cryptography assessment (GB/T 39786), SHA-256 for the HTTP Digest
    # header and for checking a file with the tools at hand elsewhere.
    return ArchivedFile(annual=annual, person=person, name=name, content=content,
                        sha256=digests.digest(digests.SHA256, content),
                        sm3=digests.digest(digests.SM3, content), size=len(content), **extra)


def add_sm3_checksums() -> tuple[int, list[ArchivedFile]]:
    """Give each file archived before SM3 its SM3 checksum, once its SHA-256 shows the content
    unchanged: (how many were given one, the files whose content no longer matches, which keep
    none — a checksum of altered content would vouch for it)."""
    given, altered = 0, []
    for found in ArchivedFile.objects.filter(sm3="").order_by("pk").iterator(chunk_size=100):
        content = bytes(found.content)
        if digests.digest(digests.SHA256, content) != found.sha256:
            altered.append(found)
            continue
        # An update, not save(): the file itself is never changed in place.
        ArchivedFile.objects.filter(pk=found.pk, sm3="").update(
            sm3=digests.digest(digests.SM3, content))
        given += 1
    return given, altered


def _problems(annual: AnnualYear, view: selectors.Overview) -> list[str]:
    problems = [_("%(quarter)d 季度尚未结束") % {"quarter": q}
                for q, p in sorted(view.periods.items()) if p.state != PeriodState.CLOSED]
    if not view.periods:
        problems.append(str(_("本年度没有平时考核季度")))
    problems += [_("%(name)s的年度等次尚未确定") % {"name": row.person.name}
                 for row in view.rows if not row.decided_grade]
    return problems


@transaction.atomic
def year_close(*, organ: Organ, year: int, by: User) -> AnnualYear:
    office_only(organ, by)
    annual = open_year(organ, year)
    view = selectors.overview(annual)
    problems = _problems(annual, view)
    if problems:
        raise Refused(_("还有未完成的工作，不能归档：%(items)s") % {"items": "；".join(problems)},
                      rule=RULE, code="unfinished")
    files = []
    for document in documents.batch(organ, year, None):
        name = f"{documents.safe_name(document.form.filename)}.docx"
        files.append(_file(annual, document.person, name, docx.render(document.form)))
    for row in view.rows:
        record = json.dumps(decisions_of(row.person, annual), ensure_ascii=False, indent=1)
        files.append(_file(annual, row.person, _("考核决定记录-%(name)s-%(year)d年度.json") % {
            "name": row.person.name, "year": year}, record.encode()))
    ArchivedFile.objects.bulk_create(files)
    annual.state = YearState.CLOSED
    annual.closed_at = timezone.now()
    annual.closed_by = by
    annual.save(update_fields=["state", "closed_at", "closed_by"])
    return annual


def check_correction(name: str, content: bytes) -> None:
    """Refuse a corrected file that is not of the archived file's kind: a Word document that
    opens as one for a form, JSON for a decision record; within limits.ARCHIVE_BYTES."""
    if not content:
        raise Invalid(_("请上传更正后的文件。"), rule=RULE)
    if len(content) > limits.ARCHIVE_BYTES:
        raise Invalid(_("更正文件不超过 %(limit)d MB。") % {
            "limit": limits.ARCHIVE_BYTES // (1024 * 1024)}, rule=RULE, code="too_large")
    if name.endswith(".docx") and not docx.is_docx(content, limits.ARCHIVE_UNPACKED_BYTES):
        raise Invalid(_("更正文件须是有效的 Word 文档（.docx），与归档的表格相同。"), rule=RULE,
                      code="not_docx")
    if name.endswith(".json"):
        try:
            json.loads(content.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise Invalid(_("更正文件须是有效的 JSON 记录（UTF-8），与归档的记录相同。"),
                          rule=RULE, code="not_json") from None


@transaction.atomic
def archive_correct(*, archived: ArchivedFile, content: bytes, reason: str,
                    by: User) -> ArchivedFile:
    """A recorded correction: a new version of the file with the reason; the old one stays."""
    annual = AnnualYear.objects.select_for_update().select_related("organ").get(
        pk=archived.annual_id)
    office_only(annual.organ, by)
    if not annual.is_closed:
        raise Refused(_("年度尚未归档：请直接修改数据。"), rule=RULE, code="not_closed")
    reason = required_reason(reason, _("更正归档材料须写明理由。"), RULE)
    check_correction(archived.name, content)
    latest = (ArchivedFile.objects.filter(annual=annual, person_id=archived.person_id,
                                          name=archived.name).order_by("-version").first())
    version = (latest.version if latest else 0) + 1
    corrected = _file(annual, archived.person, archived.name, content, version=version,
                      correction_reason=reason, corrected_by=by)
    corrected.save()
    return corrected
