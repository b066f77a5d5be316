"""The data-preparation steps of a composite index, each a small pure function.

Order and rules follow the JRC/OECD Handbook on Constructing Composite Indicators (2008) as
implemented by COINr 1.1.14 (github bluefoxr/COINr): denominate → impute → screen → treat →
normalise. Functions take and return data frames (units × indicators) and never modify their
input.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kechuang.metrics.errors import IndexSpecError
from kechuang.metrics.tree import IndicatorTree

# --------------------------------------------------------------------------------- denominate


def denominate(data: pd.DataFrame, tree: IndicatorTree, denominators: pd.DataFrame) -> pd.DataFrame:
    """Divide each indicator that names a denominator by that column (COINr ``Denominate``).

    Turns totals into intensities (per capita, per GDP …) so big units do not win by size alone.
    """
    out = data.copy()
    for code in tree.indicators:
        denominator = tree.node(code).denominator
        if denominator is None:
            continue
        if denominator not in denominators.columns:
            raise IndexSpecError(
                f"指标 {code} 的分母 {denominator} 不在数据中；请在 iData 中加入该列",
                f"denominator {denominator} of {code} is not in the data; add the column to iData",
                where="denominate",
            )
        out[code] = data[code] / denominators.loc[data.index, denominator]
    return out


# ------------------------------------------------------------------------------------- impute


def impute_group_mean(data: pd.DataFrame, groups: pd.Series | None) -> pd.DataFrame:
    """Replace each missing value by the indicator's mean within the unit's group (COINr
    ``i_mean_grp``); with no group, by the indicator's overall mean (``i_mean``)."""
    if groups is None:
        return data.fillna(data.mean(axis=0))
    means = data.groupby(groups.loc[data.index].to_numpy()).transform("mean")
    means.index = data.index
    return data.fillna(means)


def impute_none(data: pd.DataFrame) -> pd.DataFrame:
    """Leave gaps as they are; aggregation then renormalises the weights of present children."""
    return data.copy()


# ------------------------------------------------------------------------------------- screen


def data_availability(data: pd.DataFrame) -> pd.Series:
    """Share of non-missing indicators per unit (COINr ``get_data_avail``)."""
    return data.notna().mean(axis=1)


def screen_units(data: pd.DataFrame, min_availability: float) -> tuple[pd.DataFrame, list[str]]:
    """Drop units with less than ``min_availability`` data (COINr ``Screen``, ``byNA``).

    Returns the kept data and the codes of dropped units.
    """
    availability = data_availability(data)
    keep = availability >= min_availability
    return data.loc[keep].copy(), [str(code) for code in data.index[~keep]]


# -------------------------------------------------------------------------------------- treat


def skewness(values: np.ndarray) -> float:
    """Sample skewness, type 2 of Joanes & Gill (1998) as in e1071/Excel; NaNs dropped.

    √n·Σd³/(Σd²)^{3/2} · √(n(n−1))/(n−2).
    """
    x = values[~np.isnan(values)]
    n = x.size
    d = x - x.mean()
    m2 = float(np.sum(d**2))
    if n < 3 or m2 == 0:
        return 0.0
    g1 = np.sqrt(n) * float(np.sum(d**3)) / m2**1.5
    return float(g1 * np.sqrt(n * (n - 1)) / (n - 2))


def kurtosis(values: np.ndarray) -> float:
    """Sample excess kurtosis, type 2 of Joanes & Gill (1998) as in e1071; NaNs dropped.

    ((n+1)(r−3)+6)(n−1)/((n−2)(n−3)) with r = nΣd⁴/(Σd²)².
    """
    x = values[~np.isnan(values)]
    n = x.size
    d = x - x.mean()
    m2 = float(np.sum(d**2))
    if n < 4 or m2 == 0:
        return 0.0
    r = n * float(np.sum(d**4)) / m2**2
    return float(((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3)))


def skew_kurt_pass(values: np.ndarray, skew_limit: float = 2.0, kurt_limit: float = 3.5) -> bool:
    """The JRC rule: an indicator needs treatment only when |skew| ≥ 2 **and** kurtosis ≥ 3.5."""
    return abs(skewness(values)) < skew_limit or kurtosis(values) < kurt_limit


def log_ct(values: np.ndarray) -> np.ndarray:
    """COINr's ``log_CT``: ln(x − min + 0.01·(max − min)), defined for any sign of x."""
    lo, hi = np.nanmin(values), np.nanmax(values)
    out: np.ndarray = np.log(values - lo + 0.01 * (hi - lo))
    return out


def log_gii(values: np.ndarray) -> np.ndarray:
    """The GII log transform ln[(max−1)(x−min)/(max−min) + 1], as its formula says.

    COINr 1.1.14's ``log_GII()`` computes this and then returns the untransformed x; this one
    returns the transform.
    """
    lo, hi = np.nanmin(values), np.nanmax(values)
    out: np.ndarray = np.log((hi - 1) * (values - lo) / (hi - lo) + 1)
    return out


@dataclass(frozen=True)
class TreatmentRecord:
    """What the outlier treatment did to one indicator (COINr ``Treat`` details)."""

    code: str
    passed_before: bool
    skew_before: float
    kurt_before: float
    winsorised: int
    method: str  # "none" | "winsorise" | "log_ct"
    passed_after: bool | None
    skew_after: float | None
    kurt_after: float | None


