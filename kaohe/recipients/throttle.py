"""The public form's rate limits (decision 0030): submissions per client address to one link,
and to all links together, in fixed windows of KAOHE_RECIPIENT_RATE_WINDOW_SECONDS. Counted in
the cache like the sign-in throttle (kaohe/accounts/throttle.py), so that every worker process
shares them; the address is not kept in clear, only hashed into a key that expires with its
window."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from kaohe.lib.http import client_ip


def _key(*parts: object) -> str:
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()[:32]
    return f"kaohe:recipients:{digest}"


def _spend(key: str, limit: int, window: int) -> bool:
    """One more submission counted under `key`; False once over `limit` in the window (a
    limit of 0 is none)."""
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between the two calls
        cache.add(key, 1, timeout=window)
        count = 1
    return limit <= 0 or count <= limit


def wait(request: HttpRequest, link_id: int) -> int:
    """Counts a submission from the request's address to the link: 0 while within both limits,
    else the seconds until the current window ends."""
    window = settings.KAOHE_RECIPIENT_RATE_WINDOW_SECONDS
    now = int(time.time())
    start = now - now % window
    address = client_ip(request)
    within_link = _spend(_key(address, link_id, start), settings.KAOHE_RECIPIENT_RATE_PER_LINK,
                         window)
    within_address = _spend(_key(address, start), settings.KAOHE_RECIPIENT_RATE_PER_ADDRESS,
                            window)
    return 0 if within_link and within_address else max(1, start + window - now)
