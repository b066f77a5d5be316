"""Folding text to one form before it is read: full-width -> half-width, traditional -> simplified.

One piece of code for every reader: the matching analyser (:mod:`kechuang.match.text.analyzer`)
folds with it before segmentation, and the spam detector (:mod:`kechuang.domain.moderation`) before
it looks for its (simplified) vocabulary, so traditional-character spam is caught by every caller.

Folding never rewrites simplified text: characters go through OpenCC ``t2s`` (a simplified
character maps to itself), and only clauses that actually contain traditional characters also get
the Taiwan phrase table (``tw2sp``: 軟體 -> 软件, 網路 -> 网络). ``tw2sp`` on a whole text would
also "translate" simplified words into mainland phrasing (新增 -> 添加, 程序 -> 进程).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any

_CJK = re.compile(r"[\u4e00-\u9fff]")
_CLAUSE = re.compile(r"([\s,.;:!?，。；：！？、（）()《》「」『』“”\"'\[\]|/]+)")
"""Clause boundaries: traditional-only phrase conversion is applied clause by clause."""


@cache
def _converter(config: str) -> Any:
    try:
        import opencc  # noqa: PLC0415 - optional until folding is needed
    except ImportError as error:  # pragma: no cover - declared dependency
        raise ImportError(
            "繁简转换需要 opencc 包 / Traditional->simplified folding needs the 'opencc' "
            "package: pip install opencc"
        ) from error
    return opencc.OpenCC(config)


def to_simplified(text: str, *, characters: str = "t2s", phrases: str | None = "tw2sp") -> str:
    """``text`` with traditional characters (and, in traditional clauses, phrases) simplified."""
    if not _CJK.search(text):
        return text
    character_map = _converter(characters)
    folded: str = character_map.convert(text)
    if phrases is None or folded == text:
        return folded  # already simplified (or no phrase table): nothing else to do
    phrase_map = _converter(phrases)
    parts = _CLAUSE.split(text)
    for i, part in enumerate(parts):
        if i % 2 == 0 and part:
            simple = character_map.convert(part)
            parts[i] = phrase_map.convert(part) if simple != part else part
    return "".join(parts)


def fold(
    text: str,
    *,
    traditional: bool = True,
    characters: str = "t2s",
    phrases: str | None = "tw2sp",
) -> str:
    """NFKC (full-width -> half-width) and, unless ``traditional`` is False, traditional ->
    simplified; case kept."""
    text = unicodedata.normalize("NFKC", text)
    if traditional:
        text = to_simplified(text, characters=characters, phrases=phrases)
    return text
