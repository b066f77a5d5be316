"""Public full-text search: ranked hits with facets, highlighted matches and autocomplete.

One index per database, built from the *anonymous public's* view of the records through the other
services — experts (profile and works, never contact data), organisations (name, profile, codes;
never phone, e-mail, address or credit code), published achievements, demand teasers (title,
industry, region; never the detail text, whatever the caller's tier), events and honour lists
(entries only once published). Drafts, records held by moderation and archived records are not in
it. Every caller searches this same public index, so a hit, a snippet, a facet count, a
suggestion or a total can never reveal what the public may not read.

Text is analysed by the matching engine's analyser (rjieba with the code-list dictionary,
traditional -> simplified, English stemming) and ranked by its BM25 index (bm25s); filters are
boolean masks inside scoring, so a filtered page is the true top of the filtered set. Facets are
counted on the hit set with every *other* selected filter applied (so a selected value's siblings
keep their counts and the user can switch). Highlights mark the surface forms in the shown text
whose analysis matches a query token: Chinese words (also in traditional characters) and English
inflections (``materials`` for ``material``).

The index is built on first use and kept current by an after-commit hook: the changed records
are re-read as the public and only they are re-analysed, so the next query sees the commit
(a record that stopped being public is gone). Queries read only the in-memory index — no
database round trip per hit.
"""

from __future__ import annotations

import bisect
import builtins
import logging
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
import numpy.typing as npt
from sqlalchemy.engine import Engine

from kechuang.domain import (
    Achievement,
    Actor,
    DemandTeaser,
    Event,
    Expert,
    HonourList,
    NotFound,
    Organisation,
    OrganisationKind,
    Page,
    PermissionDenied,
    ValidationError,
)
from kechuang.domain.codes import Code, disciplines, industries
from kechuang.domain.common import Change
from kechuang.domain.honour import HonourListStatus
from kechuang.domain.vocab import label
from kechuang.match.lexical import LexicalIndex
from kechuang.match.text.analyzer import Analyzer
from kechuang.services import (
    achievements,
    demands,
    events,
    experts,
    honours,
    organisations,
    policy,
    regions,
)
from kechuang.services.context import action, transaction, unit_of_work
from kechuang.services.hooks import Version, data_version, subscribe
from kechuang.store.database import engine_for

__plumbing__ = (
    "changed_documents",
    "kind_labels",
    "highlight_spans",
    "invalidate",
    "public_documents",
)
"""Public helpers that are not service actions."""

policy.rule("search.query", "anyone: the index holds only what the public may read")(policy.anyone)
policy.rule("search.suggest", "anyone: public record names and code-list labels only")(
    policy.anyone
)

PER_PAGE = 10
MAX_PAGE = 100
MAX_QUERY = 100
SUGGEST_LIMIT = 10
SNIPPET_CHARS = 120

RECORD_KINDS: dict[str, tuple[str, str]] = {
    "expert": ("专家", "Expert"),
    "achievement": ("科技成果", "Achievement"),
    "demand": ("科技需求", "Demand"),
    "event": ("活动", "Event"),
    "honour_list": ("榜单", "Honour list"),
}
"""Kinds of hit besides organisations (whose kind is their ``OrganisationKind``)."""

ORGANISATION = "organisation"
"""Filter value selecting every organisation kind at once."""

INDEXED_CHANGES = frozenset(
    {"expert", "organisation", "achievement", "demand", "event", "honour_list", "region"}
)
"""Change kinds that make the index stale."""

_LATIN_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9+#\-]*")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_SPACE = re.compile(r"\s+")

log = logging.getLogger(__name__)
BoolArray = npt.NDArray[np.bool_]
T = TypeVar("T")


# -- the documents ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchDocument:
    """One public record as the index holds it (its shown texts are public by construction)."""

    kind: str
    """``expert``, ``achievement``, ``demand``, ``event``, ``honour_list``, or an organisation
    kind."""
    record_id: int
    title: str
    subtitle: str
    body: str
    """Public text the snippet is cut from."""
    region_id: int | None
    industry_codes: tuple[str, ...] = ()
    discipline_codes: tuple[str, ...] = ()
    alt_title: str = ""
    """English name where the record has one (suggestions by English prefix)."""


def _join(*parts: str | None) -> str:
    return " ".join(part.strip() for part in parts if part and part.strip())


def _names(codes: Iterable[str], table: dict[str, Code]) -> str:
    return " ".join(table[code].name for code in codes if code in table)


def _all_pages(fetch: Callable[[int], Page[T]]) -> builtins.list[T]:
    found: builtins.list[T] = []
    offset = 0
    while True:
        page = fetch(offset)
        found.extend(page.items)
        if not page.has_more or not page.items:
            return found
        offset += len(page.items)


