"""Batch matching on a dask LocalCluster returns exactly what one process returns."""

from __future__ import annotations

from pathlib import Path

import pytest

from kechuang.match.embedding import Embedder
from kechuang.match.scale.batch import (
    BatchOptions,
    BatchQuery,
    BatchSettings,
    dask_client,
    hits_as_json,
    match_batch,
    match_queries,
)
from kechuang.match.scale.persistence import load_index
from kechuang.match.settings import EmbedderName


def _queries(texts: list[str]) -> list[BatchQuery]:
    queries = []
    for number, text in enumerate(texts):
        if number % 3 == 1:
            queries.append(BatchQuery(id=f"d{number}", text=text, kind=("expert", "lab")))
        elif number % 3 == 2:
            queries.append(
                BatchQuery(
                    id=f"d{number}",
                    text=text,
                    filters={"status": ("active",)},
                    exclude=("r0", "r1", "r2"),
                )
            )
        else:
            queries.append(BatchQuery(id=f"d{number}", text=text))
    return queries


@pytest.mark.slow
def test_local_cluster_equals_single_process(
    saved_index: Path, use_embedder: Embedder, demand_texts: list[str]
) -> None:
    queries = _queries(demand_texts)
    options = BatchOptions(k=7)
    in_process = match_batch(saved_index, queries, embedder_name="use", options=options)
    direct, _ = load_index(saved_index, embedder=use_embedder)
    assert in_process == match_queries(direct, queries, options)
    assert any(hits for hits in in_process)

    settings = BatchSettings(local_workers=2)
    with dask_client(settings, processes=True) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        distributed = match_batch(
            saved_index,
            queries,
            embedder_name=EmbedderName.USE.value,
            options=options,
            client=client,
            chunk=3,
        )
    assert distributed == in_process  # exact: same ids, scores, evidence, order
    as_json = hits_as_json(queries, distributed)
    assert list(as_json) == [query.id for query in queries]
    assert all("r0" not in {h["entity_id"] for h in as_json[f"d{n}"]} for n in (2, 5, 8))


def test_lexical_only_index_in_process(saved_index: Path, tmp_path: Path) -> None:
    from kechuang.match.scale.persistence import save_index  # noqa: PLC0415

    index, _ = load_index(saved_index)
    index.vectors = None
    index.embedder = None
    folder = tmp_path / "lexical"
    save_index(index, folder)
    queries = [BatchQuery(id="q", text="looking for experts in polymer membrane filtration")]
    hits = match_batch(folder, queries, embedder_name=None)[0]
    assert hits
    assert all(h.semantic == 0.0 for h in hits)
