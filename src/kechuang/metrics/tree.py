"""The indicator tree and the data set it describes, in COINr's iData/iMeta layout.

COINr (Becker et al. 2022, JOSS 7(78):4567) describes an index by two tables: ``iData`` (one row
per unit: code, name, group columns, denominator columns, indicators) and ``iMeta`` (one row per
indicator or aggregate: level, parent, direction, weight, denominator). Reading the same layout
lets every result here be compared with COINr line by line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from kechuang.metrics.errors import IndexSpecError


@dataclass(frozen=True)
class Node:
    """One indicator (level 1) or aggregate (level ≥ 2) of the tree."""

    code: str
    level: int
    parent: str | None
    weight: float
    direction: int = 1
    denominator: str | None = None
    target: float | None = None
    name: str = ""


@dataclass(frozen=True)
class IndicatorTree:
    """Indicators and aggregates, with parents, weights and directions.

    Level 1 holds the indicators; each higher level aggregates its children; the single node of
    the top level is the index.
    """

    nodes: tuple[Node, ...]

    def __post_init__(self) -> None:
        codes = [node.code for node in self.nodes]
        duplicates = sorted({code for code in codes if codes.count(code) > 1})
        if duplicates:
            raise IndexSpecError(
                f"指标代码重复：{duplicates}；每个代码只能出现一次",
                f"duplicate codes {duplicates}; each code must appear once",
                where="iMeta",
            )
        known = set(codes)
        for node in self.nodes:
            if node.parent is not None and node.parent not in known:
                raise IndexSpecError(
                    f"{node.code} 的上级 {node.parent} 不在指标树中；请在 iMeta 中加入该聚合行",
                    f"parent {node.parent} of {node.code} is not in the tree; add its aggregate "
                    "row to iMeta",
                    where="iMeta",
                )
        roots = [node.code for node in self.nodes if node.parent is None]
        if len(roots) != 1:
            raise IndexSpecError(
                f"指标树必须恰有一个根（总指数），现在有 {roots}",
                f"the tree must have exactly one root (the index), found {roots}",
                where="iMeta",
            )
        for node in self.nodes:
            if node.parent is not None and self.node(node.parent).level <= node.level:
                raise IndexSpecError(
                    f"{node.code} 的上级 {node.parent} 层级不高于它",
                    f"parent {node.parent} of {node.code} is not on a higher level",
                    where="iMeta",
                )
        for node in self.nodes:
            if node.level > 1 and not self.children(node.code):
                raise IndexSpecError(
                    f"聚合项 {node.code} 没有下级指标",
                    f"aggregate {node.code} has no children",
                    where="iMeta",
                )

    def node(self, code: str) -> Node:
        """The node with this code."""
        for node in self.nodes:
            if node.code == code:
                return node
        raise IndexSpecError(
            f"指标树中没有 {code}", f"{code} is not in the indicator tree", where="tree"
        )

    @property
    def codes(self) -> list[str]:
        """All codes, indicators first then aggregates level by level."""
        return [node.code for node in sorted(self.nodes, key=lambda n: n.level)]

    @property
    def indicators(self) -> list[str]:
        """Level-1 codes in file order."""
        return [node.code for node in self.nodes if node.level == 1]

    @property
    def root(self) -> str:
        """The index (the one node without a parent)."""
        return next(node.code for node in self.nodes if node.parent is None)

    @property
    def max_level(self) -> int:
        """The level of the index."""
        return max(node.level for node in self.nodes)

    def level_codes(self, level: int) -> list[str]:
        """Codes on one level, in file order."""
        return [node.code for node in self.nodes if node.level == level]

    def children(self, code: str) -> list[str]:
        """Direct children of an aggregate, in file order."""
        return [node.code for node in self.nodes if node.parent == code]

    def ancestors(self, code: str) -> list[str]:
        """Parent, grandparent … up to the index."""
        chain: list[str] = []
        parent = self.node(code).parent
        while parent is not None:
            chain.append(parent)
            parent = self.node(parent).parent
        return chain

    def weights(self) -> dict[str, float]:
        """Every node's nominal weight."""
        return {node.code: node.weight for node in self.nodes}

    def directions(self) -> np.ndarray:
        """Directions of the indicators (+1 more is better, −1 less is better)."""
        return np.array([self.node(code).direction for code in self.indicators], dtype=float)

    def with_weights(self, weights: Mapping[str, float]) -> IndicatorTree:
        """A copy with some weights replaced."""
        return IndicatorTree(
            tuple(
                replace(node, weight=float(weights[node.code])) if node.code in weights else node
                for node in self.nodes
            )
        )

    def effective_weights(self, weights: Mapping[str, float] | None = None) -> pd.Series:
        """Each indicator's share of the index under arithmetic aggregation without gaps.

        The product, down the tree, of each node's weight divided by its siblings' total: the
        weight an indicator really has in the index (OECD/JRC Handbook 2008, §6).
        """
        weights = dict(self.weights() if weights is None else weights)
        shares: dict[str, float] = {}
        for code in self.indicators:
            share = 1.0
            node_code: str | None = code
            while node_code is not None and self.node(node_code).parent is not None:
                parent = self.node(node_code).parent
                assert parent is not None
                siblings = self.children(parent)
                total = sum(weights[s] for s in siblings)
                share *= weights[node_code] / total if total > 0 else 0.0
                node_code = parent
            shares[code] = share
        return pd.Series(shares, name="effective_weight")


