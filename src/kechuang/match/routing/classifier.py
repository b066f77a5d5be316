"""A few-shot text classifier that returns ranked labels with a calibrated confidence.

Routing learns from very little: eight abstracts per discipline in the FewCLUE protocol, and on
the platform only the code lists' names and scope notes. Two views of a text are combined
(measured in ``benchmarks/RESULTS.md``, section "Discipline and industry routing"):

- **characters**: TF-IDF over character 1–2-grams with a linear SVM — robust to unseen
  terminology, no segmentation errors (the usual strong baseline for Chinese few-shot text);
- **meaning**: multilingual-e5-small sentence vectors with multinomial logistic regression.

- **names** (when the embedder has e5's ``passage:`` side): the cosine of a text's ``query:``
  vector to each label name's ``passage:`` vector — e5 used as it was trained, for retrieval.
  A zero-shot view: it needs no examples, and its errors differ from the trained views'.

Label knowledge is added as extra training documents (each label's own words and its GB/T
sub-disciplines' names as one description; in the meaning view also the short label name as its
own example, whose vector is sharper than a long truncated description's), which helps most where
examples are scarce. Each view's scores become
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

from kechuang.match.routing.embeddings import PassageEmbedder, QueryEmbedder

FloatMatrix = npt.NDArray[np.float64]

#: Temperatures tried when calibrating (log-spaced); scores are standardised first.
TEMPERATURES = np.exp(np.linspace(np.log(0.02), np.log(20.0), 61))
#: Weight of each label description relative to one example, and of the meaning view in the
#: combination; both measured on FewCLUE split 0 (train_0 -> dev_0), see benchmarks/RESULTS.md.
DESCRIPTION_WEIGHT = 12.0
MEANING_WEIGHT = 0.7
#: Weight of each label's *name* as a training example of the meaning view, and of the
#: label-name similarity view in the pooled product (the other views share the rest); chosen
#: on training splits' held-out texts, never on the reported file (benchmarks/RESULTS.md).
NAME_WEIGHT = 0.0
NAME_VIEW_WEIGHT = 0.2
#: Character n-grams seen in fewer texts than this (labelled + unlabelled) are dropped.
CHARACTER_MIN_DF = 1
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

    def __init__(self, c: float = 1.0, min_df: int = CHARACTER_MIN_DF) -> None:
        self.c = c
        self._vectoriser = TfidfVectorizer(
            analyzer="char", ngram_range=(1, 2), sublinear_tf=True, lowercase=True, min_df=min_df
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


class NameView:
    """Zero-shot: similarity of a text (``query:``) to each label's name (``passage:``)."""

    def __init__(self, embedder: PassageEmbedder, names: Sequence[str]) -> None:
        self.embedder = embedder
        self._names = np.asarray(embedder.embed_passages(list(names)), dtype=np.float64)

    def scores(self, texts: Sequence[str]) -> FloatMatrix:
        """Standardised cosines, one column per class index."""
        vectors = np.asarray(self.embedder.embed_queries(list(texts)), dtype=np.float64)
        return standardise(vectors @ self._names.T)


ViewScores = dict[str, FloatMatrix]


