"""Compose the customer reply from specialist reports, citing KB articles by id."""

from __future__ import annotations

from supportgraph.graph.models import (
    Escalation,
    KnowledgeReport,
    SpecialistReport,
    Ticket,
    TriageResult,
)

NO_DOCUMENTED_ANSWER = (
    "We could not find a documented answer to this question, so a specialist will reply personally."
)


def _greeting(ticket: Ticket) -> str:
    return f"Hello {ticket.customer} team,"


def compose_reply(
    ticket: Ticket,
    triage: TriageResult,
    reports: list[SpecialistReport],
    knowledge: KnowledgeReport | None,
    escalation: Escalation | None,
) -> tuple[str, tuple[str, ...]]:
    """Return the reply text and the KB article ids it cites.

    Every step taken from the knowledge base keeps its ``[KB-id]`` citation; findings
    come from our own tools (ledger, catalog, entity extraction). When nothing in the
    KB supports an answer, the reply says so instead of inventing one.
    """
    lines = [_greeting(ticket), "", f'Thank you for contacting us about "{ticket.subject}".']
    citations: list[str] = []
    for report in reports:
        citations += report.citations
        for finding in report.findings:
            lines += ["", finding]
    actions = [action for report in reports for action in report.actions]
    if actions:
        team = escalation.team if escalation else "billing"
        lines += [
            "",
            f"We have asked our {team} team to approve the following, and will confirm once it is done:",
        ]
        lines += [f"- {action.detail[0].upper()}{action.detail[1:]}" for action in actions]
    steps = [step for report in reports for step in report.steps]
    if steps:
        lines += ["", "What we recommend:"]
        lines += [f"{n}. {step}" for n, step in enumerate(steps, start=1)]
    hits = knowledge.hits if knowledge else ()
    further = [hit for hit in hits if hit.article_id not in citations][:2]
    if further:
        lines += ["", "Related articles:"]
        lines += [f"- {hit.title} [{hit.article_id}]" for hit in further]
        citations += [hit.article_id for hit in further]
    if knowledge is not None and knowledge.gap and not steps:
        lines += [
            "",
            NO_DOCUMENTED_ANSWER,
        ]
    if escalation is not None:
        if escalation.needs_human:
            lines += [
                "",
                f"Your ticket has been escalated to our {escalation.team} team, who will follow up directly.",
            ]
        else:
            lines += [
                "",
                f"We have flagged your ticket to our {escalation.team} team for priority handling.",
            ]
    lines += [
        "",
        f"Priority: {triage.priority}. Reference: {ticket.ticket_id}.",
        "",
        "Best regards,",
        "Support team",
    ]
    return "\n".join(lines), tuple(dict.fromkeys(citations))


def acknowledgement(ticket: Ticket, escalation: Escalation) -> str:
    """The first response of a handoff: a person has the ticket and will answer."""
    return "\n".join(
        [
            "Hello,",
            "",
            f'Thank you for contacting us about "{ticket.subject}". '
            f"A member of our {escalation.team} team has your request and will answer you personally.",
            "",
            f"Reference: {ticket.ticket_id}.",
            "",
            "Best regards,",
            "Support team",
        ]
    )
