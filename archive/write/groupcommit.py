"""Group commit: a crawl's exchanges archived many at a time, one fsync and one index
transaction per group (``Archive.submit``).

Why: written one by one, every exchange paid an fsync, an index transaction and the set-up
of its statements (about 4 ms of CPU per page at batch size 1, 0.6 ms in batches of 64),
and one worker thread per exchange in flight fought the reactor for the GIL.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from concurrent.futures import Future
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from archive.write.records import Exchange, Stored


class GroupRecorder(Protocol):
    """What a group is written through (``Archive``): every exchange's result or error."""

    def record_group(self, exchanges: list[Exchange]) -> list[Stored | Exception]: ...


class ExchangeWriter(Protocol):
    """What ``Archive.submit`` hands exchanges to: GroupCommit (a thread of this process) or
    a crawl's archive writer process (archive.write.process)."""

    def submit(self, exchange: Exchange) -> Future[Stored]: ...

    def flush(self) -> None: ...

    def close(self) -> None: ...


class GroupCommit:
    """Group commit: exchanges submitted from any thread are archived by one writer thread,
    many at a time, through ``Archive.record_batch``.

    Why: written one by one, every exchange paid an fsync, an index transaction and the
    set-up of its statements (about 4 ms of CPU per page at batch size 1, 0.6 ms in batches
    of 64), and one worker thread per exchange in flight fought the reactor for the GIL. A
    crawl fetching dozens of pages at once now pays the fixed cost once per group.

    A group is what is waiting when the writer is free, topped up for at most
    ``max_latency`` seconds after its oldest exchange arrived (or until ``max_batch``): under
    load, exchanges that arrived while the previous group was written go at once; a lone
    exchange waits at most ``max_latency``.

    The guarantees are ``record_batch``'s: a submission's future resolves only when its
    records are on disk (fsync) and claimed by the committed index. An exchange whose
    future was cancelled (the request was abandoned) is archived all the same: it was
    received. ``flush`` waits for everything submitted so far; ``close`` drains the queue,
    then stops the thread: nothing submitted is dropped.
    """

    def __init__(self, archive: GroupRecorder, *, max_batch: int = 64,
                 max_latency: float = 0.005) -> None:
        self.archive = archive
        self.max_batch = max(1, max_batch)
        self.max_latency = max(0.0, max_latency)
        self._queue: deque[tuple[float, Exchange, Future[Stored]]] = deque()
        self._writing = 0  # exchanges taken from the queue, not settled yet
        self._closed = False
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="xxgk-archive-writer",
                                        daemon=True)
        self._thread.start()

    def submit(self, exchange: Exchange) -> Future[Stored]:
        future: Future[Stored] = Future()
        with self._cond:
            if self._closed:
                raise RuntimeError("the archive's writer is closed")
            self._queue.append((time.monotonic(), exchange, future))
            # The writer needs waking only to start a group or when one is full; it tops a
            # group up on its own timer. notify_all: flush() may be waiting on it too.
            if len(self._queue) == 1 or len(self._queue) >= self.max_batch:
                self._cond.notify_all()
        return future

    def flush(self) -> None:
        with self._cond:
            while (self._queue or self._writing) and self._thread.is_alive():
                self._cond.wait(1.0)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join()

    def _take(self) -> list[tuple[float, Exchange, Future[Stored]]] | None:
        """The next group (None: closed and drained)."""
        with self._cond:
            while True:
                if not self._queue:
                    if self._closed:
                        return None
                    self._cond.wait()
                    continue
                wait = self._queue[0][0] + self.max_latency - time.monotonic()
                if wait <= 0 or self._closed or len(self._queue) >= self.max_batch:
                    break
                self._cond.wait(wait)
            group = [self._queue.popleft()
                     for _ in range(min(self.max_batch, len(self._queue)))]
            self._writing = len(group)
        return group

    def _run(self) -> None:
        while (group := self._take()) is not None:
            try:
                self._write(group)
            finally:
                with self._cond:
                    self._writing = 0
                    self._cond.notify_all()

    def _write(self, group: list[tuple[float, Exchange, Future[Stored]]]) -> None:
        # Cancelled futures still get their exchange archived; they just take no result.
        live = [future.set_running_or_notify_cancel() for _, _, future in group]
        results = self.archive.record_group([exchange for _, exchange, _ in group])
        for (_, _, future), running, result in zip(group, live, results, strict=True):
            if not running:
                continue
            if isinstance(result, BaseException):
                future.set_exception(result)
            else:
                future.set_result(result)
