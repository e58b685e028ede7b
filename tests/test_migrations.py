"""The schema comes from Alembic migrations, and they match the models exactly, on SQLite
and on a real PostgreSQL (the scale-out database)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

import crawler.models  # noqa: F401 - the ledger's tables are part of the schema
import parsers.database.models  # noqa: F401 - and the reports database
import scheduler.models  # noqa: F401 - and the scheduler's tables
from tests.pgdb import throwaway_database
from xxgk.base.db import Base, alembic_config, create_schema, make_engine


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
        return
    with throwaway_database("xxgk_migrations") as url:
        yield url


def test_migrations_build_exactly_the_models(database_url: str) -> None:
    engine = make_engine(database_url)
    create_schema(engine)
    create_schema(engine)  # idempotent: every process runs it when it opens the database
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        version = connection.execute(text("select version_num from alembic_version")).scalar()
    assert diff == []
    assert version == ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert {"captures", "warc_files", "crawl_runs", "crawl_failures", "crawl_documents",
            "crawl_document_events", "organisations", "parsed_documents", "reports",
            "report_versions", "cells", "sections", "facts", "checks", "cell_changes",
            } <= set(inspect(engine).get_table_names())
    views = {"report_overview", "report_active", "report_applications",
             "report_review_litigation"}
    assert views <= set(inspect(engine).get_view_names())
    with engine.connect() as connection:  # the views compile on this engine
        for view in views:
            connection.execute(text(f"select * from {view}")).all()
    # The reports migration goes down and up again cleanly.
    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
        assert not views & set(inspect(connection).get_view_names())
        assert "reports" not in inspect(connection).get_table_names()
        command.upgrade(config, "head")
    engine.dispose()


def test_downgrade_to_nothing_and_up_again(database_url: str) -> None:
    engine = make_engine(database_url)
    create_schema(engine)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    create_schema(engine)
    assert "captures" in inspect(engine).get_table_names()
    engine.dispose()


def test_the_archive_writes_and_reads_on_postgresql(tmp_path, monkeypatch) -> None:
    """Scale-out configuration: the index on PostgreSQL (XXGK_DATABASE_URL), the same
    dedup, revisits and retrieval as on SQLite."""
    from datetime import datetime

    from archive.read.retrieval import Retrieval
    from archive.write.records import Exchange
    from archive.write.store import Archive
    from xxgk.base.home import Home

    with throwaway_database("xxgk_archive") as url:
        monkeypatch.setenv("XXGK_DATABASE_URL", url)
        home = Home(tmp_path)
        archive = Archive(home)
        bodies = [b"<html>v1</html>", b"<html>v2</html>", b"<html>v1</html>"]
        for n, body in enumerate(bodies):
            archive.record(Exchange(
                url="http://www.example.gov.cn/a.html", method="GET", request_headers=[],
                request_body=b"", protocol="HTTP/1.1", status=200, reason="OK",
                response_headers=[("Content-Type", "text/html")], body=body,
                captured_at=datetime(2025, 1, 1, 0, 0, 0, n)))  # three in one second
        archive.close()
        with Retrieval(home) as retrieval:
            versions = retrieval.history("http://www.example.gov.cn/a.html")
            assert [v.record_type for v in versions] == ["response", "response", "revisit"]
            assert [v.changed for v in versions] == [True, True, True]
            assert retrieval.payload_of(retrieval.version_at(
                "http://www.example.gov.cn/a.html", datetime(2025, 1, 1, 0, 0, 0, 1))
            ).body == b"<html>v2</html>"


# Locations as versions up to 0004 wrote them, and what migration 0005 makes of them.
LOCATIONS_0004 = {
    "/srv/xxgk-data/archive/xxgk-1.warc.gz": "xxgk-1.warc.gz",
    "/mnt/archive/xxgk/archive/xxgk-2.warc.gz": "xxgk-2.warc.gz",  # the last archive/ counts
    "/data/archive/2024/xxgk-3.warc.gz": "2024/xxgk-3.warc.gz",  # a sub-folder stays
    "s3://bucket/archive/xxgk-4.warc.gz": "s3://bucket/archive/xxgk-4.warc.gz",
    "/var/warcs/xxgk-5.warc.gz": "/var/warcs/xxgk-5.warc.gz",  # no archive/: kept, still read
    "/srv/archive/../xxgk-6.warc.gz": "/srv/archive/../xxgk-6.warc.gz",  # not inside: kept
}


def test_0005_makes_absolute_locations_relative_to_the_archive_folder(
        database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import datetime
    from pathlib import Path

    import sqlalchemy as sa

    warc_files = sa.table("warc_files", sa.column("name", sa.String),
                          sa.column("location", sa.Text), sa.column("size", sa.BigInteger),
                          sa.column("sealed", sa.Boolean), sa.column("created_at", sa.DateTime))
    engine = make_engine(database_url)
    config = alembic_config()

    def migrate(step, revision: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            step(config, revision)
            rows = connection.execute(sa.select(warc_files.c.name, warc_files.c.location))
            return {name: location for name, location in rows}

    migrate(command.upgrade, "0004")
    with engine.begin() as connection:
        connection.execute(warc_files.insert(), [
            {"name": f"f{n}", "location": old, "size": 0, "sealed": True,
             "created_at": datetime(2025, 1, 1)} for n, old in enumerate(LOCATIONS_0004)])
    upgraded = migrate(command.upgrade, "head")
    assert upgraded == {f"f{n}": new for n, new in enumerate(LOCATIONS_0004.values())}
    # Down again: relative locations become absolute below the home's archive folder (the
    # SQLite file's folder; $XXGK_HOME for PostgreSQL), the others are left alone.
    monkeypatch.setenv("XXGK_HOME", "/restored/home")
    root = (str(Path(engine.url.database).parent) if engine.dialect.name == "sqlite"
            else "/restored/home")
    downgraded = migrate(command.downgrade, "0004")
    assert downgraded["f0"] == f"{root}/archive/xxgk-1.warc.gz"
    assert downgraded["f2"] == f"{root}/archive/2024/xxgk-3.warc.gz"
    assert [downgraded[f"f{n}"] for n in (3, 4, 5)] == list(LOCATIONS_0004)[3:]
    engine.dispose()
