"""Bad documents in the archive: each gets a recorded failure with a clear reason, and the
index run goes on to parse the good report archived after them. Also on PostgreSQL."""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from archive.write.records import Exchange
from archive.write.store import Archive
from parsers.database.index import Indexer
from parsers.database.models import FAILED, REPORT, SKIPPED, ParsedDocument, Report
from tests.archive_fixtures import run
from tests.pgdb import throwaway_database
from xxgk.base.home import Home

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
SAMPLES = Path(__file__).parent / "fixtures" / "real_samples"
SITE = "http://www.example-county.gov.cn"
T0 = datetime(2025, 3, 1, 8, 0, 0)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _zip_bomb() -> bytes:
    """A DOCX-looking zip whose document.xml inflates a thousandfold (64 MB of zeros in
    about 64 KB)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(64):
                member.write(chunk)
    return buffer.getvalue()


def _bad_documents() -> dict[str, tuple[str, bytes]]:
    pdf = (SAMPLES / "hongze_2023_zfxxgk_annual_report.pdf").read_bytes()
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("word/document.xml", "<w:document><w:body><w:p>")  # cut short
    return {
        "truncated.pdf": ("application/pdf", pdf[: len(pdf) // 3]),
        "corrupt.docx": (DOCX, docx.getvalue()[:-30]),
        "bomb.docx": (DOCX, _zip_bomb()),
        "huge.html": ("text/html; charset=utf-8",
                      b"<html><body>" + ("<p>" + "政府" * 2000 + "</p>").encode() * 1_700
                      + b"</body></html>"),
        "junk.doc": ("application/msword", os.urandom(200_000)),
        "empty.pdf": ("application/pdf", b""),
    }


def _exchange(url: str, content_type: str, body: bytes, when: datetime) -> Exchange:
    return Exchange(url=url, method="GET", request_headers=[("User-Agent", "test")],
                    request_body=b"", protocol="HTTP/1.1", status=200, reason="OK",
                    response_headers=[("Content-Type", content_type),
                                      ("Content-Length", str(len(body)))],
                    body=body, captured_at=when)


def _fill(home: Home) -> dict[str, str]:
    archive = Archive(home)
    urls = {}
    exchanges = []
    for n, (name, (ctype, body)) in enumerate(_bad_documents().items()):
        urls[name] = f"{SITE}/files/{name}"
        exchanges.append(_exchange(urls[name], ctype, body, T0 + timedelta(seconds=n)))
    seed = (SEEDS / "002_8406eb1d227322eb.txt").read_bytes()
    urls["report"] = f"{SITE}/art/2023/1/16/art_1_1.txt"
    exchanges.append(_exchange(urls["report"], "text/plain; charset=utf-8", seed,
                               T0 + timedelta(minutes=5)))
    archive.record_batch(exchanges)
    archive.close()
    return urls


def _check(home: Home, urls: dict[str, str]) -> None:
    with Indexer(home) as indexer:
        stats = indexer.run()
    engine = create_engine(home.database_url)
    with engine.connect() as connection:
        rows = {r.url: r for r in connection.execute(select(ParsedDocument.__table__))}
        reports = connection.execute(select(Report.__table__)).all()
    engine.dispose()
    for name in ("truncated.pdf", "corrupt.docx", "bomb.docx", "junk.doc"):
        row = rows[urls[name]]
        assert row.status == FAILED, (name, row.status, row.reason)
        assert row.reason and len(row.reason) > 10, (name, row.reason)
    assert "bomb" in rows[urls["bomb.docx"]].reason.lower() or \
        "uncompressed" in rows[urls["bomb.docx"]].reason.lower()
    assert rows[urls["empty.pdf"]].status in (FAILED, SKIPPED)
    assert rows[urls["empty.pdf"]].reason
    assert rows[urls["huge.html"]].status in (FAILED, "not_report")
    assert rows[urls["huge.html"]].reason
    assert rows[urls["report"]].status == REPORT
    assert len(reports) == 1 and reports[0].year == 2022
    assert stats.failed >= 4 and stats.reports == 1


def test_bad_documents_are_recorded_and_the_run_goes_on(tmp_path: Path) -> None:
    home = Home(tmp_path)
    urls = _fill(home)
    _check(home, urls)
    # The CLI lists the report; failures are data, not an error exit.
    result = run("reports", "--json", home=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    before = json.loads(result.stdout)
    assert len(before) == 1
    # `xxgk reindex --all` parses every payload again and writes the same report.
    result = run("reindex", "--all", "--json", home=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    figures = json.loads(result.stdout)
    assert figures["documents"] == len(urls) and figures["reports"] == 1
    assert figures["failed"] >= 4 and len(figures["failures"]) == figures["failed"]
    after = json.loads(run("reports", "--json", home=tmp_path).stdout)
    assert [(r["id"], r["cells"], r["failed_checks"]) for r in after] == \
        [(r["id"], r["cells"], r["failed_checks"]) for r in before]
    # ... and `xxgk index` then has nothing to do.
    again = json.loads(run("index", "--json", home=tmp_path).stdout)
    assert again["documents"] == 0


@pytest.fixture
def postgres_url() -> Iterator[str]:
    with throwaway_database("xxgk_index") as url:
        yield url


def test_index_on_postgresql(tmp_path: Path, postgres_url: str,
                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XXGK_DATABASE_URL", postgres_url)
    home = Home(tmp_path)
    assert home.database_url == postgres_url
    urls = _fill(home)
    _check(home, urls)
