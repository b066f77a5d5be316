"""The reviewer-assignment gold standard (Stelmakh et al., arXiv:2303.16750): expert matching.

For each expert and each paper they rated, the engine scores the paper against the expert's
archive (their 20 most recent papers) exactly as it scores a demand against a profile: works
scored lexically and semantically, fused, aggregated into the expert. The loss is the paper's main
metric (pairs weighted by |Δexpertise|, ties half), mean over d_20_1..d_20_10, with a 95%
bootstrap interval over experts; the published baselines are recomputed on the same experts from
``baseline_predictions_rated_pairs.json`` in the same run.

``DEFAULT_FUSION_NAME`` / ``DEFAULT_AGGREGATION`` were chosen on the open experts only (see
``benchmarks/RESULTS.md``); ``variants`` in the result shows every alternative measured, including
a linear fusion fitted by cross-validation over experts (weights fitted on the training folds).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from kechuang.match.aggregation import AGGREGATIONS, AggregationName
from kechuang.match.embedding import Embedder, cached_embedder
from kechuang.match.engine import Entity, MatchIndex, Work
from kechuang.match.evaluation.metrics import (
    ExpertLoss,
    bootstrap_loss_interval,
    expert_loss,
    pair_accuracy,
    pooled_loss,
)
from kechuang.match.fusion import (
    FUSIONS,
    CalibratedFusion,
    Fusion,
    FusionName,
    LinearFusion,
    ZScoreFusion,
    cosine_spread,
    fit_linear_fusion,
)
from kechuang.match.settings import MatchSettings, get_settings
from kechuang.match.text import Analyzer

FloatArray = npt.NDArray[np.float32]
DATASETS = tuple(f"d_20_{k}" for k in range(1, 11))
BASELINES = ("tpms", "elmo", "specter", "specter_mfr", "acl")

# Chosen on the 38 open experts (benchmarks/RESULTS.md); fixed before any held-out evaluation.
# Equal-weight CombSUM of the cosine on the corpus's own scale and the per-query z-score of BM25
# (CalibratedFusion) has no fitted weight: the scale is read from the archive vectors alone. The
# mean over all the expert's works won among the aggregations (RESULTS.md lists every variant).
# The embedder reads what the engine reads (KECHUANG_MATCH_EMBED_MAX_CHARS, default 2000
# characters: the whole title + abstract for 98 % of these papers).
DEFAULT_FUSION_NAME = "calibrated(lexical=1.0)"
DEFAULT_AGGREGATION = AggregationName.MEAN


def default_fusion(components: Components) -> Fusion:
    """The headline fusion for one dataset: cosine / σ(archive cosines) + z(BM25)."""
    return CalibratedFusion(semantic_scale=components.semantic_scale, lexical_weight=1.0)


Predictions = dict[str, dict[str, float]]


def paper_text(content: Mapping[str, object]) -> str:
    """Title and abstract, the representation every published baseline here used."""
    title = str(content.get("title") or "").strip()
    abstract = str(content.get("abstract") or "").strip()
    return f"{title}. {abstract}".strip()


@dataclass
class Dataset:
    """One of d_20_1..10: the rated papers and every expert's archive."""

    name: str
    submissions: dict[str, str]
    archives: dict[str, list[tuple[str, str, str]]]
    """expert -> [(paper id, title, text)]."""


@dataclass
class GoldStandard:
    """Ratings and datasets of a folder in the ``goldstandard_rap/`` layout."""

    truth: dict[str, dict[str, float]]
    datasets: list[Dataset]
    experts: list[str] = field(default_factory=list)


