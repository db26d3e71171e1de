"""SLA clock: deadlines from the policy file, breaches, and bad policy files."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from supportgraph.graph.errors import ConfigurationError
from supportgraph.tools.desk.sla import load_policy, sla_status

from .conftest import NOW, make_ticket


def test_default_table() -> None:
    policy = load_policy(None)
    assert policy.target("Critical").first_response == timedelta(minutes=15)
    assert policy.target("Critical").resolution == timedelta(hours=2)
    assert policy.target("Low").resolution == timedelta(hours=72)


def test_critical_ticket_thirty_minutes_old_has_missed_first_response() -> None:
    ticket = make_ticket(submitted_at=NOW - timedelta(minutes=30))
    status = sla_status(ticket, "Critical", NOW, load_policy(None))
    assert status.first_response_breached
    assert not status.resolution_breached
    assert status.first_response_due == ticket.submitted_at + timedelta(minutes=15)


def test_reply_sent_in_time_stays_met_later() -> None:
    ticket = make_ticket(submitted_at=NOW - timedelta(hours=10))
    on_time = ticket.submitted_at + timedelta(hours=1)
    status = sla_status(
        ticket, "Medium", NOW, load_policy(None), first_response_at=on_time, resolved_at=on_time
    )
    assert not status.first_response_breached
    assert not status.resolution_breached


def test_deadlines_keep_the_ticket_timezone() -> None:
    ticket = make_ticket(submitted_at="2026-11-25T09:00:00+02:00")
    status = sla_status(ticket, "High", NOW, load_policy(None))
    assert status.first_response_due.isoformat() == "2026-11-25T10:00:00+02:00"


def test_custom_policy_file(tmp_path: Path) -> None:
    path = tmp_path / "sla.json"
    targets = {
        p: {"first_response": "1h", "resolution": "1d"}
        for p in ("Critical", "High", "Medium", "Low")
    }
    path.write_text(json.dumps({"targets": targets}))
    assert load_policy(path).target("Critical").first_response == timedelta(hours=1)


def test_policy_missing_a_priority_is_named(tmp_path: Path) -> None:
    path = tmp_path / "sla.json"
    path.write_text(
        json.dumps({"targets": {"Critical": {"first_response": "15m", "resolution": "2h"}}})
    )
    with pytest.raises(ConfigurationError, match="no SLA target for priority 'High'"):
        load_policy(path)
