"""The supervisor: the escalation coordinator every node reports back to."""

from __future__ import annotations

from typing import Any, Literal

from langgraph.runtime import Runtime
from langgraph.types import Command

from supportgraph.graph.context import Context, context_of
from supportgraph.graph.models import Decision, Ticket
from supportgraph.graph.routing import Policy, decide_escalation, route_ticket
from supportgraph.graph.state import SupportState
from supportgraph.tools.desk.sla import load_policy, sla_status
from supportgraph.tools.desk.teams import load_teams
from supportgraph.tools.tickets.intake import validate_ticket

Destination = Literal[
    "triage", "technical", "success", "knowledge", "human_review", "respond", "__end__"
]


def _last_target(state: SupportState) -> str:
    decisions = state.get("decisions") or []
    return decisions[-1].target if decisions else "start"


def coordinate(state: SupportState, runtime: Runtime[Context]) -> Command[Destination]:
    """Refresh the SLA clock, apply the escalation policy and route to the next step(s)."""
    context = context_of(runtime)
    now = context.now()
    hops = state.get("hops", 0) + 1
    update: dict[str, Any] = {"hops": hops}
    if not isinstance(state["ticket"], Ticket):
        # Input over HTTP or from Studio arrives as plain JSON: validate it at the edge.
        state = {**state, "ticket": validate_ticket(state["ticket"], now)}
        update["ticket"] = state["ticket"]
    source = _last_target(state)
    if hops > context.max_hops:
        reason = f"hop limit {context.max_hops} reached after {source}; the ticket needs a human"
        update |= {
            "error": reason,
            "outcome": "failed",
            "decisions": [Decision(source=source, target="__end__", reason=reason, at=now)],
        }
        return Command(goto="__end__", update=update)
    if "triage" in state:
        reply = state.get("reply")
        sent_at = reply.sent_at if reply is not None and reply.status == "sent" else None
        acknowledged = reply.acknowledged_at if reply is not None else None
        first_response = min((t for t in (sent_at, acknowledged) if t is not None), default=None)
        # A reply that leaves a team to follow up (an incident, a hand-over) does not resolve.
        resolved = sent_at if reply is not None and reply.follow_up is None else None
        sla = sla_status(
            state["ticket"],
            state["triage"].priority,
            now,
            load_policy(context.sla_policy),
            first_response_at=first_response,
            resolved_at=resolved,
        )
        if sla != state.get("sla"):  # an unchanged value written again costs a checkpoint copy
            update["sla"] = sla
    view: SupportState = {**state, **update}  # type: ignore[typeddict-item]
    if "knowledge" in state and "reply" not in state:
        update["escalation"] = view["escalation"] = decide_escalation(
            view, Policy(context.low_confidence, load_teams(context.teams_path))
        )
    route = route_ticket(view)
    update["decisions"] = [
        Decision(source=source, target="+".join(route.steps), reason=route.reason, at=now)
    ]
    if route.steps == ("__end__",):
        return Command(goto="__end__", update=update)
    if len(route.steps) == 1:
        return Command(goto=route.steps[0], update=update)
    # Plain edges, not Send: a Send would copy the whole state into the checkpoint's
    # task list; the specialists read the same state from the channels instead.
    return Command(goto=list(route.steps), update=update)
