"""The checkpointer `langgraph dev` (Studio) runs the graph with, named in langgraph.json.

The API server would otherwise save threads with its own serializer, which knows
nothing of our models: it warns on every resume ("Deserializing unregistered type
...") and, with ``LANGGRAPH_STRICT_MSGPACK=true`` (LangGraph's coming default), hands
nodes plain dicts. Its ``allowed_msgpack_modules`` setting is not applied by the
pinned server, and the allowlist LangGraph derives from the graph's state is lost
when the server copies the graph to attach its own saver. So Studio saves through
LangGraph's async SQLite saver with our serializer instead, in a file of its own
under ``$SUPPORTGRAPH_HOME`` that outlives server restarts, apart from the CLI's store.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiosqlite
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from supportgraph.checkpoints.savers import serializer
from supportgraph.graph.context import home_dir


@asynccontextmanager
async def studio_checkpointer() -> AsyncIterator[AsyncSqliteSaver]:
    """Yield the saver for Studio's threads: ``$SUPPORTGRAPH_HOME/studio.sqlite`` (WAL)."""
    path = home_dir() / "studio.sqlite"
    path.parent.mkdir(parents=True, exist_ok=True)
    async with aiosqlite.connect(path) as conn:
        saver = AsyncSqliteSaver(conn, serde=serializer())
        await saver.setup()
        yield saver
