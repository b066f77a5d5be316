"""Records for the full-text search tests, added to the web world through the services: English
texts (stemming), traditional characters (folding), codes at several levels (facets)."""

from __future__ import annotations

from dataclasses import dataclass

from web_world import WebWorld

from kechuang.domain import (
    Achievement,
    Actor,
    Expert,
    Organisation,
    OrganisationKind,
    Work,
)
from kechuang.services import achievements, experts, organisations, transaction


@dataclass
class SearchRecords:
    """Ids of the added records."""

    membrane_lab: int
    catalysis_expert: int
    fuel_cell_achievement: int


def add_search_records(world: WebWorld) -> SearchRecords:
    """A laboratory with an English name and profile, an expert with English works, and an
    achievement written in traditional characters."""
    system = Actor.system("test")
    with transaction():
        lab = organisations.create(
            system,
            Organisation(
                kind=OrganisationKind.LABORATORY,
                name="膜材料重点实验室",
                name_en="Advanced Membrane Materials Laboratory",
                lab_level="provincial",
                region_id=world.region_b,
                description="We develop proton exchange membranes for hydrogen fuel cells.",
                discipline_codes=["4305010"],
                industry_codes=["3841"],
            ),
        )
        expert = experts.create(
            system,
            Expert(
                name="李博士",
                name_en="Dr Li Wei",
                title="研究员",
                affiliation="兰州化物所",
                region_id=world.region_a,
                discipline_codes=["430"],
                industry_codes=["2614"],
                works=[
                    Work(
                        kind="paper",
                        title="Catalysts for selective hydrogenation",
                        abstract="Supported palladium catalysts hydrogenate alkynes selectively.",
                    )
                ],
            ),
        )
        achievement = achievements.create(
            system,
            Achievement(
                title="燃料電池膜電極量產技術",
                description="質子交換膜燃料電池的膜電極組件連續化生產。",
                owner_name="膜材料重点实验室",
                region_id=world.region_b,
                trl=7,
                industry_codes=["3841"],
            ),
        )
    assert lab.id is not None
    assert expert.id is not None
    assert achievement.id is not None
    return SearchRecords(lab.id, expert.id, achievement.id)
