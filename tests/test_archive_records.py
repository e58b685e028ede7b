"""Round trip of every record type the archive writes: each indexed capture reads back as
the same type with the same payload, and warcio (a tool we did not write) accepts the file."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from warcio.archiveiterator import ArchiveIterator

from archive.models import Capture
from archive.write.records import Exchange
from archive.write.store import Archive
from xxgk.base.home import Home

URL = "http://www.example.gov.cn/art/2024/1/2/art_1_2.html"
T0 = datetime(2025, 3, 4, 5, 6, 7, 890123)
PAGE = "<html><body>嘉祥县2024年政府信息公开工作年度报告</body></html>".encode()


def _exchange(url: str, status: int, body: bytes, when: datetime,
              request_headers: list[tuple[str, str]] | None = None) -> Exchange:
    return Exchange(url=url, method="GET", request_headers=request_headers or [("Accept", "*/*")],
                    request_body=b"", protocol="HTTP/1.1", status=status,
                    reason="OK" if status == 200 else "Not Modified",
                    response_headers=[("Content-Type", "text/html; charset=utf-8"),
                                      ("ETag", 'W/"v1"')], body=body, captured_at=when)


def test_every_record_type_round_trips(tmp_path: Path) -> None:
    archive = Archive(Home(tmp_path))
    first = archive.record(_exchange(URL, 200, PAGE, T0))
    same = archive.record(_exchange(URL + "?copy", 200, PAGE, T0 + timedelta(seconds=1)))
    not_modified = archive.record(_exchange(URL, 304, b"", T0 + timedelta(days=1),
                                            [("If-None-Match", 'W/"v1"')]))
    with archive.sessions() as session:
        response_id = session.get(Capture, first.capture_id).warc_record_id
    snapshot = archive.record_resource(URL, b"<html>dom after the challenge</html>",
                                       "text/html; charset=utf-8")
    text = archive.record_resource(URL, "嘉祥县2024年政府信息公开工作年度报告".encode(),
                                   "text/plain; charset=utf-8", record_type="conversion",
                                   refers_to=response_id)
    metadata = archive.record_resource(URL, b"outlinks: 3\r\nparser: none\r\n",
                                       "application/warc-fields", record_type="metadata",
                                       refers_to=response_id)
    assert (first.record_type, same.record_type, not_modified.record_type) == (
        "response", "revisit", "revisit")
    assert same.payload_capture_id == first.capture_id
    assert not_modified.payload_capture_id == first.capture_id
    expected = {first.capture_id: ("response", PAGE), snapshot: ("resource", None),
                text: ("conversion", None), metadata: ("metadata", None),
                same.capture_id: ("revisit", b""), not_modified.capture_id: ("revisit", b"")}
    with archive.sessions() as session:
        captures = {c.id: c for c in session.scalars(select(Capture))}
    assert {c.record_type for c in captures.values()} == {
        "response", "request", "revisit", "resource", "conversion", "metadata"}
    for capture_id, (kind, payload) in expected.items():
        record = archive.read(captures[capture_id])
        assert record.record_type == kind
        if payload is not None:
            assert record.payload == payload
    profiles = {dict(archive.read(captures[i]).warc_headers).get("WARC-Profile")
                for i in (same.capture_id, not_modified.capture_id)}
    assert profiles == {
        "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest",
        "http://netpreserve.org/warc/1.1/revisit/server-not-modified"}
    assert dict(archive.read(captures[text]).warc_headers)["WARC-Refers-To"] == response_id
    archive.close()

    files = sorted((tmp_path / "archive").glob("*.warc.gz"))
    with open(files[0], "rb") as fh:
        types = [record.rec_type for record in ArchiveIterator(fh)]
    assert types[0] == "warcinfo"
    assert set(types) == {"warcinfo", "response", "request", "revisit", "resource",
                          "conversion", "metadata"}
    warcio = Path(sys.executable).with_name("warcio")
    check = subprocess.run([str(warcio), "check", "-v", *map(str, files)], capture_output=True,
                           text=True, timeout=120)
    assert check.returncode == 0, check.stdout
