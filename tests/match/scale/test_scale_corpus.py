"""The synthetic corpus is deterministic, bilingual and faceted as the benchmark assumes."""

from __future__ import annotations

from kechuang.match.scale.corpus import KINDS, REGIONS, CorpusGenerator


def test_same_seed_same_resource_wherever_generation_starts() -> None:
    first = list(CorpusGenerator(seed=3).resources(50))
    again = list(CorpusGenerator(seed=3).resources(20, start=30))
    assert first[30:] == again
    assert list(CorpusGenerator(seed=4).resources(5)) != first[:5]


def test_bilingual_realistic_lengths_and_facets() -> None:
    resources = list(CorpusGenerator(seed=5).resources(400))
    chinese = [r for r in resources if r.entity.metadata["language"] == "zh"]
    english = [r for r in resources if r.entity.metadata["language"] == "en"]
    assert 0.6 < len(chinese) / len(resources) < 0.9
    assert english
    assert min(len(r.work.text) for r in chinese) >= 60
    assert max(len(r.work.text) for r in chinese) <= 500
    assert all(len(r.work.text.split()) >= 20 for r in english)
    assert {r.entity.kind for r in resources} <= set(KINDS)
    assert {r.entity.metadata["region"] for r in resources} <= set(REGIONS)
    assert all(r.work.owners == (r.entity.id,) for r in resources)


def test_demands_are_short_and_seeded() -> None:
    demands = CorpusGenerator(seed=5).demands(30)
    assert demands == CorpusGenerator(seed=5).demands(30)
    assert all(10 <= len(text) <= 200 for text in demands)
    assert any(text.isascii() for text in demands)
