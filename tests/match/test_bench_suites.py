"""The quality suites run end to end on tiny folders in the real data layouts."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kechuang.cli import app
from kechuang.match.evaluation import SUITES

PAPERS = {
    "s1": ("Battery management systems", "State of charge estimation for lithium batteries."),
    "s2": ("Potato starch wastewater", "Treatment of starch processing wastewater."),
    "s3": ("Solar panel cleaning robot", "A robot that cleans photovoltaic panels."),
}
ARCHIVES = {
    "101": [("a1", "Lithium battery state estimation", "Kalman filters for battery charge.")],
    "102": [("a2", "Wastewater treatment of starch", "Anaerobic treatment of starch effluent.")],
}
RATINGS = {"101": {"s1": 5.0, "s2": 1.0, "s3": 2.0}, "102": {"s1": 1.0, "s2": 5.0, "s3": 2.0}}


def _goldstandard_folder(root: Path) -> Path:
    root.mkdir(parents=True)
    header = ["ParticipantID"] + [f"Paper{i}" for i in range(1, 11)]
    header += [f"Expertise{i}" for i in range(1, 11)]
    lines = ["\t".join(header)]
    for expert, rated in RATINGS.items():
        papers = list(rated) + [""] * (10 - len(rated))
        scores = [str(s) for s in rated.values()] + [""] * (10 - len(rated))
        lines.append("\t".join([expert, *papers, *scores]))
    (root / "evaluations.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    runs = {}
    for k in range(1, 11):
        folder = root / "evaluation_datasets" / f"d_20_{k}"
        (folder / "archives").mkdir(parents=True)
        submissions = {
            pid: {"id": pid, "content": {"title": t, "abstract": a}}
            for pid, (t, a) in PAPERS.items()
        }
        (folder / "submissions.json").write_text(json.dumps(submissions), encoding="utf-8")
        for expert, papers in ARCHIVES.items():
            rows = [
                json.dumps({"id": pid, "content": {"title": t, "abstract": a}})
                for pid, t, a in papers
            ]
            (folder / "archives" / f"~{expert}.jsonl").write_text("\n".join(rows), "utf-8")
        runs[f"tpms_d_20_{k}_ta"] = {e: dict.fromkeys(r, 0.5) for e, r in RATINGS.items()}
    (root / "baseline_predictions_rated_pairs.json").write_text(json.dumps(runs), "utf-8")
    return root


@pytest.fixture
def bench_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KECHUANG_MATCH_EMBEDDER", "use")
    monkeypatch.setenv("KECHUANG_MATCH_CACHE_DIR", str(tmp_path / "cache"))


def test_registry_names_the_suites() -> None:
    assert {"goldstandard", "csl-retrieval"} <= set(SUITES)


@pytest.mark.usefixtures("bench_env")
def test_goldstandard_suite_prints_the_documented_json(tmp_path: Path) -> None:
    data = _goldstandard_folder(tmp_path / "gs")
    out = tmp_path / "pred.json"
    result = CliRunner().invoke(
        app,
        [
            "bench",
            "quality",
            "--suite",
            "goldstandard",
            "--data",
            str(data),
            "--json",
            "--predictions-out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {"loss", "loss_ci", "easy_acc", "hard_acc", "experts", "baselines"} <= set(report)
    assert report["experts"] == 2
    assert 0 <= report["loss"] <= 1
    assert len(report["loss_ci"]) == 2
    assert report["baselines"]["tpms"]["loss"] == 0.5  # a constant run scores exactly 0.5
    # The engine orders these obvious cases right: battery expert prefers the battery paper.
    assert report["loss"] < 0.5
    predictions = json.loads(out.read_text(encoding="utf-8"))
    assert set(predictions) == {f"d_20_{k}" for k in range(1, 11)}
    scores = predictions["d_20_1"]["101"]
    assert set(scores) == {"s1", "s2", "s3"}
    assert scores["s1"] > scores["s2"]


@pytest.mark.usefixtures("bench_env")
def test_csl_retrieval_suite_prints_the_documented_json(tmp_path: Path) -> None:
    data = tmp_path / "csl"
    data.mkdir()
    records = [
        {
            "id": "r1",
            "title": "马铃薯淀粉废水处理",
            "abstract": "研究了马铃薯淀粉加工废水的厌氧处理工艺。",
            "keywords": ["淀粉", "废水"],
        },
        {
            "id": "r2",
            "title": "锂电池荷电状态估计",
            "abstract": "提出一种估计锂电池荷电状态的卡尔曼滤波方法。",
            "keywords": ["锂电池", "卡尔曼滤波"],
        },
        {
            "id": "r3",
            "title": "光伏板清洁机器人",
            "abstract": "设计了一种清洁光伏板的爬壁机器人。",
            "keywords": ["光伏", "机器人"],
        },
    ]
    (data / "tiny.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8"
    )
    out = tmp_path / "pred.json"
    result = CliRunner().invoke(
        app,
        [
            "bench",
            "quality",
            "--suite",
            "csl-retrieval",
            "--data",
            str(data),
            "--split",
            "tiny.jsonl",
            "--json",
            "--predictions-out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["n"] == 3
    for field in ("title", "keywords"):
        assert set(report[field]) == {"lexical", "semantic", "hybrid"}
        assert report[field]["lexical"] == {"mrr@10": 1.0, "recall@10": 1.0}
    predictions = json.loads(out.read_text(encoding="utf-8"))
    assert predictions["title"]["r2"][0] == "r2"


def test_unknown_suite_and_missing_folder_are_clear_errors(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["bench", "quality", "--suite", "nope", "--data", "."])
    assert result.exit_code == 2
    assert "goldstandard" in result.output
    missing = tmp_path / "absent"
    result = CliRunner().invoke(
        app, ["bench", "quality", "--suite", "goldstandard", "--data", str(missing)]
    )
    assert result.exit_code != 0


@pytest.mark.data
def test_published_baselines_recomputed_on_the_open_experts(goldstandard_dir: Path) -> None:
    from kechuang.match.evaluation import goldstandard  # noqa: PLC0415

    data = goldstandard_dir
    gold = goldstandard.load(data)
    assert len(gold.experts) >= 30
    runs = goldstandard.baseline_predictions(data, gold)
    losses = {name: goldstandard.evaluate(gold, r).loss for name, r in runs.items()}
    # Ordering reported in the paper: SPECTER+MFR beats SPECTER beats ELMo.
    assert losses["specter_mfr"] < losses["specter"] < losses["elmo"]
    assert 0.15 < losses["specter_mfr"] < 0.3
