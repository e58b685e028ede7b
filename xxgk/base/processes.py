"""Which process holds a thing: the ``host:pid`` written beside a WARC file, a crawl run or
the scheduler's lock, and whether that process may still be alive."""

from __future__ import annotations

import os
import socket
from pathlib import Path


def writer_id() -> str:
    """This process, as it signs what it holds (``host:pid``)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def process_alive(host: str, pid: int) -> bool:
    """Whether a process (by host and pid) may still be running: only this machine's are
    judged; a reused pid after a crash is possible and only delays a repair or a resume."""
    if host != socket.gethostname():
        return True  # another machine's process: not ours to judge
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    """Whether a process has died and not been reaped yet (Linux /proc). A crawl's archive
    writer killed with the crawl (kill -9 of the process group) stays a zombie until init
    reaps it, about 1.5 s here, and ``kill(pid, 0)`` still finds it: a crawl restarted at
    once would take the dead writer's file for one still being written."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False
