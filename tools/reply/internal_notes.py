"""The internal parts of a reply: what the reviewer, the audit log and the reports read.

Priority and its reasons, the rules that fired, the specialists' findings (ledger
checks, plan comparisons), the sender's verification, the requests recognised and the
actions proposed. None of it is customer text: the customer reads the rendered macro
only (tools/reply/replies.py), and the reply audit checks that no internal part leaks.
"""

from __future__ import annotations

from supportgraph.graph.models import ReplyPart
from supportgraph.graph.state import SupportState


def _part(kind: str, text: str) -> ReplyPart:
    return ReplyPart(audience="internal", kind=kind, text=text)


def internal_parts(state: SupportState) -> list[ReplyPart]:
    """Every internal finding about the ticket, one part each, most decisive first."""
    parts: list[ReplyPart] = []
    triage = state.get("triage")
    if triage is not None:
        reasons = "; ".join(triage.priority_reasons)
        parts.append(
            _part("priority", f"Priority {triage.priority}" + (f": {reasons}" if reasons else ""))
        )
        parts.append(
            _part(
                "classification",
                f"{triage.category} (confidence {triage.confidence:.2f}), sentiment "
                f"{triage.sentiment} ({triage.sentiment_score:+.2f}), language {triage.language}"
                + (f", routine {triage.routine.replace('_', ' ')}" if triage.routine else ""),
            )
        )
        parts += [
            _part("request", f"request {r.replace('_', ' ')}: {e!r}")
            for r, e in zip(triage.requests, triage.request_evidence, strict=False)
        ]
    escalation = state.get("escalation")
    if escalation is not None:
        parts += [
            _part("rule", f"{t.rule} → {t.team} ({t.kind}): {t.detail}")
            for t in escalation.triggers
        ]
    for report in (state.get("technical"), state.get("success")):
        if report is None:
            continue
        parts += [_part("finding", finding) for finding in report.findings]
        parts += [_part("action", f"proposed: {a.detail}") for a in report.actions]
        if report.unverified:
            parts.append(_part("verification", f"sender not verified: {report.unverified}"))
    knowledge = state.get("knowledge")
    if knowledge is not None:
        hits = ", ".join(f"{h.article_id} ({h.score:.2f})" for h in knowledge.hits)
        parts.append(
            _part("knowledge", f"KB hits: {hits}" if hits else "KB gap: no article matched")
        )
    return parts
