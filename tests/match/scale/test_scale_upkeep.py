"""Index upkeep: only changed texts are encoded, and the result equals a fresh build."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from kechuang.match.embedding import Embedder
from kechuang.match.engine import Entity, MatchIndex, Work
from kechuang.match.scale.persistence import load_index
from kechuang.match.scale.upkeep import IndexUpkeep, RecordChanges


class CountingEmbedder:
    """The real embedder, counting the texts it is asked to encode (what upkeep must minimise)."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.encoded: list[str] = []

    @property
    def name(self) -> str:
        """The real model's identity."""
        return self.inner.name

    @property
    def dim(self) -> int:
        """The real model's vector length."""
        return self.inner.dim

    def embed_queries(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Queries are not counted (upkeep encodes passages)."""
        return self.inner.embed_queries(texts)

    def embed_passages(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Encode for real, remembering what was encoded."""
        self.encoded.extend(texts)
        return self.inner.embed_passages(texts)


def _fresh(entities: list[Entity], works: list[Work], embedder: Embedder) -> MatchIndex:
    """A from-scratch build in upkeep's record order (entities by id; ties rank by row)."""
    ordered = sorted(entities, key=lambda entity: entity.id)
    by_owner = {entity.id: [w for w in works if w.owners[0] == entity.id] for entity in ordered}
    ordered_works = [work for entity in ordered for work in by_owner[entity.id]]
    return MatchIndex.build(ordered_works, ordered, embedder=embedder)


def _same_answers(a: MatchIndex, b: MatchIndex, texts: list[str]) -> None:
    for text in texts:
        left, right = a.query(text, k=8), b.query(text, k=8)
        assert [h.entity_id for h in left] == [h.entity_id for h in right]
        assert [h.lexical for h in left] == [h.lexical for h in right]
        np.testing.assert_allclose(
            [h.semantic for h in left], [h.semantic for h in right], atol=1e-5
        )


@pytest.fixture
def counting(use_embedder: Embedder) -> CountingEmbedder:
    return CountingEmbedder(use_embedder)


def test_rebuild_then_changes_encode_only_new_texts(
    tmp_path: Path,
    small_corpus: tuple[list[Entity], list[Work]],
    counting: CountingEmbedder,
    demand_texts: list[str],
) -> None:
    entities, works = small_corpus
    entities, works = entities[:30], works[:30]
    upkeep = IndexUpkeep(tmp_path / "index", embedder=counting)
    report = upkeep.rebuild(entities, works)
    assert report.encoded == 30
    assert report.entities == 30

    # one profile rewritten, one unchanged record re-saved, one removed, one added
    changed = replace(works[3], text=works[3].text + " 新增方向：氢燃料电池膜电极。")
    added_entity = Entity(id="new-lab", kind="lab", name="新实验室", metadata={"region": "x"})
    added_work = Work(id="new-work", text="盐碱地改良与节水灌溉", owners=("new-lab",))
    counting.encoded.clear()
    report = upkeep.apply(
        RecordChanges(
            upserts=[
                (entities[3], [changed]),
                (entities[4], [works[4]]),
                (added_entity, [added_work]),
            ],
            removals=[entities[5].id],
        )
    )
    assert (report.added, report.updated, report.removed) == (1, 1, 1)
    assert report.unchanged == 1  # the re-saved record is identical: nothing to redo for it
    assert report.encoded == 2
    assert report.reused == 28
    fold = upkeep.analyzer.fold  # the embedder sees folded text (full-width, traditional)
    assert sorted(counting.encoded) == sorted([fold(changed.text), fold(added_work.text)])

    expected_entities = [e for e in entities if e.id != entities[5].id] + [added_entity]
    expected_works = [changed if w.id == changed.id else w for w in works if w.id != works[5].id]
    fresh = _fresh(expected_entities, [*expected_works, added_work], counting.inner)
    assert upkeep.index is not None
    _same_answers(upkeep.index, fresh, [*demand_texts, "盐碱地节水灌溉"])
    saved, _ = load_index(tmp_path / "index", embedder=counting.inner)
    assert entities[5].id not in {e.id for e in saved.entities}
    assert saved.query("盐碱地节水灌溉", k=1)[0].entity_id == "new-lab"


def test_reopened_upkeep_reuses_saved_vectors(
    tmp_path: Path,
    small_corpus: tuple[list[Entity], list[Work]],
    counting: CountingEmbedder,
) -> None:
    entities, works = small_corpus
    IndexUpkeep(tmp_path / "index", embedder=counting).rebuild(entities[:12], works[:12])
    counting.encoded.clear()
    reopened = IndexUpkeep.open(tmp_path / "index", embedder=counting)
    report = reopened.apply(RecordChanges(upserts=[(entities[0], [works[0]])]))
    assert (report.unchanged, report.updated, report.encoded, report.reused) == (1, 0, 0, 0)
    edited = replace(works[1], text=works[1].text + " 新增：节水灌溉。")
    report = reopened.apply(RecordChanges(upserts=[(entities[1], [edited])]))
    assert (report.updated, report.encoded, report.reused) == (1, 1, 11)
    assert counting.encoded == [reopened.analyzer.fold(edited.text)]


def test_removing_a_co_owner_keeps_the_shared_work(tmp_path: Path) -> None:
    people = [Entity(id=f"p{i}", kind="expert") for i in range(3)]
    paper = Work(id="paper", text="黄土高原水土保持", owners=("p0", "p1"))
    other = Work(id="other", text="沙漠光伏电站运维", owners=("p2",))
    upkeep = IndexUpkeep(tmp_path / "index", embedder=None)
    upkeep.rebuild(people, [paper, other])
    upkeep.apply(RecordChanges(removals=["p1"]))
    assert upkeep.index is not None
    hits = upkeep.index.query("水土保持", k=3)
    assert [h.entity_id for h in hits] == ["p0"]


def test_unknown_owner_is_a_clear_error(tmp_path: Path) -> None:
    upkeep = IndexUpkeep(tmp_path / "index", embedder=None)
    with pytest.raises(ValueError, match="not among the entities"):
        upkeep.rebuild([], [Work(id="w", text="x", owners=("ghost",))])


def test_sync_applies_only_the_differences(tmp_path: Path) -> None:
    """A catch-up pass (another process committed) re-reads everything but rebuilds only when
    something indexed differs: identical records cost nothing, missing ones are removed."""
    people = [Entity(id=f"p{i}", kind="expert", metadata={"region": "3"}) for i in range(3)]
    papers = [Work(id=f"w{i}", text=t, owners=(f"p{i}",)) for i, t in enumerate(TEXTS)]
    upkeep = IndexUpkeep(tmp_path / "index", embedder=None)
    upkeep.rebuild(people, papers)
    before = upkeep.index
    same = upkeep.sync([(person, [paper]) for person, paper in zip(people, papers, strict=True)])
    assert (same.unchanged, same.updated, same.removed) == (3, 0, 0)
    assert upkeep.index is before  # nothing rebuilt
    edited = replace(papers[0], text="盐碱地改良与节水灌溉")
    changed = upkeep.sync([(people[0], [edited]), (people[1], [papers[1]])])
    assert (changed.unchanged, changed.updated, changed.removed) == (1, 1, 1)
    assert upkeep.index is not None
    assert upkeep.index is not before
    assert [h.entity_id for h in upkeep.index.query("节水灌溉", k=3)] == ["p0"]


TEXTS = ("黄土高原水土保持", "沙漠光伏电站运维", "氢燃料电池膜电极")
