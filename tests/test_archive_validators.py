"""The validators of conditional requests (``Archive.last_capture``): asked for every request
in the crawler's reactor thread (on SQLite through a connection kept for it). It must answer
what the archive's writer committed since, skip captures that say nothing about the page,
and on PostgreSQL survive the server dropping its connections."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from archive.write.records import Exchange
from archive.write.store import Archive
from tests.pgdb import throwaway_database
from xxgk.base.home import Home

URL = "http://xxgk.example.gov.cn/col/col1/index.html"


def _exchange(url: str, etag: str | None, status: int = 200) -> Exchange:
    headers = [("Content-Type", "text/html; charset=utf-8")]
    if etag:
        headers.append(("ETag", etag))
    return Exchange(url=url, method="GET", request_headers=[("User-Agent", "xxgk-tests")],
                    request_body=b"", protocol="HTTP/1.1", status=status, reason="OK",
                    response_headers=headers, body=b"<html><body>report</body></html>",
                    captured_at=datetime.now(UTC))


@pytest.fixture(params=["sqlite", "postgresql"])
def archive(request: pytest.FixtureRequest, tmp_path: Path,
            monkeypatch: pytest.MonkeyPatch) -> Iterator[Archive]:
    if request.param == "postgresql":
        database = request.getfixturevalue("pg_url")
        monkeypatch.setenv("XXGK_DATABASE_URL", database)
    else:
        monkeypatch.delenv("XXGK_DATABASE_URL", raising=False)
    yield from _opened(tmp_path)


def _opened(tmp_path: Path) -> Iterator[Archive]:
    opened = Archive(Home(tmp_path / "home"))
    try:
        yield opened
    finally:
        opened.close()
        opened.engine.dispose()


@pytest.fixture
def pg_url() -> Iterator[str]:
    with throwaway_database() as url:
        yield url


@pytest.fixture
def pg_archive(tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Archive]:
    monkeypatch.setenv("XXGK_DATABASE_URL", pg_url)
    yield from _opened(tmp_path)


def test_the_newest_validated_capture_answers(archive: Archive) -> None:
    assert archive.last_capture(URL) is None
    archive.record(_exchange(URL, '"v1"'))
    archive.record(_exchange(URL, None, status=503))  # says nothing about the page
    first = archive.last_capture(URL)  # the kept connection sees the writer's commit
    assert first is not None and first.etag == '"v1"'
    archive.record(_exchange(URL, '"v2"'))
    second = archive.last_capture(URL)
    assert second is not None and second.etag == '"v2"' and second.id > first.id


def test_a_dropped_postgresql_connection_is_opened_again(pg_archive: Archive) -> None:
    archive = pg_archive
    archive.record(_exchange(URL, '"v1"'))
    assert archive.last_capture(URL) is not None
    database = archive.engine.url.database
    admin = create_engine(archive.engine.url.set(database="postgres"),
                          isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            ended = connection.execute(text(
                "select count(*) from (select pg_terminate_backend(pid) from pg_stat_activity "
                "where datname = :db and pid <> pg_backend_pid()) t"), {"db": database}).scalar()
    finally:
        admin.dispose()
    assert ended >= 1
    again = archive.last_capture(URL)
    assert again is not None and again.etag == '"v1"'
