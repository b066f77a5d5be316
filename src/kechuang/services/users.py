"""Accounts: users and roles, argon2id passwords, sessions, API tokens and password resets.

Secrets (session cookies, API tokens, reset links) are 256-bit random strings shown once; only
their SHA-256 is stored — a fast hash is right for high-entropy secrets and lets us look them up.
Passwords are low-entropy, so they get argon2id.
"""

from __future__ import annotations

import builtins
import hashlib
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from kechuang.config import get_settings
from kechuang.domain import (
    Actor,
    ApiToken,
    Change,
    Conflict,
    NotFound,
    OrganisationKind,
    Page,
    PermissionDenied,
    Role,
    TokenKind,
    User,
    ValidationError,
)
from kechuang.domain.common import utcnow, validate
from kechuang.services import _crud, policy
from kechuang.services.context import action, unit_of_work
from kechuang.store.tables import UserRow
from kechuang.store.uow import run_hooks

__plumbing__ = ("hasher",)
"""Public helpers that are not service actions (no actor, no data access)."""
KIND: _crud.Kind[User] = _crud.Kind("user", "用户", "User", lambda uow: uow.users, "users.get")
_SELF_EDITABLE = frozenset({"display_name", "email", "language"})
_TOUCH_EVERY = timedelta(minutes=1)


@cache
def _hasher(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)


def hasher() -> PasswordHasher:
    """The argon2id hasher with the configured cost."""
    settings = get_settings()
    return _hasher(
        settings.argon2_time_cost, settings.argon2_memory_kib, settings.argon2_parallelism
    )


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _check_password(password: str, username: str) -> None:
    minimum = get_settings().password_min_length
    problem: tuple[str, str] | None = None
    if len(password) < minimum:
        problem = (
            f"密码至少需要 {minimum} 个字符",
            f"the password needs at least {minimum} characters",
        )
    elif len(set(password)) < 4:
        problem = ("密码过于简单", "the password is too simple")
    elif username and username.lower() in password.lower():
        problem = ("密码不能包含用户名", "the password must not contain the username")
    if problem is not None:
        raise ValidationError.single(
            "password",
            problem_zh=problem[0],
            problem_en=problem[1],
            fix_zh="请使用更长、不易猜测的密码，例如几个词组成的短语",
            fix_en="Use a longer, hard-to-guess password such as a phrase of several words",
        )


def _check_bindings(user: User) -> None:
    uow = unit_of_work()
    if user.region_id is not None and uow.regions.get(user.region_id) is None:
        raise NotFound.of("区域", "Region", user.region_id)
    if user.organisation_id is not None and uow.organisations.get(user.organisation_id) is None:
        raise NotFound.of("机构", "Organisation", user.organisation_id)
    if user.expert_id is not None and uow.experts.get(user.expert_id) is None:
        raise NotFound.of("专家", "Expert", user.expert_id)


@action("users.create")
def create(actor: Actor, user: User, password: str) -> User:
    """Create an account (admins; operators for their region's non-admin users)."""
    user = validate(User, user.model_copy(update={"id": None, "last_login_at": None}))
    policy.require(actor, "users.create", user)
    _check_password(password, user.username)
    _check_bindings(user)
    if KIND.repo().find_one(username=user.username) is not None:
        raise Conflict(
            f"用户名 {user.username} 已被使用",
            f"The username {user.username} is taken",
            fix_zh="请换一个用户名",
            fix_en="Choose another username",
        )
    stored = unit_of_work().users.add_with_password(user, hasher().hash(password))
    _crud.audit_create(actor, "users.create", KIND, stored)
    return stored


@dataclass(frozen=True)
class SignUp:
    """What a self-service sign-up did: ``created`` is False when the e-mail already had an
    account (then ``user`` is that account and nothing was written). Callers must answer the person
    identically in both cases and tell the address's owner by mail instead."""

    user: User
    created: bool


_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


