"""`kaohe run` collects the static files only when a source file changed: collecting and hashing
them every time was half of a start."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from kaohe.web.management.commands.run import collect_static_if_changed


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
