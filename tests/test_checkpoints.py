"""Checkpointed runs: pause for review, resume, survive a crash, never run twice."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from langgraph.graph import START, StateGraph
from typing_extensions import TypedDict

from supportgraph.checkpoints import open_checkpointer, thread_id
from supportgraph.checkpoints.savers import CompressingSerializer
from supportgraph.graph.builder import graph
from supportgraph.graph.context import Context
from supportgraph.graph.errors import ConfigurationError, IntakeError, ReviewError
from supportgraph.graph.models import Ticket
from supportgraph.runs.build import build_graph
from supportgraph.runs.runner import config_for, resume_review, run_batch, run_ticket

from .conftest import NOW, SAMPLES


def test_review_pauses_and_resumes_with_the_decision(
    saver: Any, samples: dict[str, Ticket], context: Context
) -> None:
    support = build_graph(saver)
    paused = run_ticket(support, samples["SUPPORT-004"], context).snapshot
    assert paused.next == ("human_review",)
    request = paused.interrupts[0].value
    assert request["asks"] == ["approve_refund", "approve_reply"]
    done = resume_review(support, "SUPPORT-004", {"action": "approve", "reviewer": "kim"}, context)
    assert done.next == ()
    assert done.values["reply"].status == "sent"
    assert done.values["review"].reviewer == "kim"


def test_finished_ticket_is_not_processed_twice(
    saver: Any, samples: dict[str, Ticket], context: Context
) -> None:
    support = build_graph(saver)
    first = run_ticket(support, samples["SUPPORT-002"], context)
    after_first = list(support.get_state_history(config_for("SUPPORT-002")))
    second = run_ticket(support, samples["SUPPORT-002"], context)
    assert (first.status, second.status) == ("processed", "already_done")
    # The second run wrote no checkpoint: the thread's history is still the first run's,
    # step for step, and its latest state is the reply the first run sent.
    after_second = list(support.get_state_history(config_for("SUPPORT-002")))
    assert [s.config for s in after_second] == [s.config for s in after_first]
    assert after_second[0].values == first.snapshot.values
    assert first.snapshot.values["reply"].status == "sent"


def test_crashed_run_resumes_where_it_stopped(
    saver: Any, samples: dict[str, Ticket], tmp_path: Path
) -> None:
    support = build_graph(saver)
    broken = Context(clock=lambda: NOW, kb_path=tmp_path / "no-such-kb")
    [failed] = run_batch(support, [samples["SUPPORT-002"]], broken)
    assert failed.status == "failed" and "no-such-kb does not exist" in (failed.error or "")
    assert "triage" in failed.snapshot.values and failed.snapshot.next  # triage is kept
    resumed = run_ticket(support, samples["SUPPORT-002"], Context(clock=lambda: NOW))
    assert resumed.status == "resumed"
    assert resumed.snapshot.values["outcome"] == "replied"
    targets = [d.target for d in resumed.snapshot.values["decisions"]]
    assert targets.count("triage") == 1 and targets.count("success+knowledge") == 1


def test_one_failing_ticket_does_not_stop_the_batch(
    saver: Any, samples: dict[str, Ticket], tmp_path: Path
) -> None:
    bad_policy = tmp_path / "sla.json"
    bad_policy.write_text("{}")
    context = Context(clock=lambda: NOW, sla_policy=bad_policy)
    runs = run_batch(build_graph(saver), list(samples.values())[:2], context)
    assert [r.status for r in runs] == ["failed", "failed"]
    assert all("sla.json" in (r.error or "") for r in runs)


def test_hop_limit_stops_with_a_recorded_error(saver: Any, samples: dict[str, Ticket]) -> None:
    # The refund waits for review after 4 supervisor hops; the decision needs a 5th.
    context = Context(clock=lambda: NOW, max_hops=4)
    support = build_graph(saver)
    assert run_ticket(support, samples["SUPPORT-004"], context).snapshot.interrupts
    resume_review(support, "SUPPORT-004", {"action": "approve", "reviewer": "kim"}, context)
    snapshot = support.get_state(config_for("SUPPORT-004"))
    assert snapshot.values["outcome"] == "failed"
    assert "hop limit 4" in snapshot.values["error"]
    assert snapshot.next == ()


def test_tenants_get_separate_threads(
    saver: Any, samples: dict[str, Ticket], context: Context
) -> None:
    support = build_graph(saver)
    ticket = samples["SUPPORT-002"]
    run_ticket(support, ticket.model_copy(update={"tenant": "acme"}), context)
    other = run_ticket(support, ticket.model_copy(update={"tenant": "globex"}), context)
    assert other.status == "processed"
    assert thread_id("SUPPORT-002", "acme") == "acme:SUPPORT-002"


def test_review_errors_name_the_problem(
    saver: Any, samples: dict[str, Ticket], context: Context
) -> None:
    support = build_graph(saver)
    with pytest.raises(ReviewError, match="unknown ticket NOPE"):
        resume_review(support, "NOPE", {"action": "approve"}, context)
    run_ticket(support, samples["SUPPORT-002"], context)
    with pytest.raises(ReviewError, match="SUPPORT-002 is finished"):
        resume_review(support, "SUPPORT-002", {"action": "approve"}, context)
    run_ticket(support, samples["SUPPORT-004"], context)
    with pytest.raises(ReviewError, match="needs a reason"):
        resume_review(support, "SUPPORT-004", {"action": "reject"}, context)
    assert support.get_state(config_for("SUPPORT-004")).interrupts  # still waiting


def test_unknown_checkpoint_scheme_is_explained() -> None:
    with pytest.raises(ConfigurationError, match="use memory://, sqlite:///PATH or postgresql://"):
        with open_checkpointer("redis://localhost"):
            pass


def test_sqlite_url_needs_a_path() -> None:
    with pytest.raises(ConfigurationError, match="three slashes"):
        with open_checkpointer("sqlite://"):
            pass


def test_studio_graph_brings_no_checkpointer() -> None:
    assert graph.checkpointer is None


class Parent(TypedDict, total=False):
    ticket: Ticket
    outcome: str


def test_support_graph_embeds_as_a_subgraph(samples: dict[str, Ticket]) -> None:
    parent = StateGraph(Parent, context_schema=Context)
    parent.add_node("support", build_graph())
    parent.add_edge(START, "support")
    result = parent.compile().invoke(
        {"ticket": samples["SUPPORT-005"]}, context=Context(clock=lambda: NOW)
    )
    assert result["outcome"] == "replied"


def test_ticket_sent_as_json_is_validated_at_the_edge() -> None:
    raw = json.loads(SAMPLES.read_text())[1]
    result = build_graph().invoke({"ticket": raw}, context=Context(clock=lambda: NOW))  # type: ignore[typeddict-item]
    assert isinstance(result["ticket"], Ticket) and result["outcome"] == "replied"
    raw["channel"] = "Pigeon"
    with pytest.raises(IntakeError, match="field 'channel'"):
        build_graph().invoke({"ticket": raw}, context=Context(clock=lambda: NOW))  # type: ignore[typeddict-item]


def test_values_are_stored_compressed_and_old_ones_still_read() -> None:
    import zlib

    from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

    from supportgraph.checkpoints.savers import serializer

    serde = serializer()
    text = "The export keeps timing out. " * 100
    kind, data = serde.dumps_typed({"reply": text})
    assert kind.endswith("+zdict1") and len(data) < len(text) / 5
    assert serde.loads_typed((kind, data)) == {"reply": text}
    small = {"reason": "new ticket: classify it first", "target": "triage"}
    kind, data = serde.dumps_typed(small)
    assert kind.endswith("+zdict1") and len(data) < len(JsonPlusSerializer().dumps_typed(small)[1])
    plain = JsonPlusSerializer().dumps_typed({"reply": text})  # written before compression
    assert serde.loads_typed(plain) == {"reply": text}
    zlibbed = (plain[0] + "+zlib", zlib.compress(plain[1]))  # written before the dictionary
    assert serde.loads_typed(zlibbed) == {"reply": text}
    from supportgraph.checkpoints.zdict import ZDICT_V1

    earlier = zlib.compressobj(9, zdict=ZDICT_V1)  # the dictionary's first level and window
    packed = (plain[0] + "+zdict1", earlier.compress(plain[1]) + earlier.flush())
    assert serde.loads_typed(packed) == {"reply": text}
    assert serde.dumps_typed({"hops": 3})[0] == "msgpack"  # tiny values stay as they are


def _ticking_clock() -> Any:
    """A clock one second later at every reading, so every step sees a new time."""
    from datetime import timedelta
    from itertools import count

    seconds = count()
    return lambda: NOW + timedelta(seconds=next(seconds))


@pytest.mark.parametrize("clock", ["pinned", "ticking"])
def test_every_sample_ticket_keeps_its_whole_history_in_24_kb_of_sqlite(
    tmp_path: Path, samples: dict[str, Ticket], clock: str
) -> None:
    from supportgraph.runs.retention import thread_bytes

    context = Context(clock=(lambda: NOW) if clock == "pinned" else _ticking_clock())
    with open_checkpointer(f"sqlite:///{tmp_path / 'size.sqlite'}") as saver:
        support = build_graph(saver)
        runs = run_batch(support, samples.values(), context)
        sizes = {r.ticket_id: thread_bytes(saver, r.ticket_id) for r in runs}
        waiting = [r.ticket_id for r in runs if r.snapshot.interrupts]
        for ticket_id in waiting:
            resume_review(support, ticket_id, {"action": "approve", "reviewer": "kim"}, context)
        finished = {t: thread_bytes(saver, t) for t in waiting}
        outcomes = {t: support.get_state(config_for(t)).values["outcome"] for t in samples}
    assert waiting == ["SUPPORT-001", "SUPPORT-004"]
    assert set(outcomes.values()) == {"replied"}
    # The budget was 20 KB before replies kept their internal parts and every promise got
    # its internal notification in the outbox (SUPPORT-001, reviewed: about 22 KB).
    over = {t: n for t, n in {**sizes, **finished}.items() if n is None or n > 24_000}
    assert not over, f"over 24 KB with the full history: {over}"


def test_sqlite_stores_each_value_once_and_history_still_shows_it(
    tmp_path: Path, samples: dict[str, Ticket], context: Context
) -> None:
    import sqlite3

    path = tmp_path / "once.sqlite"
    with open_checkpointer(f"sqlite:///{path}") as saver:
        support = build_graph(saver)
        run_ticket(support, samples["SUPPORT-002"], context)
        history = list(support.get_state_history(config_for("SUPPORT-002")))
    with sqlite3.connect(path) as conn:
        copies = conn.execute(
            "SELECT COUNT(*) FROM checkpoint_blobs WHERE thread_id = 'SUPPORT-002' "
            "AND channel = 'ticket'"
        ).fetchone()[0]
    assert copies == 1  # LangGraph's SqliteSaver would hold one per checkpoint
    with_ticket = [s for s in history if "ticket" in s.values]
    assert len(with_ticket) == len(history) - 1  # all but the input checkpoint
    assert all(s.values["ticket"] == samples["SUPPORT-002"] for s in with_ticket)
    assert history[0].values["reply"].status == "sent"


def test_a_thread_written_by_langgraphs_own_sqlite_saver_reads_and_resumes(
    tmp_path: Path, samples: dict[str, Ticket], context: Context
) -> None:
    import sqlite3

    from langgraph.checkpoint.sqlite import SqliteSaver

    from supportgraph.checkpoints.savers import serializer

    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path, check_same_thread=False)
    old = SqliteSaver(conn, serde=serializer())  # every value inline, 51-character versions
    old.setup()
    before = run_ticket(build_graph(old), samples["SUPPORT-004"], context).snapshot
    conn.close()
    assert before.interrupts
    with open_checkpointer(f"sqlite:///{path}") as saver:
        support = build_graph(saver)
        assert support.get_state(config_for("SUPPORT-004")).values == before.values
        after = resume_review(support, "SUPPORT-004", {"action": "approve"}, context)
        steps = list(support.get_state_history(config_for("SUPPORT-004")))
    assert after.values["outcome"] == "replied" and not after.next
    assert [m.action for m in after.values["outbox"]][-1] == "refund_request"
    assert all("ticket" in s.values for s in steps[:-1])  # old and new checkpoints alike


def test_new_channel_versions_sort_after_langgraphs_own_and_our_first_ones() -> None:
    from supportgraph.checkpoints.versions import next_version

    old = "00000000000000000000000000000011.0.6374149117562405"
    new = next_version(old)
    assert new.startswith("000012.") and len(new) == 18 and new > old
    first_compact = "000012.3f9a0c1b"  # 32 random bits, as written before
    assert next_version(first_compact) > first_compact > old
    assert next_version(new) > new and next_version("000009.ab") > "000009.ff"
    assert next_version(None).startswith("000001.") and next_version(3).startswith("000004.")


def test_channel_versions_carry_64_random_bits() -> None:
    import base64

    from supportgraph.checkpoints.versions import next_version

    tails = {next_version(5).split(".", 1)[1] for _ in range(2000)}
    assert len(tails) == 2000  # 32 bits would already collide now and then across forks
    assert all(len(base64.urlsafe_b64decode(t + "=")) == 8 for t in tails)


# sha256 of checkpoints/zdict.py's ZDICT_V1, written out here on purpose: every stored
# "+zdict1" value decompresses only with exactly these bytes.
ZDICT_V1_PINNED = "b5e310f7d28ad624543c4a2d48cbef8e3ec356f2060476b46d4f8adf26bc7ec8"


def test_zlib_preset_dictionary_never_changes() -> None:
    import hashlib

    from supportgraph.checkpoints.zdict import ZDICT_V1, ZDICT_V1_SHA256

    assert hashlib.sha256(ZDICT_V1).hexdigest() == ZDICT_V1_PINNED, (
        "ZDICT_V1 changed: checkpoints written with it can no longer be read. Restore it "
        "and add a new dictionary with a new tag (+zdict2) for new writes instead."
    )
    assert ZDICT_V1_SHA256 == ZDICT_V1_PINNED


def test_a_value_stored_with_the_first_dictionary_still_reads() -> None:
    from supportgraph.checkpoints.savers import serializer

    # Written by serializer().dumps_typed(...) when the dictionary shipped; kept verbatim.
    stored = (
        "msgpack+zdict1",
        bytes.fromhex(
            "78f9e75092c73bbe9faa8edc9b975aae002909ac14808da1e2e2ccb44a85cc12"
            "05707012f081a1a1ae916988a111693e000019fb4e27"
        ),
    )
    decision = serializer().loads_typed(stored)
    assert (decision.source, decision.target) == ("supervisor", "triage")
    assert decision.reason == "new ticket: classify it first"
    assert decision.at == NOW


def test_prune_drops_the_values_only_deleted_checkpoints_named(
    tmp_path: Path, samples: dict[str, Ticket], context: Context
) -> None:
    import sqlite3
    from datetime import timedelta

    from supportgraph.runs.retention import prune

    path = tmp_path / "prune.sqlite"
    count = (
        "SELECT COUNT(*), COUNT(DISTINCT channel) FROM checkpoint_blobs "
        "WHERE thread_id = 'SUPPORT-005'"
    )
    with open_checkpointer(f"sqlite:///{path}") as saver:
        support = build_graph(saver)
        final = run_ticket(support, samples["SUPPORT-005"], context).snapshot.values
        with sqlite3.connect(path) as conn:
            before, _ = conn.execute(count).fetchone()
        later = NOW + timedelta(days=400)
        prune(support, saver, keep_last=1, older_than=timedelta(days=30), now=later)
        with sqlite3.connect(path) as conn:
            after, channels = conn.execute(count).fetchone()
        assert support.get_state(config_for("SUPPORT-005")).values == final
    # the one checkpoint left names one version per channel; older decision logs went
    assert after == channels < before


def test_nodes_of_one_step_run_one_after_another_on_the_embedded_engine() -> None:
    from supportgraph.runs.runner import step_config

    # CPU-bound nodes in threads only contend on two cores; network-bound LLM calls overlap.
    embedded = step_config(config_for("T1"), Context())
    assert embedded == {"configurable": {"thread_id": "T1"}, "max_concurrency": 1}
    assert "max_concurrency" not in step_config(config_for("T1"), Context(engine="llm"))


class CountingSerializer(CompressingSerializer):
    """The store's serializer, counting what it is asked to serialise."""

    def __init__(self) -> None:
        super().__init__(allowed_msgpack_modules=[(Ticket.__module__, "Ticket")])
        self.dumped: list[object] = []

    def _dumps(self, obj: Any) -> tuple[str, bytes]:
        self.dumped.append(obj)
        return super()._dumps(obj)