def _sign_up_refused(field: str, zh: str, en: str, fix_zh: str, fix_en: str) -> ValidationError:
    return ValidationError.single(field, problem_zh=zh, problem_en=en, fix_zh=fix_zh, fix_en=fix_en)


@action("users.sign_up")
def sign_up(
    actor: Actor,
    *,
    email: str,
    password: str,
    region_id: int,
    credit_code: str,
    display_name: str = "",
    language: str = "zh",
) -> SignUp:
    """Open an enterprise-member account for an enterprise already registered in the region.

    The account is inactive until an operator of the region activates it when
    ``KECHUANG_SIGN_UP_REQUIRES_APPROVAL`` is on (the default): anyone can type an enterprise's
    public credit code. An e-mail that already has an account creates nothing and returns that
    account, after the same password hashing a new account costs (no user enumeration)."""
    policy.require(actor, "users.sign_up")
    email = email.strip()
    if len(email) > 254 or not re.match(_EMAIL, email):
        raise _sign_up_refused(
            "email",
            "邮箱地址格式不正确",
            "the e-mail address is not valid",
            "请填写形如 name@example.com 的邮箱，激活与重置密码的邮件都发往此地址",
            "Enter an address such as name@example.com; activation and reset mails go there",
        )
    _check_password(password, "")
    uow = unit_of_work()
    region = uow.regions.get(region_id)
    if region is None or region.archived:
        raise _sign_up_refused(
            "region_id",
            f"区域 {region_id} 不存在",
            f"region {region_id} does not exist",
            "请从列表中选择您企业所在的试点区域",
            "Choose your enterprise's pilot region from the list",
        )
    code = credit_code.strip().upper()
    enterprise = uow.organisations.find_one(credit_code=code) if code else None
    if (
        enterprise is None
        or enterprise.archived
        or enterprise.kind is not OrganisationKind.ENTERPRISE
        or enterprise.region_id != region_id
    ):
        raise _sign_up_refused(
            "credit_code",
            f"{region.name}未登记统一社会信用代码为 {code or '（空）'} 的企业",
            f"no enterprise with the unified social credit code {code or '(empty)'} is "
            f"registered in {region.name_en or region.name}",
            "请核对 18 位代码与所选区域；企业尚未登记的，请联系该区域科协登记",
            "Check the 18-character code and the region; if the enterprise is not registered "
            "yet, ask the region's science association to register it",
        )
    password_hash = hasher().hash(password)  # also for an existing address: the same time
    existing = uow.users.find_by_login(email)
    if existing is not None:
        return SignUp(existing, created=False)
    user = validate(
        User,
        {
            "username": f"ent-{secrets.token_hex(5)}",
            "display_name": display_name.strip()[:100],
            "email": email,
            "role": Role.ENTERPRISE_MEMBER,
            "region_id": region_id,
            "organisation_id": enterprise.id,
            "language": language if language in ("zh", "en") else "zh",
            "is_active": not get_settings().sign_up_requires_approval,
        },
    )
    stored = uow.users.add_with_password(user, password_hash)
    _crud.audit_create(actor, "users.sign_up", KIND, stored)
    return SignUp(stored, created=True)


@action("users.get")
def get(actor: Actor, user_id: int) -> User:
    """One account."""
    return _crud.load(actor, "users.get", KIND, user_id)


@action("users.get_by_username")
def get_by_username(actor: Actor, username: str) -> User:
    """One account by username."""
    user = KIND.repo().find_one(username=username)
    if user is None:
        raise KIND.not_found(username)
    policy.require(actor, "users.get_by_username", user, hide=(KIND.zh, KIND.en))
    return user


