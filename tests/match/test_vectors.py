import gc

import numpy as np

from kechuang.match.vectors import VectorIndex, allowed_selector


def _unit(rows: int, dim: int = 24, seed: int = 0) -> np.ndarray:
    vectors = np.random.default_rng(seed).normal(size=(rows, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_exact_search_returns_the_true_nearest_neighbours() -> None:
    vectors = _unit(300)
    index = VectorIndex(exact_max=1000).fit(vectors)
    rows, scores = index.top_k(vectors[7], 5)
    expected = np.argsort(-(vectors @ vectors[7]))[:5]
    assert rows.tolist() == expected.tolist()
    assert scores[0] == np.float32(1.0) or abs(scores[0] - 1) < 1e-5


def test_hnsw_above_threshold_agrees_with_exact_and_respects_filters() -> None:
    vectors = _unit(600, seed=1)
    exact = VectorIndex(exact_max=10_000).fit(vectors)
    hnsw = VectorIndex(exact_max=100).fit(vectors)
    assert hnsw.uses_hnsw
    assert not exact.uses_hnsw
    query = vectors[42]
    assert hnsw.top_k(query, 5)[0][0] == 42
    allowed = np.zeros(600, dtype=bool)
    allowed[300:] = True
    rows, _ = hnsw.top_k(query, 10, allowed)
    assert rows.size == 10
    assert (rows >= 300).all()
    exact_rows, _ = exact.top_k(query, 10, allowed)
    assert len(set(rows.tolist()) & set(exact_rows.tolist())) >= 8


def test_save_load_round_trip_with_hnsw(tmp_path) -> None:
    vectors = _unit(200, seed=2)
    index = VectorIndex(exact_max=50).fit(vectors)
    index.save(tmp_path)
    loaded = VectorIndex.load(tmp_path)
    assert loaded.uses_hnsw
    assert loaded.top_k(vectors[3], 3)[0].tolist() == index.top_k(vectors[3], 3)[0].tolist()


def test_hnsw_filter_with_a_scattered_mask_matches_exact_search() -> None:
    # 603 rows (not a multiple of 8) and every 7th allowed: a wrong bit order or a short bitmap
    # in the faiss selector would let disallowed rows through or drop allowed ones.
    vectors = _unit(603, seed=3)
    hnsw = VectorIndex(exact_max=100).fit(vectors)
    exact = VectorIndex(exact_max=10_000).fit(vectors)
    allowed = np.zeros(603, dtype=bool)
    allowed[::7] = True
    allowed[602] = True
    for query_row in (602, 14, 5):
        rows, _ = hnsw.top_k(vectors[query_row], 10, allowed)
        assert allowed[rows].all()
        exact_rows, _ = exact.top_k(vectors[query_row], 10, allowed)
        assert len(set(rows.tolist()) & set(exact_rows.tolist())) >= 8
        if allowed[query_row]:
            assert rows[0] == query_row
    nothing = np.zeros(603, dtype=bool)
    assert hnsw.top_k(vectors[0], 5, nothing)[0].size == 0


def test_memory_mapped_load_warms_the_page_cache_in_the_background(tmp_path) -> None:
    vectors = _unit(300, seed=4)
    index = VectorIndex(exact_max=50).fit(vectors)
    index.save(tmp_path)
    loaded = VectorIndex.load(tmp_path)
    assert loaded.warming is not None
    loaded.warming.join(timeout=30)
    assert not loaded.warming.is_alive()
    assert loaded.top_k(vectors[9], 3)[0][0] == 9
    assert VectorIndex.load(tmp_path, mmap=False).warming is None


def test_the_filter_selector_keeps_its_bits_alive_on_its_own() -> None:
    # faiss holds a raw pointer into the packed bits: they must live as long as the selector,
    # with no caller keeping a reference (a freed bitmap would answer from garbage memory).
    mask = np.zeros(1003, dtype=bool)
    mask[[0, 7, 8, 500, 1002]] = True
    expected = mask.copy()
    selector = allowed_selector(mask)
    del mask
    gc.collect()
    _ = [np.ones(4096, dtype=np.uint8) for _ in range(64)]  # reuse any freed memory
    assert [bool(selector.is_member(i)) for i in range(1003)] == expected.tolist()
