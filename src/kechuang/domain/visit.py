"""Visits: one count per visitor per public resource page per day, for the ranking's activity
indicator. Only a salted daily hash of the visitor is kept (computed by the web layer), never an
address or a user agent."""

from __future__ import annotations

from enum import StrEnum

from kechuang.domain.vocab import register_labels


class ResourceKind(StrEnum):
    """The public resources whose page views are counted."""

    REGION = "region"
    ORGANISATION = "organisation"
    EXPERT = "expert"
    ACHIEVEMENT = "achievement"
    DEMAND = "demand"
    EVENT = "event"
    HONOUR_LIST = "honour_list"


register_labels(
    ResourceKind,
    {
        "region": ("区域", "Region"),
        "organisation": ("机构", "Organisation"),
        "expert": ("专家", "Expert"),
        "achievement": ("科技成果", "Achievement"),
        "demand": ("科技需求", "Demand"),
        "event": ("活动", "Event"),
        "honour_list": ("榜单", "Honour list"),
    },
)
