"""A few-shot text classifier that returns ranked labels with a calibrated confidence.

Routing learns from very little: eight abstracts per discipline in the FewCLUE protocol, and on
the platform only the code lists' names and scope notes. Two views of a text are combined
(measured in ``benchmarks/RESULTS.md``, section "Discipline and industry routing"):

- **characters**: TF-IDF over character 1–2-grams with a linear SVM — robust to unseen
  terminology, no segmentation errors (the usual strong baseline for Chinese few-shot text);
- **meaning**: multilingual-e5-small sentence vectors with multinomial logistic regression.

Label knowledge is added as extra training documents (each label's own words and its GB/T
sub-disciplines' names), which helps most where examples are scarce. Each view's scores become
probabilities through a softmax whose temperature is fitted on held-out data by minimising the
negative log-likelihood (temperature scaling, Guo et al. 2017, "On Calibration of Modern Neural
Networks"); the views are averaged in log space with a weight chosen the same way.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from kechuang.match.routing.embeddings import QueryEmbedder

FloatMatrix = npt.NDArray[np.float64]

#: Temperatures tried when calibrating (log-spaced); scores are standardised first.
TEMPERATURES = np.exp(np.linspace(np.log(0.02), np.log(20.0), 61))
#: Weight of each label description relative to one example, and of the meaning view in the
#: combination; both measured on FewCLUE split 0 (train_0 -> dev_0), see benchmarks/RESULTS.md.
DESCRIPTION_WEIGHT = 12.0
MEANING_WEIGHT = 0.7
#: Weights of the meaning view tried when combining views.
_VIEW_WEIGHTS = np.linspace(0.0, 1.0, 11)


@dataclass(frozen=True)
class RankedLabel:
    """One candidate label and the classifier's confidence that it is the right one."""

    label: str
    confidence: float


def softmax(scores: FloatMatrix, temperature: float) -> FloatMatrix:
    """Row-wise softmax of ``scores / temperature``, numerically stable."""
    scaled = scores / temperature
    scaled = scaled - scaled.max(axis=1, keepdims=True)
    exp = np.exp(scaled)
    result: FloatMatrix = exp / exp.sum(axis=1, keepdims=True)
    return result


def negative_log_likelihood(probabilities: FloatMatrix, gold: npt.NDArray[np.int64]) -> float:
    """Mean negative log-probability of the gold labels (the calibration loss)."""
    picked = probabilities[np.arange(len(gold)), gold]
    return float(-np.mean(np.log(np.clip(picked, 1e-12, 1.0))))


def fit_temperature(scores: FloatMatrix, gold: npt.NDArray[np.int64]) -> float:
    """The softmax temperature minimising held-out NLL (temperature scaling)."""
    losses = [negative_log_likelihood(softmax(scores, float(t)), gold) for t in TEMPERATURES]
    return float(TEMPERATURES[int(np.argmin(losses))])


def expected_calibration_error(
    probabilities: FloatMatrix, gold: npt.NDArray[np.int64], bins: int = 10
) -> float:
    """ECE of the top label: |accuracy - confidence| averaged over equal-width bins."""
    return calibration_error(probabilities.max(axis=1), probabilities.argmax(axis=1) == gold, bins)


