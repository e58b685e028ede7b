"""The scheduler's sense of time: the wall clock, or a simulated one that skips ahead.

Why a simulated clock: the schedule is months long (weekly crawls, daily in January-March)
and what it must get right (each fire time once, misfires coalesced, new reports noticed in
the run after they appear) can only be tested by living through those months. The
simulated clock stands still while a job runs (a crawl takes the time it takes) and, when
nothing runs, jumps straight to the scheduler's next wake-up: months pass in the time the
crawls themselves take. ``on_advance`` lets a test move the portal simulator's date along.

APScheduler 3.x reads ``datetime.now`` in its scheduler and executor modules and has no
clock of its own to inject; ``SiteScheduler`` (service.py) installs ours there while it runs
on a simulated clock (``use_in_apscheduler``), and waits on it instead of on the wall.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import apscheduler.executors.base as _executors_base
import apscheduler.schedulers.base as _schedulers_base


class Clock:
    """The wall clock (UTC)."""

    simulated = False

    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def wait(self, seconds: float | None, wakeup: threading.Event) -> None:
        """Sleep until ``seconds`` have passed or ``wakeup`` is set."""
        wakeup.wait(seconds)

    def job_started(self) -> None:
        """A job began (the simulated clock holds still meanwhile)."""

    def job_finished(self) -> None:
        """A job ended."""


class SimulatedClock(Clock):
    """Time that passes only when the scheduler waits with nothing running.

    ``wait(seconds)`` first lets every running job finish (a crawl started at 02:17 is
    over, as far as the schedule can tell, before the next fire time is considered), then
    moves the time forward by ``seconds`` at once, unless ``wakeup`` was set meanwhile (a
    job was added). The period is [start, end): at the first wait that would reach ``end``
    it stops, ``finished`` is set and time stands still."""

    simulated = True

    def __init__(self, start: datetime, end: datetime | None = None,
                 on_advance: Callable[[datetime], None] | None = None) -> None:
        self._now = _aware(start)
        self.end = _aware(end) if end is not None else None
        self.on_advance = on_advance
        self._running = 0
        self._cond = threading.Condition()
        self.finished = threading.Event()

    def now(self) -> datetime:
        with self._cond:
            return self._now

    def job_started(self) -> None:
        with self._cond:
            self._running += 1

    def job_finished(self) -> None:
        with self._cond:
            self._running -= 1
            self._cond.notify_all()

    def idle(self, timeout: float | None = None) -> bool:
        """Wait until no job runs; False if that took longer than ``timeout``."""
        with self._cond:
            return self._cond.wait_for(lambda: self._running == 0, timeout)

    def wait(self, seconds: float | None, wakeup: threading.Event) -> None:
        # Let jobs run to their end first, but notice a wakeup (shutdown, a new job).
        while not self.idle(0.05):
            if wakeup.is_set():
                return
        if wakeup.is_set():
            return
        if self.finished.is_set() or seconds is None:
            wakeup.wait(0.05)  # nothing to move on to: time stands still
            return
        if seconds <= 0:
            return  # due now: nothing to skip
        with self._cond:
            target = self._now + timedelta(seconds=seconds)
            if self.end is not None and target >= self.end:
                self.finished.set()  # the period is [start, end): what is due at end is not
                now = None
            else:
                self._now = now = target
        if now is None:
            wakeup.wait(0.05)
        elif self.on_advance is not None:
            self.on_advance(now)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


class _ClockDatetime(datetime):
    """``datetime`` whose ``now`` asks the installed clock (for APScheduler's modules)."""

    clock: Clock | None = None

    @classmethod
    def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
        clock = cls.clock
        if clock is None:
            return datetime.now(tz)
        moment = clock.now()
        return moment.astimezone(tz) if tz is not None else moment.replace(tzinfo=None)


_installed = threading.Lock()


def use_in_apscheduler(clock: Clock | None) -> None:
    """Have APScheduler's scheduler and executor modules read ``clock`` (None: the wall
    clock again). One clock per process: schedulers are one per process too."""
    with _installed:
        _ClockDatetime.clock = clock
        replacement = _ClockDatetime if clock is not None and clock.simulated else datetime
        _schedulers_base.datetime = replacement  # type: ignore[misc]
        _executors_base.datetime = replacement  # type: ignore[misc]
