"""A key or password written out in a ticket: a leaked credential that Security handles first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from supportgraph.checkpoints import open_checkpointer
from supportgraph.graph.context import Context
from supportgraph.runs.build import build_graph
from supportgraph.runs.runner import run_ticket
from supportgraph.tools.signals.credentials import pasted_credential

from .conftest import make_ticket

KEY = "ak_live_7f3c9e21d4b84a0c9b55e1f2a6d07c13"


@pytest.mark.parametrize(
    "text",
    [
        f"here's the key we're using so you can check it on your side: {KEY}",
        f"key {KEY} returns 401 since this morning",
        "entra tú directamente: usuario integracion@transcordillera.example, contraseña Cordillera#2024!",
        "Passwort ist Sommer2024! – bitte schauen Sie selbst nach",
        "mot de passe : Lyon!1987, l'identifiant est le mail du compte",
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA1x9\n-----END RSA PRIVATE KEY-----",
    ],
)
def test_a_secret_written_out_is_found_in_four_languages(text: str) -> None:
    assert pasted_credential(text)


@pytest.mark.parametrize(
    "text",
    [
        # a key named by its start, shortened or a placeholder gives nothing away
        "our key ak_live_3f9e...c21 gets a 401 from the EU host",
        "the key starting ak_live_7f3a… was posted on GitHub",
        "Authorization: Bearer sk_live_xxxxxxxxxxxxxxxxxxxx",
        "password: ********",
        # a password talked about, not written out
        "password reset emails are delayed by 20 minutes",
        "Passwort zurücksetzen geht nicht, Fehler 403",
        "¿La contraseña nueva tiene que tener 12 caracteres?",
        # keys that open nothing, and identifiers
        "we send Idempotency-Key: 3f1c2b7a-9e8d-4c6b-a5f4-1234567890ab and still get duplicates",
        "the export uses partition key: customer_id_2024_v2_region",
    ],
)
def test_a_secret_named_shortened_or_talked_about_is_not_one(text: str) -> None:
    assert pasted_credential(text) == ""


def test_the_evidence_says_where_the_secret_was_never_what_it_was() -> None:
    evidence = pasted_credential(f"so you can check it: {KEY} thanks")
    assert evidence == "so you can check it: [a secret, 40 characters]"
    long = pasted_credential(f"here is the one we use in production so you can check it: {KEY}")
    assert long == "…so you can check it: [a secret, 40 characters]"
    assert "7f3c" not in evidence


def test_a_pasted_key_goes_to_security_before_any_answer_and_is_never_stored(
    tmp_path: Path, context: Context
) -> None:
    # TUY-012 of the tuning batches: a 401 question that ends with the live key pasted in.
    chat = (
        "[16:02] Bot: Hi there! How can I help?\n"
        "[16:02] Omar Haddad: API keeps giving 401 on the /v2/reports endpoint\n"
        f"[16:04] Omar Haddad: here's the key we're using so you can check it: {KEY}\n"
        "[16:05] Omar Haddad: just tell me if it's valid or not, thanks"
    )
    leaked = make_ticket(ticket_id="SEC-1", channel="Chat", subject="Chat: API 401", message=chat)
    shortened = make_ticket(
        ticket_id="SEC-2",
        channel="Chat",
        subject="Chat: API 401",
        message=chat.replace(KEY, "ak_live_7f3c…"),
    )
    store = tmp_path / "store.sqlite"
    with open_checkpointer(f"sqlite:///{store}") as saver:
        graph = build_graph(saver)
        held = run_ticket(graph, leaked, context).snapshot
        answered = run_ticket(graph, shortened, context).snapshot
    escalation = held.values["escalation"]
    assert held.interrupts and escalation.needs_human and escalation.severity
    assert (escalation.team, escalation.triggers[0].rule) == ("Security", "secret_in_ticket")
    assert held.values["triage"].priority in ("High", "Critical")
    assert "security team" in held.values["reply"].text.lower()  # a hand-over, no 401 steps
    assert "Bearer" not in held.values["reply"].text
    # The same chat with the key shortened is the how-to it looks like.
    assert not answered.interrupts and answered.values.get("escalation") is None
    # The key itself never reached the store: masked on arrival, noted only as "a secret".
    assert KEY not in store.read_bytes().decode("latin-1")
    assert "[a secret, 40 characters]" in held.values["ticket"].secret_written


def test_a_ticket_read_back_keeps_the_note_of_its_secret() -> None:
    ticket = make_ticket(message=f"key: {KEY}")
    again = type(ticket).model_validate(json.loads(ticket.model_dump_json()))
    assert again.secret_written == ticket.secret_written != ""
    assert KEY not in again.message
