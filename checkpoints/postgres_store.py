"""LangGraph's PostgreSQL saver with compact channel versions."""

from __future__ import annotations

from langgraph.checkpoint.postgres import PostgresSaver

from supportgraph.checkpoints.versions import CompactVersions


class CompactPostgresSaver(CompactVersions, PostgresSaver):
    """PostgresSaver whose version ids are 18 characters instead of 51.

    Checkpoint rows are JSONB that repeat a version id per channel and per node;
    the shorter ids cut a sample ticket's rows by about half.
    """
