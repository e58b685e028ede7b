"""Characters to words and lines, the way pdfplumber groups them, without its overhead.

The fast PDF path reads characters through PDFium and must produce the same text as the
pdfplumber path did (the parsers and their tests were built on it): characters whose tops lie
within 3 points of each other form a line (chained, as pdfplumber clusters), read left to
right; a word ends at a blank character, at a gap of more than 3 points or where the text
steps back. Words on a line are joined by one space. pdfplumber builds a dict for every
character and every word and scans all characters for every table row; this module works on
tuples and is several times faster for the same result.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import groupby

from parsers.extract.page_layout import Line

# (text, x0, x1, top, bottom): one character in page coordinates (points, from the top-left)
Char = tuple[str, float, float, float, float]

TOLERANCE = 3.0  # points: pdfplumber's x and y tolerance
# pdfplumber spells out typographic ligatures in words.
LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}


def _cluster_ids(values: Iterable[float], tolerance: float = TOLERANCE) -> dict[float, int]:
    """Each value's cluster: sorted distinct values, a new cluster wherever the step from the
    previous value exceeds ``tolerance`` (pdfplumber's ``cluster_list``)."""
    ids: dict[float, int] = {}
    cluster, last = -1, None
    for value in sorted(set(values)):
        if last is None or value > last + tolerance:
            cluster += 1
        ids[value] = cluster
        last = value
    return ids


def _char_lines(chars: Sequence[Char]) -> list[list[Char]]:
    """Characters grouped into lines by their tops, each line sorted left to right."""
    ids = _cluster_ids(c[3] for c in chars)
    lines: list[list[Char]] = [[] for _ in range(max(ids.values(), default=-1) + 1)]
    for char in chars:
        lines[ids[char[3]]].append(char)
    for line in lines:
        line.sort(key=_x0)
    return lines


def _x0(char: Char) -> float:
    return char[1]


def _words(line: list[Char]) -> list[list[Char]]:
    words: list[list[Char]] = []
    word: list[Char] = []
    for char in line:
        if char[0].isspace():
            if word:
                words.append(word)
                word = []
            continue
        if word:
            prev = word[-1]
            x0 = char[1]
            if x0 < prev[1] or x0 > prev[2] + TOLERANCE or abs(char[3] - prev[3]) > TOLERANCE:
                words.append(word)
                word = []
        word.append(char)
    if word:
        words.append(word)
    return words


def _word_text(word: list[Char]) -> str:
    return "".join(LIGATURES.get(c[0], c[0]) for c in word)


def _all_words(chars: Sequence[Char]) -> list[list[Char]]:
    return [word for line in _char_lines(chars) for word in _words(line)]


def text_lines(chars: Sequence[Char]) -> list[Line]:
    """The page's lines, top to bottom. As pdfplumber's ``extract_text_lines``: words grouped
    again by their own tops, consecutive words of one group making a line."""
    words = _all_words(chars)
    tops = [min(c[3] for c in word) for word in words]
    ids = _cluster_ids(tops)
    lines = []
    for _cluster, group in groupby(zip(words, tops), key=lambda pair: ids[pair[1]]):
        line_words = [word for word, _top in group]
        line_chars = [c for word in line_words for c in word]
        lines.append(Line(" ".join(_word_text(w) for w in line_words),
                          min(c[1] for c in line_chars), min(c[3] for c in line_chars),
                          max(c[2] for c in line_chars), max(c[4] for c in line_chars)))
    return lines


def block_text(chars: Sequence[Char]) -> str:
    """The text of a few characters (a table cell): its lines joined by "\\n", as
    pdfplumber's ``extract_text``."""
    words = _all_words(chars)
    ids = _cluster_ids(min(c[3] for c in word) for word in words)
    lines: dict[int, list[str]] = {}
    for word in words:
        lines.setdefault(ids[min(c[3] for c in word)], []).append(_word_text(word))
    return "\n".join(" ".join(lines[key]) for key in sorted(lines))


def text_within(chars: Sequence[Char], box: tuple[float, float, float, float]) -> str:
    """The visible characters lying wholly inside ``box`` (x0, top, x1, bottom), in order."""
    x0, top, x1, bottom = box
    return "".join(c[0] for c in chars if not c[0].isspace() and c[1] >= x0 and c[2] <= x1
                   and c[3] >= top and c[4] <= bottom)
