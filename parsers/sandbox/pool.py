"""Several parser children working through a list, answers in the list's order.

``multiprocessing.Pool`` cannot do this job: it has no deadline per task, and a worker
killed under it loses its task for good (``imap`` then waits forever). Here a child past
its deadline is killed with its session, its item gets a :class:`LimitExceeded` outcome,
and the next item starts a fresh child.
"""

from __future__ import annotations

import selectors
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, Self, TypeVar

from parsers.sandbox.limits import DocumentLimits
from parsers.sandbox.worker import Initializer, Worker

T = TypeVar("T")


@dataclass
class Outcome(Generic[T]):
    """One item's answer: the job's result, or the exception it ended with (a limit, a
    crash, or the job's own)."""

    item: T
    value: Any = None
    error: BaseException | None = None


class WorkerPool:
    """``size`` children started when there is work, reused, replaced when killed."""

    def __init__(self, size: int, limits: DocumentLimits | None = None,
                 initializer: Initializer = None) -> None:
        self.limits = limits or DocumentLimits.from_env()
        self.workers = [Worker(self.limits, initializer) for _ in range(max(1, size))]

    def imap(self, function: str, items: Iterable[T]) -> Iterator[Outcome[T]]:
        """``function(item)`` for every item, in the children; outcomes in item order."""
        waiting = deque(enumerate(items))
        done: dict[int, Outcome[T]] = {}
        running: dict[Worker, tuple[int, T]] = {}
        following = 0
        with selectors.DefaultSelector() as selector:
            while waiting or running:
                for worker in self.workers:
                    if worker not in running and waiting:
                        number, item = waiting.popleft()
                        worker.submit(function, item)
                        selector.register(worker.fileno(), selectors.EVENT_READ, worker)
                        running[worker] = (number, item)
                for worker in self._answered(selector, running):
                    number, item = running.pop(worker)
                    selector.unregister(worker.fileno())
                    tag, value = worker.collect()
                    if tag == "ready":  # not an answer yet: its job's clock starts now
                        running[worker] = (number, item)
                        selector.register(worker.fileno(), selectors.EVENT_READ, worker)
                        continue
                    done[number] = (Outcome(item, value) if tag == "ok"
                                    else Outcome(item, error=value))
                while following in done:
                    yield done.pop(following)
                    following += 1

    def _answered(self, selector: selectors.BaseSelector,
                  running: dict[Worker, tuple[int, T]]) -> list[Worker]:
        """The children with something to say, or past their deadline (``collect`` then
        kills them and says so)."""
        deadlines = [w.deadline for w in running if w.deadline is not None]
        wait = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
        ready = [key.data for key, _events in selector.select(wait)]
        now = time.monotonic()
        late = [w for w in running if w not in ready and w.deadline is not None
                and w.deadline <= now]
        return ready + late

    def close(self) -> None:
        for worker in self.workers:
            worker.close()

    def kill(self) -> None:
        for worker in self.workers:
            worker.kill()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is None:
            self.close()
        else:  # interrupted: kill at once, mid-document or not
            self.kill()
