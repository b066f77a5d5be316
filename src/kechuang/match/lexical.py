"""BM25 retrieval over token ids (bm25s), with filters applied inside scoring.

The vocabulary (token -> id) is ours, so the analyser's tokens map to ids once and bm25s never
re-tokenises. A filter is a boolean mask over documents passed to bm25s as ``weight_mask``: only
allowed documents can score, so a filtered top-k is the true top-k of the allowed set, never a
cut of an unfiltered list.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

_VOCAB_FILE = "vocabulary.json"


class LexicalIndex:
    """BM25 (Lucene variant, k1=1.2, b=0.75 by default) over pre-analysed documents."""

    def __init__(self, k1: float = 1.2, b: float = 0.75, method: str = "lucene") -> None:
        self.k1 = k1
        self.b = b
        self.method = method
        self.vocabulary: dict[str, int] = {}
        self._bm25: Any = None
        self._csc: tuple[npt.NDArray[Any], npt.NDArray[Any]] | None = None
        self.size = 0

    def fit(self, documents: Sequence[Sequence[str]]) -> LexicalIndex:
        """Index documents given as token lists (from :class:`~kechuang.match.text.Analyzer`)."""
        import bm25s  # noqa: PLC0415 - heavy

        vocabulary: dict[str, int] = {}
        ids: list[list[int]] = []
        for tokens in documents:
            ids.append([vocabulary.setdefault(token, len(vocabulary)) for token in tokens])
        # bm25s needs at least one token overall; an empty corpus gets a placeholder token.
        if not vocabulary:
            vocabulary[""] = 0
        self.vocabulary = vocabulary
        bm25 = bm25s.BM25(k1=self.k1, b=self.b, method=self.method)
        bm25.index((ids, vocabulary), show_progress=False)
        self._bm25 = bm25
        self._csc = None
        self.size = len(ids)
        return self

    def rarity_order(self, terms: Iterable[str]) -> list[str]:
        """Terms from rarest to most common in the corpus (unknown terms last).

        Document frequency is read from the CSC index: the length of each token's column.
        """
        if self._bm25 is None:
            raise RuntimeError("LexicalIndex.fit or load must run before lookups")
        indptr = self._bm25.scores["indptr"]

        def key(term: str) -> tuple[int, str]:
            token_id = self.vocabulary.get(term)
            if token_id is None or token_id + 1 >= len(indptr):
                return (1 << 30, term)
            return (int(indptr[token_id + 1] - indptr[token_id]), term)

        return sorted(terms, key=key)

    def token_ids(self, tokens: Sequence[str]) -> list[int]:
        """Ids of the query tokens known to the index (unknown tokens cannot match)."""
        return [self.vocabulary[token] for token in tokens if token in self.vocabulary]

    def scores(self, tokens: Sequence[str], allowed: BoolArray | None = None) -> FloatArray:
        """BM25 score of every document (0 where not allowed or not matching)."""
        if self._bm25 is None:
            raise RuntimeError("LexicalIndex.fit or load must run before scoring")
        ids = self.token_ids(tokens)
        if not ids or self.size == 0:
            return np.zeros(self.size, dtype=np.float32)
        weight = None if allowed is None else allowed.astype(np.float32)
        scores = self._bm25.get_scores_from_ids(ids, weight_mask=weight)
        return np.asarray(scores, dtype=np.float32)

    def top_k(
        self,
        tokens: Sequence[str],
        k: int,
        allowed: BoolArray | None = None,
        *,
        scores: FloatArray | None = None,
    ) -> tuple[IntArray, FloatArray]:
        """Best ``k`` matching documents among the allowed ones (indices, scores), best first.

        ``scores`` may pass in :meth:`scores` already computed for the same tokens and mask, so a
        caller needing both pays for BM25 once.
        """
        if scores is None:
            scores = self.scores(tokens, allowed)
        candidates = np.flatnonzero(scores > 0)
        if candidates.size > k:
            part = np.argpartition(-scores[candidates], k - 1)[:k]
            candidates = candidates[part]
        order = np.argsort(-scores[candidates], kind="stable")
        best = candidates[order].astype(np.int64)
        return best, scores[best]

    def matched_terms(self, row: int, tokens: Iterable[str]) -> set[str]:
        """The ``tokens`` that occur in document ``row``, read from the index (no re-analysis)."""
        return self.matched_terms_many([row], tokens)[0]

    def matched_terms_many(self, rows: Sequence[int], tokens: Iterable[str]) -> list[set[str]]:
        """For each document row, the ``tokens`` it contains, read from the index.

        bm25s keeps, per token, the sorted ids of the documents containing it (CSC), so one
        binary search per token answers for all rows at once; re-analysing each document's text
        would cost ~1 ms per document.
        """
        if self._bm25 is None:
            raise RuntimeError("LexicalIndex.fit or load must run before lookups")
        if self._csc is None:  # plain views: slicing a np.memmap costs more than the search
            csc = self._bm25.scores
            self._csc = (np.asarray(csc["indptr"]), np.asarray(csc["indices"]))
        indptr, indices = self._csc
        wanted = np.asarray(rows, dtype=np.int64)
        found: list[set[str]] = [set() for _ in rows]
        if wanted.size == 0:
            return found
        for token in set(tokens):
            token_id = self.vocabulary.get(token)
            if token_id is None:
                continue
            start, end = int(indptr[token_id]), int(indptr[token_id + 1])
            if end == start:
                continue
            posting = indices[start:end]
            places = np.minimum(np.searchsorted(posting, wanted), end - start - 1)
            for i in np.flatnonzero(posting[places] == wanted).tolist():
                found[i].add(token)
        return found

    def save(self, folder: Path) -> None:
        """bm25s arrays (``.npy``, mmap-able) plus our vocabulary."""
        folder.mkdir(parents=True, exist_ok=True)
        self._bm25.save(str(folder), show_progress=False)
        (folder / _VOCAB_FILE).write_text(
            json.dumps(
                {
                    "k1": self.k1,
                    "b": self.b,
                    "method": self.method,
                    "size": self.size,
                    # Tokens in id order: a JSON list loads 3-4x faster than a {token: id} object.
                    "tokens": sorted(self.vocabulary, key=self.vocabulary.__getitem__),
                },
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )

    @classmethod
    def load(cls, folder: Path, mmap: bool = True) -> LexicalIndex:
        """Load what :meth:`save` wrote; the score arrays are memory-mapped by default."""
        import bm25s  # noqa: PLC0415 - heavy

        state = json.loads((folder / _VOCAB_FILE).read_text(encoding="utf-8"))
        index = cls(k1=state["k1"], b=state["b"], method=state["method"])
        if "tokens" in state:
            tokens: list[str] = state["tokens"]
            index.vocabulary = dict(zip(tokens, range(len(tokens)), strict=True))
        else:  # folders saved before the list form
            index.vocabulary = {str(k): int(v) for k, v in state["vocabulary"].items()}
        index.size = int(state["size"])
        index._bm25 = bm25s.BM25.load(str(folder), mmap=mmap, load_vocab=False, show_progress=False)
        return index
