"""Activity on the account that nobody at the customer owns up to: a possible takeover."""

from __future__ import annotations

import pytest

from supportgraph.tools.signals.disowned import disowned_activity


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
    ],
)
def test_activity_nobody_owns_up_to_is_found_in_four_languages(text: str) -> None:
    assert disowned_activity(text)


@pytest.mark.parametrize(
    "text",
    [
        "None of us has noticed any problem, thanks.",
        "None of us are admins, how do we add a user?",
        "An extra line for 3 seats on the invoice; I don't remember changing anything.",
        "Keiner von uns hat Zeit für eine Schulung.",
        "Aucun d'entre nous n'a le temps cette semaine.",
        "How do I see who created an API key?",
    ],
)
def test_ordinary_lines_about_us_disown_nothing(text: str) -> None:
    assert disowned_activity(text) == ""


def test_the_evidence_is_quoted_in_whole_words() -> None:
    evidence = disowned_activity(
        "Our zapier-sync key says last used today 03:14 from 103.x.x.x (Singapore). None of us"
        " are in Singapore, and I turned our Zapier zaps off two weeks ago."
    )
    assert evidence.startswith("03:14 from") and "none of us are in singapore" in evidence
    assert evidence.endswith("zapier")
