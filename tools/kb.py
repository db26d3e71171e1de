"""The product knowledge base: markdown articles with front matter, searched with BM25."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path

import bm25s
import numpy as np

from supportgraph.graph.errors import ConfigurationError
from supportgraph.graph.models import KBHit
from supportgraph.tools.text import tokens

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
REQUIRED_KEYS = ("id", "title", "tags", "product_area", "updated_at", "status")


@dataclass(frozen=True)
class Article:
    """One KB article: metadata from its front matter and its markdown body."""

    id: str
    title: str
    tags: tuple[str, ...]
    product_area: str
    updated_at: date
    status: str
    body: str
    source: str

    @property
    def steps(self) -> list[str]:
        """Numbered items of the article's ``## Steps`` section, verbatim."""
        section = re.search(r"^## Steps\s*\n(.*?)(?=^## |\Z)", self.body, re.MULTILINE | re.DOTALL)
        if not section:
            return []
        return [m.strip() for m in re.findall(r"^\s*\d+\.\s+(.+)$", section.group(1), re.MULTILINE)]

    @property
    def paragraphs(self) -> list[str]:
        """Body split into paragraphs and list items, headings dropped."""
        parts = re.split(r"\n\s*\n|\n(?=\s*\d+\.\s)", self.body)
        return [p.strip() for p in parts if p.strip() and not p.strip().startswith("#")]


def _parse_value(value: str) -> str | list[str]:
    value = value.strip()
    if value.startswith("[") and value.endswith("]"):
        return [item.strip().strip("'\"") for item in value[1:-1].split(",") if item.strip()]
    return value.strip("'\"")


def parse_article(text: str, source: str) -> Article:
    """Parse one markdown article; raise ConfigurationError naming the file on bad input."""
    match = _FRONT_MATTER.match(text)
    if not match:
        raise ConfigurationError(
            f"{source}: no front matter; start the file with '---' and key: value lines"
        )
    meta: dict[str, str | list[str]] = {}
    for number, line in enumerate(match.group(1).splitlines(), start=2):
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise ConfigurationError(f"{source}: front matter line {number} is not 'key: value'")
        meta[key.strip()] = _parse_value(value)
    missing = [key for key in REQUIRED_KEYS if key not in meta]
    if missing:
        raise ConfigurationError(f"{source}: front matter lacks {', '.join(missing)}")
    tags = meta["tags"]
    try:
        updated = date.fromisoformat(str(meta["updated_at"]))
    except ValueError:
        raise ConfigurationError(
            f"{source}: updated_at {meta['updated_at']!r} is not a date (YYYY-MM-DD)"
        ) from None
    return Article(
        id=str(meta["id"]),
        title=str(meta["title"]),
        tags=tuple(tags) if isinstance(tags, list) else (str(tags),),
        product_area=str(meta["product_area"]),
        updated_at=updated,
        status=str(meta["status"]),
        body=text[match.end() :].strip(),
        source=source,
    )


class KnowledgeBase:
    """Published articles indexed with BM25 over title, tags and body."""

    def __init__(self, articles: Iterable[Article]) -> None:
        self.articles: dict[str, Article] = {}
        for article in articles:
            if article.id in self.articles:
                raise ConfigurationError(
                    f"{article.source}: duplicate article id {article.id} "
                    f"(also in {self.articles[article.id].source})"
                )
            if article.status == "published":
                self.articles[article.id] = article
        if not self.articles:
            raise ConfigurationError("the knowledge base has no published articles")
        self._ids = list(self.articles)
        self._index = bm25s.BM25()
        corpus = [self._document_tokens(self.articles[i]) for i in self._ids]
        self._index.index(corpus, show_progress=False)

    @staticmethod
    def _document_tokens(article: Article) -> list[str]:
        weighted = f"{article.title} {article.title} {' '.join(article.tags)} {article.body}"
        return tokens(weighted)

    def search(self, query: str, k: int = 3, min_score: float = 0.0) -> list[KBHit]:
        """Return up to ``k`` articles scoring at least ``min_score``, best first."""
        query_tokens = tokens(query)
        if not query_tokens:
            return []
        scores = np.asarray(self._index.get_scores(query_tokens))
        order = np.argsort(-scores)[:k]
        hits = []
        for position in order:
            score = float(scores[position])
            if score <= 0 or score < min_score:
                break
            article = self.articles[self._ids[position]]
            hits.append(
                KBHit(
                    article_id=article.id,
                    title=article.title,
                    score=round(score, 3),
                    passage=best_passage(article, query_tokens),
                )
            )
        return hits

    def get(self, article_id: str) -> Article:
        """Return an article by id, or raise KeyError naming it."""
        try:
            return self.articles[article_id]
        except KeyError:
            raise KeyError(f"no KB article {article_id}") from None


def best_passage(article: Article, query_tokens: list[str]) -> str:
    """The paragraph of ``article`` sharing the most distinct query terms."""
    wanted = set(query_tokens)
    paragraphs = article.paragraphs or [article.title]
    return max(paragraphs, key=lambda p: len(wanted & set(tokens(p))))


def read_articles(folder: Path | None = None) -> list[Article]:
    """Read every ``*.md`` article in ``folder`` (the shipped KB when None)."""
    if folder is None:
        root = resources.files("supportgraph.tools").joinpath("data/kb")
        files = sorted((f for f in root.iterdir() if f.name.endswith(".md")), key=lambda f: f.name)
        return [parse_article(f.read_text(encoding="utf-8"), f"kb/{f.name}") for f in files]
    if not folder.is_dir():
        raise ConfigurationError(f"KB folder {folder} does not exist")
    articles = []
    for path in sorted(folder.glob("*.md")):
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise ConfigurationError(f"{path}: not UTF-8 text; KB articles are markdown") from None
        articles.append(parse_article(text, str(path)))
    if not articles:
        raise ConfigurationError(f"KB folder {folder} holds no .md articles")
    return articles


@lru_cache(maxsize=4)
def load_kb(folder: Path | None = None) -> KnowledgeBase:
    """The knowledge base in ``folder`` (shipped KB when None), built once per process."""
    return KnowledgeBase(read_articles(folder))
