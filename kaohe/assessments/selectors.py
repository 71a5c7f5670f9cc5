"""Reads of assessments and quarters: lists and single rows restricted through
kaohe.org.access, and the facts services and pages read (the 好 places, the appeal deadline,
what keeps a quarter open, who supervises whom, days on leave)."""

from __future__ import annotations

import datetime
import operator
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from typing import Any, NamedTuple

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.assessments import rules
from kaohe.assessments.models import (
    DECIDED,
    FINISHED,
    IN_QUARTER,
    UNDER_REVIEW,
    Assessment,
    AssessmentQuerySet,
    Correction,
    FollowUp,
    Leave,
    LiaisonRequest,
    Notification,
    Publication,
    State,
    Transition,
)
from kaohe.lib.encryption import EncryptedTextField
from kaohe.org import access
from kaohe.org.access import Actor
from kaohe.org.models import Assignment, Category, Person, Section
from kaohe.org.selectors import SEARCH_RESULTS, people_search
from kaohe.plans.models import IN_PLAN, Grade, Indicator, Period, PeriodState
from kaohe.workdays.calendar import CalendarNotCovered, add_working_days, workdays_in, working_days

LIST_RELATED = ["person", "section", "period", "period__organ"]
# The assessment's texts, encrypted at rest: a read that shows none of them leaves them out
# rather than decrypt them all.
TEXTS = [f.name for f in Assessment._meta.concrete_fields if isinstance(f, EncryptedTextField)]


def visible_assessments(actor: Actor) -> AssessmentQuerySet:
    return Assessment.objects.restrict(actor, "view")


def may_act(actor: Actor, action: str, assessment: Assessment) -> bool:
    """Whether `actor` may `action` ("view", "review", "approve", …) this assessment."""
    return Assessment.objects.restrict(actor, action).filter(pk=assessment.pk).exists()


def assessment_list(actor: Actor, *, period: int | None = None, section: str | None = None,
                    state: str | None = None) -> QuerySet[Assessment]:
    found = visible_assessments(actor).select_related(*LIST_RELATED)
    if period is not None:
        found = found.filter(period_id=period)
    if section:
        found = found.filter(section__code=section)
    if state:
        found = found.filter(state=state)
    return found.order_by("period__year", "period__quarter", "section__code", "category",
                          "person__personnel_no")


def assessment_detail(actor: Actor, pk: int) -> Assessment:
    """One assessment with what its page shows, its appeal (kaohe.appeals) included."""
    history = Transition.objects.select_related("by").order_by("at", "id")
    return access.one_or_404(
        visible_assessments(actor).filter(pk=pk)
        .select_related(*LIST_RELATED, "period__plan", "appeal")
        .prefetch_related(Prefetch("period__plan__indicators",
                                   queryset=Indicator.objects.order_by(*IN_PLAN)),
                          Prefetch("transitions", queryset=history))
    )


def visible_periods(actor: Actor) -> QuerySet[Period]:
    if actor.user is None or (actor.person is None and not actor.department_organ_ids):
        return Period.objects.none()
    scope = _of_organs_read(actor)
    if actor.person:  # a seconded-in person sees the quarter of the organ assessing them
        # EXISTS, not a join: joining the quarter's assessments made one row per person,
        # each counting the quarter again below, before DISTINCT (quadratic in its size).
        scope |= Q(Exists(Assessment.objects.filter(period=OuterRef("pk"),
                                                    person_id=actor.person.pk)))
    return Period.objects.filter(scope).select_related("organ", "plan")


def visible_periods_counted(actor: Actor) -> QuerySet[Period]:
    """The visible quarters, each with how many take part (`taking_part`), in one query."""
    taking_part = (Assessment.objects.filter(period=OuterRef("pk")).order_by()
                   .values("period").annotate(n=Count("id")).values("n"))
    return visible_periods(actor).annotate(taking_part=Coalesce(Subquery(taking_part), 0))


def _of_organs_read(actor: Actor) -> Q:
    """The quarters of the organs whose structure the actor reads: most of those they see."""
    return Q(organ_id__in=actor.readable_organ_ids)


