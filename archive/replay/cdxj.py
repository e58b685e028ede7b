"""The index as CDXJ, the sorted text index pywb and other replay tools read.

One line per response, revisit and resource capture, in cdxj-indexer's layout:

    cn,gov,example)/a.html 20250101120000 {"url": ..., "mime": ..., "status": "200",
      "digest": "sha256:BASE32", "length": "394", "offset": "379", "filename": ...,
      "captured_at": "2025-01-01T12:00:00.000100Z"}

CDXJ timestamps have one-second resolution, so two captures of a URL in the same second
share the key ``urlkey timestamp``; their lines still differ (and replay tools still tell
them apart) by ``filename`` and ``offset``, and ``captured_at`` (ours; other tools ignore
fields they do not know) keeps the microseconds. Revisits have mime ``warc/revisit`` as
cdxj-indexer writes them. Lines are sorted as bytes (``LC_ALL=C sort``), which is what a
binary search over the file expects; large indexes are sorted in chunks on disk and merged.
"""

from __future__ import annotations

import heapq
import json
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import ExitStack

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.models import Capture, WarcFile
from archive.timespec import iso, timestamp14
from archive.write.warc import label_of_hex

CDXJ_TYPES = ("response", "revisit", "resource", "metadata")
SORT_CHUNK = 200_000  # lines held in memory at once while sorting


def cdxj_line(capture: Capture, warc_file: WarcFile) -> str:
    fields: dict[str, str] = {"url": capture.url}
    mime = "warc/revisit" if capture.record_type == "revisit" else capture.mime
    if mime:
        fields["mime"] = mime
    if capture.status is not None:
        fields["status"] = str(capture.status)
    if capture.payload_digest:
        fields["digest"] = label_of_hex(capture.payload_digest)
    fields.update(length=str(capture.length), offset=str(capture.offset),
                  filename=warc_file.name, captured_at=iso(capture.captured_at))
    return (f"{capture.surt} {timestamp14(capture.captured_at)} "
            f"{json.dumps(fields)}")


def unsorted_lines(session: Session) -> Iterator[str]:
    query = (select(Capture, WarcFile).join(WarcFile, Capture.warc_file_id == WarcFile.id)
             .where(Capture.record_type.in_(CDXJ_TYPES))
             .execution_options(yield_per=10_000))
    for capture, warc_file in session.execute(query).tuples():
        yield cdxj_line(capture, warc_file)


def sorted_lines(lines: Iterable[str], chunk: int = SORT_CHUNK) -> Iterator[str]:
    """Lines in byte order (UTF-8 byte order is code point order, which ``sorted`` uses)."""
    with ExitStack() as stack:
        runs = []
        batch: list[str] = []
        for line in lines:
            batch.append(line)
            if len(batch) >= chunk:
                runs.append(_spill(sorted(batch), stack))
                batch = []
        if not runs:
            yield from sorted(batch)
            return
        runs.append(iter(sorted(batch)))
        yield from heapq.merge(*runs)


def _spill(batch: list[str], stack: ExitStack) -> Iterator[str]:
    handle = stack.enter_context(tempfile.TemporaryFile("w+", encoding="utf-8"))
    handle.writelines(line + "\n" for line in batch)
    handle.seek(0)
    return (line.rstrip("\n") for line in handle)


def cdxj(session: Session) -> Iterator[str]:
    """The archive's CDXJ index, sorted, one line (without newline) at a time."""
    return sorted_lines(unsorted_lines(session))
