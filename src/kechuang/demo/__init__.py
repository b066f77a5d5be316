"""The demo region: 兰州新区 as the Lanzhou Daily report describes it, plus peer pilot regions.

Deterministic (seeded) and written only through the services, as an importer would.
"""

DEFAULT_SEED = 20240827
"""The report's date; `kechuang demo` uses it unless --seed is given (kept here, import-cheap,
so that `kechuang --help` does not load the content)."""
