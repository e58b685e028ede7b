"""Where xxgk keeps its data: one home folder holding the database and the archive.

Every command resolves its home the same way (its ``--home``, then the ``--home`` given
before it, then ``$XXGK_HOME``, then ``./xxgk-data``) so that an operator can point any
command at any data set, and a test can give each run its own.
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

HOME_KEY = "xxgk.home"  # in the command line's context: the nearest --home given


def nearest_home(ctx: typer.Context, value: Path | None) -> Path | None:
    """``--home`` may be given before the command (``xxgk --home X reports``), after it
    (``xxgk reports --home X``) or both; the one nearest the command wins. Each level's
    option records its value in the context (shared by a command and its parents) and a
    command without its own gets the nearest one above it; $XXGK_HOME comes after both
    (``resolve_home``)."""
    if value is not None:
        ctx.meta[HOME_KEY] = value
        return value
    return ctx.meta.get(HOME_KEY)


HOME_HELP = ("Data folder (SQLite database + archive); also accepted before the command "
             "(xxgk --home DIR COMMAND). Default: $XXGK_HOME, else ./xxgk-data.")
HomeOption = Annotated[
    Path | None,
    typer.Option("--home", help=HOME_HELP, show_default=False, callback=nearest_home),
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
