"""Draft KB articles from resolved tickets, de-duplicated, redacted, published on approval.

Drafts are markdown articles (``status: draft``, ``source_tickets: [...]``) kept in
``$SUPPORTGRAPH_HOME/drafts`` until a human publishes them. A ticket the KB had no
answer for (a content gap) that was then answered — by a reviewer's own words, or by a
reply that says more than "no documented answer" — is worth an article; a reviewer's
edit of a ticket the KB did answer is not (the article already exists). If a published
article is already close to the draft, it proposes an update to that article instead of
a duplicate. The answer keeps only its substance (greeting, thanks and sign-off are
stripped in English, German, Spanish and French) and everything is PII-redacted before
it is written.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from supportgraph.graph.context import home_dir
from supportgraph.graph.errors import KBError
from supportgraph.tools.knowledge.kb import Article, parse_article, read_articles
from supportgraph.tools.knowledge.retrieval import HybridIndex, TextEncoder
from supportgraph.tools.reply.salutations import strip_salutations
from supportgraph.tools.safety.redaction import redact

UPDATE_SIMILARITY = 0.75  # draft vs article cosine above which we propose an update
SAME_DRAFT_SIMILARITY = 0.85  # two drafts this close are one proposal
Record = dict[str, Any]
# Replies that answer nothing yet: a person takes the ticket over (tools/reply/reply_plan.py).
HAND_OVER_MACROS = frozenset({"handoff", "handover"})


def drafts_dir() -> Path:
    """Where proposed articles wait for review: ``$SUPPORTGRAPH_HOME/drafts``."""
    return home_dir() / "drafts"


def _edited(record: Record) -> bool:
    return (record.get("review") or {}).get("action") == "edit"


def worth_a_draft(record: Record) -> bool:
    """A ticket the KB had no answer for, answered since: the answer may become an article.

    A gap ticket whose sent reply only hands it to a person (a reviewer approved the
    hand-over macro) has nothing to teach the KB yet.
    """
    if record.get("reply_status") != "sent" or not record.get("kb_gap"):
        return False
    if (record.get("review") or {}).get("action") == "edit":
        return True
    return bool(record.get("kb_gap")) and record.get("reply_macro") not in HAND_OVER_MACROS


def answer_of(record: Record) -> str:
    """The answer a draft would keep: the reviewer's words when they edited, else the reply.

    Greeting, thanks-for-writing opener and sign-off are stripped, and so are internal
    lines (``Priority: …``) and blank lines.
    """
    text = (record.get("review") or {}).get("reply") if _edited(record) else None
    body = strip_salutations(text or record.get("reply") or "")
    return "\n".join(
        line for line in body.splitlines() if line.strip() and not line.startswith("Priority: ")
    )


def _front_matter(meta: dict[str, Any]) -> str:
    lines = ["---"]
    for key, value in meta.items():
        text = f"[{', '.join(value)}]" if isinstance(value, list) else str(value)
        lines.append(f"{key}: {text}")
    return "\n".join(lines + ["---", ""])


@dataclass(frozen=True)
class Draft:
    """A proposed article waiting for approval."""

    article: Article
    path: Path
    proposal: str  # "new" or "update"
    target: str | None  # the article an update would replace
    source_tickets: tuple[str, ...]


def read_drafts(folder: Path | None = None) -> list[Draft]:
    """Every draft in ``folder`` (the drafts folder under the home when None)."""
    folder = folder or drafts_dir()
    return [_read_draft(path) for path in sorted(folder.glob("*.md"))] if folder.is_dir() else []


def _read_draft(path: Path) -> Draft:
    text = path.read_text(encoding="utf-8")
    article = parse_article(text, str(path))
    meta = dict(re.findall(r"^(\w+): (.*)$", text.split("\n---", 2)[0], re.M))
    tickets = tuple(
        t.strip() for t in meta.get("source_tickets", "").strip("[]").split(",") if t.strip()
    )
    target = meta.get("updates") or None
    return Draft(article, path, "update" if target else "new", target, tickets)


def _draft_text(draft: Draft) -> str:
    """What a draft is compared by: its title and the start of its body."""
    return f"{draft.article.title}. {draft.article.body[:1000]}"


def _write_draft(
    draft_id: str, title: str, body: str, tickets: list[str], target: str | None, today: date
) -> Path:
    meta: dict[str, Any] = {
        "id": draft_id,
        "title": title,
        "tags": ["draft"],
        "product_area": "general",
        "updated_at": today.isoformat(),
        "status": "draft",
        "source_tickets": tickets,
    }
    if target:
        meta["updates"] = target
    folder = drafts_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{draft_id}.md"
    path.write_text(_front_matter(meta) + body.strip() + "\n", encoding="utf-8")
    return path


def propose_drafts(
    records: Iterable[Record],
    index: HybridIndex,
    encoder: TextEncoder,
    today: date,
    names: Mapping[str, Sequence[str]] | None = None,
) -> list[Draft]:
    """Write drafts for resolved tickets the KB could not answer; return new or changed ones.

    Args:
        records: Ticket records (lines of tickets.jsonl).
        index: The published KB, to detect articles a draft would duplicate.
        encoder: Embeds drafts for the similarity checks.
        today: Date written as ``updated_at``.
        names: People named by each ticket (by ticket id: its contact's name), redacted
            wherever they appear, beside the customer's name every record carries.
    """
    existing = read_drafts()
    candidates = [r for r in records if worth_a_draft(r)]
    if not candidates:
        return []
    texts, bodies, titles = [], [], []
    for record in candidates:
        known = [record.get("customer") or "", *(names or {}).get(record["ticket_id"], ())]
        title = redact(record["subject"], known)
        question = redact(record.get("kb_query") or record["subject"], known)
        answer = redact(answer_of(record), known)
        titles.append(title)
        bodies.append(f"## Question\n\n{question}\n\n## Answer\n\n{answer}")
        texts.append(f"{title}. {question}")
    vectors = encoder.encode(texts)
    articles = list(index.articles.values())
    article_vectors = encoder.encode([f"{a.title}. {a.body[:1000]}" for a in articles])
    # Each draft is read and encoded once: its vector takes the next free row (a run adds
    # at most one draft per candidate), so a run with many gap tickets costs one encoding
    # per draft, not one per pair.
    encoded = encoder.encode([_draft_text(d) for d in existing])
    draft_vectors = np.zeros((len(existing) + len(candidates), vectors.shape[1]), np.float32)
    draft_vectors[: len(existing)] = encoded.reshape(len(existing), vectors.shape[1])
    drafted = {ticket for d in existing for ticket in d.source_tickets}
    written: dict[Path, Draft] = {}
    for i, record in enumerate(candidates):
        ticket = record["ticket_id"]
        if ticket in drafted:
            continue
        drafted.add(ticket)
        if existing:
            sims = draft_vectors[: len(existing)] @ vectors[i]
            best = int(np.argmax(sims))
            if sims[best] >= SAME_DRAFT_SIMILARITY:
                d = existing[best]
                tickets = [*d.source_tickets, ticket]
                text = d.path.read_text(encoding="utf-8")
                text = re.sub(
                    r"^source_tickets: .*$",
                    f"source_tickets: [{', '.join(tickets)}]",
                    text,
                    count=1,
                    flags=re.M,
                )
                d.path.write_text(text, encoding="utf-8")
                existing[best] = written[d.path] = replace(d, source_tickets=tuple(tickets))
                continue
        sims = article_vectors @ vectors[i]
        best = int(np.argmax(sims))
        target = articles[best].id if sims[best] >= UPDATE_SIMILARITY else None
        draft_id = "DRAFT-" + hashlib.sha256(ticket.encode()).hexdigest()[:8]
        body = bodies[i] if not target else f"Proposed addition to {target}.\n\n{bodies[i]}"
        draft = _read_draft(_write_draft(draft_id, titles[i], body, [ticket], target, today))
        draft_vectors[len(existing)] = encoder.encode([_draft_text(draft)])[0]
        existing.append(draft)
        written[draft.path] = draft
    return list(written.values())


def publish_draft(draft_id: str, kb_folder: Path, today: date) -> Path:
    """Publish a draft into ``kb_folder``: a new article, or the update of its target.

    Raises:
        KBError: no such draft, or the KB is not a folder of markdown articles.
    """
    draft = next((d for d in read_drafts() if d.article.id == draft_id), None)
    if draft is None:
        known = ", ".join(d.article.id for d in read_drafts()) or "none"
        raise KBError(f"no draft {draft_id} in {drafts_dir()}; drafts waiting: {known}")
    if not kb_folder.is_dir():
        raise KBError(
            f"{kb_folder} is not a KB folder; publish into a folder of .md articles (--kb)"
        )
    articles = read_articles(kb_folder)
    body = draft.article.body
    if draft.target:
        target = next((a for a in articles if a.id == draft.target), None)
        if target is None:
            raise KBError(f"draft {draft_id} updates {draft.target}, which is not in {kb_folder}")
        addition = re.sub(r"^Proposed addition to \S+\n\n", "", body)
        article_id, title, path = target.id, target.title, Path(target.source)
        body = f"{target.body}\n\n{addition}"
        tags, area = list(target.tags), target.product_area
    else:
        numbers = [int(m.group(1)) for a in articles if (m := re.fullmatch(r"KB-(\d+)", a.id))]
        article_id = f"KB-{max(numbers, default=0) + 1:03d}"
        title, path = draft.article.title, kb_folder / f"{article_id}.md"
        tags, area = list(draft.article.tags), draft.article.product_area
    meta = {
        "id": article_id,
        "title": title,
        "tags": tags,
        "product_area": area,
        "updated_at": today.isoformat(),
        "status": "published",
        "source_tickets": list(draft.source_tickets),
    }
    path.write_text(_front_matter(meta) + body.strip() + "\n", encoding="utf-8")
    draft.path.unlink()
    return path
