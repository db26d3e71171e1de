"""Per-ticket triage latency of the embedded engine (``make bench``; numbers, not a test).

Times ``EmbeddedEngine.triage`` one ticket at a time over the shipped example tickets:
the default shipped model (the baseline), the same on realistic tickets from the
tuning set (long emails and chats in four languages), and models trained by ``train
triage`` on the examples with TF-IDF only and with MiniLM embeddings. Ratios are against the
baseline measured in the same run, so a busy machine shifts all rows together.
"""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from supportgraph.graph.models import Ticket
from supportgraph.tools.category import load_examples
from supportgraph.tools.engines import EmbeddedEngine, TrainedTriage
from supportgraph.tools.triage_model import MODEL_FILE, FeatureSettings, TriageModel

TICKETS = 200


def _tickets() -> list[Ticket]:
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    return [
        Ticket(
            ticket_id=f"B-{i}",
            customer="Bench Ltd",
            customer_tier="Growth",
            channel="Email",
            subject=e.subject,
            message=e.message,
            submitted_at=now,
        )
        for i, e in enumerate(load_examples()[:TICKETS])
    ]


def _realistic() -> list[Ticket]:
    """Realistic tickets (long emails, chats, four languages) from the tuning set."""
    from supportgraph.tools.judgement_data import read_labelled

    folder = Path(__file__).parent / "data" / "judgement" / "tuning"
    return read_labelled(folder).tickets[::4][:TICKETS]


def _latencies(engine: EmbeddedEngine, tickets: list[Ticket]) -> np.ndarray:
    engine.triage(tickets[0])  # load models outside the timing
    out = []
    for ticket in tickets:
        started = time.perf_counter()
        engine.triage(ticket)
        out.append((time.perf_counter() - started) * 1000)
    return np.asarray(out)


def _trained(folder: Path, embeddings: bool) -> tuple[EmbeddedEngine, float, float]:
    # Trained on the examples not timed: their embeddings must not come from the memo.
    examples = load_examples()[TICKETS:]
    started = time.perf_counter()
    model = TriageModel.fit(
        [(e.subject, e.message) for e in examples],
        [e.category for e in examples],
        settings=FeatureSettings(embeddings=embeddings, choose_by_cv=False),
    ).with_metadata(text_columns=["subject", "message"])
    seconds = time.perf_counter() - started
    model.save(folder)
    return EmbeddedEngine(TrainedTriage(folder)), seconds, (folder / MODEL_FILE).stat().st_size


def main() -> None:
    """Print p50/p95 per-ticket latency and ratios to the default engine."""
    tickets = _tickets()
    rows = [("default shipped model (baseline)", _latencies(EmbeddedEngine(), tickets), "")]
    realistic = _realistic()
    words = np.mean([len(t.message.split()) for t in realistic])
    rows.append(
        (
            "default, realistic tickets",
            _latencies(EmbeddedEngine(), realistic),
            f"{len(realistic)} tickets, {words:.0f} words on average, EN/DE/ES/FR",
        )
    )
    with tempfile.TemporaryDirectory() as tmp:
        for name, embeddings in (
            ("trained, TF-IDF only", False),
            ("trained, TF-IDF + MiniLM", True),
        ):
            engine, seconds, size = _trained(Path(tmp) / name.replace(" ", "_"), embeddings)
            note = f"train {seconds:.1f}s on {420 - TICKETS}, {size / 1e6:.1f} MB"
            rows.append((name, _latencies(engine, tickets), note))
    base50, base95 = np.percentile(rows[0][1], [50, 95])
    print(f"per-ticket triage latency over {len(tickets)} tickets (ms)")
    for name, times, note in rows:
        p50, p95 = np.percentile(times, [50, 95])
        print(
            f"{name:34s} p50 {p50:6.2f}  p95 {p95:6.2f}  "
            f"x{p50 / base50:4.1f} / x{p95 / base95:4.1f} baseline  {note}"
        )


if __name__ == "__main__":
    main()
