"""The lease fence around a checkpointer: only the process holding a ticket's lease writes it."""

from __future__ import annotations

import asyncio
import logging
import threading
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

logger = logging.getLogger(__name__)
_Writes = tuple[RunnableConfig, tuple[tuple[str, Any], ...], str, str]
_Put = tuple[RunnableConfig, Checkpoint, CheckpointMetadata, ChannelVersions]
# What a grouped lease keeps, in the order it came: the thread's config, then task writes
# or a checkpoint (the other None).
_Kept = tuple[RunnableConfig, _Writes | None, _Put | None]


class FencedSaver(BaseCheckpointSaver[str]):
    """A checkpointer that refuses writes to a thread whose lease this process lost.

    It wraps a saver with a sync API (what ``open_checkpointer`` yields). The async
    methods run the sync ones in a worker thread, so ``ainvoke`` and ``astream`` are
    fenced the same way: the check and the write stay one transaction.

    A lease taken with ``group_writes`` keeps what the run writes (each checkpoint and
    each finished task's writes, in order) and writes it all in one transaction when
    the thread is next read or the lease is given up, error or not: the same rows, one
    commit instead of one per step. The embedded engine's whole run takes tens of
    milliseconds and sends nothing before its lease is given up (the runner delivers
    afterwards), so a crash mid-run costs re-running those milliseconds from the last
    saved checkpoint (docs/benchmarks.md, "One transaction a run"). The LLM engine's steps are
    slow and paid for: its runner saves each as it ends.
    """

    def __init__(self, inner: BaseCheckpointSaver[str]) -> None:
        super().__init__(serde=inner.serde)
        self.inner = inner
        self.leases = lease_table(inner)
        self._held: dict[str, Lease] = {}
        self._grouped: dict[str, list[_Kept]] = {}
        self._grouping = threading.Lock()

    @contextmanager
    def lease(
        self,
        thread_id: str,
        owner: str | None = None,
        ttl: timedelta = DEFAULT_TTL,
        group_writes: bool = False,
    ) -> Iterator[Lease]:
        """Hold the thread's lease while the block runs; with ``group_writes``, see above."""
        lease = self.leases.acquire(thread_id, owner or this_process(), ttl)
        self._held[thread_id] = lease
        if group_writes:
            self._grouped[thread_id] = []
        try:
            yield lease
        except BaseException:
            # The block's error is what the caller must see, even if its writes cannot land.
            try:
                self._write_grouped(thread_id)
            except Exception:
                logger.exception("the writes of %s's last step were not saved", thread_id)
            raise
        else:
            self._write_grouped(thread_id)
        finally:
            self._grouped.pop(thread_id, None)
            self._held.pop(thread_id, None)
            self.leases.release(lease)

    def held(self, thread_id: str) -> Lease | None:
        """The lease this process holds on a thread, if any: writes to it are fenced."""
        return self._held.get(thread_id)

    def _fence(self, config: RunnableConfig) -> AbstractContextManager[None]:
        lease = self.held(str(config["configurable"]["thread_id"]))
        return nullcontext() if lease is None else self.leases.fence(lease, self.inner)

    def _take_grouped(self, thread_id: str) -> list[_Kept]:
        with self._grouping:
            kept = self._grouped.get(thread_id)
            if not kept:
                return []
            taken = list(kept)
            kept.clear()
            return taken

    def _write_grouped(self, thread_id: str) -> None:
        """Write what was kept for the thread now, fenced, in one transaction."""
        taken = self._take_grouped(thread_id)
        if taken:
            with self._fence(taken[0][0]):
                for _, writes, put in taken:
                    if writes is not None:
                        self.inner.put_writes(*writes)
                    elif put is not None:
                        self.inner.put(*put)

    def _readable(self, config: RunnableConfig | None) -> None:
        """A read sees this process's kept writes: write them first."""
        if config is not None and self._grouped:
            self._write_grouped(str(config["configurable"].get("thread_id")))

    def get_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        """Read a checkpoint (no lease needed)."""
        self._readable(config)
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
        self._readable(config)
        return self.inner.list(config, filter=filter, before=before, limit=limit)

    def put(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        """Write a checkpoint if this process still holds the thread's lease.

        Under a lease taken with ``group_writes`` it is kept, to be written with the rest.
        """
        with self._grouping:
            kept = self._grouped.get(str(config["configurable"]["thread_id"]))
            if kept is not None:
                kept.append((config, None, (config, checkpoint, metadata.copy(), new_versions)))
                return {
                    "configurable": {
                        "thread_id": str(config["configurable"]["thread_id"]),
                        "checkpoint_ns": str(config["configurable"].get("checkpoint_ns", "")),
                        "checkpoint_id": checkpoint["id"],
                    }
                }
        with self._fence(config):
            return self.inner.put(config, checkpoint, metadata, new_versions)

    def put_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        """Write pending task writes if this process still holds the thread's lease.

        Under a lease taken with ``group_writes`` they are kept, to be written with the rest.
        """
        with self._grouping:
            kept = self._grouped.get(str(config["configurable"]["thread_id"]))
            if kept is not None:
                kept.append((config, (config, tuple(writes), task_id, task_path), None))
                return
        with self._fence(config):
            self.inner.put_writes(config, writes, task_id, task_path)

    def delete_thread(self, thread_id: str) -> None:
        """Delete a thread's checkpoints."""
        self.inner.delete_thread(thread_id)

    def get_delta_channel_history(
        self, *, config: RunnableConfig, channels: Sequence[str]
    ) -> Mapping[str, DeltaChannelHistory]:
        """Read channel history the way the wrapped saver does."""
        self._readable(config)
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
def holding_lease(saver: object, thread_id: str, group_writes: bool = False) -> Iterator[None]:
    """Hold the thread's lease while the block writes, when ``saver`` is fenced.

    With ``group_writes`` the block's checkpoints and task writes are saved together, in
    one transaction, when the thread is read or the block ends (:class:`FencedSaver`).

    Raises:
        TicketBusyError: another live process holds the ticket.
    """
    if isinstance(saver, FencedSaver):
        with saver.lease(thread_id, group_writes=group_writes):
            yield
    else:
        yield
