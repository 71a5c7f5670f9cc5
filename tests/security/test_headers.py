"""Security headers on pages and API answers, and HSTS with the production settings."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client

from tests.personas import World


def _directives(header: str) -> dict[str, list[str]]:
    return {name: sources for name, *sources in (part.split() for part in header.split(";"))}


@pytest.mark.parametrize("path", ["/login/", "/", "/periods/", "/api/v1/me",
                                  "/api/v1/openapi.json", "/api/v1/docs", "/no-such-page/",
                                  "/admin/"])
def test_every_answer_has_the_headers(client_for: Callable[[str | None], Client],
                                      path: str) -> None:
    response = client_for("office").get(path)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    policy = _directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]


def test_pages_hold_no_inline_script_or_style(client_for: Callable[[str | None], Client],
                                              world: World) -> None:
    """What the policy would block must not be in our pages in the first place."""
    pages = ["/", "/periods/", f"/assessments/{world.assessments['staff'].pk}/",
             f"/periods/{world.periods['organ'].pk}/review/", "/records/", "/profile/"]
    for persona, path in [("chief", p) for p in pages] + [(None, "/login/")]:
        html = client_for(persona).get(path, follow=True).content.decode()
        assert "<style" not in html, path
        assert " style=" not in html, path
        assert " onclick=" not in html and " onload=" not in html, path
        for tag in html.split("<script")[1:]:
            assert tag.split(">", 1)[0].strip().startswith("src="), path
        assert 'name="htmx-config"' in html or path == "/login/"


def test_no_template_holds_an_inline_style_or_handler() -> None:
    """The pages above are a sample; the templates are all of them (the annual announcement
    and the archive once lost their layout to the policy this way)."""
    import re

    import kaohe

    templates = Path(kaohe.__file__).parent / "templates"
    inline = re.compile(r"<style|\sstyle=|\son[a-z]+=")
    found = [str(path.relative_to(templates)) for path in templates.rglob("*.html")
             if inline.search(path.read_text(encoding="utf-8"))]
    assert not found


def test_production_settings_send_hsts(tmp_path: Path) -> None:
    """With KAOHE_HTTPS on (the default), HSTS for a year with subdomains, Secure cookies
    (an API answer: pages need the collected static files)."""
    secret = tmp_path / "secret"
    secret.write_text("Prod-secret-for-the-header-test-only-8c1d2e3f4a5b6c7d8e9f")
    env = {k: v for k, v in os.environ.items() if k not in {"KAOHE_HTTPS", "DEBUG"}}
    env.update({"DJANGO_SETTINGS_MODULE": "kaohe.settings", "SECRET_KEY_FILE": str(secret),
                "ALLOWED_HOSTS": "kaohe.example.gov.cn", "KAOHE_VAR_DIR": str(tmp_path),
                "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    code = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/api/v1/openapi.json', secure=True,"
        "                 headers={'host': 'kaohe.example.gov.cn'});"
        "print(r.status_code); print(r['Strict-Transport-Security']);"
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT)"
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, check=True)
    status, hsts, cookies = result.stdout.strip().splitlines()
    assert status == "200"
    assert hsts == "max-age=31536000; includeSubDomains; preload"
    assert cookies == "True True True"
