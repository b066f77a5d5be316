"""Route a demand to GB/T 13745 disciplines and GB/T 4754 industries, with a confidence.

The platform's routers learn at run time from the code lists shipped in the package, so they
load offline and need no stored training data: every code at the routing level is described by
its own name and notes and by each of its descendants (a descendant's name and scope note is one
part of its ancestor's description). The confidence is calibrated by temperature scaling on
held-out descendants (every third one is kept out of the first fit), then the router is rebuilt
on all of them with that temperature. The result is shown to operators and used as
a matching feature (a resource whose discipline or industry matches the demand's top routes).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfVectorizer

from kechuang.match.routing.classifier import TEMPERATURES, FloatMatrix, softmax, standardise
from kechuang.match.routing.codelists import CodeEntry, descendants, disciplines, industries
from kechuang.match.routing.embeddings import QueryEmbedder


class Taxonomy(StrEnum):
    """The national code lists a demand can be routed into."""

    DISCIPLINE = "gbt13745"  # 学科分类与代码 GB/T 13745-2009
    INDUSTRY = "gbt4754"  # 国民经济行业分类 GB/T 4754-2017

    @property
    def label_zh(self) -> str:
        """Chinese name for operators."""
        return {"gbt13745": "学科（GB/T 13745）", "gbt4754": "行业（GB/T 4754）"}[self.value]

    @property
    def label_en(self) -> str:
        """English name."""
        return {"gbt13745": "Discipline (GB/T 13745)", "gbt4754": "Industry (GB/T 4754)"}[
            self.value
        ]


#: Levels a router may target: disciplines 1 (一级学科) or 2 (二级学科); industries 1 (门类) or
#: 2 (大类).
LEVELS = {Taxonomy.DISCIPLINE: (1, 2), Taxonomy.INDUSTRY: (1, 2)}


@dataclass(frozen=True)
class Route:
    """One code a text was routed to, with the router's confidence (a probability)."""

    taxonomy: Taxonomy
    code: str
    name: str
    level: int
    confidence: float


def _table(taxonomy: Taxonomy) -> dict[str, CodeEntry]:
    return disciplines() if taxonomy is Taxonomy.DISCIPLINE else industries()


def _documents(entry: CodeEntry, table: dict[str, CodeEntry]) -> list[str]:
    """The training documents of one target code: itself, then each descendant."""
    own = (
        entry.name
        if not entry.note or entry.note.startswith("本门类")
        else (f"{entry.name}：{entry.note}")
    )
    documents = [own]
    for child in descendants(table, entry.code):
        documents.append(f"{child.name}：{child.note}" if child.note else child.name)
    return documents


#: Weight of the meaning view when a router has an embedder (log-linear pooling with the
#: character view). Chosen on CSLDCP train_few_all abstracts mapped to GB/T 13745 (best top-1
#: of 0.3 / 0.5 / 0.7 with and without domain IDF); reported on dev_few_all in
#: benchmarks/RESULTS.md, "Discipline routing".
ROUTER_MEANING_WEIGHT = 0.7


def _set_nll(probabilities: FloatMatrix, gold: npt.NDArray[np.bool_]) -> float:
    """Mean negative log-probability of each row's set of acceptable codes."""
    picked = (probabilities * gold).sum(axis=1)
    return float(-np.mean(np.log(np.clip(picked, 1e-12, 1.0))))


def _fit_set_temperature(scores: FloatMatrix, gold: npt.NDArray[np.bool_]) -> float:
    """Temperature scaling when a text may have more than one right code."""
    losses = [_set_nll(softmax(scores, float(t)), gold) for t in TEMPERATURES]
    return float(TEMPERATURES[int(np.argmin(losses))])


