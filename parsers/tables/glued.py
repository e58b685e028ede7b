"""Lines in which a table's labels and numbers run together, with no separator at all.

Pages saved with their markup stripped print a whole table as one line:
``…现行有效件数规章 000行政规范性文件693665第二十条第（五）项信息内容本年处理决定数量行政许可2293``
(the Pingtan portal's page texts). Such a line is cut into label and value tokens here:

- a number is a value only where a table puts one: right after another value, or right
  after a label that names a row of the form (or after 总计, the last of table 四's
  headers, which its 15 numbers follow); a number inside prose (``政府信息2645条``,
  ``（2021-2035）``, ``0591-23165370``) touches a unit, a bracket or punctuation, or
  follows no row label;
- the item number of a sub-row (``1.属于国家秘密``) is a label's start, also when the
  previous row's digits run into it (``00000002.其他法律…``);
- the label text between values is cut where the form starts a new label (一、 （三） 1.)
  and around its column headers, so the last piece before a row's numbers is the row's
  own label; header pieces are marked, since a header (总计) is no row label.

Which digits of a run belong to which cell is decided later, per row (``runs``).
"""

from __future__ import annotations

import functools
import re

from parsers.tables.cells import LABEL, VALUE, norm
from parsers.tables.rows import Token
from parsers.tables.schema import LAYOUTS, row_specs

# Column headers and block labels of the two forms, as printed (full- or half-width).
_HEADERS = (
    r"第二十条第[(（][一二三四五六七八九十]+[)）]项|信息内容"
    r"|本年制发件数|本年废止件数|现行有效件数|本年处理决定数量"
    r"|本年收费金额(?:[(（]单位[:：]万元[)）])?"
    r"|本年新制作数量|本年新公开数量|对外公开总数量|上一年项目数量|本年增[/／\\]减|处理决定数量"
    r"|采购项目数量?|采购总金额"
    r"|申请人情况|自然人|法人或其他组织|商业企业|科研机构|社会公益组织|法律服务机构"
    r"|结果维持|结果纠正|其他结果|尚未审结|总计"
)
# Table 四's headers over its columns that are also its rows' names: labels of their own.
_REVIEW_GROUPS = r"未经复议直接起诉|复议后起诉|行政复议|行政诉讼"
# Where a new label starts: a heading (三、), a group (（三）), an item (2.), a header.
# (After a number that is no cell, ``34-526行政强制``, the label starts again too.)
_CUT = re.compile(rf"(?P<mark>[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]"
                  rf"|[0-9][.．、](?=[^0-9])|(?<=[0-9])(?=[\u4e00-\u9fff]))"
                  rf"|(?P<header>{_HEADERS})|(?P<word>{_REVIEW_GROUPS})")
_HEADER = re.compile(rf"^(?:{_HEADERS})+$")
# A number as the run-together text prints one, with the money units a cell may carry.
_NUMBER = re.compile(r"(?<![0-9.])\+?[0-9]+(?:\.[0-9]+)?(?:万元|元)?")  # +19: 本年增/减
_ITEM_AFTER = ".．、"  # 2.其他: the digit before is the next label's item number
# A number touching these is prose, not a cell: units and counters, brackets, dates,
# punctuation, phone numbers and ranges.
_PROSE_BEFORE = frozenset("第〔【[(（/-—~～.:：#№年月日")
# The pre-2019 statistics table: 指标名称 (…数), 计量单位, numbers (政府网站公开数条212): no
# cell of the form.
_OLD_UNITS = frozenset(f"数{unit}" for unit in "条件个项次份人")
_PROSE_AFTER = frozenset("年月日号条件个项次份人户家起宗例封篇张台处所名位场轮本册万亿余多批期届大类种块栏"
                         "%％‰)）〕】]-—~～/:：.,，。；;、")
_LAST_HEADER = "总计"
LOOK_BACK = 80  # characters before a number searched for the label that owns it