def _expert_document(expert: Expert) -> SearchDocument:
    assert expert.id is not None
    works = " ".join(
        _join(work.title, work.abstract, " ".join(work.keywords)) for work in expert.works
    )
    return SearchDocument(
        "expert",
        expert.id,
        expert.name,
        _join(expert.title, expert.affiliation),
        _join(
            expert.name_en,
            " ".join(expert.keywords),
            expert.bio,
            works,
            _names(expert.discipline_codes, disciplines()),
            _names(expert.industry_codes, industries()),
        ),
        expert.region_id,
        tuple(expert.industry_codes),
        tuple(expert.discipline_codes),
        expert.name_en,
    )


def _organisation_document(organisation: Organisation) -> SearchDocument:
    """Name, English name, keywords, profile and codes — never phone, e-mail, address or credit
    code."""
    assert organisation.id is not None
    return SearchDocument(
        organisation.kind.value,
        organisation.id,
        organisation.name,
        organisation.name_en,
        _join(
            organisation.name_en,
            " ".join(organisation.keywords),
            organisation.description,
            _names(organisation.discipline_codes, disciplines()),
            _names(organisation.industry_codes, industries()),
        ),
        organisation.region_id,
        tuple(organisation.industry_codes),
        tuple(organisation.discipline_codes),
        organisation.name_en,
    )


def _achievement_document(achievement: Achievement) -> SearchDocument | None:
    assert achievement.id is not None
    if achievement.archived or achievement.status not in policy.PUBLIC_ACHIEVEMENT_STATUSES:
        return None
    return SearchDocument(
        "achievement",
        achievement.id,
        achievement.title,
        _join(achievement.owner_name, f"TRL {achievement.trl}"),
        _join(
            " ".join(achievement.keywords),
            achievement.description,
            _names(achievement.discipline_codes, disciplines()),
            _names(achievement.industry_codes, industries()),
        ),
        achievement.region_id,
        tuple(achievement.industry_codes),
        tuple(achievement.discipline_codes),
    )


def _teaser_document(teaser: DemandTeaser) -> SearchDocument:
    """The teaser only: a demand's background, problems and indicators never reach the index."""
    return SearchDocument(
        "demand",
        teaser.id,
        teaser.title,
        "",
        _names(teaser.industry_codes, industries()),
        teaser.region_id,
        tuple(teaser.industry_codes),
    )


def _event_document(event: Event) -> SearchDocument | None:
    assert event.id is not None
    if event.archived:
        return None
    return SearchDocument(
        "event",
        event.id,
        event.title,
        _join(event.starts_on.isoformat(), event.location),
        _join(event.description, event.location, _names(event.industry_codes, industries())),
        event.region_id,
        tuple(event.industry_codes),
    )


def _honour_document(honour: HonourList) -> SearchDocument | None:
    """Title, year and kind; the ranked names and citations only once the list is published
    (nominations and their reasons never)."""
    assert honour.id is not None
    if honour.archived or honour.status not in _PUBLIC_HONOUR_STATUSES:
        return None
    body = ""
    if honour.status is HonourListStatus.PUBLISHED:
        names = {n.id: n.nominee_name for n in honour.nominations}
        body = " ".join(
            _join(names.get(entry.nomination_id, ""), entry.citation)
            for entry in sorted(honour.entries, key=lambda entry: entry.rank)
        )
    return SearchDocument(
        "honour_list",
        honour.id,
        honour.title,
        _join(str(honour.year), label(honour.kind)),
        body,
        honour.region_id,
    )


_PUBLIC_HONOUR_STATUSES = frozenset({HonourListStatus.NOMINATING, HonourListStatus.PUBLISHED})


def public_documents() -> builtins.list[SearchDocument]:
    """Every searchable record as the anonymous public sees it (read through the services)."""
    public = Actor.anonymous()
    docs: builtins.list[SearchDocument | None] = []
    docs += [_expert_document(e) for e in experts.all_with_works(public, None)]
    docs += [_organisation_document(o) for o in organisations.all_in_region(public, None)]
    docs += [_achievement_document(a) for a in achievements.all_in_region(public, None)]
    teasers = _all_pages(
        lambda offset: demands.list_teasers(public, offset=offset, limit=_page_size())
    )
    docs += [_teaser_document(t) for t in teasers]
    every_event = _all_pages(lambda offset: events.list(public, offset=offset, limit=_page_size()))
    docs += [_event_document(e) for e in every_event]
    lists = _all_pages(lambda offset: honours.list(public, offset=offset, limit=_page_size()))
    docs += [_honour_document(h) for h in lists]
    return [doc for doc in docs if doc is not None]


