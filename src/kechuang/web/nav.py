"""The navigation bar: which sections each role sees (the services still check every action)."""

from __future__ import annotations

from dataclasses import dataclass

from kechuang.domain.user import Role
from kechuang.web.i18n import N_


@dataclass(frozen=True)
class NavItem:
    """One link of the navigation bar; ``label`` is an English msgid."""

    href: str
    label: str


PUBLIC: tuple[NavItem, ...] = (
    NavItem("/demands", N_("Demands")),
    NavItem("/achievements", N_("Achievements")),
    NavItem("/experts", N_("Experts")),
    NavItem("/organisations", N_("Organisations")),
    NavItem("/events", N_("Events")),
    NavItem("/honours", N_("Honour lists")),
    NavItem("/search", N_("Search")),
)

BY_ROLE: dict[Role, tuple[NavItem, ...]] = {
    Role.ENTERPRISE_MEMBER: (NavItem("/my/demands", N_("My demands")),),
    Role.EXPERT: (
        NavItem("/expert/invitations", N_("Invitations")),
        NavItem("/expert/profile", N_("My profile")),
        NavItem("/expert/reviews", N_("Reviews")),
    ),
    Role.REGION_OPERATOR: (
        NavItem("/operator/review", N_("Demand review")),
        NavItem("/operator/moderation", N_("Moderation queue")),
        NavItem("/operator/workbench", N_("Matching workbench")),
        NavItem("/operator/dockings", N_("Docking board")),
        NavItem("/operator/events", N_("Manage events")),
        NavItem("/operator/honours", N_("Manage honour lists")),
        NavItem("/dashboard", N_("Dashboard")),
        NavItem("/operator/users", N_("Users")),
        NavItem("/operator/import", N_("Import")),
    ),
    Role.NATIONAL_ADMIN: (
        NavItem("/operator/review", N_("Demand review")),
        NavItem("/operator/moderation", N_("Moderation queue")),
        NavItem("/operator/workbench", N_("Matching workbench")),
        NavItem("/operator/dockings", N_("Docking board")),
        NavItem("/operator/events", N_("Manage events")),
        NavItem("/operator/honours", N_("Manage honour lists")),
        NavItem("/dashboard", N_("Dashboard")),
        NavItem("/operator/import", N_("Import")),
    ),
    Role.ORG_MEMBER: (),
}


def nav_for(role: Role | None) -> tuple[NavItem, ...]:
    """The links shown to a visitor with ``role`` (``None`` for the public)."""
    return PUBLIC + (BY_ROLE.get(role, ()) if role is not None else ())
