"""The support graph compiled on a checkpoint store, its writes fenced by ticket leases."""

from __future__ import annotations

from langgraph.checkpoint.base import BaseCheckpointSaver

from supportgraph.graph.builder import SupportGraph, compile_graph


def build_graph(checkpointer: BaseCheckpointSaver[str] | None = None) -> SupportGraph:
    """Compile the support graph, with a checkpointer for pause/resume and crash recovery.

    Args:
        checkpointer: Where every step is saved (see ``supportgraph.checkpoints``);
            None compiles a graph that cannot pause for review across calls. It is
            wrapped so that only the process holding a ticket's lease writes to it.
    """
    if checkpointer is None:
        return compile_graph()
    from supportgraph.checkpoints.fence import fenced

    return compile_graph(fenced(checkpointer))
