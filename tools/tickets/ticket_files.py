"""Cut a ticket file into records that are decoded one by one, so one bad record stays alone.

A ticket is a flat JSON object, so nesting deeper than :data:`MAX_DEPTH` is refused
before ``json`` recurses into it (200,000 nested brackets would otherwise raise
RecursionError), and a record holding bytes that are not UTF-8 is refused by itself:
the file is decoded with ``surrogateescape``, so each undecodable byte shows up as one
character in U+DC80..U+DCFF that only that record carries. (A backslash-u escape in a
JSON string is six ASCII characters at this point, so it is not mistaken for one.)

The file is read as it is decoded, one record at a time (a JSONL line, or a JSON list
element found by its commas at the top level), so a file of 100,000 tickets is never
held whole.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

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


def _check_file(path: Path) -> None:
    try:
        if path.is_dir():
            raise TicketFileError(str(path), "is a folder; pass a JSON or JSONL file of tickets")
        if not path.exists():
            raise TicketFileError(str(path), "file does not exist")
        if not path.is_file():
            raise TicketFileError(str(path), "is not a regular file; pass a JSON or JSONL file")
        size = path.stat().st_size
    except OSError as exc:
        raise _unreadable(path, exc) from None
    if size > MAX_FILE_BYTES:
        raise TicketFileError(
            str(path),
            f"is {size / 2**20:,.0f} MiB; at most {MAX_FILE_BYTES // 2**20} MiB per file, split it",
        )


def _unreadable(path: Path, exc: OSError) -> TicketFileError:
    return TicketFileError(str(path), f"cannot be read: {exc.strerror or exc}")


def read_items(path: Path) -> list[Item]:
    """The records of a JSON list or JSONL file, each decoded on its own (see :func:`iter_items`)."""
    return list(iter_items(path))


def iter_items(path: Path) -> Iterator[Item]:
    """The records of a JSON list or JSONL file, decoded one by one as the file is read.

    Only one record is held at a time, so a file of any length reads in flat memory.

    Raises:
        TicketFileError: the file is missing, a folder, empty, or not a list / JSONL;
            in a JSON list, broken syntax (a record that is not JSON cannot be told from
            its neighbours). A file refused only at its end (a JSONL file none of whose
            lines is a ticket) has yielded its records by then.
    """
    _check_file(path)
    try:
        with path.open("rb") as handle:
            begin = len(_BOM) if handle.read(len(_BOM)) == _BOM else 0
            handle.seek(begin)
            first = b""
            while not first:
                chunk = handle.read(_CHUNK)
                if not chunk:
                    raise TicketFileError(
                        str(path), "file is empty; expected a JSON list or JSONL of tickets"
                    )
                first = chunk.lstrip()[:1]
            handle.seek(begin)
            if first == b"[":
                yield from _ListReader(path, handle).items()
            else:
                yield from _jsonl_records(path, handle)
    except OSError as exc:
        raise _unreadable(path, exc) from None


_CHUNK = 1 << 16  # read 64 KiB at a time: a record rarely spans more
_BOM = "\ufeff".encode()


def _jsonl_records(path: Path, handle: BinaryIO) -> Iterator[Item]:
    """One item per non-blank line, labelled ``line N``."""
    good = 0
    only: object = None
    first_problem: str | None = None
    for number, raw in enumerate(handle, start=1):
        line = decode(raw) if number == 1 else raw.decode("utf-8", "surrogateescape")
        if not line.strip():
            continue
        item = parse(line, f"line {number}")
        if item.problem is None:
            good += 1
            only = item.value if good == 1 else None
        elif first_problem is None:
            first_problem = item.problem
        yield item
    if not good or (
        isinstance(only, dict) and any(isinstance(v, list | dict) for v in only.values())
    ):
        _explain_not_jsonl(path, first_problem)  # e.g. {"tickets": [...]}: say so, not "line 1"


# A string (escapes included; ``end`` is None while its closing quote is not read yet),
# or one structural character. On bytes: in UTF-8 none of these ASCII characters occurs
# inside a multi-byte character.
_TOKEN_BYTES = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*(?P<end>")?|[\[\]{},]', re.DOTALL)


class _ListReader:
    """Cut a top-level JSON list into its elements while the file is read.

    The buffer holds the element being read and what follows; what lies before it is
    dropped, keeping only the line and column where the buffer starts, for messages.
    """

    def __init__(self, path: Path, handle: BinaryIO) -> None:
        self.path = path
        self.handle = handle
        self.buffer = bytearray()
        self.line = 1  # line of buffer[0] in the file
        self.column = 0  # characters before buffer[0] on its line

    def items(self) -> Iterator[Item]:
        scan = 0  # where the next token is looked for
        start: int | None = None  # where the current element starts
        depth = deepest = number = 0
        after_comma = False
        want = _CHUNK
        closed_at: int | None = None
        while True:
            chunk = self.handle.read(want)
            at_end = not chunk
            self.buffer += chunk
            want = _CHUNK
            for match in _TOKEN_BYTES.finditer(self.buffer, scan):
                token = match.group()
                if token[:1] == b'"':
                    if match.group("end") is not None:
                        continue
                    if at_end:
                        raise self._broken(match.start(), "a string is not closed")
                    scan = match.start()
                    want = max(_CHUNK, len(self.buffer))  # a long string: read it in few steps
                    break
                if token in b"[{":
                    depth += 1
                    if depth == 1:
                        start = match.end()
                    deepest = max(deepest, depth - 1)
                elif token in b"]}":
                    depth -= 1
                    if depth == 0:
                        if token != b"]" or start is None:
                            raise self._broken(match.start(), "the list is not closed properly")
                        if after_comma or self.buffer[start : match.start()].strip():
                            number += 1
                            yield self._element(start, match.start(), number, deepest)
                        closed_at = match.end()
                        break
                elif depth == 1 and start is not None:  # a comma between two elements
                    number += 1
                    yield self._element(start, match.start(), number, deepest)
                    start, deepest, after_comma = match.end(), 0, True
            else:
                scan = len(self.buffer)
            if closed_at is not None:
                self._finish(closed_at)
                return
            if at_end:
                raise self._broken(len(self.buffer), "the list is not closed")
            keep = start if start is not None else scan
            self._drop(keep)
            scan -= keep
            start = 0 if start is not None else None

    def _element(self, begin: int, end: int, number: int, nested: int) -> Item:
        """One element, decoded alone; syntax that is not JSON refuses the whole file."""
        text = bytes(self.buffer[begin:end]).decode("utf-8", "surrogateescape")
        if nested > MAX_DEPTH or has_raw_bytes(text):
            label = f"#{number} (line {self._where(begin)[0] + _leading_lines(text)})"
            return (
                Item(label, problem=_too_deep(nested)) if nested > MAX_DEPTH else parse(text, label)
            )
        try:
            return Item(f"#{number}", json.loads(text))
        except json.JSONDecodeError as exc:
            line, column = self._where(begin)
            column = column + exc.colno - 1 if exc.lineno == 1 else exc.colno
            raise TicketFileError(
                str(self.path),
                f"invalid JSON at line {line + exc.lineno - 1} column {column}: {exc.msg}",
            ) from None
        except ValueError:  # e.g. an integer longer than Python converts (4,300 digits)
            return parse(text, f"#{number} (line {self._where(begin)[0] + _leading_lines(text)})")

    def _where(self, offset: int) -> tuple[int, int]:
        """Line and column (1-based, in characters) of ``buffer[offset]`` in the file."""
        newline = self.buffer.rfind(b"\n", 0, offset)
        line = self.line + self.buffer.count(b"\n", 0, offset)
        before = self.buffer[newline + 1 : offset]
        column = len(bytes(before).decode("utf-8", "surrogateescape"))
        return line, column + 1 + (self.column if newline < 0 else 0)

    def _drop(self, keep: int) -> None:
        """Forget ``buffer[:keep]``, keeping where the rest starts in the file."""
        self.line, column = self._where(keep)
        self.column = column - 1
        del self.buffer[:keep]

    def _broken(self, offset: int, problem: str) -> TicketFileError:
        line, column = self._where(offset)
        return TicketFileError(
            str(self.path), f"invalid JSON at line {line} column {column}: {problem}"
        )

    def _finish(self, offset: int) -> None:
        """After the closing bracket, only white space may follow."""
        self._drop(offset)
        while True:
            if self.buffer.strip():
                blank = len(self.buffer) - len(self.buffer.lstrip())
                raise self._broken(blank, "text after the list's closing bracket")
            self._drop(len(self.buffer))
            chunk = self.handle.read(_CHUNK)
            if not chunk:
                return
            self.buffer += chunk


def _leading_lines(text: str) -> int:
    """Line breaks before the first character that is not white space."""
    return text.count("\n", 0, len(text) - len(text.lstrip()))


def _explain_not_jsonl(path: Path, first_problem: str | None) -> None:
    """No line is a JSON value: say what the file holds instead, then give up on it."""
    whole = parse(decode(path.read_bytes()), str(path))
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
    first = first_problem or whole.problem
    raise TicketFileError(
        str(path), f"no line is valid JSON ({first}); expected a JSON list or JSONL"
    )