def glued_tokens(line: str) -> list[Token] | None:
    """The line as label and value tokens, or None when no number of it touches a label
    the way a run-together table's numbers do (prose, or a line whose cells are spaced)."""
    values = _values(line)
    if not any(glued for _, _, glued in values):
        return None
    tokens: list[Token] = []
    at = 0
    for start, end, glued in values:
        tokens.extend(_labels(line[at:start]))
        tokens.append(Token(line[start:end], VALUE, glued=glued))
        at = end
    tokens.extend(_labels(line[at:]))
    return tokens


def _values(line: str) -> list[tuple[int, int, bool]]:
    """(start, end, touches a label) of each number of the line that is a cell's value."""
    found: list[tuple[int, int, bool]] = []
    label_from = 0  # where the text since the last value starts
    for match in _NUMBER.finditer(line):
        start, end = match.span()
        if _numbers_next_label(line, end):
            end -= 1  # the last digit numbers the next label (2.其他…)
            if end == start:
                continue
        if _prose(line, start, end):
            continue
        after_value = bool(found) and not line[found[-1][1]:start].strip()
        if not after_value and not _after_row_label(line[max(label_from, start - LOOK_BACK):start]):
            continue
        touches = _touches(line, start, end)
        found.append((start, end, touches))
        label_from = end
    return found


def _numbers_next_label(line: str, end: int) -> bool:
    """Is the digit before ``end`` an item number (``2.其他``), not a number's end?"""
    after = line[end:end + 1]
    return bool(after) and after in _ITEM_AFTER and not line[end + 1:end + 2].isdigit()


def _prose(line: str, start: int, end: int) -> bool:
    before = line[start - 1:start]
    after = line[end:end + 1]
    return before in _PROSE_BEFORE or (before.isascii() and before.isalpha()) \
        or after in _PROSE_AFTER or line[start - 2:start] in _OLD_UNITS


def _touches(line: str, start: int, end: int) -> bool:
    """Does the number touch label text on either side (no space between)?"""
    return any(ch and not ch.isspace() and not ch.isdigit()
               for ch in (line[start - 1:start], line[end:end + 1]))


def _after_row_label(text: str) -> bool:
    """Does ``text`` end with the label of a row of the form, or with table 四's last
    header (its 15 numbers follow the headers)?"""
    pieces = _pieces(text)
    return bool(pieces) and (pieces[-1][0] == _LAST_HEADER or (
        not pieces[-1][1] and _names_row(pieces[-1][0])))


def _labels(text: str) -> list[Token]:
    return [Token(piece, LABEL, header=header) for piece, header in _pieces(text)]


def _pieces(text: str) -> list[tuple[str, bool]]:
    """``text`` cut where a new label starts: (piece, is a column header) in order."""
    pieces: list[tuple[str, bool]] = []
    at = 0
    for match in _CUT.finditer(text):
        start, end = match.span()
        if (match["header"] or match["word"]) and _is_mark_only(text[at:start]):
            continue  # （七）总计: a row label that happens to be a header word
        _add(pieces, text[at:start], False)
        if match["mark"]:
            at = start
        else:
            _add(pieces, text[start:end], bool(match["header"]))
            at = end
    _add(pieces, text[at:], False)
    return pieces


def _add(pieces: list[tuple[str, bool]], text: str, header: bool) -> None:
    text = text.strip()
    if text:
        pieces.append((text, header))


def _is_mark_only(text: str) -> bool:
    text = text.strip()
    match = _CUT.match(text)
    return match is not None and bool(match["mark"]) and match.end() == len(text)


@functools.lru_cache(maxsize=4096)  # asked of every row's label
def is_header(label: str) -> bool:
    """A label made of column headers only (table 四's 结果维持…总计 run, say): over the
    numbers, never the name of their row."""
    return _HEADER.match(norm(label)) is not None  # folded: 總計 heads a column too


@functools.lru_cache(maxsize=4096)
def _names_row(label: str) -> bool:
    folded = norm(label)
    return any(spec.pattern.search(folded) for layout in LAYOUTS for spec in row_specs(layout))
