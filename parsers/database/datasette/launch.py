"""How ``xxgk datasette`` starts Datasette on a home's reports database.

Datasette reads SQLite files, so a home whose database is PostgreSQL
(``XXGK_DATABASE_URL``) cannot be served; that is said plainly instead of failing inside
Datasette. The database is opened immutable (``-i``): Datasette never writes to it and never
locks it, so a crawl or an index can go on beside it. Immutable mode reads the database file
alone, never its write-ahead log, where SQLite keeps the newest commits until a checkpoint:
those are moved into the file first, or Datasette would show the data as it was before them.
"""

from __future__ import annotations

import importlib.util
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

from archive.errors import NoArchive
from parsers.database.datasette.metadata import METADATA_FILE
from xxgk.base.home import Home

CHECKPOINT_WAIT_S = 10  # for a writer's transaction to end before the checkpoint


class CannotServe(Exception):
    """The home's database is not a SQLite file Datasette could open, or Datasette is
    missing; the message says what to do."""


def datasette_command(home: Home, host: str, port: int) -> list[str]:
    """The ``datasette serve`` command line for ``home``'s database (to run after
    :func:`checkpoint`)."""
    if not home.database_url.startswith("sqlite"):
        raise CannotServe("Datasette reads SQLite files, and XXGK_DATABASE_URL points this "
                          "home at another database; unset it to browse a home's "
                          "xxgk.sqlite3, or use that database's own tools")
    if importlib.util.find_spec("datasette") is None:
        raise CannotServe("Datasette is not installed: pip install 'xxgk-archive[datasette]'")
    path = home.database_path
    if not path.exists():
        raise NoArchive(f"no reports database at {path} (run `xxgk index` first; pass --home "
                        "or set XXGK_HOME)")
    return [sys.executable, "-m", "datasette", "serve", "-i", str(path),
            "--metadata", str(METADATA_FILE), "--host", host, "--port", str(port)]


def checkpoint(path: Path) -> bool:
    """Move the committed contents of the write-ahead log into the database file; False
    when a writer held some back (Datasette then shows the data without them)."""
    with closing(sqlite3.connect(path, timeout=CHECKPOINT_WAIT_S)) as db:
        busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return busy == 0