def _read_truth(path: Path) -> dict[str, dict[str, float]]:
    if not path.exists():
        raise FileNotFoundError(
            f"缺少 {path} / Missing {path}: --data must be a folder in the goldstandard_rap layout."
        )
    truth: dict[str, dict[str, float]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            rated = {}
            for i in range(1, 11):
                paper = (row.get(f"Paper{i}") or "").strip()
                score = (row.get(f"Expertise{i}") or "").strip()
                if paper and score:
                    rated[paper] = float(score)
            truth[row["ParticipantID"].strip()] = rated
    return truth


def load(data: Path) -> GoldStandard:
    """Read ratings, submissions and archives; keep experts with an archive in every dataset."""
    truth = _read_truth(data / "evaluations.csv")
    datasets = []
    for name in DATASETS:
        folder = data / "evaluation_datasets" / name
        submissions_path = folder / "submissions.json"
        if not submissions_path.exists():
            raise FileNotFoundError(f"缺少 {submissions_path} / Missing {submissions_path}.")
        raw = json.loads(submissions_path.read_text(encoding="utf-8"))
        submissions = {pid: paper_text(item["content"]) for pid, item in raw.items()}
        archives: dict[str, list[tuple[str, str, str]]] = {}
        for expert in truth:
            path = folder / "archives" / f"~{expert}.jsonl"
            if not path.exists():
                continue
            papers = []
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    record = json.loads(line)
                    content = record["content"]
                    title = str(content.get("title") or "")
                    papers.append((str(record["id"]), title, paper_text(content)))
            archives[expert] = papers
        datasets.append(Dataset(name=name, submissions=submissions, archives=archives))
    experts = [
        expert
        for expert, rated in truth.items()
        if len(rated) >= 2
        and all(expert in d.archives and d.archives[expert] for d in datasets)
        and all(paper in d.submissions for d in datasets for paper in rated)
    ]
    if not experts:
        raise ValueError(f"{data} 中没有可评分的专家 / No scorable expert in {data}.")
    return GoldStandard(truth=truth, datasets=datasets, experts=experts)


@dataclass
class Components:
    """Lexical and semantic scores of every archive work for every rated paper of a dataset."""

    index: MatchIndex
    lexical: dict[str, FloatArray]
    semantic: dict[str, FloatArray]
    semantic_scale: float = 1.0
    """Spread of the cosines between the archive works (:func:`cosine_spread`); 1 if lexical."""


def score_components(
    gold: GoldStandard,
    dataset: Dataset,
    analyzer: Analyzer,
    embedder: Embedder | None,
    settings: MatchSettings | None = None,
) -> Components:
    """Index the dataset's archives and score each rated paper against every work."""
    owners: dict[str, list[str]] = {}
    works_by_id: dict[str, tuple[str, str]] = {}
    for expert in gold.experts:
        for paper_id, title, text in dataset.archives[expert]:
            owners.setdefault(paper_id, []).append(expert)
            works_by_id[paper_id] = (title, text)
    works = [
        Work(id=pid, title=title, text=text, owners=tuple(owners[pid]))
        for pid, (title, text) in works_by_id.items()
    ]
    entities = [Entity(id=expert, kind="expert") for expert in gold.experts]
    index = MatchIndex.build(
        works, entities, analyzer=analyzer, embedder=embedder, symmetric=True, settings=settings
    )
    papers = sorted({paper for expert in gold.experts for paper in gold.truth[expert]})
    texts = [dataset.submissions[paper] for paper in papers]
    vectors = index.embed_queries(texts)
    lexical: dict[str, FloatArray] = {}
    semantic: dict[str, FloatArray] = {}
    for i, (paper, text) in enumerate(zip(papers, texts, strict=True)):
        scores = index.score_works(
            text,
            candidates=None,
            fusion=FusionName.LEXICAL,
            query_vector=None if vectors is None else vectors[i],
        )
        lexical[paper] = scores.lexical
        semantic[paper] = scores.semantic
    scale = 1.0 if index.vectors is None else cosine_spread(index.vectors.vectors)
    return Components(index=index, lexical=lexical, semantic=semantic, semantic_scale=scale)


def predict(
    gold: GoldStandard,
    components: Components,
    fusion: Fusion,
    aggregation: AggregationName,
    experts: Sequence[str] | None = None,
) -> Predictions:
    """expert -> paper -> score for one fusion and aggregation."""
    aggregate = AGGREGATIONS[aggregation]
    predictions: Predictions = {}
    fused_by_paper: dict[str, FloatArray] = {}
    for expert in experts if experts is not None else gold.experts:
        rows = components.index.works_of(expert)
        predictions[expert] = {}
        for paper in gold.truth[expert]:
            fused = fused_by_paper.get(paper)
            if fused is None:
                fused = fusion(components.lexical[paper], components.semantic[paper])
                fused_by_paper[paper] = fused
            predictions[expert][paper] = aggregate(fused[rows])
    return predictions


@dataclass
class Evaluation:
    """Loss and accuracies of one method over the ten datasets."""

    per_dataset: list[list[ExpertLoss]]
    easy: list[float]
    hard: list[float]

    @property
    def loss(self) -> float:
        """Mean over datasets of the pooled loss."""
        return float(np.mean([pooled_loss(row) for row in self.per_dataset]))

    def summary(self, with_interval: bool = False) -> dict[str, object]:
        """Metrics as fractions, rounded for reading."""
        result: dict[str, object] = {
            "loss": round(self.loss, 4),
            "easy_acc": _mean_or_none(self.easy),
            "hard_acc": _mean_or_none(self.hard),
        }
        if with_interval:
            low, high = bootstrap_loss_interval(self.per_dataset)
            result["loss_ci"] = [round(low, 4), round(high, 4)]
        return result


def _mean_or_none(values: Sequence[float]) -> float | None:
    """Mean over datasets, ``None`` (JSON null) when no pair of that kind exists."""
    finite = [value for value in values if not np.isnan(value)]
    return round(float(np.mean(finite)), 4) if finite else None


def evaluate(
    gold: GoldStandard, predictions: Sequence[Predictions], experts: Sequence[str] | None = None
) -> Evaluation:
    """Score per-dataset predictions against the ratings."""
    experts = list(experts if experts is not None else gold.experts)
    per_dataset = [
        [expert_loss(gold.truth[e], dataset_predictions[e]) for e in experts]
        for dataset_predictions in predictions
    ]
    easy = [pair_accuracy(gold.truth, p, experts, "easy") for p in predictions]
    hard = [pair_accuracy(gold.truth, p, experts, "hard") for p in predictions]
    return Evaluation(per_dataset=per_dataset, easy=easy, hard=hard)


def baseline_predictions(data: Path, gold: GoldStandard) -> dict[str, list[Predictions]]:
    """Published runs ``{name}_d_20_{k}_ta`` for the experts scored here (all ten required)."""
    path = data / "baseline_predictions_rated_pairs.json"
    if not path.exists():
        return {}
    runs: dict[str, dict[str, dict[str, float]]] = json.loads(path.read_text(encoding="utf-8"))
    result: dict[str, list[Predictions]] = {}
    for name in BASELINES:
        keys = [f"{name}_{dataset}_ta" for dataset in DATASETS]
        if not all(key in runs for key in keys):
            continue
        if not all(
            paper in runs[key].get(expert, {})
            for key in keys
            for expert in gold.experts
            for paper in gold.truth[expert]
        ):
            continue
        result[name] = [
            {e: {p: float(runs[key][e][p]) for p in gold.truth[e]} for e in gold.experts}
            for key in keys
        ]
    return result


def _cross_validated_linear(
    gold: GoldStandard,
    components: Sequence[Components],
    aggregation: AggregationName,
    folds: int = 5,
) -> tuple[list[Predictions], list[float]]:
    """Linear fusion whose weight is fitted on the other folds' experts only."""
    experts = gold.experts
    order = np.random.default_rng(0).permutation(len(experts))
    assignments = {experts[i]: fold % folds for fold, i in enumerate(order)}
    predictions: list[Predictions] = [{} for _ in components]
    weights = []
    for fold in range(folds):
        train = [e for e in experts if assignments[e] != fold]
        test = [e for e in experts if assignments[e] == fold]

        def objective(fusion: LinearFusion, train: list[str] = train) -> float:
            runs = [predict(gold, c, fusion, aggregation, train) for c in components]
            return evaluate(gold, runs, train).loss

        fitted, _ = fit_linear_fusion(objective)
        weights.append(fitted.lexical_weight)
        for i, component in enumerate(components):
            predictions[i].update(predict(gold, component, fitted, aggregation, test))
    return predictions, weights


def run_suite(
    *, data: Path, split: Path | None = None, predictions_out: Path | None = None
) -> dict[str, object]:
    """Gold-standard loss of the engine and of the published baselines on the same experts."""
    del split  # the ten datasets are fixed by the layout
    gold = load(data)
    settings = get_settings()
    analyzer = Analyzer()
    embedder = cached_embedder(settings.embedder, settings)
    components = [score_components(gold, d, analyzer, embedder, settings) for d in gold.datasets]

    def run(fusion: Fusion, aggregation: AggregationName) -> list[Predictions]:
        return [predict(gold, c, fusion, aggregation) for c in components]

    def run_calibrated(lexical_weight: float, aggregation: AggregationName) -> list[Predictions]:
        return [
            predict(gold, c, CalibratedFusion(c.semantic_scale, lexical_weight), aggregation)
            for c in components
        ]

    headline_predictions = [
        predict(gold, c, default_fusion(c), DEFAULT_AGGREGATION) for c in components
    ]
    headline = evaluate(gold, headline_predictions)
    result: dict[str, object] = headline.summary(with_interval=True)
    result["experts"] = len(gold.experts)
    result["method"] = {
        "embedder": embedder.name,
        "fusion": DEFAULT_FUSION_NAME,
        "aggregation": DEFAULT_AGGREGATION.value,
        "text": f"title + abstract (embedder reads the first {settings.embed_max_chars} chars)",
        "semantic_scale": [round(c.semantic_scale, 5) for c in components],
    }
    result["baselines"] = {
        name: evaluate(gold, runs).summary()
        for name, runs in baseline_predictions(data, gold).items()
    }
    variants: dict[str, object] = {}
    plain: list[tuple[str, Callable[[FloatArray, FloatArray], FloatArray]]] = [
        ("lexical", FUSIONS[FusionName.LEXICAL]),
        ("semantic", FUSIONS[FusionName.SEMANTIC]),
        ("rrf", FUSIONS[FusionName.RRF]),
    ]
    for fusion_name, fusion in plain:
        for aggregation in AggregationName:
            key = f"{fusion_name}/{aggregation.value}"
            variants[key] = evaluate(gold, run(fusion, aggregation)).summary()
    for weight in (0.05, 0.1, 0.2, 0.3, 0.5):
        for aggregation in AggregationName:
            fusion = LinearFusion(lexical_weight=weight)
            key = f"linear(lexical={weight})/{aggregation.value}"
            variants[key] = evaluate(gold, run(fusion, aggregation)).summary()
    for weight in (0.25, 0.5, 0.75, 1.0, 1.5, 2.0):
        for aggregation in AggregationName:
            key = f"zscore(lexical={weight})/{aggregation.value}"
            variants[key] = evaluate(gold, run(ZScoreFusion(weight), aggregation)).summary()
    for weight in (0.0, 0.5, 1.0, 2.0):
        for aggregation in AggregationName:
            key = f"calibrated(lexical={weight})/{aggregation.value}"
            variants[key] = evaluate(gold, run_calibrated(weight, aggregation)).summary()
    for aggregation in AggregationName:
        key = f"semantic-zscore/{aggregation.value}"
        variants[key] = evaluate(gold, run(ZScoreFusion(0.0), aggregation)).summary()
    cv_predictions, cv_weights = _cross_validated_linear(
        gold, components, AggregationName.TOP3_MEAN
    )
    cv = evaluate(gold, cv_predictions).summary(with_interval=True)
    cv["fitted_lexical_weights"] = cv_weights
    variants["linear-cv5/top3-mean"] = cv
    result["variants"] = variants
    if predictions_out is not None:
        predictions_out.parent.mkdir(parents=True, exist_ok=True)
        payload = dict(zip(DATASETS, headline_predictions, strict=True))
        predictions_out.write_text(json.dumps(payload, indent=1), encoding="utf-8")
    return result
