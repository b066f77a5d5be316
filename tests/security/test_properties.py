"""Property tests (hypothesis) where the feature suites have none: the text analyser takes any
text without breaking and analyses deterministically, and the index pipeline's normalisation and
aggregation steps keep their bounds and order for any data. The importers' properties are in
``tests/exchange/test_exchange_properties.py`` (cell round trips, formula-looking text)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from kechuang.match.text.analyzer import Analyzer
from kechuang.metrics.aggregate import weighted_arithmetic
from kechuang.metrics.steps import minmax, rank_scores

ANALYZER = Analyzer()
BUDGET = settings(max_examples=150, deadline=None, derandomize=True, database=None)
ANY_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300
) | st.sampled_from(["", " ", "\x00", "兰州新区氢能", "軟體網路", "ＡＢＣ１２３", "<script>"])


@BUDGET
@given(ANY_TEXT)
def test_analyser_takes_any_text(text: str) -> None:
    tokens = ANALYZER.tokens(text)
    assert all(isinstance(token, str) and token for token in tokens)
    assert all(not token.isspace() for token in tokens)
    assert ANALYZER.tokens(text) == tokens  # deterministic


@BUDGET
@given(ANY_TEXT)
def test_folding_is_idempotent(text: str) -> None:
    once = ANALYZER.normalize(text)
    assert ANALYZER.normalize(once) == once


FINITE = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False)


@BUDGET
@given(arrays(np.float64, st.tuples(st.integers(2, 12), st.integers(1, 4)), elements=FINITE))
def test_minmax_stays_in_bounds_and_keeps_order(values: np.ndarray) -> None:
    scaled = minmax(values, 0.0, 100.0)
    for column in range(values.shape[1]):
        raw, out = values[:, column], scaled[:, column]
        if np.ptp(raw) == 0:
            assert np.isnan(out).all()  # a constant carries nothing to rank by
            continue
        assert np.nanmin(out) >= -1e-9
        assert np.nanmax(out) <= 100 + 1e-9
        order = np.argsort(raw, kind="stable")
        assert np.all(np.diff(out[order]) >= -1e-9)


@BUDGET
@given(arrays(np.float64, st.tuples(st.integers(2, 12), st.integers(1, 4)), elements=FINITE))
def test_rank_scores_stay_in_bounds(values: np.ndarray) -> None:
    scores = rank_scores(values)
    assert np.all((scores >= 0) & (scores <= 100))


@BUDGET
@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 8), st.integers(1, 5)),
        elements=st.floats(0, 100) | st.just(float("nan")),
    ),
    st.lists(st.floats(0.01, 10), min_size=5, max_size=5),
)
def test_weighted_mean_lies_between_the_children(values: np.ndarray, weights: list[float]) -> None:
    w = np.array(weights[: values.shape[1]])
    out = weighted_arithmetic(values, w)
    for row, result in zip(values, out, strict=True):
        present = row[~np.isnan(row)]
        if present.size == 0:
            assert np.isnan(result)
        else:
            assert present.min() - 1e-9 <= result <= present.max() + 1e-9
