"""The command line starts without the model stacks: help and review load only what they use.

``supportgraph --help`` must print at once, and a reviewer's ``review list`` must not
wait for scikit-learn, SciPy, ONNX Runtime or the judgement model to load. Each case
runs the real command line in a fresh interpreter and checks which modules it imported
(``sys.modules``), so the check does not depend on how busy the machine is; the times
themselves are measured by ``make bench`` (bench/, docs/benchmarks.md).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from supportgraph.checkpoints import open_checkpointer
from supportgraph.graph.context import Context
from supportgraph.graph.models import Ticket
from supportgraph.runs.build import build_graph
from supportgraph.runs.runner import run_batch

# Runs the command line given after the output path, then writes the imported modules there.
_PROBE = """
import json, sys
from supportgraph.cli.app import app
try:
    app(sys.argv[2:], prog_name="supportgraph")
    code = 0
except SystemExit as stop:
    code = stop.code
with open(sys.argv[1], "w") as out:
    json.dump({"code": code, "modules": sorted(sys.modules)}, out)
"""

# The model and retrieval stacks: seconds to import, needed only to triage or search.
MODEL_STACK = (
    "sklearn",
    "scipy",
    "numpy",
    "onnxruntime",
    "tokenizers",
    "bm25s",
    "lingua",
    "vaderSentiment",
    "supportgraph.tools.triage.judgement",
    "supportgraph.tools.triage.multilingual",
    "supportgraph.tools.knowledge.embeddings",
    "supportgraph.tools.knowledge.kb_store",
    "supportgraph.tools.triage.engines",
)
# What help never needs either: the graph runtime and the checkpoint stores.
GRAPH_STACK = ("langgraph", "langchain_core", "psycopg", "supportgraph.graph.builder")


def _imported(tmp_path: Path, *args: str) -> tuple[set[str], str]:
    """The modules a fresh ``supportgraph ARGS`` imported, and what it printed."""
    report = tmp_path / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(report), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert report.exists(), done.stderr
    result = json.loads(report.read_text())
    assert result["code"] == 0, done.stdout + done.stderr
    return set(result["modules"]), done.stdout


def _loaded(modules: set[str], stacks: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == s or m.startswith(s + ".") for s in stacks))


@pytest.mark.parametrize(
    "args",
    [("--help",), ("review", "--help"), ("run", "--help"), ("kb", "--help")],
    ids=["help", "review-help", "run-help", "kb-help"],
)
def test_help_loads_neither_the_models_nor_the_graph(tmp_path: Path, args: tuple[str, ...]) -> None:
    modules, printed = _imported(tmp_path, *args)
    assert "Usage: supportgraph" in printed
    loaded = _loaded(modules, MODEL_STACK + GRAPH_STACK)
    assert not loaded, f"`supportgraph {' '.join(args)}` imported {', '.join(loaded[:12])}"


def test_review_list_reads_the_store_without_the_model_stack(
    tmp_path: Path, context: Context, samples: dict[str, Ticket]
) -> None:
    store = f"sqlite:///{tmp_path / 'cp.sqlite'}"
    with open_checkpointer(store) as saver:
        (run,) = run_batch(build_graph(saver), [samples["SUPPORT-004"]], context)
    assert run.snapshot.interrupts, "the double charge waits for a reviewer"

    modules, printed = _imported(tmp_path, "review", "list", "--json", "--checkpoint", store)

    listing = json.loads(printed)
    assert [card["ticket_id"] for card in listing["reviews"]] == ["SUPPORT-004"]
    # nor the graph: the waiting tickets are read from the store, not through a compiled graph
    loaded = _loaded(
        modules, (*MODEL_STACK, "langgraph.graph", "langgraph.pregel", "supportgraph.graph.builder")
    )
    assert not loaded, f"`review list` imported {', '.join(loaded[:12])}"


def test_the_default_engine_triages_and_searches_without_scikit_learn_or_scipy(
    tmp_path: Path,
) -> None:
    """scikit-learn and SciPy (about two seconds to import, with scipy.stats) are for training.

    The first ticket of a process used to wait for them: the shipped judgement model is
    read back with tools/triage/tfidf.py and scores its features with
    tools/triage/sparse.py, the KB index counts BM25 with tools/knowledge/bm25.py (bm25s
    imported scipy.sparse), and a trained category model loads scikit-learn lazily.
    """
    tickets = tmp_path / "one.json"
    tickets.write_text(
        json.dumps(
            [
                {
                    "ticket_id": "START-1",
                    "customer": "Northwind",
                    "customer_tier": "Growth",
                    "channel": "Email",
                    "subject": "Dashboards blank for everyone",
                    "message": "Since 9:00 every dashboard in our workspace is blank.",
                    "submitted_at": "-10m",
                }
            ]
        )
    )
    modules, printed = _imported(tmp_path, "run", str(tickets), "--out", str(tmp_path / "out"))
    assert "START-1" in printed
    assert "supportgraph.tools.triage.judgement" in modules, "the ticket was triaged"
    assert "supportgraph.tools.knowledge.kb_store" in modules, "the KB was searched"
    loaded = _loaded(modules, ("sklearn", "scipy", "joblib", "bm25s"))
    assert not loaded, f"`supportgraph run` imported {', '.join(loaded[:12])}"
