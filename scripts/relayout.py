"""Move modules to the package layout of issue 13 and rewrite every reference to them.

Usage:
    python scripts/relayout.py                 # git mv what is still at an old path, then
                                               # rewrite every reference to an old path
    python scripts/relayout.py --rewrite-only  # no moves: only rewrite references (after
                                               # merging a branch written against old paths)
    python scripts/relayout.py --check         # change nothing; exit 1 listing what is left

The tables below are the whole plan: ``MODULES`` maps each old module to its new one,
``SYMBOLS`` names that moved out of a module that stays, ``NEW_PACKAGES`` the packages
the moves create (with the docstring of their ``__init__.py``), ``PACKAGE_DIRS`` the
top-level folders installed under ``supportgraph``. To place a module that a merged
branch added at an old spot, add a line to ``MODULES`` and run the script again.

It is idempotent: on a tree already moved and rewritten it changes nothing. It rewrites,
in every tracked or new text file (code, tests, docs, notebooks, templates, pyproject,
Makefile, langgraph.json; test data and this file excepted):

- ``from supportgraph.tools.kb import x``, ``import supportgraph.tools.kb``, and any
  dotted name such as ``"supportgraph.tools.kb.search"`` (patch targets, importlib,
  ``sys.modules`` checks, ``:func:`` references);
- ``from supportgraph.tools import kb, escape`` (split per new package) and
  ``from supportgraph.graph.builder import build_graph`` (a moved symbol);
- short names such as ``tools.kb`` where they follow a backtick (docstrings, markdown),
  file paths ``tools/kb.py`` and path joins ``"tools" / "kb.py"``;
- the setuptools ``package-dir`` and ``packages`` of pyproject.toml, the Makefile's
  loop over the top-level folders, and Python tuples listing the top-level folders;
- ``Path(__file__).parents[N]`` inside a module whose folder depth changes (at its move).

Changed Python files then get ``ruff check --select I --fix`` and ``ruff format``.

After merging a branch written against the old layout, run the script again (or with
``--rewrite-only``): where git followed a move, the branch's edits are already in the
new file and only their imports need rewriting. Where the merge left an old file beside
its new one, the script stops and names both: carry the changes over, ``git rm`` the old
file, rerun. A module the branch added flat in tools/ makes ``--check`` fail until it has
a line in ``MODULES``.
"""

from __future__ import annotations

import argparse
import ast
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

# Top-level folders and the package each installs as (setuptools package-dir).
PACKAGE_DIRS: dict[str, str] = {
    "supportgraph.graph": "graph",
    "supportgraph.nodes": "nodes",
    "supportgraph.tools": "tools",
    "supportgraph.checkpoints": "checkpoints",
    "supportgraph.runs": "runs",
    "supportgraph.cli": "cli",
    "supportgraph.reports": "reports",
}