def period_detail(actor: Actor, pk: int) -> Period:
    """One quarter the actor sees, else 404: looked for among their organs' quarters first,
    without the subquery that finds a quarter assessing them in another organ."""
    return (Period.objects.filter(_of_organs_read(actor), pk=pk).select_related("organ", "plan")
            .order_by().first() or access.one_or_404(visible_periods(actor).filter(pk=pk)))


def proposed_by(assessment: Assessment) -> int | None:
    """The account that made the proposal now standing (the latest one)."""
    return (assessment.transitions.filter(action__in=rules.PROPOSALS)
            .order_by("-at", "-id").values_list("by_id", flat=True).first())


# The columns the 好 places follow from: a quarter's assessments grouped by these are a handful
# of groups, summed by place_counts (five filtered counts cost twice as much to build).
PLACE_COLUMNS = ("state", "grade", "grade_determined", "direct", "proposed_grade")


def place_counts(groups: Iterable[Sequence[Any]]) -> Counter[str]:
    """participants, determined, good (approved 好), direct_good (of those, determined 好
    directly) and asked (proposed 好, not yet approved), from assessments grouped by
    PLACE_COLUMNS: each group those columns, then how many."""
    counts: Counter[str] = Counter()
    for state, grade, determined, direct, proposed, n in groups:
        good = state in DECIDED and grade == Grade.GOOD
        counts.update(participants=n, determined=n if determined else 0,
                      good=n if good else 0,
                      direct_good=n if good and direct and proposed == Grade.GOOD else 0,
                      asked=n if state == State.PROPOSED and proposed == Grade.GOOD else 0)
    return counts


def place_counts_by(assessments: QuerySet[Assessment], *keys: str
                    ) -> dict[tuple[Any, ...], Counter[str]]:
    """place_counts for each value of the columns `keys`, from one GROUP BY of those and
    PLACE_COLUMNS."""
    groups: dict[tuple[Any, ...], list[Sequence[Any]]] = {}
    for row in (assessments.order_by().values_list(*keys, *PLACE_COLUMNS)
                .annotate(n=Count("id"))):
        groups.setdefault(row[:len(keys)], []).append(row[len(keys):])
    return {key: place_counts(rows) for key, rows in groups.items()}


def quota(period: Period) -> rules.Quota:
    """好 places of the quarter: the limit from the plan, and the ones already approved."""
    plan = period.plan
    counts = place_counts(period.assessments.order_by().values_list(*PLACE_COLUMNS)
                          .annotate(n=Count("id")))
    base = rules.cap_base(counts["participants"], counts["determined"],
                          includes_undetermined=plan.base_includes_undetermined)
    return rules.Quota(
        participants=base, ratio=plan.good_ratio,
        limit=rules.good_limit(base, plan.good_ratio, plan.good_rounding),
        used=rules.places_used(counts["good"], counts["direct_good"],
                               direct_good_counts=plan.direct_good_counts),
        asked=counts["asked"])


# --- the split of the places among sections (§八(一), decision 0015) ------------------------------

def places_by_section(period: Period) -> dict[int, int]:
    """section id → the 好 places its approved grades take, in one query."""
    direct_good_counts = period.plan.direct_good_counts
    return {section_id: rules.places_used(counts["good"], counts["direct_good"],
                                          direct_good_counts=direct_good_counts)
            for (section_id,), counts in place_counts_by(period.assessments.all(),
                                                         "section_id").items()}


def split_fixed(period: Period) -> bool:
    return period.section_quotas.exists()


def shares(period: Period, section_ids: Iterable[int] | None = None) -> dict[int, rules.Share]:
    """section id → its share of the places and the places it has used, for the sections
    asked (all of them by default); empty while the office has fixed no split."""
    fixed = period.section_quotas.select_related("section").order_by("section__code")
    if section_ids is not None:
        fixed = fixed.filter(section_id__in=list(section_ids))
    quotas = list(fixed)
    if not quotas:
        return {}
    used = places_by_section(period)
    return {q.section_id: rules.Share(q.section.name, q.places, used.get(q.section_id, 0))
            for q in quotas}


