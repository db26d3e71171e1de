"""``supportgraph kb ...`` and ``supportgraph eval retrieval``: index, search, maintain, measure."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from supportgraph.cli.console import console
from supportgraph.cli.options import fail
from supportgraph.graph.context import Context
from supportgraph.graph.errors import SupportGraphError
from supportgraph.tools.safety import escape

if TYPE_CHECKING:
    from supportgraph.tools.knowledge.retrieval import Mode

kb_app = typer.Typer(help="Index, search and maintain the knowledge base.", no_args_is_help=True)
eval_app = typer.Typer(help="Measure supportgraph against labelled data.", no_args_is_help=True)

KBOption = Annotated[
    Path | None,
    typer.Option("--kb", help="KB folder of .md articles or a .jsonl file; default: shipped KB"),
]


def _fail(message: str) -> typer.Exit:
    return fail(message)  # escapes the message: it may quote a ticket id or a path


def _today() -> datetime:
    return datetime.now(UTC)


@kb_app.command("index")
def index(path: Annotated[Path, typer.Argument(help="KB folder or articles .jsonl.")]) -> None:
    """Build or update the persistent index of PATH (only changed articles are embedded)."""
    from supportgraph.tools.knowledge.kb_store import open_index, store_path

    try:
        _, report = open_index(path)
    except SupportGraphError as exc:
        raise _fail(str(exc)) from None
    console.print(
        f"Indexed {report.articles} articles ({report.passages} passages) in {report.seconds:.1f} s: "
        f"{report.embedded} embedded, {report.reused} unchanged, {report.removed} removed"
        + (f" · {report.rate:.1f} articles/s" if report.embedded else "")
    )
    console.print(f"Index: {store_path()}")


@kb_app.command("search")
def search(
    query: Annotated[str, typer.Argument(help="What to look for.")],
    k: Annotated[int, typer.Option("-k", help="How many articles to show.")] = 5,
    kb: KBOption = None,
) -> None:
    """Show the best-matching articles with scores and the passage that matched."""
    from supportgraph.tools.knowledge.gate import answers
    from supportgraph.tools.knowledge.kb_store import connect, kb_key, log_search, open_index

    context = Context()
    path = kb or context.kb_path
    try:
        idx, _ = open_index(path)
    except SupportGraphError as exc:
        raise _fail(str(exc)) from None
    hits = idx.search(query, k=k)
    top = hits[0] if hits else None
    # Hits are in reranked order and keep their fused scores: any may pass the gate, which
    # decides as the graph's nodes do (tools/knowledge/gate.py).
    answered = any(answers(hit, context.kb_min_score) for hit in hits)
    with connect() as db:
        log_search(
            db,
            kb=kb_key(path),
            origin="cli",
            query=query,
            top_article=top.article_id if top else None,
            top_score=top.score if top else None,
            hit=answered,
            at=_today(),
        )
    table = Table(title=f"KB search: {escape.console(query, 100)}")
    for column in ("#", "Article", "Title", "Score", "Passage"):
        table.add_column(column)
    for rank, hit in enumerate(hits, start=1):
        mark = "" if answers(hit, context.kb_min_score) else " (does not answer)"
        snippet = escape.console(" ".join(hit.passage.split()), 100)
        table.add_row(
            str(rank),
            escape.console(hit.article_id),
            escape.console(hit.title),
            f"{hit.score:.3f}{mark}",
            snippet,
        )
    console.print(table)
    if not answered:
        console.print(
            f"No article passes the relevance gate (score {context.kb_min_score} or more, "
            "and sure or clearly ahead of the others): logged as a content gap."
        )


@kb_app.command("drafts")
def drafts(
    from_records: Annotated[
        Path | None,
        typer.Option(
            "--from", help="tickets.jsonl of a run: propose drafts from its resolved tickets."
        ),
    ] = None,
    kb: KBOption = None,
) -> None:
    """List draft articles waiting for approval (proposing new ones first with --from)."""
    from supportgraph.tools.knowledge.kb_drafts import propose_drafts, read_drafts

    if from_records is not None:
        from supportgraph.tools.knowledge.embeddings import default_encoder
        from supportgraph.tools.knowledge.kb_store import load_index

        try:
            lines = from_records.read_text(encoding="utf-8").splitlines()
            records = [json.loads(line) for line in lines if line.strip()]
        except (OSError, json.JSONDecodeError) as exc:
            raise _fail(f"{from_records}: not a readable tickets.jsonl ({exc})") from None
        try:
            made = propose_drafts(records, load_index(kb), default_encoder(), _today().date())
        except SupportGraphError as exc:
            raise _fail(str(exc)) from None
        console.print(f"{len(made)} draft(s) proposed from {escape.console(from_records, 300)}")
    table = Table(title="Draft articles (publish with: supportgraph kb publish ID --kb FOLDER)")
    for column in ("Draft", "Proposal", "Title", "Source tickets"):
        table.add_column(column)
    for d in read_drafts():
        proposal = f"update {d.target}" if d.target else "new article"
        table.add_row(
            escape.console(d.article.id),
            escape.console(proposal),
            escape.console(d.article.title),
            escape.console(", ".join(d.source_tickets), 300),
        )
    console.print(table)


@kb_app.command("publish")
def publish(
    draft_id: Annotated[str, typer.Argument(help="Draft id, e.g. DRAFT-1a2b3c4d.")],
    kb: Annotated[Path, typer.Option("--kb", help="KB folder to publish into.")],
) -> None:
    """Approve a draft: write it into the KB folder as a published article."""
    from supportgraph.tools.knowledge.kb_drafts import publish_draft

    try:
        path = publish_draft(draft_id, kb, _today().date())
    except SupportGraphError as exc:
        raise _fail(str(exc)) from None
    console.print(f"Published {draft_id} as {path}; run `supportgraph kb index {kb}` to re-index.")


@kb_app.command("stats")
def stats(
    kb: KBOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """KB health: articles, recent updates, most cited, search success rate, open gaps."""
    from supportgraph.tools.knowledge.embeddings import default_encoder
    from supportgraph.tools.knowledge.kb import read_articles
    from supportgraph.tools.knowledge.kb_health import content_gaps, kb_health
    from supportgraph.tools.knowledge.kb_store import kb_key

    path = kb or Context().kb_path
    try:
        health = kb_health(read_articles(path), kb_key(path), _today().date())
        gaps = content_gaps(default_encoder(), kb_key(path))
    except SupportGraphError as exc:
        raise _fail(str(exc)) from None
    rate = health.success_rate
    if as_json:
        console.print_json(
            json.dumps(
                {
                    "articles": health.articles,
                    "recently_updated": health.recently_updated,
                    "drafts": health.drafts,
                    "searches": health.searches,
                    "search_success_rate": rate,
                    "most_cited": dict(health.most_cited),
                    "gap_queries": health.gap_queries,
                    "gap_topics": [{"topic": g.label, "count": g.count} for g in gaps],
                }
            )
        )
        return
    console.print(
        f"Articles: {health.articles} published, {health.recently_updated} updated in the last 90 days"
    )
    console.print(f"Drafts waiting for approval: {health.drafts}")
    rate_text = (
        f"{rate:.0%} ({health.searches_with_hit} of {health.searches} searches)"
        if rate is not None
        else "n/a (no searches logged)"
    )
    console.print(f"Search success rate: {rate_text}")
    console.print(
        "Most cited: " + (", ".join(f"{a} ({c})" for a, c in health.most_cited) or "none")
    )
    console.print(f"Open content gaps: {health.gap_queries} queries in {len(gaps)} topic(s)")
    for gap in gaps:
        example = escape.console(repr(gap.examples[0]), 200)
        console.print(f"  - {escape.console(gap.label)}: {gap.count} — e.g. {example}")


@eval_app.command("retrieval")
def eval_retrieval(
    kb: Annotated[
        Path, typer.Option("--kb", help="Articles JSONL (id, title, text) or KB folder.")
    ],
    questions: Annotated[
        Path, typer.Option("--questions", help="Questions JSONL (question, article_ids).")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    mode: Annotated[str, typer.Option(help="hybrid (default), dense or bm25.")] = "hybrid",
) -> None:
    """Print recall@1, recall@5, MRR@10 and nDCG@10 of KB retrieval on labelled questions."""
    from supportgraph.tools.knowledge.kb_store import open_index
    from supportgraph.tools.knowledge.retrieval_eval import evaluate, read_questions

    if mode not in ("hybrid", "dense", "bm25"):
        raise _fail(f"unknown mode {mode!r}; use hybrid, dense or bm25")
    try:
        labelled = read_questions(questions)
        idx, _ = open_index(kb)
    except SupportGraphError as exc:
        raise _fail(str(exc)) from None
    chosen: Mode = mode  # type: ignore[assignment]
    metrics = evaluate(idx, labelled, chosen)
    if as_json:
        print(json.dumps(metrics))
        return
    console.print(f"{len(labelled)} questions, {len(idx)} articles, {mode} retrieval")
    for key, value in metrics.items():
        console.print(f"  {key:14} {value:.3f}")