# Packages the moves create: the summary line and the text of their __init__.py docstring.
NEW_PACKAGES: dict[str, tuple[str, str]] = {
    "supportgraph.runs": (
        "Tickets run against a checkpoint store.",
        "Batches and resumes under each ticket's lease, the review inbox, a ticket's history "
        "and replays, retention, and the outcome evaluation. graph/ defines the graph and "
        "checkpoints/ the stores; this package is the one that brings them together.",
    ),
    "supportgraph.tools.triage": (
        "Triage models and features: category, priority and who must act.",
        "The triage engines (embedded and LLM), the learned judgement and its tuning data, "
        "priority from impact and urgency, the default taxonomy and label maps, a team's own "
        "trained model with its features and training files, and triage evaluation.",
    ),
    "supportgraph.tools.signals": (
        "What a ticket's own words signal, beyond its category.",
        "The text a ticket is judged on (quoted history and steering cut off, obfuscation "
        "undone), its language, sentiment, troubleshooting entities, and the requests a "
        "person must approve or handle first.",
    ),
    "supportgraph.tools.knowledge": (
        "The knowledge base: articles, the index, retrieval and upkeep.",
        "Article files, the persistent SQLite index with its passages and MiniLM embeddings, "
        "hybrid retrieval with its reranker and evaluation, drafts from resolved tickets and "
        "KB health from the search log.",
    ),
    "supportgraph.tools.safety": (
        "Untrusted text made safe: escaped for each medium, personal data redacted.",
        "Escaping for the console, markdown, email headers and shell commands, and redaction "
        "of personal data and secrets (numbers, names, addresses) before text is stored, "
        "reported or drafted.",
    ),
    "supportgraph.tools.reply": (
        "Replies to the customer, and the audit of what was sent.",
        "What a reply says (its plan), the macros per language that render it, salutations, "
        "the internal notes kept apart from it, and the reply audit with its markers.",
    ),
    "supportgraph.tools.delivery": (
        "Outward effects and their delivery.",
        "Outbox messages with idempotency keys, the relay that delivers them effectively "
        "once, and team notifications through webhooks.",
    ),
    "supportgraph.tools.accounts": (
        "Plans, customers and billing: what the success node checks.",
        "The plan catalog, the customer directory and sender verification, the billing "
        "ledger, and the refunds already sent per charge.",
    ),
    "supportgraph.tools.tickets": (
        "Tickets coming in: files, validation and big bodies.",
        "Ticket files cut into records read one by one, validation of each ticket, and big "
        "bodies kept in a blob store by hash, out of the checkpoints.",
    ),
    "supportgraph.tools.desk": (
        "The support desk's own rules, in files it edits.",
        "SLA deadlines per priority, the teams a ticket can be handed to and where they are "
        "notified, and the short durations (15m, 2h) these files are written in.",
    ),
}

