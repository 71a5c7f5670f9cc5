"""The aggregates behind the organization department's statistics and the annual roll-up.

The features themselves (a reports app, an annual app) are built elsewhere; until they are
merged, these cases time the query each will run, written here. To point a case at the real
function, replace the body of `statistics_query` or `annual_query` with a call to it.
Baseline in the same run: counting the same rows, the floor of reading them at all.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet

from bench.core import Context, Measure, best_of, case
from kaohe.assessments.models import Assessment
from kaohe.org.models import OrgDepartment
from kaohe.plans.models import Grade
from kaohe.synth.generator import DEPARTMENT_CODE


def department_rows(year: int) -> QuerySet[Assessment]:
    department = OrgDepartment.objects.get(code=DEPARTMENT_CODE)
    return Assessment.objects.filter(period__organ__filed_with=department, period__year=year)


def statistics_query(year: int) -> list[dict[str, Any]]:
    """Grades per organ and quarter for every organ filed with the department."""
    return list(department_rows(year).values("period__organ_id", "period__quarter", "grade")
                .annotate(n=Count("id")).order_by())


def annual_query(year: int) -> list[dict[str, Any]]:
    """Per person, the year's quarters by grade: what the annual grade is built from."""
    by_grade = {f"n_{grade.name.lower()}": Count("id", filter=Q(grade=grade.value))
                for grade in Grade}
    return list(Assessment.objects.filter(period__year=year).values("person_id")
                .annotate(quarters=Count("id"),
                          undetermined=Count("id", filter=Q(grade_determined=False)), **by_grade)
                .order_by())


def explain(ctx: Context, title: str, queryset_sql: tuple[str, Any]) -> None:
    if not ctx.postgres:
        return
    sql, params = queryset_sql
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) {sql}", params)
        ctx.explains.append((title, "\n".join(row[0] for row in cursor.fetchall())))


@case("statistics")
def statistics(ctx: Context) -> list[Measure]:
    year = ctx.year
    rows = department_rows(year).count()
    organs = department_rows(year).values("period__organ_id").distinct().count()
    floor_s, _ = best_of(ctx.sizes.repeats, lambda: department_rows(year).count())
    seconds, groups = best_of(ctx.sizes.repeats, lambda: statistics_query(year))
    explain(ctx, "Statistics: grades per organ and quarter", department_rows(year).values(
        "period__organ_id", "period__quarter", "grade").annotate(n=Count("id")).order_by()
        .query.sql_with_params())
    return [Measure("Statistics (query the reports feature will run)",
                    f"grades per organ and quarter, {organs:,} organs", seconds, "s",
                    detail=f"{rows:,} assessments → {len(groups):,} groups",
                    comparison=f"counting the same rows: {floor_s:.3f} s",
                    target="< 1 s", met=ctx.target(seconds < 1))]


@case("annual")
def annual(ctx: Context) -> list[Measure]:
    year = ctx.year
    rows = Assessment.objects.filter(period__year=year).count()
    floor_s, _ = best_of(ctx.sizes.repeats,
                         lambda: Assessment.objects.filter(period__year=year).count())
    seconds, people = best_of(ctx.sizes.repeats, lambda: annual_query(year))
    explain(ctx, "Annual roll-up: per-person grade counts over a year",
            Assessment.objects.filter(period__year=year).values("person_id")
            .annotate(quarters=Count("id")).order_by().query.sql_with_params())
    return [Measure("Annual roll-up (query the annual feature will run)",
                    f"per-person grade counts, {len(people):,} people", seconds, "s",
                    detail=f"{rows:,} assessments",
                    comparison=f"counting the same rows: {floor_s:.3f} s",
                    target="< 30 s", met=ctx.target(seconds < 30))]