@action("users.list")
def list(
    actor: Actor,
    *,
    region_id: int | None = None,
    role: Role | None = None,
    q: str | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> Page[User]:
    """Accounts; an operator sees only their own region's."""
    policy.require(actor, "users.list")
    if not policy.is_admin(actor):
        region_id = actor.region_id
    return _crud.page(
        KIND, offset, limit, region_id=region_id, role=role, q=q, include_archived=True
    )


@action("users.update")
def update(actor: Actor, user_id: int, changes: Mapping[str, Any]) -> User:
    """Change an account; users may change only their name, e-mail and language themselves."""
    before = _crud.load(actor, "users.update", KIND, user_id)
    if not policy.manages_user(actor, before) and set(changes) - _SELF_EDITABLE:
        raise PermissionDenied(
            "您只能修改自己的姓名、邮箱和语言",
            "You can change only your own name, e-mail and language",
            fix_zh="角色与绑定请联系区域运营人员",
            fix_en="Ask your region's operator to change roles and bindings",
        )
    after = _crud.merge(
        before, changes, extra_read_only=("last_login_at", "failed_sign_ins", "locked_until")
    )
    if after.username != before.username and KIND.repo().find_one(username=after.username):
        raise Conflict(
            f"用户名 {after.username} 已被使用",
            f"The username {after.username} is taken",
            fix_zh="请换一个用户名",
            fix_en="Choose another username",
        )
    _check_bindings(after)
    if policy.manages_user(actor, before):
        policy.require(actor, "users.deactivate", after)
    return _crud.save(actor, "users.update", KIND, before, after, change="update")


@action("users.deactivate")
def deactivate(actor: Actor, user_id: int) -> User:
    """Disable an account and end its sessions and tokens."""
    before = _crud.load(actor, "users.deactivate", KIND, user_id)
    after = before.model_copy(update={"is_active": False})
    stored = _crud.save(actor, "users.deactivate", KIND, before, after, change="update")
    tokens = unit_of_work().tokens
    for kind in TokenKind:
        tokens.revoke_all(user_id, kind.value)
    return stored


@action("users.set_password")
def set_password(
    actor: Actor, user_id: int, new_password: str, *, current_password: str | None = None
) -> None:
    """Change a password: users give their current one; admins/operators reset others'."""
    user = _crud.load(actor, "users.set_password", KIND, user_id)
    uow = unit_of_work()
    if policy.is_self(actor, user) and not policy.manages_user(actor, user):
        stored_hash = uow.users.password_hash(user_id) or ""
        if current_password is None or not _verify(stored_hash, current_password):
            raise PermissionDenied(
                "当前密码不正确",
                "The current password is wrong",
                fix_zh="请重新输入当前密码",
                fix_en="Enter your current password again",
            )
    _check_password(new_password, user.username)
    uow.users.set_password_hash(user_id, hasher().hash(new_password))
    uow.tokens.revoke_all(user_id, TokenKind.SESSION.value)
    _crud.audit(
        actor,
        "users.set_password",
        KIND.name,
        user_id,
        region_id=user.region_id,
        before=None,
        after={"password": "changed"},
    )


def _verify(stored_hash: str, password: str) -> bool:
    try:
        return hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


_DUMMY_HASH: builtins.list[str] = []


def _spend_equal_time(password: str) -> None:
    """Verify against a dummy hash so unknown users take as long as wrong passwords."""
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(hasher().hash(secrets.token_urlsafe(16)))
    _verify(_DUMMY_HASH[0], password)


def _sign_in_refused() -> PermissionDenied:
    return PermissionDenied(
        "用户名或密码不正确",
        "Wrong username or password",
        fix_zh="请检查后重试；忘记密码可申请重置",
        fix_en="Check and try again; you can reset a forgotten password",
    )


def _issue(user_id: int, kind: TokenKind, name: str, lifetime: timedelta) -> tuple[ApiToken, str]:
    secret = secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user_id,
        kind=kind,
        name=name,
        prefix=secret[:8],
        expires_at=utcnow() + lifetime,
    )
    return unit_of_work().tokens.add(token, _digest(secret)), secret


