"""Where xxgk keeps its data: one home folder holding the database and the archive.

Every command resolves its home the same way (``--home``, then ``$XXGK_HOME``, then
``./xxgk-data``) so that an operator can point any command at any data set, and a test can
give each run its own.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

DEFAULT_HOME = Path("xxgk-data")
DATABASE_FILE = "xxgk.sqlite3"
ARCHIVE_DIR = "archive"

HomeOption = Annotated[
    Path | None,
    typer.Option(
        "--home",
        envvar="XXGK_HOME",
        help="Data folder (SQLite database + archive). Default: ./xxgk-data.",
        show_default=False,
    ),
]


@dataclass(frozen=True)
class Home:
    """The resolved data locations of one xxgk installation."""

    root: Path

    @property
    def database_path(self) -> Path:
        return self.root / DATABASE_FILE

    @property
    def database_url(self) -> str:
        # A scale-out deployment points every process at one PostgreSQL server instead.
        return os.environ.get("XXGK_DATABASE_URL") or f"sqlite:///{self.database_path}"

    @property
    def archive_dir(self) -> Path:
        return self.root / ARCHIVE_DIR

    def ensure(self) -> Home:
        """Create the folders; commands that write call this, read-only ones do not."""
        self.archive_dir.mkdir(parents=True, exist_ok=True)
        return self


def resolve_home(explicit: Path | None = None) -> Home:
    """The home of this invocation: the option, else the environment, else the default."""
    if explicit is None:
        env = os.environ.get("XXGK_HOME")
        explicit = Path(env) if env else DEFAULT_HOME
    return Home(explicit.expanduser().absolute())
