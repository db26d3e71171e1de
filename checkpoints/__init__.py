"""Checkpointer factories: memory, SQLite or PostgreSQL, chosen by one URL."""

from supportgraph.checkpoints.savers import default_url, open_checkpointer, thread_id

__all__ = ["default_url", "open_checkpointer", "thread_id"]
