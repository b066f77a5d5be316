"""Platform routing from the code lists alone, scored on CSL abstracts mapped to GB/T 13745.

The code-list discipline router (``CodeListRouter(Taxonomy.DISCIPLINE, 1)``) is fitted only on
the GB/T 13745 names shipped in the package; each CSLDCP abstract's label is mapped to its GB/T
13745 level-1 codes through ``CSL_TO_GBT13745`` and a route is right when its code is one of them.
Reports top-1 / top-3 accuracy, mean top-1 confidence and its expected calibration error, with
and without unlabelled domain texts (the training abstracts, labels unused) in the IDF:

    .venv/bin/python benchmarks/routing_codelist.py --data ../shared/data/matching/fewclue_csldcp
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from kechuang.match.routing.classifier import expected_calibration_error
from kechuang.match.routing.csl_labels import level1_codes
from kechuang.match.routing.router import CodeListRouter, Taxonomy


def read(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--evaluate", default="dev_few_all.json")
    parser.add_argument("--unlabelled", default="train_few_all.json")
    args = parser.parse_args()
    evaluated = read(args.data / args.evaluate)
    texts = [r["content"] for r in evaluated]
    unlabelled = [r["content"] for r in read(args.data / args.unlabelled)]
    result: dict[str, object] = {"evaluated": args.evaluate, "n": len(evaluated)}
    for name, extra in (("code_list_only", []), ("code_list+domain_idf", unlabelled)):
        router = CodeListRouter(Taxonomy.DISCIPLINE, 1).fit(unlabelled=extra)
        codes, rows = router.probabilities(texts)
        probabilities = np.array(rows)
        top = np.argsort(-probabilities, axis=1)[:, :3]
        gold_sets = [set(level1_codes(r["label"])) for r in evaluated]
        hit1 = np.array([codes[top[i, 0]] in gold for i, gold in enumerate(gold_sets)])
        hit3 = [any(codes[j] in gold for j in top[i]) for i, gold in enumerate(gold_sets)]
        # ECE of the top route: gold index = the top route when right, else any wrong column.
        gold_index = np.array(
            [top[i, 0] if hit1[i] else (top[i, 0] + 1) % len(codes) for i in range(len(texts))],
            dtype=np.int64,
        )
        result[name] = {
            "top1": float(hit1.mean()),
            "top3": float(np.mean(hit3)),
            "mean_confidence": float(probabilities.max(axis=1).mean()),
            "ece": expected_calibration_error(probabilities, gold_index),
            "temperature": router.temperature,
        }
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
