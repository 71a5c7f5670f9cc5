"""Importing the modules registers their cases; the table follows ORDER."""

from bench.cases import (  # noqa: F401
    aggregates,
    approvals,
    ballots,
    export,
    http,
    imports,
    opening,
    pages,
    serving,
    start,
)
from bench.core import CASES

ORDER = ["open_quarter", "open_province", "export", "imports", "approvals", "http", "statistics",
         "annual", "ballots", "pages", "start", "serving"]
CASES.sort(key=lambda item: ORDER.index(item[0]) if item[0] in ORDER else len(ORDER))
