"""Drawing in child processes: a burst of renders neither holds the serving process's GIL nor
takes the CPU from its requests.

A `RenderPool` is sized by a function its owner gives (0: draw in this process). Its
children run at a lower CPU priority and are spawned, not forked (the parent is a threaded
server); each process that uses the pool gets its own (gunicorn forks its workers).

It is bounded: at most `processes` (at least 1) + `backlog` renders are running or queued in a
process at once. One more is refused at once with `PoolFull` (the API answers 503 with
`Retry-After`), so renders never hold every thread of a web worker while other requests wait.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

T = TypeVar("T")


_in_child = False  # a child draws itself and never starts a pool of its own


class PoolFull(Exception):
    """Every render slot of this process is taken: try again shortly."""


class RenderPool:
    def __init__(
        self,
        processes: Callable[[], int],
        backlog: Callable[[], int] = lambda: 0,
        nice: int = 10,
        timeout: float = 60.0,
        warm: Callable[[], None] | None = None,
    ) -> None:
        self.processes = processes  # how many child processes to use now (0: none)
        self.backlog = backlog  # renders that may wait for a busy child (or a busy here)
        self.nice = nice  # the children's niceness: requests served by the parent come first
        self.timeout = timeout
        self.warm = warm  # run by each child as it starts (module-level: it must pickle)
        self.pools: dict[int, ProcessPoolExecutor] = {}  # by the pid that made each
        self._lock = threading.Lock()
        self._taken: dict[int, int] = {}  # slots in use, by pid (a forked child starts at 0)

    def limit(self) -> int:
        """Renders running or waiting at once in this process: the children (at least one,
        this process, when there are none) and the backlog."""
        return max(1, self.processes()) + max(0, self.backlog())

    @contextlib.contextmanager
    def slot(self) -> Iterator[None]:
        """One of this process's render slots for the block, or `PoolFull` at once."""
        pid = os.getpid()
        with self._lock:
            taken = self._taken.get(pid, 0)
            if taken >= self.limit():
                raise PoolFull
            self._taken[pid] = taken + 1
        try:
            yield
        finally:
            with self._lock:
                self._taken[pid] -= 1

    def run(self, fn: Callable[..., T], *args: object) -> T:
        """`fn(*args)` in a child process if the pool is on, else here; `PoolFull` when every
        slot is taken. `fn` and its arguments must pickle. A child that died (killed, out of
        memory) makes this call run here."""
        with self.slot():
            pool = self._pool()
            if pool is not None:
                try:
                    return pool.submit(fn, *args).result(timeout=self.timeout)
                except BrokenProcessPool:
                    self._reset(pool)
            return fn(*args)

    def shutdown(self) -> None:
        """Stop every child process this pool started."""
        with self._lock:
            pools, self.pools = list(self.pools.values()), {}
        for pool in pools:
            pool.shutdown()

    def _pool(self) -> ProcessPoolExecutor | None:
        processes = 0 if _in_child else max(0, self.processes())
        if processes == 0:
            return None
        pid = os.getpid()
        with self._lock:
            pool = self.pools.get(pid)
            if pool is None:
                pool = ProcessPoolExecutor(
                    max_workers=processes,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_child,
                    initargs=(self.nice, self.warm),
                )
                self.pools[pid] = pool
            return pool

    def _reset(self, pool: ProcessPoolExecutor) -> None:
        with self._lock:
            if self.pools.get(os.getpid()) is pool:
                del self.pools[os.getpid()]
        pool.shutdown(wait=False, cancel_futures=True)


def _child(nice: int, warm: Callable[[], None] | None) -> None:
    """A render process: lower priority, never a pool of its own, warmed up before its first
    render."""
    global _in_child
    _in_child = True
    with contextlib.suppress(OSError):
        os.nice(nice)
    if warm is not None:
        warm()