_READ_ONE: dict[str, Callable[[Actor, int], SearchDocument | None]] = {
    "expert": lambda actor, i: _expert_document(experts.get(actor, i)),
    "organisation": lambda actor, i: _organisation_document(organisations.get(actor, i)),
    "achievement": lambda actor, i: _achievement_document(achievements.get(actor, i)),
    "demand": lambda actor, i: _teaser_document(demands.get_teaser(actor, i)),
    "event": lambda actor, i: _event_document(events.get(actor, i)),
    "honour_list": lambda actor, i: _honour_document(honours.get(actor, i)),
}
"""Re-read one changed record as the public (None: it is no longer public)."""


def changed_documents(
    changes: Sequence[Change],
) -> tuple[set[tuple[str, int]], builtins.list[SearchDocument]]:
    """The records named by committed ``changes`` as the public sees them now: the keys to drop
    from the index and the documents to (re)insert. Call inside a transaction."""
    public = Actor.anonymous()
    keys: set[tuple[str, int]] = set()
    docs: builtins.list[SearchDocument] = []
    for change in changes:
        read = _READ_ONE.get(change.kind)
        if read is None or (change.kind, change.id) in keys:
            continue
        keys.add((change.kind, change.id))
        try:
            doc = read(public, change.id)
        except (NotFound, PermissionDenied):
            doc = None
        if doc is not None:
            docs.append(doc)
    return keys, docs


def _page_size() -> int:
    from kechuang.config import get_settings  # noqa: PLC0415 - settings read per build

    return get_settings().max_page_size


# -- highlighting -----------------------------------------------------------------------------


_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")


def _fold_aligned(analyzer: Analyzer, text: str) -> str:
    """``text`` folded (full-width, traditional -> simplified, lower case) with every character
    at the same position, so spans found in the folded text mark the original."""
    folded = analyzer.normalize(text)
    if len(folded) == len(text):
        return folded
    # Some character folds to several (NFKC of ㎡, a phrase conversion 記憶體 -> 内存): fold
    # character by character where needed, keeping the rest whole (fast).
    table: dict[int, str] = {}
    for char in set(text):
        one = unicodedata.normalize("NFKC", char).lower()
        if len(one) != 1:
            table[ord(char)] = " "  # the folded copy only locates spans; the original is shown
        elif one != char:
            table[ord(char)] = one
    base = text.translate(table)
    folded = analyzer.normalize(base)
    if len(folded) == len(text):
        return folded

    def simplified(run: re.Match[str]) -> str:
        whole = analyzer.fold(run.group(0))
        if len(whole) == len(run.group(0)):
            return whole
        chars = (analyzer.fold(char) for char in run.group(0))
        return "".join(c if len(c) == 1 else o for c, o in zip(chars, run.group(0), strict=True))

    return _CJK_RUN.sub(simplified, base)


_LATIN_CACHE: dict[str, frozenset[str]] = {}


def _latin_tokens(analyzer: Analyzer, word: str) -> frozenset[str]:
    found = _LATIN_CACHE.get(word)
    if found is None:
        found = frozenset(analyzer.tokens(word))
        if len(_LATIN_CACHE) < 100_000:
            _LATIN_CACHE[word] = found
    return found


def highlight_spans(
    analyzer: Analyzer, text: str, query_tokens: Iterable[str]
) -> builtins.list[tuple[int, int]]:
    """Non-overlapping ``(start, end)`` spans of ``text`` whose analysis matches a query token.

    Chinese tokens are found as substrings of the folded text (longest first), so 材料 marks the
    材料 inside 新材料, and 电池 marks 電池 written in traditional characters; a Latin word is
    marked when its analysed form (stemmed) is a query token, so ``Materials`` is marked for
    ``material``.
    """
    tokens = set(query_tokens)
    if not text or not tokens:
        return []
    folded = _fold_aligned(analyzer, text)
    taken = [False] * len(text)
    spans: builtins.list[tuple[int, int]] = []
    for token in sorted((t for t in tokens if _CJK.search(t)), key=len, reverse=True):
        start = folded.find(token)
        while start != -1:
            end = start + len(token)
            if not any(taken[start:end]):
                spans.append((start, end))
                for i in range(start, end):
                    taken[i] = True
            start = folded.find(token, end)
    latin = {t for t in tokens if not _CJK.search(t)}
    if latin:
        # Only words starting like a stem can stem to it (english: 'studi' <- 'studies'; a
        # final 'i' may stand for 'y'), so a regex finds the candidates and the analyser decides.
        prefixes = sorted({t[:-1] if t.endswith("i") and len(t) > 2 else t for t in latin})
        candidates = re.compile(
            r"(?<![a-z0-9])(?:" + "|".join(map(re.escape, prefixes)) + r")[a-z0-9+#\-]*"
        )
        for match in candidates.finditer(folded):
            if any(taken[match.start() : match.end()]):
                continue
            if latin & _latin_tokens(analyzer, match.group(0)):
                spans.append((match.start(), match.end()))
    spans.sort()
    return spans


