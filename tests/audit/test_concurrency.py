"""Many writers at once still make one unbroken chain (the head row is locked)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from kaohe.audit import chain
from kaohe.audit.models import AuditEvent

WRITERS, EACH = 6, 10


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite serialises writers by design (transactions begin IMMEDIATE); "
                           "the PostgreSQL run of the same suite executes this test")
@pytest.mark.django_db(transaction=True)
def test_parallel_writers_do_not_fork_the_chain() -> None:
    barrier = threading.Barrier(WRITERS, timeout=10)
    errors: list[BaseException] = []

    def write(writer: int) -> None:
        try:
            barrier.wait()
            for i in range(EACH):
                chain.record("test", object_type="t", object_id=f"{writer}-{i}")
        except BaseException as error:  # the outcome under test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    assert AuditEvent.objects.filter(action="test").count() == WRITERS * EACH
    assert chain.verify() is None