def calibration_error(
    confidence: npt.NDArray[np.float64], correct: npt.NDArray[np.bool_], bins: int = 10
) -> float:
    """ECE from each prediction's confidence and whether it was right (Guo et al. 2017)."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    total = 0.0
    for low, high in itertools.pairwise(edges):
        inside = (confidence > low) & (confidence <= high)
        if inside.any():
            total += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return float(total)


def standardise(scores: FloatMatrix) -> FloatMatrix:
    """Centre and scale each row so one temperature grid suits every view."""
    if scores.ndim == 1:  # two classes: scikit-learn returns the positive class's score only
        scores = np.column_stack([-scores, scores])
    centred = scores - scores.mean(axis=1, keepdims=True)
    spread = centred.std(axis=1, keepdims=True)
    result: FloatMatrix = centred / np.where(spread > 0, spread, 1.0)
    return result


class CharacterView:
    """Character 1–2-gram TF-IDF with a linear SVM (one-vs-rest decision scores)."""

    def __init__(self, c: float = 1.0) -> None:
        self.c = c
        self._vectoriser = TfidfVectorizer(
            analyzer="char", ngram_range=(1, 2), sublinear_tf=True, lowercase=True
        )
        self._model = LinearSVC(C=c)

    def fit(
        self,
        texts: Sequence[str],
        targets: npt.NDArray[np.int64],
        weights: npt.NDArray[np.float64],
        vocabulary_texts: Sequence[str],
    ) -> CharacterView:
        """Fit IDF on every text available (labelled or not), the SVM on the labelled ones."""
        self._vectoriser.fit(list(vocabulary_texts) + list(texts))
        features: csr_matrix = self._vectoriser.transform(list(texts))
        self._model.fit(features, targets, sample_weight=weights)
        return self

    def scores(self, texts: Sequence[str]) -> FloatMatrix:
        """Standardised decision scores, one column per class index."""
        raw = np.asarray(self._model.decision_function(self._vectoriser.transform(list(texts))))
        return standardise(raw.astype(np.float64))


class MeaningView:
    """multilingual-e5-small vectors with multinomial logistic regression."""

    def __init__(self, embedder: QueryEmbedder, c: float = 10.0) -> None:
        self.embedder = embedder
        self.c = c
        self._model = LogisticRegression(C=c, max_iter=3000)

    def fit(
        self,
        texts: Sequence[str],
        targets: npt.NDArray[np.int64],
        weights: npt.NDArray[np.float64],
    ) -> MeaningView:
        """Fit the regression on the labelled vectors."""
        self._model.fit(self.embedder.embed_queries(texts), targets, sample_weight=weights)
        return self

    def scores(self, texts: Sequence[str]) -> FloatMatrix:
        """Standardised log-odds, one column per class index."""
        raw = np.asarray(self._model.decision_function(self.embedder.embed_queries(texts)))
        return standardise(raw.astype(np.float64))


class RoutingClassifier:
    """Ranked labels with calibrated confidence from examples and label descriptions.

    ``fit`` takes labelled examples, optional label descriptions (label -> text, weighted by
    ``description_weight``) and optional unlabelled texts (used only for the character view's
    vocabulary and IDF, never their labels). ``calibrate`` fits the temperatures and the view
    weight on held-out labelled texts; without it a neutral default is used.
    """

    def __init__(
        self,
        *,
        embedder: QueryEmbedder | None = None,
        use_characters: bool = True,
        description_weight: float = DESCRIPTION_WEIGHT,
        meaning_weight: float = MEANING_WEIGHT,
    ) -> None:
        if embedder is None and not use_characters:
            raise ValueError(
                "分类器至少需要一种视图。/ A classifier needs at least one view: "
                "pass an embedder or keep the character view."
            )
        self.embedder = embedder
        self.use_characters = use_characters
        self.description_weight = description_weight
        self.classes: list[str] = []
        self._characters: CharacterView | None = None
        self._meaning: MeaningView | None = None
        self.character_temperature = 1.0
        self.meaning_temperature = 1.0
        if embedder is None:
            self.meaning_weight = 0.0
        else:
            self.meaning_weight = meaning_weight if use_characters else 1.0
        self.temperature = 1.0

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        *,
        descriptions: dict[str, str] | None = None,
        unlabelled: Sequence[str] = (),
    ) -> RoutingClassifier:
        """Learn from examples (and label descriptions); every label needs one or the other."""
        descriptions = descriptions or {}
        self.classes = sorted(set(labels) | set(descriptions))
        if len(self.classes) < 2:
            raise ValueError(
                "至少需要两个类别。/ At least two labels are needed to fit a classifier."
            )
        index = {label: position for position, label in enumerate(self.classes)}
        all_texts = list(texts) + list(descriptions.values())
        targets = np.array(
            [index[label] for label in labels] + [index[label] for label in descriptions],
            dtype=np.int64,
        )
        weights = np.concatenate(
            [np.ones(len(texts)), np.full(len(descriptions), self.description_weight)]
        )
        if self.use_characters:
            self._characters = CharacterView().fit(all_texts, targets, weights, unlabelled)
        if self.embedder is not None:
            self._meaning = MeaningView(self.embedder).fit(all_texts, targets, weights)
        return self

    def _view_scores(self, texts: Sequence[str]) -> tuple[FloatMatrix | None, FloatMatrix | None]:
        characters = self._characters.scores(texts) if self._characters is not None else None
        meaning = self._meaning.scores(texts) if self._meaning is not None else None
        return characters, meaning

    def _combine(
        self,
        characters: FloatMatrix | None,
        meaning: FloatMatrix | None,
        meaning_weight: float,
    ) -> FloatMatrix:
        """Weighted mean of the views' log-probabilities (a product of experts)."""
        parts: list[FloatMatrix] = []
        if characters is not None and meaning_weight < 1.0:
            probabilities = softmax(characters, self.character_temperature)
            parts.append((1.0 - meaning_weight) * np.log(probabilities + 1e-12))
        if meaning is not None and meaning_weight > 0.0:
            probabilities = softmax(meaning, self.meaning_temperature)
            parts.append(meaning_weight * np.log(probabilities + 1e-12))
        combined: FloatMatrix = np.sum(parts, axis=0)
        return combined

    def calibrate(
        self, texts: Sequence[str], labels: Sequence[str], *, choose_weight: bool = False
    ) -> RoutingClassifier:
        """Fit view temperatures (and, if asked, the view weight) on held-out data.

        Temperatures change confidences, never the ranking; the view weight changes the ranking,
        so it is left at its measured default unless ``choose_weight`` is set.
        """
        index = {label: position for position, label in enumerate(self.classes)}
        known = [
            (text, index[label])
            for text, label in zip(texts, labels, strict=True)
            if label in index
        ]
        if not known:
            return self
        gold = np.array([target for _, target in known], dtype=np.int64)
        characters, meaning = self._view_scores([text for text, _ in known])
        if characters is not None:
            self.character_temperature = fit_temperature(characters, gold)
        if meaning is not None:
            self.meaning_temperature = fit_temperature(meaning, gold)
        if choose_weight and characters is not None and meaning is not None:
            losses = [
                negative_log_likelihood(softmax(self._combine(characters, meaning, w), 1.0), gold)
                for w in _VIEW_WEIGHTS
            ]
            self.meaning_weight = float(_VIEW_WEIGHTS[int(np.argmin(losses))])
        self.temperature = fit_temperature(
            self._combine(characters, meaning, self.meaning_weight), gold
        )
        return self

    def predict_proba(self, texts: Sequence[str]) -> FloatMatrix:
        """Calibrated probabilities, one row per text, columns in ``self.classes`` order."""
        if not self.classes:
            raise ValueError("分类器尚未训练。/ The classifier has not been fitted yet.")
        characters, meaning = self._view_scores(texts)
        return softmax(self._combine(characters, meaning, self.meaning_weight), self.temperature)

    def predict(self, texts: Sequence[str]) -> list[str]:
        """The most probable label of each text."""
        return [self.classes[int(i)] for i in self.predict_proba(texts).argmax(axis=1)]

    def rank(self, text: str, top_k: int = 3) -> list[RankedLabel]:
        """The ``top_k`` labels of one text, most probable first, with their confidence."""
        probabilities = self.predict_proba([text])[0]
        order = np.argsort(-probabilities)[:top_k]
        return [RankedLabel(self.classes[int(i)], float(probabilities[i])) for i in order]
