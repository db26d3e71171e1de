"""Knowledge-base files: markdown articles with front matter, or one JSONL file.

This module reads and validates articles; ``tools.knowledge.retrieval`` indexes and searches
them and ``tools.knowledge.kb_store`` keeps the index on disk.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from supportgraph.graph.errors import KBError
from supportgraph.graph.models import EFFECTS
from supportgraph.tools import shipped_data

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
REQUIRED_KEYS = ("id", "title", "tags", "product_area", "updated_at", "status")


@dataclass(frozen=True)
class Article:
    """One KB article: metadata from its front matter and its markdown body.

    ``responds_to`` names what must have happened for the steps to apply (effects as
    triage reads them, e.g. ``exposure``): an incident playbook ("revoke every key that
    may have been exposed") is no answer to a routine question on the same topic.
    Empty for an article that answers questions.
    """

    id: str
    title: str
    tags: tuple[str, ...]
    product_area: str
    updated_at: date
    status: str
    body: str
    source: str
    responds_to: tuple[str, ...] = ()

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


def _responds_to(value: object, where: str) -> tuple[str, ...]:
    """The optional ``responds_to`` list, checked against the effects triage reads."""
    if value is None or value == "":
        return ()
    named = tuple(map(str, value)) if isinstance(value, list) else (str(value),)
    unknown = [effect for effect in named if effect not in EFFECTS]
    if unknown:
        raise KBError(
            f"{where}: responds_to names {', '.join(map(repr, unknown))}; "
            f"use effects among {', '.join(EFFECTS)}"
        )
    return named


def parse_article(text: str, source: str) -> Article:
    """Parse one markdown article; raise KBError naming the file on bad input."""
    match = _FRONT_MATTER.match(text)
    if not match:
        raise KBError(f"{source}: no front matter; start the file with '---' and key: value lines")
    meta: dict[str, str | list[str]] = {}
    for number, line in enumerate(match.group(1).splitlines(), start=2):
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise KBError(f"{source}: front matter line {number} is not 'key: value'")
        meta[key.strip()] = _parse_value(value)
    missing = [key for key in REQUIRED_KEYS if key not in meta]
    if missing:
        raise KBError(f"{source}: front matter lacks {', '.join(missing)}")
    tags = meta["tags"]
    try:
        updated = date.fromisoformat(str(meta["updated_at"]))
    except ValueError:
        raise KBError(
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
        responds_to=_responds_to(meta.get("responds_to"), source),
    )


SHIPPED = "shipped"


def shipped_kb_folder() -> Path:
    """The folder of the KB that ships with supportgraph (used when no KB is given)."""
    return shipped_data("kb")


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    if b"\x00" in data:
        raise KBError(f"{path}: binary file, not a text article; remove it from the KB folder")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise KBError(f"{path}: not UTF-8 text; save the article as UTF-8 markdown") from None


def read_articles(path: Path | None = None) -> list[Article]:
    """Read every article of a KB: a folder of ``*.md`` files or one ``.jsonl`` file.

    Args:
        path: KB folder or JSONL file; None reads the shipped KB.

    Raises:
        KBError: the path is missing or empty, or an article is malformed; the
            message names the file (and line).
    """
    path = path or shipped_kb_folder()
    if path.is_file() and path.suffix == ".jsonl":
        articles = read_jsonl_articles(path)
    elif path.is_dir():
        articles = [parse_article(_read_text(f), str(f)) for f in sorted(path.glob("*.md"))]
        if not articles:
            raise KBError(
                f"KB folder {path} holds no .md articles; add markdown files or pass a .jsonl"
            )
    elif path.exists():
        raise KBError(
            f"{path}: a KB is a folder of .md articles or a .jsonl file, not {path.suffix or 'this'}"
        )
    else:
        raise KBError(f"KB {path} does not exist; pass a folder of .md articles or a .jsonl file")
    seen: dict[str, str] = {}
    for article in articles:
        if article.id in seen:
            raise KBError(
                f"{article.source}: duplicate article id {article.id} (also in {seen[article.id]}); "
                "give every article its own id"
            )
        seen[article.id] = article.source
    return articles


def read_jsonl_articles(path: Path) -> list[Article]:
    """Read articles from JSONL lines with ``id``, ``title`` and ``text`` (WixQA format)."""
    articles = []
    for number, line in enumerate(_read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise KBError(
                f"{where}: not JSON ({exc.msg}); write one article object per line"
            ) from None
        if not isinstance(row, dict):
            raise KBError(
                f"{where}: expected an object with id, title, text; got {type(row).__name__}"
            )
        missing = [key for key in ("id", "title", "text") if not str(row.get(key) or "").strip()]
        if missing:
            raise KBError(f"{where}: article lacks {', '.join(missing)}")
        tags = row.get("tags") or []
        try:
            updated = date.fromisoformat(str(row.get("updated_at") or "1970-01-01")[:10])
        except ValueError:
            raise KBError(
                f"{where}: updated_at {row['updated_at']!r} is not a date (YYYY-MM-DD)"
            ) from None
        articles.append(
            Article(
                id=str(row["id"]),
                title=str(row["title"]).strip(),
                tags=tuple(str(t) for t in tags) if isinstance(tags, list) else (str(tags),),
                product_area=str(row.get("product_area") or row.get("article_type") or "general"),
                updated_at=updated,
                status=str(row.get("status") or "published"),
                body=str(row["text"]).strip(),
                source=where,
                responds_to=_responds_to(row.get("responds_to"), where),
            )
        )
    if not articles:
        raise KBError(
            f"{path} holds no articles; write one JSON object per line with id, title, text"
        )
    return articles
