"""A crawl's archive writer, in a process of its own.

Why a process: archiving a response (WARC records through warcio, gzip, digests, the index
rows through SQLAlchemy, an fsync) is mostly Python and took about half of the crawl
process's CPU. In a thread it also holds the GIL in slices of up to 5 ms while the reactor
waits to send the next request (a thread doing I/O gets the GIL back only at the switch
interval): the throughput bench ran at a third of a bare Scrapy spider's rate. In a process
of its own it runs on the machine's other core, and the reactor only hands it the
exchange.

What stays the same: the writer is an ``Archive`` of the same home, and writes with
``Archive.record_group`` (``record_batch``: fsync before the index commit, one transaction
per group, deduplication, 304 revisits). A submission's future resolves only once its
records are on disk and claimed by the committed index, so the response reaches the spider,
the ledger and the failure list exactly as before, with its capture id. Grouping as in
``archive.write.groupcommit.GroupCommit``: what arrived while the previous group was written goes at
once; a lone exchange waits at most ``max_latency`` for company.

Nothing is lost: the child ignores SIGINT and SIGTERM (they are for the crawl, which shuts
down gracefully) and stops only when its input ends, after archiving everything it
received: at ``close`` (the crawl is over), or when the crawl process dies (its end of the
pipe closes with it). A SIGKILL of the process group (a power cut) kills both; what was in
flight was never confirmed to the crawl, so a resumed run fetches it again, as before.

The child is ``python -m archive.write.process`` with the two pipe ends as inherited file
descriptors (not multiprocessing's spawn, which would re-import the crawl's main module).
"""

from __future__ import annotations

import itertools
import logging
import os
import pickle
import queue
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import Future
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from archive.redact import install as install_log_masking
from archive.write.records import Exchange, Resource, Stored
from archive.write.store import Archive
from xxgk.base.home import Home

log = logging.getLogger(__name__)

_Request = tuple[int, "Exchange | Resource"]
_Result = tuple[int, "Stored | int | Exception"]
_MAX_MESSAGE = 8 * 1024 * 1024  # bytes of bodies per message to the writer


class WriterGone(RuntimeError):
    """The archive writer process ended before it answered."""


class ArchiveWriterProcess:
    """``Archive.submit``'s writer (see ``Archive.set_writer``) in a child process.

    In this process: ``submit`` queues the exchange and returns a future; a sender thread
    pickles what has queued up and writes it to the child as one message; a receiver thread
    reads the child's answers (one message per group) and settles the futures. Both threads
    spend their time in pipe I/O, without the GIL."""

    def __init__(self, home: Home, *, max_batch: int = 64, max_latency: float = 0.005,
                 prefix: str = "xxgk") -> None:
        """``prefix`` starts the names of the WARC files the child writes (workers of a
        distributed crawl give one of their own: names must not collide in a shared store)."""
        requests_in, requests_out = os.pipe()
        results_in, results_out = os.pipe()
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "archive.write.process", str(home.root), str(requests_in),
                 str(results_out), str(max_batch), repr(max_latency), prefix],
                pass_fds=(requests_in, results_out), stdin=subprocess.DEVNULL)
        finally:
            os.close(requests_in)  # the child's ends: only the child may hold them, or
            os.close(results_out)  # neither side would ever see the other's end
        self._requests = Connection(requests_out, readable=False)
        self._results = Connection(results_in, writable=False)
        self._outbox: queue.SimpleQueue[_Request | None] = queue.SimpleQueue()
        self._max_batch = max(1, max_batch)
        self._pending: dict[int, Future[Any]] = {}
        self._keys = itertools.count()
        self._cond = threading.Condition()
        self._closed = False
        self._gone: str | None = None  # why the child no longer answers
        self._sender = threading.Thread(target=self._send, name="xxgk-archive-sender",
                                        daemon=True)
        self._receiver = threading.Thread(target=self._receive,
                                          name="xxgk-archive-receiver", daemon=True)
        self._sender.start()
        self._receiver.start()

    @property
    def pid(self) -> int:
        return self._process.pid

    def submit(self, exchange: Exchange) -> Future[Stored]:
        return self._enqueue(exchange)

    def submit_resource(self, resource: Resource) -> Future[int]:
        """A browser's DOM and the like: into the same file, in the same order of work."""
        return self._enqueue(resource)

    def _enqueue(self, item: Exchange | Resource) -> Future[Any]:
        future: Future[Any] = Future()
        with self._cond:
            if self._closed or self._gone:
                raise WriterGone(self._gone or "the archive writer is closed")
            key = next(self._keys)
            self._pending[key] = future
            self._outbox.put((key, item))  # before close()'s end marker, if any
        return future

    def flush(self) -> None:
        """Wait until every submitted exchange has its answer."""
        with self._cond:
            while self._pending and not self._gone:
                self._cond.wait(1.0)

    def close(self) -> None:
        """Let the child archive what it has, seal its file and exit; wait for it."""
        with self._cond:
            if self._closed:
                return
            self._closed = True
        self._outbox.put(None)
        self._sender.join()
        code = self._process.wait()
        self._receiver.join()
        if code != 0:
            log.error("the archive writer process ended with exit code %s", code)

    # --- threads ----------------------------------------------------------------------------

    def _send(self) -> None:
        closing = False
        while not closing:
            item = self._outbox.get()
            batch: list[_Request] = []
            size = 0
            # What queued up meanwhile goes in the same message, up to a group's worth: a
            # message cut short (the crawl died while sending it) is lost as a whole.
            while item is not None:
                batch.append(item)
                size += len(item[1].body)
                if len(batch) >= self._max_batch or size >= _MAX_MESSAGE:
                    break
                try:
                    item = self._outbox.get_nowait()
                except queue.Empty:
                    break
            closing = item is None
            if batch:
                try:
                    self._requests.send(batch)
                except OSError as exc:  # the child is gone: the receiver fails the futures
                    log.error("could not hand exchanges to the archive writer: %s", exc)
                    break
        self._requests.close()  # end of input: the child drains and exits

    def _receive(self) -> None:
        why = "the archive writer process ended"
        try:
            while True:
                answers: list[_Result] = self._results.recv()
                with self._cond:
                    settled = [(self._pending.pop(key), result) for key, result in answers]
                    self._cond.notify_all()
                for future, result in settled:
                    if not future.set_running_or_notify_cancel():
                        continue  # abandoned by the crawl; archived all the same
                    if isinstance(result, BaseException):
                        future.set_exception(result)
                    else:
                        future.set_result(result)
        except (EOFError, OSError):
            pass
        except Exception as exc:  # noqa: BLE001 - an unreadable answer ends the writer
            why = f"unreadable answer from the archive writer: {exc!r}"
            log.error(why)
        finally:
            self._results.close()
            with self._cond:
                self._gone = why
                lost = list(self._pending.values())
                self._pending.clear()
                self._cond.notify_all()
            for future in lost:  # never left hanging: the crawl records them as failures
                if future.set_running_or_notify_cancel():
                    future.set_exception(WriterGone(why))


