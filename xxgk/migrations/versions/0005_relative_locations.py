"""WARC file locations relative to the home's archive folder (a home can be moved)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 08:00:00

Until 0004, a local WARC file's ``warc_files.location`` was its absolute path, e.g.
``/srv/xxgk-data/archive/xxgk-20250101…-00001.warc.gz``; a home copied or restored elsewhere
then read (or missed) the files at the old place. From now on a local location is relative to
the archive folder of the home in use (``xxgk-20250101…-00001.warc.gz``); ``s3://`` locations
do not change.

The rule (``archive.storage.local.archive_relative``, which readers also apply to rows not
converted yet): an absolute location becomes the part after its LAST path component named
``archive``, the archive folder of the home that wrote it (every home keeps its files in
``HOME/archive``). The last one, because the home itself may sit below a folder of that name
(``/mnt/archive/xxgk/archive/x.warc.gz`` -> ``x.warc.gz``), while xxgk never makes a folder
named ``archive`` inside its archive folder. The migration cannot look at the disk (it may
run on another machine, or against PostgreSQL), so it relies on this shape alone.

Rows it cannot convert stay as they are: relative and ``s3://`` ones, absolute paths without
an ``archive`` folder or with ``..`` after it. Readers still read such a path while the file
exists, and ``xxgk archive verify`` warns that it is outside the home.

Downgrade: relative locations become absolute again below the home's archive folder: the
home of the SQLite database file (its folder), else ``$XXGK_HOME``; without either (a
PostgreSQL database and no ``XXGK_HOME``) a database holding relative locations cannot be
downgraded, and says so.
"""
import os
from pathlib import Path
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from archive.storage.local import archive_relative
from xxgk.base.home import ARCHIVE_DIR

revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

WARC_FILES = sa.table("warc_files", sa.column("id", sa.Integer),
                      sa.column("location", sa.Text))


def _rewrite(new_location) -> None:  # type: ignore[no-untyped-def]
    """Set each row's location to ``new_location(location)`` where that is not None."""
    connection = op.get_bind()
    rows = connection.execute(sa.select(WARC_FILES.c.id, WARC_FILES.c.location)).all()
    changes = [{"row_id": row_id, "new": new} for row_id, location in rows
               if (new := new_location(location)) is not None]
    if changes:
        connection.execute(WARC_FILES.update()
                           .where(WARC_FILES.c.id == sa.bindparam("row_id"))
                           .values(location=sa.bindparam("new")), changes)


def upgrade() -> None:
    _rewrite(archive_relative)


def _home_archive_folder() -> Path | None:
    """Where relative locations point, for the old absolute form."""
    url = op.get_bind().engine.url
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return Path(url.database).absolute().parent / ARCHIVE_DIR
    home = os.environ.get("XXGK_HOME")
    return Path(home).expanduser().absolute() / ARCHIVE_DIR if home else None


def _is_relative(location: str) -> bool:
    return not location.startswith(("s3://", "/"))


def downgrade() -> None:
    folder = _home_archive_folder()

    def absolute(location: str) -> str | None:
        if not _is_relative(location):
            return None
        if folder is None:
            raise RuntimeError("relative WARC locations cannot be made absolute without the "
                               "home: set XXGK_HOME to downgrade below revision 0005")
        return str(folder / location)

    _rewrite(absolute)
