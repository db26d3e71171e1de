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