# --- the child ------------------------------------------------------------------------------


def _archive(archive: Archive, group: list[_Request]) -> list[Stored | int | Exception]:
    """The group's exchanges in one ``record_group``, its resources one by one; the results
    in the group's order."""
    exchanges = [item for _, item in group if isinstance(item, Exchange)]
    stored = iter(archive.record_group(exchanges) if exchanges else [])
    results: list[Stored | int | Exception] = []
    for _, item in group:
        if isinstance(item, Exchange):
            results.append(next(stored))
            continue
        try:
            results.append(archive.record_resource(
                item.url, item.body, item.content_type, record_type=item.record_type,
                captured_at=item.captured_at, refers_to=item.refers_to,
                crawl_run_id=item.crawl_run_id))
        except Exception as exc:  # noqa: BLE001 - handed back to the crawl
            results.append(exc)
    return results


def _portable(result: Stored | int | Exception) -> Stored | int | Exception:
    """A result that survives pickling: exceptions of database drivers may not."""
    if isinstance(result, Exception):
        try:
            pickle.loads(pickle.dumps(result))
        except Exception:  # noqa: BLE001 - replaced by a plain one with the same text
            return RuntimeError(f"{type(result).__name__}: {result}")
    return result


def serve(archive: Archive, requests: Connection, results: Connection, max_batch: int,
          max_latency: float) -> None:
    """Archive what comes in, in groups, until the input ends; answer each group (while
    the crawl is there to read the answers: a crawl that died still has everything it
    handed over archived)."""
    waiting: list[_Request] = []
    ended = False
    answering = True
    while waiting or not ended:
        if not waiting:
            try:
                waiting.extend(requests.recv())
            except (EOFError, OSError):  # OSError: the crawl died halfway through a message
                ended = True
                continue
            deadline = time.monotonic() + max_latency  # a new group: others may join it
        else:
            deadline = 0.0  # these waited while the last group was written: go now
        while not ended and len(waiting) < max_batch:
            if not requests.poll(max(0.0, deadline - time.monotonic())):
                break
            try:
                waiting.extend(requests.recv())
            except (EOFError, OSError):
                ended = True
        group, waiting = waiting[:max_batch], waiting[max_batch:]
        stored = _archive(archive, group)
        if answering:
            try:
                results.send([(key, _portable(result))
                              for (key, _), result in zip(group, stored, strict=True)])
            except OSError:  # the crawl is gone (EPIPE): archive the rest all the same
                answering = False


def main(argv: list[str]) -> int:
    root, requests_fd, results_fd, max_batch, max_latency, prefix = argv
    # Signals are for the crawl, which then shuts down and closes our input: stopping here
    # first would drop exchanges the crawl is still waiting for.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s [%(name)s] %(levelname)s: %(message)s")
    install_log_masking()  # a process of its own: the crawl's masking does not reach here
    requests = Connection(int(requests_fd), writable=False)
    results = Connection(int(results_fd), readable=False)
    # The crawl process has just opened the home (migrations, repair, storage check).
    archive = Archive(Home(Path(root)), maintenance=False, prefix=prefix)
    profile = _profiler()
    try:
        serve(archive, requests, results, int(max_batch), float(max_latency))
    finally:
        results.close()
        archive.close()  # seals the open WARC file (and stores it, e.g. in S3)
        if profile is not None:
            profile.disable()
            profile.dump_stats(os.environ[PROFILE_ENV])
    return 0


PROFILE_ENV = "XXGK_ARCHIVE_WRITER_PROFILE"


def _profiler():  # type: ignore[no-untyped-def]
    """cProfile of the writer when XXGK_ARCHIVE_WRITER_PROFILE names a pstats file to write
    (bench/crawl_throughput.py --profile sets it): the crawl process's own profile cannot
    see into this process."""
    if not os.environ.get(PROFILE_ENV):
        return None
    import cProfile

    profile = cProfile.Profile()
    profile.enable()
    return profile


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