def winsorise_coinr(
    values: np.ndarray, winmax: int, skew_limit: float = 2.0, kurt_limit: float = 3.5
) -> tuple[np.ndarray, int, bool]:
    """Winsorise one indicator the COINr way, one extreme at a time.

    While the indicator fails the skew/kurtosis rule and fewer than ``winmax`` points are
    clipped: on the side the skew points to, set every value equal to the current extreme to the
    next value in. The count is the number of values just reset, which equals all points clipped
    so far (they share the extreme). Returns (values, points clipped, passes now).
    """
    x = values.astype(float).copy()
    clipped = 0
    passes = skew_kurt_pass(x, skew_limit, kurt_limit)
    while not passes and clipped < winmax:
        present = ~np.isnan(x)
        if skewness(x) >= 0:
            extreme = np.nanmax(x)
            at_extreme = present & (x == extreme)
            rest = x[present & ~at_extreme]
            if rest.size == 0:
                break
            x[at_extreme] = rest.max()
        else:
            extreme = np.nanmin(x)
            at_extreme = present & (x == extreme)
            rest = x[present & ~at_extreme]
            if rest.size == 0:
                break
            x[at_extreme] = rest.min()
        clipped = int(at_extreme.sum())
        passes = skew_kurt_pass(x, skew_limit, kurt_limit)
    return x, clipped, passes


def treat_indicator(
    code: str,
    values: np.ndarray,
    winmax: int,
    skew_limit: float = 2.0,
    kurt_limit: float = 3.5,
) -> tuple[np.ndarray, TreatmentRecord]:
    """JRC/COINr outlier treatment of one indicator: check → winsorise → log fallback.

    An indicator that fails (|skew| ≥ 2 and kurtosis ≥ 3.5) is winsorised up to ``winmax``
    points; if it still fails, the *untreated* values are log-transformed with ``log_CT``.
    """
    skew0, kurt0 = skewness(values), kurtosis(values)
    passed0 = abs(skew0) < skew_limit or kurt0 < kurt_limit
    if passed0:
        record = TreatmentRecord(code, True, skew0, kurt0, 0, "none", None, None, None)
        return values.astype(float).copy(), record
    treated, clipped, passes = winsorise_coinr(values, winmax, skew_limit, kurt_limit)
    method = "winsorise"
    if not passes:
        treated, method, clipped = log_ct(values.astype(float)), "log_ct", 0
        passes = skew_kurt_pass(treated, skew_limit, kurt_limit)
    record = TreatmentRecord(
        code, False, skew0, kurt0, clipped, method, passes, skewness(treated), kurtosis(treated)
    )
    return treated, record


def treat(
    data: pd.DataFrame, winmax: int = 5, skew_limit: float = 2.0, kurt_limit: float = 3.5
) -> tuple[pd.DataFrame, list[TreatmentRecord]]:
    """Apply :func:`treat_indicator` to every column."""
    out = data.copy()
    records = []
    for code in data.columns:
        out[code], record = treat_indicator(
            str(code), data[code].to_numpy(dtype=float), winmax, skew_limit, kurt_limit
        )
        records.append(record)
    return out, records


# ---------------------------------------------------------------------------------- normalise


def minmax(values: np.ndarray, low: float = 0.0, high: float = 100.0, axis: int = 0) -> np.ndarray:
    """Min-max to [low, high] (COINr ``n_minmax``): (x − min)/(max − min)·(high − low) + low.

    A constant column maps to NaN, as in COINr: it carries no information to rank by.
    """
    lo = np.nanmin(values, axis=axis, keepdims=True)
    hi = np.nanmax(values, axis=axis, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        out: np.ndarray = (values - lo) / (hi - lo) * (high - low) + low
    return out


def minmax_with_bounds(
    values: np.ndarray, lo: np.ndarray, hi: np.ndarray, low: float = 0.0, high: float = 100.0
) -> np.ndarray:
    """Min-max against given (frozen) bounds, so scores of different years share one scale.

    Values outside the bounds fall outside [low, high] on purpose: clipping would hide progress
    beyond the reference year's best.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        out: np.ndarray = (values - lo) / (hi - lo) * (high - low) + low
    return out


def zscore(values: np.ndarray, mean: float = 0.0, sd: float = 1.0, axis: int = 0) -> np.ndarray:
    """Z-score rescaled to a given mean and sd (COINr ``n_zscore``, sample sd, NaNs dropped)."""
    mu = np.nanmean(values, axis=axis, keepdims=True)
    sigma = np.nanstd(values, axis=axis, ddof=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        out: np.ndarray = (values - mu) / sigma * sd + mean
    return out


def distance_to_target(
    values: np.ndarray, targets: np.ndarray, scale: float = 100.0, cap: bool = True
) -> np.ndarray:
    """Distance to target (COINr ``n_dist2targ``): (x − min)/(target − min), capped at 1.

    ``values`` already carry the direction (multiplied by ±1), and so do ``targets``.
    """
    lo = np.nanmin(values, axis=0, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        out: np.ndarray = (values - lo) / (targets.reshape(1, -1) - lo)
    if cap:
        out = np.minimum(out, 1.0)
    return out * scale


def rank_scores(values: np.ndarray, scale: float = 100.0) -> np.ndarray:
    """Rank normalisation: the share of other units a unit beats or ties, ×scale (ties average).

    Robust to outliers, but it throws away distances (Handbook 2008, §5).
    """
    frame = pd.DataFrame(values)
    ranks = frame.rank(axis=0, method="average", na_option="keep").to_numpy()
    counts = frame.notna().sum(axis=0).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        out: np.ndarray = (ranks - 1) / (counts - 1) * scale
    return out
