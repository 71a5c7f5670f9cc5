"""Many writers at once still make one unbroken chain (the head row is locked)."""

from __future__ import annotations

import pytest

from kaohe.audit import chain
from kaohe.audit.models import AuditEvent
from tests.races import postgres_only, race

WRITERS, EACH = 6, 10


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_writers_do_not_fork_the_chain() -> None:
    def write(writer: int) -> None:
        for i in range(EACH):
            chain.record("test", object_type="t", object_id=f"{writer}-{i}")

    outcome = race([lambda n=n: write(n) for n in range(WRITERS)])
    assert outcome == [None] * WRITERS
    assert AuditEvent.objects.filter(action="test").count() == WRITERS * EACH
    assert chain.verify() is None
