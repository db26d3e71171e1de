"""The support graph: state, routing policy, context and builder.

``from supportgraph.graph import compile_graph`` compiles it with a checkpointer of your own;
``supportgraph.runs.build.build_graph`` compiles it on a supportgraph store, writes fenced
by ticket leases.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Context", "compile_graph"]


def __getattr__(name: str) -> Any:
    # Imported lazily so that `supportgraph.graph.models` stays light to import.
    if name == "compile_graph":
        from supportgraph.graph.builder import compile_graph

        return compile_graph
    if name == "Context":
        from supportgraph.graph.context import Context

        return Context
    raise AttributeError(name)
