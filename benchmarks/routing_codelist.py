"""Platform routing from the code lists alone, scored on CSL abstracts mapped to GB/T 13745.

The code-list discipline router (``CodeListRouter(Taxonomy.DISCIPLINE, 1)``) is fitted only on
the GB/T 13745 names shipped in the package; each CSLDCP abstract's label is mapped to its GB/T
13745 level-1 codes through ``CSL_TO_GBT13745`` and a route is right when its code is one of them.
Reports top-1 / top-3 accuracy, mean top-1 confidence and its expected calibration error (ECE,
10 bins) for each variant, all in one run:

- ``characters``: character TF-IDF prototypes (the router without an embedder);
- ``+domain_idf``: unlabelled domain texts (the ``--unlabelled`` abstracts, labels unused) in the
  IDF statistics;
- ``meaning``: e5 prototypes only; ``characters+meaning@W``: both views pooled log-linearly with
  weight W on the meaning view (``--embedder e5``; vectors cached in ``--cache``);
- every variant twice for the confidence: temperatures from held-out code-list names (what
  ``fit`` does) and after ``calibrate`` on the labelled ``--calibrate-on`` file (a stand-in for
  demands whose codes operators confirmed). The evaluated file is never used for either.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/routing_codelist.py \\
        --data ../shared/data/matching/fewclue_csldcp --embedder e5
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from kechuang.match.routing.classifier import calibration_error
from kechuang.match.routing.csl_labels import level1_codes
from kechuang.match.routing.embeddings import E5Embedder
from kechuang.match.routing.router import CodeListRouter, Taxonomy


def read(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def score(router: CodeListRouter, texts: list[str], gold_sets: list[set[str]]) -> dict[str, float]:
    codes, rows = router.probabilities(texts)
    probabilities = np.array(rows)
    top = np.argsort(-probabilities, axis=1)[:, :3]
    hit1 = np.array([codes[top[i, 0]] in gold for i, gold in enumerate(gold_sets)])
    hit3 = [any(codes[j] in gold for j in top[i]) for i, gold in enumerate(gold_sets)]
    confidence = probabilities.max(axis=1)
    return {
        "top1": float(hit1.mean()),
        "top3": float(np.mean(hit3)),
        "mean_confidence": float(confidence.mean()),
        "ece": calibration_error(confidence, hit1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--evaluate", default="dev_few_all.json")
    parser.add_argument("--unlabelled", default="train_few_all.json")
    parser.add_argument("--calibrate-on", default="train_few_all.json")
    parser.add_argument("--embedder", choices=("none", "e5"), default="none")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache/kechuang/routing")
    parser.add_argument("--weights", default="0.3,0.5,0.7")
    args = parser.parse_args()
    evaluated = read(args.data / args.evaluate)
    texts = [r["content"] for r in evaluated]
    gold_sets = [set(level1_codes(r["label"])) for r in evaluated]
    unlabelled = [r["content"] for r in read(args.data / args.unlabelled)]
    calibration = read(args.data / args.calibrate_on)
    if {r["content"] for r in calibration} & set(texts):
        raise SystemExit("the calibration file shares texts with the evaluated file")
    calibration_texts = [r["content"] for r in calibration]
    calibration_codes = [level1_codes(r["label"]) for r in calibration]
    embedder = E5Embedder(cache_dir=args.cache) if args.embedder == "e5" else None

    variants: list[tuple[str, E5Embedder | None, float, list[str]]] = [
        ("characters", None, 0.0, []),
        ("characters+domain_idf", None, 0.0, unlabelled),
    ]
    if embedder is not None:
        variants.append(("meaning", embedder, 1.0, []))
        for weight in (float(w) for w in args.weights.split(",")):
            variants.append((f"characters+meaning@{weight:g}", embedder, weight, []))
            variants.append(
                (f"characters+domain_idf+meaning@{weight:g}", embedder, weight, unlabelled)
            )
    result: dict[str, object] = {"evaluated": args.evaluate, "n": len(evaluated)}
    for name, view, weight, extra in variants:
        started = time.perf_counter()
        router = CodeListRouter(Taxonomy.DISCIPLINE, 1, embedder=view, meaning_weight=weight)
        router.fit(unlabelled=extra)
        fitted = score(router, texts, gold_sets)
        router.calibrate(calibration_texts, calibration_codes)
        calibrated = score(router, texts, gold_sets)
        result[name] = {
            **fitted,
            "ece_after_calibrate": calibrated["ece"],
            "mean_confidence_after_calibrate": calibrated["mean_confidence"],
            "seconds": round(time.perf_counter() - started, 1),
        }
        print(json.dumps({name: result[name]}), flush=True)
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