def share_for(period: Period, section: Section) -> rules.Share | None:
    """The share that binds an approval in `section`, or None when no split is fixed. A
    section the split left out (nobody took part there when it was fixed) has no place."""
    if not split_fixed(period):
        return None
    return shares(period, [section.pk]).get(
        section.pk, rules.Share(section.name, 0, places_by_section(period).get(section.pk, 0)))


@dataclass(frozen=True)
class QuotaLine:
    """One section in the office's split: who takes part, the weighted headcount, the places
    the weight gives, the places fixed now (None before) and those its 好 already take."""

    section: Section
    headcount: int
    frontline: int
    weight: Decimal
    places: int
    saved: int | None
    used: int


def section_headcounts(period: Period) -> list[tuple[Section, int, int]]:
    counts = {r["section_id"]: (r["n"], r["front"]) for r in
              period.assessments.values("section_id")
              .annotate(n=Count("id"), front=Count("id", filter=Q(frontline=True))).order_by()}
    sections = Section.objects.filter(pk__in=counts).order_by("code")
    return [(s, *counts[s.pk]) for s in sections]


def quota_plan(period: Period, frontline_weight: Decimal) -> tuple[int, list[QuotaLine]]:
    """The split `frontline_weight` would give (§八(一) front-line tilt), beside the one fixed."""
    limit = quota(period).limit
    counts = section_headcounts(period)
    places = rules.split_places(limit, [(s.code, n, front) for s, n, front in counts],
                                frontline_weight)
    saved = {q.section_id: q.places for q in period.section_quotas.all()}
    used = places_by_section(period)
    return limit, [QuotaLine(s, n, front, n + frontline_weight * front, places[s.code],
                             saved.get(s.pk), used.get(s.pk, 0)) for s, n, front in counts]


def own_shares(actor: Actor, period: Period) -> list[rules.Share]:
    """The shares of the sections whose people this actor reviews or approves: a chief their
    section, a leader in charge the sections they oversee, the principal and the office all."""
    if period.organ_id in actor.whole_organ_ids:
        return list(shares(period).values())
    return list(shares(period, actor.section_ids).values()) if actor.section_ids else []


@dataclass(frozen=True)
class Holder:
    """Someone proposed 好 and not yet approved, and who will approve them (§七(三))."""

    name: str
    section: str
    approver: str


def good_holders(period: Period) -> list[Holder]:
    """Those proposed 好 awaiting approval across the organ, with their approver: without a
    split, approvers see who else will ask for the organ's places."""
    principal = period.organ.principal
    rows = (period.assessments.filter(state=State.PROPOSED, proposed_grade=Grade.GOOD)
            .select_related("person", "section", "section__leader_in_charge")
            .order_by("section__code", "-category", "person__personnel_no"))
    return [Holder(a.person.name, a.section.name,
                   _approver_name(a.category, a.section.leader_in_charge, principal))
            for a in rows]


def _approver_name(category: str, leader: Person | None, principal: Person | None) -> str:
    approver = principal if category == Category.CHIEF else leader
    return approver.name if approver is not None else "—"


def appeal_deadline(assessment: Assessment) -> datetime.date | None:
    """The last day to appeal: 5 working days after the feedback day (§十(二), RULES.md)."""
    if assessment.feedback_given_on is None:
        return None
    return add_working_days(assessment.feedback_given_on, rules.APPEAL_WORKING_DAYS)


def supervising_leader(assessment: Assessment) -> Person | None:
    """The reviewer (§七(三)): the section chief for staff, the leader in charge for chiefs."""
    if assessment.category == Category.CHIEF:
        return assessment.section.leader_in_charge
    return Person.objects.filter(section_id=assessment.section_id, category=Category.CHIEF,
                                 active=True).first()


def leave_working_days(leaves: list[Leave], first: datetime.date, last: datetime.date) -> int:
    """Working days on leave within first..last; overlapping records are counted once."""
    return sum(working_days(start, end) for start, end in
               rules.merged_spans([(lv.start, lv.end) for lv in leaves], first, last))


