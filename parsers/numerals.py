"""Numbers as reports write them in prose: digits, full-width digits and Chinese numerals.

Reports say 收到申请4件 as often as 收到申请两件 or 二〇二三年一月十六日, so every step that
reads numbers from words (facts, years, signature dates) shares this one reading.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from parsers.traditional import simplified

if TYPE_CHECKING:
    from parsers.document import Document

_DIGITS = {"零": 0, "〇": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
           "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUMERAL = "零〇○一二两三四五六七八九十百千万"
# A year as written: 2022, 二〇二二 (a group).
YEAR = rf"(\d{{4}}|[{CN_NUMERAL}]{{4}})"
# A number as prose writes it: 93, 1,136, 7730.28, 九十三, 两.
NUMBER = rf"\d+(?:,\d{{3}})*(?:\.\d+)?|[{CN_NUMERAL}]+"
_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
_FULLWIDTH_DIGIT = re.compile("[０-９]")
_SPACE = re.compile(r"[\s\u3000\xa0\u2002\u2003\u200b]+")
_SPACE_IN_LINE = re.compile(r"(?:[^\S\n]|\u200b)+")  # _SPACE but for line breaks


def ascii_digits(text: str) -> str:
    # translate() looks up every character; the search finds the rare text that needs it.
    return text.translate(_FULLWIDTH) if _FULLWIDTH_DIGIT.search(text) else text


def squeeze(text: str) -> str:
    """Text without any whitespace: PDF and Word text puts spaces around numbers (2023 年)
    and inside words (规 章); Chinese prose never needs them."""
    return _SPACE.sub("", text)


def squeeze_lines(text: str) -> list[str]:
    """``[squeeze(line) for line in text.split("\n")]``, in one pass over the text."""
    return _SPACE_IN_LINE.sub("", text).split("\n")


def squeezed_text(doc: Document) -> str:
    """The whole text of ``doc`` squeezed: metadata, recognition and facts all search it
    (made once while the document is being read)."""
    return doc.view("squeezed", lambda: squeeze(doc.text))


def folded_text(doc: Document) -> str:
    """``squeezed_text`` in simplified characters: what metadata, the report year and
    recognition search (folded once while the document is being read)."""
    return doc.view("folded", lambda: simplified(squeezed_text(doc)))


def cn_to_int(text: str) -> int | None:
    """九十三 -> 93, 二〇二三 -> 2023 (digit by digit), 两 -> 2, 一万二千 -> 12000."""
    if not text or any(ch not in _DIGITS and ch not in _UNITS and ch != "万" for ch in text):
        return None
    if not any(ch in _UNITS or ch == "万" for ch in text):
        # Positional: years and dates are written digit by digit (二〇二三).
        return int("".join(str(_DIGITS[ch]) for ch in text))
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            section += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
        else:  # 万
            total = (total + section + (digit or 0)) * 10000
            section, digit = 0, None
    return total + section + (digit or 0)


def to_number(text: str) -> int | float | None:
    """A number written with digits or Chinese numerals; None if it is neither."""
    text = ascii_digits(squeeze(text)).replace(",", "")
    if re.fullmatch(r"\d+", text):
        return int(text)
    if re.fullmatch(r"\d+\.\d+", text):
        return float(text)
    return cn_to_int(text)
