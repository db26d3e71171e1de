"""The notebooks run top to bottom and show what the graph decided, as it decided it."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from langgraph.types import StateSnapshot
from nbclient import NotebookClient

from supportgraph.checkpoints import open_checkpointer
from supportgraph.graph.builder import SupportGraph
from supportgraph.runs.build import build_graph
from supportgraph.runs.runner import config_for

from .conftest import ROOT

pytestmark = pytest.mark.slow

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
WALKTHROUGH = ROOT / "notebooks" / "support_walkthrough.ipynb"
SAMPLE_IDS = [f"SUPPORT-00{n}" for n in range(1, 6)]  # examples/sample_inquiries.json


def _execute(path: Path, tmp: Path) -> Any:
    """Run every cell as a user would; a cell that raises fails here (CellExecutionError).

    The kernel inherits TMPDIR, so what the notebook keeps in ``tempfile.mkdtemp()`` (its
    checkpoint store) lands in ``tmp``, where the test can open it afterwards.
    """
    notebook = nbformat.read(path, as_version=4)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("TMPDIR", str(tmp))
        env.setenv("SUPPORTGRAPH_HOME", str(tmp / "home"))
        NotebookClient(
            notebook,
            timeout=300,
            kernel_name="python3",
            resources={"metadata": {"path": str(path.parent)}},
        ).execute()
    return notebook


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Any, Path]]:
    """Every notebook, executed once for all the tests here, with the folder it wrote in."""
    runs = {}
    for path in NOTEBOOKS:
        tmp = tmp_path_factory.mktemp(path.stem)
        runs[path.stem] = (_execute(path, tmp), tmp)
    return runs


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_shows_no_traceback(path: Path, executed: dict[str, tuple[Any, Path]]) -> None:
    # A cell that raises already stopped the run (CellExecutionError in ``executed``); a
    # failure that a cell survives but prints (a logged exception) shows up here.
    notebook, _ = executed[path.stem]
    texts = [
        o.get("text", "")
        for cell in notebook.cells
        if cell.cell_type == "code"
        for o in cell.outputs
    ]
    assert not [t for t in texts if "Traceback" in t]


def _printed(notebook: Any, heading: str) -> list[str]:
    """The lines the code cell under the markdown heading ``heading`` printed."""
    cells = notebook.cells
    [under] = [
        i for i, c in enumerate(cells) if c.cell_type == "markdown" and c.source.startswith(heading)
    ]
    code = next(c for c in cells[under + 1 :] if c.cell_type == "code")
    text = "".join(o.text for o in code.outputs if o.get("name") == "stdout")
    return text.splitlines()


@pytest.fixture(scope="module")
def walkthrough(executed: dict[str, tuple[Any, Path]]) -> tuple[Any, Path]:
    """The walkthrough's executed cells, and the SQLite checkpoint store it wrote."""
    notebook, tmp = executed[WALKTHROUGH.stem]
    [store] = tmp.glob("*/checkpoints.sqlite")
    return notebook, store


@pytest.fixture
def stored(walkthrough: tuple[Any, Path]) -> Iterator[SupportGraph]:
    """The graph over the notebook's checkpoints, opened in this process (another reader)."""
    with open_checkpointer(f"sqlite:///{walkthrough[1]}") as saver:
        yield build_graph(saver)


def _as_printed_after_the_run(support: SupportGraph, ticket_id: str) -> StateSnapshot:
    """The ticket's state when the run cell printed it: paused for review, or finished."""
    history = list(support.get_state_history(config_for(ticket_id)))
    return next((s for s in history if s.next == ("human_review",)), history[0])


def test_walkthrough_table_shows_what_the_graph_decided_for_each_sample(
    walkthrough: tuple[Any, Path], stored: SupportGraph
) -> None:
    rows = [line.split(maxsplit=4) for line in _printed(walkthrough[0], "## Run the tickets")]
    shown = {row[0]: (row + [""])[1:5] for row in rows}  # priority, category, outcome, team
    assert list(shown) == SAMPLE_IDS
    for ticket_id in SAMPLE_IDS:
        state = _as_printed_after_the_run(stored, ticket_id).values
        escalation = state.get("escalation")
        decided = [
            state["triage"].priority,
            state["triage"].category,
            state["outcome"],
            escalation.team if escalation else "",
        ]
        assert shown[ticket_id] == decided, ticket_id
    # What the notebook's text promises the reviewer section will find.
    assert shown["SUPPORT-004"][2:] == ["waiting_for_review", "Billing"]


def test_walkthrough_explains_the_most_urgent_waiting_ticket_with_its_decision_log(
    walkthrough: tuple[Any, Path], stored: SupportGraph
) -> None:
    reasons, *log = _printed(walkthrough[0], "## Why did triage decide that?")
    # The production failure (SUPPORT-001) waits for Engineering, ahead of the refund.
    state = _as_printed_after_the_run(stored, "SUPPORT-001").values
    assert state["triage"].priority in ("Critical", "High")
    assert ast.literal_eval(reasons) == list(state["triage"].priority_reasons)
    shown = [_decision(line) for line in log]
    assert shown == [(d.source, d.target, d.reason) for d in state["decisions"]]
    assert shown[-1][1] == "human_review"  # it waits for a person


def _decision(line: str) -> tuple[str, str, str]:
    """``"  start -> triage   new ticket: ..."`` as (source, target, reason)."""
    source, rest = line.split(" -> ", 1)
    target, reason = rest.split(maxsplit=1)
    return source.strip(), target, reason


def test_walkthrough_review_resumes_the_refund_and_shows_the_sent_reply(
    walkthrough: tuple[Any, Path], stored: SupportGraph
) -> None:
    waiting_line, *reply = _printed(walkthrough[0], "## Be the reviewer")
    paused = [
        t for t in SAMPLE_IDS if _as_printed_after_the_run(stored, t).next == ("human_review",)
    ]
    assert waiting_line == f"waiting: {paused}" and "SUPPORT-004" in paused
    refund = stored.get_state(config_for("SUPPORT-004"))
    assert refund.next == () and refund.values["outcome"] == "replied"
    assert refund.values["review"].reviewer == "notebook"
    assert refund.values["reply"].status == "sent"
    assert "\n".join(reply) == refund.values["reply"].text
    assert stored.get_state(config_for("SUPPORT-001")).next == ("human_review",)  # untouched
