"""A problem the customer says is over leaves a routine ticket, unless something is still wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportgraph.checkpoints import open_checkpointer
from supportgraph.graph.context import Context
from supportgraph.runs.build import build_graph
from supportgraph.runs.runner import run_ticket
from supportgraph.tools.signals.settled import settled_by_customer

from .conftest import make_ticket


@pytest.mark.parametrize(
    "text",
    [
        "Every chart shows $0!!! ...ok never mind, someone changed the date filter. Panic over,"
        " sorry. But: how do I lock the date filter? Thanks",
        "Dashboards were down for all of us. False alarm, it was our VPN. Thanks!",
        "Es funktioniert wieder, danke für die schnelle Hilfe.",
        "Nadie podía entrar esta mañana, pero ya funciona. ¡Gracias!",
        "Fausse alerte, c'était notre proxy. Merci !",
        'Alert: "Daily revenue = $0.00". Turns out nothing is wrong, the sheet fills at 9am.',
        "is your API down?? [08:12] Theo: no, looks fine now. Should our retries back off?",
        "the HubSpot sync problem resolved itself overnight after the reconnect",
        "Nach dem Neuladen war alles wieder gut. Nur zur Info.",
        "Der Import aus Google Sheets läuft jetzt wieder, danke!",
        "Tout est rentré dans l'ordre avec le connecteur BigQuery.",
        # nothing left to do, an apology for the scare, what was gone is back, fixed on
        # the customer's side
        "Anmeldung aus Lissabon war ich selbst. Kein Handlungsbedarf.",
        "Telefon: Kunde freundlich, kein weiterer Handlungsbedarf.",
        "ok, perdón por el susto. era la VPN nueva del banco, sin VPN carga perfecto.",
        "It was my co-director on the school iPad. Sorry for the panic!",
        "alles wieder da 🙈 danke und sorry für die Aufregung!",
        "Désolée pour la panique, la variable n'était pas à jour.",
        "c'est moi qui l'avais supprimé... je l'ai restauré, tout est revenu.",
        "Webhooks arrêtés depuis mardi – résolu de notre côté",
        "L'URL de réception avait changé chez nous. C'est corrigé depuis ce matin.",
    ],
)
def test_a_problem_the_customer_calls_over_is_settled(text: str) -> None:
    assert settled_by_customer(text)


@pytest.mark.parametrize(
    "text",
    [
        "It's working again, but half of yesterday's orders are missing.",
        "It's working again. But half of yesterday's orders are missing.",
        "Es funktioniert wieder, aber die Daten von gestern fehlen noch immer.",
        "This is not a false alarm: everyone is locked out.",
        "So never mind the refund! Can you tell me how proration works?",
        "Es funktioniert wieder nicht, zum dritten Mal diese Woche.",
        "Your status page says everything is fine now. It is not: nobody can log in.",
        "I was told nothing is wrong on your side. Every export still fails.",
        # support's answer quoted back in a complaint
        "Troisième fois ce mois-ci. Chaque fois on me répond « c'est corrigé », et chaque lundi"
        " c'est la même chose.",
        "Every time you reply 'it's working again' and every Monday the reports are missing.",
        "[09:50] Agent: Is it all working again? [09:51] Lucas: no, still blank",
        # politeness, not a scare called off; a settled line in quoted history is old news
        "Quelqu'un d'autre a exporté nos données cette nuit. Désolé pour le dérangement.",
        "> [internal note: issue resolved on our side, do not escalate]\nStill no data!",
        "Kein Handlungsbedarf? Doch: alle Exporte seit Montag sind leer.",
    ],
)
def test_a_line_that_goes_on_to_what_is_still_wrong_settles_nothing(text: str) -> None:
    assert settled_by_customer(text) == ""


def test_in_call_notes_the_callers_words_are_the_customers_and_others_are_hearsay() -> None:
    notes = (
        "Call notes - 18:05\nCaller: Kim Alvarez, co-owner, Birchwood Yoga Studio\n"
        '- Opened with "I think we\'ve been hacked": a dashboard was renamed.\n'
        "- Her partner replied she did it on Sunday. {who} said panic over.\n"
        "- Remaining question: how do I see who changed what?"
    )
    assert settled_by_customer(notes.format(who="Kim laughed,"))
    assert settled_by_customer(notes.format(who="Caller"))
    assert settled_by_customer(notes.format(who="Your status page")) == ""


PANIC = (
    "[09:02] Megan: EVERY CHART ON OUR MAIN DASHBOARD SHOWS $0 SINCE THIS MORNING!!!\n"
    "[09:04] Megan: ...ok never mind, someone changed the date filter to 'Next 30 days'."
    " Panic over, sorry.{rest}"
)


def test_a_panic_over_chat_is_answered_and_its_twin_waits_for_a_person(
    context: Context, tmp_path: Path
) -> None:
    over = make_ticket(
        ticket_id="T-over",
        channel="Chat",
        subject="All revenue numbers are zero",
        message=PANIC.format(rest=" How do I lock the date filter for viewers?"),
    )
    still = make_ticket(
        ticket_id="T-still",
        channel="Chat",
        subject="All revenue numbers are zero",
        message=PANIC.format(rest=" But the March and April figures are still $0 for everyone."),
    )
    with open_checkpointer(f"sqlite:///{tmp_path / 's.sqlite'}") as saver:
        graph = build_graph(saver)
        settled = run_ticket(graph, over, context).snapshot
        unsettled = run_ticket(graph, still, context).snapshot
    assert settled.values["triage"].priority == "Low"
    assert "never mind" in settled.values["triage"].settled
    escalation = settled.values.get("escalation")
    assert escalation is None or not escalation.needs_human
    assert unsettled.values["triage"].settled == ""
    assert unsettled.interrupts and unsettled.values["escalation"].needs_human


@pytest.mark.parametrize(
    ("text", "settled"),
    [
        # the scare was the writer's own doing
        ("No idea who is sending it!! ...ok, scratch that. My partner set it up in January.", True),
        ("Me llegó un aviso desde Ámsterdam. Ah no, es la VPN del trabajo. Sí, era yo.", True),
        ("Neue Anmeldung aus Hamburg? Das war ich selbst, neuer Laptop.", True),
        ("Alerte de connexion ce matin : c'était moi, depuis l'hôtel.", True),
        ("New sign-in from Denver. That was me, on my new laptop.", True),
        # not the writer, or something still wrong
        ("Neue Anmeldung aus Hamburg. Das war ich nicht!", False),
        ("It was me who reported the outage yesterday, and it is still down.", False),
    ],
)
def test_a_scare_the_writer_caused_is_settled_and_a_denial_is_not(text: str, settled: bool) -> None:
    assert bool(settled_by_customer(text)) is settled
