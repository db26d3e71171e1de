"""Drop a chat bot's lines from a chat log, so a ticket is judged on what people wrote.

A chat transcript interleaves the customer's lines with a bot's scripted ones: "Bot: Let
me look that up for you", "Acme Bot: Is everything working again?". Read with the
customer's, they made a routine question sound like an incident and gave every chat the
same words. A line is the bot's when it starts, after an optional time stamp, with a
speaker label naming a bot or a virtual assistant, in English, German, Spanish or
French. A human agent's lines stay: their questions ("has anyone else access to the
account?") are the context of the customer's answers, and the customer's lines, and
every line without a label, are kept.
"""

from __future__ import annotations

import re

# "[10:15] Acme Bot:", "Bot :", "Bot Acme:", "Chatbot:", "Asistente virtual:", "Assistant:"
_TIME = r"(?:[\[(]?\d{1,2}[:.h]\d{2}(?:[:.]\d{2})?(?:\s*[aApP]\.?[mM]\.?)?[\])]?[ \t]*[-–]?[ \t]*)?"
_BOT_LINE = re.compile(
    rf"^[ \t]*{_TIME}"
    r"(?i:(?:acme[ \t]+)?(?:bot|chatbot|virtual assistant|asistente(?:[ \t]+virtual)?"
    r"|assistent(?:in)?|assistante?(?:[ \t]+virtuel(?:le)?)?)(?:[ \t]+acme)?)"
    r"(?:[ \t]*\([^)\n]{1,40}\))?[ \t]*:.*$\n?",
    re.MULTILINE,
)
_LABELLED = re.compile(r"^[ \t]*(?:\[[^\]\n]{1,20}\][ \t]*)?[^:\n]{1,40}:", re.MULTILINE)


def without_bot_lines(message: str) -> str:
    """``message`` without the lines a chat bot wrote, when it is a chat log.

    Only a text with at least three labelled lines counts as a chat log: an email that
    quotes one "Bot: …" line stays whole.
    What is left is never empty: a log of the bot's lines alone is kept as it was.
    """
    if len(_LABELLED.findall(message)) < 3:
        return message
    kept = _BOT_LINE.sub("", message)
    return kept if kept.strip() else message
