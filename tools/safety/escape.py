"""Render untrusted text (ticket ids, subjects, names, reasons) safely for each medium.

A value from a ticket is data, never markup or a command. One function per medium:

- :func:`console`: Rich markup escaped, control characters (ANSI escapes included)
  removed, long values cut for display.
- :func:`markdown`: inline text for report tables, headings and list items; pipes,
  newlines, emphasis, links, HTML and leading block markers cannot change the layout.
- :func:`markdown_code`: a code span (a command to copy) whatever backticks it holds.
- :func:`shell_command`: a command line to copy, every argument ``shlex``-quoted.
- :func:`header`: an email header value: one line, no control characters, bounded.
"""

from __future__ import annotations

import re
import shlex

from rich.markup import escape as _rich_escape

# What a value may show on a console line or in a report cell before it is cut.
DISPLAY_CHARS = 200
# Email headers: the RFC's hard line limit is 998; a subject this long is already noise.
HEADER_CHARS = 500
ELLIPSIS = "…"

# ANSI/VT escape sequences (CSI, OSC up to BEL or ST, two-byte ESC codes), removed whole so
# no "[31m" residue is left behind.
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_C1_CSI = re.compile(r"\x9b[0-?]*[ -/]*[@-~]")
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\u2028\u2029\x0b\x0c\x85]")
# C0/C1 control characters (Unicode category Cc) but newline, and the bidirectional
# overrides and isolates ("Trojan source") that reorder what a reader sees.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# Markdown characters that start emphasis, code, links, HTML, tables or headings inline.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")
_MD_BLOCK_START = re.compile(r"^[-+=>]")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_MD_ORDERED_START = re.compile(r"^(\d+)([.)])")


def strip_controls(text: str, keep_newlines: bool = False, keep_tabs: bool = False) -> str:
    """Remove ANSI sequences, control and bidi-override characters; fix lone surrogates.

    Args:
        text: Untrusted text.
        keep_newlines: Keep line breaks (CR LF and the other breaks become a newline);
            otherwise every line break becomes a space.
        keep_tabs: Keep tabs; otherwise each becomes a space.
    """
    text = _SURROGATE.sub("\ufffd", text)
    text = _C1_CSI.sub("", _ANSI.sub("", text))
    text = _LINE_BREAKS.sub("\n" if keep_newlines else " ", text)
    if not keep_tabs:
        text = text.replace("\t", " ")
    return _CONTROLS.sub("", text)


def truncate(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, the last one an ellipsis when it was cut."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + ELLIPSIS


def _cut_then_clean(value: object, limit: int, keep_newlines: bool = False) -> str:
    # Cut first (generously) so a 1 MB value costs nothing, then clean and cut exactly.
    raw = str(value)
    head = raw[: limit * 4 + 64]
    text = strip_controls(head, keep_newlines)
    if len(text) > limit or len(head) < len(raw):
        return text[: max(limit - 1, 0)] + ELLIPSIS
    return text


def console(value: object, limit: int = DISPLAY_CHARS, keep_newlines: bool = False) -> str:
    """``value`` as Rich console text: markup escaped, controls removed, cut to ``limit``.

    The consoles are created with ``emoji=False`` (cli/console.py), so ``:smile:``
    codes stay literal too.
    """
    return _rich_escape(_cut_then_clean(value, limit, keep_newlines))


def markdown(value: object, limit: int = DISPLAY_CHARS) -> str:
    """``value`` as one line of inline markdown: safe in a table cell, heading or list item."""
    text = _cut_then_clean(value, limit)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    if _MD_BLOCK_START.match(text):
        return "\\" + text
    return _MD_ORDERED_START.sub(r"\1\\\2", text)


def markdown_block(text: object, limit: int = 4000) -> str:
    """Several lines of generated markdown with untrusted parts: table rows kept, the rest escaped.

    Findings mix trusted tables (a plan comparison from the catalog) with sentences that
    quote a ticket; a line that is a table row (``| … |``) is kept, any other line is
    escaped like :func:`markdown`, so no quoted text can open a heading, a link or HTML.
    """
    lines = strip_controls(str(text)[:limit], keep_newlines=True).split("\n")
    return "\n".join(
        line.strip() if _TABLE_ROW.match(line) else markdown(line, 1000) for line in lines
    )


def markdown_code(text: str) -> str:
    """``text`` as a markdown code span, fenced with more backticks than it contains."""
    text = strip_controls(text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or longest else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def shell_command(*args: str) -> str:
    """A command line to copy: each argument quoted with ``shlex.quote``.

    A positional argument that starts with ``-`` would read as an option, so callers
    put ``--`` before such arguments (see :func:`review_command`).
    """
    return shlex.join(strip_controls(a) for a in args)


def review_command(action: str, ticket_id: str, tenant: str | None = None) -> str:
    """The ``supportgraph review ACTION`` line for a ticket, safe to paste into a shell."""
    args = ["supportgraph", "review", action]
    if tenant:
        args += ["--tenant", tenant]
    if ticket_id.startswith("-"):
        args.append("--")
    return shell_command(*args, ticket_id)


def header(value: object, limit: int = HEADER_CHARS) -> str:
    """An email header value: one line without control characters, at most ``limit`` chars."""
    return " ".join(_cut_then_clean(value, limit).split())
