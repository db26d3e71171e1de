"""The persistent KB index: build, search, re-index incrementally, and reject bad KBs."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import threading
from collections import OrderedDict
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from supportgraph.cli.app import app
from supportgraph.graph.errors import KBError
from supportgraph.tools.knowledge import kb_store
from supportgraph.tools.knowledge.embeddings import default_encoder
from supportgraph.tools.knowledge.kb import read_articles
from supportgraph.tools.knowledge.kb_store import MODEL, build_index, connect, open_index
from supportgraph.tools.knowledge.passages import article_text, chunk_article
from supportgraph.tools.knowledge.rerank import FEATURES, rerank_scores

runner = CliRunner()

ARTICLES = {
    "KB-100": (
        "Resetting a forgotten password",
        "Open the sign-in page and choose Forgot password. We email a reset link that "
        "stays valid for 30 minutes. Check the spam folder if the email does not arrive.",
    ),
    "KB-101": (
        "Connecting a custom domain",
        "Add a CNAME record at your DNS provider that points www to sites.example.net. "
        "DNS changes can take up to 48 hours to propagate worldwide.",
    ),
    "KB-102": (
        "Cancelling a subscription",
        "Go to Billing, choose the plan and select Cancel subscription. You keep access "
        "until the end of the paid period and are not charged again.",
    ),
}


def write_article(
    folder: Path, article_id: str, title: str, body: str, status: str = "published"
) -> Path:
    path = folder / f"{article_id}.md"
    path.write_text(
        f"---\nid: {article_id}\ntitle: {title}\ntags: [help]\nproduct_area: account\n"
        f"updated_at: 2026-11-01\nstatus: {status}\n---\n{body}\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    folder = tmp_path / "kb"
    folder.mkdir()
    for article_id, (title, body) in ARTICLES.items():
        write_article(folder, article_id, title, body)
    return folder


def test_search_returns_the_answering_article_with_its_passage(kb: Path) -> None:
    index, report = open_index(kb)
    assert (report.articles, report.embedded) == (3, 3)
    hits = index.search("I can't remember my password, how do I log in?", k=2)
    assert hits[0].article_id == "KB-100"
    assert hits[0].passage in (kb / "KB-100.md").read_text()
    assert hits[0].score > hits[1].score


def test_reindexing_embeds_only_changed_articles_and_forgets_deleted_ones(kb: Path) -> None:
    open_index(kb)
    _, unchanged = open_index(kb)
    assert (unchanged.embedded, unchanged.reused) == (0, 3)
    write_article(kb, "KB-101", "Connecting a custom domain", "Point an A record at 203.0.113.10.")
    (kb / "KB-102.md").unlink()
    index, changed = open_index(kb)
    assert changed.ids_embedded == ("KB-101",)
    assert (changed.reused, changed.removed) == (1, 1)
    assert "KB-102" not in index.articles
    assert index.search("A record IP address for my domain", k=1)[0].article_id == "KB-101"


_OPEN_INDEX = """
import json, sys
from pathlib import Path
from typing import Any
from supportgraph.tools.knowledge.embeddings import default_encoder
from supportgraph.tools.knowledge.kb_store import open_index
index, report = open_index(Path(sys.argv[1]))
hits = index.search("I forgot my password", k=1)
print(json.dumps({"embedded": report.embedded, "top": hits[0].article_id,
                  "article_model_loaded": default_encoder.cache_info().currsize > 0}))
