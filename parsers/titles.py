"""What a report's title looks like, and what the titles of look-alikes say instead.

Recognition and metadata both need it: recognition to tell a report from a notice about
reports, metadata to find where a title split over several lines ends. (``crawler.reports``
holds a coarser copy of the same patterns for link titles: see the note in recognize.py.)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from parsers.numerals import squeeze
from parsers.traditional import simplified

if TYPE_CHECKING:
    from parsers.document import Document

# 政府信息公开工作年度报告 and the variants seen on real portals: 政府信息公开年度报告,
# 关于2022年政府信息公开工作的年度报告, 政务公开工作年度报告, 信息公开工作年报, and a
# bureau's plain 信息公开年度报告 (平潭综合实验区地方税务局2013年信息公开年度报告).
REPORT_TITLE = re.compile(
    r"(?:政府|政务)信息公开(?:工作)?(?:开展)?(?:的)?年度(?:工作)?报告"
    r"|政务公开(?:工作)?(?:的)?年度报告"
    r"|信息公开(?:工作)?(?:年报|年度报告)"
    r"|政府信息公开工作(?:的)?报告")

# Titles that name the report but are about it: notices to compile or submit it, training,
# interpretations, templates, plans, guides, compilations; and other kinds of 报告.
DECOY_TITLE = re.compile(
    r"通知|通告|公告|培训|要点|解读|图解|读懂|指南|模板|样本|样表|范本|范例|会议|召开|报送|编制|征集|说明会|部署"
    r"|印发|转发|汇编|考核|评估|测评|检查|督查|法治政府|工作总结|工作计划|实施方案|述职")

# A blank template: XX镇, XXXX年, ××单位, 20XX年.
PLACEHOLDER = re.compile(r"(?:[XxＸｘ×*＊]{2,}|某某)(?=[\u4e00-\u9fff年（(])|20[Xx×]{2}年")

# Page chrome that stored pages keep above the title: breadcrumbs (当前位置：首页 > 政务公开 >
# 政府信息公开年报, which may end in words of a title), accessibility and font switches (无障碍,
# 长者模式, 繁体, 字号), share and print buttons, the article's date and source line. Such a line
# is never part of the title, nor the name of the publishing body.
_CHROME = re.compile(r"位置|首页|>|＞|»|›|无障碍|长者模式|简体|繁体|字体|字号|打印|分享|收藏|关闭|返回"
                     r"|浏览|点击|索引号|发布(?:日期|时间|机构)|来源[:：]|日期[:：]|时间[:：]"
                     r"|^\s*[-*•·]\s*[\u4e00-\u9fff]{2,6}\s*$")  # a menu's items: - 政策解读
# What stands before a title without being part of it: the key of the xxgk metadata lines
# (标题: …, | 标 题 | … |) and a PDF viewer's folio (Page 8 - …).
_KEY_PREFIX = re.compile(r"^(?:(?:标题|標題)[:：|]?|(?:名称|名稱|文件名称|文件名稱|title)[:：|]|Page\d+[-–—])",
                         re.IGNORECASE)
# A title that has not named the body yet (2022年政府信息公开… / 工作年度报告): the line above
# holds the body's name (大张楼镇 / 2022年政府信息公开 / 工作年度报告).
# (2024年托克逊县夏镇人民政府信息公开…: a year followed by a name is not nameless.)
_NAMELESS = re.compile(r"^(?:关于)?(?:(?:\d{4}|[零〇○一二三四五六七八九]{4})年度?)?"
                       r"(?:(?:政府|政务)?信息公开|政务公开|工作|年度报告|报告|$)")
_TITLE_END = re.compile(r"(?:报告|年报)(?:[（(].{0,12}[)）])?[?？]*$")  # ? a copy's lost character
# A line that is a sentence, not a title: 根据《条例》…，现将…报告如下：
_SENTENCE = re.compile(r"[。；;]|如下[:：]$|^(?:根据|依据|按照|依照|为)")
# A whole report flattened onto one line: its title, then the first heading.
# A title run into the text: before its first heading, or printed twice (a page's title
# and the article's: 北京市2018年政府信息公开工作年度报告北京市2018年…).
_LEADING_TITLE = re.compile(r"^(.{4,60}?(?:报告|年报))(?=[一1][、.．]|\1)")

_MAX_TITLE = 80
_HEAD_LINES = 20  # chrome may take a dozen lines before the title


def clean_title(text: str) -> str:
    """A title as one line: split lines joined, spaces dropped (2023 年 -> 2023年)."""
    return squeeze(text).strip("　 ")


def is_sentence(text: str) -> bool:
    """A line of prose, not a title: a page whose <title> is its first sentence has none."""
    text = clean_title(text)
    return len(text) > _MAX_TITLE or bool(_SENTENCE.search(text))


_NAMES_BODY = re.compile(r"(?:政府(?!信息)|办事处|街道|[镇乡县区市旗州盟省局委厅办院]).{0,12}?(?:\d{4}|[〇零一二三四五六七八九]{4})?"
                         r"年?度?(?:政府信息公开|政务公开|信息公开)")
_YEARED = re.compile(r"(?:19|20)\d{2}|[〇零一二三四五六七八九]{4}")


def reads_as_title(text: str) -> bool:
    """The words of a report's title, in simplified or traditional characters."""
    return bool(REPORT_TITLE.search(simplified(text)))


