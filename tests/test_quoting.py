"""What of an email the judgement reads: the new text, or the whole forwarded thread."""

from __future__ import annotations

import pytest

from supportgraph.tools.signals.quoting import new_text

QUOTED_OUTAGE = (
    "On Mon, 3 Nov 2025 at 09:12, Ops <ops@harbor.example> wrote:\n"
    "> Nobody in the company can open a dashboard since 8:00.\n"
    "> Month-end close is blocked.\n"
)
SIGNATURE = (
    "\n\nFrancisco Lagos\nBusiness Intelligence Manager\nDistribuidora Pacífico Sur S.A.\n"
    "This message and its attachments are confidential and intended only for the addressee.\n\n"
)


def test_a_reply_is_judged_on_what_it_says_now() -> None:
    reply = "Thanks, all fixed now, the team is happy again. Great work!" + SIGNATURE
    text = new_text(reply + QUOTED_OUTAGE)
    assert "fixed now" in text
    assert "Nobody in the company" not in text


def test_a_cover_note_that_passes_the_thread_on_keeps_the_thread() -> None:
    for note in (
        "Good morning,\n\nForwarding the thread with our team below. We need help today.",
        "Buenos días,\n\nLes reenvío el hilo con nuestro equipo. Necesitamos ayuda inmediata.",
        "Hallo,\n\nsiehe unten, bitte dringend ansehen.",
        "Bonjour,\n\nJe vous transfère l'échange ci-dessous avec notre équipe.",
        "Hi support – see my CFO's note below. Can you let us know what's possible?",
        "Acme support,\n\nEscalating the below from our service desk. Please call me.",
    ):
        text = new_text(note + SIGNATURE + QUOTED_OUTAGE)
        assert "Nobody in the company can open a dashboard" in text, note
        # quote marks removed: the sentences read as sentences
        assert not any(line.startswith(">") for line in text.splitlines())


def test_looking_forward_to_an_answer_is_no_forward() -> None:
    reply = "Thanks, all fixed now. Looking forward to the new release!" + SIGNATURE
    assert "Nobody in the company" not in new_text(reply + QUOTED_OUTAGE)


def test_a_message_without_history_is_kept_whole() -> None:
    message = "  Nobody in the company can open a dashboard since 8:00.  "
    assert new_text(message) == message.strip()


FORWARDED_REPORT = (
    "-----Ursprüngliche Nachricht-----\n"
    "Von: Petra Hahn\nGesendet: Montag, 07:40\nAn: Jonas Keller\nBetreff: Dashboards\n\n"
    "Seit heute früh bekommt jede Person im Lager eine Fehlerseite. Das Lager steht.\n"
)
COVER_NOTE = (
    "Guten Morgen,\n\nanbei die Meldung unserer Lagerleitung, bitte schauen Sie sich das an."
    "\n\nViele Grüße\nJonas Keller\nIT-Koordination\n\n"
)


@pytest.mark.parametrize(
    "subject",
    [
        "WG: Dashboards",
        "Fwd: dashboards",
        "FW: dashboards",
        "TR: tableaux de bord",
        "RV: paneles",
        "[External] FW: dashboards",
    ],
)
def test_a_subject_that_says_forward_keeps_the_forwarded_message(subject: str) -> None:
    # The cover note never says "forward": the subject does.
    text = new_text(COVER_NOTE + FORWARDED_REPORT, subject)
    assert "jede Person im Lager eine Fehlerseite" in text


@pytest.mark.parametrize("subject", ["Re: Dashboards", "AW: WG: Dashboards", "Re: Fwd: dashboards"])
def test_a_reply_is_cut_even_when_it_answers_a_forward(subject: str) -> None:
    text = new_text(COVER_NOTE + FORWARDED_REPORT, subject)
    assert "anbei die Meldung" in text
    assert "Fehlerseite" not in text
