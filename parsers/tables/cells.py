"""Cell texts: folding labels to a comparable form, and reading the number a cell means.

Reports write the same label and the same number in many ways (full-width digits and
brackets, spaces inside labels, traditional characters, ``-`` or ``/`` for nought, units in
the cell); both readings here are total functions: any text in, an answer out, no raise.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Traditional forms seen in mirrored or converted reports (“三安全一穩定”), and the few
# others that occur in the table labels.
_TRADITIONAL = str.maketrans({
    "穩": "稳", "處": "处", "開": "开", "獲": "获", "請": "请", "數": "数", "總": "总",
    "計": "计", "結": "结", "轉": "转", "執": "执", "務": "务", "資": "资", "訊": "讯",
    "決": "决", "與": "与", "體": "体", "機": "机", "關": "关", "規": "规", "範": "范",
    "費": "费", "購": "购", "訴": "诉", "訟": "讼", "維": "维", "糾": "纠", "審": "审",
    "複": "复", "議": "议", "險": "险", "護": "护", "權": "权",
    "報": "报", "舉": "举", "訪": "访", "復": "复", "製": "制", "廢": "废", "現": "现",
    "項": "项", "對": "对", "許": "许", "罰": "罚", "強": "强", "類": "类", "應": "应",
    "內": "内", "過": "过", "檔": "档", "錄": "录", "補": "补", "確": "确", "認": "认",
    "屬": "属", "於": "于", "國": "国", "祕": "秘", "證": "证", "條": "条", "門": "门",
})
_DROP = re.compile(r"[\s\"'“”‘’「」『』`]+")

# Texts that mean "none" in a number cell. "一" is not among them: it is OCR's reading of
# an em dash, which the OCR extractor maps itself.
ZERO_MARKS = frozenset({"-", "--", "/", "//", "\\", "—", "——", "–", "−", "―", "─", "无", "0"})
_NUMBER = re.compile(
    r"^(?P<sign>[+\-−])?(?P<num>[0-9]{1,15}(?:,[0-9]{3})*(?:\.[0-9]{1,12})?)"
    r"(?P<unit>万元|元|万|件|条|个|项|次|宗)?$")
_UNITS = {"万元": "万元", "万": "万元", "元": "元"}


def norm(text: str) -> str:
    """A label folded for comparison: NFKC (（一）->(一), full-width digits), no whitespace
    or quotes, simplified characters."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text)).translate(_TRADITIONAL)


def _compact(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


@dataclass(frozen=True)
class Reading:
    """What a number cell means: value (None for a blank cell), the unit it states, and
    whether the text was readable as a number at all."""

    value: int | float | None
    unit: str | None = None
    readable: bool = True


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


def is_value_text(raw: str) -> bool:
    """True for a non-blank text that reads as a number (or a nought mark)."""
    text = _compact(raw)
    return bool(text) and (text in ZERO_MARKS or _NUMBER.match(text) is not None)


def is_blank(raw: str) -> bool:
    return not _compact(raw)
