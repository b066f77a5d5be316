import json
import math

import numpy as np
import pytest

from kechuang.match.lexical import LexicalIndex

CORPUS = [
    ["battery", "management", "system", "battery"],
    ["potato", "starch", "wastewater"],
    ["battery", "recycling"],
    ["solar", "panel", "cleaning", "robot"],
    ["starch", "processing", "battery"],
]


def lucene_bm25(query: list[str], corpus: list[list[str]], k1: float = 1.2, b: float = 0.75):
    """Reference: Lucene's BM25 written out from the formula (Robertson & Zaragoza 2009), in
    Lucene >= 8's form, which drops the constant (k1 + 1) factor from the numerator."""
    n = len(corpus)
    average = sum(len(d) for d in corpus) / n
    scores = []
    for document in corpus:
        score = 0.0
        for term in set(query):
            df = sum(term in d for d in corpus)
            if df == 0:
                continue
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            tf = document.count(term)
            score += idf * tf / (tf + k1 * (1 - b + b * len(document) / average))
        scores.append(score)
    return np.asarray(scores)


@pytest.mark.parametrize("query", [["battery"], ["starch", "battery"], ["robot", "unknown"]])
def test_scores_equal_the_reference_formula(query: list[str]) -> None:
    index = LexicalIndex().fit(CORPUS)
    np.testing.assert_allclose(index.scores(query), lucene_bm25(query, CORPUS), rtol=1e-5)


def test_filter_applies_inside_retrieval_not_after_a_cut() -> None:
    index = LexicalIndex().fit(CORPUS)
    # Unfiltered top-1 for "battery" is doc 0; doc 4 would be cut by an unfiltered top-1.
    assert index.top_k(["battery"], 1)[0].tolist() == [0]
    allowed = np.array([False, False, False, False, True])
    rows, scores = index.top_k(["battery"], 1, allowed)
    assert rows.tolist() == [4]
    assert scores[0] == pytest.approx(index.scores(["battery"])[4])
    assert index.scores(["battery"], allowed)[:4].tolist() == [0, 0, 0, 0]


def test_save_and_memory_mapped_load_score_identically(tmp_path) -> None:
    index = LexicalIndex().fit(CORPUS)
    index.save(tmp_path)
    loaded = LexicalIndex.load(tmp_path, mmap=True)
    np.testing.assert_array_equal(loaded.scores(["starch"]), index.scores(["starch"]))
    assert loaded.vocabulary == index.vocabulary


def test_folders_saved_with_the_earlier_vocabulary_object_still_load(tmp_path) -> None:
    # Index folders written before the token list form kept {token: id}; they must keep loading
    # (and scoring the same) so that an upgrade never forces a rebuild on its own.
    index = LexicalIndex().fit(CORPUS)
    index.save(tmp_path)
    path = tmp_path / "vocabulary.json"
    state = json.loads(path.read_text(encoding="utf-8"))
    assert state.pop("tokens") == sorted(index.vocabulary, key=index.vocabulary.__getitem__)
    state["vocabulary"] = index.vocabulary
    path.write_text(json.dumps(state), encoding="utf-8")
    loaded = LexicalIndex.load(tmp_path)
    assert loaded.vocabulary == index.vocabulary
    np.testing.assert_array_equal(loaded.scores(["battery"]), index.scores(["battery"]))


def test_unknown_terms_score_nothing() -> None:
    index = LexicalIndex().fit(CORPUS)
    assert index.top_k(["nothing"], 3)[0].size == 0
