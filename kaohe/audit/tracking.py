"""Which changes are audited, recorded from Django's signals so that no path escapes: the
services, the admin, the import and the shell all save through the same models.

A model is registered with the fields whose values must not be written to the log (secrets):
for those the event says only that they changed.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from kaohe.audit.chain import record

HIDDEN = "******"
# label → fields kept out of the log's values. Every model whose rows are scores, grades,
# summaries, feedback, appeals, leave, settings, people or permissions is here.
TRACKED: dict[str, frozenset[str]] = {
    "org.organ": frozenset(),
    "org.orgdepartment": frozenset(),
    "org.section": frozenset(),
    "org.person": frozenset(),
    "org.assignment": frozenset(),
    "org.committeemember": frozenset(),
    "org.organduty": frozenset(),
    "accounts.user": frozenset({"password"}),
    "accounts.apitoken": frozenset({"key_hash"}),
    "accounts.passwordhistory": frozenset({"password"}),
    "accounts.secondfactorpolicy": frozenset(),
    "otp_totp.totpdevice": frozenset({"key"}),
    "plans.yearplan": frozenset(),
    "plans.indicator": frozenset(),
    "plans.planamendment": frozenset(),
    "plans.period": frozenset(),
    "plans.task": frozenset(),
    "records.entry": frozenset(),
    "assessments.assessment": frozenset(),
    "assessments.transition": frozenset(),
    "assessments.liaisonrequest": frozenset(),
    "assessments.leave": frozenset(),
    "assessments.followup": frozenset(),
    "assessments.publication": frozenset(),
    "assessments.correction": frozenset(),
    "assessments.closingoverride": frozenset(),
    "workdays.calendarday": frozenset(),
    "appeals.appeal": frozenset(),
    "appeals.opinion": frozenset(),
    "ballots.ballot": frozenset(),
    "ballots.voterclass": frozenset(),
    "ballots.pairing": frozenset(),
    # Never ballots.participation nor ballots.tally: an event written with a vote would tie it
    # to its voter (decision 0031).
    "bonus.bonustable": frozenset(),
    "bonus.bonussplit": frozenset(),
    # The token is the link's key for the public: kept out of the log. Never
    # recipients.recipientopinion: an event (its time, the request's address) would take away
    # the anonymity of the public's opinions; the link's count is enough (decision 0030).
    "recipients.recipientlink": frozenset({"token"}),
    "annual.annualyear": frozenset(),
    "annual.annualresult": frozenset(),
    "annual.quarterattendance": frozenset(),
    "annual.archivedfile": frozenset({"content"}),
    "assessments.sectionquota": frozenset(),
}
# Bookkeeping that changes on its own and says nothing about anyone's decisions.
IGNORED_FIELDS = frozenset({"last_login", "last_used", "last_t", "drift", "last_used_at",
                            "throttling_failure_timestamp", "throttling_failure_count"})
# Fields naming who acted, for changes made outside a request (commands, scheduled jobs).
ACTOR_FIELDS = ("by", "recorded_by", "decided_by", "filed_by")


def connect() -> None:
    for label in TRACKED:
        model = apps.get_model(label)
        pre_save.connect(_remember_old, sender=model, dispatch_uid=f"audit-pre-{label}")
        post_save.connect(_saved, sender=model, dispatch_uid=f"audit-save-{label}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"audit-delete-{label}")
    user_model = apps.get_model("accounts.user")
    for relation in (user_model.groups.through, user_model.user_permissions.through):
        m2m_changed.connect(_permissions_changed, sender=relation, dispatch_uid=f"audit-{relation}")
    user_logged_in.connect(_logged_in, dispatch_uid="audit-login")
    user_logged_out.connect(_logged_out, dispatch_uid="audit-logout")
    user_login_failed.connect(_login_failed, dispatch_uid="audit-login-failed")


def values_of(instance: models.Model) -> dict[str, Any]:
    hidden = TRACKED[instance._meta.label_lower]
    return {field.attname: HIDDEN if field.name in hidden else getattr(instance, field.attname)
            for field in instance._meta.concrete_fields
            if field.name not in IGNORED_FIELDS}


def _remember_old(sender: type[models.Model], instance: models.Model, raw: bool = False,
                  **kwargs: Any) -> None:
    old = None
    if not raw and not instance._state.adding and instance.pk is not None:
        old = sender._default_manager.filter(pk=instance.pk).first()
    instance._audit_old = old and (values_of(old), _secrets(old))  # type: ignore[attr-defined]


def _saved(sender: type[models.Model], instance: models.Model, created: bool, raw: bool = False,
           **kwargs: Any) -> None:
    if raw:
        return
    new = values_of(instance)
    remembered = getattr(instance, "_audit_old", None)
    if not remembered:
        record("create", obj=instance, new=new, reason=_reason_of(instance),
               user=_actor_of(instance))
        return
    old, old_secrets = remembered
    changed = {name for name, value in new.items() if old.get(name) != value}
    # A secret's value is never logged; the event says only that it changed.
    changed |= {name for name, value in _secrets(instance).items() if old_secrets[name] != value}
    if changed:
        record("update", obj=instance, old={name: old[name] for name in changed},
               new={name: new[name] for name in changed}, reason=_reason_of(instance),
               user=_actor_of(instance))


def _secrets(instance: models.Model) -> dict[str, Any]:
    return {name: getattr(instance, name) for name in TRACKED[instance._meta.label_lower]}


def _actor_of(instance: models.Model) -> Any:
    names = {field.name for field in instance._meta.concrete_fields}
    actors = (getattr(instance, name) for name in ACTOR_FIELDS if name in names)
    return next((actor for actor in actors if actor is not None), None)


def _reason_of(instance: models.Model) -> str:
    reason = getattr(instance, "reason", "")
    return reason if isinstance(reason, str) else ""


def _deleted(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    record("delete", obj=instance, old=values_of(instance))


def _permissions_changed(sender: Any, instance: models.Model, action: str, pk_set: Any,
                         **kwargs: Any) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        record(f"permissions.{action.removeprefix('post_')}", obj=instance,
               new={"relation": sender._meta.label_lower, "ids": sorted(pk_set or [])})


def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record("login", obj=user, user=user)


def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record("logout", obj=user, user=user)


def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None,
                  **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    record("login_failed", object_type="accounts.user", object_repr=username)
