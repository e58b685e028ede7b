"""What a report's title looks like, and what the titles of look-alikes say instead.

Recognition and metadata both need it: recognition to tell a report from a notice about
reports, metadata to find where a title split over several lines ends. (``crawler.reports``
holds a coarser copy of the same patterns for link titles: see the note in recognize.py.)
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .numerals import squeeze

# 政府信息公开工作年度报告 and the variants seen on real portals: 政府信息公开年度报告,
# 关于2022年政府信息公开工作的年度报告, 政务公开工作年度报告, 信息公开工作年报.
REPORT_TITLE = re.compile(
    r"(?:政府|政务)信息公开(?:工作)?(?:的)?年度(?:工作)?报告"
    r"|政务公开(?:工作)?(?:的)?年度报告"
    r"|信息公开(?:工作)?年报"
    r"|政府信息公开工作(?:的)?报告")

# Titles that name the report but are about it: notices to compile or submit it, training,
# interpretations, templates, plans, guides, compilations; and other kinds of 报告.
DECOY_TITLE = re.compile(
    r"通知|通告|公告|培训|要点|解读|图解|读懂|指南|模板|样本|样表|范本|范例|会议|召开|报送|编制|征集|说明会|部署"
    r"|印发|转发|汇编|考核|评估|测评|检查|督查|法治政府|工作总结|工作计划|实施方案|述职")

# A blank template: XX镇, XXXX年, ××单位, 20XX年.
PLACEHOLDER = re.compile(r"(?:[XxＸｘ×*＊]{2,}|某某)(?=[\u4e00-\u9fff年（(])|20[Xx×]{2}年")

_MAX_TITLE = 80


def clean_title(text: str) -> str:
    """A title as one line: split lines joined, spaces dropped (2023 年 -> 2023年)."""
    return squeeze(text).strip("　 ")


def title_from_lines(lines: Sequence[str]) -> str | None:
    """The report's own title from the first lines of its text.

    Titles are often split over two or three lines (unit / year and 政府信息公开 / 工作年度报告),
    so lines are joined until the join reads as a report title; a first line that is clearly
    a sentence (it has 。 or is long) is no title.
    """
    head: list[str] = []
    for line in lines:
        text = clean_title(line)
        if not text or text.startswith("[image:"):
            continue
        if "。" in text or len(text) > _MAX_TITLE or re.match(r"^[一二三四五六]、", text):
            break
        head.append(text)
        joined = "".join(head)
        if REPORT_TITLE.search(joined) and re.search(r"(?:报告|年报)(?:[（(].{0,12}[)）])?$", joined):
            return joined
        if len(head) == 3 or len(joined) > _MAX_TITLE:
            break
    return head[0] if head else None


def is_report_title(title: str | None) -> bool:
    text = clean_title(title or "")
    return bool(REPORT_TITLE.search(text)) and not DECOY_TITLE.search(text)


def decoy_word(title: str | None) -> str | None:
    """The word that makes a title a notice/plan/interpretation rather than a report."""
    match = DECOY_TITLE.search(clean_title(title or ""))
    return match.group(0) if match else None


def has_placeholder(text: str | None) -> bool:
    return bool(text and PLACEHOLDER.search(squeeze(text)))
