"""The persistent KB index and usage log: one SQLite file under ``$SUPPORTGRAPH_HOME``.

Passages and their embedding vectors (float32 blobs) are stored per KB and article
content hash, so re-indexing embeds only new or changed articles and forgets deleted
ones. The same file logs searches (queries PII-redacted) for gap analysis and stats.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

from supportgraph.graph.context import home_dir
from supportgraph.graph.errors import KBError
from supportgraph.tools.knowledge.kb import SHIPPED, Article, read_articles, shipped_kb_folder
from supportgraph.tools.knowledge.passages import article_text, chunk_article
from supportgraph.tools.knowledge.retrieval import (
    DEFAULT_SETTINGS,
    HybridIndex,
    Settings,
    TextEncoder,
)
from supportgraph.tools.safety.redaction import redact

MODEL = "all-MiniLM-L6-v2-int8"
# What an article's stored rows mean; part of the content hash, so rows written by an
# older layout never match and are re-embedded. 2: ordinal 0 title, 1 whole article,
# 2.. passages (1: ordinal 0 title, 1.. passages).
INDEX_VERSION = 2
_SCHEMA = """
CREATE TABLE IF NOT EXISTS kb_passages (
    kb TEXT NOT NULL, article_id TEXT NOT NULL, content_hash TEXT NOT NULL,
    ordinal INTEGER NOT NULL, text TEXT NOT NULL, vector BLOB NOT NULL,
    PRIMARY KEY (kb, article_id, ordinal)
);
CREATE TABLE IF NOT EXISTS kb_searches (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, kb TEXT NOT NULL,
    origin TEXT NOT NULL, ticket_id TEXT, query TEXT NOT NULL, top_article TEXT,
    top_score REAL, hit INTEGER NOT NULL, cited TEXT NOT NULL DEFAULT '[]',
    UNIQUE (kb, origin, ticket_id)
);
"""


def store_path() -> Path:
    """The SQLite file of the KB index and search log: ``$SUPPORTGRAPH_HOME/kb.sqlite``."""
    return home_dir() / "kb.sqlite"


def kb_key(path: Path | None) -> str:
    """The name a KB is stored under: its resolved path, or ``shipped``."""
    if path is None or path.resolve() == shipped_kb_folder().resolve():
        return SHIPPED
    return str(path.resolve())


@contextmanager
def connect(path: Path | None = None) -> Iterator[sqlite3.Connection]:
    """Open (creating if needed) the store; commit on success."""
    path = path or store_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # A first build embeds every article (seconds); others wait for it rather than fail.
        with closing(sqlite3.connect(path, timeout=120)) as db:
            db.executescript(_SCHEMA)
            with db:
                yield db
    except sqlite3.DatabaseError as exc:
        raise KBError(
            f"{path}: not a usable KB index ({exc}); delete the file to rebuild it"
        ) from None


def content_hash(article: Article, settings: Settings, model: str = MODEL) -> str:
    """Hash of what the rows depend on: article text, chunking, model and row layout."""
    key = json.dumps(
        [
            article.title,
            article.body,
            settings.chunk_words,
            settings.overlap_words,
            model,
            INDEX_VERSION,
        ]
    )
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class IndexReport:
    """What ``build_index`` did: articles embedded, reused and removed, and how fast."""

    articles: int
    embedded: int
    reused: int
    removed: int
    passages: int
    seconds: float
    ids_embedded: tuple[str, ...] = field(default_factory=tuple)

    @property
    def rate(self) -> float:
        """Articles indexed per second in this build (embedded ones only)."""
        return self.embedded / self.seconds if self.seconds > 0 else 0.0


def build_index(
    articles: Sequence[Article],
    kb: str,
    encoder: TextEncoder,
    settings: Settings = DEFAULT_SETTINGS,
    db_path: Path | None = None,
    query_encoder: TextEncoder | None = None,
) -> tuple[HybridIndex, IndexReport]:
    """Bring the stored index of ``kb`` up to date with ``articles`` and load it.

    Args:
        articles: Every article of the KB; drafts are kept out of the index.
        kb: Store key of the KB (``kb_key``).
        encoder: Embeds passages (and queries, unless ``query_encoder`` is given).
        settings: Chunking and fusion settings.
        db_path: SQLite file; ``$SUPPORTGRAPH_HOME/kb.sqlite`` when None.
        query_encoder: Encodes queries: the same model as ``encoder`` or a faster copy.
    """
    started = time.perf_counter()
    published = [a for a in articles if a.status == "published"]
    if not published:
        raise KBError(f"KB {kb} has no published articles; set status: published in front matter")
    with connect(db_path) as db:
        # Read and write under one write lock, so that two processes building the same
        # index do not both embed and insert the same articles.
        db.execute("BEGIN IMMEDIATE")
        stored = dict(
            db.execute(
                "SELECT article_id, content_hash FROM kb_passages WHERE kb = ? AND ordinal = 0",
                (kb,),
            ).fetchall()
        )
        hashes = {a.id: content_hash(a, settings) for a in published}
        stale = [a for a in published if stored.get(a.id) != hashes[a.id]]
        gone = [i for i in stored if i not in hashes or stored[i] != hashes[i]]
        db.executemany(
            "DELETE FROM kb_passages WHERE kb = ? AND article_id = ?", [(kb, i) for i in gone]
        )
        # ordinal 0 holds the title alone, 1 the whole article; passages follow from 2
        chunks = [
            [
                a.title,
                article_text(a),
                *chunk_article(a, settings.chunk_words, settings.overlap_words),
            ]
            for a in stale
        ]
        flat = [c for cs in chunks for c in cs]
        vectors = encoder.encode(flat) if flat else np.zeros((0, 384), dtype=np.float32)
        rows, offset = [], 0
        for article, article_chunks in zip(stale, chunks, strict=True):
            for ordinal, text in enumerate(article_chunks):
                blob = vectors[offset + ordinal].astype(np.float32).tobytes()
                rows.append((kb, article.id, hashes[article.id], ordinal, text, blob))
            offset += len(article_chunks)
        db.executemany("INSERT INTO kb_passages VALUES (?, ?, ?, ?, ?, ?)", rows)
        loaded: dict[str, list[tuple[str, bytes]]] = {}
        for article_id, text, blob in db.execute(
            "SELECT article_id, text, vector FROM kb_passages WHERE kb = ? ORDER BY article_id, ordinal",
            (kb,),
        ):
            loaded.setdefault(article_id, []).append((text, blob))
    passages = [[text for text, _ in loaded[a.id][2:]] for a in published]

    def stacked(blobs: list[bytes]) -> np.ndarray:
        return np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(-1, 384)

    matrix = stacked([blob for a in published for _, blob in loaded[a.id][2:]])
    titles = stacked([loaded[a.id][0][1] for a in published])
    wholes = stacked([loaded[a.id][1][1] for a in published])
    index = HybridIndex(
        published, passages, matrix, titles, wholes, query_encoder or encoder, settings
    )
    report = IndexReport(
        articles=len(published),
        embedded=len(stale),
        reused=len(published) - len(stale),
        removed=len([i for i in gone if i not in hashes]),
        passages=len(matrix),
        seconds=time.perf_counter() - started,
        ids_embedded=tuple(a.id for a in stale),
    )
    return index, report


def open_index(path: Path | None = None, *, embed: bool = True) -> tuple[HybridIndex, IndexReport]:
    """Read the KB at ``path`` (shipped KB when None) and return its up-to-date index.

    Articles are embedded with the shipped MiniLM, loaded only when one is new or changed;
    queries with its fused int8 copy, 2.3 times as fast at the same WixQA quality
    (docs/benchmarks.md). With ``embed=False`` an index with articles to embed is not
    brought up to date: :class:`WouldEmbed` is raised and the store is left as it was.
    """
    from supportgraph.tools.knowledge.embeddings import (
        DeferredEncoder,
        default_encoder,
        fast_encoder,
    )

    return build_index(
        read_articles(path),
        kb_key(path),
        DeferredEncoder(default_encoder) if embed else _Refusing(),
        query_encoder=fast_encoder(),
    )


class WouldEmbed(Exception):
    """``open_index(embed=False)`` found new or changed articles."""


class _Refusing:
    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        raise WouldEmbed(f"{len(texts)} passages to embed")


def load_index(path: Path | None = None) -> HybridIndex:
    """The index of the KB at ``path``, built (or reused from disk) once per process.

    Parallel specialists (technical and success) run in threads and may both ask for
    the index first; the lock makes the second wait for the first build.
    """
    with _BUILDING:
        index = _LOADED.get(path)
        if index is None:
            index = _keep(path, open_index(path)[0])
        return index


def encode_query_ahead(path: Path | None, query: str) -> None:
    """Start encoding ``query`` for the KB at ``path`` on a worker thread, and return.

    See :meth:`HybridIndex.encode_ahead`. Before the process's first search of that KB,
    the worker first loads its index, but only if the stored index is up to date: a
    ticket that ends up needing no KB search must not build one (seconds of embedding).
    Loading it there took 0.1-0.15 s off a new process's first ticket.
    """
    index = _LOADED.get(path)
    if index is not None:
        index.encode_ahead(query)
    elif path not in _NOT_CURRENT:
        threading.Thread(target=_open_ahead, args=(path, query), name="kb-open-ahead").start()


def _open_ahead(path: Path | None, query: str) -> None:
    """Load the index of the KB at ``path`` if nothing needs embedding, then encode ``query``.

    Whatever goes wrong is left to the search that needs the index: it opens the KB
    again and says what is wrong.
    """
    try:
        with _BUILDING:
            index = _LOADED.get(path)
            if index is None:
                index = _keep(path, open_index(path, embed=False)[0])
        index.encode_ahead(query)
    except Exception:  # WouldEmbed, or an error the search that needs the index reports
        _NOT_CURRENT.add(path)


def _keep(path: Path | None, index: HybridIndex) -> HybridIndex:
    _LOADED[path] = index
    _LOADED.move_to_end(path)
    while len(_LOADED) > _KEPT:
        _LOADED.popitem(last=False)
    _NOT_CURRENT.discard(path)
    return index


_KEPT = 4  # indexes kept loaded in one process, the most recently opened
_LOADED: OrderedDict[Path | None, HybridIndex] = OrderedDict()
# KBs whose load ahead found articles to embed (or failed): the first search builds them.
_NOT_CURRENT: set[Path | None] = set()
_BUILDING = threading.Lock()


def _forget_building() -> None:
    """In a forked child: a load under way in the parent holds a lock no thread here frees."""
    global _BUILDING
    _BUILDING = threading.Lock()


os.register_at_fork(after_in_child=_forget_building)


def log_search(
    db: sqlite3.Connection,
    *,
    kb: str,
    origin: str,
    query: str,
    top_article: str | None,
    top_score: float | None,
    hit: bool,
    at: datetime,
    ticket_id: str | None = None,
    cited: Sequence[str] = (),
    names: Sequence[str] = (),
) -> None:
    """Record one search; the query is PII-redacted first, and a ticket is logged once."""
    db.execute(
        "INSERT OR REPLACE INTO kb_searches (at, kb, origin, ticket_id, query, top_article, top_score, hit, cited)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            at.isoformat(timespec="seconds"),
            kb,
            origin,
            ticket_id,
            redact(query, names),
            top_article,
            top_score,
            int(hit),
            json.dumps(list(cited)),
        ),
    )
