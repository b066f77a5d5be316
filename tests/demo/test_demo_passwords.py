"""Demo accounts have no known password until `kechuang serve` sets fresh random ones and prints
them once; real accounts are never touched."""

from __future__ import annotations

import secrets

import pytest

from kechuang.app import prepare_for_serving
from kechuang.config import Environment, get_settings
from kechuang.domain import (
    Actor,
    Organisation,
    OrganisationKind,
    PermissionDenied,
    Region,
    Role,
    User,
)
from kechuang.services import organisations, regions, transaction, users

REAL_PASSWORD = "a real operator's passphrase"


def _world() -> None:
    system = Actor.system("test")
    with transaction():
        region = regions.create(system, Region(name="演示园区", is_demo=True))
        enterprise = organisations.create(
            system,
            Organisation(kind=OrganisationKind.ENTERPRISE, name="演示企业", region_id=region.id),
        )
        # As the demo builder does: a random password nobody is told.
        users.create(
            system,
            User(
                username="demo-enterprise",
                role=Role.ENTERPRISE_MEMBER,
                region_id=region.id,
                organisation_id=enterprise.id,
                email="demo-enterprise@demo.example.org",
                is_demo=True,
            ),
            secrets.token_urlsafe(32),
        )
        users.create(
            system,
            User(username="real-operator", role=Role.REGION_OPERATOR, region_id=region.id),
            REAL_PASSWORD,
        )


def _sign_in(username: str, password: str) -> None:
    with transaction():
        users.sign_in(Actor.anonymous(), username, password)


def _printed(lines: list[str]) -> dict[str, str]:
    return {line.split()[0]: line.split()[-1] for line in lines[1:]}


def test_serve_prints_fresh_demo_passwords_and_leaves_real_accounts(database_url: str) -> None:
    _world()
    settings = get_settings()
    first = _printed(prepare_for_serving(settings, demo_passwords=True))
    assert set(first) == {"demo-enterprise"}, "only demo accounts get a printed password"
    _sign_in("demo-enterprise", first["demo-enterprise"])
    _sign_in("real-operator", REAL_PASSWORD)

    second = _printed(prepare_for_serving(settings, demo_passwords=True))
    assert second["demo-enterprise"] != first["demo-enterprise"], "fresh at every start"
    with pytest.raises(PermissionDenied):
        _sign_in("demo-enterprise", first["demo-enterprise"])
    _sign_in("demo-enterprise", second["demo-enterprise"])

    assert prepare_for_serving(settings, demo_passwords=False) == []


def test_production_never_sets_demo_passwords(database_url: str) -> None:
    _world()
    production = get_settings().model_copy(update={"environment": Environment.PRODUCTION})
    assert prepare_for_serving(production, demo_passwords=True) == []
