"""Discipline and industry routing: the classifier, the code-list routers and the CSL suite."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import numpy as np
import pytest

from kechuang.match.evaluation import SUITES
from kechuang.match.routing.classifier import (
    RoutingClassifier,
    expected_calibration_error,
    fit_temperature,
    softmax,
)
from kechuang.match.routing.codelists import describe, disciplines, industries
from kechuang.match.routing.csl_labels import CSL_TO_GBT13745, label_description, level1_codes
from kechuang.match.routing.embeddings import E5Embedder
from kechuang.match.routing.router import CodeListRouter, Taxonomy

REPO_ROOT = Path(__file__).resolve().parents[3]
CSLDCP = REPO_ROOT.parent / "shared" / "data" / "matching" / "fewclue_csldcp"

TOY_TRAIN = [
    ("深度学习神经网络图像识别算法", "计算机"),
    ("分布式数据库查询优化与索引", "计算机"),
    ("编译器代码生成与程序分析", "计算机"),
    ("小麦品种选育与产量性状", "作物"),
    ("水稻种植密度对产量的影响", "作物"),
    ("玉米抗旱品种田间试验", "作物"),
    ("高血压患者临床治疗效果观察", "医学"),
    ("糖尿病并发症的临床诊断", "医学"),
    ("肿瘤患者术后护理与康复", "医学"),
]
TOY_TEST = [
    ("卷积神经网络的图像分类算法", "计算机"),
    ("冬小麦品种产量比较试验", "作物"),
    ("冠心病患者的临床治疗观察", "医学"),
]


def test_softmax_rows_are_probabilities() -> None:
    scores = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0], [1000.0, -1000.0, 0.0]])
    probabilities = softmax(scores, 0.5)
    assert np.allclose(probabilities.sum(axis=1), 1.0)
    assert (probabilities >= 0).all()
    assert probabilities[0].argmax() == 2
    assert np.allclose(probabilities[1], 1 / 3)


def test_temperature_scaling_softens_overconfident_scores() -> None:
    # Scores that always put the top label far ahead, but the top label is right only half
    # the time: the fitted temperature must be large (soften), not the neutral 1.
    rng = np.random.default_rng(0)
    scores = rng.normal(size=(200, 4))
    scores[np.arange(200), 0] += 8.0
    gold = np.where(np.arange(200) % 2 == 0, 0, 1).astype(np.int64)
    temperature = fit_temperature(scores, gold)
    assert temperature > 2.0
    calibrated = softmax(scores, temperature)
    assert expected_calibration_error(calibrated, gold) < expected_calibration_error(
        softmax(scores, 1.0), gold
    )


def test_expected_calibration_error_of_perfect_confidence_is_zero() -> None:
    probabilities = np.array([[1.0, 0.0], [0.0, 1.0]])
    assert expected_calibration_error(probabilities, np.array([0, 1], dtype=np.int64)) == 0.0
    assert expected_calibration_error(probabilities, np.array([1, 0], dtype=np.int64)) == 1.0


def test_character_classifier_learns_a_toy_problem() -> None:
    texts, labels = zip(*TOY_TRAIN, strict=True)
    classifier = RoutingClassifier().fit(list(texts), list(labels))
    test_texts, test_labels = zip(*TOY_TEST, strict=True)
    assert classifier.predict(list(test_texts)) == list(test_labels)
    probabilities = classifier.predict_proba(list(test_texts))
    assert probabilities.shape == (3, 3)
    assert np.allclose(probabilities.sum(axis=1), 1.0)
    ranked = classifier.rank("基于深度学习的图像识别", top_k=2)
    assert ranked[0].label == "计算机"
    assert 0.0 < ranked[1].confidence <= ranked[0].confidence <= 1.0


def test_label_descriptions_alone_classify() -> None:
    classifier = RoutingClassifier().fit(
        [],
        [],
        descriptions={
            "计算机": "计算机软件；算法；数据库；人工智能",
            "作物": "小麦；水稻；玉米；品种选育",
        },
    )
    assert classifier.predict(["一种改进的数据库算法", "水稻新品种"]) == ["计算机", "作物"]


def test_classifier_needs_two_labels_and_a_view() -> None:
    with pytest.raises(ValueError, match="two labels"):
        RoutingClassifier().fit(["一"], ["a"])
    with pytest.raises(ValueError, match="at least one view"):
        RoutingClassifier(embedder=None, use_characters=False)


@pytest.mark.slow
def test_meaning_view_with_the_real_e5_model(tmp_path: Path) -> None:
    embedder = E5Embedder(cache_dir=tmp_path / "cache")
    texts, labels = zip(*TOY_TRAIN, strict=True)
    classifier = RoutingClassifier(embedder=embedder, use_characters=False)
    classifier.fit(list(texts), list(labels))
    test_texts, test_labels = zip(*TOY_TEST, strict=True)
    assert classifier.predict(list(test_texts)) == list(test_labels)
    # The second pass is served from the disk cache and returns the same vectors.
    again = E5Embedder(cache_dir=tmp_path / "cache").embed_queries(list(test_texts))
    assert np.allclose(again, embedder.embed_queries(list(test_texts)))
    assert np.allclose(np.linalg.norm(again, axis=1), 1.0, atol=1e-3)


def test_code_lists_are_read_with_clean_names() -> None:
    table = disciplines()
    assert table["520"].name == "计算机科学技术"
    assert table["11087"].name == "应用数学"  # annotation after the name dropped
    assert sum(1 for entry in table.values() if entry.level == 1) == 62
    assert "52020" in table["520"].children
    sectors = industries()
    assert sum(1 for entry in sectors.values() if entry.level == 1) == 20
    assert sum(1 for entry in sectors.values() if entry.level == 2) == 97
    assert sectors["13"].parent == "C"
    assert "谷物磨制" in describe(sectors, "13")


def test_csl_labels_map_to_existing_gbt13745_codes() -> None:
    table = disciplines()
    assert len(CSL_TO_GBT13745) == 67
    for label, codes in CSL_TO_GBT13745.items():
        assert codes, label
        for code in codes:
            assert code in table, (label, code)
    assert level1_codes("计算机科学与技术") == ("520",)
    assert level1_codes("化学/化学工程与技术") == ("150", "530")
    assert "鲁棒控制" in label_description("控制科学与工程")


def test_routers_route_obvious_demands() -> None:
    discipline = CodeListRouter(Taxonomy.DISCIPLINE, level=1).fit()
    routes = discipline.route(["基于深度学习的人工智能算法与计算机软件"], top_k=3)[0]
    assert routes[0].code == "520"
    assert all(0.0 <= route.confidence <= 1.0 for route in routes)
    assert sum(route.confidence for route in routes) <= 1.0 + 1e-9
    industry = CodeListRouter(Taxonomy.INDUSTRY, level=2).fit()
    assert industry.route(["马铃薯淀粉加工与饲料加工"])[0][0].code == "13"
    codes, rows = industry.probabilities(["马铃薯淀粉加工"])
    assert len(codes) == 97
    assert abs(sum(rows[0]) - 1.0) < 1e-6
    with pytest.raises(ValueError, match="levels"):
        CodeListRouter(Taxonomy.INDUSTRY, level=4)


def test_affinity_maps_resource_codes_up_to_the_router_level() -> None:
    industry = CodeListRouter(Taxonomy.INDUSTRY, level=2).fit()
    assert industry.ancestor("1311") == "13"  # 小类 -> 大类
    assert industry.ancestor("C") is None  # above the level
    assert industry.ancestor("no-such-code") is None
    codes, rows = industry.probabilities(["马铃薯淀粉加工与饲料加工"])
    row = rows[0]
    food = industry.affinity(row, ["1311", "131"])  # both under 13: counted once
    assert food == pytest.approx(row[codes.index("13")])
    assert food > industry.affinity(row, ["6511"])  # software
    assert industry.affinity(row, []) == 0.0
    discipline = CodeListRouter(Taxonomy.DISCIPLINE, level=1).fit()
    assert discipline.ancestor("52020") == "520"


def _write_jsonl(path: Path, records: list[dict[str, object]]) -> None:
    path.write_text(
        "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records), "utf-8"
    )


def _tiny_folder(tmp_path: Path) -> list[str]:
    """Write a FewCLUE-layout folder with the toy problem; return its labels."""
    labels = ["计算机科学与技术", "作物学", "基础医学/临床医学"]
    mapping = {"计算机": labels[0], "作物": labels[1], "医学": labels[2]}
    records = [
        {"id": number, "content": text, "label": mapping[label]}
        for number, (text, label) in enumerate(TOY_TRAIN)
    ]
    for k in range(5):
        _write_jsonl(tmp_path / f"train_{k}.json", records)
        _write_jsonl(tmp_path / f"dev_{k}.json", records[k : k + 3])
    _write_jsonl(tmp_path / "train_few_all.json", records)
    _write_jsonl(tmp_path / "dev_few_all.json", records[:3])
    evaluated = [{"content": text, "label": mapping[label]} for text, label in TOY_TEST]
    _write_jsonl(tmp_path / "test.json", evaluated)
    return labels


def test_suite_runs_on_a_tiny_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KECHUANG_ROUTING_VIEWS", "characters")
    labels = _tiny_folder(tmp_path)
    out = tmp_path / "predictions.jsonl"
    result = SUITES["csl-discipline"](
        data=tmp_path, split=tmp_path / "test.json", predictions_out=out
    )
    assert result["n"] == 3
    assert isinstance(result["accuracy_by_split"], list)
    assert len(result["accuracy_by_split"]) == 5
    for key in ("accuracy", "accuracy_few_all"):
        value = result[key]
        assert isinstance(value, float)
        assert 0.0 <= value <= 1.0
    assert result["accuracy"] == pytest.approx(np.mean(result["accuracy_by_split"]))
    lines = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [line["id"] for line in lines] == [0, 1, 2]  # no id field: line numbers
    assert all(len(line["labels_by_split"]) == 5 for line in lines)
    assert all(
        line["label_few_all"] in labels or line["label_few_all"] in CSL_TO_GBT13745
        for line in lines
    )
    json.dumps(result)  # the CLI prints it as JSON


_HAS_TORCH = importlib.util.find_spec("torch") is not None


@pytest.mark.slow
@pytest.mark.parametrize(
    ("fine_tune", "encoder"),
    [
        ("off", "e5-small (frozen)"),
        pytest.param(
            "on",
            "e5-small fine-tuned per split",
            marks=pytest.mark.skipif(not _HAS_TORCH, reason="torch is the 'finetune' extra"),
        ),
    ],
)
def test_suite_with_both_views_and_real_e5(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fine_tune: str, encoder: str
) -> None:
    """The characters + e5 path end to end, with the frozen and with the fine-tuned encoder;
    descriptions off to keep it short."""
    monkeypatch.setenv("KECHUANG_ROUTING_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("KECHUANG_ROUTING_DESCRIPTIONS", "0")
    monkeypatch.setenv("KECHUANG_ROUTING_FINE_TUNE", fine_tune)
    _tiny_folder(tmp_path)
    result = SUITES["csl-discipline"](
        data=tmp_path, split=tmp_path / "test.json", predictions_out=None
    )
    assert result["meaning_encoder"] == encoder
    assert result["accuracy"] == pytest.approx(1.0)
    assert result["accuracy_few_all"] == pytest.approx(1.0)
    assert (tmp_path / "cache" / "embeddings.sqlite3").exists()


def test_suite_says_which_file_is_missing(tmp_path: Path) -> None:
    _write_jsonl(tmp_path / "test.json", [{"content": "x", "label": "数学"}])
    _write_jsonl(tmp_path / "train_0.json", [{"content": "x", "label": "数学"}])
    with pytest.raises(FileNotFoundError, match=r"dev_0\.json, train_1\.json") as raised:
        SUITES["csl-discipline"](data=tmp_path, split=tmp_path / "test.json", predictions_out=None)
    assert "train_0.json," not in str(raised.value)  # present: not listed
    assert "dev_few_all.json" in str(raised.value)
    assert "缺少文件" in str(raised.value)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["test.json", "train_0.json"]


def test_suite_reads_every_file_before_working(tmp_path: Path) -> None:
    """A broken line in the last split is reported with its place before the first split runs."""
    _tiny_folder(tmp_path)
    (tmp_path / "dev_4.json").write_text('{"content": "x", "label": "作物学"}\n{oops\n', "utf-8")
    out = tmp_path / "predictions.jsonl"
    with pytest.raises(ValueError, match=r"Line 2 of .*dev_4\.json is not JSON"):
        SUITES["csl-discipline"](data=tmp_path, split=tmp_path / "test.json", predictions_out=out)
    assert not out.exists()


@pytest.mark.data
@pytest.mark.slow
def test_character_view_on_real_csldcp() -> None:
    """Split 0 trained, dev_1 evaluated: well above chance (1/67) and near the SVM baseline."""
    if not CSLDCP.exists():
        pytest.skip(f"shared data not found at {CSLDCP} (benchmark data lives outside the repo)")
    labels_file = (CSLDCP / "labels_all.txt").read_text("utf-8").split()
    assert set(labels_file) == set(CSL_TO_GBT13745)

    def read(name: str) -> list[dict[str, str]]:
        return [json.loads(line) for line in (CSLDCP / name).read_text("utf-8").splitlines()]

    train, dev = read("train_0.json"), read("dev_1.json")
    classifier = RoutingClassifier().fit(
        [r["content"] for r in train],
        [r["label"] for r in train],
        descriptions={label: label_description(label) for label in CSL_TO_GBT13745},
    )
    predicted = classifier.predict([r["content"] for r in dev])
    accuracy = np.mean([p == r["label"] for p, r in zip(predicted, dev, strict=True)])
    assert accuracy > 0.45


def test_router_calibrate_refits_confidence_on_labelled_texts() -> None:
    """Calibration on texts the router gets right sharpens its confidence, ranking unchanged."""
    router = CodeListRouter(Taxonomy.DISCIPLINE, level=1).fit()
    table = disciplines()
    # Level-2 names with their own codes: the router ranks most of them right, so their
    # temperature should fall (more confident) compared with the held-out-name fit.
    entries = [entry for entry in table.values() if entry.level == 2][::5]
    texts = [f"{entry.name}研究进展" for entry in entries]
    codes, before = router.probabilities(texts)
    router.calibrate(texts, [entry.code for entry in entries])
    _, after = router.probabilities(texts)
    before_matrix, after_matrix = np.array(before), np.array(after)
    assert (before_matrix.argmax(axis=1) == after_matrix.argmax(axis=1)).all()
    hits = np.array(
        [
            codes[int(row.argmax())] == entry.parent
            for row, entry in zip(after_matrix, entries, strict=True)
        ]
    )
    assert hits.mean() > 0.5
    assert after_matrix.max(axis=1).mean() > before_matrix.max(axis=1).mean()
    # A tuple of acceptable codes per text is accepted; unknown codes are skipped.
    router.calibrate(["人工智能算法", "无法归类"], [("520", "12030"), "no-such-code"])
    with pytest.raises(ValueError, match="one per text"):
        router.calibrate(["一", "二"], ["520"])


def test_router_rejects_a_meaning_weight_outside_zero_one() -> None:
    with pytest.raises(ValueError, match="meaning_weight"):
        CodeListRouter(Taxonomy.DISCIPLINE, level=1, meaning_weight=1.5)


@pytest.mark.slow
def test_router_with_the_real_e5_meaning_view(tmp_path: Path) -> None:
    """Characters + e5 prototypes (every GB/T 13745 entry embedded once, cached)."""
    cache = Path(os.environ.get("KECHUANG_ROUTING_CACHE", tmp_path / "cache"))
    router = CodeListRouter(
        Taxonomy.DISCIPLINE, level=1, embedder=E5Embedder(cache_dir=cache), meaning_weight=0.5
    ).fit()
    routes = router.route(["基于深度学习的人工智能算法与计算机软件", "小麦品种选育与栽培"])
    assert routes[0][0].code == "520"
    assert routes[1][0].code == "210"
    assert 0.0 < routes[0][0].confidence <= 1.0
    assert router.meaning_weight == 0.5


def test_classifier_rejects_view_weights_outside_zero_one() -> None:
    with pytest.raises(ValueError, match="name_view_weight"):
        RoutingClassifier(name_view_weight=-0.1)
    with pytest.raises(ValueError, match="meaning_weight"):
        RoutingClassifier(meaning_weight=1.2)


def test_names_without_a_passage_embedder_add_no_view() -> None:
    """Names are accepted by a character-only classifier (they only name the classes)."""
    texts, labels = zip(*TOY_TRAIN, strict=True)
    classifier = RoutingClassifier().fit(
        list(texts), list(labels), names={"计算机": "计算机科学", "作物": "作物学", "医学": "医学"}
    )
    assert classifier.predict([TOY_TEST[0][0]]) == [TOY_TEST[0][1]]
    assert classifier._names is None


def test_calibration_never_sees_the_evaluated_texts(tmp_path: Path) -> None:
    """dev_k minus the evaluated file; when dev_k is the evaluated file, the other dev files."""
    from kechuang.match.evaluation.csl_discipline import calibration_records  # noqa: PLC0415

    _tiny_folder(tmp_path)
    dev_1 = [json.loads(line) for line in (tmp_path / "dev_1.json").read_text("utf-8").splitlines()]
    evaluated = {record["content"] for record in dev_1}
    for k in range(5):
        texts, labels = calibration_records(tmp_path, k, evaluated)
        assert texts, k
        assert not set(texts) & evaluated
        assert len(texts) == len(labels) == len(set(texts))


@pytest.mark.slow
def test_names_view_with_the_real_e5_model(tmp_path: Path) -> None:
    """Label names as e5 passages classify without any example (zero-shot view)."""
    embedder = E5Embedder(cache_dir=tmp_path / "cache")
    names = {"计算机": "计算机科学与技术", "作物": "作物学", "医学": "临床医学"}
    # All the weight on the names view: it decides on its own (the meaning view gets 0).
    classifier = RoutingClassifier(embedder=embedder, use_characters=False, name_view_weight=1.0)
    classifier.fit([], [], names=names, descriptions=dict(names))
    test_texts, test_labels = zip(*TOY_TEST, strict=True)
    assert classifier.predict(list(test_texts)) == list(test_labels)
    # Query and passage vectors of one text are cached under different keys and differ.
    query = embedder.embed_queries(["作物学"])
    passage = embedder.embed_passages(["作物学"])
    assert not np.allclose(query, passage)
    assert np.allclose(E5Embedder(cache_dir=tmp_path / "cache").embed_passages(["作物学"]), passage)
