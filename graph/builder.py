"""Assemble the support graph: a supervisor hub with specialist workers around it."""

from __future__ import annotations

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from supportgraph.graph.context import Context
from supportgraph.graph.state import InputState, SupportState
from supportgraph.nodes.knowledge import ground_answer
from supportgraph.nodes.respond import respond
from supportgraph.nodes.review import request_review
from supportgraph.nodes.success import advise_customer
from supportgraph.nodes.supervisor import coordinate
from supportgraph.nodes.technical import troubleshoot
from supportgraph.nodes.triage import triage_ticket

WORKERS = {
    "triage": triage_ticket,
    "technical": troubleshoot,
    "success": advise_customer,
    "knowledge": ground_answer,
    "human_review": request_review,
    "respond": respond,
}

builder = StateGraph(SupportState, context_schema=Context, input_schema=InputState)
builder.add_node("supervisor", coordinate)
for name, node in WORKERS.items():
    builder.add_node(name, node)
    builder.add_edge(name, "supervisor")
builder.add_edge(START, "supervisor")

SupportGraph = CompiledStateGraph[SupportState, Context, InputState, SupportState]


def compile_graph(checkpointer: BaseCheckpointSaver[str] | None = None) -> SupportGraph:
    """Compile the support graph, saving every step to ``checkpointer`` as given.

    To run tickets against one of supportgraph's stores, use
    ``supportgraph.runs.build.build_graph``: it also fences the store's writes by ticket
    leases. graph/ knows no store, so that the dependency runs one way.

    Args:
        checkpointer: Where every step is saved; None compiles a graph that cannot pause
            for review across calls (what Studio and a parent graph want).
    """
    return builder.compile(checkpointer=checkpointer, name="supportgraph")


# LangGraph Studio / `langgraph dev` bring their own persistence and reject a graph
# compiled with a checkpointer, so the module-level graph has none.
graph = compile_graph()
