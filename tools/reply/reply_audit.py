"""The reply audit: every delivered customer message of a run, checked as a support lead would.

For each message in the delivery ledger (``OUT/sent.jsonl``) with the ticket's final
state beside it:

- ``language``: written in the ticket's language (when templates exist for it);
- ``internal``: no internal notes (priority lines, ledger or verification wording, rule
  names, another ticket's id, outbox keys, a finding of the reviewer view);
- ``promise``: every promise ("our engineering team is on it") backed by an internal
  notification delivered to a team playing that role;
- ``citation``: every ``[KB-id]`` names an article that holds the cited step;
- ``greeting``: the contact greeted by name when the ticket has one, never the company;
- ``channel``: email with an HTML alternative, chat short and without tables, a phone
  call-back note that starts with the reference, no markdown tables anywhere;
- ``decision``: the text says what the final review decided (a refund with its charge
  after an approval, no approval after a rejection, the reviewer's words after an edit).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from supportgraph.graph.models import Ticket
from supportgraph.tools.delivery.webhooks import shown_address
from supportgraph.tools.desk.teams import Teams
from supportgraph.tools.knowledge.kb import Article
from supportgraph.tools.reply.reply_markers import (
    APPROVALS,
    INTERNAL,
    INTERNAL_IDS,
    PROMISES,
    ROLE_WORDS,
)
from supportgraph.tools.signals.language import detect_language

CHECKS = ("language", "internal", "promise", "citation", "greeting", "channel", "decision")
CHAT_MAX_CHARS = 1200
SHORT_LIST = 3  # list items a chat message or a phone script may hold
_CITATION = re.compile(r"\[([A-Za-z]+-[\w.-]+)\]")
_LIST_ITEM = re.compile(r"^\s*(?:\d+\.|-)\s+")
_CHARGE = re.compile(r"\bch_[A-Za-z0-9]{6,}\b")
_SENTENCES = re.compile(r"(?<=[.!?:;])\s+|\n+")
_TITLES = frozenset(
    "dr dr. prof prof. mr mr. mrs mrs. ms ms. herr frau sr sr. sra sra. m. mme mme.".split()
)


@dataclass(frozen=True)
class Violation:
    """One thing a support lead would object to in one delivered message."""

    ticket_id: str
    key: str
    check: str
    detail: str


@dataclass
class AuditResult:
    """What the audit checked and what it found."""

    messages: int = 0
    tickets: set[str] = field(default_factory=set)
    checked: Counter[str] = field(default_factory=Counter)
    violations: list[Violation] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data."""
        found = Counter(v.check for v in self.violations)
        return {
            "messages": self.messages,
            "tickets": len(self.tickets),
            "violations": len(self.violations),
            "by_check": {c: {"checked": self.checked[c], "violations": found[c]} for c in CHECKS},
            "details": [v.__dict__ for v in self.violations],
        }


@dataclass(frozen=True)
class TicketView:
    """What the audit needs of one ticket's final state."""

    ticket: Ticket
    language: str | None  # the language its replies should be in (None: not triaged)
    decision: str | None  # approve, edit, reject, or None without a review
    edited_text: str | None  # the reviewer's text after an edit
    internal_notes: tuple[str, ...]  # internal parts and findings, never for the customer


@dataclass(frozen=True)
class Context:
    """What every message is checked against: teams, KB articles, the run's ticket ids."""

    teams: Teams
    articles: dict[str, Article]
    ticket_ids: frozenset[str]
    signatures: tuple[str, ...] = ()


def audit(lines: list[dict[str, Any]], views: dict[str, TicketView], ctx: Context) -> AuditResult:
    """Check every delivered customer message in ``lines`` (ledger lines, in order)."""
    result = AuditResult()
    delivered: dict[str, list[dict[str, Any]]] = {}
    for line in lines:
        delivered.setdefault(line["ticket_id"], []).append(line)
    for ticket_id, ticket_lines in delivered.items():
        view = views.get(ticket_id)
        replies = [m for m in ticket_lines if m.get("action") == "customer_reply"]
        if view is None or not replies:
            continue
        result.tickets.add(ticket_id)
        answers = [m for m in replies if not str(m["key"]).endswith("/ack")]
        for message in replies:
            result.messages += 1
            final = bool(answers) and message is answers[-1]
            for check, problem in _check(message, final, view, ticket_lines, ctx):
                result.checked[check] += 1
                if problem:
                    result.violations.append(Violation(ticket_id, message["key"], check, problem))
    return result


