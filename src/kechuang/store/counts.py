"""Aggregate queries the generic repositories cannot express: joins, sums and date windows.

Region statistics (`kechuang.services.stats`) need counts such as "societies docked with the
region and still active" (a join with the organisation's kind) or "trainee person-times in a
year" (a sum). Each function here is one SELECT returning a number, over non-archived rows only,
so the figures come from the database and stay cheap however large a region grows.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, date, datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from kechuang.store import tables as t


def _in_year(
    column: InstrumentedAttribute[date] | InstrumentedAttribute[date | None], year: int | None
) -> list[ColumnElement[bool]]:
    if year is None:
        return []
    return [column >= date(year, 1, 1), column <= date(year, 12, 31)]


def docked_organisations(
    session: Session, region_id: int, kinds: Collection[str], *, as_of: date | None = None
) -> int:
    """Distinct organisations of `kinds` docked with the region and not ended (as of `as_of`,
    default: today's state — every docking without an end date)."""
    rd, org = t.RegionDockingRow, t.OrganisationRow
    conditions: list[ColumnElement[bool]] = [
        rd.region_id == region_id,
        rd.archived.is_(False),
        org.archived.is_(False),
        org.kind.in_(list(kinds)),
    ]
    if as_of is None:
        conditions.append(rd.ended_on.is_(None))
    else:
        conditions += [rd.signed_on <= as_of, (rd.ended_on.is_(None)) | (rd.ended_on > as_of)]
    total = session.scalar(
        select(func.count(func.distinct(rd.organisation_id)))
        .select_from(rd)
        .join(org, org.id == rd.organisation_id)
        .where(*conditions)
    )
    return int(total or 0)


def trainee_total(
    session: Session, region_id: int, kinds: Collection[str], *, year: int | None = None
) -> int:
    """Sum of trainee person-times (培训人次) over the region's events of `kinds`."""
    ev = t.EventRow
    total = session.scalar(
        select(func.coalesce(func.sum(ev.trainee_count), 0)).where(
            ev.region_id == region_id,
            ev.archived.is_(False),
            ev.kind.in_(list(kinds)),
            *_in_year(ev.starts_on, year),
        )
    )
    return int(total or 0)


def dockings_in_stages(
    session: Session, region_id: int, stages: Collection[str], *, signed_in: int | None = None
) -> tuple[int, int]:
    """(count, contract value in fen) of the region's dockings now in `stages`; with
    `signed_in`, only those signed in that year."""
    dk = t.DockingRow
    row = session.execute(
        select(func.count(), func.coalesce(func.sum(dk.contract_value_fen), 0)).where(
            dk.region_id == region_id,
            dk.archived.is_(False),
            dk.stage.in_(list(stages)),
            *_in_year(dk.signed_on, signed_in),
        )
    ).one()
    return int(row[0] or 0), int(row[1] or 0)


def volunteers(session: Session, region_id: int, *, as_of: date | None = None) -> int:
    """Volunteers of the region (joined on or before `as_of` when given; unknown dates count)."""
    vo = t.VolunteerRow
    conditions: list[ColumnElement[bool]] = [vo.region_id == region_id, vo.archived.is_(False)]
    if as_of is not None:
        conditions.append(vo.joined_on.is_(None) | (vo.joined_on <= as_of))
    return int(session.scalar(select(func.count()).select_from(vo).where(*conditions)) or 0)


def demands(session: Session, region_id: int, *, published_in: int | None = None) -> int:
    """The region's demands; with `published_in`, only those published in that year."""
    dm = t.DemandRow
    conditions: list[ColumnElement[bool]] = [dm.region_id == region_id, dm.archived.is_(False)]
    if published_in is not None:
        start = datetime(published_in, 1, 1, tzinfo=UTC)
        end = datetime(published_in + 1, 1, 1, tzinfo=UTC)
        conditions += [dm.published_at >= start, dm.published_at < end]
    return int(session.scalar(select(func.count()).select_from(dm).where(*conditions)) or 0)
