"""The saved index folder: same answers after a round trip, clear refusals on a wrong folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kechuang.match.embedding import Embedder
from kechuang.match.engine import Entity, MatchIndex, Work
from kechuang.match.scale.persistence import (
    MANIFEST_FILE,
    IndexFormatError,
    load_index,
    read_manifest,
    save_index,
)


def test_round_trip_answers_the_same(
    saved_index: Path,
    small_corpus: tuple[list[Entity], list[Work]],
    use_embedder: Embedder,
    demand_texts: list[str],
) -> None:
    entities, works = small_corpus
    built = MatchIndex.build(works, entities, embedder=use_embedder)
    loaded, manifest = load_index(saved_index, embedder=use_embedder)
    assert manifest.works == len(works)
    assert manifest.entities == len(entities)
    assert manifest.embedder == use_embedder.name
    assert [w.text for w in loaded.works] == [w.text for w in works]
    first = built.entities[0]
    assert loaded.entities[0].id == first.id
    assert loaded.entities[0].kind == first.kind
    assert loaded.entities[0].metadata == {
        key: (value,) if isinstance(value, str) else tuple(value)
        for key, value in first.metadata.items()
    }
    assert loaded.works[0].owners == built.works[0].owners
    for text in demand_texts:
        assert [h.entity_id for h in loaded.query(text, k=5)] == [
            h.entity_id for h in built.query(text, k=5)
        ]
        assert loaded.query(text, k=5, filters={"kind": "expert"}) == built.query(
            text, k=5, filters={"kind": "expert"}
        )


def test_the_big_arrays_are_memory_mapped(saved_index: Path, use_embedder: Embedder) -> None:
    import numpy as np  # noqa: PLC0415

    loaded, _ = load_index(saved_index, embedder=use_embedder)
    assert loaded.vectors is not None
    assert isinstance(loaded.vectors.vectors, np.memmap)
    # records too: texts stay on disk until a hit needs them (plain ndarray views of a mapping)
    assert _mapped(loaded.works.texts._blob)  # type: ignore[attr-defined]
    assert _mapped(loaded._pair_entity)
    assert not isinstance(loaded._pair_entity, np.memmap)  # no memmap per-item overhead


def _mapped(array: object) -> bool:
    """True when ``array``'s memory comes from a file mapping (memmap or mmap somewhere below)."""
    import mmap  # noqa: PLC0415

    import numpy as np  # noqa: PLC0415

    while array is not None:
        if isinstance(array, np.memmap | mmap.mmap):
            return True
        array = getattr(array, "base", None)
    return False


def test_an_index_saved_by_the_first_layout_says_rebuild(saved_index: Path, tmp_path: Path) -> None:
    """Layout 1 stored records as records.json with ``expert:7:work:3`` ids: never read it."""
    import shutil  # noqa: PLC0415

    copy = tmp_path / "old"
    shutil.copytree(saved_index, copy)
    manifest = json.loads((copy / MANIFEST_FILE).read_text("utf-8"))
    manifest.update(layout=1, engine_format=1)
    (copy / MANIFEST_FILE).write_text(json.dumps(manifest), "utf-8")
    with pytest.raises(IndexFormatError, match="kechuang match rebuild"):
        load_index(copy)
    (copy / "index.json").unlink()  # and without a manifest check: the engine refuses too
    with pytest.raises(ValueError, match="kechuang match rebuild"):
        MatchIndex.load(copy)


def test_a_folder_without_manifest_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IndexFormatError, match="kechuang match rebuild"):
        read_manifest(tmp_path)


def test_another_layout_version_is_refused_before_loading(
    saved_index: Path, tmp_path: Path
) -> None:
    import shutil  # noqa: PLC0415

    copy = tmp_path / "copy"
    shutil.copytree(saved_index, copy)
    manifest = json.loads((copy / MANIFEST_FILE).read_text("utf-8"))
    manifest["layout"] = 999
    (copy / MANIFEST_FILE).write_text(json.dumps(manifest), "utf-8")
    with pytest.raises(IndexFormatError, match="layout=999") as error:
        load_index(copy)
    assert "rebuild" in str(error.value)


def test_the_wrong_embedder_is_refused(saved_index: Path) -> None:
    class Other:
        name = "another-model"
        dim = 3

    with pytest.raises(IndexFormatError, match="another-model"):
        load_index(saved_index, embedder=Other())  # type: ignore[arg-type]


def test_saving_replaces_the_folder_whole(
    tmp_path: Path, small_corpus: tuple[list[Entity], list[Work]]
) -> None:
    entities, works = small_corpus
    folder = tmp_path / "index"
    save_index(MatchIndex.build(works, entities), folder)
    save_index(MatchIndex.build(works[:10], entities[:10]), folder)
    assert read_manifest(folder).works == 10
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index"]  # no staging leftovers
    loaded, _ = load_index(folder)
    assert len(loaded.works) == 10
    assert loaded.vectors is None  # lexical-only stays lexical-only
