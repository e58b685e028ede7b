"""Who published a report, for which year, when, and under what title.

The container (an HTML page's 发布机构 and date, a DOCX's core properties) only hints: a
county portal lists a township's report under the county's name, and a PDF's Title is often
the generic 政府信息公开工作年度报告. The report's own words decide: its title (often split
over lines and behind page chrome), the opening sentence, the signature (落款) with its date;
``parsers.publisher`` reads the body's name from them. Traditional text (內蒙古自治區) is read
through ``simplified``. The text may also name the national format it follows (``form``),
which gives the layout of a report whose tables are not shown.

The report year is the year reported on, not the year of publication: a title says
"2022年政府信息公开工作年度报告" and the report appears in 2023.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from parsers.document import Document
from parsers.numerals import CN_NUMERAL, YEAR, cn_to_int, folded_text, squeeze, squeezed_text
from parsers.publisher import (
    OPENING_CHARS,
    ORG_END,
    PUBLISHED_AS,
    as_written,
    clean_org,
    find_org,
    head_publisher,
    title_org,
)
from parsers.titles import clean_title, is_sentence, own_title
from parsers.traditional import simplified

_DATE = re.compile(rf"^{YEAR}年(\d{{1,2}}|[{CN_NUMERAL}]{{1,3}})月(\d{{1,2}}|[{CN_NUMERAL}]{{1,3}})日$")
_ISO_DATE = re.compile(r"(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})")
_URL_DATE = re.compile(r"/art/(\d{4})/(\d{1,2})/(\d{1,2})/|/t(\d{4})(\d{2})(\d{2})_")
_URL_YEAR = re.compile(r"[?&]fbtime=(\d{4})")

_STAT_PERIOD = re.compile(rf"统计(?:期限|时限|时间跨度|时间段|时间|时段|区间|周期)[^。]{{0,12}}?{YEAR}年"
                          rf"|所列数据[^。]{{0,10}}?截[止至](?:日期|时间)?[为到至:：]?{YEAR}年"
                          # 统计期限自2015-1-1起 (a template that wrote every 年 as -)
                          r"|统计(?:期限|时限)[^。]{0,12}?(\d{4})-\d{1,2}-\d{1,2}"
                          # 截止2023年12月31日我局…发布…: the year's end
                          rf"|截[止至]到?{YEAR}年12月31日")
# A title's year, not a date in it (the chrome of a page: 2019年12月3日星期二).
# 2022年…, and a title's year without 年 (浙江省经济和信息化厅2022政府信息公开工作年度报告).
_TITLE_YEAR = re.compile(rf"{YEAR}年(?!\d{{1,2}}月)|(?<!\d)(20\d{{2}})(?=年度|度|政府|政务|信息公开)")
_TAIL_LINES = 8
_SITE_SUFFIX = re.compile(r"^(.*?(?:报告|年报)(?:[（(][^）)]{0,12}[)）])?)\s*[_|－—-]+\s*[^_|]{2,30}$")
# The national format the report says it follows: the notice's number (国办公开办函〔2021〕30号,
# written 国办公开函 or with other brackets too), or for 2021 the notice's title
# 关于印发《中华人民共和国政府信息公开工作年度报告格式》的通知. The 2019 notice's title
# (关于政府信息公开工作年度报告有关事项的通知) is cited by 2021-form reports too: not a sign.
_FORM_2021 = re.compile(r"公开办?函[〔\[［(（【]2021[〕\]］)）】]?30号"
                        # the format the 2021 notice issued, cited by its name
                        r"|印发[《〈<]?中华人民共和国政府信息公开工作年度报告格式(?![（(]试行)"
                        r"|[《〈<]中华人民共和国政府信息公开工作年度报告格式[》〉>]")
_FORM_2019 = re.compile(r"公开办?函[〔\[［(（【]2019[〕\]］)）】]?60号")  # 〔201960号: 〕 lost
# The trial format the 2019 notice issued, cited by its name: some reports on 2021 and later
# still cite it, so it tells the form only of a report on 2019 or 2020.
_FORM_2019_NAME = re.compile(r"政府信息公开工作年度报告格式[（(]试行[)）]")


@dataclass
class Metadata:
    """What the report says about itself; None where it does not say."""

    org: str | None
    year: int | None
    published: str | None  # ISO date
    title: str | None
    form: str | None = None  # gb2021 | gb2019: the national format the text says it follows


def read_metadata(doc: Document, url: str | None = None) -> Metadata:
    """``url``, where the document was captured, is the last resort: the platform's
    ``fbtime=2022`` for the year, a CMS path date (/art/2023/1/20/, t20230120_) for the date.
    Its host never names the body."""
    lines = doc.lines
    own = own_title(doc)
    title = _title(doc.title, own)
    text = squeezed_text(doc)
    folded = folded_text(doc)
    signature_org, signature_date = _signature(lines)
    from_title = title_org(own) or title_org(doc.title)
    publisher = clean_org(simplified(doc.publisher or "")) or head_publisher(lines)
    org = find_org(folded, from_title, signature_org, publisher)
    year = _year(folded, title, own, url)
    return Metadata(
        org=as_written(org, [(folded, text), *((simplified(t), t) for t in (own, doc.title,
                                                                            doc.publisher) if t)]),
        year=year,
        published=_iso(doc.published) or signature_date or _url_date(url),
        title=title,
        form=_form(folded, year),
    )


def report_year(doc: Document) -> int | None:
    """The report year alone (what prose facts need to ignore last year's numbers)."""
    own = own_title(doc)
    return _year(folded_text(doc), _title(doc.title, own), own, None)


# --- title and year ----------------------------------------------------------------------


def _title(hint: str | None, own: str | None) -> str | None:
    """The container's title, unless it is generic (no year: a PDF's 政府信息公开工作年度报告)
    or cut short by a list page (…), and the report's own first lines say more. A page
    title's site suffix (…年度报告_沭阳县人民政府) is dropped."""
    hint = _SITE_SUFFIX.sub(r"\1", (hint or "").strip()) or None
    if hint and is_sentence(hint):
        hint = None
    if hint and (re.search(YEAR + "年", clean_title(hint)) and not hint.endswith(("…", "..."))
                 or not own):
        return hint
    return own or hint


def _year_in(text: str | None) -> int | None:
    match = _TITLE_YEAR.search(clean_title(text or ""))
    return _as_year(match.group(1) or match.group(2)) if match else None


def _as_year(text: str) -> int | None:
    value = int(text) if text.isdigit() else cn_to_int(text)
    return value if value is not None and 1990 <= value <= 2100 else None


def _year(text: str, title: str | None, own_title: str | None, url: str | None) -> int | None:
    for found in (_year_in(title), _year_in(own_title)):
        if found:
            return found
    head = text[:OPENING_CHARS]
    for pattern in (_STAT_PERIOD, PUBLISHED_AS):
        match = pattern.search(head)
        if match and (year := _as_year(next((g for g in reversed(match.groups()) if g), ""))):
            return (_restated_year(head) or year) if pattern is PUBLISHED_AS else year
    if url and (match := _URL_YEAR.search(url)):
        return int(match.group(1))
    # The overview usually opens with the year (2022年，我镇…).
    match = re.search(r"(20\d{2})年(?!\d{1,2}月)", text[:OPENING_CHARS])  # not 2021年3月，报告发布
    return int(match.group(1)) if match else None


def _restated_year(head: str) -> int | None:
    """The year an opening restates (现将2025年度工作报告如下) when the overview opens with it
    too (一、总体情况 2025年…): it wins over the year of a 现公布…2024年…年度报告 left from the
    year before (jl-taonan-wafangzhen-township-2025)."""
    restated = _RESTATED.search(head)
    overview = _OVERVIEW_YEAR.search(head)
    if restated and overview and restated.group(1) == overview.group(1):
        return int(restated.group(1))
    return None


_RESTATED = re.compile(r"现将(20\d{2})年度?[^。]{0,20}?报告如下")
_OVERVIEW_YEAR = re.compile(r"一、总体情况\s*(20\d{2})年")


# --- dates -------------------------------------------------------------------------------


def _iso(value: str | None) -> str | None:
    match = _ISO_DATE.search(value or "")
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _url_date(url: str | None) -> str | None:
    match = _URL_DATE.search(url or "")
    if not match:
        return None
    parts = [int(g) for g in match.groups() if g]
    return f"{parts[0]:04d}-{parts[1]:02d}-{parts[2]:02d}"


def _signature(lines: Sequence[str]) -> tuple[str | None, str | None]:
    """(body, ISO date) of the 落款 that ends many reports: the body's name on one line,
    the date alone on the next."""
    tail = _last_lines(lines, _TAIL_LINES)
    for k in range(len(tail) - 1, -1, -1):
        match = _DATE.match(tail[k])
        if not match:
            continue
        numbers = [int(g) if g.isdigit() else cn_to_int(g) for g in match.groups()]
        if None in numbers or not (1 <= numbers[1] <= 12 and 1 <= numbers[2] <= 31):
            return None, None
        date = f"{numbers[0]:04d}-{numbers[1]:02d}-{numbers[2]:02d}"
        org = tail[k - 1] if k > 0 else None
        return (org if org and len(org) <= 40 and ORG_END.search(org) else None), date
    return None, None


def _last_lines(lines: Sequence[str], n: int) -> list[str]:
    """The last ``n`` lines that are not blank, squeezed (read from the end: only the
    signature is wanted, not the whole report squeezed)."""
    found: list[str] = []
    for line in reversed(lines):
        squeezed = squeeze(line)
        if squeezed:
            found.append(squeezed)
            if len(found) == n:
                break
    return found[::-1]


# --- the national format -----------------------------------------------------------------


def _form(text: str, year: int | None) -> str | None:
    """gb2021 or gb2019 when the text names the format it follows (a report citing both
    follows the later one)."""
    head = text[:OPENING_CHARS]
    if _FORM_2021.search(head):
        return "gb2021"
    if _FORM_2019.search(head) or (year in (2019, 2020) and _FORM_2019_NAME.search(head)):
        return "gb2019"
    return None
