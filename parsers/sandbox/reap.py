"""Kill every process of a session: the parser child and whatever it started.

A process group is not enough: tools run in groups of their own, so that a tool's own
deadline can kill the tool alone (``parsers.extract.limits.run_tool``), and ``soffice``
forks ``soffice.bin``, which outlives a killed launcher. They all stay in the child's
session (none calls ``setsid``), and Linux names a process's session in ``/proc/PID/stat``:
so the session is what is swept, until no live member is left.
"""

from __future__ import annotations

import os
import signal
import time

SWEEPS = 20  # a member may fork while being killed: sweep again until none is left


def session_members(sid: int) -> list[int]:
    """Live processes (not zombies) whose session is ``sid``."""
    members = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        # after the command: state, ppid, pgrp, session
        if len(fields) > 3 and int(fields[3]) == sid and fields[0] != b"Z":
            members.append(int(name))
    return members


def kill_session(sid: int, *, spare: int | None = None) -> None:
    """SIGKILL every member of session ``sid`` (but ``spare``, the caller when it is a
    member itself), sweeping until none is alive."""
    for sweep in range(SWEEPS):
        members = [pid for pid in session_members(sid) if pid != spare]
        if not members:
            return
        for pid in members:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        time.sleep(0.005 * (sweep + 1))  # SIGKILL is delivered asynchronously
