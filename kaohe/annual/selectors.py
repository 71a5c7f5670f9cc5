"""Reads of the annual link, restricted through kaohe.org.access. The overview is built in a
fixed number of queries whatever the number of people (query budget)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from operator import attrgetter

from django.db.models import F, QuerySet
from django.http import Http404

from kaohe.annual import rules
from kaohe.annual.models import AnnualGrade, AnnualResult, AnnualYear, ArchivedFile
from kaohe.assessments.models import DECIDED, Assessment
from kaohe.org import access
from kaohe.org.access import Actor
from kaohe.org.models import Organ, Person
from kaohe.plans.models import Period

QUARTERS = (1, 2, 3, 4)


class People(dict[int, Person]):
    """The people of an overview, read when first needed: a page reads only its own rows
    (`load`); any other use reads all of them at once, never one query a person."""

    def __init__(self, ids: Iterable[int], organ: Organ) -> None:
        super().__init__()
        self.ids = list(ids)
        self.organs = {organ.pk: organ}  # the overview's own, most people's

    def __missing__(self, person_id: int) -> Person:
        self.load(self.ids)
        return dict.__getitem__(self, person_id)

    def load(self, ids: Iterable[int]) -> None:
        """Read these people with their section and organ. The organs are read apart and
        shared: joined, the same organ row was decoded again for each of thousands."""
        persons = Person.objects.select_related("section").order_by().in_bulk(
            [pk for pk in ids if pk not in self])
        others = {person.organ_id for person in persons.values()} - self.organs.keys()
        if others:
            self.organs.update(Organ.objects.in_bulk(others))
        for person in persons.values():
            person.organ = self.organs[person.organ_id]
        self.update(persons)


@dataclass
class Row:
    person_id: int
    rec: rules.Recommendation  # rec.key is the person's personnel number
    result: AnnualResult | None
    people: People = field(repr=False)
    # The person's name and section as plain values, read with the quarters: the annual page
    # shows them without reading the people themselves.
    name: str = ""
    section: str = ""
    # By quarter; filled only by overview(with_assessments=True).
    assessments: dict[int, Assessment] = field(default_factory=dict)
    provisional: bool = False  # 暂定: the year is incomplete or a quarter undecided

    @property
    def person(self) -> Person:
        return self.people[self.person_id]

    @property
    def by_quarter(self) -> list[rules.Quarter | None]:
        """The four quarters in order, None where the person was not assessed here."""
        return [self.rec.quarters.get(q) for q in QUARTERS]

    @property
    def decided_grade(self) -> str:
        return self.result.grade if self.result and self.result.grade else ""

    @property
    def final_grade(self) -> str:
        """The decided grade, or the recommendation while the office has not decided."""
        return self.decided_grade or self.rec.grade

    @property
    def broken(self) -> list[str]:
        return [str(rules.BROKEN[code]) for code in (self.result.broken_rules
                                                      if self.result else [])]


@dataclass
class Overview:
    annual: AnnualYear
    periods: dict[int, Period]
    rows: list[Row]
    limit: int
    participants: int
    people: People
    may_decide: bool = False
    quarters: tuple[int, ...] = QUARTERS

    @property
    def closed_quarters(self) -> int:
        return sum(1 for period in self.periods.values() if period.is_closed)

    @property
    def year_complete(self) -> bool:
        return rules.year_complete(self.closed_quarters)

    @cached_property
    def confirmable(self) -> list[Row]:
        """Those not decided yet whose recommendation needs no decision of its own
        (kaohe.annual.rules.needs_decision): the office may confirm them in one step."""
        undecided = {row.rec.key: row for row in self.rows if not row.decided_grade}
        chosen = rules.batch_confirmable([row.rec for row in undecided.values()],
                                         excellent_taken=self.excellent_decided,
                                         limit=self.limit, closed_quarters=self.closed_quarters)
        return [undecided[rec.key] for rec in chosen]

    @cached_property
    def candidates(self) -> list[Row]:
        ranked = [row for row in self.rows if row.rec.rank is not None]
        return sorted(ranked, key=lambda row: (row.rec.rank or 0, row.rec.key))

    @property
    def excellent_decided(self) -> int:
        return sum(1 for row in self.rows if row.decided_grade == AnnualGrade.EXCELLENT)

    @property
    def undecided(self) -> int:
        return sum(1 for row in self.rows if not row.decided_grade)

    def row_of(self, person: Person) -> Row:
        for row in self.rows:
            if row.person_id == person.pk:
                return row
        raise Http404


def annual_year(organ: Organ, year: int) -> AnnualYear:
    """The organ's settings for the year; the defaults (unsaved) until the office saves any."""
    found = AnnualYear.objects.filter(organ=organ, year=year).order_by().first()
    if found is None:
        return AnnualYear(organ=organ, year=year)
    found.organ = organ  # already read: the overview and its page use it
    return found


