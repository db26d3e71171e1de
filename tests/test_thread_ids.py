"""Thread ids cannot collide: every (tenant, ticket id) pair has a thread of its own."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from supportgraph.checkpoints.savers import parse_thread_id, thread_id
from supportgraph.graph.context import Context
from supportgraph.graph.models import Ticket
from supportgraph.runs.build import build_graph
from supportgraph.runs.runner import config_for, run_ticket

PARTS = ["a", "b", "c", "b:c", "a:b", "acme", "T1", "acme:T1", "50%", "50%3A", "%3A", "x:y:z", ":"]


def test_no_two_tenant_and_id_pairs_share_a_thread() -> None:
    pairs = [(None, i) for i in PARTS] + list(itertools.product(PARTS, PARTS))
    threads = [thread_id(i, t) for t, i in pairs]
    assert len(set(threads)) == len(pairs)
    assert [parse_thread_id(t) for t in threads] == pairs


@pytest.mark.parametrize(
    ("tenant", "ticket_id", "thread"),
    [
        (None, "SUPPORT-001", "SUPPORT-001"),
        ("acme", "T1", "acme:T1"),
        ("a", "b:c", "a:b%3Ac"),
        ("a:b", "c", "a%3Ab:c"),
        (None, "acme:T1", "acme%3AT1"),
        (None, "100%", "100%25"),
    ],
    ids=["plain", "tenant", "colon-in-id", "colon-in-tenant", "colon-no-tenant", "percent"],
)
def test_thread_ids_stay_readable_and_unchanged_for_plain_ids(
    tenant: str | None, ticket_id: str, thread: str
) -> None:
    assert thread_id(ticket_id, tenant) == thread


def test_tickets_that_used_to_collide_are_each_processed(
    saver: Any, samples: dict[str, Ticket], context: Context
) -> None:
    support = build_graph(saver)
    base = samples["SUPPORT-002"]
    pairs = [
        ("a", "b:c", "Alpha"),
        ("a:b", "c", "Beta"),
        (None, "acme:T1", "Gamma"),
        ("acme", "T1", "Delta"),
    ]
    runs = [
        run_ticket(
            support, base.model_copy(update={"tenant": t, "ticket_id": i, "customer": c}), context
        )
        for t, i, c in pairs
    ]
    assert [r.status for r in runs] == ["processed"] * 4
    for tenant, ticket_id, customer in pairs:
        shown = support.get_state(config_for(ticket_id, tenant)).values["ticket"]
        assert (shown.tenant, shown.ticket_id, shown.customer) == (tenant, ticket_id, customer)
