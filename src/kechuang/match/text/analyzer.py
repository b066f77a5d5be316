"""One analyser for Chinese and English text, saved beside every index.

Pipeline: NFKC (full-width -> half-width) -> traditional -> simplified (OpenCC, tables shipped in
its wheel) -> lower case -> rjieba search-mode segmentation with a domain dictionary -> stopwords
-> Snowball stemming of Latin-script words (PyStemmer). A loaded index rebuilds the analyser from
its saved config *and* its saved dictionary, so queries are analysed exactly as at build time even
if the shipped code lists change later.

Folding (:func:`kechuang.domain.textfold.fold`, shared with the spam detector) never rewrites
simplified text: characters go through OpenCC ``t2s``, and only clauses that actually contain
traditional characters also get the Taiwan phrase table (``tw2sp``: 軟體 -> 软件).

:meth:`Analyzer.surface_map` keeps, for each token of a text, the word it came from, so that
explanations show "manufacturing" rather than the stem "manufactur".
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kechuang.domain.textfold import fold
from kechuang.match.text.dictionary import codelist_terms
from kechuang.match.text.stopwords import STOPWORDS_EN, STOPWORDS_ZH

ANALYZER_FILE = "analyzer.json"
_LATIN_WORD = re.compile(r"^[a-z0-9][a-z0-9+#.\-]*$")
_HAS_WORD_CHAR = re.compile(r"[0-9a-z\u4e00-\u9fff]")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class AnalyzerConfig:
    """What the analyser does; saved with the index so queries match build-time analysis."""

    fold_traditional: bool = True
    opencc_config: str = "t2s"
    """OpenCC character conversion applied to every text (``t2s`` leaves simplified unchanged)."""
    traditional_phrases: str | None = "tw2sp"
    """OpenCC phrase conversion for clauses that contain traditional characters only (軟體 ->
    软件); ``None``: the character conversion alone (indexes saved before this option)."""
    stem_english: bool = True
    stemmer_language: str = "english"
    remove_stopwords: bool = True
    domain_dictionary: bool = True
    """Add the GB/T 13745 / GB/T 4754 names to the segmenter."""
    hmm: bool = True
    """Let rjieba guess unknown words (names, new terms) with its HMM."""
    user_terms: tuple[str, ...] = field(default=())
    """Region-specific keywords to keep whole (e.g. 兰州新区, 科创中国)."""


class Analyzer:
    """Turns a text into index tokens; ``tokens`` is the one method retrieval calls."""

    def __init__(
        self, config: AnalyzerConfig | None = None, *, dictionary: tuple[str, ...] | None = None
    ) -> None:
        self.config = config or AnalyzerConfig()
        if dictionary is None:
            terms = set(self.config.user_terms)
            if self.config.domain_dictionary:
                terms.update(codelist_terms())
            dictionary = tuple(sorted(terms))
        self.dictionary = dictionary
        self._segmenter: Any = None
        self._stemmer: Any = None
        self._stem_cache: dict[str, str] = {}

    # -- lazily built parts (heavy, and not picklable across processes) --

    def _segment(self, text: str) -> list[str]:
        if self._segmenter is None:
            import rjieba  # noqa: PLC0415 - heavy, built on first use

            segmenter = rjieba.Jieba()
            for term in self.dictionary:
                segmenter.add_word(term, None, None)
            self._segmenter = segmenter
        words: list[str] = self._segmenter.cut_for_search(text, self.config.hmm)
        return words

    def _stem(self, word: str) -> str:
        stemmed = self._stem_cache.get(word)
        if stemmed is None:
            if self._stemmer is None:
                import Stemmer  # noqa: PLC0415 - heavy, built on first use

                self._stemmer = Stemmer.Stemmer(self.config.stemmer_language)
            stemmed = str(self._stemmer.stemWord(word))
            if len(self._stem_cache) < 200_000:
                self._stem_cache[word] = stemmed
        return stemmed

    # -- public --

    def fold(self, text: str) -> str:
        """Full-width -> half-width and traditional -> simplified; case kept (for embedders)."""
        return fold(
            text,
            traditional=self.config.fold_traditional,
            characters=self.config.opencc_config,
            phrases=self.config.traditional_phrases,
        )

    def normalize(self, text: str) -> str:
        """:meth:`fold` plus lower case: the text segmentation sees."""
        return self.fold(text).lower()

    def tokens(self, text: str) -> list[str]:
        """Index tokens of ``text`` (repeats kept: BM25 counts term frequency)."""
        return [token for token, _surface in self._analyse(text)]

    def surface_map(self, text: str) -> dict[str, str]:
        """Token -> the word of ``text`` it came from (first occurrence), for explanations: an
        English stem ``manufactur`` is shown as ``manufacturing``; Chinese tokens map to
        themselves (in simplified form, as the indexed texts are)."""
        surfaces: dict[str, str] = {}
        for token, surface in self._analyse(text):
            surfaces.setdefault(token, surface)
        return surfaces

    def _analyse(self, text: str) -> list[tuple[str, str]]:
        """(token, surface word) pairs of ``text``."""
        result: list[tuple[str, str]] = []
        for raw in self._segment(self.normalize(text)):
            word = raw.strip()
            if not word or not _HAS_WORD_CHAR.search(word):
                continue
            if _CJK.search(word):
                if self.config.remove_stopwords and word in STOPWORDS_ZH:
                    continue
                result.append((word, word))
                continue
            if "-" in word:  # search mode already emitted the hyphenated word's parts
                continue
            latin = self._latin_token(word)
            if latin:
                result.append((latin, word.strip(".+#")))
        return result

    def _latin_token(self, word: str) -> str | None:
        word = word.strip(".+#")
        if not word or not _LATIN_WORD.match(word):
            return None
        if len(word) == 1 and not word.isdigit():
            return None
        if self.config.remove_stopwords and word in STOPWORDS_EN:
            return None
        return self._stem(word) if self.config.stem_english else word

    def terms(self, text: str) -> set[str]:
        """Distinct tokens, for highlighting matched terms."""
        return set(self.tokens(text))

    # -- persistence --

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready state: the config and the full segmentation dictionary."""
        config = asdict(self.config)
        config["user_terms"] = list(self.config.user_terms)
        return {"format": 1, "config": config, "dictionary": list(self.dictionary)}

    @classmethod
    def from_dict(cls, state: dict[str, Any]) -> Analyzer:
        """Rebuild exactly the analyser that produced ``state``."""
        config = dict(state["config"])
        config["user_terms"] = tuple(config.get("user_terms", ()))
        # saved before traditional_phrases existed: whole-text conversion, exactly as then
        config.setdefault("traditional_phrases", None)
        return cls(AnalyzerConfig(**config), dictionary=tuple(state["dictionary"]))

    def save(self, folder: Path) -> None:
        """Write ``analyzer.json`` into ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        (folder / ANALYZER_FILE).write_text(
            json.dumps(self.to_dict(), ensure_ascii=False), encoding="utf-8"
        )

    @classmethod
    def load(cls, folder: Path) -> Analyzer:
        """Read the analyser saved by :meth:`save`."""
        path = folder / ANALYZER_FILE
        if not path.exists():
            raise FileNotFoundError(
                f"索引缺少分析器文件 {path} / Index has no analyser file {path}: rebuild the index."
            )
        state: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return cls.from_dict(state)
