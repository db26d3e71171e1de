"""The hostile corpus (tests/redteam/cases.jsonl) through the real CLI: every case holds.

One run of every scenario serves all the cases; each case is its own test, named by
its id, so a failure says which hostile input got through and what was seen.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .redteam import Result, load_cases, run_all

CASES = load_cases()


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Result]:
    results = run_all(Path(tmp_path_factory.mktemp("redteam")), CASES)
    return {r.case.id: r for r in results}


def test_the_corpus_covers_every_edge_behaviour() -> None:
    scenarios = {c.scenario for c in CASES}
    assert len(CASES) >= 80
    assert {"batch", "jsonl", "cli", "tenants", "smtp", "concurrency", "legacy"} <= scenarios
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_case_is_handled(case: object, outcomes: dict[str, Result]) -> None:
    result = outcomes[case.id]  # type: ignore[attr-defined]
    assert result.ok, f"{result.case.why}: expected {result.case.expectation()}; saw {result.seen}"
