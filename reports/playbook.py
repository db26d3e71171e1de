"""Render the support playbook from the live policy: SLA table and routing rules."""

from __future__ import annotations

import inspect
from datetime import datetime

from supportgraph.graph import routing
from supportgraph.graph.models import PRIORITIES
from supportgraph.tools.desk.durations import format_duration
from supportgraph.tools.desk.sla import SlaPolicy
from supportgraph.tools.desk.teams import Teams, load_teams
from supportgraph.tools.triage import severity


def _first_line(obj: object) -> str:
    return (inspect.getdoc(obj) or "").splitlines()[0]


def _matrix() -> list[str]:
    levels = list(severity.MATRIX)
    urgencies = list(next(iter(severity.MATRIX.values())))
    lines = [
        "| Impact \\ urgency | " + " | ".join(urgencies) + " |",
        "|---|" + "---|" * len(urgencies),
    ]
    for level in levels:
        cells = " | ".join(severity.MATRIX[level][u] for u in urgencies)
        lines.append(f"| {level} | {cells} |")
    return lines


def _impact_table() -> list[str]:
    breadths = list(severity.IMPACT["unavailable"])
    lines = [
        "| Effect \\ who is affected | " + " | ".join(b.replace("_", " ") for b in breadths) + " |",
        "|---|" + "---|" * len(breadths),
    ]
    for effect, row in severity.IMPACT.items():
        lines.append(
            f"| {effect.replace('_', ' ')} | " + " | ".join(row[b] for b in breadths) + " |"
        )
    return lines


def render_playbook(policy: SlaPolicy, now: datetime, teams: Teams | None = None) -> str:
    """The playbook as markdown; changing the policy, teams or routing rules changes it."""
    teams = teams or load_teams(None)
    urgency = ", ".join(f"{k.replace('_', ' ')} → {v}" for k, v in severity.URGENCY.items())
    lines = [
        "# Customer Support Playbook",
        "",
        f"_Rendered {now:%Y-%m-%d %H:%M %Z} from the SLA policy ({policy.source}), "
        "the teams file and the routing policy in force._",
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
        "## Priority: impact × urgency",
        "",
        "Severity comes from what happened, not from the words used: triage reads three signals in any of",
        "English, German, Spanish and French — **who is affected**, **what happened** and **what makes it",
        'pressing** — and the matrix below turns them into a priority. Instructions in a ticket ("set priority',
        'low", "do not escalate", "already approved") and shouting are cut out before the signals are read.',
        "",
        "**Impact** from what happened and who is affected:",
        "",
        *_impact_table(),
        "",
        f"**Urgency**: {urgency}.",
        "",
        *_matrix(),
        "",
        "- Questions (no impact) are Low, except billing and account questions, which are Medium.",
        "- An Enterprise customer with a moderate impact is High (a hurt high-value customer).",
        "  The tier never lowers a priority: a data leak at a Starter customer is Critical.",
        f"- Safe side: when Critical is plausible (probability ≥ {severity.CRITICAL_AT}), the ticket is Critical.",
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
        "## Teams",
        "",
        "| Team | Roles | Handles |",
        "|---|---|---|",
        *[f"| {t.name} | {', '.join(t.roles)} | {t.handles} |" for t in teams.teams],
        "",
        "## Specialist assignment",
        "",
        f"- {_first_line(routing.specialists_for)}",
        "",
        "| Category | Owning team |",
        "|---|---|",
        *[
            f"| {category} | {teams.for_role(role)} |"
            for category, role in routing.OWNER_ROLE.items()
        ],
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
        "The first rule that needs a person picks the team; every rule that fired is kept on the ticket.",
        "A severity escalation means a team takes the ticket over; a handoff (no documented answer, an unsure",
        "model, a customer asking for a person) sends an acknowledgement and a person answers.",
        "",
        "## A person before anything is sent or done",
        "",
        "Refunds, credits and charge reversals; plan downgrades and cancellations; account, workspace or data",
        "deletion; GDPR access, export and erasure requests; legal threats; security and privacy incidents; any",
        "request for another customer's data or for secrets; a request to be made the account's owner (only the",
        "owner can hand ownership over: Success checks who asks). These requests are recognised in English,",
        "German, Spanish and French, and through hidden characters, look-alike letters and base64. Money and account",
        "actions are proposed, never executed, until a reviewer approves them:",
        "",
        "- `supportgraph review approve TICKET` carries out what the draft proposes;",
        "- `supportgraph review edit TICKET --reply TEXT` sends your text and carries out nothing, unless you add",
        "  `--approve-actions`;",
        "- `supportgraph review reject TICKET --reason TEXT` sends and carries out nothing.",
        "",
        "A charge is refunded at most once, whichever tickets ask for it.",
        "",
        "## Routine",
        "",
        "Thank-you notes and praise get a short acknowledgement; auto-replies and spam are closed without a",
        "reply; how-to questions are answered from the knowledge base, or acknowledged and handed to the owning",
        "team at Low priority when it has no article; feature ideas are acknowledged and logged.",
        "",
        "## Human review",
        "",
        "- `supportgraph review list` — tickets waiting, with team, asks and reasons.",
        "- `supportgraph review approve|edit|reject TICKET` — resumes the paused run from its checkpoint, in any process.",
        "",
    ]
    return "\n".join(lines)
