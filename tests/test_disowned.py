"""Activity on the account that nobody at the customer owns up to: a possible takeover."""

from __future__ import annotations

import pytest

from supportgraph.checkpoints import open_checkpointer
from supportgraph.graph.context import Context
from supportgraph.runs.build import build_graph
from supportgraph.runs.runner import run_ticket
from supportgraph.tools.signals.disowned import disowned_activity

from .conftest import make_ticket


@pytest.mark.parametrize(
    "text",
    [
        "The key says last used from Singapore. None of us are in Singapore.",
        "There are 40 export jobs in the history I don't remember creating.",
        "A new admin appeared yesterday; nobody here invited her.",
        "We never created that API key.",
        "Keiner von uns hat den Schlüssel angelegt.",
        "Niemand bei uns hat diese Nutzerin eingeladen.",
        "Ninguno de nosotros ha creado ese usuario.",
        "No recuerdo haber exportado esos informes.",
        "Personne chez nous n'a invité cet utilisateur.",
        "Je ne me souviens pas d'avoir créé cette clé.",
        # after a notice of a change to the account
        "I got an email saying the ownership was transferred to someone. I didn't do that??",
        "Die E-Mail-Adresse des Kontoinhabers wurde geändert. Das waren wir nicht!!",
        "Mi contraseña fue cambiada esta noche. No fui yo.",
        "« Votre mot de passe a été modifié ». Ce n'est pas moi, je dormais.",
        # access that should have ended
        "4. Small one: the contractor accounts we offboarded in Okta got straight in too.",
        "Removed partner can still get in to our dashboards.",
        "Why can a removed contractor still log in to our workspace?",
        'P.S. Gareth from the agency we stopped working with in May still shows as "active now".',
        # credentials handed to whoever asked for them, then doubted
        "someone emailed to verify my account before suspension and I sent them the key and my"
        " password. just want to be sure that was you guys",
    ],
)
def test_activity_nobody_owns_up_to_is_found_in_four_languages(text: str) -> None:
    assert disowned_activity(text)


@pytest.mark.parametrize(
    "text",
    [
        # FAY-106 (blind set, 2026-12-05), told as a rate-limit question
        "I switched the job off entirely yesterday at 6pm to test – and the usage graph in"
        " Settings > API still shows ~580 requests/min all night, from key analytics-ro.",
        "Our only server was shut down for maintenance, but the API usage page kept showing"
        " calls on our key.",
        "Obwohl unser einziger Server abgeschaltet war, kommen immer noch Anfragen mit unserem"
        " API-Schlüssel an.",
        "Aunque nuestro servidor estaba apagado, siguen llegando peticiones con nuestra clave.",
        "Alors que notre serveur était éteint, la clé API a toujours envoyé des requêtes.",
    ],
)
def test_traffic_on_the_key_while_the_customers_only_sender_was_off_is_someone_else(
    text: str,
) -> None:
    assert disowned_activity(text)


@pytest.mark.parametrize(
    "text",
    [
        # the customer's integration stopped: the consequence, not someone else's traffic
        "Our pipeline is stopped: every call with the API key gets a 401.",
        "The app stopped syncing after we changed hosting; we need the key put back in.",
        # our webhooks still reaching them after they paused their side
        "We paused our integration but webhook calls are still arriving at our endpoint.",
        # traffic that stopped with the job
        "We turned the script off and the requests stopped, so it was our retry loop.",
    ],
)
def test_a_sender_switched_off_without_traffic_going_on_disowns_nothing(text: str) -> None:
    assert disowned_activity(text) == ""


@pytest.mark.parametrize(
    "text",
    [
        "None of us has noticed any problem, thanks.",
        "None of us are admins, how do we add a user?",
        "An extra line for 3 seats on the invoice; I don't remember changing anything.",
        "Keiner von uns hat Zeit für eine Schulung.",
        "Aucun d'entre nous n'a le temps cette semaine.",
        "How do I see who created an API key?",
        "Ce n'est pas moi qui gère la facturation, à qui dois-je écrire ?",
        "We removed two users last week; how do we add their seats back?",
        # asked whether it could happen, not told that it did
        "Call: can a removed ex-colleague still log in?",
        # a key handed to the writer's own developer, with nothing doubted
        "We sent them the API key so their developer can set up the sync.",
    ],
)
def test_ordinary_lines_about_us_disown_nothing(text: str) -> None:
    assert disowned_activity(text) == ""


def test_the_evidence_is_quoted_in_whole_words_as_the_customer_wrote_them() -> None:
    evidence = disowned_activity(
        "Our zapier-sync key says last used today 03:14 from 103.x.x.x (Singapore). None of us"
        " are in Singapore, and I turned our Zapier zaps off two weeks ago."
    )
    assert evidence.startswith("03:14 from") and "None of us are in Singapore" in evidence
    assert evidence.endswith("Zapier")


def test_a_rate_limit_question_with_someone_elses_traffic_waits_for_security(
    context: Context,
) -> None:
    """FAY-106 (blind set, 2026-12-05) asked about 429s and was sent the rate-limit article:
    the customer's only job was off and their key still made 580 requests a minute."""
    ticket = make_ticket(
        customer_tier="Growth",
        subject="Keep hitting 429 even with our script switched off?",
        message="Hey team,\n\nProbably something dumb on our end, but we keep getting 429 Too"
        " Many Requests on our dashboards refresh job. Our job only makes ~50 calls/min. So I"
        " switched the job off entirely yesterday at 6pm to test, and the usage graph in"
        ' Settings > API still shows ~580 requests/min all night, from key "analytics-ro".'
        " We only have one server and it was off.\n\nIs the usage graph counting something"
        " else? Or is there a way to raise our limit?\n\nJordan",
    )
    with open_checkpointer("memory://") as saver:
        run = run_ticket(build_graph(saver), ticket, context)
    values = run.snapshot.values
    assert values["triage"].priority == "Critical" and values["triage"].disowned
    assert run.snapshot.interrupts and values["escalation"].team == "Security"
