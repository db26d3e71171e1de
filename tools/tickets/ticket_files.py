"""Cut a ticket file into records that are decoded one by one, so one bad record stays alone.

A ticket is a flat JSON object, so nesting deeper than :data:`MAX_DEPTH` is refused
before ``json`` recurses into it (200,000 nested brackets would otherwise raise
RecursionError), and a record holding bytes that are not UTF-8 is refused by itself:
the file is decoded with ``surrogateescape``, so each undecodable byte shows up as one
character in U+DC80..U+DCFF that only that record carries. (A backslash-u escape in a
JSON string is six ASCII characters at this point, so it is not mistaken for one.)
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from supportgraph.graph.errors import TicketFileError

MAX_DEPTH = 32
# A ticket file bigger than this is refused before it is read (a mistaken path, /dev/zero).
MAX_FILE_BYTES = 512 * 1024 * 1024
# A string (escapes included), or one structural character.
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{},]')
_RAW_BYTE = re.compile(r"[\udc80-\udcff]")


@dataclass(frozen=True)
class Item:
    """One record of a ticket file: where it is, and its value or why it cannot be read."""

    label: str
    value: object = None
    problem: str | None = None


def decode(data: bytes) -> str:
    """File bytes as text; bytes that are not UTF-8 become U+DC80..U+DCFF (see module doc)."""
    return data.decode("utf-8", "surrogateescape").removeprefix("\ufeff")


def _depth(text: str) -> int:
    depth = deepest = 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif token in "]}":
            depth -= 1
    return deepest


def _too_deep(depth: int) -> str:
    return (
        f"JSON nested {depth:,} levels deep; a ticket is a flat object "
        f"and at most {MAX_DEPTH} levels are read"
    )


def has_raw_bytes(text: str) -> bool:
    """True when the decoded text holds bytes that were not UTF-8."""
    return _RAW_BYTE.search(text) is not None


def depth(text: str) -> int:
    """How deeply the JSON text nests lists and objects (strings are skipped)."""
    return _depth(text)


def parse(text: str, label: str) -> Item:
    """Decode one record's text, refusing raw non-UTF-8 bytes and deep nesting first."""
    raw = _RAW_BYTE.search(text)
    if raw:
        byte = ord(raw.group()) - 0xDC00
        column = raw.start() - text.rfind("\n", 0, raw.start())
        return Item(
            label,
            problem=f"not UTF-8 text (byte 0x{byte:02x} at column {column}); "
            "save the file as UTF-8",
        )
    depth = _depth(text)
    if depth > MAX_DEPTH:
        return Item(label, problem=_too_deep(depth))
    try:
        return Item(label, json.loads(text))
    except json.JSONDecodeError as exc:
        where = (
            f"column {exc.colno}"
            if exc.lineno == 1
            else f"its line {exc.lineno}, column {exc.colno}"
        )
        return Item(label, problem=f"invalid JSON: {exc.msg} ({where})")
    except ValueError as exc:  # e.g. an integer longer than Python converts (4,300 digits)
        return Item(label, problem=f"invalid JSON value: {exc}")


def jsonl_items(text: str) -> list[Item]:
    """One item per non-blank line, labelled ``line N``."""
    return [
        parse(line, f"line {number}")
        for number, line in enumerate(text.split("\n"), start=1)
        if line.strip()
    ]


