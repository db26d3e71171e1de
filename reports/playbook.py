"""Render the support playbook from the live policy: SLA table and routing rules."""

from __future__ import annotations

import inspect
from datetime import datetime

from supportgraph.graph import routing
from supportgraph.graph.models import PRIORITIES
from supportgraph.tools import priority as priority_rules
from supportgraph.tools.durations import format_duration
from supportgraph.tools.sla import SlaPolicy


def _first_line(obj: object) -> str:
    return (inspect.getdoc(obj) or "").splitlines()[0]


def render_playbook(policy: SlaPolicy, now: datetime) -> str:
    """The playbook as markdown; changing the policy file or routing rules changes it."""
    criteria = [
        line
        for line in (inspect.getdoc(priority_rules) or "").splitlines()
        if line.split(":")[0] in PRIORITIES
    ]
    lines = [
        "# Customer Support Playbook",
        "",
        f"_Rendered {now:%Y-%m-%d %H:%M %Z} from the SLA policy ({policy.source}) and the routing policy in force._",
        "",
        "## Workflow",
        "",
        "```",
        "Inquiry → supervisor → triage → specialist(s) → knowledge → supervisor → reply, or human review → reply",
        "```",
        "",
        "Every step returns to the supervisor (the escalation coordinator), which alone decides the next one and",
        "writes the reason to the ticket's decision log.",
        "",
        "## Triage criteria",
        "",
        *[f"- **{line.split(':')[0]}:**{line.split(':', 1)[1]}" for line in criteria],
        "",
        "## SLA commitments",
        "",
        "| Priority | First response | Resolution |",
        "|---|---|---|",
    ]
    for priority in PRIORITIES:
        target = policy.target(priority)
        lines.append(
            f"| {priority} | {format_duration(target.first_response)} | {format_duration(target.resolution)} |"
        )
    lines += [
        "",
        "## Specialist assignment",
        "",
        f"- {_first_line(routing.specialists_for)}",
        "",
        "| Category | Owning team (for escalations) |",
        "|---|---|",
        *[f"| {category} | {team} |" for category, team in routing.OWNER_TEAM.items()],
        "",
        "## Escalation rules (in precedence order)",
        "",
        "| # | Rule | What it does |",
        "|---|---|---|",
        *[
            f"| {n} | `{rule.__name__}` | {_first_line(rule)} |"
            for n, rule in enumerate(routing.ESCALATION_RULES, start=1)
        ],
        "",
        "The first rule that needs a human picks the team; every rule that fired is kept on the ticket.",
        "Money and account actions (refund, plan change, cancellation, deletion) are proposed, never executed,",
        "until a reviewer approves them with `supportgraph review approve TICKET`.",
        "",
        "## Human review",
        "",
        "- `supportgraph review list` — tickets waiting, with team, asks and reasons.",
        "- `supportgraph review approve|edit|reject TICKET` — resumes the paused run from its checkpoint, in any process.",
        "",
    ]
    return "\n".join(lines)
