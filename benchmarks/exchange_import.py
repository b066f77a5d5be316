"""Import/export speed of the Excel/CSV exchange, against the services it calls.

Baseline in the same run: the same organisations upserted directly through
``services.organisations.upsert`` in one transaction (what the importer does per row, minus file
reading, cell parsing, reference resolution and the per-row savepoint). Prints one line per step
with wall and CPU seconds.

    .venv/bin/python benchmarks/exchange_import.py [ROWS]
"""

from __future__ import annotations

import csv
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from kechuang.domain import Actor, Organisation, OrganisationKind, codes
from kechuang.exchange.exporter import export_file
from kechuang.exchange.importer import import_file
from kechuang.services import organisations, transaction
from kechuang.store.migrate import upgrade


def _credit(index: int) -> str:
    first17 = f"91620100MA{index:07d}"
    return first17 + codes.credit_code_check_character(first17)


def _timed(label: str, work: Callable[[], object]) -> float:
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{label:<44} wall {wall:7.2f} s   cpu {cpu:7.2f} s")
    return cpu


def main(rows: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="kechuang-exchange-bench-"))
    actor = Actor.system("bench")
    print(f"rows: {rows}; load average: {os.getloadavg()[0]:.1f}")

    baseline_url = f"sqlite:///{folder / 'baseline.sqlite3'}"
    upgrade(baseline_url)

    def direct() -> None:
        with transaction(baseline_url):
            for index in range(rows):
                organisations.upsert(
                    actor,
                    Organisation(
                        kind=OrganisationKind.ENTERPRISE,
                        name=f"示例企业{index}（演示）",
                        credit_code=_credit(index),
                        industry_codes=["2614"],
                        keywords=["氢能", "储能"],
                        employee_count=index % 500,
                    ),
                )

    base = _timed("baseline: services.organisations.upsert", direct)

    csv_path = folder / "organisations.csv"
    with csv_path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["名称", "机构类型", "统一社会信用代码", "行业代码", "关键词", "员工人数"])
        for index in range(rows):
            writer.writerow(
                [
                    f"示例企业{index}（演示）",
                    "企业",
                    _credit(index),
                    "2614",
                    "氢能; 储能",
                    index % 500,
                ]
            )
    url = f"sqlite:///{folder / 'import.sqlite3'}"
    upgrade(url)
    imported = _timed(
        "import CSV into an empty database",
        lambda: import_file(csv_path, "organisations", actor, database_url=url),
    )
    _timed(
        "re-import the same CSV (all rows merge)",
        lambda: import_file(csv_path, "organisations", actor, database_url=url),
    )
    xlsx_path = folder / "export.xlsx"
    _timed("export .xlsx", lambda: export_file(xlsx_path, "organisations", actor, database_url=url))
    _timed(
        "export .csv",
        lambda: export_file(folder / "export.csv", "organisations", actor, database_url=url),
    )
    url2 = f"sqlite:///{folder / 'import2.sqlite3'}"
    upgrade(url2)
    _timed(
        "import the exported .xlsx into an empty database",
        lambda: import_file(xlsx_path, "organisations", actor, database_url=url2),
    )
    print(
        f"import CSV / baseline (cpu): {imported / base:.2f}x; "
        f"cpu per imported row: {1000 * imported / rows:.1f} ms; "
        f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
