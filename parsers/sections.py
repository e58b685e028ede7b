"""The six sections of a report (一、总体情况 … 六、其他需要报告的事项) and their text.

A heading is recognised by its words, not its number: real reports number headings wrongly
(pre-2019 reports put 行政复议 under 二), leave numbers out (存在的主要问题及改进情况 alone on
its line), or number sub-headings like sections. A heading numbered as its own section wins;
an unnumbered or wrongly numbered one is taken only where it fits the order of the others.
Sub-headings (（一）, (1), 1.) are never sections.

A section's text is every line after its heading up to the next section, tables included
as ``Document.text`` writes them (one row per line, cells separated by tabs).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from parsers.contract import Section
from parsers.document import Document
from parsers.numerals import squeeze
from parsers.traditional import any_simplified

TITLES = {
    1: "总体情况",
    2: "主动公开政府信息情况",
    3: "收到和处理政府信息公开申请情况",
    4: "政府信息公开行政复议、行政诉讼情况",
    5: "存在的主要问题及改进情况",
    6: "其他需要报告的事项",
}
_NUMERALS = "一二三四五六"

# Words that name a section even without its number (the official wording, reworded).
_CANONICAL = {
    1: re.compile(r"总体(?:工作)?情况"),
    2: re.compile(r"(?:行政机关)?主动公开(?:政府)?信息(?:的)?情况"),
    3: re.compile(r"(?:行政机关)?收到和处理(?:政府信息)?(?:公开)?申请(?:的)?情况"),
    4: re.compile(r".{0,16}行政复议.{0,4}行政诉讼.{0,4}情况|.{0,16}行政复议.{0,12}情况"),
    5: re.compile(r"(?:政府信息公开工作)?存在的?(?:主要)?问题(?:及|和|与)?(?:改进|整改)"
                  r"(?:情况|措施|举措|计划|方向)?"),
    6: re.compile(r"(?:本行政机关)?其他需要报告的?事项"),
}
# Words that name a section only when the line is numbered like a section (一、…).
_NUMBERED_ONLY = {
    1: re.compile(r"概述|总体概述|基本情况|总体情况概述|基本情况概述"),
    2: re.compile(r"主动公开(?:政府信息)?(?:工作)?(?:情况)?"),
    3: re.compile(r"(?:依申请公开|收到和处理)(?:政府信息)?(?:公开)?(?:申请)?(?:工作)?(?:的)?(?:情况)?"),
    5: re.compile(r"(?:存在的?)?(?:主要)?问题(?:及|和|与)?(?:改进|整改)?(?:情况|措施|举措)?"),
    6: re.compile(r"其他(?:需要报告的?)?事项"),
}
# 一、 一. 一． 一 (space); 2、 as Arabic section numbers are used too.
_SECTION_NUMBER = re.compile(
    r"^(?:第([一二三四五六七八九十]{1,2})部分|([一二三四五六七八九十]{1,2})(?:\s*[、，,.．:：]|\s+)"
    r"|(\d{1,2})[、．]|(\d{1,2})\.(?!\d))\s*")
_SUB_NUMBER = re.compile(r"^(?:[（(]\s*(?:[一二三四五六七八九十]{1,3}|\d{1,2})\s*[)）]|\d{1,2}\.\d)")
_BRACKETS = re.compile(r"^[（(]\s*([一二三四五六])\s*[)）]")
_MAX_HEADING = 40
_MAX_LINE = 4 * _MAX_HEADING  # a longer line is prose even once its spaces are squeezed out


@dataclass(frozen=True)
class Heading:
    line: int  # index into Document.text lines
    number: int  # the section it names, 1-6
    numbered: bool  # numbered as that very section (一、总体情况)


def classify_heading(line: str, brackets: bool = False) -> tuple[int, bool] | None:
    """(section, numbered as that section) if the line is a section heading, else None.
    ``brackets``: the report numbers its sections （一）…（六） like sub-headings."""
    text = line.strip().strip("\t ")
    if not text or "\t" in text or len(text) > _MAX_LINE:
        return None
    text = any_simplified(text).strip("?？")  # ??一、總體情況? (a copy's lost characters)
    if brackets:
        text = _BRACKETS.sub(r"\1、", text, count=1)
    if _SUB_NUMBER.match(text):
        return None
    written: int | None = None
    match = _SECTION_NUMBER.match(text)
    if match:
        cn = match.group(1) or match.group(2)
        digits = match.group(3) or match.group(4)
        written = _NUMERALS.index(cn) + 1 if cn and cn in _NUMERALS else (
            int(digits) if digits else 0)
        text = text[match.end():]
    words = squeeze(text).rstrip("。:：.;；")
    if not words or len(words) > _MAX_HEADING or "。" in words:
        return None
    arabic = bool(match and (match.group(3) or match.group(4)))
    for number, pattern in _CANONICAL.items():
        if pattern.fullmatch(words):
            if arabic and written != number and number <= 3:
                return None  # 1.主动公开政府信息情况: a sub-heading of 总体情况 in digits
            return number, written == number
    if written is not None:
        for number, pattern in _NUMBERED_ONLY.items():
            if number == written and pattern.fullmatch(words):
                return number, True
    return None


def document_headings(doc: Document) -> list[Heading]:
    """``find_headings`` of the document's lines (found once while it is being read:
    recognition and sections both ask)."""
    return doc.view("headings", lambda: find_headings(doc.lines))


def find_headings(lines: Sequence[str]) -> list[Heading]:
    """The section headings of a report, at most one per section, in reading order."""
    candidates = _candidates(lines, brackets=False)
    if not any(h.numbered for h in candidates):
        candidates = _candidates(lines, brackets=True) or candidates
    chosen: dict[int, Heading] = {}
    for heading in candidates:  # first the headings numbered as their own section
        if heading.numbered and heading.number not in chosen and _fits(chosen, heading):
            chosen[heading.number] = heading
    for heading in candidates:  # then the others, where the order leaves room for them
        if heading.number not in chosen and _fits(chosen, heading):
            chosen[heading.number] = heading
    return sorted(chosen.values(), key=lambda h: h.line)


def _candidates(lines: Sequence[str], *, brackets: bool) -> list[Heading]:
    return [Heading(i, *found) for i, line in enumerate(lines)
            if (found := classify_heading(line, brackets)) is not None]


def _fits(chosen: dict[int, Heading], heading: Heading) -> bool:
    before = [h.line for n, h in chosen.items() if n < heading.number]
    after = [h.line for n, h in chosen.items() if n > heading.number]
    return (not before or max(before) < heading.line) and (not after or min(after) > heading.line)


def read_sections(doc: Document) -> list[Section]:
    """The sections the report has, in order; a missing section is simply absent."""
    lines = doc.lines
    headings = document_headings(doc)
    sections = []
    for k, heading in enumerate(headings):
        end = headings[k + 1].line if k + 1 < len(headings) else len(lines)
        body = "\n".join(line.rstrip() for line in lines[heading.line + 1:end])
        sections.append(Section(heading.number, TITLES[heading.number], body.strip("\n")))
    return sections
