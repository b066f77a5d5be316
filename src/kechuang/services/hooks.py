"""After-commit hooks: ``subscribe(callback)`` to hear about every committed change; and
``data_version(database_url, kinds)``, the version of some aggregate kinds that every committed
write in any process on the machine bumps (for caches of what is the same for everyone)."""

from kechuang.store.data_version import Version
from kechuang.store.data_version import current as data_version
from kechuang.store.uow import Hook, subscribe

__all__ = ["Hook", "Version", "data_version", "subscribe"]