def _resolve(secret: str, kind: TokenKind, *, touch: bool = True) -> tuple[ApiToken, User] | None:
    uow = unit_of_work()
    token = uow.tokens.find(_digest(secret))
    now = utcnow()
    if (
        token is None
        or token.kind is not kind
        or token.revoked_at is not None
        or (token.expires_at is not None and token.expires_at <= now)
    ):
        return None
    user = uow.users.get(token.user_id)
    if user is None or not user.is_active or user.archived:
        return None
    if (
        touch
        and token.id is not None
        and (token.last_used_at is None or now - token.last_used_at > _TOUCH_EVERY)
    ):
        # At most one write a minute per token, so page views stay (mostly) read-only.
        expires_at = None
        if kind is TokenKind.SESSION:
            expires_at = now + timedelta(hours=get_settings().session_lifetime_hours)
        uow.tokens.touch(token.id, expires_at=expires_at)
    return token, user


def _record_failed_sign_in(user: User) -> None:
    """Count a failed sign-in — and lock the account at the threshold — in a transaction of its
    own, run when the caller's transaction has ended: the refusal that follows rolls the caller's
    transaction back, and on SQLite a second writer must not wait for the first."""
    settings = get_settings()
    uow = unit_of_work()
    engine = uow.engine

    def record() -> None:
        with Session(engine) as session, session.begin():
            row = session.get(UserRow, user.id)
            if row is None:
                return
            row.failed_sign_ins += 1
            locked = row.failed_sign_ins >= settings.sign_in_max_failures
            if locked:
                row.locked_until = utcnow() + timedelta(minutes=settings.sign_in_lockout_minutes)
        if locked and user.id is not None:
            # The web layer subscribes to this to notify the account owner.
            run_hooks([Change("user", user.id, "locked", user.region_id)])

    uow.at_end(record)


@action("users.sign_in")
def sign_in(actor: Actor, username: str, password: str) -> tuple[User, str]:
    """Check a password and open a session; returns the user and the session secret (cookie).

    Unknown user, wrong password, inactive or locked account: one and the same refusal, in the
    same time, so nobody can probe which accounts exist."""
    policy.require(actor, "users.sign_in")
    uow = unit_of_work()
    user = uow.users.find_by_login(username.strip())
    if user is None or user.id is None:
        _spend_equal_time(password)
        raise _sign_in_refused()
    now = utcnow()
    stored_hash = uow.users.password_hash(user.id) or ""
    correct = _verify(stored_hash, password)
    if user.locked_until is not None and user.locked_until > now:
        raise _sign_in_refused()
    if not correct:
        _record_failed_sign_in(user)
        raise _sign_in_refused()
    if not user.is_active or user.archived:
        raise _sign_in_refused()
    if hasher().check_needs_rehash(stored_hash):
        uow.users.set_password_hash(user.id, hasher().hash(password))
    lifetime = timedelta(hours=get_settings().session_lifetime_hours)
    _token, secret = _issue(user.id, TokenKind.SESSION, "session", lifetime)
    signed_in = uow.users.save(
        user.model_copy(update={"last_login_at": now, "failed_sign_ins": 0, "locked_until": None})
    )
    _crud.audit(
        Actor.of(signed_in),
        "users.sign_in",
        KIND.name,
        user.id,
        region_id=user.region_id,
        before=None,
        after=None,
    )
    return signed_in, secret


@action("users.unlock")
def unlock(actor: Actor, user_id: int) -> User:
    """Lift a sign-in lockout before it expires (admins; operators of the user's region)."""
    before = _crud.load(actor, "users.unlock", KIND, user_id)
    after = before.model_copy(update={"failed_sign_ins": 0, "locked_until": None})
    return _crud.save(actor, "users.unlock", KIND, before, after, change="update")


@action("users.resolve_session")
def resolve_session(actor: Actor, secret: str) -> User | None:
    """The user behind a session secret, or None when unknown, expired, revoked or inactive."""
    policy.require(actor, "users.resolve_session")
    found = _resolve(secret, TokenKind.SESSION)
    return None if found is None else found[1]


@action("users.sign_out")
def sign_out(actor: Actor, secret: str) -> None:
    """End a session."""
    policy.require(actor, "users.sign_out")
    found = _resolve(secret, TokenKind.SESSION, touch=False)
    if found is not None and found[0].id is not None:
        unit_of_work().tokens.revoke(found[0].id)


