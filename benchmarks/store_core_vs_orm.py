"""A/B of the repositories: ORM instances (commit f118cb2) against SQLAlchemy Core (now).

Both variants run in one process on one database, alternating, three rounds; the figure is the
best CPU time (``time.process_time``) per service call, so other load on the machine matters
less. Writes: 150 organisations + 50 experts with 5 works each, in one transaction. Reads: 30 x
(``experts.list(limit=20)`` with works + ``organisations.list(limit=20)``).

    .venv/bin/python benchmarks/store_core_vs_orm.py                 # SQLite file in /tmp
    .venv/bin/python benchmarks/store_core_vs_orm.py postgresql+psycopg://postgres@127.0.0.1/x
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from kechuang.domain import Actor, Expert, Organisation, Region, Work
from kechuang.services import experts, organisations, regions, transaction
from kechuang.store import migrate
from kechuang.store import repositories as new
from kechuang.store import uow as uow_module

BEFORE = "f118cb2"
REPO = Path(__file__).resolve().parents[1]


def _old_module() -> ModuleType:
    source = subprocess.run(
        ["git", "show", f"{BEFORE}:src/kechuang/store/repositories.py"],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    path = Path(tempfile.mkdtemp()) / "repositories_before.py"
    path.write_text(source, "utf-8")
    spec = importlib.util.spec_from_file_location("kechuang.store.repositories_before", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    original = module.Repository.page

    def page(self: Any, *, children: bool = True, **filters: Any) -> Any:
        return original(self, **filters)  # the old base had no ``children`` switch

    module.Repository.page = page
    return module


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{tempfile.mkdtemp()}/ab.sqlite3"
    os.environ["KECHUANG_DATABASE_URL"] = url  # read at the first service call
    migrate.upgrade()
    old = _old_module()
    names = [n for n in dir(new) if n.endswith("Repository") and n != "Repository"]

    def use(module: ModuleType) -> None:
        for name in names:
            if hasattr(module, name):
                setattr(uow_module, name, getattr(module, name))

    system = Actor.system("bench")
    with transaction():
        region = regions.create(system, Region(name=f"基准区域{time.time_ns()}"))
    counter = [0]

    def writes() -> None:
        with transaction():
            for _ in range(150):
                counter[0] += 1
                organisations.create(
                    system,
                    Organisation(
                        kind="enterprise",
                        name=f"基准企业{counter[0]}",
                        region_id=region.id,
                        industry_codes=["2614"],
                        keywords=["氢能"],
                    ),
                )
            for _ in range(50):
                counter[0] += 1
                experts.create(
                    system,
                    Expert(
                        name=f"基准专家{counter[0]}",
                        affiliation="基准大学",
                        region_id=region.id,
                        works=[
                            Work(kind="paper", title=f"论文{j}", abstract="摘要" * 20)
                            for j in range(5)
                        ],
                    ),
                )

    def reads() -> None:
        for _ in range(30):
            experts.list(Actor.anonymous(), region_id=region.id, limit=20)
            organisations.list(Actor.anonymous(), region_id=region.id, limit=20)

    results: dict[tuple[str, str], list[float]] = {}
    for _round in range(3):
        for label, module in (("ORM (before)", old), ("Core (now)", new)):
            use(module)
            for name, job in (("writes", writes), ("reads", reads)):
                start = time.process_time()
                job()
                results.setdefault((label, name), []).append(time.process_time() - start)
    print(f"database: {url.split(':', 1)[0]}")
    for name, calls in (("writes", 200), ("reads", 60)):
        before = min(results[("ORM (before)", name)]) / calls * 1000
        now = min(results[("Core (now)", name)]) / calls * 1000
        print(
            f"{name}: ORM {before:.2f} ms/call, Core {now:.2f} ms/call, Core/ORM {now / before:.2f}"
        )


if __name__ == "__main__":
    main()
