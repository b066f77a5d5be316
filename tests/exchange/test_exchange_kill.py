"""Issue 6 item 6 for imports: SIGKILL in the middle of a large import leaves the database exactly
as it was (the import is one transaction), and the database stays usable afterwards."""

from __future__ import annotations

import csv
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from kechuang.domain import Actor, Region, codes
from kechuang.exchange.importer import import_file
from kechuang.services import regions, transaction


def table_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return {
                name: connection.execute(text(f'SELECT COUNT(*) FROM "{name}"')).scalar_one()
                for name in inspect(connection).get_table_names()
            }
    finally:
        engine.dispose()


@pytest.mark.slow
def test_sigkill_mid_import_changes_nothing(database_url: str, tmp_path: Path) -> None:
    system = Actor.system("test")
    with transaction(database_url):
        regions.create(system, Region(name="兰州新区"))
    path = tmp_path / "organisations.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["名称", "机构类型", "统一社会信用代码", "所属区域"])
        for index in range(3000):
            first17 = f"91620100MA{index:07d}"
            code = first17 + codes.credit_code_check_character(first17)
            writer.writerow([f"示例企业{index}（演示）", "企业", code, "兰州新区"])
    before = table_counts(database_url)

    command = [str(Path(sys.executable).parent / "kechuang"), "import", "organisations", str(path)]
    process = subprocess.Popen(
        command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
    )
    assert process.stderr is not None
    deadline = time.monotonic() + 120
    seen = ""
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            break
        seen = line
        if line.startswith("写入 / writing") and int(line.split()[-1].split("/")[0]) >= 300:
            break
    assert process.poll() is None, f"the import ended before it could be killed: {seen!r}"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    assert table_counts(database_url) == before
    small = tmp_path / "one.csv"
    small.write_text("名称,机构类型\n之后企业（演示）,企业\n", encoding="utf-8")
    assert import_file(small, "organisations", system, database_url=database_url).created == 1
