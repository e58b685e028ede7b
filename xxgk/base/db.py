"""Database engine and sessions for one xxgk home (SQLite by default, PostgreSQL by URL)."""

from __future__ import annotations

import fcntl
import functools
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic, imported when a database needs migrating, announces its plugins at INFO: noise in
# a command's log (and on stderr, where an error must be one line).
logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)



DATABASE_URL_ATTRIBUTE = "xxgk_database_url"  # on a database error: which database, masked


def _name_database(engine: Engine) -> None:
    """Every error of this engine says which database it came from, password hidden: an
    unreachable server is reported in one line that names it (``archive.cli_output``)."""
    shown = engine.url.render_as_string(hide_password=True)

    @event.listens_for(engine, "handle_error")
    def _named(context) -> None:  # type: ignore[no-untyped-def]
        if context.sqlalchemy_exception is not None:
            setattr(context.sqlalchemy_exception, DATABASE_URL_ATTRIBUTE, shown)


def make_engine(url: str) -> Engine:
    engine = _make_engine(url)
    _name_database(engine)
    return engine


def _make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 60})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            # WAL lets the indexer read while a crawl writes; foreign keys are off by default.
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


# The migration history is the top's (xxgk/migrations: its environment loads every part's
# models); the base runs it by path, as Alembic does, and imports none of it.
MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


def alembic_config(url: str | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url)
    return config


def create_schema(engine: Engine) -> None:
    """Bring the database to the newest schema through the Alembic migrations (also a new,
    empty one): every process that opens the database does this, so upgrades need no
    separate step. A database made before migrations existed is stamped first.

    A database already at the newest revision is left alone without loading Alembic and
    every model (a quarter of a second in each command-line process)."""
    if _at_head(engine):
        return
    from alembic import command

    config = alembic_config()
    with _migration_lock(engine), engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Two processes opening a new database at once (two schedulers, a scheduler and
            # a worker) would both create the tables: one migrates, the other waits.
            connection.execute(text("select pg_advisory_xact_lock(:key)"),
                               {"key": MIGRATION_LOCK_KEY})
        names = set(inspect(connection).get_table_names())
        config.attributes["connection"] = connection
        if "captures" in names and "alembic_version" not in names:
            command.stamp(config, "0001")
        command.upgrade(config, "head")


MIGRATION_LOCK_KEY = 0x78786B6B_6D696772  # "xxgkmigr": pg_advisory_xact_lock's key
_REVISION = re.compile(r"^revision\b[^=\n]*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision\b[^=\n]*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)


@functools.cache
def head_revision() -> str:
    """The newest migration's revision, read from the migration files' text (the one no
    other migration names as its down revision)."""
    revisions: set[str] = set()
    downs: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        revisions.update(_REVISION.findall(source))
        downs.update(_DOWN_REVISION.findall(source))
    heads = revisions - downs
    if len(heads) != 1:
        raise RuntimeError(f"the migrations have {len(heads)} heads: {sorted(heads)}")
    return heads.pop()


def _at_head(engine: Engine) -> bool:
    """Whether the database records the newest revision (no table yet: not)."""
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("select version_num from alembic_version"))
            versions = rows.scalars().all()
    except DBAPIError:
        return False
    return versions == [head_revision()]


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """On SQLite, an flock on a file beside the database while migrating (SQLite has no
    advisory locks, and its DDL in a deferred transaction does not serialise)."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrate-lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class Base(DeclarativeBase):
    """The one metadata of every part's tables (one database, one migration history)."""


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


class LazySession:
    """An ORM session on a connection (inside its transaction), made only when something
    needs one: the archive's batches write through Core and seldom need the ORM."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._session: Session | None = None

    def _get(self) -> Session:
        if self._session is None:
            self._session = Session(bind=self.connection)
        return self._session

    def scalars(self, *args: Any, **kwargs: Any) -> Any:
        return self._get().scalars(*args, **kwargs)

    def get(self, *args: Any, **kwargs: Any) -> Any:
        return self._get().get(*args, **kwargs)

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