@dataclass(frozen=True)
class Highlighted:
    """A shown text and the spans of it to mark (the web and API escape and mark them)."""

    text: str
    spans: tuple[tuple[int, int], ...] = ()

    def parts(self) -> builtins.list[tuple[str, bool]]:
        """``(piece, matched)`` in order: the text cut at the spans."""
        pieces: builtins.list[tuple[str, bool]] = []
        last = 0
        for start, end in self.spans:
            if start > last:
                pieces.append((self.text[last:start], False))
            pieces.append((self.text[start:end], True))
            last = end
        if last < len(self.text):
            pieces.append((self.text[last:], False))
        return pieces


def _snippet(analyzer: Analyzer, body: str, tokens: Sequence[str]) -> Highlighted:
    body = _SPACE.sub(" ", body).strip()
    if not body:
        return Highlighted("")
    spans = highlight_spans(analyzer, body, tokens)
    if len(body) <= SNIPPET_CHARS:
        return Highlighted(body, tuple(spans))
    start = max(0, spans[0][0] - SNIPPET_CHARS // 4) if spans else 0
    end = min(len(body), start + SNIPPET_CHARS)
    start = max(0, end - SNIPPET_CHARS)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(body) else ""
    shift = len(prefix) - start
    kept = tuple(
        (max(s, start) + shift, min(e, end) + shift) for s, e in spans if s < end and e > start
    )
    return Highlighted(prefix + body[start:end] + suffix, kept)


# -- the index --------------------------------------------------------------------------------


FACETS = ("kind", "industry", "discipline", "region")


@dataclass(frozen=True)
class FacetValue:
    """One selectable value of a facet with the number of hits it would keep."""

    code: str
    label_zh: str
    label_en: str
    count: int
    selected: bool = False


@dataclass(frozen=True)
class SearchHit:
    """One ranked hit: which record, its highlighted title and snippet."""

    kind: str
    record_id: int
    score: float
    title: Highlighted
    subtitle: str
    snippet: Highlighted
    region_id: int | None
    kind_label_zh: str
    kind_label_en: str
    matched_terms: tuple[str, ...] = ()
    region_label_zh: str = ""
    region_label_en: str = ""


@dataclass(frozen=True)
class SearchFilters:
    """The selected facet values (empty string: not filtered)."""

    kind: str = ""
    industry: str = ""
    discipline: str = ""
    region: str = ""

    def get(self, name: str) -> str:
        """The selected value of facet ``name``."""
        value: str = getattr(self, name)
        return value


@dataclass(frozen=True)
class SearchResults:
    """A page of hits, the total over the filtered hit set, and the facets."""

    query: str
    filters: SearchFilters
    hits: builtins.list[SearchHit]
    total: int
    page: int
    per_page: int
    facets: dict[str, builtins.list[FacetValue]] = field(default_factory=dict)
    tokens: tuple[str, ...] = ()

    @property
    def pages(self) -> int:
        """Number of pages of the filtered hit set."""
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True)
class Suggestion:
    """One autocomplete entry: a record's name or a code-list label."""

    text: str
    kind: str
    """A record kind (see :data:`RECORD_KINDS`, organisation kinds) or ``industry``/
    ``discipline``."""
    code: str
    """The record id, or the industry/discipline code."""
    kind_label_zh: str
    kind_label_en: str


def kind_labels(kind: str) -> tuple[str, str]:
    """``(zh, en)`` label of a hit kind."""
    if kind in RECORD_KINDS:
        return RECORD_KINDS[kind]
    if kind == ORGANISATION:
        return ("机构", "Organisation")
    try:
        member = OrganisationKind(kind)
    except ValueError:
        return (kind, kind)
    return (label(member, "zh"), label(member, "en"))


_FOLDED_NAMES: dict[str, str] = {}


def _folded_name(analyzer: Analyzer, name: str) -> str:
    folded = _FOLDED_NAMES.get(name)
    if folded is None:
        folded = _FOLDED_NAMES[name] = analyzer.normalize(name)
    return folded


def _code_chain(code: str, table: dict[str, Code]) -> tuple[str, ...]:
    chain = [code]
    current = table.get(code)
    while current is not None and current.parent:
        chain.append(current.parent)
        current = table.get(current.parent)
    return tuple(chain)


