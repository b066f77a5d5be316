"""The matching engine at scale: a versioned on-disk index, its upkeep, and batch matching.

Builds on :class:`~kechuang.match.engine.MatchIndex` (its build/save/load/query API is the only
one): ``persistence`` adds a manifest, atomic saves and a clear error on a format mismatch;
``upkeep`` keeps an index current as records change without re-encoding unchanged texts;
``batch`` matches many queries on dask.distributed with results identical to one process.
"""
