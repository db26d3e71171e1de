"""The package layout: dependencies run one way, and every tool sits in the folder of its trade.

graph/ is the graph without any store; checkpoints/ are the stores; runs/ brings them
together. The checks read the imports of every module (``ast``, lazy imports inside
functions included), so a new import in either direction fails here with its line.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

# What checkpoints/ may use of graph/: typed settings, the exceptions and the state schema.
CHECKPOINTS_MAY_IMPORT = {
    "supportgraph.graph.context",
    "supportgraph.graph.errors",
    "supportgraph.graph.state",
}


def _module_exists(name: str) -> bool:
    """Whether ``name`` is a module or package of the checkout (supportgraph.x -> x/)."""
    parts = name.split(".")[1:]
    base = ROOT.joinpath(*parts)
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def _imports(folder: str) -> list[tuple[str, int, str]]:
    """(file, line, imported supportgraph module) for every import in ``folder``'s modules."""
    found = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        where = str(path.relative_to(ROOT))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [(where, node.lineno, alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    child = f"{node.module}.{alias.name}"
                    name = child if _module_exists(child) else node.module
                    found.append((where, node.lineno, name))
    return [(w, n, m) for w, n, m in found if m == "supportgraph" or m.startswith("supportgraph.")]


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_graph_imports_neither_the_stores_nor_the_runs() -> None:
    wrong = [
        f"{where}:{line} imports {module}"
        for where, line, module in _imports("graph")
        if _within(module, "supportgraph.checkpoints") or _within(module, "supportgraph.runs")
    ]
    assert wrong == [], "graph/ must not depend on a store:\n" + "\n".join(wrong)


def test_checkpoints_use_only_the_context_errors_and_state_of_the_graph() -> None:
    wrong = [
        f"{where}:{line} imports {module}"
        for where, line, module in _imports("checkpoints")
        if not _within(module, "supportgraph.checkpoints") and module not in CHECKPOINTS_MAY_IMPORT
    ]
    assert wrong == [], "checkpoints/ reaches past graph.context/errors/state:\n" + "\n".join(wrong)


def test_the_checks_see_imports_made_inside_functions() -> None:
    # runs/ opens stores lazily inside functions; if the walk missed those, the two
    # checks above could not fail for them either.
    lazy = {module for _, _, module in _imports("runs")}
    assert "supportgraph.checkpoints.index" in lazy  # imported inside latest_states()


def test_every_tool_sits_in_a_subpackage_that_names_its_trade() -> None:
    tools = ROOT / "tools"
    flat = sorted(p.name for p in tools.glob("*.py") if p.name != "__init__.py")
    assert flat == [], f"modules left flat in tools/ (give each a trade): {flat}"
    packages = sorted(p.parent for p in tools.glob("*/__init__.py"))
    assert len(packages) >= 6
    for package in packages:
        doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text(encoding="utf-8")))
        assert doc and len(doc.split()) >= 8, f"{package.name}/__init__.py does not say its trade"
        assert list(package.glob("*.py")) != [package / "__init__.py"], f"{package} is empty"


def test_readme_lists_every_package_and_tools_subpackage() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    folders = [p.parent.relative_to(ROOT) for p in ROOT.glob("*/__init__.py")]
    folders += [p.parent.relative_to(ROOT) for p in (ROOT / "tools").glob("*/__init__.py")]
    missing = [
        f"{f.as_posix()}/"
        for f in folders
        if f.parts[0] not in ("tests", "bench") and f"`{f.as_posix()}/`" not in readme
    ]
    assert missing == [], f"README's 'Where things live' lacks {missing}"


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs a git checkout")
def test_no_file_refers_to_a_module_at_its_old_path() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "relayout.py"), "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "layout up to date" in done.stdout


def test_modules_moved_down_a_folder_still_find_the_shipped_data() -> None:
    # tools/data/ stayed put: each reader finds it through the tools package, not __file__.
    from supportgraph.tools.accounts.catalog import load_catalog
    from supportgraph.tools.accounts.customers import load_directory
    from supportgraph.tools.accounts.ledger import load_ledger
    from supportgraph.tools.desk.sla import load_policy
    from supportgraph.tools.desk.teams import load_teams
    from supportgraph.tools.knowledge.kb import read_articles
    from supportgraph.tools.reply.macros import shipped_folder
    from supportgraph.tools.triage.category import load_examples
    from supportgraph.tools.triage.judgement import shipped_model_path
    from supportgraph.tools.triage.judgement_data import examples_file

    assert len(read_articles()) == 14
    assert "Enterprise" in load_catalog()
    assert load_directory() and load_ledger() and load_examples()
    assert load_teams().for_role("security")
    assert load_policy().target("Critical").first_response.total_seconds() == 15 * 60
    assert (shipped_folder() / "en").is_dir()
    assert shipped_model_path().is_file() and examples_file().is_file()


def test_a_triage_model_saved_before_the_regrouping_still_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import joblib

    from supportgraph.tools.triage import triage_model
    from supportgraph.tools.triage.category import load_examples
    from supportgraph.tools.triage.triage_features import FeatureSettings
    from supportgraph.tools.triage.triage_model import MODEL_FILE, CalibratedHead, TriageModel

    examples = load_examples()[::3]
    fields = [(e.subject, e.message) for e in examples]
    model = TriageModel.fit(
        fields, [e.category for e in examples], settings=FeatureSettings(embeddings=False)
    )
    # Where the module sat before tools/triage/ (in parts, so relayout.py leaves it).
    former = "supportgraph.tools." + "triage_model"
    with monkeypatch.context() as old_layout:
        old_layout.setitem(sys.modules, former, triage_model)
        old_layout.setattr(CalibratedHead, "__module__", former)
        folder = model.save(tmp_path / "team-model")
    with pytest.raises(ModuleNotFoundError, match=former):
        joblib.load(folder / MODEL_FILE)  # the file really names the former module

    loaded = TriageModel.load(folder)

    assert [p.label for p in loaded.predict(fields[:20])] == [
        p.label for p in model.predict(fields[:20])
    ]
    assert former not in sys.modules  # the old name was only lent for the load