def leave_and_service_days(leaves: list[Leave], assignments: list[Assignment], period: Period,
                           workdays: list[datetime.date] | None = None) -> tuple[int, int]:
    """Working days of the quarter on leave, and working days in service: under any
    assignment, in any organ. "More than half" (§十(三)) is measured against the days in
    service (decision 0003): someone who joined in the quarter's last month is undetermined
    after half of that month. Without any assignment recorded, the whole quarter. `workdays`:
    the quarter's, when the caller has read them already."""
    first, last = period.first_day, period.last_day
    served = rules.merged_spans([(a.start, a.end or last) for a in assignments], first,
                                last) if assignments else [(first, last)]
    on_leave = rules.merged_spans([(lv.start, lv.end) for lv in leaves], first, last)
    days = [day for day in (workdays or workdays_in(first, last))
            if any(start <= day <= end for start, end in served)]
    return sum(1 for day in days if any(start <= day <= end for start, end in on_leave)), len(days)


def today() -> datetime.date:
    """The day the appeal windows are measured against when closing (tests move it)."""
    return timezone.localdate()


def unfinished(period: Period) -> list[str]:
    """What still stands between the quarter and its closing, one line each: the office's
    own work first, then the appeals that may still come or wait for a decision."""
    work, appeals = closing_items(period)
    return work + appeals


class Concerned(NamedTuple):
    """One assessment that keeps its quarter open, as plain values."""

    name: str
    number: str
    state: str
    feedback: datetime.date | None
    appealed: bool
    appeal_decided: bool


def closing_items(period: Period) -> tuple[list[str], list[str]]:
    """(work, appeals): the results not yet told and the 好 list not yet published, which
    nothing overrides; and who may still appeal (§十(二): 5 working days after the feedback
    day, no appeal yet) and whose appeal is undecided, which keep the results from being final
    (decision 0005) unless the office closes early with a written reason (decision 0014).
    The assessments concerned are read once, in the quarter's order."""
    # Undecided is "no decision time yet", which every decision sets (kaohe.appeals.services),
    # so this app need not know the appeal's states.
    day = today()
    undecided = Q(appeal__isnull=False, appeal__decided_at__isnull=True)
    told_lately = Q(state__in=FINISHED, appeal__isnull=True,
                    feedback_given_on__gte=day - WINDOW_HORIZON)
    rows = [Concerned(name, number, state, feedback, appeal is not None, decided is not None)
            for name, number, state, feedback, appeal, decided in period.assessments
            .filter(~Q(state__in=FINISHED) | undecided | told_lately)
            .order_by(*IN_QUARTER).values_list("person__name", "person__personnel_no", "state",
                         "feedback_given_on", "appeal__pk", "appeal__decided_at")]
    work = [_("%(name)s：%(state)s") % {"name": row.name, "state": State(row.state).label}
            for row in rows if row.state not in FINISHED]
    if period.published_at is None:
        work.append(str(_("“好”等次人员名单尚未公布")))
    pending = [_("%(name)s：申诉待处理") % {"name": row.name}
               for row in sorted(rows, key=operator.attrgetter("number"))
               if row.appealed and not row.appeal_decided]
    try:
        windows = [_("%(name)s：申诉期未满（至 %(deadline)s）") % {
            "name": name, "deadline": deadline.isoformat()}
            for name, deadline in _open_windows(rows, day)]
    except CalendarNotCovered as missing:
        windows = [str(missing)]
    return work, pending + windows


def _open_windows(rows: list[Concerned], day: datetime.date) -> list[tuple[str, datetime.date]]:
    """(name, last day to appeal) of those told their result who may still appeal `day` and
    have not. One calendar lookup per distinct feedback day."""
    deadlines: dict[datetime.date, datetime.date] = {}
    found = []
    told = sorted((row for row in rows if row.state in FINISHED and not row.appealed
                   and row.feedback is not None), key=operator.attrgetter("feedback", "number"))
    for row in told:
        assert row.feedback is not None  # chosen above
        if row.feedback not in deadlines:
            deadlines[row.feedback] = add_working_days(row.feedback, rules.APPEAL_WORKING_DAYS)
        if day <= deadlines[row.feedback]:
            found.append((row.name, deadlines[row.feedback]))
    return found


# No 5 working days after a feedback day span more than this many calendar days on the
# official calendar (the longest holiday, Spring Festival, with its weekends: about 16).
WINDOW_HORIZON = datetime.timedelta(days=31)