# Old module -> new module. Every move of issue 13, and nothing else.
MODULES: dict[str, str] = {
    # What runs tickets against a store: graph/ no longer imports checkpoints/.
    "supportgraph.graph.runner": "supportgraph.runs.runner",
    "supportgraph.graph.inbox": "supportgraph.runs.inbox",
    "supportgraph.checkpoints.maintenance": "supportgraph.runs.maintenance",
    "supportgraph.checkpoints.retention": "supportgraph.runs.retention",
    "supportgraph.tools.outcome_eval": "supportgraph.runs.outcome_eval",
    # tools/triage/
    "supportgraph.tools.engines": "supportgraph.tools.triage.engines",
    "supportgraph.tools.llm": "supportgraph.tools.triage.llm",
    "supportgraph.tools.judgement": "supportgraph.tools.triage.judgement",
    "supportgraph.tools.judgement_data": "supportgraph.tools.triage.judgement_data",
    "supportgraph.tools.severity": "supportgraph.tools.triage.severity",
    "supportgraph.tools.category": "supportgraph.tools.triage.category",
    "supportgraph.tools.label_map": "supportgraph.tools.triage.label_map",
    "supportgraph.tools.multilingual": "supportgraph.tools.triage.multilingual",
    "supportgraph.tools.triage_features": "supportgraph.tools.triage.triage_features",
    "supportgraph.tools.triage_model": "supportgraph.tools.triage.triage_model",
    "supportgraph.tools.training_data": "supportgraph.tools.triage.training_data",
    "supportgraph.tools.evaluation": "supportgraph.tools.triage.evaluation",
    # tools/signals/
    "supportgraph.tools.ticket_text": "supportgraph.tools.signals.ticket_text",
    "supportgraph.tools.quoting": "supportgraph.tools.signals.quoting",
    "supportgraph.tools.steering": "supportgraph.tools.signals.steering",
    "supportgraph.tools.normalize": "supportgraph.tools.signals.normalize",
    "supportgraph.tools.intents": "supportgraph.tools.signals.intents",
    "supportgraph.tools.language": "supportgraph.tools.signals.language",
    "supportgraph.tools.sentiment": "supportgraph.tools.signals.sentiment",
    "supportgraph.tools.sentiment_lexicons": "supportgraph.tools.signals.sentiment_lexicons",
    "supportgraph.tools.entities": "supportgraph.tools.signals.entities",
    # tools/knowledge/
    "supportgraph.tools.kb": "supportgraph.tools.knowledge.kb",
    "supportgraph.tools.kb_store": "supportgraph.tools.knowledge.kb_store",
    "supportgraph.tools.passages": "supportgraph.tools.knowledge.passages",
    "supportgraph.tools.text": "supportgraph.tools.knowledge.text",
    "supportgraph.tools.embeddings": "supportgraph.tools.knowledge.embeddings",
    "supportgraph.tools.retrieval": "supportgraph.tools.knowledge.retrieval",
    "supportgraph.tools.rerank": "supportgraph.tools.knowledge.rerank",
    "supportgraph.tools.retrieval_eval": "supportgraph.tools.knowledge.retrieval_eval",
    "supportgraph.tools.kb_drafts": "supportgraph.tools.knowledge.kb_drafts",
    "supportgraph.tools.kb_health": "supportgraph.tools.knowledge.kb_health",
    # tools/safety/
    "supportgraph.tools.escape": "supportgraph.tools.safety.escape",
    "supportgraph.tools.redaction": "supportgraph.tools.safety.redaction",
    "supportgraph.tools.pii_addresses": "supportgraph.tools.safety.pii_addresses",
    "supportgraph.tools.pii_names": "supportgraph.tools.safety.pii_names",
    "supportgraph.tools.pii_numbers": "supportgraph.tools.safety.pii_numbers",
    # tools/reply/
    "supportgraph.tools.reply_plan": "supportgraph.tools.reply.reply_plan",
    "supportgraph.tools.replies": "supportgraph.tools.reply.replies",
    "supportgraph.tools.macros": "supportgraph.tools.reply.macros",
    "supportgraph.tools.salutations": "supportgraph.tools.reply.salutations",
    "supportgraph.tools.internal_notes": "supportgraph.tools.reply.internal_notes",
    "supportgraph.tools.reply_markers": "supportgraph.tools.reply.reply_markers",
    "supportgraph.tools.reply_audit": "supportgraph.tools.reply.reply_audit",
    # tools/delivery/
    "supportgraph.tools.outbox": "supportgraph.tools.delivery.outbox",
    "supportgraph.tools.relay": "supportgraph.tools.delivery.relay",
    "supportgraph.tools.webhooks": "supportgraph.tools.delivery.webhooks",
    # tools/accounts/
    "supportgraph.tools.catalog": "supportgraph.tools.accounts.catalog",
    "supportgraph.tools.customers": "supportgraph.tools.accounts.customers",
    "supportgraph.tools.ledger": "supportgraph.tools.accounts.ledger",
    "supportgraph.tools.refunds": "supportgraph.tools.accounts.refunds",
    # tools/tickets/
    "supportgraph.tools.intake": "supportgraph.tools.tickets.intake",
    "supportgraph.tools.ticket_files": "supportgraph.tools.tickets.ticket_files",
    "supportgraph.tools.blobs": "supportgraph.tools.tickets.blobs",
    # tools/desk/
    "supportgraph.tools.sla": "supportgraph.tools.desk.sla",
    "supportgraph.tools.teams": "supportgraph.tools.desk.teams",
    "supportgraph.tools.durations": "supportgraph.tools.desk.durations",
}

# Old module.name -> new module.name for names that left a module which stays. Each is
# applied only once its new module exists: graph/ builds the graph without a store, and
# the graph compiled on a store (writes fenced by ticket leases) is built in runs/.
SYMBOLS: dict[str, str] = {
    "supportgraph.graph.builder.build_graph": "supportgraph.runs.build.build_graph",
    "supportgraph.graph.build_graph": "supportgraph.runs.build.build_graph",
}

# Folders whose flat modules must all be placed by MODULES (none may stay behind).
GROUPED_FOLDERS = ("tools",)

TEXT_SUFFIXES = {
    ".py", ".pyi", ".md", ".rst", ".txt", ".ipynb", ".toml", ".json", ".cfg", ".ini",
    ".yml", ".yaml", ".sh", ".j2",
}  # fmt: skip
TEXT_NAMES = {"Makefile", "run"}
# Data, not references: tickets, corpora, KB articles, models.
SKIP_PREFIXES = ("tests/data/", "tools/data/kb/", "tools/data/models/", "examples/")
SKIP_SUFFIXES = (".jsonl",)
THIS_FILE = "scripts/relayout.py"


