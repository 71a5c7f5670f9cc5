"""python -m bench.worker export ROWS FILE: one export in a fresh process, so that its peak
memory (the process's maximum resident set) is its own; python -m bench.worker import FILE:
an import file read and checked (what the office's page and `kaohe import-org` do before
writing anything). Prints one JSON line."""

from __future__ import annotations

import json
import os
import resource
import sys
import time

COLUMNS = ["person__personnel_no", "person__name", "period__organ__name", "section__name",
           "period__year", "period__quarter", "category", "state", "composite_score", "grade",
           "feedback_given_on"]
HEADER = ["人员编号", "姓名", "机关", "科室", "年度", "季度", "人员类别", "状态", "综合得分",
          "等次", "反馈日期"]


def peak_mb() -> float:
    """The process's peak resident memory. VmHWM, not ru_maxrss: on Linux ru_maxrss keeps the
    high-water mark of the parent that forked this process across the exec."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def export(rows: int, target: str) -> dict[str, float]:
    from kaohe import spreadsheets
    from kaohe.assessments.models import Assessment

    def table() -> object:
        # A server-side cursor on PostgreSQL: rows arrive in chunks, never all at once.
        return (Assessment.objects.order_by("id").values_list(*COLUMNS)[:rows]
                .iterator(chunk_size=2000))

    before = peak_mb()
    started = time.perf_counter()
    read = sum(1 for _ in table())  # type: ignore[attr-defined]
    query_s = time.perf_counter() - started
    started = time.perf_counter()
    spreadsheets.workbook([("考核结果", HEADER, table())], target)  # type: ignore[list-item]
    return {"rows": read, "seconds": time.perf_counter() - started, "query_seconds": query_s,
            "start_mb": before, "peak_mb": peak_mb(), "bytes": os.path.getsize(target)}


def check_import(path: str) -> dict[str, object]:
    from django.db import transaction
    from django.utils import timezone

    from kaohe.org.importer import ImportRefused
    from kaohe.org.importer.checks import check
    from kaohe.org.importer.read import read_source

    before = peak_mb()
    started = time.perf_counter()
    try:
        with transaction.atomic():
            _plan, _context, problems = check(read_source(path), timezone.localdate())
    except ImportRefused as refused:
        problems = refused.problems
    return {"seconds": time.perf_counter() - started, "start_mb": before, "peak_mb": peak_mb(),
            "problems": len(problems), "first": str(problems[0])[:160] if problems else ""}


def main() -> None:
    import django

    django.setup()
    if sys.argv[1] == "import":
        print("WORKER_JSON " + json.dumps(check_import(sys.argv[2]), ensure_ascii=False))
        return
    kind, rows, target = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    assert kind == "export"
    print("WORKER_JSON " + json.dumps(export(rows, target)))


if __name__ == "__main__":
    main()
