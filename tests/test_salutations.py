"""A reply without its greeting, thanks-for-writing opener and sign-off, in four languages."""

from __future__ import annotations

import pytest

from supportgraph.tools.reply.salutations import strip_salutations

CASES = [
    (
        "Dear Sam,\n\nThank you for contacting us. We refunded the duplicate charge.\n"
        "It shows within 10 days.\n\nBest regards,\nDana\nSupport team",
        "We refunded the duplicate charge.\nIt shows within 10 days.",
    ),
    ("Hi Olga Petrova, proof it 12 hours cold.", "proof it 12 hours cold."),
    (
        "Use the date filter to export in parts. Best, Dana",
        "Use the date filter to export in parts.",
    ),
    (
        "Sehr geehrter Herr Weber,\n\nvielen Dank für Ihre Anfrage. Der Export ist auf 2 GB "
        "begrenzt.\n\nMit freundlichen Grüßen\nJana Weber\nACME Support\nTel. 030 1234567",
        "Der Export ist auf 2 GB begrenzt.",
    ),
    ("Hallo,\nbitte leeren Sie den Cache.\nViele Grüße", "bitte leeren Sie den Cache."),
    (
        "Estimado Sr. García:\nPuede exportar en partes.\nUn saludo,\nLucía",
        "Puede exportar en partes.",
    ),
    (
        "Hola Lucía, gracias por su mensaje. Borre la caché.\n\nSaludos cordiales\nMarc",
        "Borre la caché.",
    ),
    (
        "Madame, Monsieur,\nMerci pour votre message. Utilisez le filtre de date.\n"
        "Cordialement,\nMarc Dubois",
        "Utilisez le filtre de date.",
    ),
    ("Bonjour Marc ! Utilisez le filtre. Bien à vous", "Utilisez le filtre."),
    (
        "Export in parts.\n--\nDana Miller | Support | +1 415 555 0132",
        "Export in parts.",
    ),
]


@pytest.mark.parametrize(
    ("reply", "substance"),
    CASES,
    ids=[
        "en-letter",
        "en-inline",
        "en-tail",
        "de-letter",
        "de-short",
        "es-title",
        "es-inline",
        "fr-letter",
        "fr-inline",
        "signature-dashes",
    ],
)
def test_only_the_substance_of_a_reply_is_kept(reply: str, substance: str) -> None:
    assert strip_salutations(reply) == substance


def test_a_reply_that_is_all_substance_is_kept_whole() -> None:
    steps = "1. Open Settings > Export.\n2. Pick CSV.\n\nThe best format for large files is CSV."
    assert strip_salutations(steps) == steps
    # a sign-off alone is not a body to strip down to nothing
    assert strip_salutations("Thanks") == "Thanks"
