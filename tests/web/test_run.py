"""`kaohe run` collects the static files only when a source file changed (collecting and hashing
them every time was half of a start), and serves with gunicorn, its workers sharing one cache."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from bench.cases.http import wait_until_ready
from kaohe.web.management.commands.run import collect_static_if_changed, workers_for


def collected(root: Path) -> str:
    return json.loads((root / "staticfiles.json").read_text())["paths"]["site.css"]


def test_static_files_are_collected_again_only_after_a_change(tmp_path: Path,
                                                               settings: Any) -> None:
    source, root = tmp_path / "source", tmp_path / "static"
    source.mkdir()
    (source / "site.css").write_text("body { color: black }")
    settings.VAR_DIR, settings.STATIC_ROOT = tmp_path, root
    settings.STATICFILES_DIRS = [source]
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}

    assert collect_static_if_changed() is True
    first = collected(root)
    assert collect_static_if_changed() is False  # nothing changed: nothing collected

    (source / "site.css").write_text("body { color: navy }")
    later = os.stat(source / "site.css").st_mtime + 10
    os.utime(source / "site.css", (later, later))
    assert collect_static_if_changed() is True
    assert collected(root) != first  # the new content, under its new hashed name

    shutil.rmtree(root)  # the collected files gone: collected again whatever the sources
    assert collect_static_if_changed() is True and collected(root)


def test_workers_are_sized_to_the_machine() -> None:
    assert [workers_for(cores) for cores in (1, 2, 3, 16)] == [2, 4, 6, 8]


def local_env(folder: Path, **more: str) -> dict[str, str]:
    """The embedded default in `folder`, with the production settings (not the tests')."""
    env = {key: value for key, value in os.environ.items()
           if key not in {"DJANGO_SETTINGS_MODULE", "KAOHE_HTTPS"}}
    return {**env, "KAOHE_VAR_DIR": str(folder),
            "DATABASE_URL": f"sqlite:///{folder / 'kaohe.sqlite3'}", **more}


def fetch(url: str, headers: dict[str, str] | None = None) -> Any:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 (loopback http)
    return urllib.request.urlopen(request, timeout=30)  # noqa: S310


def children_of(pid: int, expected: int, seconds: float = 30) -> list[str]:
    """The command lines of the process's children, once there are `expected` of them."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    deadline = time.monotonic() + seconds
    while len(children.read_text().split()) != expected and time.monotonic() < deadline:
        time.sleep(0.1)
    return [Path(f"/proc/{child}/cmdline").read_text().replace("\0", " ")
            for child in children.read_text().split()]


@pytest.mark.own_database
def test_kaohe_run_serves_pages_and_hashed_static_files_from_its_workers(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "kaohe", "run", "--no-demo", "--port", str(port),
         "--workers", "3"], env=local_env(tmp_path), stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(server, f"{base}/login/", seconds=120)
        with fetch(f"{base}/login/") as response:
            page = response.read().decode()
            assert response.headers["Server"].startswith("gunicorn")
            assert response.headers["Content-Language"] == "zh-hans"
        stylesheet = re.search(r'href="(/static/kaohe/kaohe\.[0-9a-f]{12}\.css)"', page)
        assert stylesheet, "the page links the stylesheet by its hashed name"
        with fetch(base + stylesheet[1], {"Accept-Encoding": "gzip"}) as response:
            assert response.headers["Content-Encoding"] == "gzip"
            assert "immutable" in response.headers["Cache-Control"]
        # The workers, forked from the command's process (the first may answer before the
        # last is forked, on a loaded machine), and the background worker for the jobs.
        children = children_of(server.pid, expected=4)
        assert len(children) == 4
        assert [c for c in children if c.endswith("-m kaohe worker --no-startup-delay ")]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    assert server.returncode == 0  # stopped cleanly


@pytest.mark.own_database
def test_failed_sign_ins_count_across_the_workers_processes(tmp_path: Path) -> None:
    """Each worker is a process: the address throttle must see the failures of them all."""
    def in_a_process(code: str) -> str:
        return subprocess.run(
            [sys.executable, "-m", "kaohe", "shell", "--no-imports", "-c",
             "from django.test import RequestFactory\n"
             "from kaohe.accounts import throttle\n"
             "request = RequestFactory().post('/login/', REMOTE_ADDR='10.0.0.7')\n" + code],
            env=local_env(tmp_path, KAOHE_LOGIN_ADDRESS_FAILURES="2"), check=True,
            capture_output=True, text=True).stdout.strip()

    assert in_a_process("throttle.failed(None, {}, request)") == ""
    assert in_a_process("print(throttle.held_back(request))") == "False"
    in_a_process("throttle.failed(None, {}, request)")
    assert in_a_process("print(throttle.held_back(request))") == "True"
