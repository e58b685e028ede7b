"""Who published a report, for which year, when, and under what title.

The container (an HTML page's 发布机构 and date, a DOCX's core properties) only hints: a
county portal lists a township's report under the county's name, and a PDF's Title is often
the generic 政府信息公开工作年度报告. The report's own words decide: its title (often split
over lines), the opening sentence (本报告由…编制, 现公布…年度报告), the contact line
(请与…联系) and the signature (落款) with its date.

The report year is the year reported on, not the year of publication: a title says
"2022年政府信息公开工作年度报告" and the report appears in 2023.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .document import Document
from .numerals import CN_NUMERAL, cn_to_int, squeeze, squeezed_text
from .titles import clean_title, title_from_lines

YEAR = rf"(\d{{4}}|[{CN_NUMERAL}]{{4}})"
_DATE = re.compile(rf"^{YEAR}年(\d{{1,2}}|[{CN_NUMERAL}]{{1,3}})月(\d{{1,2}}|[{CN_NUMERAL}]{{1,3}})日$")
_ISO_DATE = re.compile(r"(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})")
_URL_DATE = re.compile(r"/art/(\d{4})/(\d{1,2})/(\d{1,2})/|/t(\d{4})(\d{2})(\d{2})_")
_URL_YEAR = re.compile(r"[?&]fbtime=(\d{4})")

_STAT_PERIOD = re.compile(rf"统计(?:期限|时限|时间跨度|时间|时段|区间|周期)[^。]{{0,12}}?{YEAR}年")
_PUBLISHED_AS = re.compile(rf"现(?:向社会)?(?:予以)?公布(.{{2,40}}?){YEAR}年")
_COMPILED_BY = re.compile(r"本(?:年度)?报告由(.{2,40}?)(?:按照|根据|依据|依照|结合|负责|编制|制作|汇总)")
_CONTACT = re.compile(r"(?:请|可|欢迎|敬请)(?:与|同|向)(.{2,40}?)(?:联系|联络)")
_TITLE_ORG = re.compile(rf"^(?:关于)?(.*?)(?:关于)?{YEAR}年")
_TITLE_ORG_AFTER_YEAR = re.compile(rf"^{YEAR}年度?(.+?)(?:关于)?(?:政府信息公开|政务公开|信息公开)")
_TITLE_ORG_NO_YEAR = re.compile(r"^(?:关于)?(.+?)(?:关于)?(?:政府信息公开|政务公开|信息公开)")

_GOVERNMENT = re.compile(r"^.*?(?:人民政府|办事处)")
_OFFICE = re.compile(r"(?:党政综合办公室|党政办公室|党政办|综合办公室|综合办|政务公开办公室|政务公开办"
                     r"|信息公开办公室|办公室|综合科|秘书科)$")
_ORG_END = re.compile(r"(?:政府|办事处|局|委员会|委|办公室|办|中心|院|所|站|队|处|厅|部|会|馆|公司|集团)$")
_TOWNSHIP = re.compile(r"(?:镇|乡|街道)$")
# 济宁市汶上县 / 淮安市洪泽区: what may stand before a body's name in its fuller form.
_DIVISIONS = re.compile(r"(?:[\u4e00-\u9fff]{1,8}?(?:省|自治区|市|自治州|州|盟|地区|区|县|旗))+")
_TAIL_LINES = 8
_SITE_SUFFIX = re.compile(r"^(.*?(?:报告|年报)(?:[（(][^）)]{0,12}[)）])?)\s*[_|－—-]+\s*[^_|]{2,30}$")


@dataclass
class Metadata:
    """What the report says about itself; None where it does not say."""

    org: str | None
    year: int | None
    published: str | None  # ISO date
    title: str | None


def read_metadata(doc: Document, url: str | None = None) -> Metadata:
    """``url``, where the document was captured, is the last resort: the platform's
    ``fbtime=2022`` for the year, a CMS path date (/art/2023/1/20/, t20230120_) for the date."""
    lines = doc.lines
    own_title = title_from_lines(lines)
    title = _title(doc.title, own_title)
    text = squeezed_text(doc)
    signature_org, signature_date = _signature(lines)
    return Metadata(
        org=_org(text, _title_org(own_title) or _title_org(doc.title), signature_org,
                 doc.publisher),
        year=_year(text, title, own_title, url),
        published=_iso(doc.published) or signature_date or _url_date(url),
        title=title,
    )


def report_year(doc: Document) -> int | None:
    """The report year alone (what prose facts need to ignore last year's numbers)."""
    own_title = title_from_lines(doc.lines)
    return _year(squeezed_text(doc), _title(doc.title, own_title), own_title, None)


# --- title and year ----------------------------------------------------------------------


def _title(hint: str | None, own: str | None) -> str | None:
    """The container's title, unless it is generic (no year: a PDF's 政府信息公开工作年度报告)
    or cut short by a list page (…), and the report's own first lines say more. A page
    title's site suffix (…年度报告_沭阳县人民政府) is dropped."""
    hint = _SITE_SUFFIX.sub(r"\1", (hint or "").strip()) or None
    if hint and (re.search(YEAR + "年", clean_title(hint)) and not hint.endswith(("…", "..."))
                 or not own):
        return hint
    return own or hint


def _year_in(text: str | None) -> int | None:
    match = re.search(YEAR + "年", clean_title(text or ""))
    return _as_year(match.group(1)) if match else None


def _as_year(text: str) -> int | None:
    value = int(text) if text.isdigit() else cn_to_int(text)
    return value if value is not None and 1990 <= value <= 2100 else None


def _year(text: str, title: str | None, own_title: str | None, url: str | None) -> int | None:
    for found in (_year_in(title), _year_in(own_title)):
        if found:
            return found
    for pattern in (_STAT_PERIOD, _PUBLISHED_AS):
        match = pattern.search(text[:3000])
        if match and (year := _as_year(match.groups()[-1])):
            return year
    if url and (match := _URL_YEAR.search(url)):
        return int(match.group(1))
    # The overview usually opens with the year (2022年，我镇…).
    match = re.search(r"(20\d{2})年(?!\d{1,2}月\d{1,2}日)", text[:3000])
    return int(match.group(1)) if match else None


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
        return (org if org and len(org) <= 40 and _ORG_END.search(org) else None), date
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


# --- the publishing body -----------------------------------------------------------------


def _clean_org(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip("《》“”\"'‘’「」:：，,、 ")
    name = re.sub(r"^(?:关于|我单位|我局|我镇)", "", name).removesuffix("的").removesuffix("关于")
    if not 2 <= len(name) <= 40 or re.search(r"报告|信息公开|[。；，,]|\d{4}|年度?$", name):
        return None
    if not re.fullmatch(r"[\u4e00-\u9fff\d（）()·]+", name):
        return None
    return name


def _title_org(title: str | None) -> str | None:
    text = clean_title(title or "")
    for pattern in (_TITLE_ORG, _TITLE_ORG_AFTER_YEAR, _TITLE_ORG_NO_YEAR):
        match = pattern.search(text)
        if match and (org := _clean_org(match.group(1) if pattern is not _TITLE_ORG_AFTER_YEAR
                                         else match.group(2))):
            return org
    return None


def _contact_org(text: str) -> str | None:
    match = _CONTACT.search(text)
    if not match:
        return None
    name = match.group(1)
    government = _GOVERNMENT.match(name)
    name = government.group(0) if government else _OFFICE.sub("", name) or name
    return _clean_org(name)


def _org(text: str, from_title: str | None, signature_org: str | None,
         publisher: str | None) -> str | None:
    """The body as the report names itself: the title's name and the opening sentence's,
    reconciled; a township's short name completed (大张楼镇 -> 大张楼镇人民政府) only when
    the report writes it so; then the fullest form the report uses (杨店镇人民政府 ->
    济宁市汶上县杨店镇人民政府 from its contact line)."""
    opening = _COMPILED_BY.search(text[:3000]) or _PUBLISHED_AS.search(text[:3000])
    from_opening = _clean_org(opening.group(1)) if opening else None
    contact = _contact_org(text)
    org = _reconcile(from_title, from_opening) or signature_org or _clean_org(publisher) or contact
    if org is None:
        return None
    if _TOWNSHIP.search(org):
        org = next((org + s for s in ("人民政府", "办事处") if org + s in text), org)
    fuller = [n for n in (from_opening, contact, signature_org, _clean_org(publisher))
              if n and n != org and n.endswith(org) and _DIVISIONS.fullmatch(n[: -len(org)])]
    return max(fuller, key=len) if fuller else org


def _reconcile(from_title: str | None, from_opening: str | None) -> str | None:
    """One name from the title's and the opening sentence's: 洪泽区人民政府 (title) and
    淮安市洪泽区人民政府办公室 (compiled by its office) give 淮安市洪泽区人民政府."""
    if not (from_title and from_opening):
        return from_opening or from_title
    if from_title in from_opening:
        end = from_opening.index(from_title) + len(from_title)
        rest = from_opening[end:]
        suffix = next((s for s in ("人民政府", "办事处") if rest.startswith(s)
                       and not from_title.endswith(s)), "")
        return from_opening[:end] + suffix
    if from_opening in from_title:
        return from_title
    if _OFFICE.search(from_opening) and not _OFFICE.search(from_title):
        return from_title
    return from_opening
