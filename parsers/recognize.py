"""Is this document a 政府信息公开工作年度报告, or something that only looks like one?

Portals file look-alikes next to the reports: notices about compiling or submitting them
(关于做好…年度报告编制工作的通知), work plans (政务公开工作要点), interpretations (年度报告解读),
blank templates (XX镇XXXX年…（模板）), 法治政府建设 reports, news about training sessions.
Their titles give most of them away; the body settles the rest: a report has the report's
section headings (一、总体情况 …), the statistical tables' labels or the report's opening
formula (本报告由…编制, 统计期限自…), a look-alike has none of them.

Note: ``crawler.reports.is_report_title`` judges link titles with a coarser copy of the
title patterns in ``parsers.titles`` (the crawler may not import parsers).
"""

from __future__ import annotations

import re

from parsers.document import Document
from parsers.numerals import folded_text, squeeze, squeezed_text
from parsers.sections import document_headings
from parsers.tables.cells import is_value_text
from parsers.titles import (
    clean_title,
    decoy_word,
    has_placeholder,
    is_sentence,
    own_title,
    reads_as_title,
)
from parsers.traditional import simplified

# Labels only the statistical tables carry (both layouts).
_TABLE_LABELS = ("本年新收政府信息公开申请数量", "上年结转政府信息公开申请数量", "本年度办理结果",
                 "结转下年度继续办理", "第二十条第(一)项", "第二十条第(五)项", "属于国家秘密",
                 "本机关不掌握相关政府信息", "信访举报投诉类申请", "未经复议直接起诉", "复议后起诉")
# The opening formula of the national format.
# (编制鹤庆县2019年度政府信息公开工作年度报告: only beside a title that is no notice's.)
_OPENING = re.compile(r"本(?:年度)?报告由|统计期限|统计时限|所列数据|年度报告格式|现(?:向社会)?公布"
                      r"|编制(?:了)?[^。]{0,30}?(?:年度报告|年报)")
# The opening that announces this very report (本报告由…, 现公布…年度报告, 现将…报告如下):
# notices about reports say 本通知 and 通知如下.
_OWN_OPENING = re.compile(r"本(?:年度)?(?:报告|年报)[^。]{0,10}?(?:由|根据|依据|依照|按照|结合|所列|数据|内容|包括"
                          r"|全文)"
                          r"|(?:编制|制作|形成|发布)(?:了)?[本此](?:年度)?(?:报告|年报)"
                          r"|(?:现|特)(?:编制并)?(?:向社会)?(?:予以)?(?:公布|公开|发布)[^。]{0,40}?"
                          r"(?:年度报告|年报|情况报告|工作报告)"
                          r"|现(?:将|对|就)[^。]{0,60}?(?:(?:报告|汇报|报告汇报)如下|(?:进行|予以)(?:报告|汇报))")
# A plainer opening (按照…要求编制报告), a report's only beside the period of its own figures.
_PLAIN_OPENING = re.compile(r"(?:编制|制作|形成|发布)(?:了)?(?:本|此)?(?:年度)?(?:报告|年报)[，,。]"
                            r"|(?:现|特)(?:向社会)?(?:公布|公开|发布)[^。]{0,40}?年度报告")
_PERIOD = re.compile(r"(?:报告|年报)[^。]{0,10}?(?:统计期限|统计时限)[^。]{0,6}?\d{4}年")
# The statement only a report makes of itself: the period its own figures cover
# (本年报中所列数据的统计期限自2017年1月1日起至2017年12月31日止), beside the report's name.
_OWN_PERIOD = re.compile(r"本(?:年度)?(?:报告|年报)[^。]{0,12}?(?:统计期限|统计时限)[^。]{0,6}?自"
                         r"[^。]{0,20}?起?至")
# The opening that lists the report's own parts (本报告全文由概述，主动公开政府信息的情况…组成,
# 全文包括概述，政府信息主动公开情况…): only a report describes itself so.
_OWN_PARTS = re.compile(r"(?:本(?:年度)?(?:报告|年报)|报告内容|全文)[^。]{0,8}?(?:由|包括|包含)[^。]{0,24}?"
                        r"(?:概述|综述|总体情况)[^。]{0,40}?(?:主动公开|依申请公开)")
