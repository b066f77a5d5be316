"""The demo region: 兰州新区 as the Lanzhou Daily report describes it, plus peer pilot regions.

Deterministic (seeded) and written only through the services, as an importer would.
"""
