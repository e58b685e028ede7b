"""Only one scheduler acts at a time; others wait as standbys.

The lock is one the operating system or the database server releases by itself when its
holder dies (kill -9, power cut), so a standby takes over without anybody cleaning up:
- PostgreSQL: a session advisory lock held on a connection of its own
  (``pg_try_advisory_lock``), which schedulers on other machines see too;
- SQLite (one machine by nature): an ``flock`` on a file next to the database.

The ``scheduler_leader`` row only reports who holds it and when it last beat, for
``xxgk status``; it is never what decides.
"""

from __future__ import annotations

import fcntl
import threading
import time
from pathlib import Path
from typing import IO

from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session, sessionmaker

from scheduler.models import SchedulerLeader
from xxgk.base.clock import utcnow
from xxgk.base.processes import writer_id

# pg_try_advisory_lock key: "xxgk" + "sche" as one 64-bit number, so that other software
# sharing the database server is unlikely to pick it.
ADVISORY_KEY = 0x78786B6B_73636865


class LostLock(RuntimeError):
    """The scheduler lock is no longer held (its database connection was lost)."""


class LeaderLock:
    """The scheduler lock of one database. ``acquire`` waits (as a standby) until it has
    it or ``stop`` is set; ``release`` gives it up (a clean shutdown)."""

    def __init__(self, engine: Engine, sessions: sessionmaker[Session],
                 lock_file: Path | None = None) -> None:
        self.engine = engine
        self.sessions = sessions
        self.lock_file = lock_file
        self._connection: Connection | None = None
        self._file: IO[str] | None = None
        self.holder = writer_id()  # host:pid, as the archive names its writers

    @property
    def held(self) -> bool:
        return self._connection is not None or self._file is not None

    def try_acquire(self) -> bool:
        if self.held:
            return True
        if self.engine.dialect.name == "postgresql":
            connection = self.engine.connect()
            got = connection.execute(text("select pg_try_advisory_lock(:key)"),
                                     {"key": ADVISORY_KEY}).scalar()
            connection.commit()
            if got:
                self._connection = connection
            else:
                connection.close()
        else:
            if self.lock_file is None:
                raise ValueError("a lock file is needed on SQLite")
            self.lock_file.parent.mkdir(parents=True, exist_ok=True)
            handle = self.lock_file.open("a+")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                return False
            handle.seek(0)
            handle.truncate()
            handle.write(self.holder + "\n")
            handle.flush()
            self._file = handle
        if self.held:
            self._announce()
        return self.held

    def acquire(self, stop: threading.Event, poll: float = 2.0,
                on_wait: object = None) -> bool:
        """Block until this process leads (True) or ``stop`` is set (False)."""
        told = False
        while not stop.is_set():
            if self.try_acquire():
                return True
            if not told and callable(on_wait):
                on_wait()
                told = True
            stop.wait(poll)
        return False

    def heartbeat(self) -> None:
        """Record that the holder is alive. On PostgreSQL the lock lives as long as its
        connection: if that connection is gone, so is the lock (another scheduler may hold
        it now), and LostLock is raised so that this one stops acting."""
        if self._connection is not None:
            try:
                self._connection.execute(text("select 1"))
                self._connection.commit()
            except Exception as exc:  # noqa: BLE001 - any failure means the lock is gone
                self._connection = None
                raise LostLock(f"the scheduler lock's database connection failed: {exc}") \
                    from exc
        with self.sessions.begin() as session:
            row = session.get(SchedulerLeader, 1)
            if row is not None and row.holder == self.holder:
                row.heartbeat = utcnow()

    def release(self) -> None:
        if not self.held:
            return
        with self.sessions.begin() as session:
            row = session.get(SchedulerLeader, 1)
            if row is not None and row.holder == self.holder:
                row.stopped_at = row.heartbeat = utcnow()
        if self._connection is not None:
            try:
                self._connection.execute(text("select pg_advisory_unlock(:key)"),
                                         {"key": ADVISORY_KEY})
                self._connection.commit()
            finally:
                self._connection.close()
                self._connection = None
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None

    def _announce(self) -> None:
        now = utcnow()
        for attempt in range(5):  # two new leaders cannot race here: only one holds the lock
            try:
                with self.sessions.begin() as session:
                    row = session.get(SchedulerLeader, 1)
                    if row is None:
                        session.add(SchedulerLeader(id=1, holder=self.holder, since=now,
                                                    heartbeat=now))
                    else:
                        row.holder, row.since, row.heartbeat = self.holder, now, now
                        row.stopped_at = None
                return
            except Exception:  # noqa: BLE001 - a busy SQLite; the lock is what counts
                time.sleep(0.2 * (attempt + 1))
