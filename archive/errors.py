"""What can go wrong when an archivist asks the archive for something.

Each error names what was asked and what was found, so a command can print it as is; the
command line maps the classes to exit codes, so scripts can tell them apart.
"""

from __future__ import annotations

from archive.timespec import BadTime


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


class DecodedTooLarge(Undecodable):
    """The body decodes to more than the limit (``XXGK_MAX_DECODED_MB``): a bomb, or too
    large to decode in memory. The archived bytes themselves are fine."""

    kind = "too-large"


class BadSetting(ValueError):
    """An ``XXGK_*`` setting holds a value that is not usable (the message says which)."""

    kind = "config"


class ImportRefused(RetrievalError):
    """A WARC file given to import is not one we can index byte-exactly."""

    kind = "import-refused"


__all__ = ["BadSetting", "BadTime", "Damaged", "DecodedTooLarge", "ImportRefused", "NoArchive", "NoVersion",
           "RetrievalError", "Undecodable", "UnknownUrl"]
