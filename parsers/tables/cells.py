"""Cell texts: folding labels to a comparable form, and reading the number a cell means.

Reports write the same label and the same number in many ways (full-width digits and
brackets, spaces inside labels, traditional characters, ``-`` or ``/`` for nought, units in
the cell); both readings here are total functions: any text in, an answer out, no raise.

They are also pure, and every stage asks them about the same few hundred texts of a report
again and again (each row is split, fitted and read; labels are folded for every layout
tried): the answers are memoised.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import TypeVar

from parsers.traditional import any_simplified

_DROP = re.compile(r"[\s\"'“”‘’「」『』`]+")
# A filling instruction a province added after a label, kept by some reports:
# 规章(设区的市、自治州人民政府应提供相关数据), 上一年项目数量(指2019年事项数). Short brackets
# are part of labels ((单位:万元), (一)) and stay.
_INSTRUCTION = re.compile(r"(?<=..)\((?:指|含|包括|设区|行政机关|[^()]{12,})[^()]{3,}\)$")
# Full-width ASCII and the ideographic space, to what NFKC decomposes them: reports are full
# of them (，（）：１２), and mapping them first leaves most texts already normalised.
_WIDE = re.compile("[\uff01-\uff5e\u3000]+")
_WIDE_FORMS = {c: unicodedata.normalize("NFKD", chr(c)) for c in (*range(0xFF01, 0xFF5F), 0x3000)}

# Texts that mean "none" in a number cell. "一" is not among them: it is OCR's reading of
# an em dash, which the OCR extractor maps itself.
ZERO_MARKS = frozenset({"-", "--", "/", "//", "\\", "—", "——", "–", "−", "―", "─", "无", "0"})
_NUMBER = re.compile(
    r"^(?P<sign>[+\-−])?(?P<num>[0-9]{1,30}(?:,[0-9]{3})*(?:\.[0-9]{1,12})?)"
    r"(?P<unit>万元|元|万|件|条|个|项|次|宗)?"
    # a remark in brackets after the number, maybe cut by an excerpt: 13000000(预算数)
    r"(?:\([\u4e00-\u9fff]{2,20}\)?)?$")
_UNITS = {"万元": "万元", "万": "万元", "元": "元"}
_MEMO = 16384  # distinct texts remembered per function: a report has a few hundred
_MEMO_TEXT = 200  # longer texts (a paragraph read as a row) are not remembered
_T = TypeVar("_T")
BLANK, VALUE, LABEL = 0, 1, 2  # what a cell text is (``kind``)


def _memo(function: Callable[[str], _T]) -> Callable[[str], _T]:
    """``function`` memoised for short texts (cells, labels), so the memo stays small."""
    memo: dict[str, _T] = {}

    @wraps(function)
    def call(text: str) -> _T:
        try:
            return memo[text]
        except KeyError:
            pass
        value = function(text)
        if len(text) <= _MEMO_TEXT:
            if len(memo) >= _MEMO:
                memo.clear()
            memo[text] = value
        return value

    return call


@_memo
def norm(text: str) -> str:
    """A label folded for comparison: NFKC (（一）->(一), full-width digits), no whitespace
    or quotes, simplified characters."""
    return _INSTRUCTION.sub("", any_simplified(_DROP.sub("", nfkc(text))))


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, several times faster on report text.

    NFKC is NFC of the compatibility decomposition (NFKD), which is taken character by
    character: replacing characters by their NFKD first changes nothing, and when what is
    left is already normalised, that is the answer."""
    mapped = _WIDE.sub(_wide_to_narrow, text)
    return mapped if unicodedata.is_normalized("NFKC", mapped) else unicodedata.normalize(
        "NFKC", mapped)


def _wide_to_narrow(match: re.Match[str]) -> str:
    return match.group().translate(_WIDE_FORMS)


def _compact(text: str) -> str:
    """Without spaces, NFKC, simplified: a traditional report's 641.0229萬元 is 641.0229万元."""
    return any_simplified("".join(nfkc(text).split()))


@dataclass(frozen=True)
class Reading:
    """What a number cell means: value (None for a blank cell), the unit it states, and
    whether the text was readable as a number at all."""

    value: int | float | None
    unit: str | None = None
    readable: bool = True


@_memo
def read_value(raw: str) -> Reading:
    """The number a cell means: ``-`` ``/`` ``—`` -> 0, blank -> None, ``+19`` -> 19,
    ``103.3879万元`` -> 103.3879 with unit 万元, ``１２`` -> 12."""
    text = _compact(raw)
    if not text:
        return Reading(None)
    if text in ZERO_MARKS:
        return Reading(0)
    match = _NUMBER.match(text)
    if match is None:
        return Reading(None, readable=False)
    number = match["num"].replace(",", "")
    value: int | float = float(number) if "." in number else int(number)
    if match["sign"] in ("-", "−"):
        value = -value
    return Reading(value, _UNITS.get(match["unit"] or ""))


@_memo
def kind(raw: str) -> int:
    """BLANK (nothing but spaces), VALUE (a number or a nought mark) or LABEL (any other
    text): what a row's cells are sorted by."""
    text = _compact(raw)
    if not text:
        return BLANK
    return VALUE if text in ZERO_MARKS or _NUMBER.match(text) is not None else LABEL


def is_value_text(raw: str) -> bool:
    """True for a non-blank text that reads as a number (or a nought mark)."""
    return kind(raw) == VALUE


def is_blank(raw: str) -> bool:
    return kind(raw) == BLANK
