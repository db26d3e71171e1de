"""No card number, SSN, IBAN, national id or key survives a run: every file the CLI writes is read back.

Five tickets in English, German, Spanish and French (tests/data/pii_tickets.json) carry
card numbers, SSNs (formatted and not), IBANs, a German tax id, a Spanish DNI, a French
INSEE number, an API key, e-mail addresses, street addresses and names. They go through
``supportgraph run`` and two reviewer edits, then every file under ``--out`` and
``$SUPPORTGRAPH_HOME`` is searched: reports, tickets.jsonl, sent.jsonl, the KB search
log, the checkpoints (decoded through the saver, since they are compressed) and the KB
drafts. Drafts and the search log must also have lost the names and addresses.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from supportgraph.checkpoints import open_checkpointer
from supportgraph.cli.app import app

runner = CliRunner()
TICKETS = Path(__file__).parent / "data" / "pii_tickets.json"

# What the tickets hold that no file may keep, as the customers typed it.
NEVER_STORED = [
    "4111 1111 1111 1111",  # Visa, grouped
    "5555555555554444",  # Mastercard, run together
    "378282246310005",  # Amex
    "536-22-1234",  # SSN, formatted
    "536221234",  # SSN, unformatted
    "287-65-4321",
    "287654321",
    "DE89 3704 0044 0532 0130 00",  # IBANs
    "FR14 2004 1010 0505 0001 3M02 606",
    "GB82 WEST 1234 5698 7654 32",
    "86175938424",  # German tax id (Steuer-ID)
    "48291736Q",  # Spanish DNI
    "2 92 03 75 120 045 52",  # French INSEE number (NIR)
    "sk_live_9fJd82KsLq0Pz7XwYv3Rt5Uv",  # API key
]
# What KB drafts and the search log (read by people who never saw the ticket) must lose too.
PERSONAL = [
    "maggie.simpson@northwind.example",
    "olga@bakerybros.example",
    "742 Evergreen Terrace",
    "Hauptstraße 12",
    "Calle Mayor 5",
    "rue de la Paix",
    "Maggie Simpson",
    "Jana Weber",
    "Lucía Romero",
    "Marc Dubois",
    "Olga Petrova",
    "+34 612 345 678",
]


def _variants(value: str) -> set[str]:
    """The value as typed and with its separators dropped (how a tool might store it)."""
    return {value, re.sub(r"[ \-]", "", value)}


def _texts(path: Path) -> Iterator[str]:
    """Everything a file holds as text: its bytes, and for SQLite every row, decoded."""
    data = path.read_bytes()
    yield data.decode("utf-8", errors="replace")
    if not data.startswith(b"SQLite format 3"):
        return
    with closing(sqlite3.connect(path)) as db:
        tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in db.execute(f'SELECT * FROM "{table}"'):
                yield repr(row)
    if "checkpoints" in tables:  # compressed msgpack: read back through the saver
        with open_checkpointer(f"sqlite:///{path}", create=False) as saver:
            for saved in saver.list(None):
                yield repr(saved.checkpoint) + repr(saved.pending_writes) + repr(saved.metadata)


def _leaks(folders: list[Path], values: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            text = "\n".join(_texts(path))
            hits = [v for v in values if any(variant in text for variant in _variants(v))]
            if hits:
                found[str(path.relative_to(folder.parent))] = hits
    return found


@pytest.fixture(scope="module")
def run_folders(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("privacy")
    home, out = base / "home", base / "out"
    env = {"SUPPORTGRAPH_HOME": str(home)}
    saved = os.environ.get("SUPPORTGRAPH_HOME")
    os.environ.update(env)  # module-scoped: the autouse home fixture is per test
    try:
        result = runner.invoke(app, ["run", str(TICKETS), "--out", str(out)])
        assert result.exit_code == 0, result.output
        for ticket, reply in [
            (
                "PII-ES-1",
                "Hola Lucía Romero, borre la caché; su tarjeta 5555555555554444 no se tocó.",
            ),
            ("PII-EN-2", "Hi Olga Petrova, proof it 12 hours cold. We never need SSN 287-65-4321."),
        ]:
            edit = runner.invoke(
                app, ["review", "edit", ticket, "--reply", reply, "--out", str(out)]
            )
            assert edit.exit_code == 0, edit.output
    finally:
        if saved is None:
            os.environ.pop("SUPPORTGRAPH_HOME", None)
        else:
            os.environ["SUPPORTGRAPH_HOME"] = saved
    return home, out


def test_the_scan_finds_every_value_in_the_tickets_themselves() -> None:
    # Guards the test below: a scanner that cannot see the values would prove nothing.
    assert _leaks([TICKETS.parent], NEVER_STORED + PERSONAL)["data/pii_tickets.json"] == (
        NEVER_STORED + PERSONAL
    )


def test_no_file_under_out_or_home_keeps_a_card_ssn_iban_id_or_key(
    run_folders: tuple[Path, Path],
) -> None:
    home, out = run_folders
    written = {p.relative_to(p.parents[1]).as_posix() for p in home.rglob("*") if p.is_file()}
    assert {"home/checkpoints.sqlite", "home/kb.sqlite"} <= written
    assert len(list((home / "drafts").glob("*.md"))) == 2
    assert len(list(out.glob("*/*.md"))) == 8 and len(list(out.glob("*/tickets.jsonl"))) == 1
    assert _leaks([home, out], NEVER_STORED) == {}


def test_drafts_and_the_search_log_lose_names_addresses_emails_and_phones(
    run_folders: tuple[Path, Path],
) -> None:
    home, _ = run_folders
    drafts = {p.name: p.read_text() for p in (home / "drafts").glob("*.md")}
    assert _leaks([home / "drafts"], PERSONAL) == {}
    assert any("me llamo [NAME]" in d and "mi dirección [ADDRESS]" in d for d in drafts.values())
    # the reviewer's greeting ("Hi Olga Petrova,") is no part of an article
    assert any("## Answer\n\nproof it 12 hours cold" in d for d in drafts.values())
    with closing(sqlite3.connect(home / "kb.sqlite")) as db:
        queries = [q for (q,) in db.execute("SELECT query FROM kb_searches")]
    assert len(queries) == 5
    assert [v for v in PERSONAL if any(v in q for q in queries)] == []
    assert any("Mit freundlichen Grüßen\n[NAME]" in q and "[ADDRESS]" in q for q in queries)


def test_replies_and_reports_say_card_not_the_number(
    run_folders: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    home, out = run_folders
    records: dict[str, dict[str, Any]] = {
        r["ticket_id"]: r
        for r in map(json.loads, next(out.glob("*/tickets.jsonl")).read_text().splitlines())
    }
    assert records["PII-EN-1"]["subject"] == "Charged twice on card [CARD]"
    monkeypatch.setenv("SUPPORTGRAPH_HOME", str(home))
    shown = runner.invoke(app, ["show", "PII-ES-1", "--json"])
    assert shown.exit_code == 0, shown.output
    edited = json.loads(shown.output)
    assert (edited["reply_status"], edited["review"]["action"]) == ("sent", "edit")
    assert edited["reply"].endswith("su tarjeta [CARD] no se tocó.")
    sent = [json.loads(line) for line in (out / "sent.jsonl").read_text().splitlines()]
    assert "Re: No puedo exportar el informe, mi ssn [SSN] [PII-ES-1]" in [
        m["subject"] for m in sent
    ]
    success = next(out.glob("*/customer_success_management_report.md")).read_text()
    assert "Erstattung auf IBAN \\[IBAN\\]" in success  # the subject, escaped as markdown