# The columns the recommendation follows from, read as plain values: building the assessments
# themselves (six model instances a row, the scores decoded) was five sixths of a roll-up.
QUARTER_COLUMNS = ("period__quarter", "state", "grade", "grade_determined", "composite_score")


def quarter_of(quarter: int, state: str, grade: str, determined: bool,
               score: Decimal | None) -> rules.Quarter:
    decided = state in DECIDED
    return rules.Quarter(quarter=quarter, grade=grade if decided and determined else "",
                         determined=determined, decided=decided, score=score)


def overview(annual: AnnualYear, *, people: list[int] | None = None,
             with_assessments: bool = False) -> Overview:
    """Every person whose year the organ decides, with their quarters and the
    recommendation. The year is one per person (§九(三)): the organ of the person's latest
    assessed quarter decides it, from all the year's quarters wherever they were assessed, and
    counts the person once in its 优秀 base. The ratio is always computed on the whole organ;
    `people` only narrows the rows returned (for one person's forms). The assessments
    themselves are loaded only `with_assessments` (the official forms read their texts); the
    people, when first used."""
    # Read into dicts: unordered, as the models' orderings would join the organ to sort.
    periods = {p.quarter: p for p in Period.objects.filter(organ=annual.organ, year=annual.year)
               .order_by()}
    found = year_assessments(annual, periods.values())
    quarters, who = _decided_here(annual, found)
    results = ({r.person_id: r for r in AnnualResult.objects.filter(annual=annual).order_by()
                .annotate(number=F("person__personnel_no"), name=F("person__name"),
                          section_name=F("person__section__name"))} if annual.pk else {})
    for person_id in _not_assessed(annual, results.keys() - who.keys()):
        # Refusing to take part: no assessment at all in the year, a row here.
        result = results[person_id]
        quarters.setdefault(person_id, [])
        who[person_id] = (result.number, result.name, result.section_name)
    loader = People(quarters, annual.organ)
    rows = [
        Row(person_id=person_id, people=loader, result=results.get(person_id),
            name=who[person_id][1], section=who[person_id][2] or "",
            rec=rules.evaluate(who[person_id][0], found_, annual,
                               refused=bool(results.get(person_id)
                                            and results[person_id].refused_to_take_part)))
        for person_id, found_ in quarters.items()
    ]
    recs = [row.rec for row in rows]
    limit = rules.rank(recs, annual)
    closed = sum(1 for period in periods.values() if period.is_closed)
    for row in rows:
        # A quarter assessed elsewhere still undecided keeps the row provisional (rec.pending);
        # the year is complete when this organ's quarters are closed: it decides the year.
        row.provisional = rules.provisional(row.rec, closed)
    if people is not None:
        rows = [row for row in rows if row.person_id in people]
        loader.ids = [row.person_id for row in rows]
    if with_assessments:
        _attach_assessments(rows, found, people)
    return Overview(annual=annual, periods=periods, rows=rows, limit=limit,
                    participants=rules.participants(recs, annual), people=loader)


def year_assessments(annual: AnnualYear, periods: Iterable[Period]) -> QuerySet[Assessment]:
    """The year's assessments, in any organ, of everyone assessed in one of the organ's
    quarters (`periods`): with them the quarters that another organ assessed, before or after
    a secondment or transfer. One query, whatever the number of people."""
    assessed = Assessment.objects.filter(period__in=periods).values("person_id")
    return (Assessment.objects.filter(period__year=annual.year, person_id__in=assessed)
            .order_by("section__code", "-category", "person__personnel_no", "period__quarter"))


# (quarter, period, organ) of a person's latest assessed quarter. Two organs assessing the same
# quarter should not happen (one organ assesses a period, decision 0003); if it does, the
# period opened last decides, the same for every organ asking (see deciding_organ).
LATEST_NONE = (0, 0, 0)
QUARTER_NUMBER = attrgetter("quarter")


