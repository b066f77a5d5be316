"""The matching engine: a pure library (no ORM, no web framework).

Texts are analysed (``text``), indexed lexically (bm25s) and semantically (embedders), fused,
aggregated from works to experts and explained (``engine``); ``evaluation`` measures it on real
data. The public API is small, in the bm25s spirit: build/fit, save, load, query.
"""
