"""A checkpoint store that is read-only, missing or goes down: clear errors, nothing lost."""

from __future__ import annotations

import hashlib
import multiprocessing
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from supportgraph.checkpoints import open_checkpointer
from supportgraph.cli.app import app
from supportgraph.graph.context import Context
from supportgraph.graph.errors import ConfigurationError
from supportgraph.graph.models import Ticket
from supportgraph.runs.build import build_graph
from supportgraph.runs.runner import TicketRun, config_for, run_batch, run_ticket

from .conftest import SAMPLES
from .pg_server import PostgresServer

runner = CliRunner()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def finished_db(tmp_path: Path, samples: dict[str, Ticket], context: Context) -> Path:
    db = tmp_path / "cp.sqlite"
    with open_checkpointer(f"sqlite:///{db}") as saver:
        run_ticket(build_graph(saver), samples["SUPPORT-002"], context)
    return db


# We run as root in CI, where a chmod does not stop writes; the store honours the
# write bits anyway, so these are real chmod'ed files, not simulated errors.
def test_read_only_database_file_is_refused_untouched(finished_db: Path) -> None:
    finished_db.chmod(0o444)
    before = _digest(finished_db)
    with pytest.raises(ConfigurationError, match=r"is read-only \(mode 444\).*chmod u\+w"):
        with open_checkpointer(f"sqlite:///{finished_db}"):
            pass
    assert _digest(finished_db) == before


def test_database_in_a_read_only_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    with pytest.raises(ConfigurationError, match=f"folder {folder} is read-only"):
        with open_checkpointer(f"sqlite:///{folder / 'cp.sqlite'}"):
            pass
    assert list(folder.iterdir()) == []


def test_existing_database_in_a_read_only_folder_names_the_wal_file(finished_db: Path) -> None:
    finished_db.parent.chmod(0o555)
    try:
        with pytest.raises(ConfigurationError, match="read-only folder.*cp.sqlite-wal"):
            with open_checkpointer(f"sqlite:///{finished_db}"):
                pass
    finally:
        finished_db.parent.chmod(0o755)


def test_database_path_that_is_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="is a folder"):
        with open_checkpointer(f"sqlite:///{tmp_path}"):
            pass


def test_file_that_is_not_sqlite_is_refused_untouched(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database\n" * 100)
    with pytest.raises(ConfigurationError, match="cannot open checkpoint database"):
        with open_checkpointer(f"sqlite:///{notes}"):
            pass
    assert notes.read_text() == "not a database\n" * 100


def test_cli_run_on_a_read_only_database_exits_with_the_file_named(
    finished_db: Path, tmp_path: Path
) -> None:
    finished_db.chmod(0o444)
    result = runner.invoke(
        app, ["run", str(SAMPLES), "--out", str(tmp_path / "out"), "-c", f"sqlite:///{finished_db}"]
    )
    said = " ".join(result.output.split())
    assert result.exit_code == 2
    assert f"checkpoint database {finished_db} is read-only" in said
    assert not (tmp_path / "out").exists()


def test_postgres_going_down_mid_batch_loses_nothing(
    own_postgres: PostgresServer, samples: dict[str, Ticket], context: Context
) -> None:
    url = own_postgres.create_database()
    tickets = [samples[t] for t in ("SUPPORT-002", "SUPPORT-003", "SUPPORT-005")]

    def stop_after_first(run: TicketRun) -> None:
        if run.ticket_id == "SUPPORT-002":
            own_postgres.stop_server()

    with open_checkpointer(url) as saver:
        runs = run_batch(build_graph(saver), tickets, context, on_done=stop_after_first)

    assert [r.status for r in runs] == ["processed", "failed", "failed"]
    for failed in runs[1:]:
        assert f"checkpoint store {url} failed" in (failed.error or "")
        assert "rerun to resume" in (failed.error or "")

    own_postgres.start()
    with open_checkpointer(url) as saver:
        support = build_graph(saver)
        done = support.get_state(config_for("SUPPORT-002"))
        assert done.values["outcome"] == "replied" and done.next == ()
        for ticket in tickets[1:]:  # nothing half-written: no thread, or one that resumes
            state = support.get_state(config_for(ticket.ticket_id))
            assert not state.values or state.next
        again = run_batch(support, tickets, context)
    assert [r.status for r in again][0] == "already_done"
    assert all(r.snapshot.values["outcome"] == "replied" for r in again)
    triaged = [d.target for d in again[1].snapshot.values["decisions"]].count("triage")
    assert triaged == 1


def test_cli_run_against_a_stopped_postgres_says_which_server(
    own_postgres: PostgresServer, tmp_path: Path
) -> None:
    url = own_postgres.create_database()
    own_postgres.stop_server()
    result = runner.invoke(app, ["run", str(SAMPLES), "--out", str(tmp_path / "out"), "-c", url])
    said = " ".join(result.output.split())  # Rich wraps at 80 columns
    assert result.exit_code == 2
    assert f"cannot connect to checkpoint database {url}" in said
    assert "Connection refused" in said and "check that PostgreSQL is running" in said


def test_passwords_are_not_printed(tmp_path: Path) -> None:
    url = "postgresql://support:s3cret@127.0.0.1:1/nowhere?connect_timeout=2"
    with pytest.raises(ConfigurationError) as caught:
        with open_checkpointer(url):
            pass
    assert "s3cret" not in str(caught.value) and "support:***@127.0.0.1:1" in str(caught.value)


def _open_new_store(path: Path, start: Any, answers: Any) -> None:
    start.wait()
    try:
        with open_checkpointer(f"sqlite:///{path}"):
            answers.put("ok")
    except ConfigurationError as exc:
        answers.put(str(exc))


def test_processes_creating_one_database_at_the_same_moment_all_open_it(tmp_path: Path) -> None:
    # Two `supportgraph run` started together once failed with "database is locked":
    # SQLite refuses one of two processes switching a new file to WAL at once, rather
    # than letting it wait. Real processes, released together by a barrier, many times.
    fork = multiprocessing.get_context("fork")
    refused = []
    for attempt in range(25):
        path = tmp_path / f"cp{attempt}.sqlite"
        start, answers = fork.Barrier(4), fork.Queue()
        processes = [
            fork.Process(target=_open_new_store, args=(path, start, answers)) for _ in range(4)
        ]
        for process in processes:
            process.start()
        for process in processes:
            process.join(timeout=60)
        refused += [a for a in (answers.get(timeout=5) for _ in processes) if a != "ok"]
    assert refused == []
