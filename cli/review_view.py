"""The reviewer's view on the console: a ticket card for ``show``, the table for ``review list``.

Both print a review card (reports/review_card.py): what the customer wrote, what the
graph found (for the reviewer only) and the draft, so a person can decide from this
view alone. Every value from a ticket goes through tools/safety/escape.py.
"""

from __future__ import annotations

import textwrap
from datetime import timedelta
from typing import Any

from rich.markup import escape as rich_escape
from rich.table import Table

from supportgraph.cli.console import console
from supportgraph.tools.desk.durations import format_duration
from supportgraph.tools.reply.salutations import strip_salutations
from supportgraph.tools.safety import escape

GAP_SHOWN = 120  # characters of the knowledge query a reviewer sees beside a KB gap

Card = dict[str, Any]
# The message and the draft are shown whole; this only stops a pathological one.
FULL_TEXT_CHARS = 200_000
EXCERPT_CHARS = 120

_e = escape.console


def _ago(seconds: int | None) -> str:
    return format_duration(timedelta(seconds=seconds or 0))


def _due(card: Card, markup: bool = True) -> str:
    left = card["time_left_seconds"]
    if left is None:
        return ""
    if left >= 0:
        return f"{_ago(left)} left"
    return f"[red]late by {_ago(-left)}[/]" if markup else f"late by {_ago(-left)}"


def _money(action: dict[str, Any]) -> str:
    amount = action.get("amount")
    money = f" {amount:.2f} {action.get('currency') or ''}".rstrip() if amount is not None else ""
    ref = f" ({action['reference']})" if action.get("reference") else ""
    return f"{action['kind']}{money}{ref}"


def findings_lines(card: Card) -> list[tuple[int, str]]:
    """The internal findings as (indent, plain text) lines; the caller escapes them."""
    f = card["findings"]
    lines: list[tuple[int, str]] = []
    if f["priority"]:
        reasons = "; ".join(f["priority_reasons"]) or "no reason recorded"
        lines.append((2, f"priority {f['priority']}: {reasons}"))
        confidence = f"{f['confidence']:.2f}" if f["confidence"] is not None else "?"
        lines.append((2, f"category {f['category']} ({confidence}) · sentiment {f['sentiment']}"))
    if f["rules"]:
        lines.append((2, "rules fired:"))
        lines += [
            (
                4,
                f"- {r['rule']} [{r['kind']}] {r['reason']} → {r['team']}"
                + (" (a person decides)" if r["needs_human"] else "")
                + f": {r['detail']}",
            )
            for r in f["rules"]
        ]
    for name, report in f["specialists"].items():
        lines.append((2, f"{name}: {report['summary']}"))
        lines += [(4, f"- {finding}") for finding in report["findings"]]
        if report["unverified"]:
            lines.append((4, f"verification: account data withheld: {report['unverified']}"))
        if report["handback"]:
            lines.append(
                (4, f"handed back ({report['handback']}): {report['handback_note'] or ''}")
            )
    kb = f["kb"]
    if kb["hits"]:
        hits = ", ".join(f"{h['article_id']} {h['title']} ({h['score']:.2f})" for h in kb["hits"])
        lines.append((2, f"KB: {hits}"))
    if kb["gap"]:
        # the query is the whole message, shown above: its opening words name it
        query = " ".join((kb["query"] or "").split())
        shown = query if len(query) <= GAP_SHOWN else query[: GAP_SHOWN - 1].rstrip() + "…"
        lines.append((2, f"KB gap: no article answers “{shown}”"))
    if f["steering_ignored"]:
        lines.append((2, "ignored (text that tried to steer the system, treated as content):"))
        lines += [(4, f"- “{text}”") for text in f["steering_ignored"]]
    if f["requests"]:
        asked = ", ".join(f"{r['request']} (“{r['evidence']}”)" for r in f["requests"])
        lines.append((2, f"asks for a person: {asked}"))
    actions = card["draft"]["actions"]
    if actions:
        lines.append((2, "proposed actions (carried out only when approved):"))
        lines += [(4, f"- {_money(a)}: {a['detail']}") for a in actions]
    return lines or [(2, "none recorded")]


