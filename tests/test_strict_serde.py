"""Paused tickets resume under LangGraph's strict deserialization (its coming default).

With ``LANGGRAPH_STRICT_MSGPACK=true`` a checkpoint value whose type is not registered
comes back as a plain dict, and the next node fails on it (``'dict' object has no
attribute 'actions'``); without it, each such type logs "Deserializing unregistered
type ... will be blocked in a future version". The variable is read when LangGraph is
imported, so the check runs in a process of its own (tests/resume_check.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT
from .pg_server import PostgresServer


@pytest.fixture
def postgres_url(request: pytest.FixtureRequest) -> str | None:
    """A fresh PostgreSQL database, or None when the server cannot start here.

    The PostgreSQL tests elsewhere are then skipped with the reason (``-ra``); this one
    still checks SQLite.
    """
    try:
        server: PostgresServer = request.getfixturevalue("postgres_server")
    except pytest.skip.Exception:
        if os.environ.get("SUPPORTGRAPH_REQUIRE_POSTGRES") == "1":
            raise
        return None
    return server.create_database()


@pytest.mark.slow
def test_paused_tickets_resume_in_strict_mode_without_a_warning(
    tmp_path: Path, postgres_url: str | None
) -> None:
    sqlite_url = f"sqlite:///{tmp_path / 'strict.sqlite'}"
    urls = [sqlite_url] + ([postgres_url] if postgres_url else [])
    done = subprocess.run(
        [sys.executable, "-m", "tests.resume_check", *urls],
        cwd=ROOT,
        env=os.environ | {"LANGGRAPH_STRICT_MSGPACK": "true"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    for url in urls:
        assert report[url] == {
            "paused_at": ["human_review"],
            "outcome": "replied",
            "success_is_a_model": True,
        }, url
    assert report["subgraph, LangGraph's InMemorySaver"] == "replied"
    assert report["subgraph, our memory saver"] == "replied"
    for warning in ("Blocked deserialization", "Deserializing unregistered type"):
        assert warning not in done.stderr, done.stderr[-3000:]
