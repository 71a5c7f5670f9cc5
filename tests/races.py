"""Races: calls released at the same moment, each in its own thread and database connection.
Only committed data counts, so a race test runs outside the usual test transaction
(`django_db(transaction=True)`), and only on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writes by design (one writer at a time, transactions begin "
           "IMMEDIATE), so there is no race to lose; the PostgreSQL run of the same suite "
           "executes this test")


def race(calls: list[Callable[[], object]]) -> list[object]:
    """Run the calls together; what each returned, or the exception it raised, in order."""
    barrier = threading.Barrier(len(calls), timeout=10)
    outcome: list[object] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            outcome[index] = call()
        except Exception as error:  # the outcome under test, whatever it is
            outcome[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a contender never finished"
    return outcome
