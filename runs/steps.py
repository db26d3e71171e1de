"""Run a ticket's steps on the calling thread: its nodes and its checkpoint writes.

LangGraph's sync loop hands every checkpoint write (``put``, ``put_writes``) and every
node of a step with several nodes to a thread pool, and with ``durability="sync"`` the
calling thread then waits for each write. On the embedded engine the nodes of a step
already run one at a time (``max_concurrency=1``, ``runs/runner.py`` ``step_config``),
so the pool adds only the hand-offs: on two cores they cost about as much as the
checkpoints themselves (docs/benchmarks.md, "The steps on the calling thread").

:func:`on_calling_thread` runs them where they are submitted instead, in the same order
and with the same semantics: a write still finishes before the next step starts, a
node's exception still reaches LangGraph through its future. LangGraph 1.2 has no
option for this, so the loop's executor class is replaced by a subclass that behaves
exactly as LangGraph's own unless the block is active. If a LangGraph upgrade moves or
changes that class, nothing is replaced and the steps run in the pool as before
(``tests/test_steps.py`` says so, for the version pinned).
"""

from __future__ import annotations

import concurrent.futures
import inspect
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar, copy_context
from typing import Any

_ACTIVE: ContextVar[bool] = ContextVar("supportgraph_steps_on_calling_thread", default=False)
_EXPECTED_SUBMIT = (
    "self, fn, args, __name__, __cancel_on_exit__, __reraise_on_exit__, __next_tick__, kwargs"
)


def _install() -> bool:
    """Replace the sync loop's executor with one that can run inline; True when in place."""
    try:
        from langgraph.pregel import _executor, _loop
    except ImportError:
        return False
    base = vars(_loop).get("BackgroundExecutor")
    if getattr(base, "_supportgraph_inline", False):
        return True  # installed already
    if not isinstance(base, type) or base is not vars(_executor).get("BackgroundExecutor"):
        return False
    submit = getattr(base, "submit", None)
    if submit is None or ", ".join(inspect.signature(submit).parameters) != _EXPECTED_SUBMIT:
        return False

    class InlineBackgroundExecutor(base):  # type: ignore[valid-type, misc]
        """LangGraph's BackgroundExecutor, running each call at once while the block is active."""

        _supportgraph_inline = True

        def __init__(self, config: Any) -> None:
            self.inline = _ACTIVE.get()
            if not self.inline:
                super().__init__(config)
                return
            self.stack = ExitStack()  # no thread pool to start or shut down
            self.tasks: dict[concurrent.futures.Future[Any], tuple[bool, bool]] = {}

        def submit(  # noqa: PLR0913 - LangGraph's signature
            self,
            fn: Callable[..., Any],
            *args: Any,
            __name__: str | None = None,
            __cancel_on_exit__: bool = False,
            __reraise_on_exit__: bool = True,
            __next_tick__: bool = False,
            **kwargs: Any,
        ) -> concurrent.futures.Future[Any]:
            if not self.inline:
                return super().submit(
                    fn,
                    *args,
                    __name__=__name__,
                    __cancel_on_exit__=__cancel_on_exit__,
                    __reraise_on_exit__=__reraise_on_exit__,
                    __next_tick__=__next_tick__,
                    **kwargs,
                )
            future: concurrent.futures.Future[Any] = concurrent.futures.Future()
            try:
                future.set_result(copy_context().run(fn, *args, **kwargs))
            except BaseException as exc:  # noqa: BLE001 - the future carries it, as a pool's would
                future.set_exception(exc)
            self.tasks[future] = (__cancel_on_exit__, __reraise_on_exit__)
            future.add_done_callback(self.done)
            return future

    _loop.BackgroundExecutor = InlineBackgroundExecutor  # type: ignore[misc]
    return True


INSTALLED = _install()


@contextmanager
def on_calling_thread() -> Iterator[bool]:
    """Within the block, graph invocations on this thread run their steps inline.

    Yields whether that is in effect (False when this LangGraph cannot do it; the steps
    then run in LangGraph's thread pool, as without the block).
    """
    token = _ACTIVE.set(True)
    try:
        yield INSTALLED
    finally:
        _ACTIVE.reset(token)
