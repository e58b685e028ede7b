"""Numbers a report states in its prose: 主动公开政府信息93条, 收到政府信息公开申请4件, 予以公开2件,
行政复议0件, and the zeros it states in words (未收到政府信息公开申请, 未发生…行政复议和行政诉讼).

Township reports often have no tables, or tables drawn as images: the prose is then all
there is. Where a number has a canonical table cell (docs/report-format.md), it is also returned
as a :class:`CellValue` with ``source="prose"``, so downstream queries find
``applications/new_received/total`` in one place whatever form the report took.

Fact names are the simulator's (tests/portalsim/prose.py), so truth compares directly:
active_disclosure_items, applications_received, applications_granted,
applications_partially_granted, administrative_reviews; added here:
administrative_litigations and processing_fees_yuan.

Only prose is read (tables are ``parsers.tables``' job); a number is skipped when its
sentence is about an earlier year (相较去年…, 2021年…), when it sits in brackets (asides
like （2021年我镇未收到申请）), and when it is approximate (500余条).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .contract import CellValue, Fact
from .document import Document
from .metadata import report_year
from .numerals import NUMBER, ascii_digits, squeeze_lines, to_number
from .quantities import whole
from .tables.schema import APPLICANT_COLUMNS, GB2021, REVIEW_ROWS, application_rows

_N = rf"(?P<n>{NUMBER})"
_TOTAL = r"(?:共计|合计|总计|累计|共)?"


@dataclass(frozen=True)
class _Rule:
    name: str
    pattern: re.Pattern[str]  # group n: the number; no group n: a zero stated in words


def _rule(name: str, pattern: str) -> _Rule:
    return _Rule(name, re.compile(pattern))


_RULES = (
    _rule("active_disclosure_items",
          rf"主动(?:公开|发布)(?:各类|各项)?(?:政府|政务)?信息{_TOTAL}{_N}条"),
    _rule("active_disclosure_items", rf"公开政府信息{_TOTAL}{_N}条"),
    _rule("applications_received",
          rf"(?:收到|受理|接收|接到|新收)(?:各类)?(?:政府信息公开|依申请公开|信息公开)?(?:政府信息)?"
          rf"(?:的)?申请{_TOTAL}{_N}(?:件|个|份|宗|起)"),
    _rule("applications_received",
          rf"(?:收到|受理)依申请(?:信息)?公开(?:政府信息)?(?:申请)?{_TOTAL}{_N}(?:件|个)"),
    _rule("applications_received",
          r"(?:未|没有)(?:收到|受理|接到)(?:过)?(?:任何)?(?:政府信息公开|依申请公开|信息公开)"
          r"(?:政府信息)?(?:的)?(?:申请|事项)?"),
    _rule("applications_granted", rf"(?:予以公开|同意公开|全部公开)(?:的)?{_TOTAL}{_N}(?:件|个)"),
    _rule("applications_partially_granted", rf"部分公开(?:的)?{_TOTAL}{_N}(?:件|个)"),
    _rule("administrative_reviews",
          rf"行政复议(?:案件|申请)?(?:数量)?{_TOTAL}(?:为)?{_N}(?:件|起|宗|个)"),
    _rule("administrative_reviews",
          r"行政复议(?:和|、|及|与)(?:提起)?行政诉讼(?:案件)?(?:数量)?(?:均为|均|各|都为|都是)(?:0|零)"),
    _rule("administrative_reviews",
          r"(?:未发生|未出现|没有发生|未被申请|未收到|没有|无)[^，,。；\n]{0,20}?行政复议"),
    _rule("administrative_litigations",
          rf"行政诉讼(?:案件)?(?:数量)?(?:均为|均|各|都为|都是)?{_TOTAL}(?:为)?{_N}(?:件|起|宗|个)"),
    _rule("administrative_litigations",
          r"(?:未发生|未出现|没有发生|未被(?:提起)?|没有|无)[^，,。；\n]{0,24}?行政诉讼"),
    _rule("processing_fees_yuan",
          rf"收取(?:政府信息公开)?(?:信息处理费|费用){_TOTAL}{_N}元"),
    _rule("processing_fees_yuan",
          r"(?:未|没有|无)(?:发生)?(?:向申请人)?收(?:取|费)(?:[^，,。；\n]{0,16}?(?:信息处理费)|情况)"),
)

# Any rule at all: most sentences state no fact, and one search tells so (a rule that
# matches somewhere makes this match somewhere).
# The facts that are money (decimals allowed); every other fact is a count, an integer.
AMOUNT_FACTS = frozenset({"processing_fees_yuan"})

_ANY_RULE = re.compile("|".join(f"(?:{rule.pattern.pattern})" for rule in _RULES)
                       .replace("(?P<n>", "(?:"))

# The canonical cell of the facts that have one (docs/report-format.md): its total column.
_CELLS = {
    "applications_received": ("applications", "new_received"),
    "applications_granted": ("applications", "granted"),
    "applications_partially_granted": ("applications", "partially_granted"),
    "administrative_reviews": ("review_litigation", "review"),
}
_ROW_LABELS = {**dict(application_rows(GB2021)), **dict(REVIEW_ROWS)}
_TOTAL_LABEL = dict(APPLICANT_COLUMNS)["total"]

_ASIDE = re.compile(r"（[^（）\n]{0,80}）|\([^()\n]{0,80}\)")
_SENTENCE_END = "。；;！？!?："
_NUMBERED_LINE = re.compile(r"^(?:[一二三四五六七八九十]{1,2}、|[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[.、．])")
_EARLIER = re.compile(r"去年|上年|上一年|前年|同比")
_YEAR = re.compile(r"(\d{4})年")
_WRAPPED_LINE = 20  # a PDF line this long that ends mid-sentence continues on the next line


def read_facts(doc: Document) -> tuple[list[Fact], list[CellValue]]:
    """The facts the prose states (first statement of each wins), and their cells."""
    year = report_year(doc)
    found: dict[str, tuple[int, Fact, str]] = {}
    for sentence_start, sentence in _sentences(_prose(doc)):
        if _ANY_RULE.search(sentence) is None:
            continue
        for rule in _RULES:
            for match in rule.pattern.finditer(sentence):
                if rule.name in found and found[rule.name][0] <= sentence_start + match.start():
                    break
                if _about_other_year(sentence, match.start(), year):
                    continue
                number = match.groupdict().get("n")
                value = to_number(number) if number is not None else 0
                if value is None:
                    continue
                if rule.name not in AMOUNT_FACTS:
                    value = whole(value)
                fact = Fact(rule.name, value, match.group(0))
                found[rule.name] = (sentence_start + match.start(), fact, number or match.group(0))
                break
    facts, cells = [], []
    for _, fact, raw in sorted(found.values(), key=lambda item: item[0]):
        facts.append(fact)
        if fact.name in _CELLS:
            table, row = _CELLS[fact.name]
            label = f"{_ROW_LABELS[row]} / {_TOTAL_LABEL}"
            cells.append(CellValue(table, row, "total", fact.value, raw, label, source="prose"))
    return facts, cells


def _prose(doc: Document) -> str:
    """The paragraphs as one text, asides in brackets removed, whitespace dropped, and lines a
    PDF wrapped mid-sentence joined again (a boundary stays after a sentence or a heading)."""
    lines = squeeze_lines(ascii_digits("\n".join(block.text for block in doc.blocks
                                                 if block.kind == "para")))
    out: list[str] = []
    for line in filter(None, lines):
        if out and (out[-1][-1] in _SENTENCE_END or len(out[-1]) < _WRAPPED_LINE
                    or _NUMBERED_LINE.match(line)):
            out.append("\n")
        out.append(line)
    return _ASIDE.sub("", "".join(out))


def _sentences(text: str) -> list[tuple[int, str]]:
    spans, start = [], 0
    for match in re.finditer(r"[。；;！？!?\n]", text):
        spans.append((start, text[start:match.end()]))
        start = match.end()
    spans.append((start, text[start:]))
    return [(s, t) for s, t in spans if t.strip()]


def _about_other_year(sentence: str, at: int, year: int | None) -> bool:
    """A number about an earlier year: its clause says 去年/上年, or the last year named before
    it in the sentence is earlier than the report year."""
    clause_start = max(sentence.rfind(c, 0, at) for c in "，,")
    if _EARLIER.search(sentence[clause_start + 1:at]):
        return True
    years = _YEAR.findall(sentence[:at])
    return bool(year and years and int(years[-1]) < year)
