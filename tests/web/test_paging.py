"""A list shown a page at a time: the first page of a query that fits on it is read without
counting its rows, and every page still says how many there are and where the others are."""

from __future__ import annotations

from typing import Any

from kaohe.lib.paging import paged
from kaohe.org.models import Person
from tests.personas import World


def people() -> Any:
    return Person.objects.order_by("personnel_no")


def test_a_query_that_fits_on_the_first_page_is_read_once(
        world: World, django_assert_num_queries: Any) -> None:
    everyone = list(people())
    with django_assert_num_queries(1):
        page = paged(people(), len(everyone), None)
        assert list(page) == everyone
        assert page.paginator.count == len(everyone)
        assert page.paginator.num_pages == 1 and not page.has_next()


def test_a_longer_query_shows_its_first_rows_and_counts_the_rest(
        world: World, django_assert_num_queries: Any) -> None:
    everyone = list(people())
    size = len(everyone) - 1
    with django_assert_num_queries(2):  # the rows, then the count
        page = paged(people(), size, "1")
        assert list(page) == everyone[:size]
        assert page.has_next() and page.paginator.num_pages == 2
    last = paged(people(), size, "2")
    assert list(last) == everyone[size:] and not last.has_next()


def test_a_page_beyond_the_last_or_not_a_number_and_a_list(world: World) -> None:
    everyone = list(people())
    assert list(paged(people(), 2, "999")) == everyone[(len(everyone) - 1) // 2 * 2:]
    assert list(paged(people(), 2, "x")) == everyone[:2]
    assert list(paged(everyone, 2, None)) == everyone[:2]
    empty = paged(Person.objects.none(), 2, None)
    assert list(empty) == [] and empty.paginator.count == 0
