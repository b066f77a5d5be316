"""The declarative index spec (YAML), validated with pydantic so a typo fails with a clear error.

A spec names each step's method and parameters; without one, :data:`COINR_DEFAULT` reproduces
COINr's ASEM example. Example::

    impute: {method: group_mean, group: EurAsia_group}
    treat: {method: winsorise, winmax: 5}
    normalise: {method: zscore, mean: 10, sd: 2}
    weights: {method: entropy, levels: [1]}
    aggregate: {method: geometric}
    remove: [Flights]
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kechuang.metrics.errors import IndexSpecError


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ImputeMethod(StrEnum):
    """How gaps are filled."""

    GROUP_MEAN = "group_mean"
    MEAN = "mean"
    NONE = "none"


class ImputeSpec(_Strict):
    """``group_mean`` with a group column (COINr ``i_mean_grp``), ``mean`` or ``none``."""

    method: ImputeMethod = ImputeMethod.GROUP_MEAN
    group: str | None = "EurAsia_group"


class ScreenSpec(_Strict):
    """Drop units whose data availability is below ``min_availability`` (0–1)."""

    min_availability: float = Field(0.9, ge=0.0, le=1.0)


class TreatSpec(_Strict):
    """JRC/COINr outlier rule; ``method: none`` skips it."""

    method: Literal["winsorise", "none"] = "winsorise"
    winmax: int = Field(5, ge=0)
    skew: float = Field(2.0, gt=0)
    kurt: float = 3.5


class NormaliseMethod(StrEnum):
    """Normalisation methods (Handbook 2008, §5)."""

    MINMAX = "minmax"
    ZSCORE = "zscore"
    TARGET = "target"
    RANK = "rank"


class MinMaxSpec(_Strict):
    """Min-max to ``range``."""

    method: Literal["minmax"] = "minmax"
    range: tuple[float, float] = (0.0, 100.0)
    bounds: dict[str, tuple[float, float]] | None = Field(
        None, description="frozen (min, max) per indicator after direction, for comparability"
    )

    @model_validator(mode="after")
    def _ordered(self) -> MinMaxSpec:
        if self.range[0] >= self.range[1]:
            raise ValueError("range must be [low, high] with low < high")
        return self


class ZScoreSpec(_Strict):
    """Z-score with the given mean and sd."""

    method: Literal["zscore"] = "zscore"
    mean: float = 0.0
    sd: float = Field(1.0, gt=0)


class TargetSpec(_Strict):
    """Distance to each indicator's iMeta Target, scaled to ``scale``, capped at the target."""

    method: Literal["target"] = "target"
    scale: float = 100.0
    cap: bool = True


class RankSpec(_Strict):
    """Rank normalisation to 0–``scale``."""

    method: Literal["rank"] = "rank"
    scale: float = 100.0


NormaliseSpec = Annotated[
    MinMaxSpec | ZScoreSpec | TargetSpec | RankSpec, Field(discriminator="method")
]


class WeightMethod(StrEnum):
    """Where weights come from."""

    GIVEN = "given"
    EQUAL = "equal"
    ENTROPY = "entropy"
    CRITIC = "critic"
    SD = "sd"
    AHP = "ahp"


class AhpBlock(_Strict):
    """Pairwise comparisons of one aggregate's children (Saaty scale)."""

    children: list[str]
    matrix: list[list[float]]

    @model_validator(mode="after")
    def _square(self) -> AhpBlock:
        n = len(self.children)
        if len(self.matrix) != n or any(len(row) != n for row in self.matrix):
            raise ValueError(f"matrix must be {n}×{n}, one row and column per child")
        return self


class WeightsSpec(_Strict):
    """Weights: the tree's (``given``), ``equal``, data-driven (entropy, CRITIC, SD) or AHP.

    Data-driven methods apply to the children of every aggregate on ``levels`` (1 = indicators)
    and use the children's scores rescaled to [0, 1]; ``overrides`` set single weights last.
    """

    method: WeightMethod = WeightMethod.GIVEN
    levels: list[int] = Field(default_factory=lambda: [1])
    ahp: dict[str, AhpBlock] = Field(default_factory=dict)
    overrides: dict[str, float] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _ahp_needs_blocks(self) -> WeightsSpec:
        if self.method == WeightMethod.AHP and not self.ahp:
            raise ValueError("method ahp needs 'ahp: {AGGREGATE: {children, matrix}}'")
        return self


class AggregateMethod(StrEnum):
    """Aggregation methods; TOPSIS and grey relational are alternatives for comparison."""

    ARITHMETIC = "arithmetic"
    GEOMETRIC = "geometric"
    TOPSIS = "topsis"
    GREY = "grey"


class AggregateSpec(_Strict):
    """Aggregation, level by level. TOPSIS needs its normalisation stated explicitly."""

    method: AggregateMethod = AggregateMethod.ARITHMETIC
    topsis_normalisation: Literal["minmax", "vector"] | None = None
    grey_rho: float = Field(0.5, gt=0, le=1)

    @model_validator(mode="after")
    def _topsis_normalisation(self) -> AggregateSpec:
        if self.method == AggregateMethod.TOPSIS and self.topsis_normalisation is None:
            raise ValueError(
                "topsis needs topsis_normalisation: minmax or vector — the ranking depends on it"
            )
        return self


class IndexSpec(_Strict):
    """The whole recipe of an index."""

    denominate: bool = True
    impute: ImputeSpec = ImputeSpec()
    screen: ScreenSpec = ScreenSpec()
    treat: TreatSpec = TreatSpec()
    normalise: NormaliseSpec = MinMaxSpec()
    weights: WeightsSpec = WeightsSpec()
    aggregate: AggregateSpec = AggregateSpec()
    remove: list[str] = Field(default_factory=list)


COINR_DEFAULT = IndexSpec()
"""COINr's ASEM example: denominate, group-mean impute by EurAsia_group, screen at 90 %,
winsorise up to 5 points, min-max [0, 100], iMeta weights, arithmetic mean."""


def _format_errors(error: ValidationError) -> tuple[str, str]:
    parts_zh, parts_en = [], []
    for item in error.errors():
        location = ".".join(str(p) for p in item["loc"]) or "(top level)"
        parts_zh.append(f"字段 {location}：{item['msg']}")
        parts_en.append(f"field {location}: {item['msg']}")
    return "；".join(parts_zh), "; ".join(parts_en)


def parse_spec(raw: object, where: str = "spec") -> IndexSpec:
    """Validate a spec given as a mapping (e.g. parsed YAML)."""
    if raw is None:
        return COINR_DEFAULT
    if not isinstance(raw, dict):
        raise IndexSpecError(
            "指数配置必须是键值映射（YAML 字典）",
            "an index spec must be a mapping (a YAML dictionary)",
            where=where,
        )
    try:
        return IndexSpec.model_validate(raw)
    except ValidationError as error:
        zh, en = _format_errors(error)
        raise IndexSpecError(
            f"指数配置无效：{zh}；请按 docs/index-method.md 修改",
            f"invalid index spec: {en}; see docs/index-method.md",
            where=where,
        ) from error


def load_spec(path: Path | str | None) -> IndexSpec:
    """Read and validate a YAML spec; ``None`` gives COINr's defaults."""
    if path is None:
        return COINR_DEFAULT
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise IndexSpecError(
            f"找不到配置文件 {path}", f"spec file {path} not found", where=str(path)
        ) from error
    except yaml.YAMLError as error:
        raise IndexSpecError(
            f"YAML 语法错误：{error}", f"YAML syntax error: {error}", where=str(path)
        ) from error
    return parse_spec(raw, where=str(path))