def _check(
    message: dict[str, Any],
    final: bool,
    view: TicketView,
    ticket_lines: list[dict[str, Any]],
    ctx: Context,
) -> list[tuple[str, str]]:
    text = str(message.get("body") or "")
    edited = view.edited_text is not None and text == view.edited_text
    results = [
        ("language", _language(text, view)),
        ("internal", _internal(text, view, ctx)),
        ("promise", _promises(text, ticket_lines, ctx)),
        ("citation", _citations(text, ctx)),
        ("greeting", "" if edited else _greeting(text, view.ticket)),
        ("channel", _channel(message, view.ticket, text)),
    ]
    if final:
        results.append(("decision", _decision(text, view, ticket_lines)))
    return results


def _language(text: str, view: TicketView) -> str:
    if view.language is None:
        return ""
    prose = "\n".join(line for line in text.splitlines() if not _CITATION.search(line))
    if len(prose.split()) < 6:
        return ""  # too short to tell
    found = detect_language(prose, default=view.language)
    return "" if found == view.language else f"written in {found}, the ticket is in {view.language}"


def _internal(text: str, view: TicketView, ctx: Context) -> str:
    if match := INTERNAL.search(text):
        return f"internal wording {match.group().strip()!r}"
    if match := INTERNAL_IDS.search(text):
        return f"internal identifier {match.group()!r}"
    others = [t for t in ctx.ticket_ids if t != view.ticket.ticket_id and _word(t, text)]
    if others:
        return f"another ticket's id {others[0]!r}"
    leaked = [n for n in view.internal_notes if len(n) >= 25 and n in text]
    return f"internal note {leaked[0][:80]!r}" if leaked else ""


def _word(token: str, text: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(token)}(?![\w-])", text) is not None


def _promises(text: str, ticket_lines: list[dict[str, Any]], ctx: Context) -> str:
    notified = {
        str(m.get("to")) for m in ticket_lines if m.get("action") == "internal_notification"
    }
    for sentence in _SENTENCES.split(text):
        if not PROMISES.search(sentence):
            continue
        if not notified:
            return f"promise without any team notified: {sentence.strip()[:120]!r}"
        for role, words in ROLE_WORDS.items():
            wanted = {shown_address(t.notify) for t in ctx.teams.teams if role in t.roles}
            if words.search(sentence) and not wanted & notified:
                return f"promise of the {role} team without its notification: {sentence.strip()[:120]!r}"
    return ""


def _citations(text: str, ctx: Context) -> str:
    for line in text.splitlines():
        for article_id in _CITATION.findall(line):
            article = ctx.articles.get(article_id)
            if article is None:
                return f"[{article_id}] is not in the knowledge base"
            claim = _LIST_ITEM.sub("", line)
            claim = claim[: claim.rfind(f"[{article_id}]")].strip()
            if claim and claim not in article.body and claim != article.title:
                return f"[{article_id}] does not contain {claim[:80]!r}"
    return ""


def _greeting(text: str, ticket: Ticket) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return "empty message"
    # A phone note names whom to call, then greets in its script: those four lines count.
    greeting = " / ".join(lines[:4]) if ticket.channel == "Phone" else lines[0]
    company = " ".join(ticket.customer.split())
    contact = " ".join((ticket.contact_name or "").split())
    if re.search(r"\b(?:team|Team|equipo|équipe)\s*[,:!]", greeting):
        return f"greets a team: {greeting[:80]!r}"
    if company.casefold() in greeting.casefold() and company.casefold() != contact.casefold():
        return f"greets the company, not the contact: {greeting[:80]!r}"
    if contact and contact.casefold() != company.casefold():
        names = [w for w in contact.split() if w.casefold() not in _TITLES]
        if names and not any(_word(n, greeting) for n in names):
            return f"does not greet {contact!r}: {greeting[:80]!r}"
    return ""