def not_yet_decided(period: Period) -> int:
    """How many of the quarter's grades are not yet approved: the list waits for them."""
    return period.assessments.exclude(state__in=DECIDED).count()


def good_entries(period: Period) -> list[dict[str, object]]:
    """The quarter's 好 list as it stands, as plain values to keep in a publication."""
    return [list_entry(a) for a in period.assessments.filter(state__in=DECIDED,
                                                              grade=Grade.GOOD)
            .select_related("person", "section").order_by("section__code",
                                                         "person__personnel_no")]


def list_entry(assessment: Assessment) -> dict[str, object]:
    return {"assessment": assessment.pk, "person": assessment.person.name,
            "personnel_no": assessment.person.personnel_no,
            "section": assessment.section.name, "section_code": assessment.section.code,
            "grade": assessment.grade}


@dataclass
class PublishedList:
    """A published 好 list (§八(一)): as published, each dated correction, and the list as
    it stands after them. `publication` is None for a quarter published before the list was
    kept; its current list is then read from the grades."""

    publication: Publication | None
    corrections: list[Correction]
    current: list[dict[str, object]]


def published_list(period: Period) -> PublishedList | None:
    """The quarter's published 好 list, or None before publication."""
    if period.published_at is None:
        return None
    publication = (Publication.objects.filter(period=period).select_related("published_by")
                   .first())
    if publication is None:
        return PublishedList(None, [], good_entries(period))
    corrections = list(publication.corrections.select_related("by").order_by("at", "id"))
    return PublishedList(publication, corrections,
                         rules.corrected_list(publication.names,
                                              [(c.added, c.removed) for c in corrections]))


def published_good(period: Period) -> QuerySet[Assessment]:
    """The 好 list of a quarter as published and corrected, once the office has published it
    (§八(一))."""
    found = published_list(period)
    if found is None:
        return Assessment.objects.none()
    ids = [entry["assessment"] for entry in found.current]
    return (period.assessments.filter(pk__in=ids).select_related("person", "section")
            .order_by("section__code", "person__personnel_no"))


# The quarter's rows of a reviewer's or approver's screen: each knows its quarter (read through
# it) and reads its person and section with it. Whom one may review or approve one may see
# (tests/org/test_restrict.py): the scope of the action alone decides.

def to_review(actor: Actor, period: Period) -> QuerySet[Assessment]:
    """The quarter's assessments this actor reviews (§七(三)), section by section."""
    return (period.assessments.restrict(actor, "review").select_related("person", "section")
            .order_by("section__code", "-category", "person__personnel_no"))


def to_approve(actor: Actor, period: Period) -> QuerySet[Assessment]:
    """The quarter's assessments this actor approves (§七(三)), those waiting first."""
    return (period.assessments.restrict(actor, "approve").select_related("person", "section")
            .order_by("state", "section__code", "person__personnel_no"))


def waiting_approval(actor: Actor, period: Period) -> QuerySet[Assessment]:
    """The proposals waiting for this approver: what a batch approval may take."""
    return to_approve(actor, period).filter(state__in=rules.states_allowing("approve"))


def state_counts(actor: Actor, periods: list[Period]) -> dict[int, dict[str, int]]:
    """period id → state → how many of the assessments this actor sees, in one query."""
    counts: dict[int, dict[str, int]] = {}
    for row in (visible_assessments(actor).filter(period__in=periods).order_by()
                .values("period_id", "state").annotate(n=Count("id"))):
        counts.setdefault(row["period_id"], {})[row["state"]] = row["n"]
    return counts


def own_by_period(actor: Actor, periods: list[Period]) -> dict[int, Assessment]:
    """period id → the actor's own assessment in it, for the quarters page."""
    if actor.person is None:
        return {}
    return {a.period_id: a for a in Assessment.objects.restrict(actor, "own")
            .filter(period__in=periods).defer(*TEXTS).order_by()}


def liaison_requests(actor: Actor) -> QuerySet[LiaisonRequest]:
    if actor.person is None:
        return LiaisonRequest.objects.none()
    return (LiaisonRequest.objects.filter(liaison=actor.person)
            .select_related("assessment__person", "assessment__period").order_by("-asked_at"))


