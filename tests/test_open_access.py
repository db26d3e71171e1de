"""Data reached without signing in or a key, or API keys by a viewer: a possible exposure."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from supportgraph.checkpoints import open_checkpointer
from supportgraph.graph.context import Context
from supportgraph.runs.build import build_graph
from supportgraph.runs.runner import run_ticket
from supportgraph.tools.signals.open_access import open_access

from .conftest import make_ticket


@pytest.mark.parametrize(
    "text",
    [
        "Our intern forgot the API key in the header and the call still returned our orders.",
        "I tried again without any key at all: same orders came back, with addresses.",
        "My accountant doesn't have an account with you. He called and said he could see the"
        " dashboard, the settings and our user list.",
        "Notre stagiaire a oublié la clé ; sans clé du tout : même résultat, nos commandes.",
        "Ohne Anmeldung sieht man in einem privaten Fenster alle unsere Berichte.",
        "Sin iniciar sesión, desde otro ordenador se ve el panel de ventas completo.",
        # a revoked key still answering
        'On Monday we revoked the key "ci-old". Our cron kept using it, and it has been pulling'
        " the full export every hour since then without a single 401.",
        # the account's keys reached by its lowest role
        "Our freelancers are viewers, yet one of them can open Settings > API keys and copy"
        " the full keys.",
        "Une stagiaire avec le rôle « Lecteur » peut ouvrir Paramètres > Clés API et en créer.",
        "Los usuarios de solo lectura pueden ver las claves API completas en Configuración.",
        "Unsere Betrachter können unter Einstellungen die API-Schlüssel sehen und kopieren.",
    ],
)
def test_data_reached_without_a_login_or_key_is_read_in_four_languages(text: str) -> None:
    assert open_access(text)


@pytest.mark.parametrize(
    "text",
    [
        # wanted, or asked how
        "Ideally a link they can open without logging in, or could we embed it in our portal?",
        "A share link is the only way they can see it without an account.",
        "How can I let my accountant see one dashboard without an account?",
        # the words only brush it
        "I've been paying $49 a month since April without logging in once.",
        "I was logged out of everything this morning, is that normal?",
        "I've not logged in since the first week and got charged $49 yesterday.",
        # the login was asked for after all, or the new key is the one working
        "I opened the link in an incognito window and it sent me to our SSO login, so fine.",
        "I revoked the old key and the new one still works fine, thanks!",
        # a role kept from the keys, asked about, or a higher role
        "Viewers can't create API keys, so I asked our admin to make one for me.",
        "Can a viewer see our API keys, or only admins?",
        "Les lecteurs ne peuvent pas ouvrir les clés API, c'est parfait.",
        "Is it normal that every editor can see the full API keys?",
    ],
)
def test_a_wish_a_question_or_a_passing_phrase_is_not_read(text: str) -> None:
    assert open_access(text) == ""


# Told as a small question ("sans doute rien de grave"), read as what it is.
API_WITHOUT_KEY = {
    "customer_tier": "Growth",
    "channel": "Email",
    "subject": "petite question sur l'API",
    "message": "Bonjour,\n\npetite question, sans doute rien de grave : notre stagiaire a"
    " oublié la clé API dans l'en-tête, et l'appel sur /v1/datasets/orders a quand même"
    " renvoyé nos commandes (noms, adresses, montants). Sans clé du tout : même"
    " résultat.\n\nEst-ce normal ?\n\nMerci, Paul",
}
# FBD-048 asked how to import forty viewers by CSV and, in passing, said a viewer could open
# the API keys in full and create one; it was answered with the API-key steps.
VIEWER_SEES_KEYS = {
    "customer_tier": "Enterprise",
    "channel": "Web",
    "subject": "Importer des lecteurs",
    "message": "Bonjour,\n\nNous devons ajouter une trentaine de formateurs avec le rôle"
    " « Lecteur ». Peut-on les importer depuis un fichier CSV ?\n\nAu fait, une formatrice"
    " avec le rôle « Lecteur » peut ouvrir Paramètres > Clés API, voir les clés en entier"
    " et en créer une. Est-ce prévu ?\n\nMerci,\nClaire",
}


@pytest.mark.parametrize(
    "fields", [API_WITHOUT_KEY, VIEWER_SEES_KEYS], ids=["api-without-key", "viewer-sees-keys"]
)
def test_open_access_goes_to_security_before_anything_is_sent(
    tmp_path: Path, context: Context, fields: dict[str, str]
) -> None:
    with open_checkpointer(f"sqlite:///{tmp_path / 'store.sqlite'}") as saver:
        run = run_ticket(build_graph(saver), make_ticket(**fields), context)
    values: dict[str, Any] = dict(run.snapshot.values)
    assert values["triage"].priority == "Critical"
    assert values["triage"].open_access
    escalation = values["escalation"]
    assert escalation.triggers[0].rule == "open_access_shown"
    assert escalation.needs_human and run.snapshot.interrupts
