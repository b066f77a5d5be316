"""Transactions for services: the unit of work of the current call chain, and the ``action``
decorator every public service function wears.

A service call joins the transaction opened by an enclosing :func:`transaction` (inside a
SAVEPOINT, so a failing call undoes only its own writes — importers rely on this for
``--skip-bad-rows``) or opens its own and commits when it returns.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import ParamSpec, TypeVar

from sqlalchemy.exc import IntegrityError

from kechuang.domain.errors import Conflict
from kechuang.services import policy
from kechuang.store.database import engine_for, reads_only
from kechuang.store.uow import UnitOfWork

P = ParamSpec("P")
R = TypeVar("R")

_CURRENT: ContextVar[UnitOfWork | None] = ContextVar("kechuang_unit_of_work", default=None)


@contextmanager
def transaction(database_url: str | None = None) -> Iterator[None]:
    """Group service calls into one all-or-nothing transaction (nested uses join the outer one)."""
    if _CURRENT.get() is not None:
        yield
        return
    uow = UnitOfWork(engine_for(database_url))
    with uow:
        token = _CURRENT.set(uow)
        try:
            yield
        finally:
            # The after-commit hooks and end callbacks run when ``uow`` exits, outside this unit
            # of work: a hook that calls services opens a transaction of its own instead of
            # reopening this one's finished session (which would keep its lock).
            _CURRENT.reset(token)


@contextmanager
def read_only(enabled: bool = True) -> Iterator[None]:
    """Declare that the transactions opened inside only read (see
    :func:`kechuang.store.database.reads_only`); ``read_only(False)`` around a write inside."""
    with reads_only(enabled):
        yield


def after_transaction(callback: Callable[[], None]) -> None:
    """Run ``callback`` once the current transaction has ended (at once when there is none):
    for a write that should not hold up, or be undone with, the reads around it."""
    uow = _CURRENT.get()
    if uow is None:
        callback()
    else:
        uow.at_end(callback)


def unit_of_work() -> UnitOfWork:
    """The active unit of work (only valid inside a service call or ``transaction()``)."""
    uow = _CURRENT.get()
    if uow is None:
        raise RuntimeError("no active unit of work: call this from inside a service action")
    return uow


def _integrity_conflict(error: IntegrityError) -> Conflict:
    return Conflict(
        "与已有记录冲突（重复或引用了不存在的记录）",
        "The change clashes with stored records (a duplicate or a reference to a missing record)",
        fix_zh="请检查唯一字段（如统一社会信用代码、用户名）和所引用的编号",
        fix_en="Check unique fields (credit code, username) and the ids you refer to",
    )


def action(name: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Mark a public service function: it needs a rule named ``name`` in the policy registry and
    runs inside a transaction (joined with a savepoint, or its own)."""
    if name not in policy.RULES:
        raise LookupError(f"service action {name!r} has no rule in kechuang.services.policy")

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(function)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            uow = _CURRENT.get()
            if uow is None:
                with transaction():
                    return run(*args, **kwargs)
            mark = len(uow.changes)
            savepoint = uow.session.begin_nested()
            try:
                result = function(*args, **kwargs)
                uow.session.flush()
            except IntegrityError as error:
                if savepoint.is_active:
                    savepoint.rollback()
                del uow.changes[mark:]
                raise _integrity_conflict(error) from error
            except BaseException:
                if savepoint.is_active:
                    savepoint.rollback()
                del uow.changes[mark:]
                raise
            savepoint.commit()
            return result

        run.__kechuang_action__ = name  # type: ignore[attr-defined]
        return run

    return decorate
