"""Import files, valid and hostile (bench/hostile.py): the peak memory of a fresh process that
reads and checks one file, as the office's import page and `kaohe import-org` do before writing
anything. A hostile file must be refused within the memory a valid file of 100,000 people
takes, measured in the same run."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import hostile
from bench.core import Context, Measure, case

CASE = "Import files: peak memory"


def run_worker(path: Path) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-m", "bench.worker", "import", str(path)],
                          capture_output=True, text=True, check=True, timeout=900)
    line = next(x for x in done.stdout.splitlines() if x.startswith("WORKER_JSON "))
    result: dict[str, object] = json.loads(line.removeprefix("WORKER_JSON "))
    return result


def refusal(problem: str) -> str:
    """The refusal as the office reads it, without the parser's own words after it."""
    return problem.split("（技术信息")[0].split("：", 1)[-1]


@case("imports")
def imports(ctx: Context) -> list[Measure]:
    people = 1_000 if ctx.quick else 100_000
    with tempfile.TemporaryDirectory() as folder:
        valid = run_worker(hostile.valid(Path(folder) / "valid.xlsx", people))
        assert valid["problems"] == 0, valid["first"]
        ceiling = float(valid["peak_mb"])  # type: ignore[arg-type]
        measures = [Measure(
            CASE, f"a valid file of {people:,} people (accepted)", ceiling, "MB",
            detail=f"{valid['start_mb']:.0f} MB before reading, checked in "
                   f"{valid['seconds']:.1f} s")]
        # The quick mode shows that the measure runs; tests/org/test_hostile_files.py checks
        # that every hostile file is refused.
        files = list(hostile.HOSTILE.items())[:1 if ctx.quick else None]
        for name, make in files:
            got = run_worker(make(Path(folder) / "hostile.xlsx"))
            peak = float(got["peak_mb"])  # type: ignore[arg-type]
            measures.append(Measure(
                CASE, f"hostile: {name}", peak, "MB",
                detail=f"refused in {got['seconds']:.2f} s: {refusal(str(got['first']))}",
                comparison=f"{peak / ceiling:.2f}× the valid file's peak",
                target="refused, ≤ the valid file's peak",
                met=ctx.target(bool(got["problems"]) and peak <= ceiling)))
    return measures
