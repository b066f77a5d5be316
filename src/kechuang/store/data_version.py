"""Data versions: per-aggregate change markers that every process on the machine sees, so that
caches of what is the same for everyone (public pages, the region list) can be dropped the moment
any process commits a change — the web workers of ``kechuang serve --workers N`` and a CLI import
alike.

A committed unit of work that recorded changes or audited writes touches one marker file per
aggregate kind it wrote (``demand``, ``expert`` ...). A reader's version of some kinds is the tuple
of the markers' modification times (nanoseconds) plus an in-process counter (so a change is seen
at once in the process that made it, whatever the file system's clock resolution). A cache entry
is valid while the version it was built under is the current one. Visits and session updates are
not audited changes and leave the markers alone.

The markers live in a private folder under the system temporary directory, one name per database
(by a digest of its URL), so processes serving the same database agree without configuration.
When the folder cannot be written, only the in-process counter is kept (caches then rely on their
age limit to see other processes' writes).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import tempfile
import threading
import time
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy.engine import make_url

logger = logging.getLogger(__name__)

Version = tuple[tuple[int, int], ...]
"""Per kind (in the order asked): (in-process counter, marker mtime in ns)."""

_LOCK = threading.Lock()
_LOCAL: dict[tuple[str, str], int] = {}


@functools.lru_cache(maxsize=64)
def _database_key(database_url: str) -> str:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        url = url.set(database=str(Path(url.database).resolve()))
    rendered = url.render_as_string(hide_password=True)
    return hashlib.sha256(rendered.encode()).hexdigest()[:16]


def _folder() -> Path:
    getuid = getattr(os, "getuid", None)
    owner = getuid() if getuid is not None else "user"
    return Path(tempfile.gettempdir()) / f"kechuang-{owner}-data-versions"


@functools.lru_cache(maxsize=1024)
def _marker(database_key: str, kind: str) -> Path:
    safe = "".join(ch for ch in kind if ch.isalnum() or ch == "_") or "unknown"
    return _folder() / f"{database_key}-{safe}"


def bump(database_url: str, kinds: Iterable[str]) -> None:
    """Mark ``kinds`` as changed in ``database_url`` (after a commit)."""
    chosen = sorted(set(kinds))
    if not chosen:
        return
    database = _database_key(database_url)
    with _LOCK:
        for kind in chosen:
            key = (database, kind)
            _LOCAL[key] = _LOCAL.get(key, 0) + 1
    try:
        _folder().mkdir(mode=0o700, exist_ok=True)
        now = time.time_ns()
        for kind in chosen:
            marker = _marker(database, kind)
            marker.touch(exist_ok=True)
            os.utime(marker, ns=(now, now))
    except OSError:
        logger.warning("data version markers not writable in %s", _folder(), exc_info=True)


def current(database_url: str, kinds: Iterable[str]) -> Version:
    """The version of ``kinds`` in ``database_url`` as this process sees it now."""
    database = _database_key(database_url)
    version = []
    for kind in kinds:
        try:
            mtime = _marker(database, kind).stat().st_mtime_ns
        except OSError:
            mtime = 0
        version.append((_LOCAL.get((database, kind), 0), mtime))
    return tuple(version)
