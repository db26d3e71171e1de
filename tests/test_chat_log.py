"""A chat log is judged on what people wrote: a bot's scripted lines are left out."""

from __future__ import annotations

from supportgraph.tools.signals.chat_log import without_bot_lines

LOG = (
    "[10:15] Kunde (Leonie Hartmann): Hi, nach dem Rotieren des API-Schlüssels bekommen "
    "unsere Skripte nur noch 401\n"
    "[10:15] Acme Bot: Hallo Leonie! Haben Sie den neuen Schlüssel in allen Skripten hinterlegt?\n"
    "[10:16] Kunde (Leonie Hartmann): ja, in allen drei. muss man den neuen irgendwo aktivieren?\n"
    "[10:17] Agent (Inès) : Quelqu'un d'autre a-t-il accès au compte ?\n"
)


def test_the_bot_is_left_out_and_the_customer_and_the_agent_kept() -> None:
    kept = without_bot_lines(LOG)
    assert "bekommen unsere Skripte nur noch 401" in kept
    assert "muss man den neuen irgendwo aktivieren" in kept
    assert "Acme Bot" not in kept
    # a person's question is the context of the customer's answer
    assert "Quelqu'un d'autre a-t-il accès au compte" in kept


def test_a_bot_speaks_under_many_labels() -> None:
    for label in (
        "Bot:",
        "Acme Bot:",
        "Bot Acme:",
        "Chatbot:",
        "Asistente virtual:",
        "Assistant (Acme):",
        "Assistante virtuelle :",
        "14:32 - Bot:",
        "[09:02 AM] Acme Bot:",
    ):
        log = f"Visitor (Sam): hello\n{label} how can I help?\nVisitor (Sam): 401 again\nVisitor (Sam): ok"
        assert "how can I help" not in without_bot_lines(log), label


def test_a_customer_named_like_a_bot_is_kept() -> None:
    log = (
        "[09:01] Agnes Botha: our dashboards are empty\n"
        "[09:02] Bot: Sorry to hear that!\n"
        "[09:03] Bottega Rossi (Marco): every user sees it\n"
        "[09:04] Agnes Botha: since 8:00\n"
    )
    kept = without_bot_lines(log)
    assert "our dashboards are empty" in kept and "every user sees it" in kept
    assert "Sorry to hear that" not in kept


def test_an_email_with_one_labelled_line_is_not_a_chat_log() -> None:
    email = "Hi,\n\nBot: your widget said 'no data' again.\n\nThanks, Ana"
    assert without_bot_lines(email) == email


def test_a_log_of_bot_lines_alone_is_kept_whole() -> None:
    log = "Bot: Hi!\nBot: Are you still there?\nBot: Closing the chat now."
    assert without_bot_lines(log) == log