def _decided_here(annual: AnnualYear, found: QuerySet[Assessment]
                  ) -> tuple[dict[int, list[rules.Quarter]], dict[int, tuple[str, str, str]]]:
    """The quarters, from every organ, of the people whose latest quarter of the year this
    organ assessed (it decides their year), and everyone's personnel number, name and section.
    The rows keep the order of each person's first quarter here (section, category, number),
    as before; each person's quarters in the order of the year, wherever their sections
    sort."""
    quarters: dict[int, list[rules.Quarter]] = {}
    who: dict[int, tuple[str, str, str]] = {}
    latest: dict[int, tuple[int, int, int]] = {}
    here: dict[int, None] = {}  # ordered: a set that keeps the first appearance
    for person_id, number, name, section, period_id, organ_id, *columns in found.values_list(
            "person_id", "person__personnel_no", "person__name", "person__section__name",
            "period_id", "period__organ_id", *QUARTER_COLUMNS):
        quarters.setdefault(person_id, []).append(quarter_of(*columns))
        who[person_id] = (number, name, section or "")
        latest[person_id] = max(latest.get(person_id, LATEST_NONE),
                                (columns[0], period_id, organ_id))
        if organ_id == annual.organ_id:
            here[person_id] = None
    return ({person_id: sorted(quarters[person_id], key=QUARTER_NUMBER) for person_id in here
             if latest[person_id][2] == annual.organ_id}, who)


def _not_assessed(annual: AnnualYear, people: Iterable[int]) -> list[int]:
    """Those of `people` (with a result, not assessed in the organ's quarters) whom no organ
    assessed in the year: most often nobody is asked about, and nothing is read."""
    asked = list(people)
    if not asked:
        return []
    assessed = set(Assessment.objects.filter(person_id__in=asked, period__year=annual.year)
                   .values_list("person_id", flat=True))
    return [person_id for person_id in asked if person_id not in assessed]


def organ_of_latest_quarter(person: Person, year: int) -> Organ | None:
    """The organ that assessed the person's latest quarter of the year, which decides their
    year (§九(三)); None when no organ assessed them that year."""
    latest = (Period.objects.filter(assessments__person=person, year=year)
              .select_related("organ").order_by("-quarter", "-pk").first())
    return latest.organ if latest else None


def deciding_organ(person: Person, year: int) -> Organ:
    """The organ whose overview holds the person's year: that of their latest assessed
    quarter, or their own organ when they were not assessed that year (a recorded refusal to
    take part is the own organ's)."""
    return organ_of_latest_quarter(person, year) or person.organ


def _attach_assessments(rows: list[Row], found: QuerySet[Assessment],
                        people: list[int] | None) -> None:
    by_person = {row.person_id: row for row in rows}
    if people is not None:
        found = found.filter(person_id__in=people)
    for assessment in found.select_related("section", "period"):
        row = by_person.get(assessment.person_id)
        if row is not None:
            assessment.person = row.person  # already read, with its organ and section
            row.assessments[assessment.period.quarter] = assessment


def annual_overview(actor: Actor, organ_code: str, year: int) -> Overview:
    organ = access.get_organ(actor, organ_code)
    if not access.may_see_annual(actor, organ):
        raise Http404
    result = overview(annual_year(organ, year))
    result.may_decide = access.may_run_annual(actor, organ) and not result.annual.is_closed
    return result


def archive_list(actor: Actor, organ_code: str, year: int) -> tuple[AnnualYear,
                                                                   list[ArchivedFile]]:
    """The frozen materials of a closed year, each with its checksum, without the content."""
    view = annual_overview(actor, organ_code, year)
    files = (ArchivedFile.objects.filter(annual__organ=view.annual.organ, annual__year=year)
             .defer("content").select_related("person", "person__section", "corrected_by")
             .order_by("person__section__code", "person__personnel_no", "name", "version"))
    return view.annual, list(files)


def archived_file(actor: Actor, pk: int) -> ArchivedFile:
    found = access.one_or_404(ArchivedFile.objects.filter(pk=pk).select_related(
        "annual__organ"))
    if not access.may_see_annual(actor, found.annual.organ):
        raise Http404
    return found


# --- the organization department's roll-up of the year across its organs ----------------------

@dataclass(frozen=True)
class OrganYear:
    """One organ's year in the department's roll-up: counts, never names (the department
    looks at organs from outside, decision 0011)."""

    organ: Organ
    participants: int
    limit: int  # 优秀 places
    recommended: Counter[str]  # by annual grade
    decided: Counter[str]
    undecided: int
    closed: bool


def rollup_organs(actor: Actor) -> list[Organ]:
    """The organs filed with the actor's organization department; 404 for anyone else."""
    if not actor.department_organ_ids:
        raise Http404
    return list(access.department_organs(actor).order_by("code"))


def organ_year(organ: Organ, year: int) -> OrganYear:
    """The organ's year as its own page computes it (`overview`): seconds for a province of
    1,000 organs, hence a background job (kaohe/annual/tasks.py)."""
    view = overview(annual_year(organ, year))
    return OrganYear(organ=organ, participants=view.participants, limit=view.limit,
                     recommended=Counter(row.rec.grade for row in view.rows),
                     decided=Counter(row.decided_grade for row in view.rows
                                     if row.decided_grade),
                     undecided=view.undecided, closed=view.annual.is_closed)
