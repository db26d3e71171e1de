"""Nobody at the customer can get in or open anything: a whole company stopped, at least High."""

from __future__ import annotations

import pytest

from supportgraph.graph.context import Context
from supportgraph.tools.signals.nobody_can import nobody_can_work

from .conftest import make_ticket
from .test_nodes import triaged


@pytest.mark.parametrize(
    "text",
    [
        "Since last night nobody in our 12 regional offices can open a report.",
        "your whole site is down. nobody in our office can log in, just a timeout page",
        "Depuis hier soir, dans nos 12 agences régionales, personne n'arrive à ouvrir un rapport.",
        "Depuis ce matin, nos 800 collaborateurs, administrateurs compris, obtiennent « Votre"
        " abonnement a expiré ».",
        "Seit heute früh kann sich niemand bei uns anmelden.",
        "Alle 250 Mitarbeiter bekommen nur noch eine Fehlermeldung.",
        "Desde esta mañana nadie en la empresa puede entrar.",
        # a small team counting itself (TVF-043, a look-alike written for played-down faults)
        "no biggie, but since your deploy all 10 of us get logged out every 30 seconds",
        "Depuis ce matin, tous les 6 d'entre nous voient une page blanche.",
        "Alle 8 von uns bekommen seit dem Update nur eine Fehlerseite.",
        "Desde las 9, todos los 5 de nosotros ven un error 500.",
    ],
)
def test_a_whole_company_stopped_is_read_in_four_languages(text: str) -> None:
    assert nobody_can_work(text)


@pytest.mark.parametrize(
    "text",
    [
        # a requirement, a fear, a question
        "Can we enforce SSO for every user, so that nobody can log in with a password?",
        "What's the recommended order so that our 800 users don't get locked out during the switch?",
        "Is it true that nobody can see a dashboard until it is shared?",
        # someone else's words, and one of them
        "Birchwood's admin left and he says nobody at Birchwood can log in.",
        "Caller said 'the system is broken, nobody can get in'. Turned out he'd mistyped it.",
        "One of our 3 users, Amanda, keeps getting logged out.",
    ],
)
def test_a_requirement_a_question_or_someone_elses_words_are_not_read(text: str) -> None:
    assert nobody_can_work(text) == ""


def test_a_stopped_company_in_a_thank_you_note_is_at_least_high(context: Context) -> None:
    """The learned heads read the thank-you and rated it Medium; the line is the ticket."""
    ticket = make_ticket(
        customer_tier="Growth",
        channel="Email",
        subject="Merci pour la formation !",
        message="Bonjour Camille,\n\nUn grand merci pour la formation de mardi, l'équipe a"
        " adoré.\n\nPetite parenthèse : depuis hier soir, dans nos agences, personne n'arrive à"
        " ouvrir un rapport. Peut-être lié au renouvellement ?\n\nEncore merci et bonne fin de"
        " semaine,\nAmélie",
    )
    triage = triaged(ticket, context)["triage"]
    assert triage.priority == "High"
    assert "nobody at the customer can get in" in triage.priority_reasons[-1]