def _checkpoint(step: int, versions: dict[str, str], values: dict[str, Any]) -> Any:
    from langgraph.checkpoint.base import empty_checkpoint

    return {
        **empty_checkpoint(),
        "id": f"1ef00000-0000-6000-8000-00000000000{step}",
        "channel_versions": versions,
        "channel_values": values,
    }


def test_a_value_already_stored_is_not_serialised_again_by_later_checkpoints(
    tmp_path: Path, samples: dict[str, Ticket]
) -> None:
    import sqlite3

    from supportgraph.checkpoints.sqlite_store import BlobSqliteSaver

    serde = CountingSerializer()
    saver = BlobSqliteSaver(sqlite3.connect(tmp_path / "s.sqlite"), serde=serde)
    ticket = samples["SUPPORT-002"]
    config: Any = {"configurable": {"thread_id": "T", "checkpoint_ns": ""}}
    config = saver.put(config, _checkpoint(1, {"ticket": "1"}, {"ticket": ticket}), {}, {})
    notes = ["first note"]
    saver.put(
        config,
        _checkpoint(2, {"ticket": "1", "notes": "2"}, {"ticket": ticket, "notes": notes}),
        {},
        {},
    )
    # the ticket's version 1 was stored by the first checkpoint: only the new list is serialised
    assert [v for v in serde.dumped if not isinstance(v, dict)] == [ticket, notes]
    assert saver.get_tuple({"configurable": {"thread_id": "T"}}).checkpoint["channel_values"] == {
        "ticket": ticket,
        "notes": notes,
    }


