"""The benchmark suite in its quick mode, so that it cannot rot: every case gives a figure and
the table is written (to a temporary file, never over docs/benchmarks.md)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dj_database_url
import pytest

ROOT = Path(__file__).resolve().parents[2]


def bench_database(tmp_path: Path) -> str:
    """A database of the benchmark's own, next to the one the tests use."""
    url = os.environ.get("DATABASE_URL", "")
    config = dj_database_url.parse(url) if url else {"ENGINE": "sqlite3"}
    if "postgresql" not in config["ENGINE"]:
        return f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    return url.rsplit("/", 1)[0] + f"/{config['NAME']}_quick"


# The cases that start `kaohe run` on a SQLite folder of their own, whatever database the
# benchmark uses: the same in both passes of the suite.
OWN_DATABASE = ["start", "serving"]


def run_quick(tmp_path: Path, only: list[str]) -> list[str]:
    """`python -m bench --quick --only …` into a file of its own: the table's rows."""
    output = tmp_path / "benchmarks.md"
    output.write_text("# Benchmarks\n\nText kept.\n\n<!-- bench:begin -->\nold\n"
                      "<!-- bench:end -->\n\nAfter.\n")
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--output", str(output),
         "--database-url", bench_database(tmp_path), "--only", ",".join(only)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
        env={**os.environ, "KAOHE_VAR_DIR": str(tmp_path / "var")})
    assert done.returncode == 0, done.stderr[-3000:]
    text = output.read_text()
    assert text.startswith("# Benchmarks\n\nText kept.") and text.rstrip().endswith("After.")
    assert "old" not in text and "python -m bench --quick" in text
    assert "failed" not in text
    return [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]


def test_every_case_gives_a_figure_and_the_table_is_written(tmp_path: Path) -> None:
    from bench import cases  # noqa: F401  (registers the cases)
    from bench.core import CASES

    rows = run_quick(tmp_path, [name for name, _run in CASES if name not in OWN_DATABASE])
    for name in ["Open a quarter", "Export to .xlsx", "Approve under the cap", "HTTP",
                 "Statistics", "Annual roll-up", "Import files", "Pages"]:
        assert any(name in row for row in rows), name
    # Every measure has a number, except parallel approvals, which need PostgreSQL.
    empty = [row for row in rows[1:] if "| — (" in row and "PostgreSQL only" not in row]
    assert not empty, empty


@pytest.mark.own_database
def test_the_start_and_serving_cases_give_figures(tmp_path: Path) -> None:
    rows = run_quick(tmp_path, OWN_DATABASE)
    for name in ["Start-up", "Serving"]:
        assert any(name in row for row in rows), name
    empty = [row for row in rows[1:] if "| — (" in row]
    assert not empty, empty
