"""Database-level guards: the audit log refuses UPDATE, DELETE (and on PostgreSQL TRUNCATE).

The same statements run from ``metadata.create_all`` (via an ``after_create`` listener) and from
the Alembic migration, so both paths build identical databases.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table, event, text

from kechuang.store.tables import AuditRow

APPEND_ONLY_MESSAGE = "audit_log is append-only"

_SQLITE = [
    f"""CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END""",
]

_POSTGRESQL = [
    f"""CREATE OR REPLACE FUNCTION kechuang_audit_log_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END $$""",
    """CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION kechuang_audit_log_append_only()""",
    """CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION kechuang_audit_log_append_only()""",
]


def install_audit_guards(connection: Connection) -> None:
    """Create the append-only triggers for the connection's dialect."""
    statements = _POSTGRESQL if connection.dialect.name == "postgresql" else _SQLITE
    for statement in statements:
        connection.execute(text(statement))


def drop_audit_guards(connection: Connection) -> None:
    """Remove the triggers (migration downgrade only)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update_delete ON audit_log"))
        connection.execute(text("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log"))
        connection.execute(text("DROP FUNCTION IF EXISTS kechuang_audit_log_append_only()"))
    else:
        connection.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
        connection.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))


def _after_create(target: Table, connection: Connection, **_: Any) -> None:
    install_audit_guards(connection)


event.listen(AuditRow.__table__, "after_create", _after_create)