@action("users.issue_api_token")
def issue_api_token(
    actor: Actor, user_id: int, name: str, *, lifetime_days: int | None = None
) -> tuple[ApiToken, str]:
    """Issue an API token for scripts; the secret is returned once and stored hashed."""
    user = _crud.load(actor, "users.get", KIND, user_id)
    policy.require(actor, "users.issue_api_token", user)
    days = lifetime_days or get_settings().api_token_lifetime_days
    token, secret = _issue(user_id, TokenKind.API, name, timedelta(days=days))
    _crud.audit(
        actor,
        "users.issue_api_token",
        "api_token",
        token.id,
        region_id=user.region_id,
        before=None,
        after=token.model_dump(mode="json", include={"user_id", "name", "prefix", "expires_at"}),
    )
    return token, secret


@action("users.resolve_api_token")
def resolve_api_token(actor: Actor, secret: str) -> User | None:
    """The user behind an API token, or None."""
    policy.require(actor, "users.resolve_api_token")
    found = _resolve(secret, TokenKind.API)
    return None if found is None else found[1]


@action("users.list_tokens")
def list_tokens(actor: Actor, user_id: int) -> builtins.list[ApiToken]:
    """A user's API tokens (metadata only)."""
    user = _crud.load(actor, "users.get", KIND, user_id)
    policy.require(actor, "users.list_tokens", user)
    return unit_of_work().tokens.for_user(user_id, TokenKind.API.value)


@action("users.revoke_token")
def revoke_token(actor: Actor, token_id: int) -> None:
    """Revoke an API token."""
    uow = unit_of_work()
    token = uow.tokens.get(token_id)
    user = None if token is None else uow.users.get(token.user_id)
    if token is None or user is None or not policy.allowed(actor, "users.revoke_token", user):
        raise NotFound.of("令牌", "Token", token_id)
    uow.tokens.revoke(token_id)
    _crud.audit(
        actor,
        "users.revoke_token",
        "api_token",
        token_id,
        region_id=user.region_id,
        before=None,
        after={"revoked": True},
    )


@action("users.request_password_reset")
def request_password_reset(actor: Actor, username_or_email: str) -> tuple[User, str] | None:
    """A reset secret for the caller to mail, or None for unknown/inactive accounts.

    Callers must answer the person identically in both cases, so nobody can probe which
    accounts exist."""
    policy.require(actor, "users.request_password_reset")
    uow = unit_of_work()
    user = uow.users.find_by_login(username_or_email.strip())
    if user is None or user.id is None or not user.is_active:
        return None
    lifetime = timedelta(minutes=get_settings().password_reset_lifetime_minutes)
    uow.tokens.revoke_all(user.id, TokenKind.PASSWORD_RESET.value)
    _token, secret = _issue(user.id, TokenKind.PASSWORD_RESET, "password reset", lifetime)
    return user, secret


@action("users.reset_password")
def reset_password(actor: Actor, secret: str, new_password: str) -> User:
    """Set a new password with a reset secret; ends every session of the account."""
    policy.require(actor, "users.reset_password")
    found = _resolve(secret, TokenKind.PASSWORD_RESET, touch=False)
    if found is None or found[0].id is None or found[1].id is None:
        raise PermissionDenied(
            "重置链接无效或已过期",
            "The reset link is invalid or has expired",
            fix_zh="请重新申请重置密码",
            fix_en="Request a new password reset",
        )
    token, user = found
    assert token.id is not None
    assert user.id is not None
    _check_password(new_password, user.username)
    uow = unit_of_work()
    uow.users.set_password_hash(user.id, hasher().hash(new_password))
    uow.tokens.revoke(token.id)
    uow.tokens.revoke_all(user.id, TokenKind.SESSION.value)
    _crud.audit(
        Actor.of(user),
        "users.reset_password",
        KIND.name,
        user.id,
        region_id=user.region_id,
        before=None,
        after={"password": "reset"},
    )
    return user
