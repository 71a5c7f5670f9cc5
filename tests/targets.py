"""The targets of the authorization matrices ("assessment:staff", "period:organ", "a", …) and
the URL arguments each one stands for in the shared test world."""

from __future__ import annotations

import datetime

from kaohe.appeals.models import Appeal
from kaohe.assessments.models import Notification
from kaohe.ballots.models import Ballot, Pairing, VoterClass
from kaohe.bonus.models import BonusSplit
from kaohe.jobs import storage
from kaohe.jobs.models import Job, JobState, Kind
from kaohe.recipients.models import RecipientLink
from tests.personas import World

ORGAN_TARGETS = ["organ", "other"]
SECTION_TARGETS = ["a", "b", "other:a"]


def target_args(world: World, target: str) -> list[str]:
    if target == "":
        return []
    if target in ORGAN_TARGETS:
        return [target]
    kind, _, key = target.partition(":")
    if kind == "assessment":
        return [str(world.assessments[key].pk)]
    if kind == "period":
        return [str(world.periods[key].pk)]
    if kind == "appeal":
        return [str(appeal_of(world, key).pk)]
    if kind == "notification":
        return [str(Notification.objects.create(user=world.users[key], text="提醒",
                                                url="/appeals/").pk)]
    if kind == "ballot":
        return [str(ballot_of(world, key).pk)]
    if kind == "bonus":
        return [key, str(bonus_split_of(world, key).pk)]
    if kind == "recipients":
        return [key, str(recipient_link_of(world, key).pk)]
    if kind == "annual":
        return [key, "2025"]
    if kind == "job":
        return [str(finished_job_of(world, key).pk)]
    if kind == "form":
        return [world.people[key].personnel_no, "2025"]
    if target in SECTION_TARGETS:
        organ, _, code = target.rpartition(":")
        return [organ or "organ", code]
    return [world.people[target].personnel_no]


def appeal_of(world: World, persona: str) -> Appeal:
    """The persona's pending appeal, made on first use (each test's rows are rolled back)."""
    appeal, _created = Appeal.objects.get_or_create(
        assessment=world.assessments[persona],
        defaults={"channel": "online", "text": "申诉", "filed_on": datetime.date(2025, 10, 13),
                  "deadline": datetime.date(2025, 10, 13), "filed_by": world.users[persona]})
    return appeal


def bonus_split_of(world: World, organ: str) -> BonusSplit:
    """A split recorded for the organ's quarter (no shares: the matrix checks who may see)."""
    return BonusSplit.objects.create(period=world.periods[organ], mode="pool", amount=100,
                                     table={}, total=100, remainder=0,
                                     recorded_by=world.users["office"])


def finished_job_of(world: World, persona: str) -> Job:
    """A finished job of the persona's, its file on the disk (each test's rows are rolled back;
    the file, one a persona, is written again)."""
    name = f"matrix-{persona}.zip"
    (storage.folder() / name).write_bytes(b"PK\x05\x06" + bytes(18))  # an empty zip
    return Job.objects.create(owner=world.users[persona], kind=Kind.FORMS_ZIP, title="zip",
                              language="zh-hans", state=JobState.DONE, file=name,
                              filename="forms.zip")


def ballot_of(world: World, organ: str) -> Ballot:
    """An ended ballot of the organ (its results may be read) in which, in "organ", the
    colleague rates the staff member."""
    ended = datetime.date(2025, 9, 5)
    ballot = Ballot.objects.create(
        organ=world.periods[organ].organ, year=2025, quarter=3, title="测评", questions=["德"],
        opens_on=ended, closes_on=ended, created_by=world.users["office"])
    colleagues = VoterClass.objects.create(ballot=ballot, key="colleagues", name="同事")
    if organ == "organ":
        Pairing.objects.create(ballot=ballot, voter=world.people["colleague"],
                               candidate=world.people["staff"], voter_class=colleagues)
    return ballot


def recipient_link_of(world: World, organ: str) -> RecipientLink:
    """A link for service recipients of the organ's first person (the matrices check who may
    reach it, not whom it is for)."""
    person = world.periods[organ].organ.people.order_by("pk").first()
    return RecipientLink.objects.create(organ=world.periods[organ].organ, person=person,
                                        valid_until=datetime.date(2099, 1, 1),
                                        created_by=world.users["office"])