def test_a_rolled_back_write_leaves_nothing_remembered_as_stored(
    tmp_path: Path, samples: dict[str, Ticket]
) -> None:
    import sqlite3

    from supportgraph.checkpoints.sqlite_store import BlobSqliteSaver

    saver = BlobSqliteSaver(sqlite3.connect(tmp_path / "r.sqlite"), serde=CountingSerializer())
    ticket = samples["SUPPORT-002"]
    config: Any = {"configurable": {"thread_id": "T", "checkpoint_ns": ""}}
    with pytest.raises(RuntimeError), saver.write_transaction():
        saver.put(config, _checkpoint(1, {"ticket": "1"}, {"ticket": ticket}), {}, {})
        raise RuntimeError("taken over before the commit")
    saver.put(config, _checkpoint(2, {"ticket": "1"}, {"ticket": ticket}), {}, {})
    # the blob of version 1 went with the rollback, so the second checkpoint stored it
    found = saver.get_tuple({"configurable": {"thread_id": "T"}})
    assert found is not None and found.checkpoint["channel_values"] == {"ticket": ticket}


def test_a_node_result_is_serialised_once_for_its_write_and_its_checkpoint(
    samples: dict[str, Ticket],
) -> None:
    serde = CountingSerializer()
    ticket = samples["SUPPORT-002"]
    first = serde.dumps_typed(ticket)
    assert serde.dumps_typed(ticket) == first
    assert serde.dumps_typed(ticket.model_copy()) == first  # equal, but another object
    assert serde.dumped == [ticket, ticket]
    assert serde.loads_typed(first) == ticket
