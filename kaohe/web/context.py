from typing import Any

from django.http import HttpRequest

from kaohe.org.access import actor_for


def actor(request: HttpRequest) -> dict[str, Any]:
    return {"actor": actor_for(getattr(request, "user", None))}
