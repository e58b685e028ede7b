"""Plain text (the seeds, ``.txt`` attachments, text/plain answers): one para block a line.

Tables in such text are already flattened (``| a | b |`` rows, one cell per line, numbers
separated by spaces); rebuilding them is the table parser's job, so lines stay as written.
Decoding goes UTF-8 first, then GB18030, and only then to detection, because
charset-normalizer reads short GBK text as Korean (see archive.read.decoding); a payload that
decodes to control characters is binary junk, not text.
"""

from __future__ import annotations

import re

from archive.read.decoding import declared_charset, to_text
from parsers.document import Block, Document, ExtractionError

_CONTROL_OK = {"\t", "\n", "\r", "\f", "\x0b"}


def decode_text(data: bytes, headers: list[tuple[str, str]]) -> tuple[str, str]:
    """(text, codec): a charset the server declared wins; else UTF-8, GB18030, detection."""
    declared = declared_charset(headers, data, html=False)
    if declared is None and not data.startswith(b"\xef\xbb\xbf"):
        for codec in ("utf-8", "gb18030"):
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError:
                continue
    return to_text(data, declared)


def _odd(ch: str) -> bool:
    # Control and undecodable characters, and what bytes read as UTF-16 turn into: private
    # use characters and Hangul syllables, which no Chinese government report contains.
    return ((ch < " " and ch not in _CONTROL_OK) or ch == "\ufffd" or "\x7f" <= ch <= "\x9f"
            or "\ue000" <= ch <= "\uf8ff" or "\uac00" <= ch <= "\ud7af")


# The characters ``_odd`` accepts, as one class: counted by the regex engine, not a Python
# call per character (that loop was 40 % of the time to extract an HTML page).
_ODD = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ue000-\uf8ff\uac00-\ud7af\ufffd]")


ODD_SAMPLE = 20_000  # characters classified one by one; junk shows from the start
ODD_SHARE = 0.02
NUL_SAMPLE = 200_000  # a stray NUL deep in a long text does not make it binary


def binary_reason(text: str) -> str | None:
    """Why decoded text is really binary data (None if it reads as text): NULs, control
    characters or replacement characters that no document contains in numbers.

    The full character classes are counted on the first ``ODD_SAMPLE`` characters (the
    regex engine takes ~5 ns a character, a tenth of the time to read a page); NULs and
    replacement characters, which str's own C loops find, over more."""
    if not text:
        return None
    if "\x00" in text[:NUL_SAMPLE]:
        return "it contains NUL bytes"
    sample = text[:ODD_SAMPLE]
    odd = len(_ODD.findall(sample))
    if odd / len(sample) > ODD_SHARE:
        return f"{odd / len(sample):.0%} of its characters are control or undecodable bytes"
    replaced = text.count("\ufffd")
    if replaced / len(text) > ODD_SHARE:
        return f"{replaced / len(text):.0%} of its characters are undecodable bytes"
    return None


def stripped_lines(text: str) -> str:
    """``text``'s lines stripped at the ends, the blank ones dropped: a paragraph or a
    table cell as every extractor hands it on."""
    text = text.strip()
    if "\n" not in text:  # one line holds all there is
        return text
    return "\n".join(line for line in (ln.strip() for ln in text.split("\n")) if line)


def extract_text(data: bytes, *, headers: list[tuple[str, str]] | None = None) -> Document:
    text, codec = decode_text(data, headers or [])
    reason = binary_reason(text)
    if reason:
        raise ExtractionError(f"binary data of unknown type, not text: {reason} "
                              f"(starts with {data[:16]!r})", "unsupported")
    # Lines as written, blank ones included: flattened tables (one cell per tab-led line, a
    # blank line between rows, as in the seeds) are read from exactly that layout.
    blocks = [Block("para", text=line) for line in text.splitlines()]
    if not any(line.strip() for line in text.splitlines()):
        raise ExtractionError("empty file: the text has no visible characters", "empty")
    warnings = [] if codec in ("utf-8", "gb18030", "ascii") or declared_charset(
        headers or [], data, html=False) else [f"charset guessed by detection: {codec}"]
    return Document(format="text", blocks=blocks, warnings=warnings)