def _channel(message: dict[str, Any], ticket: Ticket, text: str) -> str:
    if re.search(r"^\s*\|.*\|\s*$", text, re.MULTILINE) or re.search(r"^#{1,6} ", text, re.M):
        return "markdown table or heading in a customer message"
    items = sum(1 for line in text.splitlines() if _LIST_ITEM.match(line))
    html = message.get("html")
    match ticket.channel:
        case "Email":
            if not html or "<p>" not in str(html):
                return "email without its HTML alternative"
        case "Chat":
            if len(text) > CHAT_MAX_CHARS or items > SHORT_LIST:
                return f"chat message of {len(text)} characters and {items} list items"
            if html:
                return "chat message with HTML"
        case "Phone":
            first = text.splitlines()[0] if text else ""
            if ticket.ticket_id not in first:
                return "phone reply is not a call-back note naming the ticket"
            if items > SHORT_LIST + 1 or html:
                return (
                    f"phone script with {items} list items" if not html else "phone note with HTML"
                )
        case _:
            if html:
                return "web reply with HTML"
    return ""


def _decision(text: str, view: TicketView, ticket_lines: list[dict[str, Any]]) -> str:
    refunded = {
        str(m.get("reference") or _charge_in(m))
        for m in ticket_lines
        if m.get("action") == "refund_request" and not m.get("suppressed")
    }
    effects = [m for m in ticket_lines if m.get("action") in ("refund_request", "action_request")]
    charges = set(_CHARGE.findall(text))
    if view.decision == "edit" and view.edited_text is not None:
        return "" if text == view.edited_text else "the reviewer's edit was not what was sent"
    if view.decision == "reject":
        if charges or APPROVALS.search(text):
            return "says something was approved after the review rejected it"
        return ""
    missing = {c for c in refunded if c and c not in text}
    if missing:
        return (
            f"a refund of {', '.join(sorted(missing))} was approved but the reply does not say so"
        )
    if charges - refunded:
        return f"names charge {sorted(charges - refunded)[0]} without a refund of it"
    if APPROVALS.search(text) and not effects:
        return "says something was approved, yet nothing was carried out"
    return ""


def _charge_in(message: dict[str, Any]) -> str:
    found = _CHARGE.findall(str(message.get("subject", "")))
    return found[0] if found else ""


def ticket_view(values: dict[str, Any], language_for: Any) -> TicketView | None:
    """The audit's view of a ticket's final state; None for a thread without a ticket.

    ``language_for`` maps the ticket's language to the language its replies are
    written in (tools/reply/macros.py: the ticket's when templates exist for it).
    """
    ticket = values.get("ticket")
    if not isinstance(ticket, Ticket):
        return None
    triage = values.get("triage")
    review = values.get("review")
    reply = values.get("reply")
    notes = list(reply.notes("internal")) if reply is not None else []
    for name in ("technical", "success"):
        report = values.get(name)
        if report is not None:
            notes += list(report.findings)
    return TicketView(
        ticket=ticket,
        language=language_for(triage.language) if triage is not None else None,
        decision=review.action if review is not None else None,
        edited_text=review.reply if review is not None and review.action == "edit" else None,
        internal_notes=tuple(notes),
    )


def render(result: AuditResult) -> str:
    """The audit as text for the terminal and ``reply_audit.md``."""
    data = result.as_dict()
    lines = [
        f"Reply audit: {data['messages']} delivered customer messages of {data['tickets']} "
        f"tickets, {data['violations']} violations",
        "",
        "check      checked  violations",
    ]
    for check, counts in data["by_check"].items():
        lines.append(f"{check:<10} {counts['checked']:>7}  {counts['violations']:>10}")
    if result.violations:
        lines += ["", "Violations:"]
        lines += [f"  {v.ticket_id} ({v.key}) {v.check}: {v.detail}" for v in result.violations]
    return "\n".join(lines)