@dataclass(frozen=True)
class _Analysed:
    """A document's analysis, kept so an update re-analyses only the changed records."""

    tokens: tuple[str, ...]
    keys: tuple[str, ...]
    """Folded suggestion keys: the name(s), and the name from each Latin word on."""


def _change_key(doc: SearchDocument) -> tuple[str, int]:
    """The (change kind, id) that names ``doc``'s record in committed changes."""
    return (doc.kind if doc.kind in RECORD_KINDS else ORGANISATION, doc.record_id)


def _analyse(analyzer: Analyzer, doc: SearchDocument) -> _Analysed:
    # The title counts twice: a match in the name outranks one in the profile.
    tokens = analyzer.tokens(_join(doc.title, doc.title, doc.subtitle, doc.body))
    keys: builtins.list[str] = []
    for name in (doc.title, doc.alt_title):
        if not name:
            continue
        folded = analyzer.normalize(name)
        keys.append(folded)
        keys += [folded[w.start() :] for w in _LATIN_WORD.finditer(folded) if w.start() > 0]
    return _Analysed(tuple(tokens), tuple(keys))


class PublicSearchIndex:
    """The public records in memory: BM25 over their text, masks per facet value, a sorted
    prefix table for suggestions. Immutable once built (queries are thread-safe); a commit
    produces a new index with :meth:`updated`."""

    def __init__(
        self,
        docs: Sequence[SearchDocument],
        analyzer: Analyzer,
        region_names: dict[int, tuple[str, str]],
        analysed: Sequence[_Analysed] | None = None,
    ) -> None:
        self.docs = list(docs)
        self.analyzer = analyzer
        self.region_names = dict(region_names)
        self.analysed = (
            list(analysed) if analysed is not None else [_analyse(analyzer, d) for d in self.docs]
        )
        self.lexical = LexicalIndex().fit([a.tokens for a in self.analysed])
        size = len(self.docs)
        self.size = size
        self._industries = industries()
        self._disciplines = disciplines()
        self.kinds = np.array([d.kind for d in self.docs], dtype=object)
        self.postings: dict[str, dict[str, npt.NDArray[np.int64]]] = {}
        members: dict[str, dict[str, builtins.list[int]]] = {name: {} for name in FACETS}
        for row, doc in enumerate(self.docs):
            members["kind"].setdefault(doc.kind, []).append(row)
            if doc.kind not in RECORD_KINDS:
                members["kind"].setdefault(ORGANISATION, []).append(row)
            members["region"].setdefault(
                str(doc.region_id) if doc.region_id is not None else "national", []
            ).append(row)
            for name, codes, table in (
                ("industry", doc.industry_codes, self._industries),
                ("discipline", doc.discipline_codes, self._disciplines),
            ):
                seen: set[str] = set()
                for code in codes:
                    seen.update(_code_chain(code, table))
                for code in seen:
                    members[name].setdefault(code, []).append(row)
        for name, values in members.items():
            self.postings[name] = {
                code: np.asarray(rows, dtype=np.int64) for code, rows in values.items()
            }
        self._by_char: dict[str, builtins.list[str]] = {}
        for term in self.lexical.vocabulary:
            if _CJK.search(term):
                for char in set(term):
                    self._by_char.setdefault(char, []).append(term)
        self._suggest_keys: builtins.list[tuple[str, int]] = []
        self._build_suggestions()

    def expand(self, tokens: Sequence[str], limit: int = 50) -> builtins.list[str]:
        """``tokens`` plus, for a Chinese token the index does not hold as a word (a single
        character such as 氢, or a fragment), the indexed words containing it — so 氢 finds
        加氢 and 氢能 as a Chinese user expects."""
        expanded = list(tokens)
        for token in tokens:
            if not _CJK.search(token) or (len(token) > 1 and token in self.lexical.vocabulary):
                continue
            found = [t for t in self._by_char.get(token[0], ()) if token in t and t != token]
            expanded.extend(sorted(found, key=lambda t: (len(t), t))[:limit])
        return list(dict.fromkeys(expanded))

    def updated(
        self,
        drop: set[tuple[str, int]],
        docs: Sequence[SearchDocument],
        region_names: dict[int, tuple[str, str]] | None = None,
    ) -> PublicSearchIndex:
        """A new index without the records named in ``drop`` and with ``docs`` added; only the
        added documents are analysed. When the public view of the named records did not change
        (most writes: drafts, capacities, NDA acceptances) this index itself is returned."""
        names = self.region_names if region_names is None else region_names
        before = {_change_key(doc): doc for doc in self.docs if _change_key(doc) in drop}
        after = {_change_key(doc): doc for doc in docs}
        if before == after and names == self.region_names:
            # Nothing the public sees changed (a draft saved, a capacity edited): keep this one.
            return self
        keep = [row for row, doc in enumerate(self.docs) if _change_key(doc) not in drop]
        return PublicSearchIndex(
            [self.docs[row] for row in keep] + list(docs),
            self.analyzer,
            names,
            [self.analysed[row] for row in keep] + [_analyse(self.analyzer, d) for d in docs],
        )

    def refreshed(
        self, docs: Sequence[SearchDocument], region_names: dict[int, tuple[str, str]]
    ) -> PublicSearchIndex:
        """The index of ``docs`` (every public record, re-read), re-analysing only the documents
        that differ from this index's; this index itself when nothing differs."""
        if list(docs) == self.docs and region_names == self.region_names:
            return self
        known = dict(zip(self.docs, self.analysed, strict=True))
        return PublicSearchIndex(
            docs,
            self.analyzer,
            region_names,
            [known.get(doc) or _analyse(self.analyzer, doc) for doc in docs],
        )

    # -- suggestions --

    def _build_suggestions(self) -> None:
        self._suggest_keys = sorted(
            (key, row) for row, analysed in enumerate(self.analysed) for key in analysed.keys
        )
        codes: builtins.list[tuple[str, str, str]] = []
        for name, table in (("industry", self._industries), ("discipline", self._disciplines)):
            for code in self.postings[name]:
                entry = table.get(code)
                if entry is not None:
                    codes.append((_folded_name(self.analyzer, entry.name), name, code))
                    codes.append((code.lower(), name, code))
        codes.sort()
        self._code_keys = codes

    def suggest(self, prefix: str, limit: int = SUGGEST_LIMIT) -> builtins.list[Suggestion]:
        """Record names and code-list labels starting with ``prefix`` (folded), at most
        ``limit``: code labels first (at most three), then records by name."""
        key = self.analyzer.normalize(prefix.strip())
        if not key:
            return []
        found: builtins.list[Suggestion] = []
        start = bisect.bisect_left(self._code_keys, (key, "", ""))
        seen_codes: set[tuple[str, str]] = set()
        for folded, name, code in self._code_keys[start:]:
            if not folded.startswith(key) or len(found) >= min(3, limit):
                break
            if (name, code) in seen_codes:
                continue
            seen_codes.add((name, code))
            table = self._industries if name == "industry" else self._disciplines
            zh, en = ("行业", "Industry") if name == "industry" else ("学科", "Discipline")
            found.append(Suggestion(f"{code} {table[code].name}", name, code, zh, en))
        start = bisect.bisect_left(self._suggest_keys, (key, -1))
        seen_rows: set[int] = set()
        for folded, row in self._suggest_keys[start:]:
            if not folded.startswith(key) or len(found) >= limit:
                break
            if row in seen_rows:
                continue
            seen_rows.add(row)
            doc = self.docs[row]
            zh, en = kind_labels(doc.kind)
            found.append(Suggestion(doc.title, doc.kind, str(doc.record_id), zh, en))
        return found

    # -- search --

    def _mask(self, name: str, value: str) -> BoolArray:
        mask = np.zeros(self.size, dtype=np.bool_)
        rows = self.postings[name].get(value)
        if rows is not None:
            mask[rows] = True
        return mask

    def _facet(
        self, name: str, base: BoolArray, selected: str, limit: int = 30
    ) -> builtins.list[FacetValue]:
        """Counts of ``name``'s values over ``base`` (the hits with the other filters applied).

        Industry and discipline show the level below the selected code (the top level when none
        is selected), so the facet drills down the code list."""
        values: builtins.list[FacetValue] = []
        postings = self.postings[name]
        if name in ("industry", "discipline"):
            table = self._industries if name == "industry" else self._disciplines
            parent = selected if selected in table else None
            candidates = [
                code
                for code in postings
                if code in table and table[code].parent == parent and code != selected
            ]
            if parent is not None:
                count = int(base[postings[parent]].sum()) if parent in postings else 0
                values.append(
                    FacetValue(parent, table[parent].name, table[parent].name, count, True)
                )
            for code in candidates:
                count = int(base[postings[code]].sum())
                if count:
                    values.append(FacetValue(code, table[code].name, table[code].name, count))
        else:
            for code, rows in postings.items():
                count = int(base[rows].sum())
                if not count and code != selected:
                    continue
                if name == "kind":
                    zh, en = kind_labels(code)
                elif code == "national":
                    zh, en = ("全国", "National")
                else:
                    zh, en = self.region_names.get(int(code), (code, code))
                values.append(FacetValue(code, zh, en, count, code == selected))
            if selected and not any(value.selected for value in values):
                zh, en = kind_labels(selected) if name == "kind" else (selected, selected)
                values.append(FacetValue(selected, zh, en, 0, True))  # shown so it can be removed
        head = [v for v in values if v.selected]
        rest = sorted((v for v in values if not v.selected), key=lambda v: (-v.count, v.code))
        return head + rest[: max(0, limit - len(head))]

    def _region_label(self, region_id: int | None) -> tuple[str, str]:
        if region_id is None:
            return ("全国", "National")
        return self.region_names.get(region_id, (str(region_id), str(region_id)))

    def search(self, query: str, filters: SearchFilters, page: int, per_page: int) -> SearchResults:
        """Ranked, filtered, paginated hits with facets and highlights (see the module doc)."""
        tokens = tuple(dict.fromkeys(self.analyzer.tokens(query))) if query else ()
        if query:
            scores = self.lexical.scores(self.expand(tokens))
            matched = scores > 0
        else:
            scores = np.zeros(self.size, dtype=np.float32)
            matched = np.ones(self.size, dtype=np.bool_)
        masks = {name: self._mask(name, filters.get(name)) for name in FACETS if filters.get(name)}
        facets: dict[str, builtins.list[FacetValue]] = {}
        for name in FACETS:
            base = matched.copy()
            for other, mask in masks.items():
                if other != name:
                    base &= mask
            facets[name] = self._facet(name, base, filters.get(name))
        selected = matched.copy()
        for mask in masks.values():
            selected &= mask
        rows = np.flatnonzero(selected)
        if query:
            rows = rows[np.argsort(-scores[rows], kind="stable")]
        total = int(rows.size)
        first = (page - 1) * per_page
        shown = rows[first : first + per_page].tolist()
        terms = (
            self.lexical.matched_terms_many(shown, self.expand(tokens))
            if tokens
            else [set() for _ in shown]
        )
        hits = []
        for row, doc_terms in zip(shown, terms, strict=True):
            doc = self.docs[row]
            zh, en = kind_labels(doc.kind)
            hits.append(
                SearchHit(
                    doc.kind,
                    doc.record_id,
                    float(scores[row]),
                    Highlighted(
                        doc.title, tuple(highlight_spans(self.analyzer, doc.title, tokens))
                    ),
                    doc.subtitle,
                    _snippet(self.analyzer, doc.body, tokens),
                    doc.region_id,
                    zh,
                    en,
                    tuple(self.lexical.rarity_order(doc_terms)),
                    *self._region_label(doc.region_id),
                )
            )
        return SearchResults(query, filters, hits, total, page, per_page, facets, tokens)


