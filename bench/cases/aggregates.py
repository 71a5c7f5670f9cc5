"""The organization department's statistics and the annual roll-up, as the features run them.

- statistics: `kaohe.reports.selectors.department_board` for the department all the synthetic
  organs are filed with (the open quarter of the last year), and the whole page
  `/reports/department/` through the Django test client (selector, template, SVG charts);
- annual: `kaohe.annual.selectors.overview` — every person's four quarters and the annual
  recommendation by `kaohe.annual.rules` — for every organ of the province in turn, i.e. the
  year's recommendations for all its people.

Baselines in the same run: counting the same rows (the floor of reading them at all) and one
plain GROUP BY over the same rows (what a hand-written report query would cost).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.test import Client, override_settings

from bench.core import Context, Measure, best_of, case
from kaohe.accounts.models import User
from kaohe.annual.selectors import annual_year, overview
from kaohe.assessments.models import Assessment
from kaohe.org.access import actor_for
from kaohe.org.models import Organ, OrgDepartment
from kaohe.plans.models import Grade, Period
from kaohe.reports.selectors import Filters, department_board
from kaohe.synth.generator import DEPARTMENT_CODE

QUARTER = 4  # the synthetic year's open quarter: progress and lateness are still moving


def department_rows(year: int, quarter: int | None = None) -> QuerySet[Assessment]:
    department = OrgDepartment.objects.get(code=DEPARTMENT_CODE)
    found = Assessment.objects.filter(period__organ__filed_with=department, period__year=year)
    return found.filter(period__quarter=quarter) if quarter else found


def grouped(rows: QuerySet[Assessment]) -> list[dict[str, Any]]:
    """The hand-written baseline: grades per organ, one GROUP BY."""
    return list(rows.values("period__organ_id", "grade").annotate(n=Count("id")).order_by())


def explain(ctx: Context, title: str, queryset_sql: tuple[str, Any]) -> None:
    if not ctx.postgres:
        return
    sql, params = queryset_sql
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) {sql}", params)
        ctx.explains.append((title, "\n".join(row[0] for row in cursor.fetchall())))


def department_user() -> User:
    return User.objects.get(username=DEPARTMENT_CODE.lower())


@case("statistics")
def statistics(ctx: Context) -> list[Measure]:
    year, quarter = ctx.year, QUARTER
    user = department_user()
    filters = Filters(year=year, quarter=quarter)
    # A fortnight after the quarter's end: open quarters not finished are flagged late.
    today = Period(year=year, quarter=quarter).last_day + datetime.timedelta(days=15)
    organs = Organ.objects.filter(filed_with__code=DEPARTMENT_CODE).count()
    in_year, in_quarter = department_rows(year).count(), department_rows(year, quarter).count()

    def board() -> Any:
        # A fresh actor each time, as each request builds its own.
        return department_board(actor_for(User.objects.get(pk=user.pk)), filters, today)

    board()  # warm-up: the first call loads the translation catalogues
    floor_s, _ = best_of(ctx.sizes.repeats, lambda: department_rows(year, quarter).count())
    plain_s, _ = best_of(ctx.sizes.repeats, lambda: grouped(department_rows(year, quarter)))
    seconds, found = best_of(ctx.sizes.repeats, board)
    page_s = page(ctx, user, f"/reports/department/?year={year}&quarter={quarter}")
    explain(ctx, "Statistics: the department board's per-organ counts (one quarter)",
            Assessment.objects.filter(period__in=Period.objects.filter(
                organ__filed_with__code=DEPARTMENT_CODE, year=year, quarter=quarter)
                .values("pk")).values("period_id").annotate(n=Count("id"))
            .order_by().query.sql_with_params())
    name = "Statistics: organization department's board (`kaohe.reports`)"
    return [
        Measure(name, f"`department_board`, {organs:,} organs, quarter {quarter}", seconds, "s",
                detail=f"{in_quarter:,} assessments in the quarter ({in_year:,} in the year), "
                       f"{found.extra['organs']:,} organ rows",
                comparison=f"counting the same rows: {floor_s:.3f} s; one GROUP BY of them: "
                           f"{plain_s:.3f} s",
                target="< 1 s", met=ctx.target(seconds < 1)),
        Measure(name, "the whole page `/reports/department/` (selector, template, charts)",
                page_s, "s", comparison=f"{page_s / seconds:.1f}× the selector alone",
                target="< 1 s", met=ctx.target(page_s < 1)),
    ]


def page(ctx: Context, user: User, path: str) -> float:
    # bench.settings already serves static files by name (no manifest needed).
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        client = Client()
        client.force_login(user)

        def get() -> None:
            response = client.get(path)
            assert response.status_code == 200, response.status_code

        seconds, _ = best_of(ctx.sizes.repeats, get)
    return seconds


def province_organs(year: int) -> list[Organ]:
    """The province's organs with all four quarters of the year."""
    return list(Organ.objects.filter(filed_with__code=DEPARTMENT_CODE)
                .annotate(quarters=Count("periods", filter=Q(periods__year=year)))
                .filter(quarters=4).order_by("code"))


def roll_up(organs: list[Organ], year: int) -> tuple[int, int]:
    """Every organ's annual overview in turn: (people, candidates for 优秀 ranked)."""
    people = ranked = 0
    for organ in organs:
        view = overview(annual_year(organ, year))
        people += len(view.rows)
        ranked += len(view.candidates)
    return people, ranked


def per_person_counts(year: int, organ_ids: list[int]) -> list[dict[str, Any]]:
    """The hand-written baseline: per person, the year's quarters by grade, one GROUP BY."""
    by_grade = {f"n_{grade.name.lower()}": Count("id", filter=Q(grade=grade.value))
                for grade in Grade}
    return list(Assessment.objects.filter(period__year=year, period__organ_id__in=organ_ids)
                .values("person_id").annotate(quarters=Count("id"), **by_grade).order_by())


@case("annual")
def annual(ctx: Context) -> list[Measure]:
    year = ctx.year
    organs = province_organs(year)
    ids = [organ.pk for organ in organs]
    rows = Assessment.objects.filter(period__year=year, period__organ_id__in=ids).count()
    floor_s, _ = best_of(ctx.sizes.repeats, lambda: Assessment.objects.filter(
        period__year=year, period__organ_id__in=ids).count())
    plain_s, _ = best_of(ctx.sizes.repeats, lambda: per_person_counts(year, ids))
    # Once: a few seconds per run at full size, and the baselines are what it is compared to.
    seconds, (people, ranked) = best_of(1, lambda: roll_up(organs, year))
    largest = max(organs, key=lambda organ: Assessment.objects.filter(
        period__organ=organ, period__year=year).count())
    one_s, one = best_of(ctx.sizes.repeats, lambda: overview(annual_year(largest, year)))
    name = "Annual roll-up: recommendations (`kaohe.annual`)"
    return [
        Measure(name, f"`overview` for each of {len(organs):,} organs, {people:,} people",
                seconds, "s", detail=f"{rows:,} assessments, {ranked:,} ranked for 优秀",
                comparison=f"counting the same rows: {floor_s:.3f} s; per-person grade counts "
                           f"in one GROUP BY: {plain_s:.3f} s",
                target="< 30 s", met=ctx.target(seconds < 30)),
        Measure(name, f"`overview` of the largest organ ({len(one.rows):,} people)", one_s, "s",
                comparison=f"{one_s / max(seconds, 1e-9):.1%} of the province's time"),
    ]
