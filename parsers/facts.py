"""Numbers a report states in its prose: 主动公开政府信息93条, 收到政府信息公开申请4件, 予以公开2件,
行政复议0件, and the zeros it states in words (未收到政府信息公开申请, 未发生…行政复议和行政诉讼).

Township reports often have no tables, or tables drawn as images: the prose is then all
there is. Where a number has a canonical table cell (docs/report-format.md), it is also returned
as a :class:`CellValue` with ``source="prose"``, so downstream queries find
``applications/new_received/total`` in one place whatever form the report took.

Fact names are the simulator's (tests/portalsim/prose.py), so truth compares directly:
active_disclosure_items, applications_received, applications_granted,
applications_partially_granted, administrative_reviews; added here:
administrative_litigations and processing_fees_yuan. Three numbers are read for their cells
only (上年结转, 办结, 结转下年度): they are not facts.

Only prose is read (tables are ``parsers.tables``' job), traditional characters folded
(申請, 復議). A number is skipped when its sentence is about an earlier year (相较去年…,
2021年…), when it sits in brackets (asides like （2021年我镇未收到申请）; but not
（含上年度结转3件）, which changes what the number before it means), when it is approximate
(500余条), when it counts a part of the year's requests (one channel, some applicants, one
outcome), and, for the cells, when it is not one body's own: a report that counts for all
the bodies of its area (全市各级行政机关主动公开…53393条) gives no cells from its prose.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from parsers.contract import CellValue, Fact
from parsers.document import Document
from parsers.metadata import report_year
from parsers.numerals import NUMBER, ascii_digits, squeeze_lines, to_number
from parsers.quantities import whole
from parsers.tables.schema import APPLICANT_COLUMNS, GB2021, REVIEW_ROWS, application_rows
from parsers.traditional import simplified

_N = rf"(?P<n>{NUMBER})"
_TOTAL = r"(?:共计|合计|总计|累计|共)?"
# A request for information, as the prose names it: 政府信息公开申请, 政务公开的申请; and
# 依申请公开, the term that means the requests themselves (收到依申请公开14件).
_ASKED = r"(?:(?:政府信息公开|信息公开|政务公开|政府信息)(?:的)?申请|政府信息申请公开)"
_ON_REQUEST = (r"(?:(?:政府信息)?依申请?(?:信息|政府信息)?公开(?:政府信息)?"  # 依申公开: a typo seen
               r"|依申请件|(?<=收到|受理)已申请公开)")  # 收到依申请件35件, 收到已申请公开0件: typos seen
_RECEIVED = r"(?<!不予)(?<!未予)(?:收到|受理|接收|接受|接到|接获|新收|收悉)"
# A total said to include the requests carried over (41件（含上年度结转3件）) is not the
# year's new requests.
_NOT_INCLUDING = (r"(?![(（]?(?:含|包括|包含)[^()（）,，。]{0,8}结转)"
                  # …申请15件，其中新收到14件，结转上年度办理1件: 15 is both together.
                  r"(?![,，]?其中[^。;；]{0,16}(?:结转上|上(?:一)?年(?:度)?结转|新收))")
# 处理申请1261件（含上年度结转74件），答复1181件，结转下年度继续办理80件: the requests in hand,
# not those processed, when some of them go on into the next year (办理41件（含上年度结转1件），
# 均全部办结 is the year's processed).
_UNFINISHED_TOO = r"(?![(（]?(?:含|包括|包含)[^()（）,，。]{0,8}结转[^。]*?(?:下(?:一)?年|继续办理))"
# Words that make a stretch of prose about something else than requests for information.
_OTHER_MATTER = r"复议|诉讼|投诉|举报|信访|咨询|留言|建议|提案|审批|费"
_GAP = rf"(?:(?!{_OTHER_MATTER})[^，,。；;:：\n\d])"
# Services whose counts a report gives beside its requests for information.
_OTHER_SERVICE = _OTHER_MATTER + r"|热线|信箱|12345|窗口|办件|政务服务|来电|工单"
_NEXT_YEAR = r"(?:至|到|入)?下(?:一)?年(?:度)?"
_LAST_YEAR = r"(?:上(?:一)?年|去年)(?:度)?"
# A clause's first words: where a bare 办结12件 or 依申请公开3次 may begin.
_CLAUSE_START = (r"(?<![^，,；;:：])(?:截至\d{1,2}月底|截至年底)?"
                 r"(?:全年|本年度|本年|今年|当年|共计|共|已经|已按期|已|均|全部|依法依规|依法|依规|及时|按时|并)*")


@dataclass(frozen=True)
class _Rule:
    name: str
    pattern: re.Pattern[str]  # group n: the number; no group n: a zero stated in words
    # Whether a match counts, given the sentence up to it (from its 。 or line start).
    applies: Callable[[str, re.Match[str]], bool] | None = None


def _rule(name: str, pattern: str,
          applies: Callable[[str, re.Match[str]], bool] | None = None) -> _Rule:
    return _Rule(name, re.compile(pattern), applies)


_CHANNEL = re.compile(r"网上|网络|邮寄|信函|当面|现场|电子邮件|传真|来信|书面|平台")
_WHOLE = re.compile(r"各类|各种|等|共计|合计|总计")
_PEOPLE = re.compile(r"公民|自然人|个人|群众")
_ORGANISATIONS = re.compile(r"法人|企业|组织")
# Where a sentence counts the requests received (its number aside).
_APPLICATION = re.compile(rf"(?:{_RECEIVED}|处理|办理)(?:{_GAP}{{0,20}}?(?:{_ASKED}|{_ON_REQUEST})"
                          rf"|了?{_TOTAL}(?:{NUMBER})(?:件|份|个|条))"
                          # 共处理依申请公开件98件: a count of the requests, whatever its verb
                          rf"|{_ON_REQUEST}(?:件|事项){_TOTAL}(?:{NUMBER})(?:件|份|个)"
                          # 依申请公开共收到群众网上申请105件
                          rf"|{_ON_REQUEST}{_TOTAL}{_RECEIVED}")


def _from_everyone(before: str, match: re.Match[str]) -> bool:
    """A count of the requests of some channels (收到网上和邮寄依申请公开共4件) or of some
    applicants (未收到法人或者其他组织…的申请) is a part of the year's total, unless the words
    say it is all of them (各类, …等, 共计; 公民、法人或者其他组织)."""
    text = match.group(0)
    if _CHANNEL.search(text) and not _WHOLE.search(text):
        return False
    people, organisations = _PEOPLE.search(text), _ORGANISATIONS.search(text)
    return not ((organisations and not people) or ("自然人" in text and not organisations))


def _after_application(before: str, match: re.Match[str]) -> bool:
    """A bare 办结12件 or 2件结转下年 is about the requests the same sentence has just
    counted (收到依申请公开14件…，已办结12件), and about nothing else since; or, in a sentence
    that counts nothing else, about those an earlier sentence of its paragraph counted
    (收到依申请公开申请15件…。上年度结转3件。共按时办结10件。8件结转下年度继续办理), when no other
    service is named since. ``before``: the paragraph up to the number."""
    sentence_start = _sentence_start(before, len(before))
    found = list(_APPLICATION.finditer(before, sentence_start))
    after = _OTHER_MATTER
    if not found:
        found = list(_APPLICATION.finditer(before, 0, sentence_start))
        after = _OTHER_SERVICE
    if not found or re.search(after, before[found[-1].end():]) is not None:
        return False
    # A bare count (受理2720件) counts requests for information only where what comes
    # before it is not about another service (12345市民服务热线共受理2720件…办结2680件).
    counted = found[-1]
    return bool(re.search(r"信息|申请", counted.group(0))) or re.search(
        _OTHER_SERVICE, before[:counted.start()]) is None


def _about_information(before: str, match: re.Match[str]) -> bool:
    """A bare 受理申请121510件 counts requests for information only where its sentence is not
    about another matter (审批服务…共受理申请121510件: applications for licences)."""
    if re.search(r"信息|依申请", match.group(0)):
        return True
    return re.search(_OTHER_SERVICE, before) is None


def _all_channels(before: str, match: re.Match[str]) -> bool:
    """Not one channel's count (通过信息公开平台收到申请0件: the platform's; letters may have
    come): the clause before the verb names no channel, unless it says all of them."""
    clause = re.split(r"[，,；;]", before)[-1]
    return not _CHANNEL.search(clause) or bool(_WHOLE.search(clause))


def _received_in_whole(before: str, match: re.Match[str]) -> bool:
    return _about_information(before, match) and _all_channels(before, match)


def _not_received_too(before: str, match: re.Match[str]) -> bool:
    """收到依法处理依申请公开共6件: the requests received, handled as the law says; not a
    count of those processed (收到和办理…12件 names both, and is both)."""
    return re.search(rf"{_RECEIVED}依法$", before) is None


def _processed_in_whole(before: str, match: re.Match[str]) -> bool:
    """Neither received-and-handled (``_not_received_too``) nor a part (其中办结…申请0件
    after a count of one channel's requests)."""
    return _not_received_too(before, match) and re.search(r"其中$", before) is None


def _not_as_reviewer(before: str, match: re.Match[str]) -> bool:
    """审理…行政复议案件7起: cases the body heard as the review organ, not cases against it."""
    return re.search(r"审理[^，,。；;]{0,12}$", before) is None


def _not_a_part(before: str, match: re.Match[str]) -> bool:
    """依申请公开4件 after 其中 is one outcome of a breakdown, not the year's requests."""
    return "其中" not in re.split(r"[;；]", before)[-1]


_RULES = (
    _rule("active_disclosure_items",
          rf"主动(?:公开|发布)(?:各类|各项)?(?:政府|政务)?信息{_TOTAL}{_N}条"),
    _rule("active_disclosure_items", rf"公开政府信息{_TOTAL}{_N}条"),
    _rule("applications_received",
          rf"{_RECEIVED}(?:各类)?(?:政府信息公开|依申请公开|信息公开)?(?:政府信息)?"
          rf"(?:的)?申请(?:公开)?(?:案件|件)?{_TOTAL}{_N}(?:件|个|份|宗|起|条|次|例|(?=[，,](?!\d)))"
          rf"{_NOT_INCLUDING}", _received_in_whole),
    _rule("applications_received",
          rf"{_RECEIVED}{_GAP}{{0,20}}?(?:{_ASKED}|{_ON_REQUEST}(?:的)?(?:申请件?|(?:信息)?(?:发布|公开)?(?:请求|要求)|办理事项|事项|信件|信息|办件|件)?)"
          rf"(?:办理事项|数量)?{_TOTAL}(?:为)?{_N}(?:件|个|份|宗|起|条|次|项|例){_NOT_INCLUDING}",
          _from_everyone),
    _rule("applications_received",
          rf"{_RECEIVED}了?{_TOTAL}{_N}(?:件|份|个|条|起)(?:有关)?(?:提出(?:公开)?(?:政府信息|信息)?(?:公开)?)?(?:的)?"
          rf"(?:{_ASKED}|{_ON_REQUEST}(?:申请|事项)?|申请)"
          r"(?!人)"),
    _rule("applications_received",  # 我街道新收政府信息申请公开数量2件
          rf"(?:新收|收到|受理){_GAP}{{0,4}}?{_ASKED}(?:的)?(?:数量|总数)(?:为|是)?{_TOTAL}{_N}(?:件|个|份)"),
    _rule("applications_received",
          rf"{_CLAUSE_START}(?:新收|收到|受理)?{_ASKED}(?:的)?(?:数量|总数|数)(?:为|是)?{_TOTAL}"
          rf"{_N}(?:件|个|份|条)"),
    _rule("applications_received",
          rf"{_CLAUSE_START}(?:我|本)?(?:苏木|镇|乡|街道|局|区|县|市|旗|委|办|单位|机关)?"
          rf"依申请公开(?:政府信息|信息)?{_TOTAL}{_N}(?:件|次|条){_NOT_INCLUDING}", _not_a_part),
    _rule("applications_received",  # 共收到群众网上申请105件,快递17件,合计122件
          rf"{_RECEIVED}[^。；;]{{0,16}}?申请(?:{NUMBER})件[^。；;]{{0,24}}?[,，](?:合计|共计|总计){_N}件"),
    _rule("applications_received",  # 2019年依申请公开共受理2件
          rf"(?<![^，,；;:：])(?:\d{{4}}年度?)?(?:全年|本年度|本年)?"
          rf"(?:我|本)?(?:苏木|镇|乡|街道|局|区|县|市|旗|委|办|单位|机关)?{_ON_REQUEST}(?:的)?(?:申请)?{_TOTAL}"
          rf"{_RECEIVED}{_N}(?:件|个|份)"
          rf"{_NOT_INCLUDING}", _not_a_part),
    _rule("applications_received",  # 乳山市城区街道办事处政府信息公开申请受理1条
          rf"{_ASKED}(?:共)?{_RECEIVED}(?:了)?{_TOTAL}{_N}(?:件|个|份|条){_NOT_INCLUDING}", _not_a_part),
    _rule("applications_received",
          rf"(?:未|没有|无)共?(?:收到|受理|接到|接收|接获|发生)(?:过)?{_GAP}{{0,28}}?"
          rf"(?:申请(?!人)(?:公开)?(?:政府信息)?(?:的)?(?:申请|事项)?|要求公开)"
          rf"(?![^，,。；;\n]{{0,12}}(?:{_OTHER_MATTER}))", _from_everyone),
    _rule("applications_received",  # 无受理政府信息公开申请件及…投诉、行政复议: a list of nones
          rf"(?:未|没有|无)(?:收到|受理|接到|接收)(?:过)?{_GAP}{{0,20}}?申请(?!人)(?:公开)?(?:信息)?件?"
          r"(?:及|和|与|、)",
          _from_everyone),
    _rule("applications_received",
          r"(?:无|没有)(?:依法)?依?申请公开(?:信息)?(?:的)?(?:件|事项|情况|申请|政府信息)"),
    _rule("applications_received",  # 无依申请公开和复议、诉讼和申诉的情况
          r"(?:无|没有)依申请公开(?:和|及|与|、)[^，,。；;\n]{0,16}?(?:的)?情况"),
    _rule("applications_received",
          rf"其中(?:本年(?:度)?)?新(?:收到|收|受理){_N}(?:件|个|份|条)", _after_application),
    _rule("applications_received",  # 共办理4件…申请(其中当年收到3件,上年转结1件)
          rf"其中(?:本年(?:度)?|当年|今年)(?:新)?(?:收到|收|受理){_N}(?:件|个|份|条)", _after_application),
    _rule("applications_carried_over",
          rf"(?:结转|遗留){_LAST_YEAR}(?:办理)?(?:的)?(?:{_ASKED}|申请)?{_TOTAL}(?:为)?{_N}(?:件|个|份|条)"),
    _rule("applications_carried_over",
          rf"{_LAST_YEAR}(?:结转|遗留|转结)(?:受理|办理)?(?:的)?(?:{_ASKED}|{_ON_REQUEST}|申请)?(?:数量)?{_TOTAL}"
          rf"(?:为)?{_N}(?:件|个|份|条|宗)"),
    _rule("applications_carried_over",  # (2024年) 未转结2023年政府信息公开申请
          rf"(?:未|没有|无)(?:结转|转结)(?:(?P<y>\d{{4}})年度?|{_LAST_YEAR})(?:的)?(?:{_ASKED}|{_ON_REQUEST}|申请)"),
    _rule("applications_carried_over",  # 办结99件，1件为上年度结转办理件
          rf"{_N}(?:件|个|份)(?:为|是|系|属)?{_LAST_YEAR}(?:结转|遗留)", _after_application),
    _rule("applications_carried_over",  # (2022年) …以及2021年转办依申请公开2件: the year before
          rf"(?P<y>\d{{4}})年(?:度)?(?:结转|转办|遗留)(?:的)?(?:{_ASKED}|{_ON_REQUEST}|申请)?"
          rf"{_TOTAL}{_N}(?:件|个|份)", _after_application),
    _rule("applications_granted",
          rf"(?:予以公开|(?<!不)同意公开|全部公开|属于公开范围)[”\"」]?(?:的)?(?:答复数?|申请)?{_TOTAL}(?:为)?"
          rf"{_N}(?:件|个|条)"),
    _rule("applications_granted",  # 其中8件已公开; 收到依申请公开0件,公开0件,不予公开0件
          rf"(?<![^，,；;:：])(?:其中)?{_N}(?:件|个|条)(?:申请)?(?:已|均已|已经|予以)公开(?=[，,；;。]|$)",
          _after_application),
    _rule("applications_granted",
          rf"(?<![^，,；;:：])(?:已|均已)?公开{_N}(?:件|个|条)", _after_application),
    _rule("applications_partially_granted",  # 6件部分公开, 1件属于部分公开
          rf"(?<![^，,；;:：])(?:其中)?{_N}(?:件|个|条)(?:申请)?(?:属于|为|予以)?部分公开",
          _after_application),
    _rule("applications_partially_granted",
          rf"(?<![及和与、或])部分公开(?:范围)?(?:的)?(?:答复数?)?{_TOTAL}(?:为)?{_N}(?:件|个|条)"),
    _rule("applications_processed",
          rf"(?:办结|办理|处理|答复|(?<=已)完成)(?:了)?(?:各类)?(?:{_ASKED}|{_ON_REQUEST}(?:的)?(?:申请件?|信件)?"
          r"|公开申请)(?:办理事项|事项)?"
          rf"{_TOTAL}(?:为)?{_N}(?:件|个|份|条|项|宗){_UNFINISHED_TOO}", _processed_in_whole),
    _rule("applications_processed",
          rf"(?:(?<!期)答复(?:的)?(?:{_ASKED}|申请)|(?:申请|{_ON_REQUEST})的?答复总?数){_TOTAL}(?:为)?"
          rf"{_N}(?:件|个|份|条)"),
    _rule("applications_processed",
          rf"{_CLAUSE_START}(?:办结|答复|回复|办理|处理|(?<=已)完成)(?:处理|办理|办结)?(?:完毕|完成)?{_TOTAL}{_N}"
          r"(?:件|个|份|条|宗|(?=[，,；;。]))",
          _after_application),
    _rule("applications_processed",  # 办理政府信息依申请公开件8件 (not 处理…件98件,办结99件: in hand)
          rf"办理{_ON_REQUEST}件{_TOTAL}{_N}(?:件|个|份){_UNFINISHED_TOO}", _processed_in_whole),
    _rule("applications_processed",  # 共办理公民、法人和其他组织提出的政府信息公开申请71件 (rule 6)
          rf"办理(?:了)?{_GAP}{{0,20}}?(?:{_ASKED}|{_ON_REQUEST}){_TOTAL}{_N}(?:件|个|份){_UNFINISHED_TOO}",
          _processed_in_whole),
    _rule("applications_processed",  # 无依申请公开事项办理记录
          r"(?:无|没有)依申请公开(?:事项)?(?:的)?(?:办理|处理)(?:记录|情况)"),
    _rule("applications_processed",  # 共办理4件政府信息公开申请: the count before the requests
          rf"(?:办理|处理|办结)(?:了)?{_TOTAL}{_N}(?:件|个|份)(?:的)?(?:{_ASKED}|{_ON_REQUEST}(?:申请|事项)?)"
          rf"{_UNFINISHED_TOO}", _processed_in_whole),
    _rule("applications_processed",  # 受理…19件,其中18件已在法定期限内予以答复
          rf"其中{_N}(?:件|个|份)(?:已|均)?(?:在法定期限内|按时|依法)?(?:予以)?(?:答复|办结|回复)",
          _after_application),
    _rule("applications_processed",  # 受理…申请10件,10件已按时办结
          rf"(?<![^，,；;]){_N}(?:件|个|份)(?:申请)?(?:已|均)(?:全部)?(?:在法定期限内|按时|依法)?(?:予以)?"
          r"(?:答复|办结|回复)", _after_application),
    _rule("applications_processed",  # 在办结的5件申请中, 在已经答复的1件申请中
          rf"(?:已经?)?(?:办结|答复|回复|办理完毕)的{_N}(?:件|个|份)(?:申请)?中"),
    _rule("applications_processed",  # 收到并办理群众提出的信息公开申请23件: both (rule 9)
          rf"{_RECEIVED}(?:并|和|及|、)(?:办理|处理|办结|答复){_GAP}{{0,12}}?(?:{_ASKED}|{_ON_REQUEST})"
          rf"{_TOTAL}{_N}(?:件|个|份)"),
    _rule("applications_processed",  # 全年未发生依申请和处理政府信息
          r"(?:未|没有)(?:发生)?(?:依申请|收到|受理)(?:公开)?(?:和|及|并)(?:处理|办理|答复)"),
    _rule("applications_processed",  # 未收到和处理政府信息公开申请
          r"(?:未|没有|无)(?:收到|受理)(?:和|及|并|、)(?:处理|办理|答复)(?:过)?[^，,。；;\n]{0,12}?申请"),
    _rule("applications_processed",
          r"(?:不存在|没有|无)(?:政府信息(?:公开)?)?(?:申请)?(?:的)?(?:答复|办理|处理){1,2}情况"),
    _rule("applications_processed",  # 未收到…申请，故无办理此类信息公开
          r"(?:无|没有)(?:办理|处理|答复)(?:此类|相关|该类)?(?:政府)?(?:信息公开|申请)", _after_application),
    _rule("applications_carried_forward",
          rf"(?:结转|转){_NEXT_YEAR}(?:继续)?(?:办理|处理|答复)?(?:的)?(?:申请)?{_TOTAL}(?:为)?"
          rf"{_N}(?:件|个|份|条|宗|(?=[，,；;。]|$))"),
    _rule("applications_carried_forward",
          rf"{_N}(?:件|个|份)(?:申请)?(?:结转|转|顺延){_NEXT_YEAR}", _after_application),
    _rule("applications_carried_forward",  # 1件结转至2023年度办理
          rf"{_N}(?:件|个|份)(?:申请)?(?:结转|转|顺延)(?:至|到|入)?(?P<y>\d{{4}})年(?:度)?",
          _after_application),
    _rule("applications_carried_forward",  # 结转2025年183件, 结转2020年继续办理的6件
          rf"(?:结转|转)(?:至|到|入)?(?P<y>\d{{4}})年(?:度)?(?:继续)?(?:办理|处理)?(?:的)?{_N}(?:件|个|份)",
          _after_application),
    _rule("applications_carried_forward",  # …办结的5件申请中…。另2件申请按规定结转下年度继续办理
          rf"另{_N}(?:件|个|份|例)(?:申请)?(?:按规定|依法)?(?:结转|转|顺延){_NEXT_YEAR}"),
    _rule("applications_carried_forward",  # (2022年…) 剩余4件转2023年办理: the year after
          rf"(?:剩余|剩下|尚有|还有){_N}(?:件|个|份)(?:申请)?(?:结转|转|顺延)(?:至|到|入)?"
          rf"(?P<y>\d{{4}})年(?:度)?(?:继续)?(?:办理|处理)"),
    _rule("applications_carried_forward",
          rf"(?:无|没有|不存在)(?:(?:结转|转结){_NEXT_YEAR}|下(?:一)?年(?:度)?结转)"),
    _rule("administrative_reviews",
          rf"(?:行政)?复议(?:的)?(?:案件?|申请)?(?:数量)?(?:有)?{_TOTAL}(?:为)?{_N}(?:件|起|宗|个|次|(?=[，,；;。]))"
          # …行政复议144件,120件做了复议决定: cases the body decided as the reviewer
          r"(?![^。；;]{0,20}(?:做了|作出|做出)(?:了)?复议决定)", _not_as_reviewer),
    _rule("administrative_reviews",
          rf"{_N}(?:件|份|起)(?:因[^，,。；;]{{0,16}}?提起的?)?(?:有关|涉及)?(?:政府信息公开)?(?:的)?行政复议"
          r"(?!(?:和|、|及|与)(?:提起)?行政诉讼)"),
    _rule("administrative_reviews",
          r"行政复议(?:程序|案件)?(?:和|、|及|与)(?:提起)?行政诉讼(?:程序|案件)?(?:数量)?"
          r"(?:均为|均|各|都为|都是|共计|共|为)?(?:0|零)(?![\d.])"),
    _rule("administrative_reviews",
          r"(?:未发生|未出现|未产生|未引起|未引发|没有发生|未被申请|未收到|未接到|未因|没有|无)[^，,。；;\n]{0,28}?(?:行政)?复议"
          r"(?!被?纠错|败诉)"),
    _rule("administrative_litigations",
          rf"行政诉讼(?:案件)?(?:数量)?(?:均为|均|各|都为|都是)?{_TOTAL}(?:为)?{_N}(?:件|起|宗|个|次)"),
    _rule("administrative_litigations",
          r"(?:未发生|未出现|没有发生|未被(?:提起)?|没有|无)[^，,。；;\n]{0,24}?行政诉讼"),
    _rule("processing_fees_yuan",
          rf"收取(?:政府信息公开)?(?:信息处理费|费用){_TOTAL}{_N}元"),
    _rule("processing_fees_yuan",
          r"(?:未|没有|无)(?:发生)?(?:向申请人)?收(?:取|费)(?:[^，,。；;\n]{0,16}?(?:信息处理费)|情况)"),
)

# The facts that are money (decimals allowed); every other fact is a count, an integer.
AMOUNT_FACTS = frozenset({"processing_fees_yuan"})
# Numbers read for their cell only: the simulator's facts and the database's stay as they were.
_CELL_ONLY = frozenset({"applications_carried_over", "applications_processed",
                        "applications_carried_forward"})

# The words without which no rule of a fact can match: most sentences state no fact, and a
# substring test tells so far faster than the rules' regular expressions.
_CUES = {
    "active_disclosure_items": ("主动公开", "主动发布", "公开政府信息"),
    "applications_received": ("申请", "要求公开", "依申"),
    "applications_carried_over": ("结转", "遗留", "转办", "转结"),
    "applications_granted": ("予以公开", "同意公开", "全部公开", "公开范围", "件已公开", "件均已公开",
                             "件已经公开", "条已公开", "，公开", ",公开", "；公开", ";公开", "，已公开",
                             ",已公开"),
    "applications_partially_granted": ("部分公开",),
    "applications_processed": ("办结", "办理", "处理", "答复", "回复", "完成"),
    "applications_carried_forward": ("下年", "下一年", "剩余", "剩下", "尚有", "还有", "结转"),
    "administrative_reviews": ("复议",),
    "administrative_litigations": ("诉讼",),
    "processing_fees_yuan": ("收取", "收费"),
}
# Every cue where it stands, overlaps included (部分公开范围 holds 部分公开 and 公开范围).
_ANY_CUE = re.compile("(?=(" + "|".join(cue for cues in _CUES.values() for cue in cues) + "))")
_NAMES_OF_CUE = {cue: {name for name, cues in _CUES.items() if cue in cues}
                 for cues in _CUES.values() for cue in cues}

# The canonical cell of the facts that have one (docs/report-format.md): its total column.
_CELLS = {
    "applications_received": ("applications", "new_received"),
    "applications_carried_over": ("applications", "carried_over"),
    "applications_granted": ("applications", "granted"),
    "applications_partially_granted": ("applications", "partially_granted"),
    "applications_processed": ("applications", "total_processed"),
    "applications_carried_forward": ("applications", "carried_forward"),
    "administrative_reviews": ("review_litigation", "review"),
}
_ROW_LABELS = {**dict(application_rows(GB2021)), **dict(REVIEW_ROWS)}
_TOTAL_LABEL = dict(APPLICANT_COLUMNS)["total"]

# An aside in brackets, unless it says how many requests came from last year: that changes
# what the number before it means (41件（含上年度结转3件）) and gives carried_over.
_ASIDE = re.compile(r"（(?![^（）\n]{0,80}(?:结转|转结))[^（）\n]{0,80}）"
                    r"|\((?![^()\n]{0,80}(?:结转|转结))[^()\n]{0,80}\)")
_ASIDE_KEPT = re.compile(r"[(（][^()（）]*[)）]")  # its years are not the sentence's
_SENTENCE_END = "。；;！？!?："
_FULL_STOP = "。！？!?\n"
_NUMBERED_LINE = re.compile(r"^(?:[一二三四五六七八九十]{1,2}、|[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[.、．])")
_EARLIER = re.compile(r"去年|上年|上一年|前年|同比")
# A year the sentence is about (not 结转2023年…, 转结至2025年度: where requests come from or go).
# (较2020年增加1件: a comparison names the year before, but the sentence is still this year's.)
_YEAR = re.compile(r"(?<!结转)(?<!转结)(?<!转至)(?<!转入)(?<!转到)(?<!至)(?<!较)(?<!比)(\d{4})年")
_WRAPPED_LINE = 20  # a PDF line this long that ends mid-sentence continues on the next line
# A figure counted for every body of an area (全市各级行政机关主动公开政府信息53393条): the
# report sums its area, and its prose numbers are not one body's own.
_AREA_SUM = re.compile(r"各级(?:各类)?(?:行政机关|政府部门|各部门)[^，,。；;\n]{0,16}?\d+(?:条|件)"
                       # 全区受理依申请公开件255件: the whole area's requests, not one body's
                       r"|全(?:省|区|县|市|州|旗|盟)(?:各级|各部门)?(?:共|共计)?(?:受理|收到|接收|处理|办理|办结)"
                       r"[^，,。；;\n]{0,16}?\d+件"
                       # 全县政府系统各单位收到依申请公开共2件
                       r"|全(?:区|县|市|州|旗|盟)[^，,。；;\n]{0,8}?各(?:单位|部门|乡镇|级)"
                       r"[^，,。；;\n]{0,4}?(?:受理|收到|接收|处理|办理|办结)[^，,。；;\n]{0,16}?\d+件"
                       # …受理57件…。其中,县级政府受理并完成申请答复6件: the 57 is the county's
                       r"|其中[，,]?(?:县|区|市|旗|州)级(?:人民)?政府(?:本级)?(?:受理|收到)"
                       # 兰州市政府及组成部门共收到…12件: the government and all its departments
                       r"|政府及(?:其)?(?:组成|所属|各)部门[^，,。；;\n]{0,6}?(?:共|共计)?(?:收到|受理)")


def read_facts(doc: Document) -> tuple[list[Fact], list[CellValue]]:
    """The facts the prose states (first statement of each wins), and their cells."""
    year = report_year(doc)
    text = _prose(doc)
    found: dict[str, tuple[int, Fact, str]] = {}
    for sentence_start, sentence in _sentences(text):
        names = {name for cue in set(_ANY_CUE.findall(sentence)) for name in _NAMES_OF_CUE[cue]}
        for rule in _RULES:
            if rule.name not in names:
                continue
            for match in rule.pattern.finditer(sentence):
                at = sentence_start + match.start()
                if rule.name in found and found[rule.name][0] <= at:
                    break
                if _about_other_year(sentence, match.start(), year):
                    continue
                before = (_paragraph_before(text, at) if rule.applies is _after_application
                          else _sentence_before(text, at))
                if rule.applies and not rule.applies(before, match):
                    continue
                if not _named_year_fits(rule.name, match, year):
                    continue
                number = match.groupdict().get("n")
                value = to_number(number) if number is not None else 0
                if value is None:
                    continue
                if rule.name not in AMOUNT_FACTS:
                    value = whole(value)
                found[rule.name] = (at, Fact(rule.name, value, match.group(0)),
                                    number or match.group(0))
                break
    statements = sorted(found.values(), key=lambda item: item[0])
    facts = [fact for _, fact, _ in statements if fact.name not in _CELL_ONLY]
    own = _AREA_SUM.search(text) is None
    cells = [_cell(fact, raw) for _, fact, raw in statements if own and fact.name in _CELLS]
    return facts, cells


def _cell(fact: Fact, raw: str) -> CellValue:
    table, row = _CELLS[fact.name]
    label = f"{_ROW_LABELS[row]} / {_TOTAL_LABEL}"
    return CellValue(table, row, "total", fact.value, raw, label, source="prose")


def _prose(doc: Document) -> str:
    """The paragraphs as one text, folded (full-width digits, traditional characters: 申請,
    復議), asides in brackets removed, whitespace dropped, and lines a PDF wrapped
    mid-sentence joined again (a boundary stays after a sentence or a heading)."""
    paragraphs = "\n".join(block.text for block in doc.blocks if block.kind == "para")
    out: list[str] = []
    for line in filter(None, squeeze_lines(ascii_digits(simplified(paragraphs)))):
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


def _sentence_before(text: str, at: int) -> str:
    """The text from the start of the full sentence (after 。 or a line break; a ； does not
    end it) up to ``at``: what a number's sense may depend on."""
    return text[_sentence_start(text, at):at]


def _sentence_start(text: str, at: int) -> int:
    """Where the full sentence holding ``at`` starts; a sentence that opens with 其中 is a
    breakdown of the one before (…申请16件。其中8件已公开), which it starts with."""
    start = max(text.rfind(c, 0, at) for c in _FULL_STOP) + 1
    if text.startswith("其中", start) and start > 1:
        start = max(text.rfind(c, 0, start - 1) for c in _FULL_STOP) + 1
    return start


def _paragraph_before(text: str, at: int) -> str:
    """The text from the start of the paragraph up to ``at``."""
    return text[text.rfind("\n", 0, at) + 1:at]


def _named_year_fits(name: str, match: re.Match[str], year: int | None) -> bool:
    """A rule that names the year its requests come from or go to (group ``y``) counts
    only for the year before the report's (carried over) or after it (carried forward)."""
    named = match.groupdict().get("y")
    if named is None:
        return True
    step = -1 if name == "applications_carried_over" else 1
    return year is not None and int(named) == year + step


def _about_other_year(sentence: str, at: int, year: int | None) -> bool:
    """A number about an earlier year: its clause says 去年/上年, or the last year named before
    it in the sentence is earlier than the report year."""
    clause_start = max(sentence.rfind(c, 0, at) for c in "，,")
    if _EARLIER.search(sentence[clause_start + 1:at]):
        return True
    years = _YEAR.findall(_ASIDE_KEPT.sub("", sentence[:at]))
    return bool(year and years and int(years[-1]) < year)
