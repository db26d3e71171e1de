"""The graph served by `langgraph dev` (what Studio talks to), driven over real HTTP.

The server runs with ``LANGGRAPH_STRICT_MSGPACK=true`` (LangGraph's coming default:
unregistered types are refused when a checkpoint is read), so a resume that works here
keeps working after that upgrade.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import ROOT, SAMPLES

LANGGRAPH = Path(sys.executable).parent / "langgraph"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _call(base: str, path: str, body: dict[str, Any] | None = None) -> Any:
    request = urllib.request.Request(
        base + path,
        data=None if body is None else json.dumps(body).encode(),
        headers={"content-type": "application/json"},
        method="GET" if body is None else "POST",
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def server_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("studio") / "server.log"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, server_log: Path) -> Iterator[str]:
    if not LANGGRAPH.exists():
        pytest.fail("langgraph CLI missing from the virtualenv: pip install -e '.[dev]'")
    port = _free_port()
    log = server_log
    env = os.environ | {
        "LANGGRAPH_CLI_NO_ANALYTICS": "1",
        "LANGGRAPH_STRICT_MSGPACK": "true",
        "SUPPORTGRAPH_HOME": str(tmp_path_factory.mktemp("studio-home")),
    }
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                str(LANGGRAPH),
                "dev",
                "--no-reload",
                "--no-browser",
                "--port",
                str(port),
                "--host",
                "127.0.0.1",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                _call(base, "/ok")
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail(f"langgraph dev did not start:\n{log.read_text()[-3000:]}")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def _sample(ticket_id: str) -> dict[str, Any]:
    return next(t for t in json.loads(SAMPLES.read_text()) if t["ticket_id"] == ticket_id)


@pytest.mark.slow
def test_studio_runs_a_ticket_sent_as_json(server: str) -> None:
    thread = _call(server, "/threads", {})["thread_id"]
    state = _call(
        server,
        f"/threads/{thread}/runs/wait",
        {"assistant_id": "supportgraph", "input": {"ticket": _sample("SUPPORT-002")}},
    )
    assert state["outcome"] == "replied"
    assert state["triage"]["category"] == "sales"
    assert "Here is how Growth and Enterprise compare" in state["reply"]["text"]


@pytest.mark.slow
def test_studio_review_round_trip(server: str) -> None:
    thread = _call(server, "/threads", {})["thread_id"]
    _call(
        server,
        f"/threads/{thread}/runs/wait",
        {"assistant_id": "supportgraph", "input": {"ticket": _sample("SUPPORT-004")}},
    )
    waiting = _call(server, f"/threads/{thread}/state")
    assert waiting["next"] == ["human_review"]
    request = waiting["tasks"][0]["interrupts"][0]["value"]
    assert request["asks"] == ["approve_refund", "approve_reply"]
    answer = {"action": "approve", "reviewer": "studio"}
    done = _call(
        server,
        f"/threads/{thread}/runs/wait",
        {"assistant_id": "supportgraph", "command": {"resume": answer}},
    )
    assert (done["outcome"], done["reply"]["status"]) == ("replied", "sent")


@pytest.mark.slow
def test_studio_resume_reads_every_model_back_without_a_warning(
    server: str, server_log: Path
) -> None:
    thread = _call(server, "/threads", {})["thread_id"]
    _call(
        server,
        f"/threads/{thread}/runs/wait",
        {"assistant_id": "supportgraph", "input": {"ticket": _sample("SUPPORT-001")}},
    )
    done = _call(
        server,
        f"/threads/{thread}/runs/wait",
        {"assistant_id": "supportgraph", "command": {"resume": {"action": "approve"}}},
    )
    assert done["outcome"] == "replied", done.get("__error__")
    log = server_log.read_text()
    for warning in ("Deserializing unregistered type", "Blocked deserialization"):
        assert warning not in log, log[log.index(warning) - 200 :][:600]
