"""`manage.py check --deploy` is clean with production-style environment settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    result = check_deploy(tmp_path, DATABASE_URL="")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_local_run_settings_are_plain_http_on_loopback(tmp_path: Path) -> None:
    """`kaohe run` (no variables) is for one machine: loopback hosts, no HTTPS redirect."""
    env = {k: v for k, v in os.environ.items() if k not in {"ALLOWED_HOSTS", "KAOHE_HTTPS"}}
    code = (
        "import os; os.environ.setdefault('KAOHE_HTTPS', 'false');"
        "from django.conf import settings as s;"
        "print(s.ALLOWED_HOSTS, s.SECURE_SSL_REDIRECT, s.DEBUG, s.DATABASES['default']['ENGINE'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env={**env, "DJANGO_SETTINGS_MODULE": "kaohe.settings",
                                           "DATABASE_URL": "", "KAOHE_VAR_DIR": str(tmp_path)},
        capture_output=True, text=True, check=True,
    )
    assert result.stdout.strip() == (
        "['127.0.0.1', 'localhost'] False False django.db.backends.sqlite3"
    )


def check_deploy(tmp_path: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    secret = tmp_path / "secret"
    secret.write_text("x" * 20 + "Prod-secret-for-check-deploy-only-4f9c2b7d1e8a" + "y" * 20)
    env = {key: value for key, value in os.environ.items()
           if key not in {"DEBUG", "KAOHE_HTTPS", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update({"DJANGO_SETTINGS_MODULE": "kaohe.settings", "SECRET_KEY_FILE": str(secret),
                "ALLOWED_HOSTS": "kaohe.example.gov.cn", "KAOHE_VAR_DIR": str(tmp_path),
                **variables})
    return subprocess.run(
        [sys.executable, "-m", "kaohe", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, check=False)


def test_a_shared_database_needs_the_field_key_from_the_environment(tmp_path: Path) -> None:
    """Hosts that each generated their own SM4 key could not read each other's texts."""
    shared = "postgres://kaohe@db.internal:5432/kaohe"
    generated = check_deploy(tmp_path, DATABASE_URL=shared)
    assert generated.returncode != 0 and "kaohe.W001" in generated.stderr
    given = check_deploy(tmp_path, DATABASE_URL=shared,
                         KAOHE_FIELD_KEY="00112233445566778899aabbccddeeff")
    assert given.returncode == 0, given.stdout + given.stderr


def test_a_malformed_field_key_stops_the_start(tmp_path: Path) -> None:
    wrong = check_deploy(tmp_path, DATABASE_URL="", KAOHE_FIELD_KEY="not-a-key")
    assert wrong.returncode != 0 and "kaohe.E001" in wrong.stderr


def test_processes_starting_together_generate_one_field_key(tmp_path: Path) -> None:
    """The workers of `kaohe run` read the settings together on a first start: one key, or
    each would encrypt with its own."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kaohe.settings",
           "KAOHE_VAR_DIR": str(tmp_path / "var")}
    env.pop("KAOHE_FIELD_KEY", None)
    code = "from kaohe import settings; print(settings.KAOHE_FIELD_KEY)"
    starting = [subprocess.Popen([sys.executable, "-c", code], env=env, text=True,
                                 stdout=subprocess.PIPE) for _ in range(4)]
    keys = {process.communicate(timeout=60)[0].strip() for process in starting}
    assert len(keys) == 1 and len(keys.pop()) == 32
    assert (tmp_path / "var" / "field_key").stat().st_mode & 0o777 == 0o600