def own_title(doc: Document) -> str | None:
    """``title_from_lines`` of the document's lines, found once while it is being read
    (recognition, metadata and the facts' report year all ask)."""
    return doc.view("own_title", lambda: title_from_lines(doc.lines))


def title_from_lines(lines: Sequence[str]) -> str | None:
    """The report's own title from the first lines of its text.

    Titles are often split over two or three lines (unit / year and 政府信息公开 / 工作年度报告)
    and stored pages put chrome above them (breadcrumbs, 无障碍, share buttons): the title is
    the first run of lines that ends a report title, no longer than it needs to be, extended
    upwards only while it has not named its body. Without one, the first line that is not
    chrome stands for the title; a first line that is clearly a sentence (it has 。, opens
    with 根据…, ends with 如下：) is no title, unless it opens with one (a whole report flattened
    onto one line).
    """
    head = _head(lines)
    found = [title for end in range(len(head)) if (title := _title_ending_at(head, end))]
    if found:
        # A menu item (政府信息公开年报) or a page title without the body (关于2021年度…的年度
        # 报告) above the report's own title: the first that has its year and names a body,
        # else the first with its year, else the first.
        yeared = [t for t in found if _YEARED.search(t)]
        named = [t for t in yeared if _NAMES_BODY.search(simplified(t))]
        return (named or yeared or found)[0]
    if not head:
        first = next((clean_title(line) for line in lines if line.strip()), "")
        match = _LEADING_TITLE.match(first)
        return match.group(1) if match and reads_as_title(match.group(1)) else None
    # A title garbled past recognition (…2023年政府信息公开 工作告年度报) still names the body and
    # its year, where the first line may be the portal's name.
    garbled = next((line for line in head if _YEARED.search(line) and _NAMES_BODY.search(
        simplified(line)) and re.search(r"信息公开|政务公开", line) and not _chrome(line)
        and not DECOY_TITLE.search(simplified(line))), None)
    return garbled or next((line for line in head if not _chrome(line)), None)


def _head(lines: Sequence[str]) -> list[str]:
    """The lines before the first sentence or section heading, cleaned of metadata keys."""
    head: list[str] = []
    for line in lines:
        text = clean_title(line)
        if not text or text.startswith("[image:"):
            continue
        if _SENTENCE.search(text) or re.match(r"^[一二三四五六]、", text):
            break
        head.append(_KEY_PREFIX.sub("", text).strip("|｜ "))
        if len(head) == _HEAD_LINES:
            break
    return head


def _title_ending_at(head: list[str], end: int) -> str | None:
    """The title whose last line is ``head[end]``, if that line ends one."""
    if not _TITLE_END.search(simplified(head[end])) or _chrome(head[end]):
        return None
    start = end
    while not reads_as_title("".join(head[start:end + 1])):
        start -= 1
        if start < end - 2 or start < 0 or _chrome(head[start]):
            return None
    while (start > 0 and _NAMELESS.match(simplified(head[start])) and not _chrome(head[start - 1])
           and not _TITLE_END.search(simplified(head[start - 1]))):
        start -= 1
    title = "".join(head[start:end + 1])
    return title if len(title) <= _MAX_TITLE else None


def _chrome(line: str) -> bool:
    """Page chrome, or a line too long to be (part of) a title."""
    return len(line) > _MAX_TITLE or bool(_CHROME.search(simplified(line)))


def is_report_title(title: str | None) -> bool:
    text = simplified(clean_title(title or ""))
    return bool(REPORT_TITLE.search(text)) and not DECOY_TITLE.search(text)


def decoy_word(title: str | None) -> str | None:
    """The word that makes a title a notice/plan/interpretation rather than a report."""
    match = DECOY_TITLE.search(simplified(clean_title(title or "")))
    return match.group(0) if match else None


def has_placeholder(text: str | None) -> bool:
    return bool(text and PLACEHOLDER.search(squeeze(text)))