def list_items(text: str) -> list[Item] | None:
    """The elements of a top-level JSON list, each decoded alone and labelled ``#N``.

    Returns None when the text is not one well-formed list at the top level (unbalanced
    brackets, text after the closing bracket); the caller then reports the file as a
    whole, with ``json``'s own line and column.
    """
    spans: list[tuple[int, int, int]] = []  # start, end, depth of each element
    depth = deepest = 0
    start: int | None = None
    closed_at: int | None = None
    for match in _TOKEN.finditer(text):
        token = match.group()
        if closed_at is not None:
            return None  # something after the list's closing bracket
        if token in "[{":
            depth += 1
            if depth == 1:
                if token != "[":
                    return None
                start = match.end()
                continue
            deepest = max(deepest, depth - 1)
        elif token in "]}":
            depth -= 1
            if depth == 0:
                if start is not None and text[start : match.start()].strip():
                    spans.append((start, match.start(), deepest))
                closed_at = match.end()
            elif depth < 0:
                return None
        elif token == "," and depth == 1 and start is not None:
            spans.append((start, match.start(), deepest))
            start, deepest = match.end(), 0
    if closed_at is None or text[closed_at:].strip():
        return None
    items = []
    for number, (begin, end, nested) in enumerate(spans, start=1):
        segment = text[begin:end]
        first = begin + len(segment) - len(segment.lstrip())
        label = f"#{number} (line {text.count(chr(10), 0, first) + 1})"
        items.append(
            Item(label, problem=_too_deep(nested)) if nested > MAX_DEPTH else parse(segment, label)
        )
    return items


def _read_bytes(path: Path) -> bytes:
    try:
        if path.is_dir():
            raise TicketFileError(str(path), "is a folder; pass a JSON or JSONL file of tickets")
        if not path.exists():
            raise TicketFileError(str(path), "file does not exist")
        if not path.is_file():
            raise TicketFileError(str(path), "is not a regular file; pass a JSON or JSONL file")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise TicketFileError(
                str(path),
                f"is {size / 2**20:,.0f} MiB; at most {MAX_FILE_BYTES // 2**20} MiB per file, "
                "split it",
            )
        return path.read_bytes()
    except OSError as exc:
        raise TicketFileError(str(path), f"cannot be read: {exc.strerror or exc}") from None


def read_items(path: Path) -> list[Item]:
    """The records of a JSON list or JSONL file, each decoded on its own.

    Raises:
        TicketFileError: the file is missing, a folder, empty, or not a list / JSONL.
    """
    text = decode(_read_bytes(path))
    stripped = text.lstrip()
    if not stripped:
        raise TicketFileError(str(path), "file is empty; expected a JSON list or JSONL of tickets")
    if stripped.startswith("["):
        return _list_items(path, text)
    items = jsonl_items(text)
    good = [item.value for item in items if item.problem is None]
    only = good[0] if len(good) == 1 else None
    if not good or (
        isinstance(only, dict) and any(isinstance(v, list | dict) for v in only.values())
    ):
        _explain_not_jsonl(path, text, items)  # e.g. {"tickets": [...]}: say so, not "line 1"
    return items


def _list_items(path: Path, text: str) -> list[Item]:
    # The common case is decoded in one go; a file with a record too deep or with bytes
    # that are not UTF-8 is cut into records so that only those records are refused.
    if depth(text) <= MAX_DEPTH and not has_raw_bytes(text):
        try:
            records = json.loads(text)
        except json.JSONDecodeError as exc:
            raise TicketFileError(
                str(path), f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
            ) from None
        except ValueError:  # a value json cannot convert (an integer of 5,000 digits)
            records = None
        if records is not None:
            return [Item(f"#{n}", value) for n, value in enumerate(records, start=1)]
    items = list_items(text)
    if items is None:
        raise TicketFileError(str(path), "invalid JSON: the list is not closed properly")
    return items


def _explain_not_jsonl(path: Path, text: str, items: list[Item]) -> None:
    """No line is a JSON value: say what the file holds instead, then give up on it."""
    whole = parse(text, str(path))
    if isinstance(whole.value, dict):
        keys = ", ".join(ascii(k)[1:-1] for k in list(whole.value)[:5])
        raise TicketFileError(
            str(path),
            f"holds one JSON object (keys: {keys}), not tickets; write a JSON list "
            "[{...}, {...}] or one ticket object per line (JSONL)",
        )
    if whole.problem is None:
        raise TicketFileError(
            str(path),
            f"holds a JSON {type(whole.value).__name__}, not tickets; write a JSON list "
            "[{...}, {...}] or one ticket object per line (JSONL)",
        )
    first = items[0].problem if items else whole.problem
    raise TicketFileError(
        str(path), f"no line is valid JSON ({first}); expected a JSON list or JSONL"
    )