# -- the per-process cache --------------------------------------------------------------------


def _region_names() -> dict[int, tuple[str, str]]:
    return {
        region.id: (region.name, region.name_en or region.name)
        for region in _all_pages(
            lambda offset: regions.list(Actor.anonymous(), offset=offset, limit=_page_size())
        )
        if region.id is not None
    }


@dataclass
class _Entry:
    """A cached index, its database and the data version it reflects."""

    engine: Engine
    url: str
    index: PublicSearchIndex
    version: Version


_VERSION_KINDS = tuple(sorted(INDEXED_CHANGES))


class _IndexCache:
    """The search index per database, kept current by an after-commit hook (commits of this
    process) and by the data version markers (commits of other processes: the other workers of
    ``kechuang serve``, a CLI import)."""

    def __init__(self, size: int = 4) -> None:
        self._entries: builtins.list[_Entry] = []
        self._lock = threading.Lock()
        self._updating = threading.Lock()
        self._refreshing = threading.Lock()
        self._generation = 0
        self._size = size
        self._analyzer: Analyzer | None = None

    def analyzer(self) -> Analyzer:
        """One analyser for every index of the process (its dictionary loads once)."""
        if self._analyzer is None:
            self._analyzer = Analyzer()
        return self._analyzer

    def on_commit(self, changes: Sequence[Change]) -> None:
        """After-commit hook: re-read the changed records as the public and swap in an updated
        index, so the next query sees the commit (a record no longer public is dropped).

        The hook cannot tell which database committed, so every cached index re-reads the
        named records from its own database — right for each of them. An index whose update
        fails is dropped (rebuilt on next use): it must never keep serving a hidden record."""
        relevant = [change for change in changes if change.kind in INDEXED_CHANGES]
        if not relevant:
            return
        with self._updating:  # one update at a time: each reads after every earlier commit
            with self._lock:
                self._generation += 1  # a build running now may have missed this commit
                entries = list(self._entries)
            for entry in entries:
                updated: _Entry | None = None
                try:
                    if engine_for(entry.url) is entry.engine:  # else the database was replaced
                        # Read before re-reading the records: this commit's markers are in it; a
                        # later commit elsewhere changes the markers again and is caught then.
                        version = data_version(entry.url, _VERSION_KINDS)
                        with transaction(entry.url):
                            drop, docs = changed_documents(relevant)
                            names = (
                                _region_names()
                                if any(c.kind == "region" for c in relevant)
                                else None
                            )
                        index = entry.index.updated(drop, docs, names)
                        updated = _Entry(entry.engine, entry.url, index, version)
                except Exception:  # logged; the index is dropped instead
                    log.warning("search index update failed; rebuilding on next use", exc_info=True)
                self._replace(entry.engine, updated)

    def _replace(self, engine: Engine, entry: _Entry | None) -> None:
        with self._lock:
            kept = [known for known in self._entries if known.engine is not engine]
            if entry is not None:
                kept.append(entry)
            self._entries = kept[-self._size :]

    def clear(self) -> None:
        """Forget every index."""
        with self._lock:
            self._entries.clear()
            self._generation += 1

    def get(self, engine: Engine) -> PublicSearchIndex:
        """The index of the database behind ``engine``, current with every commit of any
        process; built or refreshed inside the caller's transaction when needed.

        Keyed by the engine object itself: a test database recreated under the same URL gets a
        new engine, so it never meets an index of the old one. When another process committed
        a searchable kind (its markers moved), every public record is re-read and only the
        documents that differ are re-analysed."""
        url = engine.url.render_as_string(hide_password=False)
        entry, version = self._current(engine, url)
        if entry is not None and entry.version == version:
            return entry.index
        with self._refreshing:  # one reader refreshes; the others wait and take its result
            entry, version = self._current(engine, url)
            if entry is not None and entry.version == version:
                return entry.index
            return self._read(engine, url, entry, version)

    def _current(self, engine: Engine, url: str) -> tuple[_Entry | None, Version]:
        with self._lock:
            entry = next((known for known in self._entries if known.engine is engine), None)
        return entry, data_version(url, _VERSION_KINDS)

    def _read(
        self, engine: Engine, url: str, entry: _Entry | None, version: Version
    ) -> PublicSearchIndex:
        """Build (or refresh) the index from every public record; ``version`` was read before."""
        with self._lock:
            generation = self._generation
        docs = public_documents()
        names = _region_names()
        if entry is not None:
            index = entry.index.refreshed(docs, names)
        else:
            index = PublicSearchIndex(docs, self.analyzer(), names)
        with self._lock:
            if generation == self._generation:  # no commit of ours landed while we read
                self._entries = [known for known in self._entries if known.engine is not engine]
                self._entries.append(_Entry(engine, url, index, version))
                del self._entries[: -self._size]
        return index