"""


def _open_in_a_new_process(kb: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", _OPEN_INDEX, str(kb)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.slow
def test_an_indexed_kb_answers_without_loading_the_model_that_embeds_articles(
    kb: Path,
) -> None:
    first = _open_in_a_new_process(kb)
    again = _open_in_a_new_process(kb)
    assert first == {"embedded": 3, "top": "KB-100", "article_model_loaded": True}
    assert again == {"embedded": 0, "top": "KB-100", "article_model_loaded": False}


def test_drafts_are_not_searchable(kb: Path) -> None:
    write_article(kb, "KB-103", "Exporting invoices", "Download invoices as PDF.", status="draft")
    index, _ = open_index(kb)
    assert "KB-103" not in index.articles


def test_jsonl_kb_in_the_wixqa_format_is_indexed(tmp_path: Path) -> None:
    file = tmp_path / "articles.jsonl"
    rows = [{"id": key, "title": title, "text": body} for key, (title, body) in ARTICLES.items()]
    file.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    index, _ = build_index(read_articles(file), "jsonl", default_encoder())
    assert index.search("stop paying for my plan", k=1)[0].article_id == "KB-102"


def test_cli_index_then_search_shows_ranked_hits(kb: Path) -> None:
    built = runner.invoke(app, ["kb", "index", str(kb)])
    assert built.exit_code == 0, built.output
    assert "Indexed 3 articles" in built.output and "3 embedded" in built.output
    found = runner.invoke(app, ["kb", "search", "DNS CNAME record", "-k", "2", "--kb", str(kb)])
    assert found.exit_code == 0, found.output
    ranked = re.findall(r"KB-10\d", found.output)
    assert ranked[0] == "KB-101"  # best first
    assert "Score" in found.output and "Passage" in found.output


def _bad_kb(tmp_path: Path, case: str) -> tuple[Path, str]:
    folder = tmp_path / case
    folder.mkdir()
    match case:
        case "empty":
            return folder, str(folder)
        case "malformed":
            write_article(folder, "KB-1", "Fine", "Body.")
            (folder / "broken.md").write_text("---\nid KB-2\ntitle: No colon above\n---\nBody\n")
            return folder, "broken.md"
        case "no_front_matter":
            (folder / "plain.md").write_text("# Just a heading\n\nNo metadata here.\n")
            return folder, "plain.md"
        case "duplicate":
            write_article(folder, "KB-1", "First", "Body one.")
            (folder / "copy.md").write_text((folder / "KB-1.md").read_text())
            return folder, "copy.md"
        case "binary":
            write_article(folder, "KB-1", "Fine", "Body.")
            (folder / "logo.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
            return folder, "logo.md"
        case "unknown_effect":  # responds_to names effects as triage reads them
            (folder / "breach.md").write_text(
                "---\nid: KB-9\ntitle: Breaches\ntags: [security]\nproduct_area: security\n"
                "responds_to: [breach]\nupdated_at: 2026-01-01\nstatus: published\n---\nBody\n"
            )
            return folder, "breach.md"
    raise AssertionError(case)


@pytest.mark.parametrize(
    "case", ["empty", "malformed", "no_front_matter", "duplicate", "binary", "unknown_effect"]
)
def test_bad_kb_is_rejected_with_an_error_naming_the_file(tmp_path: Path, case: str) -> None:
    folder, culprit = _bad_kb(tmp_path, case)
    with pytest.raises(KBError, match=culprit.replace(".", r"\.")):
        open_index(folder)
    result = runner.invoke(app, ["kb", "index", str(folder)])
    assert result.exit_code == 2
    assert culprit in result.output.replace("\n", "")


def test_malformed_jsonl_line_is_named(tmp_path: Path) -> None:
    file = tmp_path / "articles.jsonl"
    file.write_text('{"id": "a", "title": "T", "text": "x"}\n{"id": "b", "title": "T"}\n')
    with pytest.raises(KBError, match=r"articles\.jsonl:2: article lacks text"):
        read_articles(file)


def test_eval_retrieval_prints_the_four_metrics_as_json(tmp_path: Path) -> None:
    articles = tmp_path / "articles.jsonl"
    rows = [{"id": key, "title": title, "text": body} for key, (title, body) in ARTICLES.items()]
    articles.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    questions = tmp_path / "questions.jsonl"
    asked = [
        {"question": "The password reset email never came", "article_ids": ["KB-100"]},
        {"question": "How long until my DNS change works?", "article_ids": ["KB-101"]},
    ]
    questions.write_text("\n".join(json.dumps(q) for q in asked) + "\n")
    result = runner.invoke(
        app, ["eval", "retrieval", "--kb", str(articles), "--questions", str(questions), "--json"]
    )
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.output)
    assert {"recall@1", "recall@5", "mrr@10", "ndcg@10"} <= set(metrics)
    assert metrics["recall@1"] == metrics["mrr@10"] == 1.0


def test_eval_retrieval_names_a_malformed_questions_file(tmp_path: Path) -> None:
    questions = tmp_path / "q.jsonl"
    questions.write_text('{"question": "no ids"}\n')
    result = runner.invoke(
        app, ["eval", "retrieval", "--kb", str(tmp_path), "--questions", str(questions)]
    )
    assert result.exit_code == 2
    assert "q.jsonl:1" in result.output and "article_ids" in result.output


def test_two_first_builds_at_once_do_not_collide() -> None:
    """Parallel specialists (threads) or two processes may build a fresh index together."""
    from concurrent.futures import ThreadPoolExecutor

    from supportgraph.tools.knowledge.kb_store import open_index

    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = [f.result()[1] for f in [pool.submit(open_index), pool.submit(open_index)]]
    assert sorted(r.embedded for r in reports) == [0, reports[0].articles]


def test_an_index_written_in_the_previous_row_layout_is_rebuilt_not_misread(
    kb: Path, tmp_path: Path
) -> None:
    # Layout 1 stored ordinal 0 = title and passages from 1, hashed without a version.
    db_path = tmp_path / "old.sqlite"
    articles = read_articles(kb)
    encoder = default_encoder()
    with connect(db_path) as db:
        for article in articles:
            old_hash = hashlib.sha256(
                json.dumps([article.title, article.body, 100, 0, MODEL]).encode()
            ).hexdigest()
            texts = [article.title, *chunk_article(article)]
            for ordinal, (text, vector) in enumerate(
                zip(texts, encoder.encode(texts), strict=True)
            ):
                db.execute(
                    "INSERT INTO kb_passages VALUES (?, ?, ?, ?, ?, ?)",
                    (str(kb.resolve()), article.id, old_hash, ordinal, text, vector.tobytes()),
                )
    index, report = build_index(articles, str(kb.resolve()), encoder, db_path=db_path)
    assert (report.embedded, report.reused) == (3, 0)
    with connect(db_path) as db:
        whole = db.execute(
            "SELECT text FROM kb_passages WHERE article_id = 'KB-101' AND ordinal = 1"
        ).fetchone()[0]
    assert whole == article_text(index.get("KB-101"))
    hit = index.search("DNS CNAME record for my domain", k=1)[0]
    assert hit.article_id == "KB-101" and hit.passage in (kb / "KB-101.md").read_text()


def test_reranker_reorders_the_fused_top_but_hits_keep_their_fused_score(kb: Path) -> None:
    index, _ = open_index(kb)
    query = "how long is the reset link valid"
    reranked = index.search(query, k=3)
    fused_scores, _ = index.scores(query)
    assert reranked[0].article_id == "KB-100"
    ids = list(index.articles)
    assert all(h.score == round(float(fused_scores[ids.index(h.article_id)]), 3) for h in reranked)
    index.settings = replace(index.settings, rerank_depth=0)
    fused = index.search(query, k=3)
    assert [h.score for h in fused] == sorted((h.score for h in fused), reverse=True)
    assert {h.article_id for h in fused} == {h.article_id for h in reranked}


def test_reranker_prefers_the_candidate_ahead_on_every_signal() -> None:
    weak = np.full(len(FEATURES), 0.2)
    strong = np.full(len(FEATURES), 0.6)
    middle = np.full(len(FEATURES), 0.4)
    assert list(np.argsort(-rerank_scores(np.stack([weak, strong, middle])))) == [1, 2, 0]


def test_phrase_signal_counts_query_word_pairs_not_the_words_apart(kb: Path) -> None:
    write_article(
        kb,
        "KB-103",
        "Domain settings for email",
        "A custom email address needs a mailbox plan. Each domain can hold 50 mailboxes.",
    )
    index, _ = open_index(kb)
    query = "How do I connect my custom domain?"
    ids = list(index.articles)
    positions = np.array([ids.index("KB-101"), ids.index("KB-103"), ids.index("KB-100")])
    phrase = index.rerank_features(query, index.components(query), positions)[
        :, FEATURES.index("phrase")
    ]
    # KB-101 has "custom domain" in its title; KB-103 has both words, but never together
    assert phrase[0] > 0 and phrase[0] < 1
    assert phrase[1] == 0 and phrase[2] == 0


class CountingEncoder:
    """The real MiniLM, counting the texts it encodes."""

    def __init__(self) -> None:
        self.inner = default_encoder()
        self.texts: list[str] = []
        self.threads: list[str] = []

    def encode(self, texts: Any, **kwargs: Any) -> np.ndarray:
        self.texts.extend(texts)
        self.threads.append(threading.current_thread().name)
        return self.inner.encode(texts, **kwargs)


def test_every_search_for_one_ticket_shares_one_encoding_of_its_text(
    kb: Path, tmp_path: Path
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    queries = CountingEncoder()
    articles = read_articles(kb)
    index, _ = build_index(
        articles, "kb", default_encoder(), db_path=tmp_path / "i.sqlite", query_encoder=queries
    )
    text = "The custom domain I connected yesterday still shows an error page"
    # the knowledge node and a specialist search at the same time, in two threads
    with ThreadPoolExecutor(2) as pool:
        found = list(pool.map(lambda _: index.search(text, k=1), range(2)))
    # the technical node adds product words for BM25, and compares the text's own meaning
    with_terms = index.search(f"{text} dns cname", k=1, meaning=text)
    assert queries.texts == [text]
    assert found[0] == found[1]
    assert with_terms[0].article_id == found[0][0].article_id == "KB-101"


def _passage_rows(kb: Path) -> int:
    with connect() as db:
        (count,) = db.execute(
            "SELECT COUNT(*) FROM kb_passages WHERE kb = ?", (str(kb.resolve()),)
        ).fetchone()
    return int(count)


def _after_loads_ahead() -> None:
    for thread in threading.enumerate():
        if thread.name == "kb-open-ahead":
            thread.join()


def test_a_tickets_query_loads_an_up_to_date_index_ahead_but_never_builds_one(
    kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The triage node hands the ticket's query over before the first search of a process.

    An index stored up to date is then loaded on a worker and the query encoded there;
    one with articles to embed is left to the first search, which may never come.
    """
    monkeypatch.setattr(kb_store, "_LOADED", OrderedDict())  # as in a new process
    monkeypatch.setattr(kb_store, "_NOT_CURRENT", set())
    query = "The custom domain I connected yesterday still shows an error page"
    kb_store.encode_query_ahead(kb, query)
    _after_loads_ahead()
    assert kb not in kb_store._LOADED and _passage_rows(kb) == 0  # nothing embedded
    kb_store.encode_query_ahead(kb, query)  # and not tried again for every ticket
    assert not any(t.name == "kb-open-ahead" for t in threading.enumerate())

    open_index(kb)  # an earlier process indexed the KB
    monkeypatch.setattr(kb_store, "_NOT_CURRENT", set())  # a new process
    rows = _passage_rows(kb)
    kb_store.encode_query_ahead(kb, query)
    _after_loads_ahead()
    index = kb_store._LOADED[kb]
    index._ahead.submit(lambda: None).result()  # after the query's encoding
    assert index._remembered.cache_info().currsize == 1
    assert kb_store.load_index(kb) is index and _passage_rows(kb) == rows
    assert index.search(query, k=1)[0].article_id == "KB-101"
    assert index._remembered.cache_info().hits == 1  # the search took the vector ahead


def test_a_query_encoded_ahead_is_encoded_on_a_worker_thread_and_only_there(
    kb: Path, tmp_path: Path
) -> None:
    queries = CountingEncoder()
    index, _ = build_index(
        read_articles(kb),
        "kb",
        default_encoder(),
        db_path=tmp_path / "i.sqlite",
        query_encoder=queries,
    )
    text = "The custom domain I connected yesterday still shows an error page"
    index.encode_ahead(text)  # returns at once; the search below waits for the vector
    ahead = index.search(text, k=3)
    assert queries.texts == [text]
    assert queries.threads[0].startswith("kb-query-ahead")

    # the same hits, to the last digit, as a search that encodes the text itself
    fresh, _ = build_index(
        read_articles(kb),
        "kb",
        default_encoder(),
        db_path=tmp_path / "i.sqlite",
        query_encoder=CountingEncoder(),
    )
    assert ahead == fresh.search(text, k=3)
