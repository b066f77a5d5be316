"""Engines: one per database URL per process, with SQLite tuned for a small multi-user server.

SQLite gets foreign keys on, WAL journaling (readers do not block the writer) and a busy timeout;
the parent directory of the file is created on first use so the embedded default needs no set-up.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

import kechuang.store.guards  # noqa: F401 -- registers the audit-log triggers on create_all
from kechuang.config import get_settings

_ENGINES: dict[str, Engine] = {}
_LOCK = threading.Lock()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control away from pysqlite so that BEGIN, SAVEPOINT and transactional
    # DDL behave as on PostgreSQL (the recipe in SQLAlchemy's SQLite dialect documentation).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


_READS_ONLY: ContextVar[bool] = ContextVar("kechuang_reads_only", default=False)


@contextmanager
def reads_only(enabled: bool = True) -> Iterator[None]:
    """Transactions begun inside this block only read (public pages): on SQLite they begin
    DEFERRED, so readers in several worker processes run side by side instead of queueing for
    the write lock. Such a transaction must not write (SQLite would refuse the lock upgrade when
    another process committed meanwhile); a write inside the block needs its own transaction
    opened under ``reads_only(False)``. No effect on PostgreSQL."""
    token = _READS_ONLY.set(enabled)
    try:
        yield
    finally:
        _READS_ONLY.reset(token)


def _sqlite_begin(connection: Any) -> None:
    # IMMEDIATE takes the write lock at the start, so two transactions that both read and then
    # write wait for each other (busy timeout) instead of one failing with "database is locked"
    # when it tries to upgrade its read lock (found by benchmarks/load_soak.py: 184 such errors
    # at 100 req/s with plain BEGIN, none with IMMEDIATE, at the same p95). The price: readers
    # queue behind the lock too — hence DEFERRED for transactions declared read-only (web_load:
    # with 2 workers and IMMEDIATE everywhere, uncached list pages waited seconds in the busy
    # handler at 50 clients).
    connection.exec_driver_sql("BEGIN" if _READS_ONLY.get() else "BEGIN IMMEDIATE")


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """A new engine for ``url`` (callers normally want :func:`engine_for`)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, echo=echo, connect_args={"check_same_thread": False, "timeout": 10}
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


def engine_for(url: str | None = None) -> Engine:
    """The shared engine for ``url`` (default: the configured database)."""
    settings = get_settings()
    key = url or settings.database_url
    with _LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            engine = _ENGINES[key] = make_engine(key, echo=settings.sql_echo)
        return engine


def dispose_engines() -> None:
    """Close every pooled connection (tests, forks, backup/restore)."""
    with _LOCK:
        for engine in _ENGINES.values():
            engine.dispose()
        _ENGINES.clear()
