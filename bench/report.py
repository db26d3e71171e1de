"""Turn the bench's measurements into results.json and the table printed on screen."""

from __future__ import annotations

import json
import os
import platform
import statistics
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.graphs import StoreSize
from supportgraph.graph.models import Ticket

LABELS = {
    "floor": "floor: node functions in a loop + 1 insert",
    "graph_none": "graph, no checkpointer",
    "graph_memory": "graph + memory saver",
    "graph_sqlite": "graph + SQLite (sync, as `run`)",
    "graph_sqlite_async": "graph + SQLite (async durability)",
    "graph_postgres": "graph + PostgreSQL (sync)",
}


def _ms(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


def _mean(values: list[int]) -> float:
    return round(statistics.fmean(values), 1) if values else 0.0


def _sizes(sizes: StoreSize | None) -> dict[str, float] | None:
    if sizes is None:
        return None
    return {
        "checkpoints_per_ticket": _mean(sizes.checkpoints),
        "bytes_per_ticket": _mean(sizes.bytes),
        "bytes_per_ticket_after_prune": _mean(sizes.bytes_after_prune),
    }


def results(
    *,
    tickets: list[Ticket],
    rounds: int,
    latencies: dict[str, list[float]],
    wall: dict[str, float],
    nodes: dict[str, float],
    floor_outcomes: dict[str, str],
    sizes: StoreSize,
    pg_sizes: StoreSize | None,
    pg_note: str,
    triage: list[float],
    startup: dict[str, float],
    memory: dict[str, float],
    warm_up_s: float,
    loads: list[tuple[float, float, float]],
) -> dict[str, Any]:
    """Every figure, flat keys first (those docs and the issue name), details after."""
    floor_rate = len(latencies["floor"]) / wall["floor"]
    variants = {}
    for name, seconds in latencies.items():
        rate = len(seconds) / wall[name]
        variants[name] = {
            "tickets_per_s": round(rate, 2),
            "ratio_to_floor": round(rate / floor_rate, 3),
            "p50_ms": _ms(seconds, 0.50),
            "p95_ms": _ms(seconds, 0.95),
            "p99_ms": _ms(seconds, 0.99),
            "mean_ms": round(1000 * statistics.fmean(seconds), 1),
        }
    floor_total = sum(latencies["floor"])
    sqlite, postgres = _sizes(sizes), _sizes(pg_sizes)
    assert sqlite is not None
    flat: dict[str, Any] = {
        f"{name}_tickets_per_s": variants[name]["tickets_per_s"] if name in variants else None
        for name in LABELS
    }
    flat |= {
        "ratio_sqlite_to_floor": variants["graph_sqlite"]["ratio_to_floor"],
        "p50_ms": variants["graph_sqlite"]["p50_ms"],
        "p95_ms": variants["graph_sqlite"]["p95_ms"],
        "p99_ms": variants["graph_sqlite"]["p99_ms"],
        "checkpoint_bytes_per_ticket": sqlite["bytes_per_ticket"],
        "checkpoints_per_ticket": sqlite["checkpoints_per_ticket"],
        "checkpoint_bytes_per_ticket_after_prune": sqlite["bytes_per_ticket_after_prune"],
        "cold_start_s": round(startup["cold_start_s"], 2),
        "help_s": round(startup["help_s"], 3),
        "review_list_s": round(startup["review_list_s"], 2),
        "triage_p95_ms": _ms(triage, 0.95),
        "rss_before_mb": round(memory["rss_before_mb"], 1),
        "rss_after_mb": round(memory["rss_after_mb"], 1),
        # The floor does the graph's work only if it reaches the same outcomes.
        "floor_same_outcome_share": round(
            sum(floor_outcomes[k] == v for k, v in sizes.outcomes.items()) / len(sizes.outcomes), 3
        ),
    }
    return flat | {
        "variants": variants,
        "node_share": {
            node: {
                "share": round(spent / floor_total, 3),
                "ms_per_ticket": round(1000 * spent / len(latencies["floor"]), 2),
            }
            for node, spent in sorted(nodes.items(), key=lambda kv: -kv[1])
        },
        "checkpoints": {"sqlite": sqlite, "postgres": postgres, "postgres_note": pg_note},
        "triage_only": {
            "p50_ms": _ms(triage, 0.50),
            "p95_ms": _ms(triage, 0.95),
            "tickets_per_s": round(len(triage) / sum(triage), 1),
        },
        "startup": {k: round(v, 3) for k, v in startup.items()},
        "memory": {k: round(v, 1) for k, v in memory.items()},
        "warm_up_s": round(warm_up_s, 2),
        "tickets": {
            "count": len(tickets),
            "rounds": rounds,
            "source": "tests/data/judgement/tuning/tickets.json",
            "words_mean": round(statistics.fmean(len(t.message.split()) for t in tickets), 1),
            "channels": dict(Counter(t.channel for t in tickets)),
            "outcomes": dict(Counter(sizes.outcomes.values())),
        },
        "machine": {
            "cpus": os.cpu_count(),
            "loadavg_start": [round(x, 2) for x in loads[0]],
            "loadavg_end": [round(x, 2) for x in loads[-1]],
            "python": platform.python_version(),
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        },
    }


def print_table(results: dict[str, Any]) -> None:
    """The figures on screen: variants, node shares, store, start-up, memory, machine."""
    t, m = results["tickets"], results["machine"]
    print(
        f"\n{t['count']} tickets ({t['words_mean']:.0f} words on average) in {t['rounds']} rounds; "
        f"{m['cpus']} CPUs, load {m['loadavg_start'][0]} at start, {m['loadavg_end'][0]} at end\n"
    )
    print(
        f"{'variant':44s} {'tickets/s':>9s} {'x floor':>7s} {'p50 ms':>8s} {'p95 ms':>8s} {'p99 ms':>8s}"
    )
    for name, v in results["variants"].items():
        print(
            f"{LABELS[name]:44s} {v['tickets_per_s']:9.2f} {v['ratio_to_floor']:7.2f} "
            f"{v['p50_ms']:8.1f} {v['p95_ms']:8.1f} {v['p99_ms']:8.1f}"
        )
    note = results["checkpoints"]["postgres_note"]
    if note:
        print(f"{LABELS['graph_postgres']:44s} {note}")
    print("\nshare of the floor's time per node (the same functions the graph runs)")
    for node, share in results["node_share"].items():
        print(f"  {node:20s} {share['share']:6.1%}  {share['ms_per_ticket']:7.2f} ms/ticket")
    for store in ("sqlite", "postgres"):
        size = results["checkpoints"][store]
        if size:
            print(
                f"\n{store}: {size['checkpoints_per_ticket']:.1f} checkpoints and "
                f"{size['bytes_per_ticket']:,.0f} bytes per ticket; "
                f"{size['bytes_per_ticket_after_prune']:,.0f} after prune --keep-last 2"
            )
    s, mem, tri = results["startup"], results["memory"], results["triage_only"]
    print(
        f"\ncold start {s['cold_start_s']:.2f} s (import {s['cold_import_s']:.2f} s, first ticket "
        f"{s['cold_first_ticket_s']:.2f} s); --help {s['help_s']:.2f} s; "
        f"review list {s['review_list_s']:.2f} s ({t['count']} tickets in the store)"
    )
    print(
        f"floor and graph reach the same outcome on {results['floor_same_outcome_share']:.0%} "
        f"of tickets; outcomes {t['outcomes']}"
    )
    print(f"triage only: p50 {tri['p50_ms']:.1f} ms, p95 {tri['p95_ms']:.1f} ms")
    print(
        f"RSS {mem['rss_start_mb']:.0f} MB at start, {mem['rss_before_mb']:.0f} MB warmed up, "
        f"{mem['rss_after_mb']:.0f} MB after every variant; warm-up {results['warm_up_s']:.1f} s"
    )


def write(results: dict[str, Any], path: Path) -> None:
    """Write the results as indented JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
