"""Writing, verifying and pruning the hash chain of audit events."""

from __future__ import annotations

import datetime
import hmac
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from kaohe.audit.context import acting_user, client_ip, current_request
from kaohe.audit.models import AuditEvent, ChainHead
from kaohe.lib import digests

GENESIS = "0" * 64
HASHED_FIELDS = ("seq", "at", "user_id", "username", "ip", "action", "object_type",
                 "object_id", "object_repr", "old", "new", "reason", "prev_hash")


def record(action: str, *, obj: models.Model | None = None, object_type: str = "",
           object_id: str = "", object_repr: str = "", old: dict[str, Any] | None = None,
           new: dict[str, Any] | None = None, reason: str = "", user: Any = None) -> AuditEvent:
    """Append one event, by the signed-in user of the current request (else `user`).
    Runs inside the caller's transaction, so that an action that is
    rolled back leaves no event, and an event is never missing for an action that stayed."""
    request = current_request()
    user = acting_user(request) or user
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    with transaction.atomic():
        head = _head_locked()
        event = AuditEvent(
            seq=head.last_seq + 1, at=timezone.now(), user_id=getattr(user, "pk", None),
            username=getattr(user, "username", "") or "", ip=client_ip(request), action=action,
            object_type=object_type, object_id=object_id, object_repr=object_repr,
            old=jsonable(old or {}), new=jsonable(new or {}), reason=reason,
            prev_hash=head.last_hash or GENESIS, algorithm=digests.preferred())
        event.hash = digest(event)
        event.save(force_insert=True)
        head.last_seq, head.last_hash, head.algorithm = event.seq, event.hash, event.algorithm
        head.mac = head_mac(head)
        head.save(update_fields=["last_seq", "last_hash", "algorithm", "mac"])
    return event


def _head_locked() -> ChainHead:
    # The lock on the one head row orders every writer: the chain cannot fork.
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        _restart()
        head = ChainHead.objects.select_for_update().get(pk=1)
    return head


def _restart() -> None:
    """The head row is gone (the migration installs it): go on from the newest event left,
    saying when, so that the log keeps being written and `verify` reports the deletion."""
    newest = AuditEvent.objects.order_by("-seq").first()
    head = ChainHead(pk=1, last_seq=newest.seq if newest else 0,
                     last_hash=newest.hash if newest else "", restarted_at=timezone.now(),
                     algorithm=digests.preferred())
    head.mac = head_mac(head)
    ChainHead.objects.bulk_create([head], ignore_conflicts=True)  # a racing writer may win


def install(head_model: type[ChainHead] = ChainHead) -> None:
    """The head of a new database's chain, keyed (the migration runs this; an existing head is
    keyed as it stands). With HMAC-SHA256: the head's algorithm field, added later with that
    default, does not exist yet; the first event keys it with the preferred one."""
    head, _created = head_model.objects.get_or_create(pk=1)
    head.mac = head_mac(head, digests.SHA256)
    head.save(update_fields=["mac"])


def head_mac(head: ChainHead, algorithm: str = "") -> str:
    anchor_at = head.anchor_at.astimezone(datetime.UTC).isoformat() if head.anchor_at else ""
    restarted = (head.restarted_at.astimezone(datetime.UTC).isoformat()
                 if head.restarted_at else "")
    text = "|".join(["head", str(head.last_seq), head.last_hash, str(head.anchor_seq),
                     head.anchor_hash, anchor_at, restarted])
    return digests.keyed(algorithm or head.algorithm, _key(), text.encode())


def jsonable(values: dict[str, Any]) -> Any:
    """The values as the database will give them back, so that the hash is reproducible."""
    return json.loads(json.dumps(values, cls=DjangoJSONEncoder, ensure_ascii=False))


def digest(event: AuditEvent) -> str:
    fields = {name: getattr(event, name) for name in HASHED_FIELDS}
    fields["at"] = event.at.astimezone(datetime.UTC).isoformat()
    text = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return digests.keyed(event.algorithm, _key(), text.encode())


def _key() -> bytes:
    # Keyed, so that someone who can write to the database cannot rebuild a valid chain.
    return settings.KAOHE_AUDIT_KEY.encode()


@dataclass(frozen=True)
class Break:
    seq: int
    problem: str

    def __str__(self) -> str:
        return f"#{self.seq}: {self.problem}"


def verify() -> Break | None:
    """The first broken link, or None when every event is as it was written: the head is there
    and keyed, retention deleted nothing younger than its period, and the events run unbroken
    from the anchor to the head."""
    head = ChainHead.objects.filter(pk=1).first()
    problem = _head_problem(head)
    if head is None or problem:
        return Break(head.last_seq if head else 0, problem)
    expected_seq, expected_prev = head.anchor_seq + 1, head.anchor_hash or GENESIS
    for event in AuditEvent.objects.filter(seq__gt=head.anchor_seq).order_by("seq").iterator(
            chunk_size=2000):
        if event.seq != expected_seq:
            return Break(expected_seq, "missing (deleted)")
        if event.prev_hash != expected_prev:
            return Break(event.seq, "does not follow the event before it")
        if digest(event) != event.hash:
            return Break(event.seq, "altered")
        expected_seq, expected_prev = event.seq + 1, event.hash
    if expected_seq - 1 != head.last_seq or expected_prev != (head.last_hash or GENESIS):
        return Break(expected_seq, "missing (newest events deleted)")
    return None


def _head_problem(head: ChainHead | None) -> str:
    if head is None:
        return "chain head missing (deleted)"
    if not hmac.compare_digest(head.mac, head_mac(head)):
        return "chain head altered"
    if head.restarted_at is not None:
        return f"chain head deleted; written again at {head.restarted_at:%Y-%m-%d %H:%M}"
    retained = timezone.now() - datetime.timedelta(days=settings.KAOHE_AUDIT_RETENTION_DAYS)
    if head.anchor_at is not None and head.anchor_at >= retained:
        return "events within the retention period deleted"
    return ""


def prune(*, now: datetime.datetime | None = None) -> int:
    """Delete the events older than the retention period, anchoring the chain at the newest
    deleted one, and record that it was done."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.KAOHE_AUDIT_RETENTION_DAYS)
    with transaction.atomic():
        head = _head_locked()
        last_old = (AuditEvent.objects.filter(at__lt=cutoff, seq__gt=head.anchor_seq)
                    .order_by("-seq").first())
        if last_old is None:
            return 0
        count, _ = AuditEvent.objects.filter(seq__lte=last_old.seq).delete()
        head.anchor_seq, head.anchor_hash, head.anchor_at = last_old.seq, last_old.hash, last_old.at
        head.mac = head_mac(head)
        head.save(update_fields=["anchor_seq", "anchor_hash", "anchor_at", "mac"])
        record("audit.prune", object_type="audit.auditevent", object_id=str(last_old.seq),
               new={"deleted": count, "before": cutoff.isoformat()})
    return count
