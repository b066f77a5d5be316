"""Organisations of every kind; importers deduplicate by unified social credit code."""

from __future__ import annotations

import builtins
from collections.abc import Collection, Mapping
from typing import Any

from kechuang.domain import (
    Actor,
    Conflict,
    LabLevel,
    Organisation,
    OrganisationKind,
    Page,
    Upserted,
)
from kechuang.domain.common import validate
from kechuang.services import _crud, _moderation, policy
from kechuang.services.context import action

KIND: _crud.Kind[Organisation] = _crud.Kind(
    "organisation", "机构", "Organisation", lambda uow: uow.organisations, "organisations.get"
)
_TEXT_FIELDS = ("name", "name_en", "keywords", "description", "website", "address")
"""Public profile text a member's edit is screened on (SEO spam, link farms)."""


def _check_credit_code_free(organisation: Organisation) -> None:
    if organisation.credit_code is None:
        return
    holder = KIND.repo().find_one(credit_code=organisation.credit_code)
    if holder is not None and holder.id != organisation.id:
        raise Conflict(
            f"统一社会信用代码 {organisation.credit_code} 已属于「{holder.name}」",
            f"Credit code {organisation.credit_code} already belongs to '{holder.name}'",
            fix_zh="同一机构请编辑已有记录；否则请核对代码",
            fix_en="Edit the existing record if it is the same organisation; else check the code",
        )


@action("organisations.create")
def create(actor: Actor, organisation: Organisation) -> Organisation:
    """Register an organisation."""
    _check_credit_code_free(organisation)
    return _crud.create(actor, "organisations.create", KIND, organisation)


@action("organisations.update")
def update(actor: Actor, organisation_id: int, changes: Mapping[str, Any]) -> Organisation:
    """Change an organisation; a credit code must stay unique. A member's spam edit is refused
    and kept for operator review (``_moderation``)."""
    before = _crud.load(actor, "organisations.update", KIND, organisation_id)
    _moderation.hold_profile_edit(actor, KIND.name, before, changes, _TEXT_FIELDS)
    after = _crud.merge(before, changes)
    _check_credit_code_free(after)
    return _crud.save(actor, "organisations.update", KIND, before, after, change="update")


@action("organisations.get")
def get(actor: Actor, organisation_id: int) -> Organisation:
    """One organisation (archived ones only for those who may edit them)."""
    organisation = _crud.load(actor, "organisations.get", KIND, organisation_id)
    if organisation.archived and not policy.allowed(actor, "organisations.update", organisation):
        raise KIND.not_found(organisation_id)
    return organisation


@action("organisations.find_by_credit_code")
def find_by_credit_code(actor: Actor, credit_code: str) -> Organisation | None:
    """The organisation holding this credit code, if any."""
    policy.require(actor, "organisations.find_by_credit_code")
    return KIND.repo().find_one(credit_code=credit_code.strip().upper())


@action("organisations.list")
def list(
    actor: Actor,
    *,
    region_id: int | None = None,
    kinds: Collection[OrganisationKind] | None = None,
    lab_levels: Collection[LabLevel] | None = None,
    industry_code: str | None = None,
    discipline_code: str | None = None,
    q: str | None = None,
    include_archived: bool = False,
    offset: int = 0,
    limit: int | None = None,
) -> Page[Organisation]:
    """Organisations filtered by region, kind, lab level, industry/discipline (with descendants)."""
    policy.require(actor, "organisations.list")
    return _crud.page(
        KIND,
        offset,
        limit,
        region_id=region_id,
        kind_in=kinds,
        lab_level_in=lab_levels,
        industry_code=industry_code,
        discipline_code=discipline_code,
        q=q,
        include_archived=include_archived and policy.staff(actor, region_id),
    )


@action("organisations.all_in_region")
def all_in_region(
    actor: Actor, region_id: int | None, *, kinds: Collection[OrganisationKind] | None = None
) -> builtins.list[Organisation]:
    """Every non-archived organisation of a region (None: every region), one query (matcher)."""
    policy.require(actor, "organisations.all_in_region")
    return KIND.repo().all(region_id=region_id, kind_in=kinds)


@action("organisations.archive")
def archive(actor: Actor, organisation_id: int) -> Organisation:
    """Hide an organisation; its history and references stay."""
    return _crud.archive(actor, "organisations.archive", KIND, organisation_id)


def _same_organisation(organisation: Organisation) -> Organisation | None:
    repo = KIND.repo()
    if organisation.credit_code:
        return repo.find_one(credit_code=organisation.credit_code)
    return repo.find_one(
        name=organisation.name, kind=organisation.kind, region_id=organisation.region_id
    )


@action("organisations.upsert")
def upsert(actor: Actor, organisation: Organisation) -> Upserted[Organisation]:
    """Create or merge (by credit code, else by exact name + kind + region) — for importers."""
    organisation = validate(Organisation, organisation)
    record, created, changed = _crud.upsert(
        actor, "organisations.upsert", KIND, organisation, existing=_same_organisation(organisation)
    )
    return Upserted(record, created, changed)
