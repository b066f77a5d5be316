"""The protocols the routing benchmarks share: which texts train, calibrate and score.

- **development** (what chooses a default, never a text of ``dev_1.json``, the reported file):
  train on ``train_K``, temperatures on ``dev_0`` minus dev_1, score the union of train_0, dev_0,
  train_1 and train_2 minus train_K and dev_1 (1,295 texts), K = 0, 1, 2; pooled accuracy.
- **suite** (what ``kechuang bench quality --suite csl-discipline`` reports): train on
  ``train_K``, temperatures on ``dev_K`` minus the evaluated file, score the evaluated file,
  K = 0..4; mean over splits.

Used by ``csl_discipline_dropped.py``, ``csl_discipline_e5_views.py`` and
``csl_discipline_finetune.py`` (run them as scripts: this folder is then on the import path).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kechuang.match.evaluation import csl_discipline as suite
from kechuang.match.routing.classifier import RoutingClassifier, fit_temperature
from kechuang.match.routing.csl_labels import CSL_TO_GBT13745, label_description, label_name

REPORTED = "dev_1.json"
DEVELOPMENT_POOL = ("train_0.json", "dev_0.json", "train_1.json", "train_2.json")

Record = dict[str, str]


def read(data: Path, name: str) -> list[Record]:
    """One JSON object a line."""
    lines = (data / name).read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def label_knowledge() -> tuple[dict[str, str], dict[str, str]]:
    """Each label's description and short name, as the suite gives them to the classifier."""
    return (
        {label: label_description(label) for label in CSL_TO_GBT13745},
        {label: label_name(label) for label in CSL_TO_GBT13745},
    )


@dataclass(frozen=True)
class Split:
    """One training split with the texts it is calibrated and scored on."""

    k: int
    train: list[Record]
    evaluated: dict[str, str]  # text -> gold label
    dev_texts: list[str]
    dev_labels: list[str]

    @property
    def train_texts(self) -> list[str]:
        return [r["content"] for r in self.train]

    @property
    def train_labels(self) -> list[str]:
        return [r["label"] for r in self.train]

    @property
    def texts(self) -> list[str]:
        return list(self.evaluated)


def development_split(data: Path, k: int) -> Split:
    """Split K under the development protocol."""
    train = read(data, f"train_{k}.json")
    excluded = {r["content"] for r in read(data, REPORTED)}
    seen = {r["content"] for r in train} | excluded
    evaluated: dict[str, str] = {}
    for name in DEVELOPMENT_POOL:
        for r in read(data, name):
            if r["content"] not in seen:
                evaluated.setdefault(r["content"], r["label"])
    calibration = [r for r in read(data, "dev_0.json") if r["content"] not in excluded]
    return Split(
        k,
        train,
        evaluated,
        [r["content"] for r in calibration],
        [r["label"] for r in calibration],
    )


def suite_split(data: Path, k: int, evaluated_file: str) -> Split:
    """Split K under the suite's protocol, scoring ``evaluated_file``."""
    evaluated = {r["content"]: r["label"] for r in read(data, evaluated_file)}
    dev_texts, dev_labels = suite.calibration_records(data, k, set(evaluated))
    return Split(k, read(data, f"train_{k}.json"), evaluated, dev_texts, dev_labels)


def involved_texts(splits: Sequence[Split], descriptions: dict[str, str]) -> list[str]:
    """Every text the splits train on, score and calibrate on, then the label descriptions;
    each once, in first-seen order."""
    seen = dict.fromkeys(
        text for split in splits for text in [*split.train_texts, *split.texts, *split.dev_texts]
    )
    return [*seen, *descriptions.values()]


def view_examples(
    classifier: RoutingClassifier,
    split_texts: Sequence[str],
    labels: Sequence[str],
    descriptions: dict[str, str],
    extra: tuple[Sequence[str], Sequence[str], float] = ((), (), 0.0),
) -> tuple[list[str], Any, Any]:
    """The examples, class indices and weights a fitted classifier's views learn from: the
    training texts, each label's description (weighted as the classifier weighs it) and, if
    given, extra texts with their labels and weight."""
    extra_texts, extra_labels, extra_weight = extra
    index = {label: i for i, label in enumerate(classifier.classes)}
    examples = [*split_texts, *descriptions.values(), *extra_texts]
    targets = np.array(
        [index[label] for label in [*labels, *descriptions, *extra_labels]], dtype=np.int64
    )
    weights = np.concatenate(
        [
            np.ones(len(split_texts)),
            np.full(len(descriptions), classifier.description_weight),
            np.full(len(extra_texts), extra_weight),
        ]
    )
    return examples, targets, weights


def compare(
    splits: Sequence[Split],
    variants: Sequence[str],
    build: Callable[[str, Split], RoutingClassifier],
    descriptions: dict[str, str],
    names_for: Callable[[str], dict[str, str]],
) -> dict[str, list[bool]]:
    """Fit, calibrate and score every variant on every split; print a JSON line for each and
    the pooled accuracies; return the hits."""
    pooled: dict[str, list[bool]] = {name: [] for name in variants}
    for split in splits:
        texts = split.texts
        for name in variants:
            started = time.perf_counter()
            classifier = build(name, split).fit(
                split.train_texts,
                split.train_labels,
                descriptions=descriptions,
                names=names_for(name),
                unlabelled=texts + split.dev_texts,
            )
            classifier.calibrate(split.dev_texts, split.dev_labels)
            hits = [
                predicted == split.evaluated[text]
                for predicted, text in zip(classifier.predict(texts), texts, strict=True)
            ]
            pooled[name] += hits
            line = {
                "train_split": split.k,
                "variant": name,
                "accuracy": round(float(np.mean(hits)), 4),
                "n": len(hits),
                "seconds": round(time.perf_counter() - started, 1),
            }
            print(json.dumps(line), flush=True)
    for name, hits in pooled.items():
        print(json.dumps({"pooled": name, "accuracy": round(float(np.mean(hits)), 4)}))
    return pooled


class WithExtraView(RoutingClassifier):
    """The default classifier plus one more view (``extra_view``, set and fitted by the
    subclass), pooled under the key ``"extra"`` with its own fitted temperature; the subclass's
    ``_weights`` decides its weight."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.extra_view: Any = None
        self.extra_temperature = 1.0

    def _view_scores(self, texts: Sequence[str]) -> Any:
        scores = super()._view_scores(texts)
        if self.extra_view is not None:
            scores["extra"] = self.extra_view.scores(texts)
        return scores

    def _temperatures(self) -> dict[str, float]:
        return {**super()._temperatures(), "extra": self.extra_temperature}

    def calibrate(
        self, texts: Sequence[str], labels: Sequence[str], *, choose_weight: bool = False
    ) -> WithExtraView:
        if self.extra_view is not None:
            index = {label: i for i, label in enumerate(self.classes)}
            gold = np.array([index[label] for label in labels], dtype=np.int64)
            self.extra_temperature = fit_temperature(self.extra_view.scores(texts), gold)
        super().calibrate(texts, labels, choose_weight=choose_weight)
        return self
