"""Permission rules: one named rule per public service function, in one registry.

Services call :func:`require` with the actor and the record (or an access context) before they
read or write; the registry lets a test fail when a public service function has no rule, and lets
the hardening suite generate its action × role × ownership matrix from :func:`describe`.
Rules are small predicates over the actor's role and bindings (region, organisation, expert).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kechuang.domain import (
    Achievement,
    AchievementStatus,
    Actor,
    Demand,
    DemandStatus,
    Event,
    Expert,
    HonourList,
    HonourListStatus,
    Organisation,
    PermissionDenied,
    Region,
    RegionDocking,
    Role,
    User,
    Volunteer,
)
from kechuang.domain.errors import NotFound

Check = Callable[[Actor, Any], bool]


@dataclass(frozen=True)
class Rule:
    """A named permission rule: who may perform the action, as a predicate and in words."""

    name: str
    description: str
    check: Check


RULES: dict[str, Rule] = {}
"""The registry: ``"<service module>.<function>"`` → rule."""


def rule(name: str, description: str) -> Callable[[Check], Check]:
    """Register ``check`` as the rule for action ``name`` (modules of other engineers use this)."""

    def register(check: Check) -> Check:
        if name in RULES:
            raise KeyError(f"duplicate permission rule {name!r}")
        RULES[name] = Rule(name, description, check)
        return check

    return register


def allowed(actor: Actor, name: str, subject: Any = None) -> bool:
    """True when the rule for ``name`` lets ``actor`` act on ``subject``."""
    return RULES[name].check(actor, subject)


def require(
    actor: Actor, name: str, subject: Any = None, *, hide: tuple[str, str] | None = None
) -> None:
    """Raise unless allowed. With ``hide=(kind_zh, kind_en)`` a refusal reads as NotFound, so the
    response does not reveal that the record exists."""
    if allowed(actor, name, subject):
        return
    if hide is not None:
        raise NotFound.of(hide[0], hide[1], getattr(subject, "id", ""))
    raise PermissionDenied.for_action(name)


def describe() -> list[tuple[str, str]]:
    """Every action with its rule in words, sorted (for docs and the permission matrix)."""
    return sorted((name, entry.description) for name, entry in RULES.items())


# -- predicates ------------------------------------------------------------------------------

MEMBER_ROLES = frozenset({Role.ENTERPRISE_MEMBER, Role.ORG_MEMBER})


def is_admin(actor: Actor) -> bool:
    """National admins and the system actor."""
    return actor.role is Role.NATIONAL_ADMIN


def is_system(actor: Actor) -> bool:
    """The system actor (CLI jobs, importers, the demo) — not a signed-in admin. Only it may
    record past times (docking steps, publication), which KPI response times are measured on."""
    return actor.user_id is None and actor.role is Role.NATIONAL_ADMIN


def operates(actor: Actor, region_id: int | None) -> bool:
    """A region operator of exactly this region."""
    return (
        actor.role is Role.REGION_OPERATOR
        and region_id is not None
        and actor.region_id == region_id
    )


def staff(actor: Actor, region_id: int | None) -> bool:
    """Admins everywhere, operators in their own region."""
    return is_admin(actor) or operates(actor, region_id)


def signed_in(actor: Actor) -> bool:
    """Any authenticated user (or the system)."""
    return not actor.is_anonymous


def member_of(actor: Actor, organisation_id: int | None) -> bool:
    """An enterprise or organisation member bound to this organisation."""
    return (
        actor.role in MEMBER_ROLES
        and organisation_id is not None
        and actor.organisation_id == organisation_id
    )


def is_expert(actor: Actor, expert_id: int | None) -> bool:
    """The expert account bound to this expert profile."""
    return actor.role is Role.EXPERT and expert_id is not None and actor.expert_id == expert_id


def anyone(_actor: Actor, _subject: Any = None) -> bool:
    """Public actions."""
    return True


def can_see_expert_contact(actor: Actor, expert: Expert) -> bool:
    """Private contacts: admins, the expert's region operators and the expert."""
    return staff(actor, expert.region_id) or is_expert(actor, expert.id)