def _print(text: object, indent: int = 2, limit: int = 2000) -> None:
    """Print untrusted text wrapped to the console, every line indented, escaped.

    Long words (links, ids) are never broken; blank lines and line breaks are kept.
    """
    width = max(console.width - indent, 40)
    pad = " " * indent
    plain = escape.strip_controls(escape.truncate(str(text), limit), keep_newlines=True)
    wrapped = "\n".join(
        textwrap.fill(
            line,
            width,
            initial_indent=pad,
            subsequent_indent=pad,
            break_long_words=False,
            break_on_hyphens=False,
        )
        if line.strip()
        else ""
        for line in plain.split("\n")
    )
    console.print(rich_escape(wrapped), soft_wrap=True)


def print_card(card: Card) -> None:
    """Print one ticket for a reviewer: who and when, the message, the findings, the draft."""
    contact = f" · contact {_e(card['contact_name'])}" if card["contact_name"] else ""
    console.print(
        f"[bold]{_e(card['ticket_id'])}[/]"
        + (f" (tenant {_e(card['tenant'])})" if card["tenant"] else "")
        + f" {_e(card['customer'])} ({_e(card['customer_tier'])}, {_e(card['channel'])}){contact}"
    )
    _print(card["subject"], limit=300)
    _print(
        f"submitted {card['submitted_at']} ({_ago(card['age_seconds'])} ago)"
        + (f" · language {card['language']}" if card["language"] else "")
    )
    if card["waiting"]:
        _print(
            f"waiting for {card['team']} for {_ago(card['waiting_seconds'])} · "
            f"first response due {card['first_response_due']} ({_due(card, markup=False)})"
        )
        _print(f"asks: {', '.join(card['asks'])}")
    incomplete = "" if card["message_complete"] else " (excerpt: the full text is missing)"
    console.print(f"\n[bold]Customer wrote{incomplete}:[/]")
    _print(card["message"], limit=FULL_TEXT_CHARS)
    console.print("\n[bold]Internal findings[/] (for the reviewer; never sent to the customer):")
    for indent, line in findings_lines(card):
        _print(line, indent)
    draft = card["draft"]
    if draft["text"] is not None:
        console.print(f"\n[bold]Reply ({_e(draft['status'])}):[/]")
        _print(draft["text"], limit=FULL_TEXT_CHARS)
        if draft["citations"]:
            _print(f"cites {', '.join(draft['citations'])}")


def _excerpt(text: str | None) -> str:
    return _e(" ".join((text or "").split()), EXCERPT_CHARS)


def _why(card: Card) -> str:
    """The rules that asked for a person, by name (their details are in ``show``)."""
    rules = [r["rule"] for r in card["findings"]["rules"] if r["needs_human"]]
    return "\n".join(_e(rule, 80) for rule in dict.fromkeys(rules)) or _e(
        "; ".join(card["reasons"])
    )


def print_list(cards: list[Card]) -> None:
    """The review queue: one row per ticket, message and draft cut to an excerpt.

    The draft's excerpt skips its greeting and thanks, so it starts with what it says.
    ``supportgraph show TICKET`` prints the whole message, every finding and the draft.
    """
    table = Table(title=f"Waiting for review ({len(cards)})")
    tenants = any(c["tenant"] for c in cards)
    columns = ("Ticket", *(("Tenant",) if tenants else ()), "Team · asks", "Customer wrote")
    for column in (*columns, "Why a person", "Draft", "Age · waiting · due"):
        table.add_column(column)
    for c in cards:
        table.add_row(
            _e(c["ticket_id"], 60),
            *((_e(c["tenant"] or "", 60),) if tenants else ()),
            f"{_e(c['team'])}\n{_e(', '.join(c['asks']), 300)}",
            _excerpt(c["message"]),
            _why(c),
            _excerpt(strip_salutations(c["draft"]["text"] or "")),
            f"{_ago(c['age_seconds'])} old\n{_ago(c['waiting_seconds'])} in queue\n{_due(c)}",
        )
    console.print(table)
    if cards:
        console.print("Whole message, every finding and the draft: supportgraph show TICKET")
