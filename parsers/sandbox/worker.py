"""The parent's side of one parser child: start it, give it jobs, wait with a deadline,
kill its whole session when the deadline passes or the parent is interrupted.

``start="spawn"`` runs a fresh interpreter (``python -m parsers.sandbox``): for the
indexer, whose process holds database connections a fork would share. ``start="fork"``
forks the caller, which already imported the parsers: for ``xxgk parse``, which parses one
file and would otherwise wait for a second interpreter to import them.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, Self

from parsers.sandbox import wire
from parsers.sandbox.child import TMP_PREFIX, leave, serve
from parsers.sandbox.limits import MB, DocumentLimits, LimitExceeded, WorkerCrashed, size_text
from parsers.sandbox.reap import kill_session

Start = Literal["spawn", "fork"]
Initializer = tuple[str, Sequence[Any]] | None
STARTUP_SECONDS = 300.0  # an interpreter importing the parsers on a machine under load
PROJECT = Path(__file__).resolve().parents[2]


class Worker:
    """One child, reused job after job; replaced (on the next job) after it was killed."""

    def __init__(self, limits: DocumentLimits | None = None, initializer: Initializer = None,
                 start: Start = "spawn") -> None:
        self.limits = limits or DocumentLimits.from_env()
        self.initializer = initializer
        self.start_method = start
        self.pid: int | None = None
        self._status: int | None = None  # wait status, when reaped before _end
        self._files: list[Any] = []  # the jobs and answers pipes, as files
        self._jobs = self._results = self._lifeline = -1
        self._tmp: str | None = None
        self._parent_rss = 0  # this process's peak RSS when it started the child
        self.ready = False
        self.busy = False
        self.deadline: float | None = None  # of the startup, then of the running job

    # --- one job at a time, for callers that wait --------------------------------------

    def call(self, function: str, *args: Any) -> Any:
        """Run ``function`` (``"module:name"``) in the child and return its result; its
        exception is raised here, and so are LimitExceeded and WorkerCrashed."""
        self.submit(function, *args)
        while True:
            tag, value = self.collect()
            if tag == "ready":
                continue
            if isinstance(value, BaseException) and tag != "ok":
                raise value
            return value

    def submit(self, function: str, *args: Any) -> None:
        if self.pid is None:
            self._start()
        self.busy = True
        if self.ready:
            self._arm()
        try:
            wire.send(self._jobs, (function, args))
        except BrokenPipeError:
            pass  # died meanwhile: collect() reports why

    def collect(self) -> tuple[str, Any]:
        """The next answer, waiting until the deadline: ``("ready", None)`` once the child
        is initialised (the job's clock starts then), ``("ok", result)``, or
        ``("raise", exception)``, limit failures included (the child is gone then)."""
        try:
            tag, value = wire.receive(self._results, self.deadline)
        except TimeoutError:
            failure = (self.limits.time_exceeded() if self.ready else
                       WorkerCrashed(f"the parser process did not start within "
                                     f"{STARTUP_SECONDS:g} s"))
            self.kill()
            return "raise", failure
        except (EOFError, OSError):
            return "raise", self._died()
        if tag == "ready":
            self.ready = True
            if self.busy:
                self._arm()
            return tag, value
        if tag == "memory":
            self.kill()
            return "raise", self.limits.memory_exceeded()
        if not self.ready:  # the initializer failed, and the child exits: reap it
            self._end()
        self.busy = False
        self.deadline = None
        return tag, value

    def fileno(self) -> int:
        """The answers' descriptor, for ``selectors`` (a pool waits on several)."""
        return self._results

    def _arm(self) -> None:
        self.deadline = time.monotonic() + self.limits.seconds if self.limits.seconds else None

    # --- the process -------------------------------------------------------------------

    def _start(self) -> None:
        self._parent_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        self._tmp = tempfile.mkdtemp(prefix=TMP_PREFIX)
        lifeline_read, self._lifeline = os.pipe()
        try:
            jobs, results = (self._fork if self.start_method == "fork" else
                             self._spawn)(lifeline_read)
        finally:
            os.close(lifeline_read)
        self._files = [os.fdopen(jobs, "wb", buffering=0), os.fdopen(results, "rb", buffering=0)]
        self._jobs, self._results = jobs, results
        self.ready = False
        self.deadline = time.monotonic() + STARTUP_SECONDS
        wire.send(self._jobs, self.initializer)

    def _spawn(self, lifeline_read: int) -> tuple[int, int]:
        jobs_read, jobs_write = os.pipe()
        results_read, results_write = os.pipe()
        path = os.environ.get("PYTHONPATH")
        environment = {**os.environ, "TMPDIR": str(self._tmp),
                       "PYTHONPATH": str(PROJECT) + (os.pathsep + path if path else "")}
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", "parsers.sandbox", str(lifeline_read),
                 str(self.limits.memory)],
                stdin=jobs_read, stdout=results_write, pass_fds=(lifeline_read,),
                env=environment, start_new_session=True)
        finally:
            os.close(jobs_read)
            os.close(results_write)
        self.pid = process.pid
        process.returncode = 0  # reaped by this class (os.wait4), not by Popen
        return jobs_write, results_read

    def _fork(self, lifeline_read: int) -> tuple[int, int]:
        jobs_read, jobs_write = os.pipe()
        results_read, results_write = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: never returns into the caller's stack
            try:
                os.setsid()
                for fd in (jobs_write, results_read, self._lifeline):
                    os.close(fd)
                os.dup2(2, 1)  # what a library prints must not mix with the caller's output
                os.environ["TMPDIR"] = str(self._tmp)
                tempfile.tempdir = None
                serve(jobs_read, results_write, lifeline_read, self.limits.memory)
            finally:
                leave(1)
        os.close(jobs_read)
        os.close(results_write)
        self.pid = pid
        return jobs_write, results_read

    def _died(self) -> WorkerCrashed | LimitExceeded:
        """Why the child ended without an answer: a signal (PDFium aborts when an
        allocation fails under RLIMIT_AS) near the memory limit is that limit."""
        status, rss = self._end()
        if status is not None and os.WIFSIGNALED(status):
            number = os.WTERMSIG(status)
            try:
                name = signal.Signals(number).name
            except ValueError:
                name = f"signal {number}"
            # ru_maxrss survives fork and exec: a figure no larger than this process's own
            # when it started the child may be inherited, not the child's.
            own = rss > self._parent_rss and rss >= self.limits.memory / 2
            if self.limits.memory and (number == signal.SIGKILL or own):
                return self.limits.memory_exceeded(f"the parser process died of {name}")
            return WorkerCrashed(f"the parser process died of {name} ({rss / MB:.0f} MB in "
                                 f"use; memory limit {size_text(self.limits.memory)})")
        code = os.WEXITSTATUS(status) if status is not None else "unknown"
        return WorkerCrashed(f"the parser process ended without an answer (exit {code})")

    def kill(self) -> None:
        """Kill the child's session (the child, LibreOffice, tesseract), reap the child,
        remove its temporary folder. The next ``submit`` starts a new child."""
        self._end()

    def close(self) -> None:
        """End the child: an idle one exits when its jobs pipe closes; whatever is left of
        its session (nothing, normally) is killed all the same."""
        if self.pid is not None and not self.busy and self._files:
            self._files[0].close()
            deadline = time.monotonic() + 2.0
            while time.monotonic() < deadline and not self._exited():
                time.sleep(0.01)
        self._end()

    def _exited(self) -> bool:
        try:
            pid, status = os.waitpid(self.pid, os.WNOHANG)  # type: ignore[arg-type]
        except ChildProcessError:
            return True
        if pid:
            self._status = status
        return bool(pid)

    def _end(self) -> tuple[int | None, int]:
        """Sweep the session (before reaping: the child's pid, hence the session id, is
        not reused while it is a zombie), reap the child, release pipes and folder.
        Returns the child's wait status and peak RSS in bytes (0 if unknown)."""
        status, rss = self._status, 0
        if self.pid is not None and status is None:  # reaped already: it swept on its way out
            kill_session(self.pid)
            try:
                _pid, status, usage = os.wait4(self.pid, 0)
                rss = usage.ru_maxrss * 1024
            except ChildProcessError:
                pass
        for stream in self._files:
            stream.close()
        if self._lifeline >= 0:
            os.close(self._lifeline)
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
        self.pid, self._status, self._files, self._tmp = None, None, [], None
        self._jobs = self._results = self._lifeline = -1
        self.ready = self.busy = False
        self.deadline = None
        return status, rss

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is None:
            self.close()
        else:  # interrupted (Ctrl-C, an error): no waiting for the child to finish
            self.kill()