PUBLIC_ACHIEVEMENT_STATUSES = frozenset(
    {AchievementStatus.PUBLISHED, AchievementStatus.NEGOTIATING, AchievementStatus.TRANSFERRED}
)
PUBLIC_DEMAND_STATUSES = frozenset(
    {DemandStatus.PUBLISHED, DemandStatus.DOCKING, DemandStatus.SOLVED}
)
ENTERPRISE_DEMAND_STATUSES = frozenset(
    {DemandStatus.DRAFT, DemandStatus.PENDING_REVIEW, DemandStatus.CLOSED}
)
"""Statuses an enterprise may set itself; publishing is the operator's review decision."""


@dataclass(frozen=True)
class DemandAccess:
    """A demand with what the policy needs to decide on its detail."""

    demand: Demand
    nda_accepted: bool = False
    docked_party: bool = False


@dataclass(frozen=True)
class DockingAccess:
    """A docking with both parties resolved (enterprise side and provider side)."""

    region_id: int
    enterprise_id: int
    provider_organisation_id: int | None
    provider_expert_id: int | None


@dataclass(frozen=True)
class ReviewAccess:
    """An honour list and the reviewers of one round."""

    honour_list: HonourList
    reviewer_expert_ids: frozenset[int]


# -- regions ---------------------------------------------------------------------------------

_ADMIN = "national admin only"
_PUBLIC = "anyone, including the public"
rule("regions.create", _ADMIN)(lambda a, _s: is_admin(a))
rule("regions.upsert", _ADMIN)(lambda a, _s: is_admin(a))
rule("regions.archive", _ADMIN)(lambda a, _s: is_admin(a))
rule("regions.update", "admins; operators of that region")(
    lambda a, r: isinstance(r, Region) and staff(a, r.id)
)
for _name in ("regions.get", "regions.get_by_name", "regions.list", "regions.list_dockings"):
    rule(_name, _PUBLIC)(anyone)
for _name in ("regions.dock", "regions.update_docking", "regions.end_docking"):
    rule(_name, "admins; operators of the docking's region")(
        lambda a, d: isinstance(d, RegionDocking) and staff(a, d.region_id)
    )


# -- organisations ---------------------------------------------------------------------------


def _may_create_organisation(actor: Actor, organisation: Organisation) -> bool:
    return staff(actor, organisation.region_id) or (
        actor.role is Role.REGION_OPERATOR and organisation.region_id is None
    )


_ORG_CREATE = "admins; operators in their region, and region-less (national) bodies"
rule("organisations.create", _ORG_CREATE)(_may_create_organisation)
rule("organisations.upsert", _ORG_CREATE)(_may_create_organisation)
rule("organisations.update", _ORG_CREATE + "; members of that organisation")(
    lambda a, o: _may_create_organisation(a, o) or member_of(a, o.id)
)
rule("organisations.archive", "admins; operators of the organisation's region")(
    lambda a, o: staff(a, o.region_id)
)
rule("organisations.find_by_credit_code", "any signed-in user")(lambda a, _s: signed_in(a))
for _name in ("organisations.get", "organisations.list", "organisations.all_in_region"):
    rule(_name, _PUBLIC)(anyone)


# -- experts ---------------------------------------------------------------------------------


def _may_create_expert(actor: Actor, expert: Expert) -> bool:
    return staff(actor, expert.region_id) or (
        actor.role is Role.REGION_OPERATOR and expert.region_id is None
    )


rule("experts.create", "admins; operators in their region (or region-less experts)")(
    _may_create_expert
)
rule("experts.upsert", "admins; operators in their region (or region-less experts)")(
    _may_create_expert
)
for _name in ("experts.update", "experts.add_work", "experts.remove_work"):
    rule(_name, "admins; operators of the expert's region; the expert")(
        lambda a, e: _may_create_expert(a, e) or is_expert(a, e.id)
    )
rule("experts.archive", "admins; operators of the expert's region")(
    lambda a, e: staff(a, e.region_id)
)
for _name in ("experts.get", "experts.list", "experts.all_with_works"):
    rule(_name, _PUBLIC + "; contact data only for admins, region operators, the expert")(anyone)


# -- volunteers ------------------------------------------------------------------------------

for _name in (
    "volunteers.create",
    "volunteers.update",
    "volunteers.archive",
    "volunteers.upsert",
    "volunteers.get",
):
    rule(_name, "admins; operators of the volunteer's region")(
        lambda a, v: isinstance(v, Volunteer) and staff(a, v.region_id)
    )
rule("volunteers.list", "admins; operators (their region only)")(
    lambda a, _s: is_admin(a) or a.role is Role.REGION_OPERATOR
)
rule("volunteers.count", _PUBLIC + " (an aggregate figure)")(anyone)


