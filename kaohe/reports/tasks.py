"""The results page's full export as a background job (decision 0028). Its workbook has a
row for every assessment in scope, of every year: for an organ of 2,000 people that is 8,000
rows a year, seconds of work that grow with every year kept, which a page must not wait for.
The other exports (one quarter's progress, the department's aggregates, one person) are
bounded and stay immediate."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django_tasks import task

from kaohe.errors import Invalid
from kaohe.jobs import services as jobs
from kaohe.jobs.models import Job, Kind
from kaohe.org.access import Actor, actor_for
from kaohe.reports import selectors
from kaohe.reports.layout import Panel, write_tables
from kaohe.reports.selectors import Filters


def results_export_request(*, actor: Actor, organ_code: str, filters: Filters,
                           table: str) -> Job:
    """The results page's tables (all, or `table`) with its filters: 404 unless the actor
    sees the organ's reports (kaohe.org.access.report_scope)."""
    organ, _scope = selectors.organ_and_scope(actor, organ_code)
    return jobs.job_request(
        by=actor.user, kind=Kind.RESULTS_EXPORT, task=results_export,
        title=_("%(organ)s 考核结果统计表（Excel）") % {"organ": organ.name},
        arguments={"organ": organ.code, "filters": filters.as_dict(), "table": table})


@task()
def results_export(job_id: int) -> None:
    jobs.run(job_id, write_results_export)


def write_results_export(job: Job, running: jobs.Running) -> jobs.Made:
    """The workbook, one step of progress a sheet, in the owner's report scope of now."""
    args = job.arguments
    organ, scope = selectors.organ_and_scope(actor_for(job.owner), args["organ"])
    board = selectors.results_board(scope, Filters(**args["filters"]))
    panels = _chosen(board.panels, args["table"])
    with running.file() as out:
        rows = write_tables(panels, out, running.progress)
    return jobs.Made(filename=f"{organ.code}-results-{args['table'] or 'all'}.xlsx",
                     outcome=_("共 %(rows)d 行。") % {"rows": rows})


def _chosen(panels: list[Panel], key: str) -> list[Panel]:
    chosen = [panel for panel in panels if not key or panel.key == key]
    if not chosen:
        raise Invalid(_("没有这张统计表。"), code="no_table")
    return chosen