# 编制大竹县四合镇2023年政府信息公开工作年度报告: the report compiled, named with its year.
_COMPILES_OWN = re.compile(r"编制(?:了)?[^。，,]{0,20}?\d{4}年度?(?:政府信息公开|政务公开)[^。，,]{0,8}?年度报告")
# The period the figures cover, stated (所列数据统计期限为2025年1月1日至…).
_STATED_PERIOD = re.compile(r"(?:统计期限|统计时限)[^。]{0,6}?\d{4}年")
# 我镇未收到…政府信息公开申请: the year's requests, none.
_NONE_RECEIVED = re.compile(r"(?:未|没有)(?:收到|受理|接到)[^。，,]{0,20}?(?:(?:政府信息公开|依申请公开)(?:的)?申请"
                            r"|依申请公开(?:的)?(?:政府)?信息)")  # 未收到任何形式的依申请公开政府信息
# A title that names an annual report without saying of what.
_SHORT_TITLE = re.compile(r"(?:\d{4}|[〇零一二三四五六七八九]{4})年度?(?:年报|报告)|年度报告|年报")
_OVERVIEW_OPENING = re.compile(r"一、概述[^。]{0,200}?。?[^。]{0,10}?\d{4}年[^。]{0,200}?政府信息公开(?:工作)?")
_OLD_OUTLINE = ("依申请公开的政府信息情况", "咨询处理情况", "复议、诉讼和申诉情况", "收费及减免情况",
                "存在的主要问题")
_MIN_BODY_SECTIONS = 3  # without a report title, the body alone must show this many
# The opening is looked for this far: a stored page puts a dozen lines of chrome above it.
_HEAD_LINES = 20
_HEAD_CHARS = 800


def is_report(doc: Document, title: str | None = None) -> tuple[bool, str]:
    """(verdict, reason). ``title`` is the title known from elsewhere (the container's, the
    link's); the document's own first lines are read too."""
    lines = doc.lines
    own = own_title(doc)
    hinted = [t for t in (title, doc.title) if t and not is_sentence(t)]
    titles = [t for t in dict.fromkeys(clean_title(t) for t in (*hinted, own) if t) if t]
    primary = titles[0] if titles else None
    # The first lines count as a title only if they read like one (not a breadcrumb).
    for candidate in (primary if hinted else None, own if own and reads_as_title(own) else None):
        if word := decoy_word(candidate):
            return False, f"title says {word}: {candidate}"
    head = simplified(squeeze("\n".join(lines[:_HEAD_LINES]))[:_HEAD_CHARS])
    if any(has_placeholder(t) for t in titles) or has_placeholder(head):
        return False, "a blank template (placeholders such as XX/XXXX年)"
    named = next((t for t in titles if reads_as_title(t)), None)
    sections = [h.number for h in document_headings(doc)]
    labels = _table_labels(folded_text(doc))
    opening = bool(_OPENING.search(head))
    evidence = _describe(sections, labels, opening)
    if named:
        if sections or labels >= 2 or opening:
            return True, f"title {named}; {evidence}"
        if _prose_about_disclosure(doc):  # an excerpt cut before its first heading
            return True, f"title {named}; the body's prose is about information disclosure"
        if doc.images and len(squeezed_text(doc)) < 200:
            return True, f"title {named}; the body is images only (not verified)"
        return False, f"title {named} but the body has no report content (a link page?)"
    about_disclosure = "信息公开" in simplified(doc.text)
    enough = (len(sections) >= _MIN_BODY_SECTIONS and (labels >= 2 or opening)
              or len(sections) >= 2 and labels >= 2)  # an excerpt cut in table 二
    if enough and about_disclosure:
        if labels >= 2 and doc.tables and not _values(doc):
            return False, f"a blank form: no report title, {evidence}, not one number in the tables"
        return True, f"no report title, but {evidence}"
    # A title that says only 年报 or 年度报告 (2020年报_审计局, a flip-book page's): enough
    # beside the report's own sections or table labels and words.
    short = next((t for t in titles if _SHORT_TITLE.search(simplified(t))), None)
    if short and (len(sections) >= 2 or labels >= 2) and about_disclosure:
        return True, f"title {short}; {evidence}"
    # A stored page's excerpt: no title kept, a section or two, but the opening that
    # announces this report.
    if (sections or labels >= 2) and _OWN_OPENING.search(head) and "信息公开" in head:
        return True, f"no report title, but the opening announces the report; {evidence}"
    first = next((line.strip() for line in lines if line.strip()), "")
    if (_PLAIN_OPENING.search(head) and _PERIOD.search(head) and "信息公开" in head
            and not ("。" not in first and decoy_word(first))):  # a notice's title first
        return True, f"no report title, but the opening and the period of its figures; {evidence}"
    # An excerpt cut before its first heading: the opening names the report and states the
    # period of its own figures, or lists the report's own parts.
    if _OWN_PERIOD.search(head) and "信息公开工作年度报告" in head:
        return True, f"no report title, but the opening states the report's own period; {evidence}"
    if _OWN_PARTS.search(head) and "信息公开" in head:
        return True, f"no report title, but the opening lists the report's parts; {evidence}"
    if ((_OWN_OPENING.search(head) or _COMPILES_OWN.search(head)) and _STATED_PERIOD.search(head)
            and "信息公开" in head):
        return True, f"no report title, but the opening announces the report and its period; {evidence}"
    # An excerpt of the body alone: it opens with 一、总体情况 and counts the year's requests.
    folded = folded_text(doc)
    if sections[:1] == [1] and (_requests_counted(folded) or _NONE_RECEIVED.search(folded)):
        return True, f"no report title, but section 1 and the year's requests counted; {evidence}"
    # …or a later page of an older report: three of its outline's headings (咨询处理情况,
    # 复议、诉讼和申诉情况, 收费及减免情况, 存在的主要问题) and the year's requests counted.
    if (sum(1 for heading in _OLD_OUTLINE if heading in folded) >= 3
            and _requests_counted(folded)):
        return True, f"no report title, but an older report's outline and its requests; {evidence}"
    # …or with the older reports' 一、概述 and a first paragraph on the year's disclosure work
    # (2009年,本市各级政府部门…政府信息公开各项工作取得了新进展).
    if _OVERVIEW_OPENING.match(head):
        return True, f"no report title, but it opens with the overview of a year's work; {evidence}"
    return False, f"not a report's title ({primary or 'none'}) and {evidence}"