def follow_ups(actor: Actor) -> QuerySet[FollowUp]:
    if actor.person is None:
        return FollowUp.objects.none()
    return (FollowUp.objects.filter(assigned_to=actor.person)
            .select_related("assessment__person", "assessment__period")
            .order_by("done_on", "-created_at"))


@dataclass
class Todo:
    """What a person has to do now, for their home page (and the reminders)."""

    mine: list[Assessment]
    queues: list[tuple[Period, str, int, bool, str]]  # period, what, how many, overdue, where
    # What else waits on the person, by kind ("liaison", "follow_ups", and those of other
    # apps the caller asked to count with them), how many.
    waiting: dict[str, int] = field(default_factory=dict)
    notifications: list[Notification] = field(default_factory=list)
    # The person's latest decided quarter, open or closed: the home page keeps it in view
    # after the to-do is gone.
    latest_result: Assessment | None = None


def _queue_counts(actor: Actor,
                  open_: QuerySet[Assessment]) -> list[tuple[int, str, int, str]]:
    """(quarter, what waits, how many, the page where it is done) for the reviewer and the
    approver: the open assessments they review or approve counted by quarter and state in one
    query, each scope written into it once (whom one may act on one sees: no view scope to
    add); nothing to ask for everyone else."""
    scopes = {"reviews": access.reviewable(actor) if access.reviews_anyone(actor) else None,
              "approves": access.approvable(actor) if access.approves_anyone(actor) else None}
    roles = {role: ExpressionWrapper(scope, output_field=BooleanField())
             for role, scope in scopes.items() if scope is not None}
    if not roles:
        return []
    queues = [(_("待审核评鉴"), "reviews", UNDER_REVIEW, "review_screen"),
              (_("待审定"), "approves", rules.states_allowing("approve"), "approval_screen"),
              (_("待反馈"), "reviews", rules.states_allowing("feedback"), "review_screen")]
    counted: Counter[tuple[int, int]] = Counter()
    for row in (open_.annotate(**roles)
                .filter(reduce(operator.or_, (Q(**{role: True}) for role in roles)))
                .values("period_id", "state", *roles).order_by().annotate(n=Count("id"))):
        for i, (_label, role, states, _page) in enumerate(queues):
            if row.get(role) and row["state"] in states:
                counted[row["period_id"], i] += row["n"]
    return [(period_id, queues[i][0], n, queues[i][3])
            for (period_id, i), n in sorted(counted.items())]


OWN_COLUMNS = ("period", "state", "grade", "grade_determined", "period__year", "period__quarter",
               "period__state")


def todo(actor: Actor, waiting_elsewhere: dict[str, QuerySet[Any]] | None = None) -> Todo:
    """`waiting_elsewhere`: the rows of other apps that wait on the person (e.g. appeals to
    handle), counted with this app's own in one query."""
    if actor.person is None:
        return Todo([], [])
    today = timezone.localdate()
    # The person's own quarters, newest first, read once for the to-do and the latest result:
    # the columns the home page shows (no text to decrypt).
    own = list(Assessment.objects.restrict(actor, "own").select_related("period")
               .only(*OWN_COLUMNS).order_by("-period__year", "-period__quarter"))
    counted = _queue_counts(actor, Assessment.objects.filter(period__state=PeriodState.OPEN))
    # The queues' quarters are most often the person's own, already read.
    periods = {a.period_id: a.period for a in own}
    missing = {period_id for period_id, _label, _n, _p in counted} - periods.keys()
    periods.update(Period.objects.order_by().in_bulk(missing) if missing else {})
    queues = [(periods[pk], label, n, today > periods[pk].last_day, reverse(page, args=[pk]))
              for pk, label, n, page in counted]
    unread = Notification.objects.filter(user=actor.user, read=False)
    waiting = _waiting_on(actor.person, {"notifications": unread, **(waiting_elsewhere or {})})
    return Todo(
        # Counted with the rest, read only when there are any.
        notifications=list(unread[:5]) if waiting["notifications"] else [],
        mine=[a for a in reversed(own) if a.period.state == PeriodState.OPEN],
        latest_result=next((a for a in own if a.state in DECIDED), None),
        queues=queues,
        waiting=waiting,
    )


