"""Accounts: argon2id password hashes, hashed session/API/reset secrets, one answer for unknown
users and wrong passwords, and password changes that end sessions."""

from __future__ import annotations

import pytest
from services_world import PASSWORD, World
from sqlalchemy import create_engine, text

from kechuang.domain import NotFound, PermissionDenied, ValidationError
from kechuang.services import users


def _column(url: str, sql: str) -> list[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return [str(value) for value in connection.execute(text(sql)).scalars()]
    finally:
        engine.dispose()


def test_passwords_are_stored_as_argon2id(world: World, database_url: str) -> None:
    hashes = _column(database_url, "SELECT password_hash FROM users")
    assert hashes
    assert all(value.startswith("$argon2id$") for value in hashes)
    assert all(PASSWORD not in value for value in hashes)


def test_sign_in_sessions_and_sign_out(world: World, database_url: str) -> None:
    user, secret = users.sign_in(world.anonymous, "ent_a", PASSWORD)
    assert user.last_login_at is not None
    assert secret not in " ".join(_column(database_url, "SELECT secret_hash FROM user_tokens"))
    resolved = users.resolve_session(world.anonymous, secret)
    assert resolved is not None
    assert resolved.username == "ent_a"
    users.sign_out(world.anonymous, secret)
    assert users.resolve_session(world.anonymous, secret) is None
    assert users.resolve_session(world.anonymous, "not-a-secret") is None


def test_unknown_user_and_wrong_password_get_the_same_answer(world: World) -> None:
    with pytest.raises(PermissionDenied) as unknown:
        users.sign_in(world.anonymous, "nobody", PASSWORD)
    with pytest.raises(PermissionDenied) as wrong:
        users.sign_in(world.anonymous, "ent_a", PASSWORD + "x")
    assert unknown.value.message("zh") == wrong.value.message("zh")
    assert unknown.value.message("en") == wrong.value.message("en")


def test_deactivated_users_cannot_sign_in_and_lose_sessions(world: World) -> None:
    _user, secret = users.sign_in(world.anonymous, "ent_b", PASSWORD)
    users.deactivate(world.operator_b, world.member_b.user_id or 0)
    assert users.resolve_session(world.anonymous, secret) is None
    with pytest.raises(PermissionDenied):
        users.sign_in(world.anonymous, "ent_b", PASSWORD)


def test_api_tokens_are_hashed_listed_and_revocable(world: World, database_url: str) -> None:
    user_id = world.member_a.user_id or 0
    token, secret = users.issue_api_token(world.member_a, user_id, "脚本")
    assert token.prefix == secret[:8]
    assert secret not in " ".join(_column(database_url, "SELECT secret_hash FROM user_tokens"))
    resolved = users.resolve_api_token(world.anonymous, secret)
    assert resolved is not None
    assert resolved.id == user_id
    assert users.resolve_session(world.anonymous, secret) is None  # kinds do not mix
    assert [t.name for t in users.list_tokens(world.member_a, user_id)] == ["脚本"]
    with pytest.raises(NotFound):  # another user's account is invisible
        users.issue_api_token(world.member_b, user_id, "偷")
    users.revoke_token(world.member_a, token.id or 0)
    assert users.resolve_api_token(world.anonymous, secret) is None


def test_password_change_needs_the_current_one_and_ends_sessions(world: World) -> None:
    user_id = world.member_a.user_id or 0
    _user, session = users.sign_in(world.anonymous, "ent_a", PASSWORD)
    with pytest.raises(PermissionDenied):
        users.set_password(world.member_a, user_id, "a brand new passphrase", current_password="x")
    with pytest.raises(ValidationError):
        users.set_password(world.member_a, user_id, "short", current_password=PASSWORD)
    users.set_password(world.member_a, user_id, "a brand new passphrase", current_password=PASSWORD)
    assert users.resolve_session(world.anonymous, session) is None
    assert users.sign_in(world.anonymous, "ent_a", "a brand new passphrase")[0].id == user_id


def test_password_reset_flow(world: World) -> None:
    assert users.request_password_reset(world.anonymous, "nobody") is None
    found = users.request_password_reset(world.anonymous, "exp_a")
    assert found is not None
    _user, secret = found
    users.reset_password(world.anonymous, secret, "another long passphrase")
    with pytest.raises(PermissionDenied):  # single use
        users.reset_password(world.anonymous, secret, "yet another passphrase")
    assert users.sign_in(world.anonymous, "exp_a", "another long passphrase")[0].username == "exp_a"
