"""The forms' zip as a background job (decision 0028): an organ's year is thousands of .docx
files, minutes of work, which a page must not wait for. Asked for from the annual page and the
section's card on the home page; downloaded from the job's page."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django_tasks import task

from kaohe.documents import bundle, selectors
from kaohe.jobs import services as jobs
from kaohe.jobs.models import Job, Kind
from kaohe.org.access import Actor, actor_for


def forms_zip_request(*, actor: Actor, organ_code: str, year: int, section_code: str) -> Job:
    """Every form of the organ's year, or of one section, as one zip: 404 unless the actor
    may have them (kaohe/documents/selectors.py)."""
    organ, section = selectors.batch_scope(actor, organ_code, section_code)
    title = _("%(where)s %(year)d 年度全部登记表（zip）") % {
        "where": section.name if section else organ.name, "year": year}
    return jobs.job_request(by=actor.user, kind=Kind.FORMS_ZIP, title=title, task=forms_zip,
                            arguments={"organ": organ.code, "year": year,
                                       "section": section.code if section else ""})


@task()
def forms_zip(job_id: int) -> None:
    jobs.run(job_id, write_forms_zip)


def write_forms_zip(job: Job, running: jobs.Running) -> jobs.Made:
    """The zip, one step of progress a file. Who may have the forms is asked again: the owner
    may have lost the right since they asked."""
    args = job.arguments
    organ, section = selectors.batch_scope(actor_for(job.owner), args["organ"], args["section"])
    entries = list(bundle.files(organ, args["year"], section))
    running.progress(0, len(entries))
    with running.file() as out:
        bundle.write_zip(entries, out, running.progress)
    return jobs.Made(filename=bundle.zip_name(organ, args["year"], section))
