"""Human review node: pause with a typed request, resume with the reviewer's decision."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, TypedDict

from langgraph.runtime import Runtime
from langgraph.types import interrupt
from pydantic import ValidationError

from supportgraph.graph.context import Context, context_of
from supportgraph.graph.errors import ConfigurationError, ReviewError
from supportgraph.graph.models import Escalation, ReviewDecision
from supportgraph.graph.state import SupportState
from supportgraph.tools.desk.teams import load_teams

Ask = Literal["approve_refund", "approve_action", "approve_reply", "take_over"]


class ReviewRequest(TypedDict):
    """What the reviewer sees: the ask, why, and the draft reply."""

    ticket_id: str
    customer: str
    team: str
    asks: list[Ask]
    reasons: list[str]
    actions: list[str]
    draft_reply: str
    first_response_due: str


class ReviewAnswer(TypedDict, total=False):
    """What resumes the graph: ``{"action": "approve"|"edit"|"reject"|"reassign", ...}``."""

    action: Literal["approve", "edit", "reject", "reassign"]
    reviewer: str
    reply: str
    reason: str
    team: str


def review_request(state: SupportState) -> ReviewRequest:
    """Build the typed payload the interrupt shows a reviewer."""
    escalation = state.get("escalation")
    report = state.get("success")
    actions = list(report.actions) if report else []
    asks: list[Ask] = []
    if any(a.kind == "refund" for a in actions):
        asks.append("approve_refund")
    if any(a.kind != "refund" for a in actions):
        asks.append("approve_action")
    triggers = escalation.triggers if escalation else ()
    if any(t.reason in ("missing_knowledge", "customer_request", "tool_failure") for t in triggers):
        asks.append("take_over")
    asks.append("approve_reply")
    return ReviewRequest(
        ticket_id=state["ticket"].ticket_id,
        customer=state["ticket"].customer,
        team=escalation.team if escalation else "Support",
        asks=asks,
        reasons=[f"{t.rule} ({t.reason}): {t.detail}" for t in triggers if t.needs_human],
        actions=[a.detail for a in actions],
        draft_reply=state["reply"].text,
        first_response_due=state["sla"].first_response_due.isoformat(timespec="minutes"),
    )


def parse_answer(answer: object, decided_at: Any, teams_path: Path | None = None) -> ReviewDecision:
    """Validate a resume value; raise ReviewError naming what is wrong."""
    if not isinstance(answer, dict):
        raise ReviewError(f"a review answer must be an object with 'action', got {answer!r}")
    try:
        decision = ReviewDecision.model_validate({**answer, "decided_at": decided_at})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "answer"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise ReviewError(f"invalid review answer: {where}: {message}") from None
    if decision.action == "edit" and not (decision.reply or "").strip():
        raise ReviewError("an 'edit' decision needs the new reply text")
    if decision.action == "reject" and not (decision.reason or "").strip():
        raise ReviewError("a 'reject' decision needs a reason")
    if decision.approve_actions and decision.action != "edit":
        raise ReviewError(
            "approve_actions only applies to 'edit': 'approve' always carries out the "
            "proposed actions and 'reject' never does"
        )
    if decision.action == "reassign":
        teams = load_teams(teams_path)
        if decision.team is None:
            raise ReviewError(f"a 'reassign' decision needs a team: {', '.join(teams.names)}")
        try:
            team = teams.get(decision.team)
        except ConfigurationError as exc:
            raise ReviewError(str(exc)) from None
        decision = decision.model_copy(update={"team": team.name})
    return decision


def request_review(state: SupportState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Ask a human to approve, edit or reject; nothing before the interrupt has side effects."""
    answer = interrupt(review_request(state))
    context = context_of(runtime)
    decision = parse_answer(answer, context.now(), context.teams_path)
    if decision.action == "reassign":
        escalation = state.get("escalation")
        assert decision.team is not None  # parse_answer guarantees it
        moved = (
            escalation.model_copy(update={"team": decision.team})
            if escalation is not None
            else Escalation(team=decision.team, needs_human=True, triggers=())
        )
        return {"escalation": moved, "audit": [decision]}
    return {"review": decision, "audit": [decision]}
