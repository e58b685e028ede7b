"""``xxgk parse FILE``'s work: read a regular file, parse it in a child under the limits.

Reading is refused for anything but a regular file (``/dev/zero`` never ends, a FIFO may
block forever, a directory has no bytes) and for a file over the input limit, before a
byte is read; the parse itself runs in a parser child (``parsers.sandbox``), so a bomb
costs at most the memory limit and a hang the time limit, and leaves no process behind.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from parsers.document import ExtractionError
from parsers.extract import extract
from parsers.extract.limits import DEFAULT_LIMITS, human_size
from parsers.images import read_image_tables
from parsers.report import parse_document
from parsers.sandbox import DocumentLimits, Worker

_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
          (stat.S_ISSOCK, "a socket"))


class NotAFile(ValueError):
    """The path is not a regular file: a usage error, not a document that failed."""


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def read_regular_file(path: Path, limit: int = DEFAULT_LIMITS.max_input_bytes) -> bytes:
    """The file's bytes; NotAFile for anything but a regular file, ExtractionError
    (``too_large``) past ``limit``. Opened without blocking (a FIFO with no writer would
    block ``open``) and checked on the open descriptor, so a swapped path cannot slip
    through."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError as exc:
        try:
            what = _kind(os.stat(path).st_mode)
        except OSError:
            what = exc.strerror or str(exc)
        raise NotAFile(f"{path}: {what}: parse reads regular files only") from None
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotAFile(f"{path} is {_kind(mode)}: parse reads regular files only")
        size = os.fstat(fd).st_size
        if size > limit:
            raise ExtractionError(f"file too large: {human_size(size)} exceeds the limit of "
                                  f"{human_size(limit)}", "too_large")
        data = handle.read(limit + 1)
    if len(data) > limit:  # grew while being read
        raise ExtractionError(f"file too large: more than {human_size(limit)}", "too_large")
    return data


def parse_in_child(data: bytes, name: str, url: str | None, folder: Path,
                   limits: DocumentLimits | None = None) -> dict[str, Any]:
    """The JSON contract of the file, parsed in a forked child under ``limits``;
    ExtractionError (LimitExceeded for a limit) when it cannot be read."""
    with Worker(limits, start="fork") as worker:
        result: dict[str, Any] = worker.call("parsers.parse_file:parse_bytes", data, name, url,
                                             str(folder))
    return result


def parse_bytes(data: bytes, name: str, url: str | None, folder: str) -> dict[str, Any]:
    """In the child: extract, read table images saved next to the file, parse."""
    doc = extract(data, url=url or name)
    if doc.images:
        base = Path(folder)
        read_image_tables(doc, lambda src: _local_image(base, src))
    return parse_document(doc, url).to_json()


def _local_image(base: Path, src: str) -> bytes | None:
    """An image next to a saved page (``foo_files/x.png`` or by its name alone)."""
    name = src.rsplit("/", 1)[-1].split("?")[0]
    for candidate in (base / name, *base.glob(f"*/{name}")):
        if candidate.is_file():
            return candidate.read_bytes()
    return None
