"""Another customer's data shown to this one: a cross-customer exposure, Critical."""

from __future__ import annotations

import pytest

from supportgraph.tools.signals.foreign_data import foreign_data


@pytest.mark.parametrize(
    "text",
    [
        "Just so you know, the PDF attached to your last email isn't ours.",
        "My workspace switcher shows another company's workspace with their client names.",
        "We received the weekly report of a different customer this morning.",
        "Since Monday our order list shows orders from another shop.",
        "Im Export sind fremde Kundendaten, die gehören nicht uns.",
        "Wir sehen Dashboards einer anderen Firma in unserem Konto.",
        "En el panel aparece el informe de otra empresa.",
        "Estas facturas no son nuestras.",
        "On voit dans notre espace les rapports d'une autre entreprise.",
        "Ce rapport n'est pas le nôtre.",
        "On her first login she landed in a workspace called 'Fairview Dental' for a few minutes.",
        # a named workspace in their own list, disowned a line later
        "why do I have a workspace called 'Northwind Pharma' in my switcher?\n"
        "Agent: Is Northwind a partner of yours?\nnope, never heard of them",
    ],
)
def test_another_customers_data_in_front_of_this_one_is_found_in_four_languages(
    text: str,
) -> None:
    assert foreign_data(text)


@pytest.mark.parametrize(
    "text",
    [
        # asking for another customer's data is a request (intents.py), nothing was shown
        "Can you send me the dashboards of another customer in our industry?",
        # an agency's own clients, a cause ruled out, a fault disclaimed
        "How do I see our other clients' dashboards from one login?",
        "Funciona desde la red de invitados, así que no es nuestro proxy.",
        "Ce n'est pas notre faute si l'export échoue.",
        "It's not our firewall, we checked.",
        "How do I rename the workspace called 'Sales'?",
        # a workspace they named themselves, not disowned
        "I see a workspace called 'Sandbox 2023' in my switcher, can I archive it?",
        "We moved from another company's tool last year, how do I import our data?",
    ],
)
def test_our_own_data_and_requests_for_others_show_nothing_foreign(text: str) -> None:
    assert foreign_data(text) == ""


def test_the_evidence_is_quoted_in_whole_words_as_the_customer_wrote_them() -> None:
    evidence = foreign_data(
        "Thanks for resending. Just so you know though, the PDF attached to your last email"
        " isn't ours - it's an invoice for another dental practice."
    )
    assert "isn't ours" in evidence and evidence.startswith("the PDF")
