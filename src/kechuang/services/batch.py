"""Grouping several service calls inside one ``transaction()`` so they fail together.

Each service action already runs in its own SAVEPOINT; an importer row can need several actions
(create a docking, then move it through its stages). :func:`savepoint` wraps them so a failure in
the last one also undoes the first ones — and nothing outside the group — which is what
``kechuang import --skip-bad-rows`` needs to import the good rows and leave no trace of a bad one.
It is plumbing, not an action: it takes no actor and needs no permission rule.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from kechuang.services.context import unit_of_work


@contextmanager
def savepoint() -> Iterator[None]:
    """Undo every write made inside the block if it raises; must run inside ``transaction()``."""
    uow = unit_of_work()
    mark = len(uow.changes)
    nested = uow.session.begin_nested()
    try:
        yield
    except BaseException:
        if nested.is_active:
            nested.rollback()
        del uow.changes[mark:]
        raise
    nested.commit()
