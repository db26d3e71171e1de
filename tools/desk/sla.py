"""SLA clock: deadlines per priority from a policy file, and breach detection."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

from supportgraph.graph.errors import ConfigurationError
from supportgraph.graph.models import PRIORITIES, Priority, SlaStatus, Ticket
from supportgraph.tools import shipped_data
from supportgraph.tools.desk.durations import parse_duration


@dataclass(frozen=True)
class SlaTarget:
    """Time allowed to first response and to resolution for one priority."""

    first_response: timedelta
    resolution: timedelta


@dataclass(frozen=True)
class SlaPolicy:
    """SLA targets for every priority, loaded from a policy file."""

    targets: dict[Priority, SlaTarget]
    source: str

    def target(self, priority: Priority) -> SlaTarget:
        """Return the target for a priority."""
        return self.targets[priority]


def _default_policy_text() -> str:
    return shipped_data("sla_policy.json").read_text(encoding="utf-8")


@lru_cache(maxsize=8)
def load_policy(path: Path | None = None) -> SlaPolicy:
    """Load an SLA policy JSON file (the shipped default when ``path`` is None).

    Raises:
        ConfigurationError: the file is missing, not JSON, or lacks a priority.
    """
    source = str(path) if path else "default SLA policy"
    try:
        text = path.read_text(encoding="utf-8") if path else _default_policy_text()
        raw = json.loads(text)["targets"]
    except FileNotFoundError as exc:
        raise ConfigurationError(f"SLA policy file {path} does not exist") from exc
    except OSError as exc:  # a folder, no permission
        raise ConfigurationError(
            f"SLA policy file {path} cannot be read ({exc.strerror or exc}); "
            "point SUPPORTGRAPH_SLA_POLICY at a JSON file"
        ) from exc
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise ConfigurationError(
            f"{source}: expected JSON with a 'targets' object keyed by priority ({exc})"
        ) from exc
    targets: dict[Priority, SlaTarget] = {}
    for priority in PRIORITIES:
        entry = raw.get(priority)
        if not isinstance(entry, dict):
            raise ConfigurationError(f"{source}: no SLA target for priority {priority!r}")
        try:
            targets[priority] = SlaTarget(
                first_response=parse_duration(entry["first_response"]),
                resolution=parse_duration(entry["resolution"]),
            )
        except (KeyError, ValueError) as exc:
            raise ConfigurationError(
                f"{source}: priority {priority!r} needs first_response and resolution "
                f"durations such as '15m' ({exc})"
            ) from exc
    return SlaPolicy(targets=targets, source=source)


def sla_status(
    ticket: Ticket,
    priority: Priority,
    now: datetime,
    policy: SlaPolicy,
    first_response_at: datetime | None = None,
    resolved_at: datetime | None = None,
) -> SlaStatus:
    """Compute deadlines for the ticket and whether they are already missed at ``now``.

    A first response counts as on time when it was given before the deadline; while
    none is given, the deadline is missed once ``now`` passes it. Resolution works
    the same way with ``resolved_at``.
    """
    target = policy.target(priority)
    first_due = ticket.submitted_at + target.first_response
    resolution_due = ticket.submitted_at + target.resolution
    responded_or_now = first_response_at or now
    return SlaStatus(
        priority=priority,
        first_response_due=first_due,
        resolution_due=resolution_due,
        checked_at=now,
        first_response_at=first_response_at,
        resolved_at=resolved_at,
        first_response_breached=responded_or_now > first_due,
        resolution_breached=(resolved_at or now) > resolution_due,
    )
