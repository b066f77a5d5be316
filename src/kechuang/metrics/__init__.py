"""Composite indicators as a pure numpy/pandas library (科创指数).

Everything a composite index needs, from raw indicators to ranks with honest uncertainty:
denominate, impute, screen, treat outliers (the JRC/COINr rule), normalise, weight, aggregate
level by level, remove elements; Monte Carlo uncertainty with Sobol sensitivity; year-to-year
comparability. Each step is a small pure function whose docstring names its source, so that a
ranking can be re-computed and explained by anyone. No web framework, no ORM.
"""

from kechuang.metrics.errors import IndexSpecError
from kechuang.metrics.pipeline import IndexResult, run_index
from kechuang.metrics.spec import IndexSpec, load_spec
from kechuang.metrics.tree import Dataset, IndicatorTree

__all__ = [
    "Dataset",
    "IndexResult",
    "IndexSpec",
    "IndexSpecError",
    "IndicatorTree",
    "load_spec",
    "run_index",
]