_CACHE = _IndexCache()
_unsubscribe = subscribe(_CACHE.on_commit)


def invalidate() -> None:
    """Drop every cached search index (tests; an operator after a bulk change outside services)."""
    _CACHE.clear()


def _index() -> PublicSearchIndex:
    return _CACHE.get(unit_of_work().engine)


def _clean_query(query: str) -> str:
    text = unicodedata.normalize("NFC", query or "").replace("\x00", " ")
    return _SPACE.sub(" ", text).strip()[:MAX_QUERY]


def _check_page(page: int) -> None:
    if page < 1 or page > MAX_PAGE:
        raise ValidationError.single(
            "page",
            problem_zh=f"页码须在 1 到 {MAX_PAGE} 之间",
            problem_en=f"must be between 1 and {MAX_PAGE}",
            fix_zh="请缩小检索范围或选择筛选条件",
            fix_en="Narrow the search or pick a filter",
        )


@action("search.query")
def query(
    actor: Actor,
    text: str,
    *,
    kind: str = "",
    industry: str = "",
    discipline: str = "",
    region: str = "",
    page: int = 1,
    per_page: int = PER_PAGE,
) -> SearchResults:
    """Full-text search over the public records: ranked hits with highlights, facets with counts.

    Every caller searches the public index (what an anonymous visitor may read), so the results
    and counts are the same for every role. Unknown filter values match nothing.
    """
    policy.require(actor, "search.query")
    _check_page(page)
    per_page = max(1, min(per_page, 50))
    filters = SearchFilters(kind.strip(), industry.strip(), discipline.strip(), region.strip())
    return _index().search(_clean_query(text), filters, page, per_page)


@action("search.suggest")
def suggest(actor: Actor, prefix: str, *, limit: int = SUGGEST_LIMIT) -> builtins.list[Suggestion]:
    """Autocomplete: public record names and code-list labels starting with ``prefix``."""
    policy.require(actor, "search.suggest")
    return _index().suggest(_clean_query(prefix), max(1, min(limit, SUGGEST_LIMIT)))
