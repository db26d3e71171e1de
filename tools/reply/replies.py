"""Render a reply for the customer: the plan's macro in their language, shaped for the channel.

The customer text comes only from the templates (tools/reply/macros.py) and the facts a
plan gives them (tools/reply/reply_plan.py); the internal parts of the plan never reach it.
Email gets plain text and an HTML alternative; Chat is short, without tables or long
lists; Phone is a call-back note with a script for the agent; Web reads like email
without HTML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from supportgraph.graph.context import Context
from supportgraph.graph.models import Reply, ReplyPart, ReviewDecision, Ticket
from supportgraph.graph.state import SupportState
from supportgraph.tools.accounts.catalog import load_catalog
from supportgraph.tools.desk.teams import load_teams
from supportgraph.tools.knowledge.kb import Article
from supportgraph.tools.reply.macros import KB_LANGUAGE, Macros, load_macros
from supportgraph.tools.reply.reply_markers import PROMISES, ROLE_WORDS
from supportgraph.tools.reply.reply_plan import ReplyPlan, Sources, plan_acknowledgement, plan_reply

# Steps a channel shows before pointing to the article for the rest.
MAX_STEPS = {"Email": 6, "Web": 6, "Chat": 3, "Phone": 3}
_TITLES = frozenset(
    "dr dr. prof prof. mr mr. mrs mrs. ms ms. herr frau sr sr. sra sra. srta srta. "
    "m. mme mme. mlle mlle. don doña".split()
)
_NUMBERED = re.compile(r"^\d+\.\s+")
_DEFAULTS: dict[str, Any] = {
    "apology": False,
    "csm": False,
    "steps": [],
    "team": "",
    "money": False,
    "fault": False,
}


class TeamName(str):
    """How a team is named to the customer; ``acc`` and ``dat`` for languages with cases.

    ``{{ team }}`` is the nominative; German templates write ``{{ team.acc }}`` after
    "an" and ``{{ team.dat }}`` after "bei".
    """

    acc: str
    dat: str

    def __new__(cls, nominative: str, acc: str, dat: str) -> TeamName:  # noqa: D102
        name = super().__new__(cls, nominative)
        name.acc, name.dat = acc, dat
        return name


@dataclass(frozen=True)
class Rendered:
    """A reply as the customer receives it."""

    text: str
    html: str | None
    language: str
    macro: str


def greeting_names(ticket: Ticket) -> tuple[str | None, str | None]:
    """The contact's full name and first name to greet, or (None, None) for a neutral greeting.

    A contact name that is the company's own name greets nobody: no "Hello Blue Fern
    Studio". Titles (Dr., Frau, Mme) stay in the full name but never become a first name.
    """
    name = " ".join((ticket.contact_name or "").split())
    if not name or name.casefold() == ticket.customer.strip().casefold() or "@" in name:
        return None, None
    words = [w for w in name.split() if w.casefold() not in _TITLES]
    return name, (words[0] if words else None)


def text_blocks(text: str) -> list[dict[str, Any]]:
    """Paragraphs, numbered and bulleted lists of a plain-text reply, for the HTML layout."""
    blocks: list[dict[str, Any]] = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        for line in paragraph.splitlines():
            kind = "ol" if _NUMBERED.match(line) else "ul" if line.startswith("- ") else "p"
            content = _NUMBERED.sub("", line) if kind == "ol" else line.removeprefix("- ")
            if blocks and blocks[-1]["kind"] == kind and blocks[-1].get("open"):
                blocks[-1]["lines"].append(content)
            else:
                blocks.append({"kind": kind, "lines": [content], "open": True})
        if blocks:
            blocks[-1]["open"] = False
    return blocks


class ReplyWriter:
    """Plans and renders replies with one run's settings (templates, brand, teams, KB)."""

    def __init__(self, context: Context) -> None:
        from supportgraph.tools.knowledge.kb_store import load_index  # numpy, MiniLM: not at import

        self.context = context
        self.macros: Macros = load_macros(context.templates_path)
        index = load_index(context.kb_path)
        self.sources = Sources(
            teams=load_teams(context.teams_path),
            article=lambda article_id: index.articles.get(article_id),
            catalog=load_catalog(context.plans_path),
        )

    def compose(
        self, state: SupportState, decision: ReviewDecision | None
    ) -> tuple[ReplyPlan, Rendered]:
        """The reply under ``decision`` (None: no review), planned and rendered."""
        plan = plan_reply(state, decision, self.sources)
        return plan, self.render(plan, state)

    def acknowledge(self, state: SupportState) -> tuple[ReplyPlan, Rendered]:
        """The acknowledgement of a handoff, planned and rendered."""
        plan = plan_acknowledgement(state, self.sources)
        return plan, self.render(plan, state)

    def render(self, plan: ReplyPlan, state: SupportState) -> Rendered:
        """Render ``plan`` for the ticket's language and channel."""
        ticket = state["ticket"]
        language = self.macros.language_for(state["triage"].language)
        facts = _DEFAULTS | plan.facts | {"channel": ticket.channel, "brand": self.context.brand}
        if facts["team"]:
            facts["team"] = self._team_phrase(facts["team"], language, ticket)
        facts |= self._steps(facts["steps"], ticket.channel, language)
        sla = state.get("sla")
        facts["late"] = bool(sla and sla.first_response_breached)
        body = self.macros.render(plan.macro, language, **facts)
        contact, first = greeting_names(ticket)
        text = self.macros.render(
            "_layout",
            language,
            body=body,
            channel=ticket.channel,
            contact_name=contact,
            first_name=first,
            brand=self.context.brand,
            signature=self.context.signature,
            reference=ticket.ticket_id,
        )
        html = self.html(text, ticket, language)
        return Rendered(text=text, html=html, language=language, macro=plan.macro)

    def html(self, text: str, ticket: Ticket, language: str) -> str | None:
        """The HTML alternative of an email reply (None for the other channels)."""
        if ticket.channel != "Email":
            return None
        return self.macros.render_html(
            lang=language,
            subject=f"Re: {ticket.subject}",
            brand=self.context.brand,
            blocks=text_blocks(text),
        )

    def promised_teams(self, text: str, state: SupportState) -> list[str]:
        """The teams a person's own reply promises something from (tools/reply/reply_markers.py).

        A promise that names a role ("our billing team will…") is the team of that role;
        one that names none is the team the ticket is escalated to.
        """
        escalation = state.get("escalation")
        teams = self.sources.teams
        found: list[str] = []
        for sentence in re.split(r"(?<=[.!?:;])\s+|\n+", text):
            if not PROMISES.search(sentence):
                continue
            roles = [role for role, words in ROLE_WORDS.items() if words.search(sentence)]
            named = [teams.for_role(role) for role in roles]
            if not named and escalation is not None:
                named = [escalation.team]
            found += [team for team in named if team not in found]
        return found

    def _team_phrase(self, team: str, language: str, ticket: Ticket) -> TeamName:
        role = next((t.roles[0] for t in self.sources.teams.teams if t.name == team), "")
        enterprise = ticket.customer_tier == "Enterprise"
        forms = {
            case: self.macros.render("_team", language, role=role, enterprise=enterprise, case=case)
            for case in ("nom", "acc", "dat")
        }
        return TeamName(forms["nom"], acc=forms["acc"], dat=forms["dat"])

    def _steps(self, steps: list[dict[str, str]], channel: str, language: str) -> dict[str, Any]:
        shown = steps[: MAX_STEPS.get(channel, 6)]
        lead: Article | None = self.sources.article(shown[0]["source"]) if shown else None
        more = 0
        if lead is not None and all(s["text"] in lead.steps for s in shown):
            more = max(len(lead.steps) - len(shown), 0)
        article = {"id": lead.id, "title": lead.title} if lead else {"id": "", "title": ""}
        return {
            "steps": shown,
            "more_steps": more,
            "article": article,
            "steps_note": bool(shown) and language != KB_LANGUAGE,
        }


def reply_from(plan: ReplyPlan, rendered: Rendered, **fields: Any) -> Reply:
    """The Reply a plan and its rendering make: customer text, internal parts, citations."""
    parts = (ReplyPart(audience="customer", kind="message", text=rendered.text), *plan.internal)
    return Reply(
        text=rendered.text,
        citations=plan.citations,
        parts=parts,
        macro=rendered.macro,
        language=rendered.language,
        follow_up=plan.follow_up,
        **fields,
    )
