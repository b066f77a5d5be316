"""The unit of work: one session, every repository, one commit at the boundary, then hooks.

Services record what they changed (:class:`~kechuang.domain.Change`); after a successful commit
the unit of work hands the list to every subscribed hook — the matching engine re-indexes there.
A rolled-back unit of work runs no hooks.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kechuang.domain import Change
from kechuang.store import data_version
from kechuang.store.repositories import (
    AchievementRepository,
    AuditRepository,
    DemandRepository,
    DockingRepository,
    EventRepository,
    ExpertRepository,
    HonourListRepository,
    OrganisationRepository,
    RegionDockingRepository,
    RegionRepository,
    TokenRepository,
    UserRepository,
    VisitRepository,
    VolunteerRepository,
)

logger = logging.getLogger(__name__)

Hook = Callable[[Sequence[Change]], None]
_HOOKS: list[Hook] = []
_HOOKS_LOCK = threading.Lock()


def subscribe(hook: Hook) -> Callable[[], None]:
    """Call ``hook(changes)`` after every committed unit of work; returns an unsubscriber."""
    with _HOOKS_LOCK:
        _HOOKS.append(hook)

    def unsubscribe() -> None:
        with _HOOKS_LOCK:
            if hook in _HOOKS:
                _HOOKS.remove(hook)

    return unsubscribe


def run_hooks(changes: Sequence[Change]) -> None:
    """Hand committed changes to every hook; a failing hook is logged, never raised."""
    if not changes:
        return
    with _HOOKS_LOCK:
        hooks = list(_HOOKS)
    for hook in hooks:
        try:
            hook(changes)
        except Exception:
            logger.exception("after-commit hook %r failed", hook)


class UnitOfWork:
    """A transaction with every repository bound to it. Use as a context manager."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.session = Session(engine, expire_on_commit=False, autoflush=True)
        self.changes: list[Change] = []
        self._at_end: list[Callable[[], None]] = []
        self.regions = RegionRepository(self.session)
        self.region_dockings = RegionDockingRepository(self.session)
        self.organisations = OrganisationRepository(self.session)
        self.experts = ExpertRepository(self.session)
        self.volunteers = VolunteerRepository(self.session)
        self.achievements = AchievementRepository(self.session)
        self.demands = DemandRepository(self.session)
        self.dockings = DockingRepository(self.session)
        self.events = EventRepository(self.session)
        self.honours = HonourListRepository(self.session)
        self.users = UserRepository(self.session)
        self.tokens = TokenRepository(self.session)
        self.audit = AuditRepository(self.session)
        self.visits = VisitRepository(self.session)

    def at_end(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once this unit of work has ended, committed or rolled back (for
        writes that must survive a refusal, like counting a failed sign-in; the callback opens
        its own transaction, after this one has released its locks)."""
        self._at_end.append(callback)

    def record(self, change: Change) -> None:
        """Remember a change for the after-commit hooks."""
        self.changes.append(change)

    def commit(self) -> None:
        """Commit, bump the data versions of the kinds written (caches of public pages drop
        them), then run the hooks with the changes (a failing hook is logged, not raised)."""
        self.session.commit()
        changes, self.changes = list(self.changes), []
        kinds = {change.kind for change in changes} | self.session.info.pop("audited_kinds", set())
        if kinds:
            data_version.bump(self.engine.url.render_as_string(hide_password=False), kinds)
        run_hooks(changes)

    def rollback(self) -> None:
        """Discard everything done in this unit of work."""
        self.session.rollback()
        self.changes.clear()
        self.session.info.pop("audited_kinds", None)

    def close(self) -> None:
        """Release the connection."""
        self.session.close()

    def __enter__(self) -> UnitOfWork:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            if exc_type is None:
                self.commit()
            else:
                self.rollback()
        finally:
            self.close()
            callbacks, self._at_end = self._at_end, []
            for callback in callbacks:
                try:
                    callback()
                except Exception:
                    logger.exception("end-of-transaction callback %r failed", callback)
