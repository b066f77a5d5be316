"""A saved index folder with a manifest: versioned, written atomically, loaded with mmap.

:meth:`MatchIndex.save` writes the parts (analyser + dictionary, bm25s arrays, vectors, faiss HNSW
when above the threshold, records with their filter facets). This module wraps it so that

- a reader learns *before* loading anything whether the folder was written by a compatible
  version (``manifest.json``: layout version, engine format, embedder, counts, text hashes);
- a crash mid-save never leaves a half-written index where the live one was (write to a sibling
  folder, then swap by rename);
- loading memory-maps the big arrays, so it costs the records and the analyser, not the corpus.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kechuang.match.embedding import Embedder
from kechuang.match.engine import INDEX_FORMAT, MatchIndex

LAYOUT_VERSION = 2
"""Bump when the folder layout written here, or the record mapping of ``scale/records.py`` (work
and entity ids, facets), changes; older folders are refused, not guessed. 2: one mapping for every
index (``expert:7/work:3``), records stored columnar (memory-mapped), no per-work hashes in the
manifest (upkeep hashes the texts it holds)."""
MANIFEST_FILE = "manifest.json"
_VECTORS_FILE = Path("semantic") / "vectors.npy"


class IndexFormatError(ValueError):
    """The folder is not an index this version can read (missing, older or newer layout)."""


@dataclass(frozen=True)
class Manifest:
    """What a saved index is, readable without loading it."""

    layout: int
    engine_format: int
    embedder: str | None
    works: int
    entities: int
    hnsw: bool
    created_at: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "layout": self.layout,
            "engine_format": self.engine_format,
            "embedder": self.embedder,
            "works": self.works,
            "entities": self.entities,
            "hnsw": self.hnsw,
            "created_at": self.created_at,
        }


def text_hash(text: str) -> str:
    """Stable short hash of a text: the key that decides whether a vector is still valid."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def manifest_of(index: MatchIndex) -> Manifest:
    """The manifest describing ``index`` as it is now."""
    return Manifest(
        layout=LAYOUT_VERSION,
        engine_format=INDEX_FORMAT,
        embedder=index.embedder.name if index.embedder is not None else None,
        works=len(index.works),
        entities=len(index.entities),
        hnsw=bool(index.vectors is not None and index.vectors.uses_hnsw),
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )


def save_index(index: MatchIndex, folder: Path) -> Manifest:
    """Save ``index`` into ``folder`` atomically (sibling temp folder, then rename)."""
    folder = folder.resolve()
    folder.parent.mkdir(parents=True, exist_ok=True)
    # Names private to this save: several processes (web workers) may save the same folder.
    token = f"{os.getpid()}-{secrets.token_hex(4)}"
    staging = folder.with_name(f".{folder.name}.saving-{token}")
    index.save(staging)
    manifest = manifest_of(index)
    (staging / MANIFEST_FILE).write_text(
        json.dumps(manifest.to_dict(), ensure_ascii=False), encoding="utf-8"
    )
    for attempt in range(20):
        retired = folder.with_name(f".{folder.name}.old-{token}-{attempt}")
        try:
            if folder.exists():
                folder.rename(retired)
            staging.rename(folder)
        except OSError:  # another process swapped its copy in between: retire that one too
            time.sleep(0.05)
            continue
        finally:
            if retired.exists():
                shutil.rmtree(retired, ignore_errors=True)
        return manifest
    shutil.rmtree(staging, ignore_errors=True)
    raise IndexFormatError(
        f"无法替换索引目录 {folder} / Could not swap the new index into {folder}: another process "
        "keeps replacing it; run `kechuang match rebuild` when it is idle."
    )


def read_manifest(folder: Path) -> Manifest:
    """The manifest of a saved index, or :class:`IndexFormatError` saying how to fix it."""
    path = folder / MANIFEST_FILE
    if not path.exists():
        raise IndexFormatError(
            f"{folder} 不是匹配索引（缺少 {MANIFEST_FILE}）/ {folder} is not a matching index "
            f"(no {MANIFEST_FILE}): build it with `kechuang match rebuild`."
        )
    state: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    layout = state.get("layout")
    engine_format = state.get("engine_format")
    if layout != LAYOUT_VERSION or engine_format != INDEX_FORMAT:
        raise IndexFormatError(
            f"索引 {folder} 的格式为 layout={layout}/engine={engine_format}，本版本需要 "
            f"layout={LAYOUT_VERSION}/engine={INDEX_FORMAT} / Index {folder} has format "
            f"layout={layout}/engine={engine_format}, this version reads "
            f"layout={LAYOUT_VERSION}/engine={INDEX_FORMAT}: rebuild it with "
            "`kechuang match rebuild`."
        )
    return Manifest(
        layout=int(layout),
        engine_format=int(engine_format),
        embedder=state.get("embedder"),
        works=int(state["works"]),
        entities=int(state["entities"]),
        hnsw=bool(state["hnsw"]),
        created_at=str(state["created_at"]),
    )


def load_index(
    folder: Path, *, embedder: Embedder | None = None, mmap: bool = True
) -> tuple[MatchIndex, Manifest]:
    """Check the manifest, then load the index (arrays memory-mapped by default)."""
    manifest = read_manifest(folder)
    if manifest.embedder and embedder is not None and embedder.name != manifest.embedder:
        raise IndexFormatError(
            f"索引用 {manifest.embedder} 构建，当前嵌入模型为 {embedder.name} / Index {folder} was "
            f"built with {manifest.embedder} but the embedder is {embedder.name}: rebuild it or "
            "set KECHUANG_MATCH_EMBEDDER to the model it was built with."
        )
    index = MatchIndex.load(folder, embedder=embedder, mmap=mmap)
    if len(index.works) != manifest.works:
        raise IndexFormatError(
            f"索引 {folder} 不完整 / Index {folder} is inconsistent ({len(index.works)} works, "
            f"manifest says {manifest.works}): rebuild it."
        )
    return index, manifest


def timed_load(
    folder: Path, *, embedder: Embedder | None = None, mmap: bool = True
) -> tuple[MatchIndex, float]:
    """Load and return the wall time in seconds (what the "loads in under a second" claim measures).

    The analyser's segmenter is warmed by analysing one word, since the first query would pay it.
    """
    start = time.perf_counter()
    index, _ = load_index(folder, embedder=embedder, mmap=mmap)
    index.analyzer.tokens("预热 warm-up")
    return index, time.perf_counter() - start


def vectors_path(folder: Path) -> Path:
    """Where the saved vectors live (``.npy``, memory-mappable)."""
    return folder / _VECTORS_FILE