_REQUESTS_COUNTED = re.compile(r"(?:收到|受理|接收|新收)[^。]{0,12}?(?P<what>依申请公开|政府信息公开申请|申请)"
                               r"[^。]{0,8}?(?:\d+|[零一二三四五六七八九十]+)件"
                               # 共办理4件政府信息公开申请: the count before the requests
                               r"|(?:收到|受理|办理|处理)(?:\d+|[零一二三四五六七八九十]+)件"
                               r"(?P<named>政府信息公开申请|依申请公开)")
def _requests_counted(text: str) -> bool:
    """The year's requests counted (收到政府信息公开申请12件; 收到申请19件 in a text that speaks
    of 依申请公开)."""
    match = _REQUESTS_COUNTED.search(text)
    return match is not None and (match["what"] != "申请" or "依申请公开" in text)


_PROSE_MIN = 100  # characters of sentences a body must have to be more than a link page


def _prose_about_disclosure(doc: Document) -> bool:
    """Sentences (lines with 。) that run to ``_PROSE_MIN`` characters and speak of
    政府信息公开: a report's body, not a page that only links to the report."""
    sentences = [simplified(line) for line in doc.lines if "。" in line]
    return (sum(len(line) for line in sentences) >= _PROSE_MIN
            and any("信息公开" in line for line in sentences))


def _values(doc: Document) -> int:
    """How many table cells hold a value (a number, or a dash that stands for 0)."""
    return sum(1 for table in doc.tables for row in table.rows for cell in row
               if not cell.spanned and is_value_text(cell.text))


def _table_labels(squeezed: str) -> int:
    flat = squeezed.replace("（", "(").replace("）", ")")
    return sum(1 for label in _TABLE_LABELS if label in flat)


def _describe(sections: list[int], labels: int, opening: bool) -> str:
    parts = [f"sections {','.join(map(str, sections))}" if sections else "no section headings",
             f"{labels} table labels"]
    if opening:
        parts.append("the report's opening formula")
    return ", ".join(parts)