def _waiting_on(person: Person, elsewhere: dict[str, QuerySet[Any]]) -> dict[str, int]:
    """The liaison requests the person has to answer, the follow-ups they have to carry out
    and the rows of `elsewhere`, counted in one query."""
    kinds = {"liaison": LiaisonRequest.objects.filter(liaison=person, answered_at__isnull=True),
             "follow_ups": FollowUp.objects.filter(assigned_to=person, done_on__isnull=True),
             **elsewhere}
    first, *others = [rows.order_by().annotate(waiting=Value(kind))
                      .values_list("waiting", flat=True) for kind, rows in kinds.items()]
    counted = Counter(first.union(*others, all=True))
    return {kind: counted[kind] for kind in kinds}


# --- leave of a quarter (§十(三)) ---------------------------------------------------------------

def concerned(period: Period) -> Q:
    """People a quarter concerns: those assessed in it, and the organ's own people."""
    return Q(organ_id=period.organ_id) | Q(Exists(
        Assessment.objects.filter(period=period, person=OuterRef("pk"))))


def quarter_leaves(actor: Actor, period: Period) -> QuerySet[Leave]:
    """The leave that falls in the quarter, of the people it concerns whom the actor sees."""
    people = Person.objects.restrict(actor).filter(concerned(period))
    return (Leave.objects.filter(person__in=people, start__lte=period.last_day,
                                 end__gte=period.first_day)
            .select_related("person", "person__section", "recorded_by")
            .order_by("person__personnel_no", "start", "pk"))


def leave_detail(actor: Actor, pk: int) -> Leave:
    """One leave record, 404 unless its person is someone the actor sees."""
    return access.one_or_404(Leave.objects.filter(
        pk=pk, person__in=Person.objects.restrict(actor)).select_related("person"))


@dataclass
class LeaveRow:
    leave: Leave
    days: int  # working days of this record inside the quarter
    person_days: int  # the person's working days on leave in the quarter, overlaps once
    determined: bool  # whether the person's grade can still be determined (§十(三))
    may_change: bool  # whether the quarter is still open (after approval: with a reason)


def leave_overview(leaves: list[Leave], period: Period) -> tuple[int, list[LeaveRow]]:
    """The quarter's working days and one row per leave record, in a fixed number of queries
    (the quarter's calendar is read once); raises CalendarNotCovered for a year the calendar
    does not know yet. Whether a grade can be determined follows each person's days in
    service (leave_and_service_days)."""
    first, last = period.first_day, period.last_day
    workdays = workdays_in(first, last)
    by_person: dict[int, list[Leave]] = {}
    for leave in leaves:
        by_person.setdefault(leave.person_id, []).append(leave)
    assignments: dict[int, list[Assignment]] = {}
    for assignment in Assignment.objects.filter(person_id__in=by_person).order_by("person_id",
                                                                                   "start"):
        assignments.setdefault(assignment.person_id, []).append(assignment)
    totals = {pid: leave_and_service_days(own, assignments.get(pid, []), period, workdays)
              for pid, own in by_person.items()}
    return len(workdays), [
        LeaveRow(leave=leave, days=sum(1 for day in workdays if leave.start <= day <= leave.end),
                 person_days=totals[leave.person_id][0],
                 determined=rules.grade_determined(*totals[leave.person_id]),
                 may_change=not period.is_closed)
        for leave in leaves]


def leave_candidates(actor: Actor, period: Period, query: str) -> list[Person]:
    """Whom leave can be recorded for in this quarter: the people it concerns, found by name
    or personnel number among those the actor sees."""
    return list(people_search(actor, query).filter(concerned(period))[:SEARCH_RESULTS])


def leave_person_matches(actor: Actor, period: Period, text: str) -> list[Person]:
    """Who `text` names among the people the quarter concerns: the person with that
    personnel number, else everyone with exactly that name (two or more: the office picks)."""
    people = Person.objects.restrict(actor).filter(concerned(period)).select_related("organ")
    text = text.strip()
    by_number = list(people.filter(personnel_no=text)[:1])
    return by_number or list(people.filter(name=text).order_by("personnel_no")[:SEARCH_RESULTS])
