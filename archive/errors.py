"""What can go wrong when an archivist asks the archive for something.

Each error names what was asked and what was found, so a command can print it as is; the
command line maps the classes to exit codes, so scripts can tell them apart.
"""

from __future__ import annotations

from .timespec import BadTime


class RetrievalError(Exception):
    """Base of the errors below; ``kind`` is their stable name in JSON output."""

    kind = "error"


class NoArchive(RetrievalError):
    """The home holds no archive index (nothing was ever archived there)."""

    kind = "no-archive"


class UnknownUrl(RetrievalError):
    """No capture of the URL (nor of its canonical SURT form) is in the index."""

    kind = "unknown-url"


class NoVersion(RetrievalError):
    """The URL was captured, but not at or before the time asked for."""

    kind = "no-version"


class Damaged(RetrievalError):
    """The bytes the index points at are missing, unreadable or not what it claims."""

    kind = "damaged"


class Undecodable(RetrievalError):
    """The body says it is encoded in a way we cannot undo (or it is not so encoded)."""

    kind = "undecodable"


class ImportRefused(RetrievalError):
    """A WARC file given to import is not one we can index byte-exactly."""

    kind = "import-refused"


__all__ = ["BadTime", "Damaged", "ImportRefused", "NoArchive", "NoVersion", "RetrievalError",
           "Undecodable", "UnknownUrl"]
