from typing import Any

from django.http import HttpRequest

from kaohe.org.access import ANONYMOUS
from kaohe.web.nav import nav_for


def actor(request: HttpRequest) -> dict[str, Any]:
    # A request that never passed ActorMiddleware (an error page answered before it) is
    # nobody's.
    actor = getattr(request, "actor", ANONYMOUS)
    return {"actor": actor, "nav": nav_for(actor)}
