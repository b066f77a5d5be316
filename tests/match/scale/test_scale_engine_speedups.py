"""The engine shortcuts added for speed give exactly what the slow paths gave."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from kechuang.match.aggregation import AGGREGATIONS, AggregationName
from kechuang.match.engine import Entity, MatchIndex, Work
from kechuang.match.fusion import FusionName


def test_matched_terms_from_the_index_equal_reanalysis(
    small_corpus: tuple[list[Entity], list[Work]], demand_texts: list[str]
) -> None:
    entities, works = small_corpus
    index = MatchIndex.build(works, entities)
    for text in demand_texts:
        query_terms = set(index.analyzer.tokens(text))
        for row, work in enumerate(works):
            expected = query_terms & index.analyzer.terms(work.text)
            assert index.lexical.matched_terms(row, query_terms) == expected


def test_top_k_with_precomputed_scores_is_the_same(
    small_corpus: tuple[list[Entity], list[Work]], demand_texts: list[str]
) -> None:
    entities, works = small_corpus
    lexical = MatchIndex.build(works, entities).lexical
    allowed = np.arange(len(works)) % 2 == 0
    for text in demand_texts:
        tokens = MatchIndex.build(works[:1], entities[:1]).analyzer.tokens(text)
        scores = lexical.scores(tokens, allowed)
        plain = lexical.top_k(tokens, 7, allowed)
        reused = lexical.top_k(tokens, 7, allowed, scores=scores)
        assert plain[0].tolist() == reused[0].tolist()
        assert plain[1].tolist() == reused[1].tolist()


def _python_ranking(
    index: MatchIndex, text: str, aggregation: AggregationName
) -> list[tuple[float, str]]:
    """The grouping the vectorised ranking replaced, written out plainly."""
    scores = index.score_works(text, fusion=FusionName.LINEAR)
    grouped: dict[int, list[int]] = defaultdict(list)
    for position, row in enumerate(scores.works.tolist()):
        owners = {entity.id: e for e, entity in enumerate(index.entities)}
        for owner in index.works[row].owners or (index.works[row].id,):
            grouped[owners[owner]].append(position)
    aggregate = AGGREGATIONS[aggregation]
    ranked = sorted(
        ((aggregate(scores.fused[p]), owner) for owner, p in grouped.items()),
        key=lambda item: (-item[0], item[1]),
    )
    return [(score, index.entities[owner].id) for score, owner in ranked[:6]]


def test_vectorised_entity_ranking_equals_grouping_in_python(demand_texts: list[str]) -> None:
    people = [Entity(id=f"p{i:02d}", kind="expert") for i in range(12)]
    topics = ["氢燃料电池", "盐碱地改良", "锂电池正极", "fuel cell membrane", "光伏组件"]
    works = [
        Work(
            id=f"w{i}",
            text=f"{topics[i % 5]} {topics[(i * 3) % 5]} 研究 {i}",
            owners=tuple(sorted({f"p{i % 12:02d}", f"p{(i * 7) % 12:02d}"})),
        )
        for i in range(40)
    ]
    index = MatchIndex.build(works, people)
    for text in [*demand_texts[:6], "氢燃料电池 光伏组件"]:
        for aggregation in AggregationName:
            hits = index.query(
                text, k=6, aggregation=aggregation, fusion=FusionName.LINEAR, candidates=10_000
            )
            assert [(h.score, h.entity_id) for h in hits] == _python_ranking(
                index, text, aggregation
            )
