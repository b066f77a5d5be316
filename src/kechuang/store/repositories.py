"""Repositories: one per aggregate, all built on one generic base that maps rows to domain models.

A repository loads an aggregate with its children in bulk (one query per child table for a whole
page, never one per record) and writes it back, children included. It never commits: the unit of
work does. Filters are keyword arguments with one meaning everywhere: ``q`` (substring of the
search columns), ``include_archived``, ``industry_code`` / ``discipline_code`` (code or any
descendant, by prefix), ``<column>_in`` (membership) and ``<column>`` (equality).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy import (
    ColumnElement,
    RowMapping,
    Select,
    String,
    Table,
    cast,
    delete,
    false,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from kechuang.domain import (
    Achievement,
    AuditEntry,
    Demand,
    Docking,
    DockingHistoryEntry,
    Event,
    Expert,
    HonourList,
    NdaAcceptance,
    Organisation,
    Region,
    RegionDocking,
    User,
    Volunteer,
    Work,
)
from kechuang.domain.common import Record, utcnow
from kechuang.domain.event import Participation
from kechuang.domain.honour import HonourEntry, Nomination, ReviewRound
from kechuang.domain.user import ApiToken
from kechuang.store import tables as t

M = TypeVar("M", bound=Record)
C = TypeVar("C", bound=BaseModel)
_CHUNK = 900
"""Ids per IN (...) list, below SQLite's historic limit of 999 bound variables."""


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def like_escape(text: str) -> str:
    """``text`` with LIKE wildcards escaped, so a search for '50%' finds exactly that."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# Ids and every integer column filtered by equality are INTEGER, 32 bits on PostgreSQL (money
# columns are BIGINT but are never filtered by equality).
_INT32 = (-(2**31), 2**31 - 1)


def storable(value: object) -> bool:
    """False for values no database column can hold, so that filtering by one matches nothing:
    integers beyond the 32-bit INTEGER columns (PostgreSQL refuses them, SQLite raises
    OverflowError beyond 64 bits) and text with a
    NUL character (PostgreSQL refuses it; SQLite would cut the pattern short and match all)."""
    if isinstance(value, str):
        return "\x00" not in value
    return not isinstance(value, int) or _INT32[0] <= value <= _INT32[1]


def table_of(row_class: type[Any]) -> Table:
    """The Core table behind a declarative class."""
    table: Table = row_class.__table__
    return table


def _json_columns(row_class: type[t.Base]) -> frozenset[str]:
    return frozenset(
        column.key
        for column in row_class.__table__.columns
        if column.type.__class__.__name__ == "JSON"
    )


class Repository(Generic[M]):
    """Generic repository: get / add / save / page / all / count for one aggregate.

    Reads and writes go through SQLAlchemy Core on the declarative tables (no ORM instances):
    list pages were spending most of their time building ORM objects only to copy them into
    domain models.
    """

    model: ClassVar[type[Record]]
    row_class: ClassVar[type[Any]]
    search_columns: ClassVar[tuple[str, ...]] = ("name",)
    children: ClassVar[frozenset[str]] = frozenset()
    """Model fields stored in child tables, loaded by :meth:`_load_children`."""
    table: ClassVar[Table]
    _fields: ClassVar[frozenset[str]]
    _json: ClassVar[frozenset[str]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "row_class" in cls.__dict__:  # work the mapping out once per class, not per session
            cls.table = cls.row_class.__table__
            columns = {column.key for column in cls.table.columns}
            cls._fields = frozenset((columns & set(cls.model.model_fields)) - cls.children)
            cls._json = _json_columns(cls.row_class) & cls._fields

    def __init__(self, session: Session) -> None:
        self.session = session

    # -- mapping -------------------------------------------------------------------------------

    def _values(self, model: Record) -> dict[str, Any]:
        values = model.model_dump(include=set(self._fields - self._json - {"id"}))
        values.update(model.model_dump(mode="json", include=set(self._json)))
        return values

    def _rows(self, statement: Select[Any]) -> Sequence[RowMapping]:
        return self.session.execute(statement).mappings().all()

    def _to_models(self, rows: Sequence[RowMapping], *, children: bool = True) -> list[M]:
        fields = self._fields
        data = [{name: row[name] for name in fields} for row in rows]
        if self.children and rows and children:
            self._load_children([row["id"] for row in rows], {d["id"]: d for d in data})
        return [self.model.model_validate(item) for item in data]  # type: ignore[misc]

    def _load_children(self, ids: list[int], by_id: dict[int, dict[str, Any]]) -> None:
        """Fill the child fields of ``by_id`` (rows' data keyed by id) in bulk."""

    def _write_children(self, model: M, row_id: int) -> None:
        """Write the child fields of ``model``; called after the root row has an id."""

    # -- reads ---------------------------------------------------------------------------------

    def get(self, record_id: int) -> M | None:
        """The aggregate with this id, or None."""
        if not storable(record_id):
            return None
        rows = self._rows(select(self.table).where(self.table.c.id == record_id))
        return self._to_models(rows)[0] if rows else None

    def get_many(self, record_ids: Collection[int]) -> dict[int, M]:
        """Aggregates by id (missing ids are simply absent)."""
        ids = sorted({record_id for record_id in record_ids if storable(record_id)})
        rows: list[RowMapping] = []
        for chunk in _chunks(ids):
            rows.extend(self._rows(select(self.table).where(self.table.c.id.in_(chunk))))
        return {model.id: model for model in self._to_models(rows) if model.id is not None}

    def _column(self, name: str) -> ColumnElement[Any]:
        column: ColumnElement[Any] = self.table.c[name]
        return column

    def _condition(self, key: str, value: Any) -> ColumnElement[bool] | None:
        """Subclasses handle their special filters here; None means 'use the generic rule'."""
        return None

    def conditions(self, filters: dict[str, Any]) -> list[ColumnElement[bool]]:
        """Translate keyword filters into SQL conditions (see the module docstring)."""
        result: list[ColumnElement[bool]] = []
        if not filters.pop("include_archived", False) and "archived" in self._fields:
            result.append(self._column("archived").is_(False))
        for key, value in filters.items():
            if value is None:
                continue
            if not storable(value):
                result.append(false())
                continue
            special = self._condition(key, value)
            if special is not None:
                result.append(special)
            elif key == "q":
                pattern = f"%{like_escape(value.strip())}%"
                result.append(
                    or_(
                        *(
                            self._column(name).ilike(pattern, escape="\\")
                            for name in self.search_columns
                        )
                    )
                )
            elif key in ("industry_code", "discipline_code"):
                column = self._column(f"{key}s")
                pattern = f'%"{like_escape(str(value))}%'
                result.append(cast(column, String).like(pattern, escape="\\"))
            elif key.endswith("_in"):
                members = [member for member in value if storable(member)]
                column = self._column(key[:-3])
                result.append(column.in_(members) if members else false())
            else:
                result.append(self._column(key) == value)
        return result

    def page(
        self, *, offset: int = 0, limit: int = 50, children: bool = True, **filters: Any
    ) -> tuple[list[M], int]:
        """One page of aggregates matching ``filters`` (ordered by id) and the total count;
        ``children=False`` leaves child lists (an expert's works ...) empty, for cheap lists."""
        where = self.conditions(filters)
        total = self.session.scalar(select(func.count()).select_from(self.table).where(*where))
        rows = self._rows(
            select(self.table).where(*where).order_by(self.table.c.id).offset(offset).limit(limit)
        )
        return self._to_models(rows, children=children), int(total or 0)

    def all(self, **filters: Any) -> list[M]:
        """Every aggregate matching ``filters``; children loaded in bulk."""
        rows = self._rows(
            select(self.table).where(*self.conditions(filters)).order_by(self.table.c.id)
        )
        return self._to_models(rows)

    def count(self, **filters: Any) -> int:
        """How many aggregates match ``filters`` (one SELECT COUNT)."""
        total = self.session.scalar(
            select(func.count()).select_from(self.table).where(*self.conditions(filters))
        )
        return int(total or 0)

    def find_one(self, **filters: Any) -> M | None:
        """The first aggregate matching ``filters`` (archived included), or None."""
        filters.setdefault("include_archived", True)
        rows = self._rows(
            select(self.table).where(*self.conditions(filters)).order_by(self.table.c.id).limit(1)
        )
        return self._to_models(rows)[0] if rows else None

    # -- writes --------------------------------------------------------------------------------

    def add(self, model: M) -> M:
        """Insert a new aggregate (``model.id`` must be None) and return it as stored."""
        if model.id is not None:
            raise ValueError("add() takes a model without id")
        now = utcnow()
        new_id = self.session.execute(
            insert(self.table)
            .values({**self._values(model), "created_at": now, "updated_at": now})
            .returning(self.table.c.id)
        ).scalar_one()
        if not self.children:  # nothing the database adds but the id and the timestamps
            return model.model_copy(update={"id": new_id, "created_at": now, "updated_at": now})
        self._write_children(model, new_id)
        stored = self.get(new_id)
        assert stored is not None
        return stored

    def save(self, model: M) -> M:
        """Write back a changed aggregate (children included) and return it as stored."""
        assert model.id is not None
        values = self._values(model)
        values.pop("created_at", None)
        now = values["updated_at"] = utcnow()
        result = self.session.execute(
            update(self.table).where(self.table.c.id == model.id).values(**values)
        )
        if not getattr(result, "rowcount", 1):
            raise LookupError(model.id)
        if not self.children:
            return model.model_copy(update={"updated_at": now})
        self._write_children(model, model.id)
        stored = self.get(model.id)
        assert stored is not None
        return stored

    # -- helpers for children ------------------------------------------------------------------

    def _child_rows(
        self, row_class: type[Any], fk: str, ids: list[int], order: str
    ) -> list[RowMapping]:
        table: Table = row_class.__table__
        rows: list[RowMapping] = []
        for chunk in _chunks(ids):
            rows.extend(
                self._rows(
                    select(table)
                    .where(table.c[fk].in_(chunk))
                    .order_by(table.c[fk], table.c[order])
                )
            )
        return rows

    def _sync_children(
        self,
        row_class: type[Any],
        fk: str,
        parent_id: int,
        items: Sequence[BaseModel],
        extra: Callable[[int, BaseModel], dict[str, Any]] = lambda _i, _m: {},
    ) -> None:
        """Make the child rows of ``parent_id`` equal ``items``, matching by their ``id``."""
        table: Table = row_class.__table__
        existing = set(
            self.session.scalars(select(table.c.id).where(table.c[fk] == parent_id)).all()
        )
        columns = {column.key for column in table.columns} - {"id", fk}
        json_columns = _json_columns(row_class)
        kept: set[int] = set()
        new_rows: list[dict[str, Any]] = []
        for index, item in enumerate(items):
            values = item.model_dump(include=columns - json_columns)
            values.update(item.model_dump(mode="json", include=columns & json_columns))
            values.update(extra(index, item))
            item_id = getattr(item, "id", None)
            if item_id is not None and item_id in existing:
                self.session.execute(update(table).where(table.c.id == item_id).values(**values))
                kept.add(item_id)
            else:
                new_rows.append({fk: parent_id, **values})
        stale = existing - kept
        if stale:
            self.session.execute(delete(table).where(table.c.id.in_(stale)))
        if new_rows:
            self.session.execute(insert(table), new_rows)


def _group(
    rows: Iterable[RowMapping], fk: str, model: type[C], fields: Collection[str]
) -> dict[int, list[C]]:
    grouped: dict[int, list[C]] = defaultdict(list)
    for row in rows:
        grouped[row[fk]].append(model.model_validate({name: row[name] for name in fields}))
    return grouped


class RegionRepository(Repository[Region]):
    """Pilot regions."""

    model = Region
    row_class = t.RegionRow


class OrganisationRepository(Repository[Organisation]):
    """Organisations of every kind."""

    model = Organisation
    row_class = t.OrganisationRow
    search_columns = ("name", "name_en")


class RegionDockingRepository(Repository[RegionDocking]):
    """Region ↔ organisation cooperations."""

    model = RegionDocking
    row_class = t.RegionDockingRow

    def _condition(self, key: str, value: Any) -> ColumnElement[bool] | None:
        if key == "active":
            column = self._column("ended_on")
            return column.is_(None) if value else column.is_not(None)
        return None


_WORK_FIELDS = tuple(name for name in Work.model_fields)


class ExpertRepository(Repository[Expert]):
    """Experts with their works (one extra query per page for all works)."""

    model = Expert
    row_class = t.ExpertRow
    search_columns = ("name", "name_en", "affiliation")
    children = frozenset({"works"})

    def _load_children(self, ids: list[int], by_id: dict[int, dict[str, Any]]) -> None:
        works = _group(
            self._child_rows(t.WorkRow, "expert_id", ids, "position"),
            "expert_id",
            Work,
            _WORK_FIELDS,
        )
        for expert_id, data in by_id.items():
            data["works"] = works.get(expert_id, [])

    def _write_children(self, model: Expert, row_id: int) -> None:
        self._sync_children(
            t.WorkRow, "expert_id", row_id, model.works, lambda index, _w: {"position": index}
        )

    def all_with_works(self, region_id: int | None = None) -> list[Expert]:
        """Every non-archived expert (of a region, or all) with works: two queries in total."""
        return self.all(region_id=region_id)


class VolunteerRepository(Repository[Volunteer]):
    """Volunteers."""

    model = Volunteer
    row_class = t.VolunteerRow


class AchievementRepository(Repository[Achievement]):
    """Technology achievements."""

    model = Achievement
    row_class = t.AchievementRow
    search_columns = ("title", "owner_name")

    def _condition(self, key: str, value: Any) -> ColumnElement[bool] | None:
        if key == "min_trl":
            minimum: ColumnElement[bool] = self._column("trl") >= value
            return minimum
        if key == "transfer_mode":
            pattern = f'%"{like_escape(str(value))}"%'
            return cast(self._column("transfer_modes"), String).like(pattern, escape="\\")
        return None


class DemandRepository(Repository[Demand]):
    """Technology demands; ``visible_to`` narrows a list to what an actor may read in full."""

    model = Demand
    row_class = t.DemandRow
    search_columns = ("title",)

    def _condition(self, key: str, value: Any) -> ColumnElement[bool] | None:
        if key == "readable":
            return self._readable(value)
        return None

    def _readable(self, scope: DemandScope) -> ColumnElement[bool]:
        if scope.everything:
            return self._column("id").is_not(None)
        published = self._column("status").in_(scope.published_statuses)
        clauses: list[ColumnElement[bool]] = [
            published & self._column("tier").in_(scope.open_tiers)
        ]
        if scope.region_ids:
            clauses.append(self._column("region_id").in_(scope.region_ids))
        if scope.enterprise_ids:
            clauses.append(self._column("enterprise_id").in_(scope.enterprise_ids))
        if scope.nda_user_id is not None:
            accepted = select(t.NdaAcceptanceRow.demand_id).where(
                t.NdaAcceptanceRow.user_id == scope.nda_user_id
            )
            clauses.append(published & self._column("id").in_(accepted))
        if scope.demand_ids:
            clauses.append(self._column("id").in_(scope.demand_ids))
        return or_(*clauses)

    def accept_nda(self, demand_id: int, user_id: int) -> NdaAcceptance:
        """Record (idempotently) that a user accepted a demand's NDA."""
        row = self.session.scalars(
            select(t.NdaAcceptanceRow).where(
                t.NdaAcceptanceRow.demand_id == demand_id, t.NdaAcceptanceRow.user_id == user_id
            )
        ).first()
        if row is None:
            row = t.NdaAcceptanceRow(demand_id=demand_id, user_id=user_id, accepted_at=utcnow())
            self.session.add(row)
            self.session.flush()
        return NdaAcceptance(demand_id=demand_id, user_id=user_id, accepted_at=row.accepted_at)

    def nda_acceptances(self, demand_id: int) -> list[NdaAcceptance]:
        """Who accepted this demand's NDA, oldest first."""
        rows = self.session.scalars(
            select(t.NdaAcceptanceRow)
            .where(t.NdaAcceptanceRow.demand_id == demand_id)
            .order_by(t.NdaAcceptanceRow.accepted_at)
        )
        return [
            NdaAcceptance(demand_id=row.demand_id, user_id=row.user_id, accepted_at=row.accepted_at)
            for row in rows
        ]

    def has_accepted_nda(self, demand_id: int, user_id: int) -> bool:
        """True when the user accepted this demand's NDA."""
        found = self.session.scalar(
            select(func.count())
            .select_from(t.NdaAcceptanceRow)
            .where(t.NdaAcceptanceRow.demand_id == demand_id, t.NdaAcceptanceRow.user_id == user_id)
        )
        return bool(found)


class DemandScope(BaseModel):
    """Which demands an actor may read in full (built by the policy, applied in SQL)."""

    everything: bool = False
    open_tiers: list[str] = []
    published_statuses: list[str] = []
    region_ids: list[int] = []
    enterprise_ids: list[int] = []
    demand_ids: list[int] = []
    nda_user_id: int | None = None


_HISTORY_FIELDS = tuple(DockingHistoryEntry.model_fields)


class DockingRepository(Repository[Docking]):
    """Dockings with their full history."""

    model = Docking
    row_class = t.DockingRow
    search_columns = ("note",)
    children = frozenset({"history"})

    def _load_children(self, ids: list[int], by_id: dict[int, dict[str, Any]]) -> None:
        history = _group(
            self._child_rows(t.DockingHistoryRow, "docking_id", ids, "id"),
            "docking_id",
            DockingHistoryEntry,
            _HISTORY_FIELDS,
        )
        for docking_id, data in by_id.items():
            data["history"] = history.get(docking_id, [])

    def _write_children(self, model: Docking, row_id: int) -> None:
        stored = self.session.scalar(
            select(func.count())
            .select_from(t.DockingHistoryRow)
            .where(t.DockingHistoryRow.docking_id == row_id)
        )
        new_entries = [  # history is append-only
            {"docking_id": row_id, **entry.model_dump()}
            for entry in model.history[int(stored or 0) :]
        ]
        if new_entries:
            self.session.execute(insert(table_of(t.DockingHistoryRow)), new_entries)

    def _condition(self, key: str, value: Any) -> ColumnElement[bool] | None:
        if key == "visible":
            scope: DockingScope = value
            if scope.everything:
                return self._column("id").is_not(None)
            clauses: list[ColumnElement[bool]] = [false()]
            if scope.region_ids:
                clauses.append(self._column("region_id").in_(scope.region_ids))
            if scope.enterprise_id is not None:
                owned = select(t.DemandRow.id).where(
                    t.DemandRow.enterprise_id == scope.enterprise_id
                )
                clauses.append(self._column("demand_id").in_(owned))
            for kind, target_ids in scope.targets.items():
                if target_ids:
                    clauses.append(
                        (self._column("target_kind") == kind)
                        & self._column("target_id").in_(target_ids)
                    )
            return or_(*clauses)
        return None


class DockingScope(BaseModel):
    """Which dockings an actor may see (built by the policy, applied in SQL)."""

    everything: bool = False
    region_ids: list[int] = []
    enterprise_id: int | None = None
    targets: dict[str, list[int]] = {}


_PARTICIPATION_FIELDS = tuple(Participation.model_fields)


class EventRepository(Repository[Event]):
    """Events with participants; ``docking_ids`` derived from dockings pointing at the event."""

    model = Event
    row_class = t.EventRow
    search_columns = ("title",)
    children = frozenset({"participants", "docking_ids"})

    def _load_children(self, ids: list[int], by_id: dict[int, dict[str, Any]]) -> None:
        participants = _group(
            self._child_rows(t.EventParticipantRow, "event_id", ids, "id"),
            "event_id",
            Participation,
            _PARTICIPATION_FIELDS,
        )
        dockings: dict[int, list[int]] = defaultdict(list)
        for chunk in _chunks(ids):
            for event_id, docking_id in self.session.execute(
                select(t.DockingRow.event_id, t.DockingRow.id)
                .where(t.DockingRow.event_id.in_(chunk))
                .order_by(t.DockingRow.id)
            ):
                if event_id is not None:
                    dockings[event_id].append(docking_id)
        for event_id, data in by_id.items():
            data["participants"] = participants.get(event_id, [])
            data["docking_ids"] = dockings.get(event_id, [])

    def _write_children(self, model: Event, row_id: int) -> None:
        self.session.execute(
            delete(t.EventParticipantRow).where(t.EventParticipantRow.event_id == row_id)
        )
        rows = [{"event_id": row_id, **p.model_dump()} for p in model.participants]
        if rows:
            self.session.execute(insert(table_of(t.EventParticipantRow)), rows)

    def _condition(self, key: str, value: Any) -> ColumnElement[bool] | None:
        if key == "year":
            column = self._column("starts_on")
            return (column >= date(value, 1, 1)) & (column <= date(value, 12, 31))
        if key in ("starts_on_from", "starts_on_before"):
            starts_on = self._column("starts_on")
            condition: ColumnElement[bool] = (
                starts_on >= value if key == "starts_on_from" else starts_on < value
            )
            return condition
        return None


class HonourListRepository(Repository[HonourList]):
    """Honour lists with nominations, review rounds (scores inside) and entries."""

    model = HonourList
    row_class = t.HonourListRow
    search_columns = ("title",)
    children = frozenset({"nominations", "review_rounds", "entries"})

    def _load_children(self, ids: list[int], by_id: dict[int, dict[str, Any]]) -> None:
        parts: list[tuple[str, type[Any], type[BaseModel], str]] = [
            ("nominations", t.NominationRow, Nomination, "id"),
            ("review_rounds", t.ReviewRoundRow, ReviewRound, "number"),
            ("entries", t.HonourEntryRow, HonourEntry, "rank"),
        ]
        for field, row_class, model, order in parts:
            grouped = _group(
                self._child_rows(row_class, "honour_list_id", ids, order),
                "honour_list_id",
                model,
                tuple(model.model_fields),
            )
            for list_id, data in by_id.items():
                data[field] = grouped.get(list_id, [])

    def _write_children(self, model: HonourList, row_id: int) -> None:
        self._sync_children(t.NominationRow, "honour_list_id", row_id, model.nominations)
        self.session.flush()  # entries reference nominations
        self._sync_children(t.ReviewRoundRow, "honour_list_id", row_id, model.review_rounds)
        self._sync_children(t.HonourEntryRow, "honour_list_id", row_id, model.entries)


class UserRepository(Repository[User]):
    """Accounts, their password hashes and their tokens."""

    model = User
    row_class = t.UserRow
    search_columns = ("username", "display_name", "email")

    def password_hash(self, user_id: int) -> str | None:
        """The stored argon2id hash (only the users service asks)."""
        return self.session.scalar(select(t.UserRow.password_hash).where(t.UserRow.id == user_id))

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        """Replace the stored hash."""
        result = self.session.execute(
            update(self.table)
            .where(self.table.c.id == user_id)
            .values(password_hash=password_hash, updated_at=utcnow())
        )
        if not getattr(result, "rowcount", 1):
            raise LookupError(user_id)

    def add_with_password(self, user: User, password_hash: str) -> User:
        """Insert a new account with its password hash."""
        now = utcnow()
        new_id = self.session.execute(
            insert(self.table)
            .values(
                {
                    **self._values(user),
                    "password_hash": password_hash,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            .returning(self.table.c.id)
        ).scalar_one()
        stored = self.get(new_id)
        assert stored is not None
        return stored

    def find_by_login(self, login: str) -> User | None:
        """The account whose username (case-sensitive) or e-mail (case-insensitive) is ``login``."""
        rows = self._rows(
            select(self.table)
            .where(
                or_(
                    self.table.c.username == login,
                    (func.lower(self.table.c.email) == login.lower()) & (self.table.c.email != ""),
                )
            )
            .order_by(self.table.c.id)
            .limit(1)
        )
        return self._to_models(rows)[0] if rows else None


_TOKEN_FIELDS = tuple(ApiToken.model_fields)


class TokenRepository:
    """Hashed secrets for API tokens, sessions and password resets."""

    def __init__(self, session: Session) -> None:
        self.session = session

    @staticmethod
    def _model(row: t.TokenRow) -> ApiToken:
        return ApiToken.model_validate({name: getattr(row, name) for name in _TOKEN_FIELDS})

    def add(self, token: ApiToken, secret_hash: str) -> ApiToken:
        """Store a token's metadata and the hash of its secret."""
        now = utcnow()
        values = token.model_dump(exclude={"id", "created_at", "updated_at"})
        row = t.TokenRow(**values, secret_hash=secret_hash, created_at=now, updated_at=now)
        self.session.add(row)
        self.session.flush()
        return self._model(row)

    def find(self, secret_hash: str) -> ApiToken | None:
        """The token whose secret hashes to ``secret_hash``."""
        row = self.session.scalars(
            select(t.TokenRow).where(t.TokenRow.secret_hash == secret_hash)
        ).first()
        return None if row is None else self._model(row)

    def get(self, token_id: int) -> ApiToken | None:
        """A token by id."""
        if not storable(token_id):
            return None
        row = self.session.get(t.TokenRow, token_id)
        return None if row is None else self._model(row)

    def for_user(self, user_id: int, kind: str | None = None) -> list[ApiToken]:
        """A user's tokens, newest first."""
        query = select(t.TokenRow).where(t.TokenRow.user_id == user_id)
        if kind is not None:
            query = query.where(t.TokenRow.kind == kind)
        return [
            self._model(row) for row in self.session.scalars(query.order_by(t.TokenRow.id.desc()))
        ]

    def touch(self, token_id: int, *, expires_at: datetime | None = None) -> None:
        """Record a use of the token (and, for sliding sessions, push its expiry out)."""
        row = self.session.get(t.TokenRow, token_id)
        if row is not None:
            row.last_used_at = utcnow()
            if expires_at is not None:
                row.expires_at = expires_at

    def revoke(self, token_id: int) -> None:
        """Revoke a token (kept for the record)."""
        row = self.session.get(t.TokenRow, token_id)
        if row is not None and row.revoked_at is None:
            row.revoked_at = utcnow()
            row.updated_at = utcnow()
        self.session.flush()

    def revoke_all(self, user_id: int, kind: str) -> None:
        """Revoke every live token of one kind for a user (e.g. sessions after a password reset)."""
        for row in self.session.scalars(
            select(t.TokenRow).where(
                t.TokenRow.user_id == user_id,
                t.TokenRow.kind == kind,
                t.TokenRow.revoked_at.is_(None),
            )
        ):
            row.revoked_at = utcnow()
        self.session.flush()


class VisitRepository:
    """Visit counts: one row per visitor hash, resource and day; no other visitor data."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def record(
        self,
        *,
        day: date,
        region_id: int | None,
        resource_kind: str,
        resource_id: int,
        visitor_hash: str,
    ) -> bool:
        """Count a visit unless this visitor was already counted for the resource that day."""
        values = {
            "day": day,
            "region_id": region_id,
            "resource_kind": resource_kind,
            "resource_id": resource_id,
            "visitor_hash": visitor_hash,
        }
        keys = ["day", "resource_kind", "resource_id", "visitor_hash"]
        dialect = self.session.get_bind().dialect.name
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        statement = (
            insert(t.VisitRow)
            .values(**values)
            .on_conflict_do_nothing(index_elements=keys)
            .returning(t.VisitRow.id)
        )
        return self.session.execute(statement).first() is not None

    def _where(
        self,
        region_id: int | None,
        since: date | None,
        until: date | None,
        resource_kind: str | None,
    ) -> list[ColumnElement[bool]]:
        where: list[ColumnElement[bool]] = []
        if region_id is not None:
            where.append(t.VisitRow.region_id == region_id if storable(region_id) else false())
        if since is not None:
            where.append(t.VisitRow.day >= since)
        if until is not None:
            where.append(t.VisitRow.day <= until)
        if resource_kind is not None:
            where.append(t.VisitRow.resource_kind == resource_kind)
        return where

    def count(
        self,
        *,
        region_id: int | None = None,
        since: date | None = None,
        until: date | None = None,
        resource_kind: str | None = None,
    ) -> int:
        """Visits matching the filters (days inclusive)."""
        total = self.session.scalar(
            select(func.count())
            .select_from(t.VisitRow)
            .where(*self._where(region_id, since, until, resource_kind))
        )
        return int(total or 0)

    def daily(
        self, *, region_id: int | None = None, since: date | None = None, until: date | None = None
    ) -> list[tuple[date, int]]:
        """Visits per day, oldest first."""
        rows = self.session.execute(
            select(t.VisitRow.day, func.count())
            .where(*self._where(region_id, since, until, None))
            .group_by(t.VisitRow.day)
            .order_by(t.VisitRow.day)
        )
        return [(day, int(count)) for day, count in rows]


_AUDIT_FIELDS = tuple(AuditEntry.model_fields)


class AuditRepository:
    """The append-only audit log: add and read, nothing else."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, entry: AuditEntry) -> None:
        """Append one entry (and note its kind: the unit of work bumps that data version)."""
        self.session.info.setdefault("audited_kinds", set()).add(entry.entity_kind)
        self.session.execute(
            insert(table_of(t.AuditRow)).values(**entry.model_dump(exclude={"id"}))
        )

    def page(
        self, *, offset: int = 0, limit: int = 50, **filters: Any
    ) -> tuple[list[AuditEntry], int]:
        """Entries matching equality filters on the audit columns, newest first."""
        where: list[ColumnElement[bool]] = [
            getattr(t.AuditRow, key) == value if storable(value) else false()
            for key, value in filters.items()
            if value is not None
        ]
        total = self.session.scalar(select(func.count()).select_from(t.AuditRow).where(*where))
        rows = self.session.scalars(
            select(t.AuditRow)
            .where(*where)
            .order_by(t.AuditRow.id.desc())
            .offset(offset)
            .limit(limit)
        )
        entries = [
            AuditEntry.model_validate({name: getattr(row, name) for name in _AUDIT_FIELDS})
            for row in rows
        ]
        return entries, int(total or 0)