class CodeListRouter:
    """A classifier over one level of one code list, fitted from the list itself.

    Each target code is a TF-IDF prototype (character 1–2-grams) of its description: its name,
    scope note and every descendant's name and note. A text's scores are its cosine similarities
    to the prototypes, turned into probabilities by a temperature-scaled softmax. Measured on
    CSL abstracts mapped to GB/T 13745 level 1, prototypes beat a linear SVM trained on the
    descendants as separate documents (30.4 % vs 26.7 % top-1; benchmarks/RESULTS.md).

    With an ``embedder`` (e.g. :class:`~kechuang.match.routing.embeddings.E5Embedder`) a second,
    *meaning* view is added: each target is also the normalised mean of its documents' sentence
    vectors, and the two views' calibrated probabilities are pooled log-linearly
    (``meaning_weight`` on the meaning view). Fitting then embeds every document of the code
    list once (a few thousand short texts; cached on disk by ``E5Embedder``).

    Confidence: temperatures are first fitted on held-out descendants (short names, so the
    result is only roughly calibrated for long texts); :meth:`calibrate` refits them on real
    labelled texts — demands whose codes operators confirmed, or any labelled corpus — which is
    what makes the confidence shown to operators trustworthy (ECE in benchmarks/RESULTS.md).
    """

    def __init__(
        self,
        taxonomy: Taxonomy,
        level: int = 1,
        *,
        embedder: QueryEmbedder | None = None,
        meaning_weight: float = ROUTER_MEANING_WEIGHT,
    ) -> None:
        if level not in LEVELS[taxonomy]:
            raise ValueError(
                f"{taxonomy.label_zh} 只能按第 {LEVELS[taxonomy]} 级分流，不支持第 {level} 级。"
                f" / {taxonomy.label_en} routing supports levels {LEVELS[taxonomy]}, not {level}."
            )
        if not 0.0 <= meaning_weight <= 1.0:
            raise ValueError(
                f"语义视图权重须在 0 到 1 之间，收到 {meaning_weight}。"
                f" / meaning_weight must lie in [0, 1]; got {meaning_weight}."
            )
        self.taxonomy = taxonomy
        self.level = level
        self.embedder = embedder
        self.meaning_weight = meaning_weight if embedder is not None else 0.0
        self._table = _table(taxonomy)
        self._codes: list[str] = []
        self._vectoriser: TfidfVectorizer | None = None
        self._prototypes: csr_matrix | None = None
        self._meaning_prototypes: FloatMatrix | None = None
        self.character_temperature = 1.0
        self.meaning_temperature = 1.0
        self.temperature = 1.0

    def targets(self) -> list[CodeEntry]:
        """The codes this router chooses among."""
        return [entry for entry in self._table.values() if entry.level == self.level]

    def _fit_prototypes(self, documents: list[list[str]], unlabelled: Sequence[str]) -> None:
        descriptions = ["；".join(parts) for parts in documents]
        self._vectoriser = TfidfVectorizer(
            analyzer="char", ngram_range=(1, 2), sublinear_tf=True, lowercase=True
        ).fit(descriptions + list(unlabelled))
        self._prototypes = self._vectoriser.transform(descriptions)
        if self.embedder is not None:
            flat = [document for parts in documents for document in parts]
            vectors = np.asarray(self.embedder.embed_queries(flat), dtype=np.float64)
            prototypes = np.zeros((len(documents), vectors.shape[1]))
            start = 0
            for target, parts in enumerate(documents):
                prototypes[target] = vectors[start : start + len(parts)].mean(axis=0)
                start += len(parts)
            norms = np.linalg.norm(prototypes, axis=1, keepdims=True)
            self._meaning_prototypes = prototypes / np.where(norms > 0, norms, 1.0)

    def _view_scores(self, texts: Sequence[str]) -> tuple[FloatMatrix, FloatMatrix | None]:
        assert self._vectoriser is not None
        assert self._prototypes is not None
        similarities = self._vectoriser.transform(list(texts)) @ self._prototypes.T
        characters = np.asarray(similarities.toarray(), dtype=np.float64)
        meaning = None
        if self.embedder is not None and self._meaning_prototypes is not None:
            vectors = np.asarray(self.embedder.embed_queries(list(texts)), dtype=np.float64)
            # e5 cosines crowd into a narrow band: standardise so one temperature grid fits.
            meaning = standardise(vectors @ self._meaning_prototypes.T)
        return characters, meaning

    def _pool(self, characters: FloatMatrix, meaning: FloatMatrix | None) -> FloatMatrix:
        """Weighted sum of the views' calibrated log-probabilities (log-linear pooling)."""
        if meaning is None or self.meaning_weight == 0.0:
            return characters / self.character_temperature
        pooled: FloatMatrix = (1.0 - self.meaning_weight) * np.log(
            softmax(characters, self.character_temperature) + 1e-12
        ) + self.meaning_weight * np.log(softmax(meaning, self.meaning_temperature) + 1e-12)
        return pooled

    def _fit_temperatures(self, texts: Sequence[str], gold: npt.NDArray[np.bool_]) -> None:
        characters, meaning = self._view_scores(texts)
        self.character_temperature = _fit_set_temperature(characters, gold)
        if meaning is not None:
            self.meaning_temperature = _fit_set_temperature(meaning, gold)
        self.temperature = 1.0
        self.temperature = _fit_set_temperature(self._pool(characters, meaning), gold)

    def fit(self, unlabelled: Sequence[str] = ()) -> CodeListRouter:
        """Build prototypes, fit the temperatures on held-out descendants, rebuild on all.

        ``unlabelled`` texts of the domain (the region's demands and resource profiles) join the
        IDF statistics only: common words of real texts then weigh less than in the code list.
        """
        targets = self.targets()
        self._codes = [entry.code for entry in targets]
        documents = [_documents(entry, self._table) for entry in targets]
        kept = [[doc for i, doc in enumerate(docs) if i % 3 != 2] for docs in documents]
        held = [
            (doc, t) for t, docs in enumerate(documents) for i, doc in enumerate(docs) if i % 3 == 2
        ]
        if held:
            self._fit_prototypes(kept, unlabelled)
            gold = np.zeros((len(held), len(targets)), dtype=bool)
            gold[np.arange(len(held)), [target for _, target in held]] = True
            self._fit_temperatures([doc for doc, _ in held], gold)
        self._fit_prototypes(documents, unlabelled)
        return self

    def calibrate(
        self, texts: Sequence[str], codes: Sequence[str | tuple[str, ...]]
    ) -> CodeListRouter:
        """Refit the confidence on real labelled texts (temperature scaling; ranking unchanged).

        ``codes`` gives each text's right code — or a tuple of acceptable codes — at any level
        of the list; codes are mapped up to this router's level. Texts whose codes are unknown
        are skipped; with none left the confidence is left as it was.
        """
        if len(texts) != len(codes):
            raise ValueError(
                f"文本数（{len(texts)}）与代码数（{len(codes)}）不一致。"
                f" / {len(texts)} texts but {len(codes)} code entries; give one per text."
            )
        if self._prototypes is None:
            self.fit()
        position = {code: i for i, code in enumerate(self._codes)}
        kept_texts: list[str] = []
        rows: list[list[int]] = []
        for text, given in zip(texts, codes, strict=True):
            wanted = (given,) if isinstance(given, str) else given
            found = {self.ancestor(code) for code in wanted} - {None}
            if found:
                kept_texts.append(text)
                rows.append([position[str(code)] for code in found])
        if not kept_texts:
            return self
        gold = np.zeros((len(kept_texts), len(self._codes)), dtype=bool)
        for row, columns in enumerate(rows):
            gold[row, columns] = True
        self._fit_temperatures(kept_texts, gold)
        return self

    def _probabilities(self, texts: Sequence[str]) -> FloatMatrix:
        if self._prototypes is None:
            self.fit()
        return softmax(self._pool(*self._view_scores(texts)), self.temperature)

    def route(self, texts: Sequence[str], top_k: int = 3) -> list[list[Route]]:
        """The ``top_k`` codes of each text, most probable first."""
        routes: list[list[Route]] = []
        for row in self._probabilities(texts):
            order = row.argsort()[::-1][:top_k]
            routes.append(
                [
                    Route(
                        taxonomy=self.taxonomy,
                        code=self._codes[int(i)],
                        name=self._table[self._codes[int(i)]].name,
                        level=self.level,
                        confidence=float(row[i]),
                    )
                    for i in order
                ]
            )
        return routes

    def probabilities(self, texts: Sequence[str]) -> tuple[list[str], list[list[float]]]:
        """Full distributions (codes, rows of probabilities), for use as a matching feature."""
        matrix = self._probabilities(texts)
        return list(self._codes), matrix.tolist()

    def ancestor(self, code: str) -> str | None:
        """The code at this router's level above (or equal to) ``code``; None if unknown."""
        entry = self._table.get(code.strip())
        while entry is not None and entry.level > self.level:
            entry = self._table.get(entry.parent) if entry.parent else None
        return entry.code if entry is not None and entry.level == self.level else None

    def affinity(self, probabilities: Sequence[float], resource_codes: Iterable[str]) -> float:
        """Probability mass a demand's routing puts on a resource's codes, in [0, 1].

        ``probabilities`` is one row of :meth:`probabilities`; ``resource_codes`` are the
        resource's disciplines or industries at any level (mapped up to this router's level).
        This is the routing feature the matcher adds to a candidate's evidence.
        """
        if not self._codes:
            self.fit()
        position = {code: i for i, code in enumerate(self._codes)}
        targets = {self.ancestor(code) for code in resource_codes} - {None}
        return float(min(1.0, sum(probabilities[position[str(code)]] for code in targets)))
