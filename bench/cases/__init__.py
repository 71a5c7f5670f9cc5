"""Importing the modules registers their cases; the table follows ORDER."""

from bench.cases import aggregates, approvals, export, http, opening  # noqa: F401
from bench.core import CASES

ORDER = ["open_quarter", "open_province", "export", "approvals", "http", "statistics", "annual"]
CASES.sort(key=lambda item: ORDER.index(item[0]) if item[0] in ORDER else len(ORDER))