def package_folder(package: str) -> Path:
    """The folder of ``package`` in the checkout, from the package-dir mapping."""
    for top, folder in sorted(PACKAGE_DIRS.items(), key=lambda item: -len(item[0])):
        if package == top:
            return Path(folder)
        if package.startswith(top + "."):
            return Path(folder, *package[len(top) + 1 :].split("."))
    raise SystemExit(f"{package}: not under any package of PACKAGE_DIRS")


def module_file(module: str) -> Path:
    """The file of ``module`` in the checkout."""
    package, name = module.rsplit(".", 1)
    return package_folder(package) / f"{name}.py"


def _validate_tables() -> None:
    """Refuse a table that would make the rewrite ambiguous or not idempotent."""
    olds = set(MODULES) | set(SYMBOLS)
    for new in [*MODULES.values(), *SYMBOLS.values(), *NEW_PACKAGES]:
        parts = new.split(".")
        for i in range(2, len(parts) + 1):
            prefix = ".".join(parts[:i])
            if prefix in olds:
                raise SystemExit(f"table error: {new} starts with the old name {prefix}")
    for new in MODULES.values():
        parent = new.rsplit(".", 1)[0]
        if parent not in PACKAGE_DIRS and parent not in NEW_PACKAGES:
            raise SystemExit(f"table error: {new} goes to {parent}, missing from NEW_PACKAGES")
    if len(set(MODULES.values())) != len(MODULES):
        raise SystemExit("table error: two old modules go to the same new one")


# ---------------------------------------------------------------- git and files


