"""What a benchmark case is, how it is registered and how the results are shown.

A case is a function taking the Context and returning Measures; `@case` registers it. Adding
one is a few lines in a module of bench/cases (imported by bench/cases/__init__.py).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Sizes:
    organs: int
    people: int
    years: int
    export_rows: tuple[int, ...]
    naive_rows: int  # the naive path is measured on whole organs until this many rows
    parallel_clients: int
    http_seconds: int
    http_clients: int
    repeats: int


FULL = Sizes(organs=1000, people=100_000, years=1, export_rows=(10_000, 100_000),
             naive_rows=3000, parallel_clients=8, http_seconds=10, http_clients=32, repeats=3)
QUICK = Sizes(organs=3, people=150, years=1, export_rows=(100, 1000), naive_rows=60,
              parallel_clients=8, http_seconds=1, http_clients=4, repeats=1)


@dataclass
class Measure:
    case: str
    what: str
    value: float | None  # None: not measured here, `detail` says why
    unit: str
    detail: str = ""
    comparison: str = ""  # against the baseline measured in the same run
    target: str = ""
    met: bool | None = None


@dataclass
class Context:
    quick: bool
    sizes: Sizes
    vendor: str  # "postgresql" or "sqlite"
    database_url: str
    year: int  # the last synthetic year; its fourth quarter is open
    explains: list[tuple[str, str]] = field(default_factory=list)  # (title, plan)

    @property
    def postgres(self) -> bool:
        return self.vendor == "postgresql"

    def target(self, met: bool) -> bool | None:
        """Targets are for the full size on PostgreSQL; the quick mode only checks it runs."""
        return met if not self.quick and self.postgres else None


CaseFn = Callable[[Context], list[Measure]]
CASES: list[tuple[str, CaseFn]] = []


def case(name: str) -> Callable[[CaseFn], CaseFn]:
    def register(function: CaseFn) -> CaseFn:
        CASES.append((name, function))
        return function
    return register


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def best_of(repeats: int, function: Callable[[], Any]) -> tuple[float, Any]:
    """The median of `repeats` runs (the machine is shared: one run can be unlucky)."""
    runs = [timed(function) for _ in range(max(repeats, 1))]
    return statistics.median(seconds for seconds, _ in runs), runs[-1][1]


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit in {"s", "ms"}:
        return f"{value:,.3f} {unit}" if value < 1 else f"{value:,.1f} {unit}"
    if unit == "MB":
        return f"{value:,.0f} MB"
    return f"{value:,.0f} {unit}" if value >= 100 else f"{value:,.1f} {unit}"


def table(measures: list[Measure]) -> str:
    lines = ["| Case | Measure | Result | Same-run comparison | Target | Met |",
             "|---|---|---|---|---|---|"]
    for m in measures:
        result = fmt(m.value, m.unit) + (f" ({m.detail})" if m.detail else "")
        met = {True: "yes", False: "**no**", None: ""}[m.met]
        lines.append(f"| {m.case} | {m.what} | {result} | {m.comparison} | {m.target} | {met} |")
    return "\n".join(lines)
