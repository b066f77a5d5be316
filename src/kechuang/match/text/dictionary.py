"""Domain terms for segmentation: the names in the shipped GB/T 13745 and GB/T 4754 code lists.

Adding them to the segmenter keeps terms such as 数理逻辑 or 农产品初加工 whole, so that a demand
and a profile written with the standard's vocabulary share tokens.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

_CODELISTS = ("gbt13745_2009_disciplines.jsonl", "gbt4754_2017_industries.jsonl")
# Names join several concepts with these; each part is a term of its own.
_SPLIT = re.compile(r"[、，,；;：:（）()\s/]|(?<=.{2})[与和及](?=.{2})")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_NOT_TERM = re.compile(r"[^\u4e00-\u9fffA-Za-z0-9]")
_FILLER = re.compile(r"^(其他|其它|不包括|包括|指)|(其他学科|其他|及其他|学科)$")


def _terms_of(name: str) -> list[str]:
    terms = []
    for part in [name, *_SPLIT.split(name)]:
        term = _FILLER.sub("", _NOT_TERM.sub("", part))
        if 2 <= len(term) <= 12 and _CJK.search(term):
            terms.append(term)
    return terms


@cache
def codelist_terms() -> tuple[str, ...]:
    """All discipline and industry names (and their parts) from the shipped code lists."""
    terms: set[str] = set()
    package = resources.files("kechuang") / "data" / "codelists"
    for filename in _CODELISTS:
        for line in (package / filename).read_text(encoding="utf-8").splitlines():
            if line.strip():
                terms.update(_terms_of(str(json.loads(line)["name"])))
    return tuple(sorted(terms))
