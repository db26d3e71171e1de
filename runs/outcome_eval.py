"""The outcome evaluation: run tickets through the graph, compare with what a lead expects.

Expectations are JSON keyed by ticket id; only the keys present are checked:
``{"ID": {"priority": ["critical"], "category": ["technical", "account"],
"escalated": true, "needs_human": true, "language": "de", "fr_breached": true}}``.
``escalated`` means a severity escalation (a team takes the ticket over); a handoff
because the knowledge base had no answer, or because the model was unsure, is not one.
``needs_human`` means a person saw the ticket before anything was sent.

A routine ticket is one expected neither to be escalated nor to need a person, at Low
or Medium priority; one that the graph escalated or held for a person is a false alarm. A safety miss is an
expected escalation or person that did not happen.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

from supportgraph.graph.errors import TicketFileError
from supportgraph.graph.models import PRIORITIES, Ticket
from supportgraph.tools.triage.judgement_data import expected_routine

CHECKS = ("priority", "category", "escalated", "needs_human", "language", "fr_breached")


def outcome_of(values: dict[str, Any], waiting: bool) -> dict[str, Any]:
    """What the graph decided for one ticket, in the expectation file's terms."""
    triage = values.get("triage")
    escalation = values.get("escalation")
    sla = values.get("sla")
    return {
        "priority": triage.priority.lower() if triage else None,
        "category": triage.category if triage else None,
        "escalated": bool(escalation and escalation.severity),
        "needs_human": bool(escalation and escalation.needs_human),
        "language": triage.language if triage else None,
        "fr_breached": bool(sla and sla.first_response_breached),
        "rules": [t.rule for t in escalation.triggers] if escalation else [],
        "outcome": values.get("outcome") or ("waiting_for_review" if waiting else None),
    }


def run_outcomes(tickets: list[Ticket], now: datetime) -> dict[str, dict[str, Any]]:
    """Run each ticket through the graph (in memory) and return its outcome by id."""
    from supportgraph.checkpoints import open_checkpointer
    from supportgraph.graph.context import Context
    from supportgraph.runs.build import build_graph
    from supportgraph.runs.runner import run_batch

    context = Context(clock=lambda: now)
    outcomes = {}
    with open_checkpointer("memory://") as saver:
        graph = build_graph(saver)
        for run in run_batch(graph, tickets, context):
            outcomes[run.ticket_id] = outcome_of(
                dict(run.snapshot.values), bool(run.snapshot.interrupts)
            ) | ({"error": run.error} if run.error else {})
    return outcomes


def _matches(check: str, got: Any, wanted: Any) -> bool:
    if check in ("priority", "category"):
        return got in [str(w).lower() for w in wanted]
    return bool(got == wanted)


def compare(
    outcomes: dict[str, dict[str, Any]], expected: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """Score outcomes against expectations: per check, confusion, recall, misses, alarms."""
    by_check: dict[str, dict[str, Any]] = {c: {"right": 0, "checked": 0} for c in CHECKS}
    confusion: dict[str, Counter[str]] = {p.lower(): Counter() for p in PRIORITIES}
    critical = critical_hit = critical_below_high = 0
    safety_misses, wrong, alarms = [], [], []
    routine = 0
    for ticket_id, wanted in expected.items():
        got = outcomes.get(ticket_id)
        if got is None:
            continue
        for check in CHECKS:
            if check not in wanted:
                continue
            matched = _matches(check, got[check], wanted[check])
            by_check[check]["checked"] += 1
            by_check[check]["right"] += matched
            if not matched:
                wrong.append(
                    {
                        "ticket_id": ticket_id,
                        "check": check,
                        "got": got[check],
                        "expected": wanted[check],
                    }
                )
        if "priority" in wanted and len(wanted["priority"]) == 1:
            confusion[str(wanted["priority"][0]).lower()][str(got["priority"])] += 1
        if [str(p).lower() for p in wanted.get("priority", [])] == ["critical"]:
            critical += 1
            critical_hit += got["priority"] == "critical"
            critical_below_high += got["priority"] in ("medium", "low")
        for check in ("escalated", "needs_human"):
            if wanted.get(check) is True and not got[check]:
                safety_misses.append({"ticket_id": ticket_id, "missed": check, "got": got["rules"]})
        if expected_routine(wanted):
            routine += 1
            if got["needs_human"] or got["escalated"]:
                alarms.append({"ticket_id": ticket_id, "got": got["rules"]})
    checks = sum(c["checked"] for c in by_check.values())
    right = sum(c["right"] for c in by_check.values())
    for c in by_check.values():
        c["accuracy"] = round(c["right"] / c["checked"], 4) if c["checked"] else None
    return {
        "tickets": len(expected),
        "checks": checks,
        "accuracy": round(right / checks, 4) if checks else None,
        "by_check": by_check,
        "priority_confusion": {k: dict(v) for k, v in confusion.items()},
        "critical_recall": round(critical_hit / critical, 4) if critical else None,
        "critical_below_high": critical_below_high,
        "safety_misses": safety_misses,
        "false_alarm_rate": round(len(alarms) / routine, 4) if routine else None,
        "false_alarms": len(alarms),
        "false_alarm_tickets": alarms,
        "routine_tickets": routine,
        "wrong": wrong,
    }


def evaluate_files(tickets: Path, expected: Path, now: datetime | None = None) -> dict[str, Any]:
    """Read both files, run the tickets and compare.

    Raises:
        TicketFileError: the expectations file is missing or not a JSON object.
    """
    from supportgraph.graph.context import Context
    from supportgraph.tools.tickets.intake import read_tickets

    moment = now or Context().now()
    try:
        wanted = json.loads(expected.read_text("utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise TicketFileError(str(expected), f"cannot read expectations: {exc}") from None
    if not isinstance(wanted, dict):
        raise TicketFileError(str(expected), "expected a JSON object keyed by ticket id")
    intake = read_tickets(tickets, moment)
    result = compare(run_outcomes(intake.tickets, moment), wanted)
    result["rejected"] = [str(e) for e in intake.errors]
    return result


def render(result: dict[str, Any]) -> str:
    """The result as text for the terminal."""
    lines = [
        f"Outcome evaluation: {result['tickets']} tickets, {result['checks']} checks, "
        f"accuracy {result['accuracy']}",
        "",
        "check        right / checked  accuracy",
    ]
    for name, c in result["by_check"].items():
        lines.append(f"{name:<12} {c['right']:>5} / {c['checked']:<7}  {c['accuracy']}")
    lines += [
        "",
        "priority confusion (rows expected, columns got):",
        "            " + " ".join(f"{p.lower():>9}" for p in PRIORITIES),
    ]
    for wanted, row in result["priority_confusion"].items():
        lines.append(f"{wanted:<11} " + " ".join(f"{row.get(p.lower(), 0):>9}" for p in PRIORITIES))
    lines += [
        "",
        f"Critical recall: {result['critical_recall']} (below High: {result['critical_below_high']})",
        f"Safety misses: {len(result['safety_misses'])}",
        *[
            f"  {m['ticket_id']}: expected {m['missed']}, rules fired: {', '.join(m['got']) or 'none'}"
            for m in result["safety_misses"]
        ],
        f"False alarms: {result['false_alarms']} of {result['routine_tickets']} routine tickets "
        f"({result['false_alarm_rate']})",
        *[
            f"  {a['ticket_id']}: sent to a person by {', '.join(a['got'])}"
            for a in result["false_alarm_tickets"]
        ],
    ]
    if result.get("rejected"):
        lines += ["", "Rejected at intake:", *[f"  {r}" for r in result["rejected"]]]
    return "\n".join(lines)
