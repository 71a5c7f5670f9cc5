"""The production settings, plus the bare view that gives the HTTP ceiling."""

from kaohe.settings import *  # noqa: F403
from kaohe.settings import STORAGES

ROOT_URLCONF = "bench.urls"
# Pages link static files by name; the hashed manifest would need a collectstatic first.
STORAGES = {**STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# The load test is one account asking as fast as it can: it measures the page, not the
# per-account limit that protects it (a real peak is many accounts, each far below it).
API_RATE_USER = "1000000/m"
