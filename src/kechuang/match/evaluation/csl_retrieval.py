"""Chinese retrieval on CSL (Li et al., COLING 2022): find a paper's abstract from its title or
from its keywords, among every abstract of the file.

Each abstract is an entity of its own (an achievement-like record), so this measures the same
lexical, semantic and hybrid paths that match a demand to achievements. MRR@10 and recall@10 for
each path; the predictions file holds the hybrid rankings. ``calibrated`` (cosine / σ + z(BM25),
the gold standard's fusion, σ read from the indexed vectors) is reported under ``variants`` so
the documented shape (lexical / semantic / hybrid per query field) stays as it is.
"""

from __future__ import annotations

import json
from pathlib import Path

from kechuang.match.embedding import cached_embedder
from kechuang.match.engine import MatchIndex, Work
from kechuang.match.evaluation.metrics import mean, recall_at, reciprocal_rank
from kechuang.match.fusion import CalibratedFusion, Fusion, FusionName, cosine_spread
from kechuang.match.settings import get_settings
from kechuang.match.text import Analyzer

DEFAULT_SPLIT = "csl_dev_joined.jsonl"
CUTOFF = 10
PATHS: dict[str, FusionName | Fusion] = {
    "lexical": FusionName.LEXICAL,
    "semantic": FusionName.SEMANTIC,
    "hybrid": FusionName.RRF,
}


def load_records(path: Path) -> list[dict[str, object]]:
    """CSL records (``title``, ``abstract``, ``keywords``), one JSON object a line."""
    if not path.exists():
        raise FileNotFoundError(
            f"缺少 {path} / Missing {path}: --split must name a CSL jsonl file in --data."
        )
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if not line.strip():
            continue
        record = json.loads(line)
        for key in ("title", "abstract", "keywords"):
            if key not in record:
                raise ValueError(
                    f"{path} 第 {number + 1} 行缺少 {key} / line {number + 1}: no {key}"
                )
        record.setdefault("id", str(number))
        record["id"] = str(record["id"])
        records.append(record)
    return records


def _keywords(value: object) -> str:
    """Keywords as one query (a list joined by spaces, or a string as given)."""
    if isinstance(value, list):
        return " ".join(str(keyword) for keyword in value)
    return str(value)


def run_suite(
    *, data: Path, split: Path | None = None, predictions_out: Path | None = None
) -> dict[str, object]:
    """MRR@10 / recall@10 of title->abstract and keywords->abstract, per retrieval path."""
    records = load_records(split if split is not None else data / DEFAULT_SPLIT)
    settings = get_settings()
    analyzer = Analyzer()
    embedder = cached_embedder(settings.embedder, settings)
    works = [Work(id=str(r["id"]), text=str(r["abstract"]), title=str(r["title"])) for r in records]
    index = MatchIndex.build(works, analyzer=analyzer, embedder=embedder, settings=settings)
    paths = dict(PATHS)
    if index.vectors is not None:
        paths["calibrated"] = CalibratedFusion(cosine_spread(index.vectors.vectors))
    queries = {
        "title": [str(r["title"]) for r in records],
        "keywords": [_keywords(r["keywords"]) for r in records],
    }
    result: dict[str, object] = {}
    variants: dict[str, dict[str, dict[str, float]]] = {}
    predictions: dict[str, dict[str, list[str]]] = {}
    for field, texts in queries.items():
        vectors = index.embed_queries(texts)
        per_path: dict[str, dict[str, float]] = {}
        rankings: dict[str, list[list[str]]] = {name: [] for name in paths}
        for i, text in enumerate(texts):
            for name, fusion in paths.items():
                scores = index.score_works(
                    text,
                    candidates=100,
                    fusion=fusion,
                    query_vector=None if vectors is None else vectors[i],
                )
                order = scores.fused.argsort(kind="stable")[::-1][:CUTOFF]
                rankings[name].append([index.works[int(scores.works[j])].id for j in order])
        for name in paths:
            relevant = [str(r["id"]) for r in records]
            per_path[name] = {
                "mrr@10": round(
                    mean(
                        [
                            reciprocal_rank(rk, rel)
                            for rk, rel in zip(rankings[name], relevant, strict=True)
                        ]
                    ),
                    4,
                ),
                "recall@10": round(
                    mean(
                        [
                            recall_at(rk, rel)
                            for rk, rel in zip(rankings[name], relevant, strict=True)
                        ]
                    ),
                    4,
                ),
            }
        result[field] = {name: per_path[name] for name in PATHS}
        variants[field] = {name: per_path[name] for name in paths if name not in PATHS}
        predictions[field] = {
            str(r["id"]): ranking for r, ranking in zip(records, rankings["hybrid"], strict=True)
        }
    result["n"] = len(records)
    result["method"] = {"embedder": embedder.name, "hybrid": "rrf(k=60)", "candidates": 100}
    if any(variants.values()):
        result["variants"] = variants
    if predictions_out is not None:
        predictions_out.parent.mkdir(parents=True, exist_ok=True)
        predictions_out.write_text(json.dumps(predictions, ensure_ascii=False), encoding="utf-8")
    return result
