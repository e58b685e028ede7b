"""Digests every part compares against."""

from __future__ import annotations

import hashlib

# The payload digest of an empty body (a 304's revisit, an empty download).
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
