"""Jobs for parser children in the sandbox tests: each misbehaves in one way."""

from __future__ import annotations

import os
import subprocess
import time
from typing import Any


def run(job: tuple[str, Any]) -> Any:
    """``(name, argument)``: one function of this module, for a pool's single argument."""
    return globals()[job[0]](job[1])


def echo(value: Any) -> Any:
    return value


def allocate(size: int) -> int:
    """Touch ``size`` bytes (a bomb being inflated)."""
    return len(bytearray(size))


def sleep(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def start_tools_and_hang(seconds: float) -> None:
    """Start what LibreOffice looks like to the process tree (a tool in a process group
    of its own, as ``run_tool`` starts it, and a launcher with a forked child), then hang."""
    subprocess.Popen(["sleep", "300"], process_group=0)
    subprocess.Popen(["sh", "-c", "sleep 301 & sleep 302"])
    time.sleep(seconds)


def abort(_: object) -> None:
    """Die of SIGABRT, as PDFium does when an allocation fails."""
    os.abort()
