"""The lease fence around a checkpointer: only the process holding a ticket's lease writes it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import timedelta
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import (
    BaseCheckpointSaver,
    ChannelVersions,
    Checkpoint,
    CheckpointMetadata,
    CheckpointTuple,
    DeltaChannelHistory,
)

from supportgraph.checkpoints.leases import DEFAULT_TTL, Lease, lease_table, this_process


class FencedSaver(BaseCheckpointSaver[str]):
    """A checkpointer that refuses writes to a thread whose lease this process lost.

    It wraps a saver with a sync API (what ``open_checkpointer`` yields). The async
    methods run the sync ones in a worker thread, so ``ainvoke`` and ``astream`` are
    fenced the same way: the check and the write stay one transaction.
    """

    def __init__(self, inner: BaseCheckpointSaver[str]) -> None:
        super().__init__(serde=inner.serde)
        self.inner = inner
        self.leases = lease_table(inner)
        self._held: dict[str, Lease] = {}

    @contextmanager
    def lease(
        self, thread_id: str, owner: str | None = None, ttl: timedelta = DEFAULT_TTL
    ) -> Iterator[Lease]:
        """Hold the thread's lease while the block runs."""
        lease = self.leases.acquire(thread_id, owner or this_process(), ttl)
        self._held[thread_id] = lease
        try:
            yield lease
        finally:
            self._held.pop(thread_id, None)
            self.leases.release(lease)

    def held(self, thread_id: str) -> Lease | None:
        """The lease this process holds on a thread, if any: writes to it are fenced."""
        return self._held.get(thread_id)

    def _fence(self, config: RunnableConfig) -> AbstractContextManager[None]:
        lease = self.held(str(config["configurable"]["thread_id"]))
        return nullcontext() if lease is None else self.leases.fence(lease, self.inner)

    def get_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        """Read a checkpoint (no lease needed)."""
        return self.inner.get_tuple(config)

    def list(
        self,
        config: RunnableConfig | None,
        *,
        filter: dict[str, Any] | None = None,  # noqa: A002 - LangGraph's signature
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> Iterator[CheckpointTuple]:
        """List checkpoints (no lease needed)."""
        return self.inner.list(config, filter=filter, before=before, limit=limit)

    def put(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        """Write a checkpoint if this process still holds the thread's lease."""
        with self._fence(config):
            return self.inner.put(config, checkpoint, metadata, new_versions)

    def put_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        """Write pending task writes if this process still holds the thread's lease."""
        with self._fence(config):
            self.inner.put_writes(config, writes, task_id, task_path)

    def delete_thread(self, thread_id: str) -> None:
        """Delete a thread's checkpoints."""
        self.inner.delete_thread(thread_id)

    def get_delta_channel_history(
        self, *, config: RunnableConfig, channels: Sequence[str]
    ) -> Mapping[str, DeltaChannelHistory]:
        """Read channel history the way the wrapped saver does."""
        return self.inner.get_delta_channel_history(config=config, channels=channels)

    def get_next_version(self, current: str | None, channel: None) -> str:
        """Use the wrapped saver's version scheme."""
        return self.inner.get_next_version(current, channel)

    async def aget_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        """Read a checkpoint in a worker thread."""
        return await asyncio.to_thread(self.get_tuple, config)

    async def alist(
        self,
        config: RunnableConfig | None,
        *,
        filter: dict[str, Any] | None = None,  # noqa: A002 - LangGraph's signature
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[CheckpointTuple]:
        """List checkpoints, read in a worker thread (SQLite holds its lock while listing)."""
        found = await asyncio.to_thread(
            lambda: [*self.list(config, filter=filter, before=before, limit=limit)]
        )
        for item in found:
            yield item

    async def aput(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        """Write a checkpoint, fenced, in a worker thread."""
        return await asyncio.to_thread(self.put, config, checkpoint, metadata, new_versions)

    async def aput_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        """Write pending task writes, fenced, in a worker thread."""
        await asyncio.to_thread(self.put_writes, config, writes, task_id, task_path)

    async def adelete_thread(self, thread_id: str) -> None:
        """Delete a thread's checkpoints in a worker thread."""
        await asyncio.to_thread(self.delete_thread, thread_id)

    async def aget_delta_channel_history(
        self, *, config: RunnableConfig, channels: Sequence[str]
    ) -> Mapping[str, DeltaChannelHistory]:
        """Read channel history in a worker thread."""
        return await asyncio.to_thread(
            lambda: self.get_delta_channel_history(config=config, channels=channels)
        )


def fenced(saver: BaseCheckpointSaver[str]) -> FencedSaver:
    """Wrap ``saver`` with per-ticket leases (idempotent)."""
    return saver if isinstance(saver, FencedSaver) else FencedSaver(saver)


@contextmanager
def holding_lease(saver: object, thread_id: str) -> Iterator[None]:
    """Hold the thread's lease while the block writes, when ``saver`` is fenced.

    Raises:
        TicketBusyError: another live process holds the ticket.
    """
    if isinstance(saver, FencedSaver):
        with saver.lease(thread_id):
            yield
    else:
        yield
