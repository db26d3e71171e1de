"""Kill `supportgraph run` with SIGKILL at random moments, rerun it, and check nothing is lost.

Usage: python scripts/crash_test.py [--tickets 200] [--kills 20] [--seed 7] [--workdir DIR]

Each round starts the same command (same --out, same SQLite checkpoint store) and kills
it after a random delay; a final round runs to the end. Then it checks that every
ticket is finished or waiting for review and listed in tickets.jsonl, and that no
outbox message (in particular no customer reply) was delivered twice in sent.jsonl.
Exit code 0 when every check holds.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TIERS = ("Starter", "Growth", "Professional", "Enterprise")
CHANNELS = ("Email", "Chat", "Phone", "Web")
AGES = ("-5m", "-20m", "-45m", "-2h", "-6h", "-1d")


def make_tickets(count: int, rng: random.Random) -> list[dict[str, str]]:
    """Varied tickets: the five samples plus the shipped labelled examples."""
    samples = json.loads((ROOT / "examples" / "sample_inquiries.json").read_text())
    examples = [
        json.loads(line)
        for line in (ROOT / "tools" / "data" / "triage_examples.jsonl").read_text().splitlines()
    ]
    tickets = []
    for n in range(count):
        if n % 10 == 0:
            base = dict(samples[(n // 10) % len(samples)])
            base.pop("priority", None)
            base.pop("category", None)
        else:
            example = rng.choice(examples)
            base = {
                "customer": f"Customer {rng.randint(1, 60)}",
                "customer_tier": rng.choice(TIERS),
                "channel": rng.choice(CHANNELS),
                "subject": example["subject"],
                "message": example["message"],
            }
        base |= {"ticket_id": f"CRASH-{n:04d}", "submitted_at": rng.choice(AGES)}
        tickets.append(base)
    return tickets


def main() -> int:
    """Run the crash rounds and the checks; print the counts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=200)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="supportgraph-crash-"))
    work.mkdir(parents=True, exist_ok=True)
    tickets_file = work / "tickets.json"
    tickets_file.write_text(json.dumps(make_tickets(args.tickets, rng)))
    out, store = work / "out", f"sqlite:///{work / 'checkpoints.sqlite'}"
    command = [
        sys.executable,
        "-m",
        "supportgraph.cli",
        "run",
        str(tickets_file),
        "--out",
        str(out),
        "--checkpoint",
        store,
    ]
    env = os.environ | {"SUPPORTGRAPH_HOME": str(work / "home"), "PYTHONUNBUFFERED": "1"}

    kills = rounds = 0
    started = time.monotonic()
    while kills < args.kills:
        rounds += 1
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=work
        )
        time.sleep(rng.uniform(1.5, 9.0))
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            kills += 1
            print(f"round {rounds}: killed with SIGKILL ({kills}/{args.kills})", flush=True)
        else:
            print(
                f"round {rounds}: finished before the kill (exit {process.returncode}); starting over",
                flush=True,
            )
    final = subprocess.run(command, env=env, capture_output=True, text=True, cwd=work)
    print(f"final round: exit {final.returncode}")
    return check(args.tickets, out, kills, rounds + 1, time.monotonic() - started, final)


def check(
    expected: int,
    out: Path,
    kills: int,
    rounds: int,
    seconds: float,
    final: subprocess.CompletedProcess[str],
) -> int:
    """Verify the final state and print the counts."""
    folder = out / f"customer_support_{datetime.now(UTC):%Y%m%d}"
    records = [json.loads(line) for line in (folder / "tickets.jsonl").read_text().splitlines()]
    ledger = [
        json.loads(line)
        for line in (out / "sent.jsonl").read_text().splitlines()
        if line.strip().endswith("}")
    ]
    outcomes = Counter(r["outcome"] for r in records)
    keys = Counter(line["key"] for line in ledger)
    replies = Counter(line["ticket_id"] for line in ledger if line["action"] == "customer_reply")
    replied = {r["ticket_id"] for r in records if r["outcome"] == "replied"}
    problems = []
    if final.returncode != 0:
        problems.append(f"final run exited {final.returncode}: {final.stderr[-500:]}")
    if len({r["ticket_id"] for r in records}) != expected:
        problems.append(f"tickets.jsonl lists {len(records)} tickets, expected {expected}")
    unfinished = [
        r["ticket_id"]
        for r in records
        if r["outcome"] not in ("replied", "waiting_for_review", "handed_to_human")
    ]
    if unfinished:
        problems.append(f"unfinished tickets: {unfinished[:10]}")
    duplicated = [k for k, n in keys.items() if n > 1]
    if duplicated:
        problems.append(f"delivered twice: {duplicated[:10]}")
    missing = sorted(replied - set(replies))
    if missing:
        problems.append(f"replied but no reply delivered: {missing[:10]}")
    print(f"tickets: {len(records)} ({dict(outcomes)})")
    print(f"kills: {kills} in {rounds} rounds, {seconds:.0f} s")
    print(
        f"delivered messages: {len(ledger)}; customer replies: {sum(replies.values())}; duplicate keys: {len(duplicated)}"
    )
    print(f"tickets with two delivered replies: {sum(1 for n in replies.values() if n > 1)}")
    for problem in problems:
        print(f"FAIL: {problem}")
    print("crash test passed" if not problems else "crash test FAILED")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
