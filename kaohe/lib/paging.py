"""Long lists in pages: an organ of thousands on one page cost seconds to render and megabytes
to send. A page keeps the other parameters of the address (filters, the other list's page)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest


def paged(items: Any, size: int, number: Any, *, param: str = "page",
          query: str = "") -> Page:
    """Page `number` of `items`, a list or a query (the first page when `number` is missing
    or not a number, the last when beyond), with what the pager's links need: `param` and
    the rest of the query."""
    page = _first_page(items, size) if str(number or 1) == "1" else None
    if page is None:
        page = Paginator(items, size).get_page(number)
    page.param = param  # type: ignore[attr-defined]
    page.query = query  # type: ignore[attr-defined]
    return page


def _first_page(items: Any, size: int) -> Page | None:
    """The first page of a query, its rows read before they are counted: when they all fit
    on it, as in most sections and organs, there is nothing left to count."""
    if not isinstance(items, QuerySet):
        return None
    head = list(items[:size + 1])
    if len(head) <= size:
        return Paginator(head, size).page(1)
    return Page(head[:size], 1, Paginator(items, size))


def page_of(request: HttpRequest, items: Any, size: int,
            param: str = "page") -> Page:
    """The page that the request's `param` asks for."""
    query = request.GET.copy()
    query.pop(param, None)
    return paged(items, size, request.GET.get(param), param=param, query=query.urlencode())
