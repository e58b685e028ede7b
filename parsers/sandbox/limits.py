"""The per-document limits (settings with their defaults) and the failures they produce.

Two environment variables, read once per pool or worker (docs/operations.md):

- ``XXGK_PARSE_MEMORY_MB`` (default 1024): address space of the parser process, and of
  each tool it starts. Real reports need under 150 MB (a scanned report read by OCR: 120
  MB, LibreOffice converting an RTF: under 1 GB); the bombs of issue 14 took 3-10 GB.
- ``XXGK_PARSE_SECONDS`` (default 600): wall time for one document. Above the inner
  budgets it backs up (OCR 300 s, one LibreOffice conversion 120 s), so a slow but honest
  scan still ends with a partial reading and a warning, not as a failure.

0 switches a limit off.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from archive.errors import BadSetting
from parsers.document import ExtractionError

MB = 1024 * 1024
MEMORY_ENV = "XXGK_PARSE_MEMORY_MB"
SECONDS_ENV = "XXGK_PARSE_SECONDS"
DEFAULT_MEMORY = 1024 * MB
DEFAULT_SECONDS = 600.0


def _number(environ: Mapping[str, str], name: str, default: float) -> float:
    text = environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if value < 0:
        raise BadSetting(f"{name}={text!r}: give a number (0: no limit)")
    return value


def size_text(n: int) -> str:
    """1073741824 -> '1 GB', 314572800 -> '300 MB': limits as people set them."""
    return f"{n / (1024 * MB):g} GB" if n >= 1024 * MB else f"{n / MB:g} MB"


@dataclass(frozen=True)
class DocumentLimits:
    """Memory (bytes of address space, 0: none) and wall time (seconds, 0: none) of one
    document's extraction and parse."""

    memory: int = DEFAULT_MEMORY
    seconds: float = DEFAULT_SECONDS

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> DocumentLimits:
        env = os.environ if environ is None else environ
        return cls(memory=int(_number(env, MEMORY_ENV, DEFAULT_MEMORY / MB) * MB),
                   seconds=_number(env, SECONDS_ENV, DEFAULT_SECONDS))

    def memory_exceeded(self, detail: str = "") -> LimitExceeded:
        return LimitExceeded(f"memory limit {size_text(self.memory)} exceeded"
                             + (f" ({detail})" if detail else ""), "too_large")

    def time_exceeded(self) -> LimitExceeded:
        return LimitExceeded(f"time limit {self.seconds:g} s exceeded", "timeout")


class LimitExceeded(ExtractionError):
    """The document took more memory or time than the limits allow; its process was
    killed (or gave up) and the run goes on."""


class WorkerCrashed(ExtractionError):
    """The parser process died without an answer (a crash in a C library, a signal)."""