# -- achievements ----------------------------------------------------------------------------


def _may_edit_achievement(actor: Actor, achievement: Achievement) -> bool:
    return (
        staff(actor, achievement.region_id)
        or member_of(actor, achievement.owner_organisation_id)
        or is_expert(actor, achievement.owner_expert_id)
    )


for _name in (
    "achievements.create",
    "achievements.update",
    "achievements.archive",
    "achievements.upsert",
):
    rule(_name, "admins; operators of its region; members of the owning organisation; owner")(
        _may_edit_achievement
    )
rule("achievements.get", "published ones: anyone; others: those who may edit it")(
    lambda a, x: x.status in PUBLIC_ACHIEVEMENT_STATUSES or _may_edit_achievement(a, x)
)
for _name in ("achievements.list", "achievements.all_in_region"):
    rule(_name, _PUBLIC + " (published ones; editors also see their drafts)")(anyone)


# -- demands ---------------------------------------------------------------------------------


def _owns_demand(actor: Actor, demand: Demand) -> bool:
    return (
        actor.role is Role.ENTERPRISE_MEMBER
        and actor.organisation_id == demand.enterprise_id
        and actor.region_id == demand.region_id
    )


def may_edit_demand(actor: Actor, demand: Demand) -> bool:
    """Admins, the demand's region operators, and members of the demanding enterprise."""
    return staff(actor, demand.region_id) or _owns_demand(actor, demand)


def may_read_demand_detail(actor: Actor, access: DemandAccess) -> bool:
    """The tier rule: public → anyone; members → signed-in; nda → parties and NDA signers."""
    demand = access.demand
    if may_edit_demand(actor, demand) or access.docked_party:
        return True
    if demand.status not in PUBLIC_DEMAND_STATUSES or demand.archived:
        return False
    tier = demand.tier.value
    if tier == "public":
        return True
    if tier == "members":
        return signed_in(actor)
    return signed_in(actor) and access.nda_accepted


for _name in ("demands.create", "demands.update", "demands.archive", "demands.upsert"):
    rule(_name, "admins; operators of its region; members of the demanding enterprise")(
        may_edit_demand
    )
rule("demands.nda_acceptances", "admins; operators of its region; the demanding enterprise")(
    may_edit_demand
)
rule("demands.get", "by tier: public → anyone; members → signed-in; nda → after accepting")(
    may_read_demand_detail
)
rule("demands.get_teaser", "published demands: anyone; others: those who may edit them")(
    lambda a, d: (d.status in PUBLIC_DEMAND_STATUSES and not d.archived) or may_edit_demand(a, d)
)
rule("demands.accept_nda", "any signed-in user, for a published demand")(
    lambda a, d: signed_in(a) and d.status in PUBLIC_DEMAND_STATUSES
)
for _name in (
    "demands.list",
    "demands.list_teasers",
    "demands.all_in_region",
    "demands.can_read_detail",
):
    rule(_name, _PUBLIC + " (results narrowed to what the actor may read)")(anyone)


# -- dockings --------------------------------------------------------------------------------


def docking_party(actor: Actor, access: DockingAccess) -> bool:
    """The enterprise behind the demand, or the expert/organisation on the provider side."""
    return (
        (actor.role is Role.ENTERPRISE_MEMBER and actor.organisation_id == access.enterprise_id)
        or is_expert(actor, access.provider_expert_id)
        or member_of(actor, access.provider_organisation_id)
    )


rule("dockings.create", "admins; operators of its region; the demanding enterprise")(
    lambda a, x: (
        staff(a, x.region_id)
        or (a.role is Role.ENTERPRISE_MEMBER and a.organisation_id == x.enterprise_id)
    )
)
for _name in ("dockings.get", "dockings.transition", "dockings.give_feedback"):
    rule(_name, "admins; operators of its region; both parties")(
        lambda a, x: staff(a, x.region_id) or docking_party(a, x)
    )
rule("dockings.update", "admins; operators of its region")(lambda a, x: staff(a, x.region_id))
rule("dockings.list", "signed-in users (narrowed to the dockings they may see)")(
    lambda a, _s: signed_in(a)
)


# -- events ----------------------------------------------------------------------------------

for _name in (
    "events.create",
    "events.update",
    "events.archive",
    "events.invite",
    "events.record_attendance",
    "events.link_docking",
):
    rule(_name, "admins; operators of the event's region")(
        lambda a, e: isinstance(e, Event) and staff(a, e.region_id)
    )
