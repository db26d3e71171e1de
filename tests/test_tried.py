"""The help article already tried: its steps are not sent again, the owning team answers."""

from __future__ import annotations

import pytest

from supportgraph.tools.signals.tried import article_tried


@pytest.mark.parametrize(
    "text",
    [
        "Smaller exports work. I've followed the bulk export article. Job IDs: exp_8812a",
        "[14:40] Bot: Here's our article on bulk exports. Did that help?\n"
        "[14:42] Omar: no, I followed it. bucket policy has the role from the article.",
        "We have worked through the webhook delivery failures article twice: nothing arrives.",
        "The SSO troubleshooting article didn't help, their entity ID matches.",
        "Die Anleitung habe ich schon befolgt, der Export bricht trotzdem ab.",
        "Das Backoff aus Ihrem Hilfeartikel haben wir umgesetzt, es hilft nicht.",
        "Ya seguí los pasos del artículo y sigue fallando.",
        "Hemos seguido la guía paso a paso. Sin SSO funcionando el equipo no entra.",
        "Rien changé de leur côté ; l'article sur les tableaux lents n'a rien donné.",
        "Nous avons suivi l'article sur les problèmes de connexion, sans succès.",
    ],
)
def test_an_article_tried_without_success_is_read_in_four_languages(text: str) -> None:
    assert article_tried(text)


@pytest.mark.parametrize(
    "text",
    [
        "I followed the article and it worked, thanks!",
        "Where is the article about SSO?",
        "I read the docs but can't find how to rotate a key.",
        "Could you send me the bulk export guide?",
        "Hier on avait des erreurs 401, j'ai suivi votre article et ça a marché.",
    ],
)
def test_an_article_asked_for_or_that_worked_is_not_read(text: str) -> None:
    assert article_tried(text) == ""


def test_the_evidence_quotes_the_customers_words() -> None:
    words = article_tried(
        "Smaller exports work. I've followed the bulk export article. Please help."
    )
    assert "I've followed the bulk export article" in words
