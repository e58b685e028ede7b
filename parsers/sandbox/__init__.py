"""One document's parse in a child process that may take so much memory and so much time.

The extractors guard what they can see (input size, zip directories, PDF streams, tool
deadlines: ``parsers.extract.limits``), but a hostile file can still make PDFium, pdfminer,
LibreOffice or a decoder allocate gigabytes or loop, in C code no Python check reaches.
So the limits are also enforced from outside the parsing code, by the operating system:

- the work runs in a child process (``child``) started in its own session, with
  ``RLIMIT_AS`` set to the memory limit (inherited by the tools it starts: soffice,
  tesseract), and a temporary folder of its own (``TMPDIR``: LibreOffice profiles, lock
  files) that is removed with it;
- the parent (``worker.Worker``) waits for the answer until the time limit, then kills
  the child's whole session, LibreOffice included (``reap``); when the parent itself is
  interrupted it does the same, and when it dies without a chance to (SIGKILL), the child
  sees its lifeline pipe close and kills its session itself: no orphan in any case;
- a limit hit is a value, :class:`LimitExceeded` (an ``ExtractionError``), which the index
  records as the document's failure before going on with a fresh child (``pool``).

Children are reused from document to document (starting one costs an interpreter and the
parsers' imports); one is replaced only after it was killed or ran out of memory.
"""

from __future__ import annotations

from parsers.sandbox.limits import DocumentLimits, LimitExceeded, WorkerCrashed
from parsers.sandbox.pool import Outcome, WorkerPool
from parsers.sandbox.worker import Worker

__all__ = ["DocumentLimits", "LimitExceeded", "Outcome", "Worker", "WorkerCrashed",
           "WorkerPool"]
