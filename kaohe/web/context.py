from typing import Any

from django.http import HttpRequest

from kaohe.org.access import ANONYMOUS


def actor(request: HttpRequest) -> dict[str, Any]:
    # A request that never passed ActorMiddleware (an error page answered before it) is
    # nobody's.
    return {"actor": getattr(request, "actor", ANONYMOUS)}
