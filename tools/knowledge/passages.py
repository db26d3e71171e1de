"""What the KB index reads from an article: passages, whole text, BM25 terms, quotes.

Passages are verbatim word windows of the body with the title prepended, so that a
cited sentence can be found in the article as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from supportgraph.tools.knowledge.kb import Article
from supportgraph.tools.knowledge.text import pairs, tokens


def _body(article: Article) -> str:
    body = article.body
    if body.startswith(article.title):  # help-centre exports repeat the title as line one
        body = body[len(article.title) :]
    return body


def article_text(article: Article) -> str:
    """The text of the whole-article vector: title and body (the encoder truncates it)."""
    return f"{article.title}. {_body(article).strip()}"


def chunk_article(article: Article, chunk_words: int = 100, overlap_words: int = 0) -> list[str]:
    """Cut the article body into overlapping word windows, each prefixed with the title."""
    body = _body(article)
    # Windows are cut at word offsets, so each passage is a verbatim slice of the body
    # and a cited passage can be found in the article as written.
    words = [m.span() for m in re.finditer(r"\S+", body)]
    if not words:
        return [article.title]
    step = max(1, chunk_words - overlap_words)
    windows = []
    for start in range(0, len(words), step):
        last = min(start + chunk_words, len(words)) - 1
        windows.append(body[words[start][0] : words[last][1]])
        if start + chunk_words >= len(words):
            break
    return [f"{article.title}. {window}" for window in windows]


def supporting_sentence(
    passage: str, query: str, skip: Callable[[str], bool] | None = None
) -> str | None:
    """The sentence of ``passage`` sharing the most query terms, verbatim (for a citation).

    Sentences for which ``skip`` is true are passed over (advice that does not fit the
    customer); None when every sentence is skipped.
    """
    wanted = set(tokens(query))
    sentences = [
        re.sub(r"^\s*(?:\d+\.|[-*])\s+", "", part).strip()
        for part in re.split(r"(?<=[.!?])\s+|\n+", passage)
    ]
    # a window may open and close mid-sentence: only whole sentences (capitalised, ending
    # in a full stop, "!" or "?") are quoted, never "… your peak: 60 requests per minute on"
    sentences = [s for s in sentences if len(s) >= 30 and s[0].isupper() and s[-1] in ".!?"]
    if not sentences:
        sentences = [passage.strip()]
    kept = [s for s in sentences if skip is None or not skip(s)]
    if not kept:
        return None
    return max(kept, key=lambda s: len(wanted & set(tokens(s))))


def article_terms(article: Article) -> tuple[list[str], list[str]]:
    """BM25 terms and phrase terms of an article, from one tokenisation.

    BM25 terms: the title twice, then tags and body. Phrase terms: word pairs
    (``text.pairs``) of the title, twice, then of the body.
    """
    title, body = tokens(article.title), tokens(article.body)
    words = title + title + tokens(" ".join(article.tags)) + body
    return words, pairs(title) * 2 + pairs(body)
