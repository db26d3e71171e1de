"""BM25 in numpy gives the scores bm25s gave, to the bit, for every way the KB index uses it.

The KB index scored articles, titles, passages and word pairs with ``bm25s``; it now
uses ``tools/knowledge/bm25.py`` so that a process's first search does not import
SciPy. The retrieval evaluation's numbers rest on those scores, so each index here is
built both ways from the shipped KB and queried with real ticket text.
"""

from __future__ import annotations

import json
from pathlib import Path

import bm25s
import numpy as np
import pytest

from supportgraph.tools.knowledge.bm25 import BM25
from supportgraph.tools.knowledge.kb import read_articles
from supportgraph.tools.knowledge.passages import article_terms, chunk_article
from supportgraph.tools.knowledge.text import pairs, tokens

TICKETS = Path(__file__).parent / "data" / "judgement" / "tuning" / "tickets.json"


def _queries() -> list[list[str]]:
    tickets = json.loads(TICKETS.read_text(encoding="utf-8"))[:400]
    return [tokens(f"{t['subject']}\n{t['message']}") for t in tickets]


def _documents() -> dict[str, list[list[str]]]:
    """The four lists of documents the KB index scores (tools/knowledge/retrieval.py)."""
    articles = read_articles(None)
    terms = [article_terms(a) for a in articles]
    passages = [p for a in articles for p in chunk_article(a)]
    return {
        "articles": [words for words, _ in terms],
        "titles": [tokens(a.title) for a in articles],
        "passages": [tokens(p) for p in passages],
        "phrases": [phrases or ["_"] for _, phrases in terms],
    }


@pytest.mark.parametrize("k1", [1.5, 1.2])
@pytest.mark.parametrize("kind", ["articles", "titles", "passages", "phrases"])
def test_scores_equal_bm25s_for_every_query(kind: str, k1: float) -> None:
    documents = _documents()[kind]
    reference = bm25s.BM25(k1=k1, b=0.75)
    reference.index(documents, show_progress=False)
    index = BM25(documents, k1=k1, b=0.75)
    queries = _queries()
    if kind == "phrases":
        queries = [pairs(q) for q in queries]
    compared = 0
    for query in queries:
        if not query:  # bm25s cannot score an empty query; ours gives zeros
            continue
        expected = np.asarray(reference.get_scores(query))
        assert index.scores(query).dtype == np.float32
        assert np.array_equal(index.scores(query), expected), query
        compared += int(expected.any())
    assert compared > 100  # most tickets share words with the KB


def test_a_term_named_twice_counts_twice_and_unknown_terms_count_nothing() -> None:
    index = BM25([["export", "csv"], ["invoice"], ["export", "export", "pdf"]])
    once = index.scores(["export"])
    assert once[1] == 0 and once[0] > 0 and once[2] > once[0]  # more occurrences, more score
    np.testing.assert_array_equal(index.scores(["export", "export"]), 2 * once)
    np.testing.assert_array_equal(index.scores(["export", "never-seen"]), once)
    np.testing.assert_array_equal(index.scores([]), np.zeros(3, np.float32))


def test_a_rare_term_outweighs_a_common_one() -> None:
    index = BM25([["login", "sso"], ["login", "password"], ["login", "invoice"]])
    assert index.scores(["sso"])[0] > index.scores(["login"])[0] > 0


def test_an_empty_index_scores_nothing() -> None:
    assert len(BM25([])) == 0
    assert BM25([]).scores(["anything"]).shape == (0,)
