"""Reply templates ("macros"): Jinja2 files per language that a support team can edit.

A template is looked up in three folders, the first that has the file wins:

1. ``Context.templates_path`` (``--templates DIR``, ``SUPPORTGRAPH_TEMPLATES``),
2. ``$SUPPORTGRAPH_HOME/templates``,
3. the shipped templates (``tools/data/templates``).

Each folder holds one sub-folder per language (``en``, ``de``, ``es``, ``fr``…) with
``NAME.txt.j2`` files: a macro per reply situation, ``_layout.txt.j2`` (greeting,
sign-off and the shape of each channel) and ``_team.txt.j2`` (how a team is named to
the customer). ``_email.html.j2`` at a folder's root is the HTML alternative of an
email; it alone is autoescaped. Every template renders with ``StrictUndefined``: a
misspelt variable is an error naming the template, not an empty gap in a reply.
``tools/data/templates/README.md`` lists the variables of each macro.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import jinja2

from supportgraph.graph.errors import ConfigurationError
from supportgraph.tools import shipped_data

SUFFIX = ".txt.j2"
HTML_LAYOUT = "_email.html.j2"
DEFAULT_LANGUAGE = "en"
# The shipped knowledge base is written in English; steps quoted from it into a reply in
# another language come with a note saying so.
KB_LANGUAGE = "en"

_MONTHS = {
    "en": "January February March April May June July August September October November December",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
}


def shipped_folder() -> Path:
    """The templates that ship with supportgraph."""
    return shipped_data("templates")


def format_money(amount: float, currency: str | None, lang: str = DEFAULT_LANGUAGE) -> str:
    """``amount`` as a customer reads it in ``lang``: 1,234.50 USD or 1.234,50 USD."""
    text = f"{amount:,.2f}"
    if lang in ("de", "es"):
        text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    elif lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return f"{text} {currency}".strip() if currency else text


def format_number(value: float, lang: str = DEFAULT_LANGUAGE) -> str:
    """A whole number with the thousands separator of ``lang``: 6,000 / 6.000 / 6 000."""
    text = f"{round(value):,}"
    return text.replace(",", {"de": ".", "es": ".", "fr": "\u202f"}.get(lang, ","))


_FORMAL_PRONOUN = re.compile(r"^(Sie|Ihr\w*)\b")


def lower_first(text: str) -> str:
    """``text`` with its first letter in lower case, as German text after "Hallo X," needs.

    The polite ``Sie``/``Ihr…`` keep their capital; German templates avoid opening with
    a noun, which would keep it too.
    """
    return text if _FORMAL_PRONOUN.match(text) else text[:1].lower() + text[1:]


def format_date(value: date, lang: str = DEFAULT_LANGUAGE) -> str:
    """A date written out in ``lang``: 3 November 2026, 3. November 2026, 3 de noviembre…."""
    month = _MONTHS.get(lang, _MONTHS["en"]).split()[value.month - 1]
    if lang == "de":
        return f"{value.day}. {month} {value.year}"
    if lang == "es":
        return f"{value.day} de {month} de {value.year}"
    return f"{value.day} {month} {value.year}"


@dataclass(frozen=True)
class Macro:
    """One template as found: its name, language and the file it comes from."""

    name: str
    language: str
    path: Path


class Macros:
    """The reply templates of one configuration (override folders over the shipped ones)."""

    def __init__(self, folders: tuple[Path, ...]) -> None:
        self.folders = folders
        self._environments: dict[str, jinja2.Environment] = {}

    @property
    def languages(self) -> tuple[str, ...]:
        """Languages with at least one macro, in alphabetical order."""
        found = {
            d.name
            for folder in self.folders
            for d in folder.iterdir()
            if d.is_dir() and any(d.glob(f"*{SUFFIX}"))
        }
        return tuple(sorted(found))

    def find(self, name: str, language: str) -> Macro | None:
        """The file that ``name`` in ``language`` renders from, or None when none has it."""
        for folder in self.folders:
            path = folder / language / f"{name}{SUFFIX}"
            if path.is_file():
                return Macro(name, language, path)
        return None

    def catalog(self) -> dict[str, dict[str, Macro]]:
        """Every public macro (names not starting with ``_``) by name, then language."""
        found: dict[str, dict[str, Macro]] = {}
        for language in self.languages:
            for folder in self.folders:
                for path in sorted((folder / language).glob(f"*{SUFFIX}")):
                    name = path.name.removesuffix(SUFFIX)
                    if not name.startswith("_"):
                        found.setdefault(name, {}).setdefault(language, Macro(name, language, path))
        return dict(sorted(found.items()))

    def language_for(self, language: str | None) -> str:
        """``language`` when templates exist for it, else English."""
        if language and language in self.languages:
            return language
        return DEFAULT_LANGUAGE

    def render(self, name: str, language: str, **variables: Any) -> str:
        """Render macro ``name`` in ``language`` as plain text (nothing escaped).

        Raises:
            ConfigurationError: no such template, a syntax error, or a variable the
                template uses that this situation does not provide.
        """
        if self.find(name, language) is None:
            known = ", ".join(self.catalog()) or "none"
            raise ConfigurationError(
                f"no template {language}/{name}{SUFFIX} in {self._where()}; macros: {known}"
            )
        return tidy(self._render(self._environment(language), f"{name}{SUFFIX}", variables))

    def render_html(self, **variables: Any) -> str:
        """Render the HTML email layout with autoescaping: text in it cannot become markup."""
        return self._render(self._environment(None), HTML_LAYOUT, variables).strip() + "\n"

    def _where(self) -> str:
        return ", ".join(str(f) for f in self.folders)

    def _environment(self, language: str | None) -> jinja2.Environment:
        key = language or ""
        if key not in self._environments:
            if language is None:
                search = [str(f) for f in self.folders]
            else:
                search = [str(f / language) for f in self.folders if (f / language).is_dir()]
            env = jinja2.Environment(
                loader=jinja2.FileSystemLoader(search),
                undefined=jinja2.StrictUndefined,
                autoescape=language is None,  # only the HTML layout is escaped
                trim_blocks=True,
                lstrip_blocks=True,
                keep_trailing_newline=False,
            )
            lang = language or DEFAULT_LANGUAGE
            env.filters["money"] = lambda amount, currency=None: format_money(
                amount, currency, lang
            )
            env.filters["longdate"] = partial(format_date, lang=lang)
            env.filters["cap"] = lambda text: str(text)[:1].upper() + str(text)[1:]
            env.filters["number"] = partial(format_number, lang=lang)
            env.filters["lowerfirst"] = lower_first
            self._environments[key] = env
        return self._environments[key]

    def _render(self, env: jinja2.Environment, template: str, variables: dict[str, Any]) -> str:
        try:
            return env.get_template(template).render(**variables)
        except jinja2.TemplateSyntaxError as exc:
            raise ConfigurationError(
                f"template {exc.filename or template} line {exc.lineno}: {exc.message}"
            ) from None
        except jinja2.UndefinedError as exc:
            raise ConfigurationError(
                f"template {template}: {exc.message}; it may use {', '.join(sorted(variables))}"
            ) from None
        except jinja2.TemplateNotFound as exc:
            raise ConfigurationError(
                f"template {template} includes {exc.name}, which is in none of {self._where()}"
            ) from None


_BLANK_RUNS = re.compile(r"\n{3,}")


def tidy(text: str) -> str:
    """Rendered text with trailing spaces cut and at most one blank line in a row."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines))


@lru_cache(maxsize=8)
def _load(folders: tuple[Path, ...]) -> Macros:
    return Macros(folders)


def load_macros(templates_path: Path | None = None) -> Macros:
    """The templates for a run: ``templates_path``, then ``$SUPPORTGRAPH_HOME``'s, then ours.

    Raises:
        ConfigurationError: ``templates_path`` is given but is not a folder.
    """
    from supportgraph.graph.context import home_dir

    if templates_path is not None and not templates_path.is_dir():
        raise ConfigurationError(
            f"templates folder {templates_path} does not exist or is not a folder; "
            "pass a folder with one sub-folder per language (en/, de/…)"
        )
    folders = (
        *((templates_path.absolute(),) if templates_path else ()),
        (home_dir() / "templates").absolute(),
        shipped_folder(),
    )
    # Keyed by the folders that exist now: a templates folder created later is seen.
    return _load(tuple(f for f in folders if f.is_dir()))
