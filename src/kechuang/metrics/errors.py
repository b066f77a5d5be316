"""The one error the index library raises, bilingual like the platform's closed error set.

``metrics`` sits below ``services`` and must not depend on the platform's domain errors being
ready; services translate :class:`IndexSpecError` into ``ValidationError`` at their boundary.
"""

from __future__ import annotations


class IndexSpecError(ValueError):
    """A spec, tree or data file that the pipeline cannot use.

    The message says what is wrong, where (file, field, code) and how to fix it, in Chinese first
    and English second.
    """

    def __init__(self, zh: str, en: str, *, where: str = "") -> None:
        self.zh = zh
        self.en = en
        self.where = where
        prefix = f"{where}: " if where else ""
        super().__init__(f"{prefix}{zh} / {en}")
