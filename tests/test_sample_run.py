"""The five sample inquiries end to end through the CLI, checked from the files it writes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from supportgraph.cli.app import app

from .conftest import ROOT, SAMPLES

runner = CliRunner()


def _run(out: Path, db: Path, file: Path = SAMPLES) -> Any:
    return runner.invoke(
        app, ["run", str(file), "--out", str(out), "--checkpoint", f"sqlite:///{db}"]
    )


def _folder(out: Path) -> Path:
    return out / f"customer_support_{datetime.now(UTC):%Y%m%d}"


def _records(out: Path) -> dict[str, dict[str, Any]]:
    lines = (_folder(out) / "tickets.jsonl").read_text().splitlines()
    return {r["ticket_id"]: r for r in map(json.loads, lines)}


@pytest.fixture(scope="module")
def sample_run(
    tmp_path_factory: pytest.TempPathFactory, _shared_model_cache: Path
) -> tuple[Path, Path, Any]:
    base = tmp_path_factory.mktemp("sample")
    # A module's fixture runs outside each test's own home (conftest ``_isolated_home``):
    # the dashboard's "all runs" figures must not count the developer's earlier runs.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SUPPORTGRAPH_HOME", str(base / "home"))
        patch.setenv("SUPPORTGRAPH_CACHE", str(_shared_model_cache))
        result = _run(base / "out", base / "cp.sqlite")
    return base / "out", base / "cp.sqlite", result


@pytest.fixture(scope="module")
def records(sample_run: tuple[Path, Path, Any]) -> dict[str, dict[str, Any]]:
    out, _, result = sample_run
    assert result.exit_code == 0, result.output
    return _records(out)


# What the rubric (../shared/TRIAGE_RUBRIC.md) makes of the five samples. Their declared
# priorities come from the seed: 002 (a plan comparison) and 005 (feature ideas and a
# roadmap call) are Medium there, and Low or Medium by the rubric. 001 is Critical there:
# 500 errors on about 15 % of API calls, "affecting our customer transactions", at an
# Enterprise customer, which is Critical ("production down") or High ("a high-value
# customer materially hurt") by the rubric; three blind raters accepted either
# (docs/judgement_eval.md, twenty-third round).
RUBRIC_PRIORITY = {
    "SUPPORT-001": {"Critical", "High"},
    "SUPPORT-002": {"Low", "Medium"},
    "SUPPORT-003": {"High"},
    "SUPPORT-004": {"Medium"},
    "SUPPORT-005": {"Low", "Medium"},
}


def test_triage_follows_the_rubric_on_the_samples(records: dict[str, dict[str, Any]]) -> None:
    for record in records.values():
        assert record["priority"] in RUBRIC_PRIORITY[record["ticket_id"]], record["ticket_id"]
        assert record["category"] == record["declared_category"].lower(), record["ticket_id"]


def test_production_outage_escalates_to_engineering_and_waits(
    records: dict[str, dict[str, Any]],
) -> None:
    r = records["SUPPORT-001"]
    assert r["priority"] in ("Critical", "High")
    assert r["specialists"] == ["technical", "success"]
    assert r["escalation_team"] == "Engineering"
    assert r["outcome"] == "waiting_for_review"
    assert r["reply_status"] == "draft"


def test_pricing_question_gets_the_plan_comparison(records: dict[str, dict[str, Any]]) -> None:
    r = records["SUPPORT-002"]
    assert r["specialists"] == ["success"]
    assert r["outcome"] == "replied"
    comparison = r["findings"]["success"][0]
    assert "Growth vs Enterprise" in comparison
    assert "600" in comparison and "6,000" in comparison  # API limits from the catalog
    # Leo asked about "API limits and integrations": the chat reply, kept short, still
    # lists each plan's integrations.
    assert "6,000 API requests per minute" in r["reply"]
    assert "Integrations: Google Sheets, Slack, Zapier, HubSpot" in r["reply"]


def test_large_export_cites_the_workaround_article(records: dict[str, dict[str, Any]]) -> None:
    r = records["SUPPORT-003"]
    assert (r["priority"], r["specialists"], r["outcome"]) == ("High", ["technical"], "replied")
    export_articles = [h["article_id"] for h in r["kb_hits"] if "xport" in h["title"]]
    assert export_articles and export_articles[0] in r["citations"]
    assert f"[{export_articles[0]}]" in r["reply"]
    assert "2 GB" in r["entities"]["technical"]["data_size"]


def test_duplicate_charge_is_found_in_the_ledger_and_refund_waits(
    records: dict[str, dict[str, Any]],
) -> None:
    r = records["SUPPORT-004"]
    assert r["specialists"] == ["success"]
    assert any("Duplicate charge found in the ledger" in f for f in r["findings"]["success"])
    assert [a["kind"] for a in r["actions"]] == ["refund"]
    assert r["actions"][0]["reference"]
    assert (r["escalation_team"], r["outcome"]) == ("Billing", "waiting_for_review")


def test_feature_request_is_logged_and_strategy_session_offered(
    records: dict[str, dict[str, Any]],
) -> None:
    r = records["SUPPORT-005"]
    assert (r["specialists"], r["outcome"], r["escalated"]) == (["success"], "replied", False)
    assert any("Feature request logged" in f for f in r["findings"]["success"])
    assert "strategy session" in r["reply"]


def test_first_response_sla_missed_exactly_for_003(
    sample_run: tuple[Path, Path, Any], records: dict[str, dict[str, Any]]
) -> None:
    # SUPPORT-003 (High, 2 hours old) is past its 1-hour target; SUPPORT-001 (High,
    # 30 minutes old) is not yet.
    assert records["SUPPORT-001"]["priority"] == "High"
    breached = sorted(t for t, r in records.items() if r["sla"]["first_response_breached"])
    assert breached == ["SUPPORT-003"]
    dashboard = (_folder(sample_run[0]) / "support_dashboard.md").read_text()
    assert "**Breached:** 1 (SUPPORT-003)" in dashboard
    assert "**Compliance:** 80% of tickets not late (4 of 5)" in dashboard


def test_dashboard_counts_come_from_the_run(sample_run: tuple[Path, Path, Any]) -> None:
    dashboard = (_folder(sample_run[0]) / "support_dashboard.md").read_text()
    for line in (
        "**Critical:** 0 (0%)",
        "**High:** 2 (40%)",
        "**Medium:** 1 (20%)",
        "**Low:** 2 (40%)",
        "**Email:** 2 (40%)",
        "**Phone:** 2 (40%)",
        "**Chat:** 1 (20%)",
        # SUPPORT-005's customer success manager follows up the feature request, and
        # Engineering the High export fault SUPPORT-003 (the bulk-export steps went out at
        # once): answered, not resolved by the first reply. SUPPORT-001's draft, a High
        # troubleshooting answer, waits for Engineering and names them as following up.
        "**Automation rate:** 20% (1 replied without a human)",
        "**Handed to a team:** 3 (a team still owes the customer an answer",
        "**Customer satisfaction:** not available",
        "**Articles:** 14 published",
        "**Search success rate, all runs:** 100% (5 of 5 logged searches)",
    ):
        assert line in dashboard


def test_every_report_is_written(sample_run: tuple[Path, Path, Any]) -> None:
    names = {p.name for p in _folder(sample_run[0]).iterdir()}
    assert names == {
        "support_inquiry_triage_report.md",
        "technical_issue_resolution_report.md",
        "customer_success_management_report.md",
        "knowledge_base_maintenance_report.md",
        "escalation_management_report.md",
        "support_dashboard.md",
        "support_playbook.md",
        "CUSTOMER_SUPPORT_SUMMARY.md",
        "tickets.jsonl",
        "run.json",
    }


def test_every_routing_step_is_logged(records: dict[str, dict[str, Any]]) -> None:
    r = records["SUPPORT-001"]
    assert [d["to"] for d in r["decisions"]] == [
        "triage",
        "technical+success+knowledge",  # the KB search runs beside the specialists
        "respond",
        "human_review",
    ]
    assert all(d["reason"] and d["at"] for d in r["decisions"])


def test_second_run_processes_nothing_twice_and_reports_everything(
    sample_run: tuple[Path, Path, Any],
) -> None:
    out, db, _ = sample_run
    again = _run(out, db)
    assert again.exit_code == 0, again.output
    records = _records(out)
    assert len(records) == 5
    assert {r["run_status"] for r in records.values()} == {"already_done"}
    # a re-run would have appended to the same thread: it still holds one pass of four steps
    assert records["SUPPORT-002"]["hops"] == 4
    assert len(records["SUPPORT-002"]["decisions"]) == 4


def test_bad_ticket_is_rejected_and_the_rest_processed(tmp_path: Path) -> None:
    tickets = json.loads(SAMPLES.read_text())
    tickets[1]["customer_tier"] = "Gold"
    file = tmp_path / "tickets.json"
    file.write_text(json.dumps(tickets))
    result = _run(tmp_path / "out", tmp_path / "cp.sqlite", file)
    assert result.exit_code == 1
    assert "SUPPORT-002" in result.output and "customer_tier" in result.output
    assert sorted(_records(tmp_path / "out")) == [
        "SUPPORT-001",
        "SUPPORT-003",
        "SUPPORT-004",
        "SUPPORT-005",
    ]


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "supportgraph.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )


def test_review_resumes_in_another_process(
    sample_run: tuple[Path, Path, Any], tmp_path: Path
) -> None:
    out, db, _ = sample_run
    env = os.environ | {"SUPPORTGRAPH_HOME": str(tmp_path)}
    url = f"sqlite:///{db}"
    waiting = _cli("review", "list", "--checkpoint", url, env=env)
    assert waiting.returncode == 0, waiting.stderr
    assert "SUPPORT-001" in waiting.stdout and "SUPPORT-004" in waiting.stdout
    approved = _cli(
        "review",
        "approve",
        "SUPPORT-004",
        "--reviewer",
        "dana",
        "--checkpoint",
        url,
        "--out",
        str(out),
        env=env,
    )
    assert approved.returncode == 0, approved.stderr
    assert "replied" in approved.stdout
    shown = _cli("show", "SUPPORT-004", "--json", "--checkpoint", url, env=env)
    record = json.loads(shown.stdout)
    assert (record["outcome"], record["reply_status"], record["review"]["reviewer"]) == (
        "replied",
        "sent",
        "dana",
    )
    sent = [json.loads(line) for line in (out / "sent.jsonl").read_text().splitlines()]
    assert [m["action"] for m in sent if m["ticket_id"] == "SUPPORT-004"] == [
        "customer_reply",
        "status_change",
        "refund_request",
    ]
    again = _cli(
        "review", "approve", "SUPPORT-004", "--checkpoint", url, "--out", str(out), env=env
    )
    assert again.returncode == 2 and "finished" in again.stderr


def test_playbook_follows_the_policy_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    targets = {
        p: {"first_response": "40m", "resolution": "3h"}
        for p in ("Critical", "High", "Medium", "Low")
    }
    policy = tmp_path / "sla.json"
    policy.write_text(json.dumps({"targets": targets}))
    monkeypatch.setenv("SUPPORTGRAPH_SLA_POLICY", str(policy))
    result = _run(tmp_path / "out", tmp_path / "cp.sqlite")
    assert result.exit_code == 0, result.output
    playbook = (_folder(tmp_path / "out") / "support_playbook.md").read_text()
    assert "| Critical | 40m | 3h |" in playbook
    assert str(policy) in playbook
    # with 40 minutes for everyone, the 45-minute, 1-hour and 2-hour old tickets are late
    breached = sorted(
        t for t, r in _records(tmp_path / "out").items() if r["sla"]["first_response_breached"]
    )
    assert breached == ["SUPPORT-002", "SUPPORT-003", "SUPPORT-004"]


def test_every_citation_names_a_real_article_that_holds_the_cited_text(
    records: dict[str, dict[str, Any]],
) -> None:
    from supportgraph.tools.knowledge.kb import read_articles

    kb = {a.id: a for a in read_articles()}
    cited_lines = 0
    for r in records.values():
        assert set(r["citations"]) <= set(kb), r["ticket_id"]
        for line in r["reply"].splitlines():
            for article_id in re.findall(r"\[(KB-\d+)\]", line):
                assert f"[{article_id}]" in " ".join(f"[{c}]" for c in r["citations"])
                claim = re.sub(r"^\s*(\d+\.|-)\s*|\s*\[KB-\d+\]\s*$", "", line)
                source = kb[article_id]
                assert claim in source.body or claim == source.title, (article_id, claim)
                cited_lines += 1
        for hit in r["kb_hits"]:
            assert hit["passage"] in kb[hit["article_id"]].body
    assert cited_lines >= 5  # the technical playbooks are quoted step by step


def test_api_outage_gets_the_5xx_playbook(records: dict[str, dict[str, Any]]) -> None:
    r = records["SUPPORT-001"]
    assert r["kb_hits"][0]["article_id"] == "KB-001"
    assert "[KB-001]" in r["reply"]
