"""Services: every read and write that the web, the API, the CLI, the importers and the demo
share. Each public function takes the acting user first, checks its permission rule
(``kechuang.services.policy``) and runs in a transaction (``kechuang.services.context``).
See ``docs/services.md``.
"""

from kechuang.services.context import transaction
from kechuang.store.uow import subscribe

__all__ = ["subscribe", "transaction"]
