"""Markdown for the run reports; every figure comes from the records or their metrics.

Each report is a generator of lines: the writer streams them to the file, and a
report that lists every ticket reads the records again (``records`` is read more than
once: a list, or a run's spool of records on disk), so a report of 100,000 tickets is
never held whole.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from supportgraph.graph.models import CHANNELS, PRIORITIES
from supportgraph.reports.metrics import Metrics, share, sla_compliance
from supportgraph.reports.records import masked
from supportgraph.tools.knowledge.kb_health import KBHealth
from supportgraph.tools.safety import escape
from supportgraph.tools.safety.redaction import redact

Record = dict[str, Any]


def _header(title: str, now: datetime, total: int) -> list[str]:
    return [f"# {title}", "", f"**Run:** {now:%Y-%m-%d %H:%M %Z} · **Tickets:** {total}", ""]


def _counts(counter: Counter[str], order: tuple[str, ...] | None, total: int) -> list[str]:
    keys = [k for k in (order or ()) if k in counter] + sorted(
        k for k in counter if k not in (order or ())
    )
    if order:
        keys = list(order) + [k for k in keys if k not in order]
    return [f"- **{k}:** {counter.get(k, 0)} ({share(counter.get(k, 0), total)})" for k in keys]


def _cell(text: object, limit: int = escape.DISPLAY_CHARS) -> str:
    """Untrusted text as inline markdown: safe in a table cell, heading or list item."""
    return escape.markdown(text, limit)


def _ids(ids: list[str]) -> str:
    return ", ".join(_cell(i, 80) for i in ids)


def triage_report(
    records: Iterable[Record],
    m: Metrics,
    now: datetime,
    rejected: list[str],
    notes: list[str] | None = None,
) -> Iterator[str]:
    """Per-ticket triage: category, priority and why, sentiment, language, agreement."""
    yield from _header("Support Inquiry Triage Report", now, m.total)
    yield from [
        "| Ticket | Customer | Tier | Channel | Category (confidence) | Priority | Sentiment | Language | Declared |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in records:
        declared = (
            " / ".join(x for x in (r["declared_priority"], r["declared_category"]) if x) or "—"
        )
        yield (
            f"| {_cell(r['ticket_id'], 80)} | {_cell(r['customer'])} | {r['customer_tier']} | {r['channel']} | "
            f"{r['category']} ({r['confidence']:.2f}) | {r['priority']} | {r['sentiment']} ({r['sentiment_score']:+.2f}) | "
            f"{r['language']} | {_cell(declared)} |"
            if r["category"]
            else f"| {_cell(r['ticket_id'], 80)} | {_cell(r['customer'])} | {r['customer_tier']} | "
            f"{r['channel']} | not triaged | | | | |"
        )
    yield from ["", "## Why each priority", ""]
    yield from (
        f"- **{_cell(r['ticket_id'], 80)}** {r['priority']}: {_cell('; '.join(r['priority_reasons']), 1000)}"
        for r in records
        if r["priority"]
    )
    yield from ["", "## Agreement with declared labels", ""]
    yield (
        f"- Priority: {m.priority_agreed} of {m.priority_checked} ({share(m.priority_agreed, m.priority_checked)})"
    )
    yield (
        f"- Category: {m.category_agreed} of {m.category_checked} ({share(m.category_agreed, m.category_checked)})"
    )
    yield from [f"- Disagreement: {_cell(d, 400)}" for d in m.disagreements]
    if m.mean_confidence is not None:
        yield (
            f"- Mean category confidence: {m.mean_confidence:.2f}; below threshold: {_ids(m.low_confidence) or 'none'}"
        )
    if rejected:
        # An intake error may quote the raw field it rejected: mask it like the records.
        yield from [
            "",
            "## Rejected at intake",
            "",
            *[f"- {_cell(masked(e), 500)}" for e in rejected],
        ]
    if notes:
        yield from ["", "## Changed at intake", "", *[f"- {_cell(n, 500)}" for n in notes]]


def technical_report(records: Iterable[Record], m: Metrics, now: datetime) -> Iterator[str]:
    """Technical tickets: entities, findings, troubleshooting steps and citations."""
    yield from _header("Technical Issue Resolution Report", now, m.technical)
    if not m.technical:
        yield "No ticket in this run needed technical support."
    for r in records:
        if "technical" not in r["specialists"]:
            continue
        yield from [f"## {_cell(r['ticket_id'], 80)} — {_cell(r['subject'], 300)}", ""]
        yield (
            f"- **Customer:** {_cell(r['customer'])} ({r['customer_tier']}) · "
            f"**Priority:** {r['priority']} · **Outcome:** {r['outcome']}"
        )
        entities = r["entities"].get("technical", {})
        if entities:
            yield (
                "- **Extracted:** "
                + "; ".join(f"{_cell(k)}: {_cell(', '.join(v), 500)}" for k, v in entities.items())
            )
        yield from [f"- **Finding:** {_cell(f, 1000)}" for f in r["findings"].get("technical", [])]
        steps = r["steps"].get("technical", [])
        if steps:
            yield from [
                "",
                "Troubleshooting steps:",
                "",
                *[f"{n}. {_cell(s, 1000)}" for n, s in enumerate(steps, start=1)],
            ]
        else:
            yield "- No playbook article matched: answered by a human or logged as a KB gap."
        yield ""


def success_report(records: Iterable[Record], m: Metrics, now: datetime) -> Iterator[str]:
    """Customer-success tickets: plan comparisons, ledger checks, actions awaiting approval."""
    yield from _header("Customer Success Management Report", now, m.success)
    yield from [
        f"- Feature requests logged: {m.feature_requests}",
        f"- Money or account actions waiting for approval: {m.actions_pending}",
        "",
    ]
    for r in records:
        if "success" not in r["specialists"]:
            continue
        yield from [
            f"## {_cell(r['ticket_id'], 80)} — {_cell(r['customer'])} ({r['customer_tier']})",
            "",
            f"_{_cell(r['subject'], 300)}_ · outcome **{r['outcome']}**",
            "",
        ]
        yield from [f"{escape.markdown_block(f)}\n" for f in r["findings"].get("success", [])]
        yield from [f"- Next step: {_cell(s, 1000)}" for s in r["steps"].get("success", [])]
        yield from [
            f"- Proposed, not executed (needs approval): {_cell(a['detail'], 500)}"
            for a in r["actions"]
        ]
        yield ""


def _health_lines(health: KBHealth | None) -> list[str]:
    if health is None:
        return []
    rate = health.success_rate
    rate_text = (
        f"{rate:.0%} ({health.searches_with_hit} of {health.searches} logged searches)"
        if rate is not None
        else "n/a (no searches logged)"
    )
    cited = ", ".join(f"{a} ({c})" for a, c in health.most_cited) or "none"
    return [
        f"- **Articles:** {health.articles} published, {health.recently_updated} updated in the last 90 days",
        f"- **Search success rate, all runs:** {rate_text}",
        f"- **Most cited, all runs:** {cited}",
        f"- **Open content gaps, all runs:** {health.gap_queries}",
        f"- **Drafts waiting for approval:** {health.drafts}",
    ]


def knowledge_report(
    records: Iterable[Record], m: Metrics, now: datetime, health: KBHealth | None = None
) -> Iterator[str]:
    """KB usage: hits per ticket, most cited articles, content gaps."""
    yield from _header("Knowledge Base Maintenance Report", now, m.total)
    if health is not None:
        yield from ["## KB health", "", *_health_lines(health), "", "## This run", ""]
    yield from [
        f"- Search success rate: {m.kb_answered} of {m.total} tickets had a KB hit ({share(m.kb_answered, m.total)})",
        f"- Content gaps: {m.kb_gaps}",
        "",
        "## Most cited articles",
        "",
    ]
    yield from [
        f"- {article}: cited in {count} repl{'y' if count == 1 else 'ies'}"
        for article, count in m.citations.most_common()
    ] or ["- none"]
    yield from [
        "",
        "## Hits per ticket",
        "",
        "| Ticket | Top articles (hybrid score) |",
        "|---|---|",
    ]
    for r in records:
        hits = (
            ", ".join(f"{h['article_id']} {h['title']} ({h['score']:.2f})" for h in r["kb_hits"])
            or "**gap**"
        )
        yield (f"| {_cell(r['ticket_id'], 80)} | {_cell(hits, 1000)} |")
    yield from ["", "## Content gaps (queries with no article above the score threshold)", ""]
    # Gap queries are read by KB writers, like the search log: redacted the same way.
    if not m.kb_gaps:
        yield "- none in this run"
    yield from (
        f"- {_cell(r['ticket_id'], 80)}: {_cell(redact(r['kb_query'], [r['customer']]), 300)}"
        for r in records
        if r["kb_gap"]
    )


def escalation_report(records: Iterable[Record], m: Metrics, now: datetime) -> Iterator[str]:
    """Escalations by team and rule, and the tickets waiting for a human."""
    yield from _header("Escalation Management Report", now, m.total)
    yield from [
        f"- Escalated: {m.escalated} of {m.total} ({share(m.escalated, m.total)}); needing a human: {m.needs_human}",
        "",
        "## By team",
        "",
    ]
    yield from [
        f"- **{team}:** {count}" for team, count in m.escalations_by_team.most_common()
    ] or ["- none"]
    yield from ["", "## By rule", ""]
    yield from [f"- `{rule}`: {count}" for rule, count in m.triggers_by_rule.most_common()] or [
        "- none"
    ]
    yield from [
        "",
        "## Cases",
        "",
        "| Ticket | Team | Rules | Outcome | First response |",
        "|---|---|---|---|---|",
    ]
    for r in records:
        if r["escalated"]:
            sla = r["sla"] or {}
            state = (
                "breached"
                if sla.get("first_response_breached")
                else f"{sla.get('first_response_time_left')} left"
            )
            yield (
                f"| {_cell(r['ticket_id'], 80)} | {r['escalation_team']} | "
                f"{', '.join(r['escalation_rules'])} | {r['outcome']} | {state} |"
            )
    yield from ["", "## Why", ""]
    for r in records:
        yield from [
            f"- {_cell(r['ticket_id'], 80)} `{rule}`: {_cell(detail, 500)}"
            for rule, detail in zip(r["escalation_rules"], r["escalation_details"], strict=True)
        ]


def dashboard(m: Metrics, now: datetime, health: KBHealth | None = None) -> Iterator[str]:
    """The support dashboard; where a metric cannot be computed it says so."""
    yield from [
        "# Customer Support Dashboard",
        "",
        f"**Last updated:** {now:%Y-%m-%d %H:%M:%S %Z} · **Tickets in this run:** {m.total}",
        "",
    ]
    yield from ["## Queue", "", "### By priority", "", *_counts(m.by_priority, PRIORITIES, m.total)]
    yield from ["", "### By channel", "", *_counts(m.by_channel, CHANNELS, m.total)]
    yield from ["", "### By category", "", *_counts(m.by_category, None, m.total)]
    yield from ["", "### By outcome", "", *_counts(m.by_outcome, None, m.total)]
    yield from [
        "",
        "## SLA (first response)",
        "",
        f"- **Compliance:** {sla_compliance(m)} of tickets not late "
        f"({m.total - len(m.first_response_breached)} of {m.total})",
        f"- **Breached:** {len(m.first_response_breached)} ({_ids(m.first_response_breached) or 'none'})",
        f"- **Resolution SLA breached:** {len(m.resolution_breached)} ({_ids(m.resolution_breached) or 'none'})",
        "",
        "| Priority | Met | Breached | Open, on time | Mean time to first response |",
        "|---|---|---|---|---|",
    ]
    for p in PRIORITIES:
        c = m.sla_by_priority[p]
        minutes = m.mean_first_response(p)
        mean = f"{minutes:.0f} min" if minutes is not None else "n/a (none sent)"
        yield f"| {p} | {c['met']} | {c['breached']} | {c['open, on time']} | {mean} |"
    yield from [
        "",
        "## Resolution",
        "",
        f"- **Automation rate:** {share(m.automated, m.total)} ({m.automated} replied without a human)",
        f"- **Handed to a team:** {m.handed_to_team} (a team still owes the customer an answer: "
        "not resolved by the first reply)",
        f"- **Escalation rate:** {share(m.escalated, m.total)} "
        f"({m.escalated} escalated, {m.needs_human} waiting for or needing a human)",
        "- **Triage agreement with declared labels:** "
        f"priority {share(m.priority_agreed, m.priority_checked)}, "
        f"category {share(m.category_agreed, m.category_checked)}",
        "- **Customer satisfaction:** not available — no survey responses in this run",
        "",
        "## Knowledge base",
        "",
        f"- **Search success rate:** {share(m.kb_answered, m.total)} ({m.kb_answered} of {m.total} tickets found an article)",
        f"- **Most cited:** {', '.join(f'{a} ({c})' for a, c in m.citations.most_common(3)) or 'none'}",
        f"- **Content gaps:** {m.kb_gaps}",
        *_health_lines(health),
        "",
        "## Escalations by team",
        "",
    ]
    yield from [
        f"- **{team}:** {count} escalated, {m.waiting_by_team[team]} waiting for review"
        for team, count in m.escalations_by_team.most_common()
    ] or ["- none"]


def summary(
    records: Iterable[Record],
    m: Metrics,
    now: datetime,
    rejected: list[str],
    updated: datetime | None = None,
) -> Iterator[str]:
    """The run summary: what came in, where it went, what is waiting.

    ``updated`` is when a review decision last changed a record of this run.
    """
    yield from [
        "# Customer Support Summary",
        "",
        f"**Run:** {now:%B %d, %Y %H:%M %Z}"
        + (f" · **Updated:** {updated:%B %d, %Y %H:%M %Z} (review decisions)" if updated else ""),
        "",
        f"- Tickets processed: {m.total}"
        + (f" (plus {len(rejected)} rejected at intake)" if rejected else ""),
        f"- Replied automatically: {m.automated} ({share(m.automated, m.total)})",
        f"- Waiting for human review: {m.waiting}",
        f"- Escalated: {m.escalated} ({share(m.escalated, m.total)})",
        f"- First-response SLA compliance: {sla_compliance(m)}; breached: {_ids(m.first_response_breached) or 'none'}",
        f"- KB search success: {share(m.kb_answered, m.total)}; content gaps: {m.kb_gaps}",
        "",
        "## Tickets",
        "",
        "| Ticket | Priority | Category | Route | Outcome |",
        "|---|---|---|---|---|",
    ]
    for r in records:
        team = f" → {r['escalation_team']}" if r["escalated"] else ""
        yield (
            f"| {_cell(r['ticket_id'], 80)} | {r['priority']} | {r['category']} | "
            f"{' → '.join(r['route'])} | {r['outcome']}{team} |"
        )
    if m.waiting:
        yield from ["", "## Waiting for a reviewer", ""]
        yield from (
            f"- {escape.markdown_code(escape.review_command('approve', r['ticket_id'], r.get('tenant')))}"
            f" — {r['escalation_team']}: {', '.join(r['escalation_rules'])}"
            for r in records
            if r["outcome"] == "waiting_for_review"
        )
    yield from [
        "",
        "## Files",
        "",
        "- support_inquiry_triage_report.md, technical_issue_resolution_report.md,",
        "  customer_success_management_report.md, knowledge_base_maintenance_report.md,",
        "  escalation_management_report.md, support_dashboard.md, support_playbook.md, tickets.jsonl",
    ]
