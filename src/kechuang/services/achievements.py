"""Technology achievements: public once published; drafts only for those who may edit them."""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Any

from kechuang.domain import Achievement, AchievementStatus, Actor, Page, TransferMode, Upserted
from kechuang.domain.common import validate
from kechuang.services import _crud, _moderation, policy
from kechuang.services.context import action

KIND: _crud.Kind[Achievement] = _crud.Kind(
    "achievement", "科技成果", "Achievement", lambda uow: uow.achievements, "achievements.get"
)
_PUBLIC = sorted(policy.PUBLIC_ACHIEVEMENT_STATUSES)
_TEXT_FIELDS = ("title", "description", "owner_name", "keywords")
_HOLD: dict[str, Any] = {
    "status_field": "status",
    "public": policy.PUBLIC_ACHIEVEMENT_STATUSES,
    "held": AchievementStatus.DRAFT,
}


@action("achievements.create")
def create(actor: Actor, achievement: Achievement) -> Achievement:
    """Register an achievement (spam from non-staff is held as a draft for review)."""
    achievement, held = _moderation.screen(
        actor, validate(Achievement, achievement), _TEXT_FIELDS, **_HOLD
    )
    stored = _crud.create(actor, "achievements.create", KIND, achievement)
    _moderation.record_hold(actor, KIND.name, stored, held)
    return stored


@action("achievements.update")
def update(actor: Actor, achievement_id: int, changes: Mapping[str, Any]) -> Achievement:
    """Change an achievement (spam from non-staff is held as a draft for review)."""
    before = _crud.load(actor, "achievements.update", KIND, achievement_id)
    changes, held = _moderation.screen_changes(actor, before, changes, _TEXT_FIELDS, **_HOLD)
    stored = _crud.update(actor, "achievements.update", KIND, achievement_id, changes)
    _moderation.record_hold(actor, KIND.name, stored, held)
    return stored


@action("achievements.get")
def get(actor: Actor, achievement_id: int) -> Achievement:
    """One achievement (drafts and archived ones only for editors)."""
    achievement = _crud.load(actor, "achievements.get", KIND, achievement_id)
    if achievement.archived and not policy.allowed(actor, "achievements.update", achievement):
        raise KIND.not_found(achievement_id)
    return achievement


def _scope(actor: Actor, region_id: int | None) -> dict[str, Any]:
    if policy.staff(actor, region_id) and (region_id is not None or policy.is_admin(actor)):
        return {}
    return {"status_in": _PUBLIC}


@action("achievements.list")
def list(
    actor: Actor,
    *,
    region_id: int | None = None,
    status: AchievementStatus | None = None,
    min_trl: int | None = None,
    transfer_mode: TransferMode | None = None,
    industry_code: str | None = None,
    discipline_code: str | None = None,
    q: str | None = None,
    include_archived: bool = False,
    offset: int = 0,
    limit: int | None = None,
) -> Page[Achievement]:
    """Achievements; non-staff see published ones only."""
    policy.require(actor, "achievements.list")
    scope = _scope(actor, region_id)
    return _crud.page(
        KIND,
        offset,
        limit,
        region_id=region_id,
        status=status,
        min_trl=min_trl,
        transfer_mode=transfer_mode,
        industry_code=industry_code,
        discipline_code=discipline_code,
        q=q,
        include_archived=include_archived and not scope,
        **scope,
    )


@action("achievements.all_in_region")
def all_in_region(actor: Actor, region_id: int | None) -> builtins.list[Achievement]:
    """Every non-archived achievement the actor may see, one query (matcher)."""
    policy.require(actor, "achievements.all_in_region")
    return KIND.repo().all(region_id=region_id, **_scope(actor, region_id))


@action("achievements.archive")
def archive(actor: Actor, achievement_id: int) -> Achievement:
    """Hide an achievement."""
    return _crud.archive(actor, "achievements.archive", KIND, achievement_id)


@action("achievements.upsert")
def upsert(actor: Actor, achievement: Achievement) -> Upserted[Achievement]:
    """Create or merge by title + owner name — for importers."""
    achievement = validate(Achievement, achievement)
    existing = KIND.repo().find_one(title=achievement.title, owner_name=achievement.owner_name)
    record, created, changed = _crud.upsert(
        actor, "achievements.upsert", KIND, achievement, existing=existing
    )
    return Upserted(record, created, changed)
