"""The teams a ticket can be handed to: names and addresses are configuration.

The escalation policy (graph/routing.py) speaks of roles — engineering, security,
billing, legal, product, sales, success — and this file says which team plays each role
and where it is notified. A support organisation renames teams or merges roles (one
"Trust & Safety" team for security and legal) by editing a JSON file
(``SUPPORTGRAPH_TEAMS`` or ``Context.teams_path``), not the code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from supportgraph.graph.errors import ConfigurationError
from supportgraph.tools import data_text

Role = Literal["engineering", "security", "billing", "legal", "product", "sales", "success"]
ROLES: tuple[Role, ...] = (
    "engineering",
    "security",
    "billing",
    "legal",
    "product",
    "sales",
    "success",
)


@dataclass(frozen=True)
class Team:
    """One team: its name, the roles it plays, where it is notified and what it handles."""

    name: str
    roles: tuple[Role, ...]
    notify: str
    handles: str


@dataclass(frozen=True)
class Teams:
    """Every configured team, and which team plays each role."""

    teams: tuple[Team, ...]

    def for_role(self, role: Role) -> str:
        """The name of the team playing ``role``."""
        return next(t.name for t in self.teams if role in t.roles)

    @property
    def names(self) -> tuple[str, ...]:
        """Team names, in configuration order."""
        return tuple(t.name for t in self.teams)

    def get(self, name: str) -> Team:
        """The team called ``name`` (case-insensitive).

        Raises:
            ConfigurationError: no such team; the message lists the valid ones.
        """
        for team in self.teams:
            if team.name.casefold() == name.strip().casefold():
                return team
        raise ConfigurationError(f"unknown team {name!r}; teams are: {', '.join(self.names)}")


@lru_cache(maxsize=4)
def load_teams(path: Path | None = None) -> Teams:
    """Teams from ``path`` (the shipped default when None); every role must be played.

    Raises:
        ConfigurationError: the file is missing, malformed, or leaves a role unplayed.
    """
    source = str(path or "teams.json")
    try:
        text = data_text(path, "teams.json")
        raw = json.loads(text)["teams"]
        teams = tuple(
            Team(
                name=str(t["name"]),
                roles=tuple(t["roles"] if "roles" in t else [t["role"]]),
                notify=str(t.get("notify") or f"{str(t['name']).lower()}-team"),
                handles=str(t.get("handles", "")),
            )
            for t in raw
        )
    except FileNotFoundError:
        raise ConfigurationError(f"teams file {source} does not exist") from None
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise ConfigurationError(f"teams file {source} is malformed: {exc}") from None
    unknown = sorted({r for t in teams for r in t.roles} - set(ROLES))
    if unknown:
        raise ConfigurationError(
            f"teams file {source}: unknown role {unknown[0]!r}; roles are {', '.join(ROLES)}"
        )
    missing = [r for r in ROLES if not any(r in t.roles for t in teams)]
    if missing:
        raise ConfigurationError(
            f"teams file {source}: no team plays the role {missing[0]!r}; give it to a team"
        )
    return Teams(teams)
