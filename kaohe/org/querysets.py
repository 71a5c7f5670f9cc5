"""Restricted querysets: `Model.objects.restrict(actor, action)` keeps the rows on which an
actor may take an action (ARCHITECTURE.md, examples 4 and 12; NetBox's RestrictedQuerySet).

Who may do what is decided in kaohe/org/access.py only: a model's queryset names its actions
and, for each, the scope function of access.py that answers it; it never decides anything.

The scopes come from kaohe/org/scopes.py, which imports no model, so that every models
module imports it at the top without importing itself back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Self, TypeVar

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from kaohe.org.scopes import Actor

M = TypeVar("M", bound=models.Model)

# The condition on a model's rows for one actor.
Scope = Callable[["Actor"], Q]


class RestrictedQuerySet(models.QuerySet[M]):
    def restrict(self, actor: Actor, action: str = "view") -> Self:
        """The rows on which `actor` may take `action`. An action the model does not know is
        a programming error, raised rather than answered with every row or none."""
        scopes = self._scopes()
        if action not in scopes:
            raise ValueError(f"{self.model.__name__} rows have no action {action!r} "
                             f"(known: {', '.join(scopes)})")
        return self.filter(scopes[action](actor))

    def _scopes(self) -> Mapping[str, Scope]:
        """Each action on this model's rows, and the condition for it from kaohe.org.access."""
        raise NotImplementedError
