from pathlib import Path

import pytest

from kechuang.match.aggregation import AggregationName
from kechuang.match.embedding import Embedder
from kechuang.match.engine import Entity, MatchIndex, Work
from kechuang.match.fusion import FusionName
from kechuang.match.settings import MatchSettings

ENTITIES = [
    Entity("e-zhang", "expert", "张三", {"region": "lanzhou", "discipline": "210"}),
    Entity("e-li", "expert", "李四", {"region": "beijing", "discipline": "580"}),
    Entity("o-lzu", "organisation", "兰州大学", {"region": "lanzhou"}),
]
WORKS = [
    Work(
        "w1", "马铃薯淀粉加工工艺优化与废水处理", "马铃薯淀粉加工", ("e-zhang",), {"year": "2021"}
    ),
    Work("w2", "Deep learning for crop disease detection", "Crop disease", ("e-li", "e-zhang")),
    Work("w3", "新能源汽车电池管理系统与电池回收", "电池管理", ("e-li",), {"year": "2023"}),
    Work("w4", "石油化工催化剂研究", "催化剂", ("o-lzu",)),
    Work("a1", "一种光伏组件清洁机器人", "光伏清洁机器人"),
]


@pytest.fixture
def index(use_embedder: Embedder, match_settings: MatchSettings) -> MatchIndex:
    return MatchIndex.build(WORKS, ENTITIES, embedder=use_embedder, settings=match_settings)


def test_traditional_chinese_demand_finds_the_simplified_profile_with_evidence(
    index: MatchIndex,
) -> None:
    hits = index.query("需要馬鈴薯澱粉廢水處理技術", k=3)
    best = hits[0]
    assert best.entity_id == "e-zhang"
    assert best.works[0].work_id == "w1"
    assert {"淀粉", "废水"} <= set(best.matched_terms)
    assert best.lexical > 0
    assert best.semantic > 0
    components = best.components()
    assert components["fusion"] == "rrf"
    assert components["aggregation"] == "max"


def test_english_query_reaches_chinese_profile_semantically(index: MatchIndex) -> None:
    hits = index.query("battery management for electric vehicles", k=2, kind="expert")
    assert hits[0].entity_id == "e-li"
    assert hits[0].works[0].work_id == "w3"


def test_filters_select_entities_before_scoring_and_co_owners_do_not_leak(
    index: MatchIndex,
) -> None:
    hits = index.query("crop disease deep learning", k=5, filters={"region": "lanzhou"})
    assert {hit.entity_id for hit in hits} <= {"e-zhang", "o-lzu", "a1"} - {"a1"}
    assert all(hit.entity_id != "e-li" for hit in hits)
    assert hits[0].entity_id == "e-zhang"


def test_exclude_removes_conflicted_entities(index: MatchIndex) -> None:
    hits = index.query("电池管理", k=5, exclude={"e-li"})
    assert "e-li" not in {hit.entity_id for hit in hits}


def test_work_without_owner_is_its_own_entity(index: MatchIndex) -> None:
    hits = index.query("光伏组件清洁", k=1, fusion=FusionName.LEXICAL)
    assert hits[0].entity_id == "a1"
    assert hits[0].kind == "work"


def test_work_filters_and_entity_scores(index: MatchIndex) -> None:
    hits = index.query("电池", k=3, work_filters={"year": "2021"}, fusion=FusionName.LEXICAL)
    assert hits == [] or all(w.work_id == "w1" for h in hits for w in h.works)
    exact = index.score_entities(
        "crop disease", ["e-zhang", "e-li"], aggregation=AggregationName.MEAN
    )
    assert set(exact) == {"e-zhang", "e-li"}


def test_save_and_load_give_the_same_hits(
    index: MatchIndex, use_embedder: Embedder, tmp_path: Path
) -> None:
    index.save(tmp_path / "index")
    loaded = MatchIndex.load(tmp_path / "index", embedder=use_embedder)
    for text in ("電池回收", "crop disease", "催化剂"):
        assert loaded.query(text, k=3) == index.query(text, k=3)


def test_lexical_only_index_works_without_an_embedder(match_settings: MatchSettings) -> None:
    index = MatchIndex.build(WORKS, ENTITIES, settings=match_settings)
    hits = index.query("催化剂", k=1)
    assert hits[0].entity_id == "o-lzu"
    assert hits[0].semantic == 0.0


def test_unknown_owner_is_a_clear_error(match_settings: MatchSettings) -> None:
    with pytest.raises(ValueError, match="not among the entities"):
        MatchIndex.build([Work("w", "text", owners=("ghost",))], [], settings=match_settings)


def test_query_embedding_on_the_embedding_thread_equals_the_direct_one(index: MatchIndex) -> None:
    text = "马铃薯淀粉废水处理"
    pending = index.embed_query_later(text)
    direct = index.embed_query(text)
    assert direct is not None
    assert (pending() == direct).all()
    # the thread path is what query() uses: same hits as scoring with the vector passed in
    hits = index.query(text, k=3)
    scores = index.score_works(text, query_vector=direct)
    assert hits[0].score == pytest.approx(float(scores.fused.max()), rel=1e-6)


def test_an_embedding_error_reaches_the_caller(index: MatchIndex) -> None:
    class Broken:
        name = "broken"
        dim = 512

        def embed_queries(self, texts: list[str]) -> None:
            raise RuntimeError("模型不可用 / model unavailable")

        def embed_passages(self, texts: list[str]) -> None:
            raise RuntimeError("模型不可用 / model unavailable")

    working = index.embedder
    index.embedder = Broken()  # type: ignore[assignment]
    try:
        with pytest.raises(RuntimeError, match="model unavailable"):
            index.query("马铃薯淀粉", k=3)
    finally:
        index.embedder = working
