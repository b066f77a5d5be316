"""The permission matrix: every action in the service layer's rule registry × every role ×
ownership (own / other enterprise, own / other region, public / members / NDA tier, draft /
published) against an expected allow/deny table written here, independently of the rules.

The table is the promise in a form a reviewer can read; the test fails when a rule drifts from it
and when an action is added to ``policy.RULES`` without a row here (or a row names no action).
The service-level tests (``tests/services/test_services_permissions.py``) prove that the services
actually consult these rules on real data; this file proves the rules say what we promise.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from datetime import date

import pytest

import kechuang.services
from kechuang.domain import (
    Achievement,
    AchievementStatus,
    Actor,
    ConfidentialityTier,
    Demand,
    DemandStatus,
    Event,
    EventKind,
    Expert,
    HonourList,
    HonourListStatus,
    Organisation,
    OrganisationKind,
    Region,
    RegionDocking,
    Role,
    User,
    Volunteer,
)
from kechuang.domain.honour import ReviewRound
from kechuang.services import policy

for _info in pkgutil.iter_modules(kechuang.services.__path__):
    importlib.import_module(f"kechuang.services.{_info.name}")  # every module registers its rules

OWN, OTHER = 1, 2  # regions
ENT_OWN, ENT_OTHER, ORG_OWN, ORG_OTHER, NATIONAL_BODY = 10, 20, 11, 21, 30
EXP_OWN, EXP_OTHER = 5, 6

ACTORS: dict[str, Actor] = {
    "anon": Actor.anonymous(),
    "system": Actor.system("matrix"),
    "admin": Actor(101, Role.NATIONAL_ADMIN, label="admin"),
    "op_own": Actor(102, Role.REGION_OPERATOR, region_id=OWN, label="op_own"),
    "op_other": Actor(103, Role.REGION_OPERATOR, region_id=OTHER, label="op_other"),
    "ent_own": Actor(104, Role.ENTERPRISE_MEMBER, OWN, ENT_OWN, label="ent_own"),
    "ent_other": Actor(105, Role.ENTERPRISE_MEMBER, OTHER, ENT_OTHER, label="ent_other"),
    "org_own": Actor(106, Role.ORG_MEMBER, OWN, ORG_OWN, label="org_own"),
    "org_other": Actor(107, Role.ORG_MEMBER, OTHER, ORG_OTHER, label="org_other"),
    "exp_own": Actor(108, Role.EXPERT, OWN, expert_id=EXP_OWN, label="exp_own"),
    "exp_other": Actor(109, Role.EXPERT, OTHER, expert_id=EXP_OTHER, label="exp_other"),
}

ALL = frozenset(ACTORS)
NOBODY: frozenset[str] = frozenset()
SIGNED = ALL - {"anon"}
ADMIN = frozenset({"system", "admin"})
STAFF = ADMIN | {"op_own"}
OPERATORS = STAFF | {"op_other"}
IN_OWN_REGION = STAFF | {"ent_own", "org_own", "exp_own"}


def _demand(
    tier: ConfidentialityTier = ConfidentialityTier.PUBLIC,
    status: DemandStatus = DemandStatus.PUBLISHED,
    *,
    archived: bool = False,
) -> Demand:
    return Demand(
        id=40,
        region_id=OWN,
        enterprise_id=ENT_OWN,
        title="需求",
        tier=tier,
        status=status,
        archived=archived,
    )


def _achievement(status: AchievementStatus, **owner: int) -> Achievement:
    return Achievement(id=50, title="成果", region_id=OWN, trl=5, status=status, **owner)


def _honours(status: HonourListStatus, region: int | None = OWN) -> HonourList:
    rounds = [ReviewRound(number=1, reviewer_expert_ids=[EXP_OWN])]
    return HonourList(
        id=60,
        kind="emerging_enterprises",
        year=2024,
        title="名单",
        region_id=region,
        status=status,
        review_rounds=rounds,
    )


def _user(actor: str, role: Role, region: int | None) -> User:
    bound = ACTORS[actor]
    return User(
        id=bound.user_id,
        username=f"u_{actor}",
        role=role,
        region_id=region,
        organisation_id=bound.organisation_id,
        expert_id=bound.expert_id,
    )


T = policy.DemandAccess
SUBJECTS: dict[str, Callable[[], object]] = {
    "none": lambda: None,
    "region": lambda: Region(id=OWN, name="兰州新区"),
    "region_docking": lambda: RegionDocking(
        region_id=OWN, organisation_id=NATIONAL_BODY, signed_on=date(2024, 1, 1)
    ),
    "own_enterprise": lambda: Organisation(
        id=ENT_OWN, kind=OrganisationKind.ENTERPRISE, name="企业", region_id=OWN
    ),
    "national_body": lambda: Organisation(
        id=NATIONAL_BODY, kind=OrganisationKind.NATIONAL_SOCIETY, name="学会", region_id=None
    ),
    "own_expert": lambda: Expert(id=EXP_OWN, name="张工", region_id=OWN),
    "regionless_expert": lambda: Expert(id=7, name="王工", region_id=None),
    "volunteer": lambda: Volunteer(name="志愿者", region_id=OWN),
    "achievement_published_org": lambda: _achievement(
        AchievementStatus.PUBLISHED, owner_organisation_id=ORG_OWN
    ),
    "achievement_draft_org": lambda: _achievement(
        AchievementStatus.DRAFT, owner_organisation_id=ORG_OWN
    ),
    "achievement_draft_expert": lambda: _achievement(
        AchievementStatus.DRAFT, owner_expert_id=EXP_OWN
    ),
    "demand_published": _demand,
    "demand_draft": lambda: _demand(status=DemandStatus.DRAFT),
    "demand_archived": lambda: _demand(archived=True),
    "access_public": lambda: T(_demand()),
    "access_members": lambda: T(_demand(ConfidentialityTier.MEMBERS)),
    "access_nda": lambda: T(_demand(ConfidentialityTier.NDA)),
    "access_nda_accepted": lambda: T(_demand(ConfidentialityTier.NDA), nda_accepted=True),
    "access_nda_docked_party": lambda: T(_demand(ConfidentialityTier.NDA), docked_party=True),
    "access_public_draft": lambda: T(_demand(status=DemandStatus.DRAFT)),
    "access_members_archived": lambda: T(_demand(ConfidentialityTier.MEMBERS, archived=True)),
    "docking_org_provider": lambda: policy.DockingAccess(OWN, ENT_OWN, ORG_OWN, None),
    "docking_expert_provider": lambda: policy.DockingAccess(OWN, ENT_OWN, None, EXP_OWN),
    "event": lambda: Event(
        region_id=OWN, kind=EventKind.TRAINING, title="培训", starts_on=date(2024, 8, 27)
    ),
    "honours_nominating": lambda: _honours(HonourListStatus.NOMINATING),
    "honours_reviewing": lambda: _honours(HonourListStatus.REVIEWING),
    "honours_published": lambda: _honours(HonourListStatus.PUBLISHED),
    "honours_national_nominating": lambda: _honours(HonourListStatus.NOMINATING, None),
    "review": lambda: policy.ReviewAccess(_honours(HonourListStatus.REVIEWING), frozenset({5})),
    "user_enterprise": lambda: _user("ent_own", Role.ENTERPRISE_MEMBER, OWN),
    "user_operator": lambda: _user("op_own", Role.REGION_OPERATOR, OWN),
    "user_admin": lambda: _user("admin", Role.NATIONAL_ADMIN, None),
}

PUBLIC = [("none", ALL)]
OWN_ENT = STAFF | {"ent_own"}

EXPECTED: dict[str, list[tuple[str, frozenset[str]]]] = {
    # regions
    "regions.create": [("region", ADMIN)],
    "regions.upsert": [("region", ADMIN)],
    "regions.archive": [("region", ADMIN)],
    "regions.update": [("region", STAFF), ("none", NOBODY)],
    "regions.get": PUBLIC,
    "regions.get_by_name": PUBLIC,
    "regions.list": PUBLIC,
    "regions.list_dockings": PUBLIC,
    "regions.dock": [("region_docking", STAFF), ("none", NOBODY)],
    "regions.update_docking": [("region_docking", STAFF)],
    "regions.end_docking": [("region_docking", STAFF)],
    # organisations
    "organisations.create": [("own_enterprise", STAFF), ("national_body", OPERATORS)],
    "organisations.upsert": [("own_enterprise", STAFF), ("national_body", OPERATORS)],
    "organisations.update": [("own_enterprise", OWN_ENT), ("national_body", OPERATORS)],
    "organisations.archive": [("own_enterprise", STAFF), ("national_body", ADMIN)],
    "organisations.find_by_credit_code": [("none", SIGNED)],
    "organisations.get": PUBLIC,
    "organisations.list": PUBLIC,
    "organisations.all_in_region": PUBLIC,
    # experts
    "experts.create": [("own_expert", STAFF), ("regionless_expert", OPERATORS)],
    "experts.upsert": [("own_expert", STAFF), ("regionless_expert", OPERATORS)],
    "experts.update": [("own_expert", STAFF | {"exp_own"}), ("regionless_expert", OPERATORS)],
    "experts.add_work": [("own_expert", STAFF | {"exp_own"})],
    "experts.remove_work": [("own_expert", STAFF | {"exp_own"})],
    "experts.archive": [("own_expert", STAFF), ("regionless_expert", ADMIN)],
    "experts.get": PUBLIC,
    "experts.list": PUBLIC,
    "experts.all_with_works": PUBLIC,
    # volunteers: personal data, staff only
    **{
        f"volunteers.{name}": [("volunteer", STAFF), ("none", NOBODY)]
        for name in ("create", "update", "archive", "upsert", "get")
    },
    "volunteers.list": [("none", OPERATORS)],
    "volunteers.count": PUBLIC,
    # achievements
    **{
        f"achievements.{name}": [
            ("achievement_published_org", STAFF | {"org_own"}),
            ("achievement_draft_expert", STAFF | {"exp_own"}),
        ]
        for name in ("create", "update", "archive", "upsert")
    },
    "achievements.get": [
        ("achievement_published_org", ALL),
        ("achievement_draft_org", STAFF | {"org_own"}),
        ("achievement_draft_expert", STAFF | {"exp_own"}),
    ],
    "achievements.list": PUBLIC,
    "achievements.all_in_region": PUBLIC,
    # demands: the tier decides the detail
    **{
        f"demands.{name}": [("demand_published", OWN_ENT), ("demand_draft", OWN_ENT)]
        for name in ("create", "update", "archive", "upsert", "nda_acceptances")
    },
    "demands.get": [
        ("access_public", ALL),
        ("access_members", SIGNED),
        ("access_nda", OWN_ENT),
        ("access_nda_accepted", SIGNED),
        ("access_nda_docked_party", ALL),  # the service sets docked_party for parties only
        ("access_public_draft", OWN_ENT),
        ("access_members_archived", OWN_ENT),
    ],
    "demands.get_teaser": [
        ("demand_published", ALL),
        ("demand_draft", OWN_ENT),
        ("demand_archived", OWN_ENT),
    ],
    "demands.accept_nda": [("demand_published", SIGNED), ("demand_draft", NOBODY)],
    "demands.list": PUBLIC,
    "demands.list_teasers": PUBLIC,
    "demands.all_in_region": PUBLIC,
    "demands.can_read_detail": PUBLIC,
    # dockings: staff of the region and both parties, nobody else
    "dockings.create": [("docking_org_provider", OWN_ENT)],
    **{
        f"dockings.{name}": [
            ("docking_org_provider", OWN_ENT | {"org_own"}),
            ("docking_expert_provider", OWN_ENT | {"exp_own"}),
        ]
        for name in ("get", "transition", "give_feedback")
    },
    "dockings.update": [("docking_org_provider", STAFF), ("docking_expert_provider", STAFF)],
    "dockings.list": [("none", SIGNED)],
    # events
    **{
        f"events.{name}": [("event", STAFF), ("none", NOBODY)]
        for name in (
            "create",
            "update",
            "archive",
            "invite",
            "record_attendance",
            "link_docking",
            "propose_participants",
        )
    },
    "events.get": PUBLIC,
    "events.list": PUBLIC,
    # honour lists
    **{
        f"honours.{name}": [("honours_nominating", STAFF), ("honours_national_nominating", ADMIN)]
        for name in (
            "create",
            "update",
            "archive",
            "open_round",
            "close_round",
            "publish",
            "propose_reviewers",
            "reviewer_conflicts",
        )
    },
    "honours.my_reviews": [("none", frozenset({"exp_own", "exp_other"}))],
    "honours.get": [
        ("honours_nominating", ALL),
        ("honours_published", ALL),
        ("honours_reviewing", STAFF | {"exp_own"}),
    ],
    "honours.list": PUBLIC,
    "honours.nominate": [
        ("honours_nominating", IN_OWN_REGION),
        ("honours_national_nominating", SIGNED),
        ("honours_reviewing", NOBODY),
    ],
    "honours.score": [("review", STAFF | {"exp_own"})],
    # users and accounts
    **{
        f"users.{name}": [
            ("user_enterprise", OWN_ENT),
            ("user_operator", STAFF),
            ("user_admin", ADMIN),
        ]
        for name in ("get", "get_by_username", "update", "set_password")
    },
    **{
        f"users.{name}": [
            ("user_enterprise", STAFF),
            ("user_operator", ADMIN | {"op_own"}),
            ("user_admin", ADMIN),
        ]
        for name in ("create", "deactivate", "unlock")
    },
    **{
        f"users.{name}": [
            ("user_enterprise", ADMIN | {"ent_own"}),
            ("user_operator", ADMIN | {"op_own"}),
            ("user_admin", ADMIN),
        ]
        for name in ("issue_api_token", "list_tokens", "revoke_token")
    },
    "users.list": [("none", OPERATORS)],
    "users.sign_up": [("none", frozenset({"anon", "system"}))],
    **{
        f"users.{name}": PUBLIC
        for name in (
            "sign_in",
            "sign_out",
            "resolve_session",
            "resolve_api_token",
            "request_password_reset",
            "reset_password",
        )
    },
    # aggregate figures, visits, audit
    "visits.record": PUBLIC,
    "visits.count": PUBLIC,
    "visits.daily": PUBLIC,
    "audit.list": [("none", OPERATORS)],
    "audit.record": [("none", SIGNED)],
    "kpis.region_kpis": PUBLIC,
    "kpis.region_kpis_by_name": PUBLIC,
    "kpis.all_regions": PUBLIC,
    "stats.region_figures": PUBLIC,
    "stats.region_figures_by_name": PUBLIC,
    "stats.all_regions": PUBLIC,
    "ranking.rank_regions": PUBLIC,
    "reports.build_report": PUBLIC,
    # matching: the index holds only what the public may read; match_demand is for signed-in
    # users (conflicts of interest are read from dockings the public cannot see), then by tier
    "matching.build_index": PUBLIC,
    "matching.match_text": PUBLIC,
    # portal full-text search and autocomplete: the public index, the same for everyone
    "search.query": PUBLIC,
    "search.suggest": PUBLIC,
    "matching.match_demand": [("none", SIGNED)],
    # routing suggestions of a demand: the rule admits anyone, demands.get then applies the tier
    "matching.route_demand": PUBLIC,
    # the one per-process matching index (services.search_index): public records only
    "search_index.search": PUBLIC,
    "search_index.top_by_kind": PUBLIC,
    # the matching workbench: the region's staff
    "workbench.open_demands": [("region", STAFF), ("none", NOBODY)],
    "workbench.propose": [("region", STAFF), ("none", NOBODY)],
    "workbench.confirm": [("region", STAFF), ("none", NOBODY)],
    # stale dockings and their reminders: the region's staff; every region at once: admins
    "dockings.stale": [("region", STAFF), ("none", ADMIN)],
    "dockings.remind": [("region", STAFF), ("none", ADMIN)],
    "dockings.last_reminded": [("region", STAFF), ("none", ADMIN)],
    # the moderation queue of held profile edits: the held record's region's staff (the subject
    # is that region's id; a region-less record's: admins only)
    "moderation.queue": [("none", OPERATORS)],
    "moderation.get": [("held_in_own_region", STAFF), ("none", ADMIN)],
    "moderation.apply": [("held_in_own_region", STAFF), ("none", ADMIN)],
    "moderation.reject": [("held_in_own_region", STAFF), ("none", ADMIN)],
}
SUBJECTS["held_in_own_region"] = lambda: OWN


def test_every_action_has_a_row_and_every_row_an_action() -> None:
    missing = sorted(set(policy.RULES) - set(EXPECTED))
    assert missing == [], f"actions without an expected row in the permission matrix: {missing}"
    stale = sorted(set(EXPECTED) - set(policy.RULES))
    assert stale == [], f"matrix rows for actions that no longer exist: {stale}"


CASES = [
    (action, situation, actor)
    for action, rows in sorted(EXPECTED.items())
    if action in policy.RULES
    for situation, _ in rows
    for actor in ACTORS
]


@pytest.mark.parametrize(("action", "situation"), sorted({(a, s) for a, s, _ in CASES}))
def test_matrix(action: str, situation: str) -> None:
    expected = dict(EXPECTED[action])[situation]
    subject = SUBJECTS[situation]()
    wrong = {
        name: allowed
        for name, actor in ACTORS.items()
        if (allowed := policy.allowed(actor, action, subject)) != (name in expected)
    }
    assert wrong == {}, (
        f"{action} on {situation}: actual allow/deny differs from the matrix for {wrong} "
        f"(rule: {policy.RULES[action].description})"
    )


def test_the_matrix_covers_every_role_and_both_sides_of_ownership() -> None:
    roles = {actor.role for actor in ACTORS.values()}
    assert roles == {None, *Role}
    assert len(CASES) > 2000
