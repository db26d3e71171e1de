"""KB usage across runs: the search log, content-gap topics and KB health figures."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np

from supportgraph.tools.knowledge.kb import Article
from supportgraph.tools.knowledge.kb_drafts import read_drafts
from supportgraph.tools.knowledge.kb_store import connect, log_search
from supportgraph.tools.knowledge.retrieval import TextEncoder
from supportgraph.tools.knowledge.text import tokens

GAP_CLUSTER_DISTANCE = 0.55  # cosine distance under which gap queries share a topic
RECENT_DAYS = 90
Record = dict[str, Any]


def record_run(records: Iterable[Record], kb: str, at: datetime, min_score: float) -> None:
    """Log each ticket's KB search (redacted query, top hit, citations) for stats and gaps."""
    with connect() as db:
        for r in records:
            if r.get("kb_query") is None:
                continue
            hits = r.get("kb_hits") or []
            top = hits[0] if hits else None
            log_search(
                db,
                kb=kb,
                origin="ticket",
                ticket_id=r["ticket_id"],
                query=r["kb_query"],
                top_article=top["article_id"] if top else None,
                top_score=top["score"] if top else None,
                hit=bool(top and top["score"] >= min_score and not r.get("kb_gap")),
                at=at,
                cited=[c for c in r.get("citations", [])],
                names=[r.get("customer") or ""],
            )


@dataclass(frozen=True)
class GapTopic:
    """Low-score queries that ask about the same thing."""

    label: str
    count: int
    examples: tuple[str, ...]


def content_gaps(encoder: TextEncoder, kb: str) -> list[GapTopic]:
    """Cluster the logged queries that found no article into topics, largest first."""
    with connect() as db:
        queries = [
            q
            for (q,) in db.execute("SELECT query FROM kb_searches WHERE kb = ? AND hit = 0", (kb,))
        ]
    if not queries:
        return []
    vectors = encoder.encode(queries)
    labels = _cluster(vectors)
    topics = []
    for label in set(labels):
        members = [q for q, lab in zip(queries, labels, strict=True) if lab == label]
        words = Counter(
            t for q in members for t in set(tokens(q)) if not t.isdigit() and len(t) > 2
        )
        name = " ".join(w for w, _ in words.most_common(3)) or members[0][:40]
        topics.append(GapTopic(name, len(members), tuple(m[:100] for m in members[:3])))
    return sorted(topics, key=lambda t: (-t.count, t.label))


def _cluster(vectors: np.ndarray) -> list[int]:
    if len(vectors) == 1:
        return [0]
    from sklearn.cluster import AgglomerativeClustering

    model = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=GAP_CLUSTER_DISTANCE
    )
    return [int(x) for x in model.fit_predict(vectors)]


@dataclass(frozen=True)
class KBHealth:
    """KB health figures for ``kb stats`` and the dashboard, all computed."""

    articles: int
    recently_updated: int
    drafts: int
    searches: int
    searches_with_hit: int
    most_cited: tuple[tuple[str, int], ...]
    gap_queries: int

    @property
    def success_rate(self) -> float | None:
        """Share of logged searches with a hit above the threshold (None: no searches)."""
        return self.searches_with_hit / self.searches if self.searches else None


def kb_health(articles: list[Article], kb: str, today: date) -> KBHealth:
    """Compute KB health from the articles and the search log of ``kb``."""
    published = [a for a in articles if a.status == "published"]
    recent = sum(a.updated_at >= today - timedelta(days=RECENT_DAYS) for a in published)
    with connect() as db:
        rows = db.execute("SELECT hit, cited FROM kb_searches WHERE kb = ?", (kb,)).fetchall()
    cited = Counter(c for _, raw in rows for c in json.loads(raw))
    return KBHealth(
        articles=len(published),
        recently_updated=recent,
        drafts=len(read_drafts()),
        searches=len(rows),
        searches_with_hit=sum(hit for hit, _ in rows),
        most_cited=tuple(cited.most_common(5)),
        gap_queries=sum(1 - hit for hit, _ in rows),
    )