for _name in ("events.get", "events.list"):
    rule(_name, _PUBLIC)(anyone)


# -- honour lists ----------------------------------------------------------------------------


def _list_staff(actor: Actor, honour_list: HonourList) -> bool:
    return staff(actor, honour_list.region_id) if honour_list.region_id else is_admin(actor)


for _name in (
    "honours.create",
    "honours.update",
    "honours.archive",
    "honours.open_round",
    "honours.close_round",
    "honours.publish",
):
    rule(_name, "admins; operators of the list's region (national lists: admins)")(_list_staff)
rule("honours.get", "open or published lists: anyone; lists under review: staff and reviewers")(
    lambda a, h: (
        h.status is not HonourListStatus.REVIEWING
        or _list_staff(a, h)
        or (
            a.role is Role.EXPERT
            and any(a.expert_id in r.reviewer_expert_ids for r in h.review_rounds)
        )
    )
)
rule("honours.list", _PUBLIC + " (lists under review only for staff)")(anyone)
rule("honours.nominate", "signed-in users of the list's region while nominations are open")(
    lambda a, h: (
        signed_in(a)
        and h.status is HonourListStatus.NOMINATING
        and (h.region_id is None or is_admin(a) or a.region_id == h.region_id)
    )
)
rule("honours.score", "staff; the round's reviewers")(
    lambda a, x: (
        _list_staff(a, x.honour_list)
        or (a.role is Role.EXPERT and a.expert_id in x.reviewer_expert_ids)
    )
)


# -- users -----------------------------------------------------------------------------------


def manages_user(actor: Actor, user: User) -> bool:
    """Admins manage everyone; operators manage the non-admin users of their region."""
    return is_admin(actor) or (
        operates(actor, user.region_id) and user.role is not Role.NATIONAL_ADMIN
    )


def is_self(actor: Actor, user: User) -> bool:
    """The user acting on their own account."""
    return actor.user_id is not None and actor.user_id == user.id


rule("users.create", "admins; operators for non-admin users of their region")(manages_user)
for _name in ("users.get", "users.get_by_username", "users.update", "users.set_password"):
    rule(_name, "the user; admins; operators of the user's region")(
        lambda a, u: is_self(a, u) or manages_user(a, u)
    )


def signs_up(actor: Actor, _subject: Any = None) -> bool:
    """The anonymous public (and the system); a signed-in user does not open a second account."""
    return actor.is_anonymous or is_system(actor)


rule(
    "users.sign_up",
    "the anonymous public (and the system): nobody signed in opens a second account this way",
)(signs_up)
rule("users.deactivate", "admins; operators of the user's region")(manages_user)
rule("users.unlock", "admins; operators of the user's region")(manages_user)
rule("users.list", "admins; operators (their region only)")(
    lambda a, _s: is_admin(a) or a.role is Role.REGION_OPERATOR
)
for _name in ("users.issue_api_token", "users.list_tokens", "users.revoke_token"):
    rule(_name, "the user; admins")(lambda a, u: is_self(a, u) or is_admin(a))
for _name in (
    "users.sign_in",
    "users.sign_out",
    "users.resolve_session",
    "users.resolve_api_token",
    "users.request_password_reset",
    "users.reset_password",
):
    rule(_name, _PUBLIC + " (the secret or password is the credential)")(anyone)


# -- visits --------------------------------------------------------------------------------

rule("visits.record", _PUBLIC + " (the web layer counts page views; no personal data)")(anyone)
for _name in ("visits.count", "visits.daily"):
    rule(_name, _PUBLIC + " (aggregate counts)")(anyone)


# -- audit -----------------------------------------------------------------------------------

rule("audit.list", "admins; operators (their region only)")(
    lambda a, _s: is_admin(a) or a.role is Role.REGION_OPERATOR
)
rule("audit.record", "any signed-in user or the system")(lambda a, _s: signed_in(a))


# -- moderation (held profile edits) ---------------------------------------------------------

rule("moderation.queue", "admins; operators (their region only)")(
    lambda a, _s: is_admin(a) or a.role is Role.REGION_OPERATOR
)
for _name in ("moderation.get", "moderation.apply", "moderation.reject"):
    rule(_name, "admins; operators of the held record's region (region-less records: admins)")(
        staff
    )
