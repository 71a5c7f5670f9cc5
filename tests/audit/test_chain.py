"""The hash chain: untouched it verifies; a row changed or deleted in SQL is named, and so is
the head moved back, deleted, or everything deleted."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from kaohe.audit import chain
from kaohe.audit.models import AuditEvent, ChainHead


def write(count: int) -> list[AuditEvent]:
    return [chain.record("test", object_type="t", object_id=str(i), new={"n": i, "s": "值"})
            for i in range(count)]


def sql(statement: str, *params: object) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


TABLE = AuditEvent._meta.db_table


def test_events_are_chained_in_order(db: None) -> None:
    events = write(3)
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[0].prev_hash == chain.GENESIS
    assert events[1].prev_hash == events[0].hash and events[2].prev_hash == events[1].hash
    assert ChainHead.objects.get().last_hash == events[2].hash


def test_an_untouched_log_verifies(db: None, capsys: pytest.CaptureFixture[str]) -> None:
    write(5)
    assert chain.verify() is None
    call_command("audit", "verify")
    assert "5 events verified" in capsys.readouterr().out


def test_an_altered_row_is_named(db: None) -> None:
    write(5)
    sql(f"UPDATE {TABLE} SET reason = %s WHERE seq = 3", "改过")  # noqa: S608
    broken = chain.verify()
    assert broken is not None and broken.seq == 3 and broken.problem == "altered"
    with pytest.raises(CommandError, match="#3: altered"):
        call_command("audit", "verify")


def test_an_altered_value_is_named(db: None) -> None:
    write(4)
    event = AuditEvent.objects.get(seq=2)
    sql(f"UPDATE {TABLE} SET new = %s, hash = hash WHERE seq = 2",  # noqa: S608
        '{"n": 99, "s": "值"}')
    assert chain.verify() == chain.Break(event.seq, "altered")


def test_a_rebuilt_hash_without_the_key_is_caught(db: None) -> None:
    """Whoever changes a row and recomputes a plain SHA-256 still breaks the chain."""
    import hashlib

    write(3)
    sql(f"UPDATE {TABLE} SET hash = %s WHERE seq = 2",  # noqa: S608
        hashlib.sha256(b"forged").hexdigest())
    broken = chain.verify()
    assert broken is not None and broken.seq == 2


def test_a_deleted_row_is_named(db: None) -> None:
    write(5)
    sql(f"DELETE FROM {TABLE} WHERE seq = 2")  # noqa: S608
    assert chain.verify() == chain.Break(2, "missing (deleted)")


def test_deleting_the_newest_rows_is_noticed(db: None) -> None:
    write(5)
    sql(f"DELETE FROM {TABLE} WHERE seq >= 4")  # noqa: S608
    assert chain.verify() == chain.Break(4, "missing (newest events deleted)")


def test_events_cannot_be_changed_or_deleted_through_the_product(db: None) -> None:
    event = write(1)[0]
    event.reason = "changed"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    from django.contrib import admin

    assert AuditEvent not in admin.site._registry


def test_a_rolled_back_action_leaves_no_event(db: None) -> None:
    from django.db import transaction

    write(1)
    with pytest.raises(RuntimeError), transaction.atomic():
        chain.record("test", object_type="t")
        raise RuntimeError
    assert AuditEvent.objects.count() == 1
    assert chain.verify() is None


def test_pruning_keeps_the_retention_period_and_the_chain_verifiable(db: None) -> None:
    write(4)
    old = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    sql(f"UPDATE {TABLE} SET at = %s WHERE seq <= 2", old)  # noqa: S608
    # Pruning does not re-hash: the two old rows were changed above, the ones kept were not.
    deleted = chain.prune()
    assert deleted == 2
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == [3, 4, 5]
    assert AuditEvent.objects.get(seq=5).action == "audit.prune"
    assert chain.verify() is None
    assert chain.prune() == 0


def test_a_retention_shorter_than_six_months_is_refused() -> None:
    env = {**os.environ, "KAOHE_AUDIT_RETENTION_DAYS": "30"}
    result = subprocess.run(
        [sys.executable, "-c", "import kaohe.settings"], env=env, capture_output=True,
        text=True, check=False)
    assert result.returncode != 0
    assert "at least 180" in result.stderr


# --- the head: keyed, installed with the database, anchored within the retention period -------

HEAD = ChainHead._meta.db_table


def test_deleting_the_tail_and_moving_the_head_back_is_noticed(db: None) -> None:
    events = write(5)
    sql(f"DELETE FROM {TABLE} WHERE seq >= 4")  # noqa: S608
    sql(f"UPDATE {HEAD} SET last_seq = 3, last_hash = %s", events[2].hash)  # noqa: S608
    assert chain.verify() == chain.Break(3, "chain head altered")


def test_deleting_the_head_is_noticed_and_said_after_the_next_write(db: None) -> None:
    write(3)
    sql(f"DELETE FROM {HEAD}")  # noqa: S608
    assert chain.verify() == chain.Break(0, "chain head missing (deleted)")
    with pytest.raises(CommandError, match="chain head missing"):
        call_command("audit", "verify")
    write(1)  # the log goes on being written
    broken = chain.verify()
    assert broken is not None and broken.problem.startswith("chain head deleted; written again")
    assert list(AuditEvent.objects.values_list("seq", flat=True).order_by("seq")) == [1, 2, 3, 4]


def test_deleting_everything_is_noticed(db: None) -> None:
    write(4)
    sql(f"DELETE FROM {TABLE}")  # noqa: S608
    sql(f"DELETE FROM {HEAD}")  # noqa: S608
    assert chain.verify() == chain.Break(0, "chain head missing (deleted)")
    write(2)
    broken = chain.verify()
    assert broken is not None and broken.problem.startswith("chain head deleted")


def test_pruning_inside_the_retention_period_is_noticed(db: None, settings: Any) -> None:
    write(4)
    two_days_ago = timezone.now() - datetime.timedelta(days=2)
    sql(f"UPDATE {TABLE} SET at = %s WHERE seq <= 2", two_days_ago)  # noqa: S608
    settings.KAOHE_AUDIT_RETENTION_DAYS = 1  # a retention the settings would refuse
    assert chain.prune() == 2
    settings.KAOHE_AUDIT_RETENTION_DAYS = 180
    assert chain.verify() == chain.Break(5, "events within the retention period deleted")


def test_a_chain_across_the_switch_to_sm3_verifies_and_an_sm3_row_altered_is_named(
        db: None, settings: Any, capsys: pytest.CaptureFixture[str]) -> None:
    """Events written with HMAC-SHA256 before 国密 was switched on keep verifying; events after
    it are HMAC-SM3, and the head follows the newest."""
    settings.KAOHE_GUOMI = False
    write(2)
    settings.KAOHE_GUOMI = True
    write(2)
    assert list(AuditEvent.objects.order_by("seq").values_list("algorithm", flat=True)) == [
        "sha256", "sha256", "sm3", "sm3"]
    assert ChainHead.objects.get().algorithm == "sm3"
    assert chain.verify() is None
    call_command("guomi", "status")
    assert "HMAC-SHA256 2, HMAC-SM3 2" in capsys.readouterr().out
    sql(f"UPDATE {TABLE} SET reason = %s WHERE seq = 4", "改过")  # noqa: S608
    assert chain.verify() == chain.Break(4, "altered")


def test_an_event_claiming_the_other_algorithm_is_named(db: None) -> None:
    write(3)
    sql(f"UPDATE {TABLE} SET algorithm = %s WHERE seq = 2", "sha256")  # noqa: S608
    assert chain.verify() == chain.Break(2, "altered")
