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
import parsers.models  # noqa: F401 - and the reports database
import scheduler.models  # noqa: F401 - and the scheduler's tables
from archive.db import alembic_config, create_schema, make_engine
from archive.models import Base
from tests.pgdb import throwaway_database



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

    from archive.home import Home
    from archive.retrieval import Retrieval
    from archive.store import Archive, Exchange

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
