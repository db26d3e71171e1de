"""The support graph: state, routing policy, context and builder.

``from supportgraph.graph import build_graph`` is the entry point for embedding.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Context", "build_graph"]


def __getattr__(name: str) -> Any:
    # Imported lazily so that `supportgraph.graph.models` stays light to import.
    if name == "build_graph":
        from supportgraph.graph.builder import build_graph

        return build_graph
    if name == "Context":
        from supportgraph.graph.context import Context

        return Context
    raise AttributeError(name)
