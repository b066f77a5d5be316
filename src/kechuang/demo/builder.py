"""Write the demo world into the database through the services, in one transaction.

The builder knows nothing of tables: it maps the generator's records to domain models and calls
the same service functions the web pages, the API and the importers call, as the system actor
``Actor.system("demo")``. Everything happens in one `transaction()`, so a failure leaves the
database as it was. Every record is flagged ``is_demo``.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from kechuang.demo import DEFAULT_SEED
from kechuang.demo.generate import generate_world
from kechuang.demo.world import DemoWorld, NominationSpec
from kechuang.domain import (
    Achievement,
    AchievementStatus,
    Actor,
    Commitment,
    ConfidentialityTier,
    Conflict,
    Demand,
    DemandStatus,
    Docking,
    DockingStage,
    DockingTargetKind,
    Event,
    EventKind,
    Expert,
    ExpertContact,
    Feedback,
    HonourEntry,
    HonourList,
    HonourListKind,
    LabLevel,
    Nomination,
    NomineeKind,
    NotFound,
    Organisation,
    OrganisationKind,
    ParticipantKind,
    Participation,
    Region,
    RegionDocking,
    RegionKind,
    ReviewScore,
    Role,
    TransferMode,
    User,
    Volunteer,
    Work,
    WorkKind,
)
from kechuang.services import (
    achievements,
    demands,
    dockings,
    events,
    experts,
    honours,
    organisations,
    regions,
    users,
    volunteers,
)
from kechuang.services.context import transaction

DEMO_REGION = "兰州新区"
"""The region whose presence means the demo has been built."""

Progress = Callable[[str, int, int], None]
"""Called as ``progress(step_label, done, total)`` while building."""


@dataclass(frozen=True)
class DemoSummary:
    """What `build_demo` wrote, for the command's closing message."""

    seed: int
    regions: int
    organisations: int
    experts: int
    volunteers: int
    demands: int
    dockings: int
    events: int
    users: int
    usernames: tuple[str, ...]
    """The demo accounts; their passwords are random, unknown until `kechuang serve` sets them."""


def demo_exists(database_url: str | None = None) -> bool:
    """True when the database already holds the demo region."""
    with transaction(database_url):
        return _exists()


def build_demo(
    *,
    seed: int = DEFAULT_SEED,
    database_url: str | None = None,
    progress: Progress | None = None,
) -> DemoSummary:
    """Generate the world for `seed` and write it; raises `Conflict` if the demo exists."""
    world = generate_world(seed)
    with transaction(database_url):
        if _exists():
            raise Conflict(
                f"演示数据已存在（数据库中已有“{DEMO_REGION}”）",
                f"The demo data already exist (the database has '{DEMO_REGION}')",
                fix_zh="如需重建，请运行 kechuang demo --reset（会清空数据库）",
                fix_en="To rebuild it run `kechuang demo --reset` (empties the database)",
            )
        _Writer(world, progress).write()
    return DemoSummary(
        seed=seed,
        regions=len(world.regions),
        organisations=len(world.organisations),
        experts=len(world.experts),
        volunteers=len(world.volunteers),
        demands=len(world.demands),
        dockings=len(world.dockings),
        events=len(world.events),
        users=len(world.users),
        usernames=tuple(user.username for user in world.users),
    )


def _exists() -> bool:
    try:
        regions.get_by_name(Actor.system("demo"), DEMO_REGION)
    except NotFound:
        return False
    return True


def _at_nine(day: date | None) -> datetime | None:
    """A publication timestamp: 09:00 UTC on the given day (deterministic)."""
    return None if day is None else datetime.combine(day, time(9, 0), tzinfo=UTC)


