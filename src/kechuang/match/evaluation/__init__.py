"""Quality benchmark suites for the matching engine, dispatched by ``kechuang bench quality``.

Every suite is a function registered in :data:`SUITES` under the name given to ``--suite``, with
exactly this signature (keyword arguments)::

    def run_suite(
        *, data: Path, split: Path | None, predictions_out: Path | None
    ) -> dict[str, object]: ...

- ``data``: the data folder in the documented layout (e.g. ``goldstandard_rap/``,
  ``fewclue_csldcp/``, ``csl_benchmark/``); suites must not read anything outside it.
- ``split``: the file to evaluate on (``--split``), either absolute or relative to ``data``;
  ``None`` when the suite has no splits or uses its default.
- ``predictions_out``: when given, the suite writes what it was scored on there (shape per suite,
  see issue 3) so the figure can be checked by others.
- Returns the JSON-serialisable result (metrics as fractions in [0, 1]) that ``--json`` prints.

Suites raise ``FileNotFoundError``/``ValueError`` with a message saying which file is missing or
malformed and how to fix it; the CLI turns those into an exit code. Heavy imports happen inside the
suite modules so that importing this registry is cheap: the registry maps names to thin loaders.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Protocol


class Suite(Protocol):
    """A quality benchmark: reads a data folder, returns its JSON result."""

    def __call__(
        self, *, data: Path, split: Path | None, predictions_out: Path | None
    ) -> dict[str, object]: ...


def _lazy(module: str, function: str) -> Callable[..., dict[str, object]]:
    """Return a suite that imports ``module`` only when it runs (keeps the CLI fast)."""

    def run(*, data: Path, split: Path | None, predictions_out: Path | None) -> dict[str, object]:
        suite: Callable[..., dict[str, object]] = getattr(importlib.import_module(module), function)
        return suite(data=data, split=split, predictions_out=predictions_out)

    run.__doc__ = f"Run {module}.{function} (imported lazily)."
    return run


SUITES: dict[str, Callable[..., dict[str, object]]] = {
    "goldstandard": _lazy("kechuang.match.evaluation.goldstandard", "run_suite"),
    "csl-retrieval": _lazy("kechuang.match.evaluation.csl_retrieval", "run_suite"),
    "csl-discipline": _lazy("kechuang.match.evaluation.csl_discipline", "run_suite"),
}


def resolve_split(data: Path, split: Path | None) -> Path | None:
    """Resolve ``--split`` relative to the data folder unless it is absolute or exists as given."""
    if split is None:
        return None
    if split.is_absolute() or split.exists():
        return split
    return data / split
