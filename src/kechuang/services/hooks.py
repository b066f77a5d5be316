"""After-commit hooks: ``subscribe(callback)`` to hear about every committed change."""

from kechuang.store.uow import Hook, subscribe

__all__ = ["Hook", "subscribe"]
