"""Users, roles and the acting user (``Actor``) every service receives first.

Each user has one role and is bound to a region (national admins may be bound to none) and,
depending on the role, to an enterprise/organisation or an expert profile; permissions derive
from exactly these bindings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pydantic import Field, model_validator

from kechuang.domain.common import BilingualValueError, Record
from kechuang.domain.vocab import Language, register_labels


class Role(StrEnum):
    """What a user is allowed to do, broadly; services refine by region and ownership."""

    NATIONAL_ADMIN = "national_admin"
    REGION_OPERATOR = "region_operator"
    ENTERPRISE_MEMBER = "enterprise_member"
    EXPERT = "expert"
    ORG_MEMBER = "org_member"


register_labels(
    Role,
    {
        "national_admin": ("全国管理员", "National administrator"),
        "region_operator": ("区域运营人员", "Region operator"),
        "enterprise_member": ("企业用户", "Enterprise member"),
        "expert": ("专家", "Expert"),
        "org_member": ("机构用户", "Organisation member"),
    },
)


class User(Record):
    """An account. The password hash never leaves the store; tokens are stored hashed."""

    username: str = Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9_.@-]+$")
    display_name: str = Field("", max_length=100)
    email: str = Field("", max_length=254)
    role: Role
    region_id: int | None = None
    organisation_id: int | None = None
    expert_id: int | None = None
    is_active: bool = True
    language: Language = "zh"
    last_login_at: datetime | None = None
    failed_sign_ins: int = Field(0, ge=0)
    """Consecutive failed sign-ins; reset by a successful one."""
    locked_until: datetime | None = None
    """Set after too many failed sign-ins (``KECHUANG_SIGN_IN_MAX_FAILURES``)."""

    @model_validator(mode="after")
    def _bindings_fit_role(self) -> User:
        if self.role is not Role.NATIONAL_ADMIN and self.region_id is None:
            raise BilingualValueError(
                "该角色须绑定区域",
                "this role must be bound to a region",
                "请选择区域",
                "Choose a region",
            )
        if self.role in (Role.ENTERPRISE_MEMBER, Role.ORG_MEMBER) and self.organisation_id is None:
            raise BilingualValueError(
                "该角色须绑定机构",
                "this role must be bound to an organisation",
                "请选择所属企业或机构",
                "Choose the enterprise or organisation",
            )
        if self.role is Role.EXPERT and self.expert_id is None:
            raise BilingualValueError(
                "专家账号须绑定专家档案",
                "an expert account must be bound to an expert profile",
                "请选择专家档案",
                "Choose the expert profile",
            )
        return self


class TokenKind(StrEnum):
    """The purposes a secret token serves; all are stored as hashes only."""

    API = "api"
    SESSION = "session"
    PASSWORD_RESET = "password_reset"  # noqa: S105 -- a token kind, not a password


register_labels(
    TokenKind,
    {
        "api": ("API 令牌", "API token"),
        "session": ("登录会话", "Sign-in session"),
        "password_reset": ("密码重置", "Password reset"),
    },
)


class ApiToken(Record):
    """Metadata of an issued token; the secret is shown once at issue and stored hashed."""

    user_id: int
    kind: TokenKind = TokenKind.API
    name: str = ""
    prefix: str = ""
    """First characters of the secret, so a user can tell tokens apart."""
    expires_at: datetime | None = None
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


@dataclass(frozen=True)
class Actor:
    """Who is acting: a signed-in user, the anonymous public, or the system (CLI, demo, imports)."""

    user_id: int | None
    role: Role | None
    region_id: int | None = None
    organisation_id: int | None = None
    expert_id: int | None = None
    label: str = "anonymous"

    @classmethod
    def anonymous(cls) -> Actor:
        """The public: sees only public data."""
        return cls(user_id=None, role=None, label="anonymous")

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        """Command-line jobs run by the installation's owner: the rights of a national admin."""
        return cls(user_id=None, role=Role.NATIONAL_ADMIN, label=label)

    @classmethod
    def of(cls, user: User) -> Actor:
        """The actor for a signed-in user."""
        return cls(
            user_id=user.id,
            role=user.role,
            region_id=user.region_id,
            organisation_id=user.organisation_id,
            expert_id=user.expert_id,
            label=user.username,
        )

    @property
    def is_anonymous(self) -> bool:
        """True for the public."""
        return self.role is None

    @property
    def is_national_admin(self) -> bool:
        """True for national admins and the system."""
        return self.role is Role.NATIONAL_ADMIN