def git(*args: str, check: bool = True) -> str:
    """Run git in the current directory and return its stdout."""
    done = subprocess.run(["git", *args], capture_output=True, text=True)
    if check and done.returncode != 0:
        raise SystemExit(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def text_files() -> list[Path]:
    """Tracked and new (not ignored) text files that may refer to a module."""
    names = git("ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
    found = []
    for name in sorted(set(filter(None, names))):
        path = Path(name)
        if name == THIS_FILE or name.startswith(SKIP_PREFIXES) or name.endswith(SKIP_SUFFIXES):
            continue
        if path.suffix not in TEXT_SUFFIXES and path.name not in TEXT_NAMES:
            continue
        if path.is_file():
            found.append(path)
    return found


def read(path: Path) -> str | None:
    """The text of ``path``, or None when it is not UTF-8 text."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None


# ---------------------------------------------------------------- rewrite rules


def _active_symbols() -> dict[str, str]:
    """SYMBOLS whose new module exists in this checkout."""
    return {
        old: new for old, new in SYMBOLS.items() if module_file(new.rsplit(".", 1)[0]).is_file()
    }


@functools.cache
def _dotted_pattern(names: frozenset[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w.])(?:{alternatives})(?!\w)")


_FROM_IMPORT = re.compile(
    r"^(?P<indent>[ \t]*)from[ \t]+(?P<mod>supportgraph(?:\.\w+)*)[ \t]+import[ \t]+"
    r"(?:\((?P<paren>[^)]*)\)|(?P<plain>[^\n#()\\]*?))(?P<tail>[ \t]*(?:#[^\n]*)?)$",
    re.M,
)


@dataclass
class _Name:
    name: str
    alias: str | None
    comment: str = ""

    def render(self) -> str:
        return self.name + (f" as {self.alias}" if self.alias else "")


def _parse_names(match: re.Match[str]) -> list[_Name] | None:
    if match["plain"] is not None:
        lines = [(match["plain"], "")]
    else:
        lines = []
        for line in match["paren"].split("\n"):
            code, _, comment = line.partition("#")
            lines.append((code, comment.strip()))
    names: list[_Name] = []
    for code, comment in lines:
        entries = [e.strip() for e in code.split(",") if e.strip()]
        for i, entry in enumerate(entries):
            parts = entry.split()
            if len(parts) == 1 and parts[0].isidentifier():
                names.append(_Name(parts[0], None))
            elif len(parts) == 3 and parts[1] == "as":
                names.append(_Name(parts[0], parts[2]))
            else:
                return None  # not a plain import list: leave it for the ast check to report
            if comment and i == len(entries) - 1:
                names[-1].comment = comment
        if comment and not entries and names:
            names[-1].comment = (names[-1].comment + " " + comment).strip()
    return names


def _render_import(indent: str, module: str, names: list[_Name], tail: str) -> str:
    if any(n.comment for n in names) or len(names) > 4:
        body = "".join(
            f"{indent}    {n.render()},{'  # ' + n.comment if n.comment else ''}\n" for n in names
        )
        return f"{indent}from {module} import ({tail}\n{body}{indent})"
    return f"{indent}from {module} import {', '.join(n.render() for n in names)}{tail}"


def split_imports(text: str, symbols: dict[str, str]) -> str:
    """Rewrite ``from pkg import a, b`` where a name is a moved module or symbol."""

    def target(module: str, name: str) -> tuple[str, str] | None:
        full = f"{module}.{name}"
        new = MODULES.get(full) or symbols.get(full)
        return tuple(new.rsplit(".", 1)) if new else None  # type: ignore[return-value]

    def replace(match: re.Match[str]) -> str:
        module = match["mod"]
        names = _parse_names(match)
        if names is None or not any(target(module, n.name) for n in names):
            return match[0]
        groups: dict[str, list[_Name]] = {}
        for n in names:
            moved = target(module, n.name)
            if moved is None:
                groups.setdefault(module, []).append(n)
                continue
            new_module, new_name = moved
            alias = n.alias or (n.name if new_name != n.name else None)
            groups.setdefault(new_module, []).append(_Name(new_name, alias, n.comment))
        tail = match["tail"].rstrip()
        statements = []
        for i, (new_module, group) in enumerate(groups.items()):
            statements.append(
                _render_import(match["indent"], new_module, group, tail if i == 0 else "")
            )
        return "\n".join(statements)

    return _FROM_IMPORT.sub(replace, text)


@functools.cache
def _path_patterns() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, Path]]:
    """Old module paths without ``.py`` (``tools/kb``), bare and as quoted path joins."""
    stems = {
        module_file(old).with_suffix("").as_posix(): module_file(new)
        for old, new in MODULES.items()
    }
    alternatives = "|".join(re.escape(s) for s in sorted(stems, key=len, reverse=True))
    # tools/kb.py, tools/kb.search, `tools/kb`: not tools/kb_store, not mytools/kb.
    bare = re.compile(rf"(?<![\w.-])(?:{alternatives})(?![\w/-])")
    names = "|".join(
        r"\s*/\s*".join(rf"[\"']{re.escape(part)}[\"']" for part in Path(stem + ".py").parts)
        for stem in sorted(stems, key=len, reverse=True)
    )
    joined = re.compile(rf"(?:{names})")  # ROOT / "tools" / "kb.py"
    return bare, joined, stems


def rewrite_paths(text: str) -> str:
    """File paths (``tools/kb.py``) and path joins (``"tools" / "kb.py"``) of moved modules."""
    bare, joined, stems = _path_patterns()

    def join(match: re.Match[str]) -> str:
        quote = match[0][0]
        parts = re.findall(r"[\"']([^\"']+)[\"']", match[0])
        new = stems["/".join(parts)[: -len(".py")]]
        return " / ".join(f"{quote}{part}{quote}" for part in new.parts)

    text = bare.sub(lambda m: stems[m[0]].with_suffix("").as_posix(), text)
    return joined.sub(join, text)


def rewrite_names(text: str, symbols: dict[str, str]) -> str:
    """Dotted module names and file paths, anywhere in a text."""
    renames = {**MODULES, **symbols}
    text = _dotted_pattern(frozenset(renames)).sub(lambda m: renames[m[0]], text)
    # ``tools.kb`` in a docstring or markdown: the short name, inside backticks only.
    short = {
        old.removeprefix("supportgraph."): new.removeprefix("supportgraph.")
        for old, new in renames.items()
    }
    alternatives = "|".join(re.escape(n) for n in sorted(short, key=len, reverse=True))
    text = re.sub(rf"(?<=[`~])(?:{alternatives})(?![\w])", lambda m: short[m[0]], text)
    return rewrite_paths(text)


def rewrite_code(text: str, symbols: dict[str, str]) -> str:
    """Imports, dotted names and paths in Python source or prose."""
    return rewrite_names(split_imports(text, symbols), symbols)


def rewrite_notebook(raw: str, symbols: dict[str, str]) -> str:
    """A notebook: imports split in its code cells, names and paths rewritten everywhere."""
    notebook = json.loads(raw)
    cells_changed = False
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", [])
        joined = "".join(source) if isinstance(source, list) else source
        new = split_imports(joined, symbols)
        if new != joined:
            cell["source"] = new.splitlines(keepends=True) if isinstance(source, list) else new
            cells_changed = True
    # nbformat's own layout (indent 1, UTF-8 kept), so an unchanged cell stays byte for byte.
    out = json.dumps(notebook, indent=1, ensure_ascii=False) + "\n" if cells_changed else raw
    return rewrite_names(out, symbols)


def _top_level_folders() -> list[str]:
    return list(PACKAGE_DIRS.values())


def rewrite_pyproject(text: str) -> str:
    """The setuptools package-dir and packages: every top-level folder and new package."""

    def package_dir(match: re.Match[str]) -> str:
        body = match[1]
        present = dict(re.findall(r'"([\w.]+)"\s*=\s*"([\w./]+)"', body))
        missing = [(p, f) for p, f in PACKAGE_DIRS.items() if p not in present]
        if not missing:
            return match[0]
        added = "".join(f', "{p}" = "{f}"' for p, f in missing)
        return match[0][: match.start(1) - match.start(0)] + body.rstrip() + added + " }"

    text = re.sub(r"package-dir\s*=\s*\{([^}]*)\}", package_dir, text, count=1)

    def packages(match: re.Match[str]) -> str:
        opening = match[1] if match[1].endswith("\n") else match[1] + "\n"
        present = re.findall(r'"([\w.]+)"', match[2])
        wanted = list(present)
        for package in [*PACKAGE_DIRS, *NEW_PACKAGES]:
            if package in wanted:
                continue
            parent = package.rsplit(".", 1)[0]
            family = [i for i, p in enumerate(wanted) if p == parent or p.startswith(parent + ".")]
            if parent in wanted and family:
                wanted.insert(family[-1] + 1, package)
            else:
                wanted.append(package)
        if wanted == present:
            return match[0]
        return opening + "".join(f'    "{p}",\n' for p in wanted) + "]"

    section = re.search(r"^\[tool\.setuptools\]\n(?:(?!^\[).*\n?)*", text, re.M)
    if section:
        block = re.sub(
            r"(^packages\s*=\s*\[\n?)([^\]]*)\]", packages, section[0], count=1, flags=re.M
        )
        text = text[: section.start()] + block + text[section.end() :]
    return text


def rewrite_folder_lists(path: Path, text: str) -> str:
    """Lists of every top-level folder: the Makefile's loop, Python tuples of names."""
    folders = _top_level_folders()
    known = {"graph", "nodes", "tools", "checkpoints"}
    if path.name == "Makefile":

        def loop(match: re.Match[str]) -> str:
            words = match[1].split()
            if not known <= set(words):
                return match[0]
            missing = [f for f in folders if f not in words]
            return match[0] if not missing else f"for d in {' '.join(words + missing)}; do"

        return re.sub(r"for d in ([\w ]+?); do", loop, text)
    if path.suffix == ".py":

        def names(match: re.Match[str]) -> str:
            quote = match[2][0]
            words = re.findall(r"[\"'](\w+)[\"']", match[2])
            if not known <= set(words):
                return match[0]
            missing = [f for f in folders if f not in words]
            if not missing:
                return match[0]
            items = ", ".join(f"{quote}{w}{quote}" for w in words + missing)
            return f"{match[1]}{items}{match[3]}"

        return re.sub(r"([(\[])((?:[\"']\w+[\"'],\s*)+[\"']\w+[\"'],?)\s*([)\]])", names, text)
    return text


def rewrite(path: Path, text: str, symbols: dict[str, str]) -> str:
    """Every rule that applies to ``path``."""
    if path.suffix == ".ipynb":
        return rewrite_notebook(text, symbols)
    text = rewrite_code(text, symbols)
    if path.name == "pyproject.toml":
        text = rewrite_pyproject(text)
    return rewrite_folder_lists(path, text)


def deepen_file_paths(text: str, levels: int) -> str:
    """``Path(__file__)`` climbs ``levels`` more folders in a module moved deeper."""

    def parents(match: re.Match[str]) -> str:
        return f"{match[1]}.parents[{int(match[2]) + levels}]"

    def parent_chain(match: re.Match[str]) -> str:
        count = match[2].count(".parent") + levels
        return f"{match[1]}.parents[{count - 1}]"

    text = re.sub(r"(Path\(__file__\)(?:\.resolve\(\))?)\.parents\[(\d+)\]", parents, text)
    return re.sub(r"(Path\(__file__\)(?:\.resolve\(\))?)((?:\.parent(?!s)\b)+)", parent_chain, text)


# ---------------------------------------------------------------- checks


def ast_leftovers(path: Path, text: str, symbols: dict[str, str]) -> list[str]:
    """Imports of old modules that the text rules could not rewrite (odd formatting)."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            full = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            if any(name in MODULES or name in symbols for name in full):
                found.append(f"{path}:{node.lineno}: imports an old path: {ast.unparse(node)}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in MODULES:
                    found.append(f"{path}:{node.lineno}: imports an old path: {alias.name}")
    return found


def unplaced_modules() -> list[Path]:
    """Flat modules left in a grouped folder (added by a branch, missing from MODULES)."""
    placed = {module_file(old) for old in MODULES}
    left = []
    for folder in GROUPED_FOLDERS:
        for path in sorted(Path(folder).glob("*.py")):
            if path.name != "__init__.py" and path not in placed:
                left.append(path)
    return left


def file_path_notes(moved: Iterable[Path]) -> list[str]:
    """Lines using ``__file__`` in moved modules: a path relative to them may need a look."""
    notes = []
    for path in moved:
        text = read(path) if path.is_file() else None
        for number, line in enumerate((text or "").splitlines(), 1):
            if "__file__" in line:
                notes.append(f"{path}:{number}: {line.strip()}")
    return notes


def changed_lines(before: str, after: str) -> list[tuple[int, str]]:
    """Lines of ``before`` that the rewrite changes (1-based), for the --check listing."""
    import difflib

    lines = before.splitlines()
    out = []
    matcher = difflib.SequenceMatcher(a=lines, b=after.splitlines(), autojunk=False)
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag != "equal":
            out.extend((i + 1, lines[i]) for i in range(i1, i2))
    return out


# ---------------------------------------------------------------- the run


@dataclass
class Plan:
    """What the script does (or, with --check, would do)."""

    moves: list[tuple[Path, Path]] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    inits: list[Path] = field(default_factory=list)


def plan_moves() -> Plan:
    """Which old files still need their move, and which cannot be moved safely."""
    plan = Plan()
    for old, new in MODULES.items():
        old_path, new_path = module_file(old), module_file(new)
        if old_path.exists() and new_path.exists():
            plan.conflicts.append(
                f"{old_path} and {new_path} both exist: merge the old file's changes into the "
                f"new one by hand, `git rm {old_path}`, then run the script again"
            )
        elif old_path.exists():
            plan.moves.append((old_path, new_path))
        elif not new_path.exists():
            plan.missing.append(f"{old} (neither {old_path} nor {new_path} exists)")
    for package in NEW_PACKAGES:
        init = package_folder(package) / "__init__.py"
        if not init.exists():
            plan.inits.append(init)
    return plan


def write_init(init: Path) -> None:
    """Create a new package's ``__init__.py`` holding its docstring."""
    package = next(p for p in NEW_PACKAGES if package_folder(p) / "__init__.py" == init)
    init.parent.mkdir(parents=True, exist_ok=True)
    summary, body = NEW_PACKAGES[package]
    text = "\n".join(textwrap.wrap(body, width=92))
    init.write_text(f'"""{summary}\n\n{text}\n"""\n', encoding="utf-8")
    git("add", str(init))


def ruff_command() -> list[str] | None:
    """How to run ruff here: the project's virtualenv first, then PATH."""
    local = Path(".venv/bin/ruff")
    if local.is_file():
        return [str(local)]
    found = shutil.which("ruff")
    return [found] if found else None


def tidy_python(paths: list[Path]) -> None:
    """Sort imports and format the Python files the rewrite changed."""
    if not paths:
        return
    ruff = ruff_command()
    files = [str(p) for p in paths]
    if ruff is None:
        print("ruff not found: run `ruff check --select I --fix` and `ruff format` on:", *files)
        return
    subprocess.run([*ruff, "check", "--quiet", "--select", "I", "--fix", *files], check=False)
    subprocess.run([*ruff, "format", "--quiet", *files], check=False)


def main(argv: list[str] | None = None) -> int:
    """Run the moves and rewrites, or only check for what is left."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="change nothing; exit 1 if work is left")
    mode.add_argument("--rewrite-only", action="store_true", help="rewrite references, no git mv")
    args = parser.parse_args(argv)

    os.chdir(git("rev-parse", "--show-toplevel").strip())
    _validate_tables()
    symbols = _active_symbols()
    plan = plan_moves()
    problems: list[str] = []
    notes: list[str] = []

    if args.check:
        problems += [f"{old}: still here, to move to {new}" for old, new in plan.moves]
        problems += plan.conflicts
        problems += [f"{init}: missing package file" for init in plan.inits]
        deeper = [
            module_file(new)
            for old, new in MODULES.items()
            if len(module_file(new).parts) != len(module_file(old).parts)
        ]
        notes += [f"a path relative to a moved module: {n}" for n in file_path_notes(deeper)]
    elif plan.conflicts:
        print("Cannot move safely:", *plan.conflicts, sep="\n  ", file=sys.stderr)
        return 1
    elif not args.rewrite_only:
        for init in plan.inits:
            write_init(init)
        for old_path, new_path in plan.moves:
            new_path.parent.mkdir(parents=True, exist_ok=True)
            git("mv", str(old_path), str(new_path))
            levels = len(new_path.parts) - len(old_path.parts)
            text = read(new_path) or ""
            if levels > 0 and "__file__" in text:
                new_path.write_text(deepen_file_paths(text, levels), encoding="utf-8")
                notes += [f"deepened by {levels}: {n}" for n in file_path_notes([new_path])]
            elif levels and "__file__" in text:
                notes += [f"moved up, check by hand: {n}" for n in file_path_notes([new_path])]
            print(f"moved {old_path} -> {new_path}")

    changed: list[Path] = []
    for path in text_files():
        text = read(path)
        if text is None:
            continue
        new = rewrite(path, text, symbols)
        if new != text:
            if args.check:
                for number, line in changed_lines(text, new):
                    problems.append(f"{path}:{number}: refers to an old path: {line.strip()}")
            else:
                path.write_text(new, encoding="utf-8")
                changed.append(path)
        if path.suffix == ".py":
            problems += ast_leftovers(path, new, symbols)
    if not args.check:
        tidy_python([p for p in changed if p.suffix == ".py"])
        for path in changed:
            print(f"rewrote {path}")

    problems += [
        f"{path}: a flat module in {path.parent}/: add it to MODULES (its subpackage) and rerun"
        for path in unplaced_modules()
    ]
    notes += [f"missing module, skipped: {m}" for m in plan.missing]
    notes += [
        f"{old} -> {new}: not applied until {module_file(new.rsplit('.', 1)[0])} exists"
        for old, new in SYMBOLS.items()
        if old not in symbols
    ]

    for note in notes:
        print(f"note: {note}")
    if problems:
        print(f"{len(problems)} thing(s) left for the new layout:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    if args.check:
        print("layout up to date: no old module path is referenced")
    return 0


if __name__ == "__main__":
    sys.exit(main())
