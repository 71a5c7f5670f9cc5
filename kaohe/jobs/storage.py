"""Where the jobs' files live: one folder (KAOHE_JOBS_DIR), readable by the application's
account only. A file is written aside under a `.part` name and renamed into place once
complete, so a file that has its final name is whole."""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings

PART = ".part"


def folder() -> Path:
    path = Path(settings.KAOHE_JOBS_DIR)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def path_of(name: str) -> Path | None:
    """The file of that name, or None when it is gone (deleted by hand, another host's)."""
    path = folder() / name
    return path if name and path.is_file() else None


def aside(job_id: int) -> Path:
    """A new file to write a job's result into, after removing what earlier runs of the same
    job left half-written (a worker killed in the middle)."""
    for earlier in folder().glob(f"{job_id}-*{PART}"):
        earlier.unlink(missing_ok=True)
    return folder() / f"{job_id}-{secrets.token_hex(8)}{PART}"


def keep(part: Path, suffix: str) -> str:
    """Move a complete file into place; returns its name within the folder."""
    final = part.with_suffix(suffix)
    os.replace(part, final)
    return final.name


def remove(names: Iterable[str]) -> None:
    for name in names:
        if name:
            (folder() / name).unlink(missing_ok=True)


def remove_strays(kept: set[str], older_than_seconds: float) -> None:
    """Files no job names, left long enough ago that no running job is still writing them:
    the part of an attempt killed mid-way, the result of a run that another replaced."""
    cutoff = time.time() - older_than_seconds
    for path in folder().iterdir():
        if path.name not in kept and path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
