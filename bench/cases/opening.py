"""Opening a quarter: the bulk path of period_open in one organ of N people,
against the naive path (each assessment created with the ORM, validated, one at a time) and
against the floor of one INSERT … SELECT of the same rows; and every office of the
province opening its quarter, one after the other."""

from __future__ import annotations

from django.db import connection, transaction

from bench.cases.data import delete_quarter, office_users, vacuum
from bench.core import Context, Measure, case, timed
from kaohe.assessments import services
from kaohe.assessments.models import Assessment
from kaohe.assessments.services.quarter import section_during
from kaohe.org.models import ASSESSED_CATEGORIES, Organ, Person
from kaohe.plans.models import Period
from kaohe.plans.services import plan_for

CASE = "Open a quarter"


@case("open_quarter")
def open_quarter(ctx: Context) -> list[Measure]:
    """One organ of N people: the bulk path, the naive path (on a sample) and the floor."""
    year, quarter = ctx.year + 1, 1
    organ = Organ.objects.get(code__startswith="BIG")
    office = office_users()[organ.pk]
    plan_for(organ=organ, year=year)  # the year's plan is set up before its first quarter
    delete_quarter(year, quarter, [organ.pk])

    bulk_s, _ = timed(lambda: services.period_open(organ=organ, year=year, quarter=quarter,
                                                   by=office))
    rows = Assessment.objects.filter(period__organ=organ, period__year=year,
                                     period__quarter=quarter).count()
    clear(year, quarter, [organ.pk])

    naive_s, naive_rows = timed(lambda: naive_open(organ, year, quarter, ctx.sizes.naive_rows))
    clear(year, quarter, [organ.pk])

    Period.objects.create(organ=organ, plan=plan_for(organ=organ, year=year), year=year,
                          quarter=quarter)
    floor_s, floor_rows = timed(lambda: insert_select(year, quarter))
    clear(year, quarter, [organ.pk])

    bulk_rate, naive_rate, floor_rate = rows / bulk_s, naive_rows / naive_s, floor_rows / floor_s
    speedup = bulk_rate / naive_rate
    return [
        Measure(CASE, f"bulk path: `period_open`, one organ of {rows:,} people", bulk_s, "s",
                detail=f"{bulk_rate:,.0f} rows/s",
                comparison=f"**{speedup:,.0f}×** the naive path's rate; "
                           f"{bulk_s / floor_s:,.1f}× the floor's time",
                target="< 20 s and ≥ 50× naive",
                met=ctx.target(bulk_s < 20 and speedup >= 50)),
        Measure(CASE, "naive path: per person ORM `full_clean()` + `save()` "
                      f"(first {naive_rows:,} people)", naive_rate, "rows/s",
                detail=f"{naive_s:.1f} s; at this rate {rows:,} would take "
                       f"{rows / naive_rate:,.0f} s"),
        Measure(CASE, "floor: one `INSERT … SELECT` of the same people", floor_s, "s",
                detail=f"{floor_rows:,} rows, {floor_rate:,.0f} rows/s"),
    ]


@case("open_province")
def open_province(ctx: Context) -> list[Measure]:
    """The quarter-end peak: every office of the province opens its quarter."""
    year, quarter = ctx.year + 1, 1
    organs = list(Organ.objects.filter(code__startswith="SYN").order_by("code"))
    offices = office_users()
    for organ in organs:
        plan_for(organ=organ, year=year)
    ids = [organ.pk for organ in organs]
    delete_quarter(year, quarter, ids)

    def every_office() -> int:
        for organ in organs:
            services.period_open(organ=organ, year=year, quarter=quarter, by=offices[organ.pk])
        return Assessment.objects.filter(period__organ_id__in=ids, period__year=year,
                                         period__quarter=quarter).count()

    seconds, rows = timed(every_office)
    clear(year, quarter, ids)
    return [Measure(CASE, f"province: `period_open` by each of {len(organs):,} offices in turn",
                    seconds, "s", detail=f"{rows:,} assessments, {rows / seconds:,.0f} rows/s",
                    comparison=f"{1000 * seconds / len(organs):,.0f} ms per organ")]


def clear(year: int, quarter: int, organ_ids: list[int]) -> None:
    delete_quarter(year, quarter, organ_ids)
    vacuum()


def naive_open(organ: Organ, year: int, quarter: int, limit: int) -> int:
    """What a per-object implementation does: each person checked and saved on their own,
    with model validation and the save signals (one audit event per assessment)."""
    plan = plan_for(organ=organ, year=year)
    period, _ = Period.objects.get_or_create(organ=organ, year=year, quarter=quarter,
                                             defaults={"plan": plan})
    created = 0
    candidates = Person.objects.filter(active=True, category__in=ASSESSED_CATEGORIES,
                                       assignments__organ=organ).distinct().order_by("pk")
    for person in candidates[:limit]:
        if person.assessing_organ_id(period.first_day, period.last_day) != organ.pk:
            continue
        section_id = section_during(person.organ_id, person.section_id,
                                    list(person.assignments.all()), period)
        if section_id is None:
            continue
        with transaction.atomic():
            assessment = Assessment(period=period, person=person, section_id=section_id,
                                    category=person.category, frontline=person.frontline)
            assessment.full_clean()
            assessment.save()
        created += 1
    return created


def insert_select(year: int, quarter: int) -> int:
    """The same rows in one statement: everyone assessed by their home organ (the floor does
    not follow secondments, so its count can differ by a few rows)."""
    fixed = {"period_id": "pe.id", "person_id": "p.id", "section_id": "p.section_id",
             "category": "p.category", "frontline": "p.frontline"}
    columns, values, params = [], [], []
    for field in Assessment._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.attname in fixed:
            values.append(fixed[field.attname])
        else:  # the model's default, as Django would send it
            values.append("%s")
            params.append(field.get_db_prep_save(field.get_default(), connection))
    categories = ", ".join(f"'{c}'" for c in ASSESSED_CATEGORIES)
    sql = (f"INSERT INTO {Assessment._meta.db_table} ({', '.join(columns)}) "
           f"SELECT {', '.join(values)} FROM {Person._meta.db_table} p "
           f"JOIN {Period._meta.db_table} pe ON pe.organ_id = p.organ_id "
           f"WHERE pe.year = %s AND pe.quarter = %s AND p.active "
           f"AND p.category IN ({categories}) AND p.section_id IS NOT NULL")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [*params, year, quarter])
        return cursor.rowcount
