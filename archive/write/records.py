"""What the archive is handed and what it answers: the values that cross between a crawl,
the archive's writers (a thread, or a crawl's writer process) and its index."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Exchange:
    """One HTTP request and the response as received (body before any decoding)."""

    url: str
    method: str
    request_headers: list[tuple[str, str]]
    request_body: bytes
    protocol: str  # HTTP/1.1
    status: int
    reason: str
    response_headers: list[tuple[str, str]]
    body: bytes
    captured_at: datetime  # UTC
    crawl_run_id: int | None = None
    fingerprint: str | None = None  # the client's request key, for resuming


@dataclass(frozen=True)
class Resource:
    """A record that is not an HTTP exchange (a browser's DOM, extracted text), as
    ``record_resource`` takes it: for ``submit_resource``, whose writer may be a process."""

    url: str
    body: bytes
    content_type: str
    record_type: str = "resource"
    captured_at: datetime | None = None  # UTC; None: when it is written
    refers_to: str | None = None
    crawl_run_id: int | None = None


@dataclass(frozen=True)
class Stored:
    capture_id: int
    record_type: str  # response | revisit
    payload_digest: str | None
    new_payload: bool  # False: identical bytes were already archived (or 304)
    payload_capture_id: int  # the capture whose record holds the payload bytes
