"""Exporting assessments to .xlsx through kaohe.spreadsheets (write-only, streamed): time and
peak memory at two sizes, to show that memory does not grow with the rows."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.core import Context, Measure, case

CASE = "Export to .xlsx"


def run_worker(rows: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        done = subprocess.run([sys.executable, "-m", "bench.worker", "export", str(rows),
                               str(Path(folder) / "export.xlsx")],
                              capture_output=True, text=True, check=True, timeout=900)
    line = next(x for x in done.stdout.splitlines() if x.startswith("WORKER_JSON "))
    return json.loads(line.removeprefix("WORKER_JSON "))


@case("export")
def export(ctx: Context) -> list[Measure]:
    measures, peaks = [], []
    for rows in ctx.sizes.export_rows:
        got = run_worker(rows)
        peaks.append(got["peak_mb"])
        growth = got["peak_mb"] - got["start_mb"]
        measures.append(Measure(
            CASE, f"{int(got['rows']):,} assessments, time", got["seconds"], "s",
            detail=f"{got['rows'] / got['seconds']:,.0f} rows/s, {got['bytes'] / 1e6:.1f} MB "
                   "file",
            comparison=f"reading the same rows alone: {got['query_seconds']:.2f} s",
            target="< 30 s" if rows == max(ctx.sizes.export_rows) else "",
            met=ctx.target(got["seconds"] < 30) if rows == max(ctx.sizes.export_rows) else None))
        measures.append(Measure(
            CASE, f"{int(got['rows']):,} assessments, peak memory of the process", got["peak_mb"],
            "MB", detail=f"{got['start_mb']:.0f} MB before the export, +{growth:.0f} MB",
            target="< 300 MB" if rows == max(ctx.sizes.export_rows) else "",
            met=ctx.target(got["peak_mb"] < 300) if rows == max(ctx.sizes.export_rows) else None))
    if len(peaks) > 1:
        small, large = ctx.sizes.export_rows[0], ctx.sizes.export_rows[-1]
        measures[-1].comparison = (f"{large // small}× the rows of the first size: "
                                   f"{peaks[-1] / peaks[0]:.2f}× the peak")
    return measures
