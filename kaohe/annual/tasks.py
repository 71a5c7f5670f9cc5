"""The organization department's roll-up of a year across the organs filed with it, as a
background job (decision 0028): each organ's recommendations computed as its annual page does,
about 18 s for a province of 1,000 organs and 100,000 people (docs/benchmarks.md)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _
from django_tasks import task

from kaohe import spreadsheets
from kaohe.annual import selectors
from kaohe.annual.models import AnnualGrade
from kaohe.jobs import services as jobs
from kaohe.jobs.models import Job, Kind
from kaohe.org.access import Actor, actor_for


def annual_rollup_request(*, actor: Actor, year: int) -> Job:
    """404 unless the actor is of an organization department."""
    selectors.rollup_organs(actor)
    return jobs.job_request(by=actor.user, kind=Kind.ANNUAL_ROLLUP, task=annual_rollup,
                            title=_("%(year)d 年度各机关年度考核汇总表（Excel）") % {"year": year},
                            arguments={"year": year})


@task()
def annual_rollup(job_id: int) -> None:
    jobs.run(job_id, write_annual_rollup)


def write_annual_rollup(job: Job, running: jobs.Running) -> jobs.Made:
    """One row an organ, one step of progress an organ, over the organs filed with the owner's
    department now."""
    year = job.arguments["year"]
    organs = selectors.rollup_organs(actor_for(job.owner))

    def rows() -> Iterator[list[Any]]:
        for done, organ in enumerate(organs):
            running.progress(done, len(organs))
            yield _row(selectors.organ_year(organ, year))
        running.progress(len(organs), len(organs))

    with running.file() as out:
        spreadsheets.workbook([(_("各机关年度考核汇总"), _header(), rows())], out)
    return jobs.Made(filename=_("%(year)d年度各机关年度考核汇总.xlsx") % {"year": year},
                     outcome=_("共 %(n)d 个机关。") % {"n": len(organs)})


def _header() -> list[str]:
    return [_("机关代码"), _("机关"), _("参加年度考核人数"), _("优秀名额"),
            *(_("建议%(grade)s") % {"grade": label} for _g, label in AnnualGrade.choices),
            *(_("确定%(grade)s") % {"grade": label} for _g, label in AnnualGrade.choices),
            _("尚未确定"), _("状态")]


def _row(found: selectors.OrganYear) -> list[Any]:
    return [found.organ.code, found.organ.name, found.participants, found.limit,
            *(found.recommended[grade] for grade in AnnualGrade.values),
            *(found.decided[grade] for grade in AnnualGrade.values),
            found.undecided, _("已归档") if found.closed else _("进行中")]