class _Writer:
    """Writes one world; keeps the key → id maps the references need."""

    def __init__(self, world: DemoWorld, progress: Progress | None) -> None:
        self.world = world
        self.actor = Actor.system("demo")
        self.progress = progress
        self.region_ids: dict[str, int] = {}
        self.organisation_ids: dict[str, int] = {}
        self.expert_ids: dict[str, int] = {}
        self.achievement_ids: dict[str, int] = {}
        self.demand_ids: dict[str, int] = {}
        self.docking_ids: dict[str, int] = {}
        self.event_ids: dict[str, int] = {}
        self.total = (
            len(world.regions)
            + len(world.organisations)
            + len(world.region_dockings)
            + len(world.experts)
            + len(world.volunteers)
            + len(world.achievements)
            + len(world.demands)
            + len(world.events)
            + len(world.dockings)
            + len(world.honour_lists)
            + len(world.users)
        )
        self.done = 0

    def tick(self, label: str) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(label, self.done, self.total)

    def write(self) -> None:
        self.regions()
        self.organisations()
        self.region_dockings()
        self.experts()
        self.volunteers()
        self.achievements()
        self.demands()
        self.events()
        self.dockings()
        self.honour_lists()
        self.users()

    # ---------------------------------------------------------------- resources

    def regions(self) -> None:
        for spec in self.world.regions:
            region = regions.create(
                self.actor,
                Region(
                    name=spec.name,
                    name_en=spec.name_en,
                    kind=RegionKind(spec.kind),
                    province=spec.province,
                    description=spec.description,
                    is_demo=True,
                ),
            )
            assert region.id is not None
            self.region_ids[spec.key] = region.id
            self.tick("区域 regions")

    def organisations(self) -> None:
        # Hosts are written before the organisations they host (the world lists them first,
        # except hosts that are societies or real organisations, which also come first).
        for spec in self.world.organisations:
            organisation = organisations.create(
                self.actor,
                Organisation(
                    kind=OrganisationKind(spec.kind),
                    name=spec.name,
                    name_en=spec.name_en,
                    region_id=self.region_ids[spec.region_key] if spec.region_key else None,
                    lab_level=LabLevel(spec.lab_level) if spec.lab_level else None,
                    host_organisation_id=(
                        self.organisation_ids[spec.host_key] if spec.host_key else None
                    ),
                    industry_codes=list(spec.industry_codes),
                    discipline_codes=list(spec.discipline_codes),
                    keywords=list(spec.keywords),
                    description=spec.description,
                    founded_on=spec.founded_on,
                    employee_count=spec.employee_count,
                    is_demo=True,
                ),
            )
            assert organisation.id is not None
            self.organisation_ids[spec.key] = organisation.id
            self.tick("机构 organisations")

    def region_dockings(self) -> None:
        for spec in self.world.region_dockings:
            regions.dock(
                self.actor,
                RegionDocking(
                    region_id=self.region_ids[spec.region_key],
                    organisation_id=self.organisation_ids[spec.organisation_key],
                    signed_on=spec.docked_on,
                    ended_on=spec.ended_on,
                    commitments=[
                        Commitment(description=text, target=target, unit=unit)
                        for text, target, unit in spec.commitments
                    ],
                    notes=spec.notes,
                    is_demo=True,
                ),
            )
            self.tick("区域对接 region dockings")

    def experts(self) -> None:
        for spec in self.world.experts:
            expert = experts.create(
                self.actor,
                Expert(
                    name=spec.name,
                    title=spec.title,
                    affiliation=spec.affiliation,
                    affiliation_id=self.organisation_ids[spec.affiliation_key],
                    region_id=self.region_ids[spec.region_key] if spec.region_key else None,
                    is_academician=spec.is_academician,
                    discipline_codes=list(spec.discipline_codes),
                    industry_codes=list(spec.industry_codes),
                    keywords=list(spec.keywords),
                    think_tanks=list(spec.think_tanks),
                    capacity=spec.capacity,
                    bio=spec.bio,
                    contact=ExpertContact(phone=spec.phone, email=spec.email),
                    works=[
                        Work(
                            kind=WorkKind(work.kind),
                            title=work.title,
                            abstract=work.abstract,
                            keywords=list(work.keywords),
                            year=work.year,
                            venue=work.venue,
                            identifier=work.identifier,
                        )
                        for work in spec.works
                    ],
                    is_demo=True,
                ),
            )
            assert expert.id is not None
            self.expert_ids[spec.key] = expert.id
            self.tick("专家 experts")

    def volunteers(self) -> None:
        for spec in self.world.volunteers:
            volunteers.create(
                self.actor,
                Volunteer(
                    name=spec.name,
                    region_id=self.region_ids[spec.region_key],
                    association_id=self.organisation_ids[spec.association_key],
                    speciality=spec.speciality,
                    skills=list(spec.skills),
                    joined_on=spec.joined_on,
                    service_hours=spec.service_hours,
                    is_demo=True,
                ),
            )
            self.tick("志愿者 volunteers")

    def achievements(self) -> None:
        for spec in self.world.achievements:
            achievement = achievements.create(
                self.actor,
                Achievement(
                    title=spec.title,
                    description=spec.description,
                    region_id=self.region_ids[spec.region_key] if spec.region_key else None,
                    owner_organisation_id=self.organisation_ids[spec.owner_key],
                    owner_name=spec.owner_name,
                    trl=spec.trl,
                    patent_numbers=list(spec.patent_numbers),
                    transfer_modes=[TransferMode(mode) for mode in spec.transfer_modes],
                    asking_price_fen=(
                        spec.asking_price_yuan * 100 if spec.asking_price_yuan is not None else None
                    ),
                    status=AchievementStatus(spec.status),
                    industry_codes=list(spec.industry_codes),
                    discipline_codes=list(spec.discipline_codes),
                    keywords=list(spec.keywords),
                    is_demo=True,
                ),
            )
            assert achievement.id is not None
            self.achievement_ids[spec.key] = achievement.id
            self.tick("成果 achievements")

    def demands(self) -> None:
        for spec in self.world.demands:
            demand = demands.create(
                self.actor,
                Demand(
                    region_id=self.region_ids[spec.region_key],
                    enterprise_id=self.organisation_ids[spec.enterprise_key],
                    title=spec.title,
                    background=spec.background,
                    key_problems=spec.key_problems,
                    target_indicators=spec.target_indicators,
                    industry_codes=[spec.industry_code],
                    discipline_codes=[spec.discipline_code],
                    keywords=list(spec.keywords),
                    budget_fen=spec.budget_yuan * 100,
                    deadline=spec.deadline,
                    tier=ConfidentialityTier(spec.tier),
                    status=DemandStatus(spec.status),
                    contact_name=spec.contact_name,
                    published_at=_at_nine(spec.published_on),
                    is_demo=True,
                ),
            )
            assert demand.id is not None
            self.demand_ids[spec.key] = demand.id
            self.tick("需求 demands")

    def events(self) -> None:
        for spec in self.world.events:
            participants = [
                Participation(
                    participant_kind=ParticipantKind.ORGANISATION,
                    participant_id=self.organisation_ids[key],
                    invited=True,
                    attended=True,
                )
                for key in spec.participant_keys
            ] + [
                Participation(
                    participant_kind=ParticipantKind.EXPERT,
                    participant_id=self.expert_ids[key],
                    invited=True,
                    attended=True,
                )
                for key in spec.expert_keys
            ]
            event = events.create(
                self.actor,
                Event(
                    region_id=self.region_ids[spec.region_key],
                    kind=EventKind(spec.kind),
                    title=spec.title,
                    description=spec.description,
                    starts_on=spec.held_on,
                    location=spec.location,
                    organiser_ids=[self.organisation_ids[key] for key in spec.organiser_keys],
                    participants=participants,
                    trainee_count=spec.trainees,
                    is_demo=True,
                ),
            )
            assert event.id is not None
            self.event_ids[spec.key] = event.id
            self.tick("活动 events")

    def dockings(self) -> None:
        event_of = {
            docking_key: event.key
            for event in self.world.events
            for docking_key in event.docking_keys
        }
        target_ids = {
            "expert": self.expert_ids,
            "organisation": self.organisation_ids,
            "achievement": self.achievement_ids,
        }
        for spec in self.world.dockings:
            event_key = event_of.get(spec.key)
            docking = dockings.create(
                self.actor,
                Docking(
                    region_id=self.region_ids[spec.region_key],
                    demand_id=self.demand_ids[spec.demand_key],
                    target_kind=DockingTargetKind(spec.target_kind),
                    target_id=target_ids[spec.target_kind][spec.target_key],
                    event_id=self.event_ids[event_key] if event_key else None,
                    note=spec.note,
                    is_demo=True,
                ),
                at=spec.stage_at[0] if spec.stage_at else None,
            )
            docking_id = docking.id
            assert docking_id is not None
            for step, stage_code in enumerate(spec.path, start=1):
                stage = DockingStage(stage_code)
                on = None
                if stage is DockingStage.SIGNED:
                    on = spec.signed_on
                elif stage is DockingStage.DELIVERED:
                    on = spec.delivered_on
                docking = dockings.transition(
                    self.actor,
                    docking_id,
                    stage,
                    closed_reason=spec.close_reason if stage is DockingStage.CLOSED else "",
                    contract_value_fen=(
                        spec.contract_value_yuan * 100
                        if stage is DockingStage.SIGNED and spec.contract_value_yuan is not None
                        else None
                    ),
                    on=on,
                    at=spec.stage_at[step] if spec.stage_at else None,
                )
            for side, feedback in (
                ("enterprise", spec.enterprise_feedback),
                ("provider", spec.provider_feedback),
            ):
                if feedback is not None:
                    rating, comment = feedback
                    dockings.give_feedback(
                        self.actor,
                        docking_id,
                        side,  # type: ignore[arg-type]
                        Feedback(rating=rating, comment=comment),
                    )
            self.docking_ids[spec.key] = docking_id
            self.tick("对接 dockings")

    def honour_lists(self) -> None:
        names = {o.key: o.name for o in self.world.organisations}
        for spec in self.world.honour_lists:
            honour_list = honours.create(
                self.actor,
                HonourList(
                    kind=HonourListKind(spec.kind),
                    year=spec.year,
                    title=spec.title,
                    region_id=self.region_ids[spec.region_key] if spec.region_key else None,
                    is_demo=True,
                ),
            )
            list_id = honour_list.id
            assert list_id is not None
            for nomination in spec.nominations:
                honour_list = honours.nominate(
                    self.actor,
                    list_id,
                    Nomination(
                        nominee_kind=NomineeKind.ORGANISATION,
                        nominee_id=self.organisation_ids[nomination.organisation_key],
                        nominee_name=names[nomination.organisation_key],
                        reason=nomination.reason,
                    ),
                )
            if spec.phase == "nominating":
                self.tick("榜单 honour lists")
                continue
            candidates = [self.expert_ids[key] for key in spec.reviewer_keys]
            conflicted = honours.reviewer_conflicts(self.actor, list_id, candidates)
            reviewer_ids = [i for i in candidates if i not in conflicted][:3]
            honour_list = honours.open_round(self.actor, list_id, 1, reviewer_ids)
            nomination_ids = [n.id for n in honour_list.nominations]
            # In an open first round only the first reviewer has scored so far.
            scoring = reviewer_ids[:1] if spec.phase == "round1" else reviewer_ids
            self._score(list_id, 1, spec.nominations, nomination_ids, scoring)
            if spec.phase == "round1":
                self.tick("榜单 honour lists")
                continue
            honours.close_round(self.actor, list_id, 1)
            ranked = [
                (nomination, nomination_id)
                for nomination, nomination_id in zip(spec.nominations, nomination_ids, strict=True)
                if nomination.rank is not None and nomination_id is not None
            ]
            if spec.phase == "round2":
                shortlist = [nomination_id for _, nomination_id in ranked]
                honours.open_round(self.actor, list_id, 2, reviewer_ids, shortlist)
                self._score(list_id, 2, [n for n, _ in ranked], shortlist, reviewer_ids[:1])
                self.tick("榜单 honour lists")
                continue
            honours.publish(
                self.actor,
                list_id,
                [
                    HonourEntry(
                        nomination_id=nomination_id,
                        rank=nomination.rank,
                        citation=nomination.citation,
                    )
                    for nomination, nomination_id in ranked
                    if nomination.rank is not None
                ],
            )
            self.tick("榜单 honour lists")

    def _score(
        self,
        list_id: int,
        round_number: int,
        nominations: Sequence[NominationSpec],
        nomination_ids: Sequence[int | None],
        reviewer_ids: Sequence[int],
    ) -> None:
        """Selected nominees score 85–95 by rank; the others 60–70 (fictional scores)."""
        for nomination, nomination_id in zip(nominations, nomination_ids, strict=True):
            assert nomination_id is not None
            for offset, reviewer_id in enumerate(reviewer_ids):
                score = (96 - 3 * nomination.rank if nomination.rank else 68) - offset
                honours.score(
                    self.actor,
                    list_id,
                    round_number,
                    ReviewScore(
                        nomination_id=nomination_id,
                        reviewer_expert_id=reviewer_id,
                        score=score,
                        comment="【演示】虚构评分。",
                    ),
                )

    def users(self) -> None:
        for spec in self.world.users:
            users.create(
                self.actor,
                User(
                    username=spec.username,
                    display_name=spec.display_name,
                    role=Role(spec.role),
                    region_id=self.region_ids[spec.region_key] if spec.region_key else None,
                    organisation_id=(
                        self.organisation_ids[spec.organisation_key]
                        if spec.organisation_key
                        else None
                    ),
                    expert_id=self.expert_ids[spec.expert_key] if spec.expert_key else None,
                    email=f"{spec.username}@demo.example.org",
                    is_demo=True,
                ),
                # Unusable until set: nobody knows it; `kechuang serve` sets and prints fresh ones.
                secrets.token_urlsafe(32),
            )
            self.tick("用户 users")
