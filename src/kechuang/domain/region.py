"""Regions (pilot cities and parks) and the organisations a region has docked.

One installation hosts many regions: the national ranking compares them, and an operator sees only
their own region's non-public data.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field

from kechuang.domain.common import DomainModel, Record
from kechuang.domain.vocab import register_labels


class RegionKind(StrEnum):
    """What sort of pilot the region is."""

    CITY = "city"
    PARK = "park"
    NEW_AREA = "new_area"
    COUNTY = "county"


register_labels(
    RegionKind,
    {
        "city": ("试点城市", "Pilot city"),
        "park": ("试点园区", "Pilot park"),
        "new_area": ("国家级新区", "National new area"),
        "county": ("试点县区", "Pilot county"),
    },
)


class Region(Record):
    """A 科创中国 pilot region, e.g. 兰州新区 (Lanzhou New Area)."""

    name: str = Field(min_length=1, max_length=100)
    name_en: str = Field("", max_length=200)
    kind: RegionKind = RegionKind.PARK
    province: str = Field("", max_length=50)
    division_code: str = Field("", max_length=12, description="行政区划代码 (GB/T 2260)")
    description: str = ""
    docking_stale_days: int | None = Field(None, ge=1, le=365)
    """The region's own stale-docking threshold in days; None: the installation's
    ``KECHUANG_DOCKING_STALE_DAYS``."""


class Commitment(DomainModel):
    """One promise made when an organisation docks with a region (e.g. serve ≥ 10 demands)."""

    description: str = Field(min_length=1)
    target: int | None = Field(None, ge=0)
    unit: str = ""


class RegionDocking(Record):
    """An organisation (e.g. a national society) that signed a cooperation with a region."""

    region_id: int
    organisation_id: int
    signed_on: date
    ended_on: date | None = None
    commitments: list[Commitment] = Field(default_factory=list)
    notes: str = ""