@dataclass(frozen=True)
class Dataset:
    """Units × indicators, with the group and denominator columns and the tree.

    ``data`` is indexed by unit code and holds the indicators (float); ``groups`` and
    ``denominators`` share its index.
    """

    data: pd.DataFrame
    tree: IndicatorTree
    groups: pd.DataFrame = field(default_factory=pd.DataFrame)
    denominators: pd.DataFrame = field(default_factory=pd.DataFrame)
    names: pd.Series | None = None

    def __post_init__(self) -> None:
        missing = [code for code in self.tree.indicators if code not in self.data.columns]
        if missing:
            raise IndexSpecError(
                f"数据中缺少指标列 {missing}；请在 iData 中加入这些列或从 iMeta 中删除",
                f"indicator columns {missing} are missing from the data; add them to iData or "
                "remove them from iMeta",
                where="iData",
            )
        if self.data.index.has_duplicates:
            dup = sorted(set(self.data.index[self.data.index.duplicated()]))
            raise IndexSpecError(
                f"单位代码重复：{dup}", f"duplicate unit codes {dup}", where="iData"
            )


def _read_csv(path: Path, what: str) -> pd.DataFrame:
    try:
        return pd.read_csv(path)
    except FileNotFoundError as error:
        raise IndexSpecError(
            f"找不到 {what} 文件 {path}；请检查路径",
            f"{what} file {path} not found; check the path",
            where=str(path),
        ) from error


def tree_from_imeta(meta: pd.DataFrame, where: str = "iMeta") -> IndicatorTree:
    """Build the tree from COINr's iMeta rows of type Indicator and Aggregate."""
    required = {"Level", "iCode", "Weight", "Parent", "Type"}
    missing = sorted(required - set(meta.columns))
    if missing:
        raise IndexSpecError(
            f"iMeta 缺少列 {missing}（需要 Level, iCode, Weight, Parent, Type）",
            f"iMeta lacks columns {missing} (needs Level, iCode, Weight, Parent, Type)",
            where=where,
        )
    rows = meta[meta["Type"].isin(["Indicator", "Aggregate"])]
    nodes = []
    for line, row in rows.iterrows():
        code = str(row["iCode"])

        def text(column: str, row: pd.Series = row) -> str | None:
            value = row.get(column)
            return None if value is None or pd.isna(value) or value == "" else str(value)

        weight = row["Weight"]
        if pd.isna(weight):
            raise IndexSpecError(
                f"第 {int(str(line)) + 2} 行 {code} 没有权重；请填写 Weight",
                f"row {int(str(line)) + 2} ({code}) has no Weight; fill it in",
                where=where,
            )
        direction = row.get("Direction", 1)
        target = row.get("Target")
        nodes.append(
            Node(
                code=code,
                level=int(row["Level"]),
                parent=text("Parent"),
                weight=float(weight),
                direction=1 if pd.isna(direction) else int(direction),
                denominator=text("Denominator"),
                target=None if target is None or pd.isna(target) else float(target),
                name=text("iName") or code,
            )
        )
    return IndicatorTree(tuple(nodes))


def read_coin_csv(data_path: Path | str, meta_path: Path | str) -> Dataset:
    """Read COINr's iData / iMeta CSV pair into a :class:`Dataset`."""
    data_path, meta_path = Path(data_path), Path(meta_path)
    raw = _read_csv(data_path, "iData")
    meta = _read_csv(meta_path, "iMeta")
    tree = tree_from_imeta(meta, where=str(meta_path))
    if "uCode" not in raw.columns:
        raise IndexSpecError(
            "iData 缺少单位代码列 uCode", "iData has no uCode column", where=str(data_path)
        )
    raw = raw.set_index(raw["uCode"].astype(str))
    raw.index.name = "uCode"
    types = meta.set_index("iCode")["Type"] if "Type" in meta.columns else pd.Series(dtype=str)
    group_cols = [c for c in types.index[types == "Group"] if c in raw.columns]
    denom_cols = [c for c in types.index[types == "Denominator"] if c in raw.columns]
    indicators = tree.indicators
    missing = [code for code in indicators if code not in raw.columns]
    if missing:
        raise IndexSpecError(
            f"iData 缺少 iMeta 中的指标列 {missing}",
            f"iData lacks the indicator columns {missing} listed in iMeta",
            where=str(data_path),
        )
    try:
        values = raw[indicators].apply(pd.to_numeric, errors="raise").astype(float)
    except (ValueError, TypeError) as error:
        raise IndexSpecError(
            f"指标列含有非数字内容：{error}；空值请留空",
            f"an indicator column holds non-numeric text: {error}; leave missing values empty",
            where=str(data_path),
        ) from error
    return Dataset(
        data=values,
        tree=tree,
        groups=raw[group_cols].astype(str),
        denominators=raw[denom_cols].astype(float),
        names=raw["uName"].astype(str) if "uName" in raw.columns else None,
    )