class RoutingClassifier:
    """Ranked labels with calibrated confidence from examples and label knowledge.

    ``fit`` takes labelled examples, optional label descriptions (label -> text, weighted by
    ``description_weight``), optional short label names (label -> name: a training example of
    the meaning view weighted by ``name_weight``, and the passages of the names view) and
    optional unlabelled texts (used only for the character view's vocabulary and IDF, never
    their labels). ``calibrate`` fits the temperatures (and, if asked, the view weight) on
    held-out labelled texts; without it a neutral default is used.

    Views are pooled log-linearly: the names view gets ``name_view_weight`` (when present), the
    rest is shared between characters (``1 - meaning_weight``) and meaning (``meaning_weight``).

    ``meaning_embedder``, when given, gives the meaning view its vectors instead of ``embedder``
    (which then serves the names view only): e.g. e5 fine-tuned on the training split
    (:class:`~kechuang.match.routing.finetune.FineTunedE5`) beside the frozen model, whose
    ``passage:`` side the names view needs.
    """

    def __init__(
        self,
        *,
        embedder: QueryEmbedder | None = None,
        meaning_embedder: QueryEmbedder | None = None,
        use_characters: bool = True,
        description_weight: float = DESCRIPTION_WEIGHT,
        meaning_weight: float = MEANING_WEIGHT,
        name_weight: float = NAME_WEIGHT,
        name_view_weight: float = NAME_VIEW_WEIGHT,
        character_min_df: int = CHARACTER_MIN_DF,
    ) -> None:
        if meaning_embedder is not None and embedder is None:
            raise ValueError(
                "给了 meaning_embedder 却没有 embedder。/ A meaning_embedder needs an embedder "
                "beside it (the names view and the default meaning view use that one)."
            )
        if embedder is None and not use_characters:
            raise ValueError(
                "分类器至少需要一种视图。/ A classifier needs at least one view: "
                "pass an embedder or keep the character view."
            )
        for name, value in (
            ("meaning_weight", meaning_weight),
            ("name_view_weight", name_view_weight),
        ):
            if not 0.0 <= value <= 1.0:
                raise ValueError(
                    f"{name} 须在 0 到 1 之间，收到 {value}。"
                    f" / {name} must lie in [0, 1]; got {value}."
                )
        self.embedder = embedder
        self.meaning_embedder = meaning_embedder or embedder
        self.use_characters = use_characters
        self.description_weight = description_weight
        self.name_weight = name_weight
        self.name_view_weight = name_view_weight
        self.character_min_df = character_min_df
        self.classes: list[str] = []
        self._characters: CharacterView | None = None
        self._meaning: MeaningView | None = None
        self._names: NameView | None = None
        self.character_temperature = 1.0
        self.meaning_temperature = 1.0
        self.name_temperature = 1.0
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
        names: dict[str, str] | None = None,
        unlabelled: Sequence[str] = (),
    ) -> RoutingClassifier:
        """Learn from examples (and label knowledge); every label needs one or the other."""
        descriptions = descriptions or {}
        names = names or {}
        self.classes = sorted(set(labels) | set(descriptions) | set(names))
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
            self._characters = CharacterView(min_df=self.character_min_df).fit(
                all_texts, targets, weights, unlabelled
            )
        self._meaning = self._names = None
        if self.embedder is not None and self.meaning_embedder is not None:
            meaning_texts = all_texts + list(names.values())
            meaning_targets = np.concatenate(
                [targets, np.array([index[label] for label in names], dtype=np.int64)]
            )
            meaning_weights = np.concatenate([weights, np.full(len(names), self.name_weight)])
            self._meaning = MeaningView(self.meaning_embedder).fit(
                meaning_texts, meaning_targets, meaning_weights
            )
            if names and self.name_view_weight > 0.0 and isinstance(self.embedder, PassageEmbedder):
                self._names = NameView(
                    self.embedder, [names.get(label, label) for label in self.classes]
                )
        return self

    def _view_scores(self, texts: Sequence[str]) -> ViewScores:
        scores: ViewScores = {}
        if self._characters is not None:
            scores["characters"] = self._characters.scores(texts)
        if self._meaning is not None:
            scores["meaning"] = self._meaning.scores(texts)
        if self._names is not None:
            scores["names"] = self._names.scores(texts)
        return scores

    def _weights(self, meaning_weight: float) -> dict[str, float]:
        share = 1.0 - (self.name_view_weight if self._names is not None else 0.0)
        return {
            "characters": share * (1.0 - meaning_weight),
            "meaning": share * meaning_weight,
            "names": self.name_view_weight,
        }

    def _temperatures(self) -> dict[str, float]:
        return {
            "characters": self.character_temperature,
            "meaning": self.meaning_temperature,
            "names": self.name_temperature,
        }

    def _combine(self, scores: ViewScores, meaning_weight: float) -> FloatMatrix:
        """Weighted sum of the views' calibrated log-probabilities (log-linear pooling)."""
        weights, temperatures = self._weights(meaning_weight), self._temperatures()
        parts: list[FloatMatrix] = [
            weights[view] * np.log(softmax(matrix, temperatures[view]) + 1e-12)
            for view, matrix in scores.items()
            if weights[view] > 0.0
        ]
        combined: FloatMatrix = np.sum(parts, axis=0)
        return combined

    def calibrate(
        self, texts: Sequence[str], labels: Sequence[str], *, choose_weight: bool = False
    ) -> RoutingClassifier:
        """Fit view temperatures (and, if asked, the view weight) on held-out data.

        Temperatures change confidences, never a single view's ranking; the view weight changes
        the ranking, so it is left at its measured default unless ``choose_weight`` is set.
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
        scores = self._view_scores([text for text, _ in known])
        if "characters" in scores:
            self.character_temperature = fit_temperature(scores["characters"], gold)
        if "meaning" in scores:
            self.meaning_temperature = fit_temperature(scores["meaning"], gold)
        if "names" in scores:
            self.name_temperature = fit_temperature(scores["names"], gold)
        if choose_weight and "characters" in scores and "meaning" in scores:
            losses = [
                negative_log_likelihood(softmax(self._combine(scores, w), 1.0), gold)
                for w in _VIEW_WEIGHTS
            ]
            self.meaning_weight = float(_VIEW_WEIGHTS[int(np.argmin(losses))])
        self.temperature = fit_temperature(self._combine(scores, self.meaning_weight), gold)
        return self

    def predict_proba(self, texts: Sequence[str]) -> FloatMatrix:
        """Calibrated probabilities, one row per text, columns in ``self.classes`` order."""
        if not self.classes:
            raise ValueError("分类器尚未训练。/ The classifier has not been fitted yet.")
        return softmax(
            self._combine(self._view_scores(texts), self.meaning_weight), self.temperature
        )

    def predict(self, texts: Sequence[str]) -> list[str]:
        """The most probable label of each text."""
        return [self.classes[int(i)] for i in self.predict_proba(texts).argmax(axis=1)]

    def rank(self, text: str, top_k: int = 3) -> list[RankedLabel]:
        """The ``top_k`` labels of one text, most probable first, with their confidence."""
        probabilities = self.predict_proba([text])[0]
        order = np.argsort(-probabilities)[:top_k]
        return [RankedLabel(self.classes[int(i)], float(probabilities[i])) for i in order]
