"""The parser child: limits itself, watches its parent, runs jobs until told to stop.

Started as ``python -m parsers.sandbox LIFELINE_FD MEMORY_BYTES`` (jobs on stdin,
answers on stdout) or forked by ``worker.Worker`` (then ``serve`` is called directly).
The first message is the initializer (``"module:function"`` and its arguments, or None);
every later one a job; each answer is ``(tag, value)``:

- ``("ready", None)`` once initialised (the parent starts the job's clock then);
- ``("ok", result)``, ``("raise", exception)``;
- ``("memory", detail)``: a MemoryError under ``RLIMIT_AS``; the child exits after it,
  since a process that ran out of memory half way may hold broken state.
"""

from __future__ import annotations

import importlib
import os
import pickle
import resource
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable
from typing import Any, NoReturn

from parsers.sandbox import wire
from parsers.sandbox.reap import kill_session

EXIT_MEMORY = 3
TMP_PREFIX = "xxgk-parse-"  # of the folder the parent makes for each child
_ENDING = threading.Lock()  # held by whoever ends the process


def resolve(name: str) -> Callable[..., Any]:
    """``"package.module:function"`` -> the function (names travel, functions need not
    pickle)."""
    module, _, attribute = name.partition(":")
    return getattr(importlib.import_module(module), attribute)  # type: ignore[no-any-return]


def limit_memory(memory: int) -> None:
    """Cap this process's address space (and, inherited, every tool it starts)."""
    if memory > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))


def watch_parent(lifeline: int) -> None:
    """When the parent's end of the lifeline closes (the parent died, however: even by
    SIGKILL) kill this whole session, LibreOffice and all, remove the child's folder, then
    end this process."""
    def wait_and_kill() -> None:
        while True:
            try:
                if not os.read(lifeline, 1):
                    break
            except InterruptedError:
                continue
            except OSError:
                break
        _ENDING.acquire()  # the main thread, woken by its tool's death, must not exit first
        kill_session(os.getsid(0), spare=os.getpid())
        _remove_own_folder()
        os._exit(1)

    threading.Thread(target=wait_and_kill, name="lifeline", daemon=True).start()


def leave(code: int) -> NoReturn:
    """End the child, unless the lifeline is cleaning up: then that ends it."""
    _ENDING.acquire()
    os._exit(code)


def _remove_own_folder() -> None:
    """The temporary folder the parent made for this child (``TMPDIR``), which a parent
    that died cannot remove any more."""
    folder = tempfile.gettempdir()
    if os.path.basename(folder).startswith(TMP_PREFIX):
        shutil.rmtree(folder, ignore_errors=True)


def _portable(exc: BaseException) -> BaseException:
    """The exception itself if it survives pickling, else a RuntimeError saying what it
    was (a library's exception class may not rebuild from its args)."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001 - any pickling failure
        return RuntimeError(f"{type(exc).__name__}: {exc}"[:2000])


def _answer(results: int, tag: str, value: Any) -> None:
    try:
        wire.send(results, (tag, value))
    except BrokenPipeError:  # the parent is gone: the lifeline is ending this process
        leave(1)
    except MemoryError:
        wire.send(results, ("memory", "while sending the result"))
        leave(EXIT_MEMORY)
    except Exception as exc:  # noqa: BLE001 - an unpicklable result is the job's failure
        wire.send(results, ("raise", RuntimeError(f"result not transferable: {exc}")))


def serve(jobs: int, results: int, lifeline: int, memory: int) -> NoReturn:
    """Run jobs from ``jobs``, answers to ``results``, until ``jobs`` closes."""
    watch_parent(lifeline)
    limit_memory(memory)
    try:
        init = wire.receive(jobs)
        if init is not None:
            resolve(init[0])(*init[1])
    except EOFError:
        leave(0)
    except MemoryError:
        _answer(results, "memory", "while starting")
        leave(EXIT_MEMORY)
    except BaseException as exc:  # noqa: BLE001 - told to the parent, which raises it
        _answer(results, "raise", _portable(exc))
        leave(1)
    _answer(results, "ready", None)
    while True:
        try:
            function, args = wire.receive(jobs)
        except EOFError:  # the parent is done: leave nothing behind
            kill_session(os.getsid(0), spare=os.getpid())
            leave(0)
        try:
            value = resolve(function)(*args)
        except MemoryError:
            _answer(results, "memory", None)
            leave(EXIT_MEMORY)
        except BaseException as exc:  # noqa: BLE001 - a job's failure is an answer
            _answer(results, "raise", _portable(exc))
            continue
        _answer(results, "ok", value)


def main() -> NoReturn:
    lifeline, memory = int(sys.argv[1]), int(sys.argv[2])
    # Answers get a descriptor of their own; whatever a library prints goes to stderr.
    jobs, results = os.dup(0), os.dup(1)
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    os.dup2(2, 1)
    try:
        serve(jobs, results, lifeline, memory)
    finally:
        leave(1)
