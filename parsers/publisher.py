"""Who published a report: the body as the report names itself.

The report's own words decide, in this order: its title and the opening sentence
(本报告由…编制, 现公布…年度报告, 现将2021年X政府信息公开情况报告如下), reconciled; the signature
(落款); then what stored page excerpts, which often keep neither title nor signature, still
show: the overview's subject (2022年，区政府办公室认真贯彻…), the place a report calls 我旗 or
我镇, the container's or the page's 发布机构 (发布机构 | 北街办事处), the contact line
(请与…联系). Page chrome (无障碍, breadcrumbs) is the title reader's to drop
(``parsers.titles``). A name is never guessed from the URL's host: where the text names no
body, there is none.

Every finder reads the squeezed text folded to simplified characters
(``parsers.traditional``); ``as_written`` gives the name back in the report's own characters.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from parsers.numerals import YEAR
from parsers.titles import clean_title
from parsers.traditional import simplified

# 现公布/现公开/现发布《X2022年…》, 现公布X政府信息公开工作年度报告 (no year).
PUBLISHED_AS = re.compile(rf"(?:(?:现|特)(?:向社会)?|向社会)(?:予以)?(?:公布|公开|发布)《?(?:\d{{4}}年度?)?(.{{2,40}}?)"
                          rf"(?:{YEAR}年|(?<!人民)政府信息公开|信息公开|政务公开)")
# 现将2021年迎宾路街道办事处政府信息公开情况报告如下: the body after the year.
_REPORTED_AS = re.compile(rf"现将{YEAR}年度?(.{{2,30}}?)(?:政府信息公开|政务公开|信息公开)")
# 大竹县2009年政府信息公开工作年度报告(以下简称年报)根据…: a report that opens with its title.
_OPENS_WITH_TITLE = re.compile(r"^([^，,。\d]{2,30}?)\d{4}年度?(?:政府信息公开|政务公开)[^。，,\d]{0,8}?"
                               r"(?:年度报告|年报)(?:[（(]以下简称|根据|依据|是根据|按照)")
# 结合天津港保税区政府信息公开情况编制, 2017年峄山镇人民政府及各部门信息公开工作情况编制: the body
# whose work the report describes.
_WORK_OF = re.compile(r"(?:结合|\d{4}年度?)([^，,。和及\d]{2,20}?)(?:及各部门)?(?:(?<!人民)政府信息公开|信息公开)"
                      r"(?:工作)?(?:实际)?情况(?:编制|编写|制定)")
# 特编制湛江市人民政府地方志办公室2023年政府信息公开工作年度报告: the body before the year.
_COMPILED_AS = re.compile(r"编制(?:了)?《?([^，,。《\d]{2,30}?)\d{4}年度?(?:政府信息公开|政务公开|信息公开)")
# 现将咸阳市人民政府2022年政府信息公开工作年度报告予以公开, 现将茅坪回族镇2022年度…报告如下.
_REPORTED_BEFORE_YEAR = re.compile(r"现将([^。，,；;\d]{2,30}?)\d{4}年度?(?:政府信息公开|政务公开|信息公开)")
_COMPILED_BY = re.compile(r"由([^。，,；;由]{2,40}?)(?=按照|根据|依据|依照|结合|具体|负责|在|编制|编写|制作|汇总|综合(?=各|全))")
_COMPILING = re.compile(r"[^。]{0,300}?(?:编制|编写|制作|汇总)")
_CONTACT = re.compile(r"(?:请|可|欢迎|敬请|或)(?:直接)?(?:与|同|向)(.{2,40}?)(?:联系|联络|[（(](?:地址|电话))"
                      r"|请联系(.{2,40}?)[，,（(]")
# (西藏自治区政府国资委2020政府信息公开工作年度报告: a title may drop the 年 after its year.)
_TITLE_ORG = re.compile(rf"^(?:关于)?(.*?)(?:关于)?{YEAR}(?:年|(?=度|政府|信息|政务))")
_TITLE_ORG_AFTER_YEAR = re.compile(rf"^{YEAR}年度?(.+?)(?:关于)?(?:(?<!人民)政府信息公开|政务公开|信息公开)")
_TITLE_ORG_AFTER_LABEL = re.compile(rf"^{YEAR}(?:年报|年度?(?:年报|报告))[_\-－—]+([^_\-－—]{{2,30}})$")
_TITLE_ORG_NO_YEAR = re.compile(r"^(?:关于)?(.+?)(?:关于)?(?:(?<!人民)政府信息公开|政务公开|信息公开)")
# The overview opens with the year and the body doing something: 2022年，区政府办公室认真贯彻…,
# 2025年中仓街道积极推动…, 2019年，清水县政府信息公开工作以… (the subject ends where the verb or
# the work begins).
_SUBJECT = re.compile(
    r"(?:\d{4}年(?:度|内)?|本年度|今年|(?<=要求)[，,])[，,]?(?:在[^，,。]{2,30}?(?:领导|指导)下[，,])?([\u4e00-\u9fff（）()]{2,30}?)(?=认真|坚持|积极|严格|深入|全面|按照|紧紧|紧扣|紧密"
    r"|围绕|持续|扎实|不断|始终|进一步|高度|以习|以提升|以推进|聚焦|继续|着力|切实|牢牢|立足|主动|大力|结合|贯彻|落实"
    r"|通过|依托|强化|加强|加大|推进|稳步|注重|坚决|根据|依据|遵循|本着|共计|共主动|共收到|共受理|共办理|共处理"
    r"|在[^，,。]{2,30}?(?:领导|指导)下"
    r"|(?:政府)?信息公开工作|政务公开工作)")
# 我县/我旗/我镇…: the report calls itself by its kind of place; the first place of that kind
# it names after a break, as a government (。崇礼镇政府信息公开工作依托…, ，乌拉特前旗政府网站), is
# the body.
_KINDS = ("县", "区", "市", "旗", "镇", "乡", "街道", "苏木")
_SELF = re.compile(f"我({'|'.join(_KINDS)})")
# (我苏木成立哈日诺尔苏木政府信息公开领导小组: a group set up is named after its body; 完善横山镇
# 信息公开工作机制: the work improved is the body's own.)
_NAMED_AFTER_BREAK = {kind: re.compile(rf"(?:^|[，,。；;：:、\n（(“《]|成立)((?:(?!成立)[\u4e00-\u9fff]){{2,10}}?{kind})"
                                       r"(?=(?:人民)?政府|办事处|党委|党工委)"
                                       rf"|(?:完善|健全)((?:(?!完善|健全)[\u4e00-\u9fff]){{2,10}}?{kind})"
                                       r"(?=信息公开|政务公开)")
                      for kind in _KINDS}
# 我局, 本委, 我厅, or a sentence that opens with bare 街道 (街道收到依申请公开…): the report's own
# body, of that kind (``_self_body``).
_SELF_BODY = re.compile(r"[我本](局|委|厅|街道|单位)(?![员托长])|(?:^|[。；;，,\n])(街道)(?=[\u4e00-\u9fff])")
_SELF_KINDS = {"局": "局", "委": "委员会|委", "厅": "厅", "街道": "街道", "单位": "局|委员会|中心"}
_NOT_AFTER_BODY = set("长面势限员托属级")
# What ends the words before a name (补充了|甘南州…局, 政府信息管理完成|街道…: a verb or a break).
_BEFORE_BODY = re.compile(r"[^\u4e00-\u9fff]|[了从在对向与为将由把被是按据即的我本]"
                          r"|完成|开展|做好|组织|召开|建立|健全|制定|印发|更新|明确|推动|全面|通过|依托")
_PLACE_FIRST = re.compile(r"[\u4e00-\u9fff]{1,6}?(?:省|自治区|市|自治州|州|盟|地区|区|县|旗)")
# The xxgk metadata lines a stored page starts with: 发布机构 | 北街办事处, 来源:内黄县人民政府办公室.
_HEAD_PUBLISHER = re.compile(r"(?:发布机构|信息来源|来源)\s*[:：|｜]\s*([\u4e00-\u9fff（）()]{2,40})")
_HEAD_LINES = 20
_HEAD_KEY = re.compile(r"发布机构|信息来源|来源")

_GOVERNMENT = re.compile(r"^.*?(?:人民政府|办事处)")
# The offices inside a body that compile its report or answer its telephone: never a body.
_INNER_OFFICE = (r"党政综合办公室|党政办公室|党政办|综合办公室|综合办|政务公开办公室|政务公开办|信息公开办公室"
                 r"|信息办公室|信息办|综合科|秘书科|综合处|信息处|秘书处")
_OFFICE = re.compile(rf"(?:{_INNER_OFFICE}|办公室|办公厅)$")
# A compiler that is the government's disclosure office, not a body of its own:
# 南平市人民政府信息公开工作领导小组办公室, 内黄县政府信息公开领导小组办公室, 双牌县政务公开领导小组办公室.
_DISCLOSURE_OFFICE = re.compile(r"^(.+?)(人民政府)?(?:政府)?(?:信息公开|政务公开)(?:工作)?(?:领导小组)?"
                                r"(?:办公室|办|机构)$")  # …镇人民政府政务公开工作机构
ORG_END = re.compile(r"(?:政府|办事处|局|委员会|委|办公室|办|中心|院|所|站|队|处|厅|部|会|馆|公司|集团)$")
# What a name ends with when it names a body or a place standing for it.
_BODY_END = re.compile(r"(?:政府|办事处|街道|镇|乡|苏木|县|区|市|旗|州|盟|省|局|委员会|管委会|委|办公室|办公厅"
                       r"|厅|办|中心|院|公司)$")
# What stands where a name may but names no body: 全市, 各乡镇, 本机关, 区政府 alone, a verb
# (通过政府网站, 按照财政局…), a clause (重点强化了对旗).
_NOT_A_NAME = re.compile(r"^(?:全|各|本|我|该|此|上级|所属|辖区|通过|依托|按照|根据|依据|结合|在|对|由|经(?!济(?:技术)?开发区)|请|与|向|可|将|把"
                         r"|公民|法人|个人|群众|申请人"
                         r"|[一二三四五六七八九十]是|编制|制作|并|公布|发布|公开)"
                         r"|发挥|加强|推进|落实|贯彻|围绕|本单位|^(?:街道)?办事处$"
                         r"|^(?:[省市县区镇乡旗])?(?:人民)?(?:政府|街道)$|[了的]|[全各本我该](?:[县区市旗镇乡]|街道)$")
_TOWNSHIP = re.compile(r"(?:镇|乡|街道)$")
# 济宁市汶上县 / 淮安市洪泽区: what may stand before a body's name in its fuller form.
_DIVISIONS = re.compile(r"(?:[\u4e00-\u9fff]{1,8}?(?:省|自治区|市|自治州|州|盟|地区|区|县|旗))+")
# Words a copying site injects into a page's text (新葡京博彩官网区人民政府北京街道办事处).
_SPAM_WORDS = re.compile(r"博彩|娱乐城|葡京|金沙城|赌场|彩票|官网")
# A short place name that only starts like a phrase: 对坊乡, 向阳镇, 经开区.
_PLACE_NAME = re.compile(r"(?![全各本我该此请与向由经在从为将]|[一二三四五六七八九十]是)(?!.*[了的])(?!.*[全各本我该此](?:乡|镇|县|区|市|旗|街道))"
                         r"[\u4e00-\u9fff]{2,3}(?:乡|镇|县|区|市|旗|街道)"
                         r"(?:人民政府|政府|办事处)?")
_SPAM_DOMAIN = re.compile(r"^[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.(?:com|cn|net|org|cc|top)")
OPENING_CHARS = 3000  # where the opening sentence and the overview's first lines are
# An office compiles or answers for its body (由海南省地震局办公室编制, 请与新华区人民政府办公室联系)
# and some offices report for themselves: the report's own words tell which. 我办 is the
# office speaking; the body named bare (海南省地震局坚持…), or called as its own kind calls
# itself (我局, 我委, 县政府, 我镇), is the body speaking.
_OFFICE_OF = re.compile(r"^(.+?(?:人民政府|政府|办事处|街道|镇|乡|局|委员会|委|厅))(?:办公室|办公厅)$")
_SELF_OFFICE = re.compile(r"[我本]办(?![法理事公件结成])")
_BODY_KIND = re.compile(r"(?:([县区市旗镇乡])(?:人民)?政府|(局|委员会|委|厅)|(镇|乡|街道))$")


def clean_org(name: str | None) -> str | None:
    """A body's name, or None for what only looks like one: a self-reference (我局, 本机关),
    a phrase with 报告 or punctuation in it. The work that follows a name is dropped
    (河东乡政府信息公开 -> 河东乡), and so is an explanation in brackets (以下简称…)."""
    if not name:
        return None
    name = re.sub(r"[（(](?:以下简称|下称|简称)[^）)]*[）)]?$|[（(]机关[）)]$"
                  r"|(?<=.)[（(][^（）()]*(?:办公厅|办公室)[）)]$", "", name)  # 贵阳市人民政府(市人民政府办公厅)
    name = name.strip("《》〈〉<>“”\"'‘’「」:：，,、|｜ ")
    name = _SPAM_DOMAIN.sub("", name)  # a copying site's watermark: puroview.com溪下乡
    if _SPAM_WORDS.search(name):  # what follows the injected government's name, if a body
        name = re.sub(r"^.*?(?:人民政府|政府)(?=.{2,}(?:办事处|街道|镇|乡|局|委员会))", "", name)
        if _SPAM_WORDS.search(name):
            return None
    name = re.sub(r"^关于", "", name).removesuffix("的").removesuffix("关于")
    name = re.sub(r"(?:政府)?(?:信息公开|政务公开)(?:工作)?$", "", name) or name
    if not 2 <= len(name) <= 40 or re.search(r"报告|信息公开|[。；，,]|\d{4}|年度?$", name):
        return None
    if re.fullmatch(r"(?:政务|政府|政务信息|政府信息|信息|工作)+"  # 现将2021年度政务信息公开…
                    r"|(?:人民)?政府办(?:公室)?|办公室|党政(?:综合)?办(?:公室)?", name):  # whose office?
        return None
    if not re.fullmatch(r"[\u4e00-\u9fff\d（）()·]+", name) or (
            _NOT_A_NAME.search(name) and not _PLACE_NAME.fullmatch(name)):
        return None
    return name


def title_org(title: str | None) -> str | None:
    """The name before the year (or, in 2021年X政府信息公开…, after it) of a report's title."""
    text = simplified(clean_title(title or ""))
    if match := _TITLE_ORG_AFTER_LABEL.match(text):  # 2020年报_审计局: a file's name
        return clean_org(match.group(2))
    for pattern in (_TITLE_ORG, _TITLE_ORG_AFTER_YEAR, _TITLE_ORG_NO_YEAR):
        match = pattern.search(text)
        name = match.group(1) if match and pattern is not _TITLE_ORG_AFTER_YEAR else (
            match.group(2) if match else None)
        if name and (org := clean_org(name) or _titled_place(name)):
            return org
    return None


def _titled_place(name: str) -> str | None:
    """A place whose name reads like a phrase (下各镇: 各镇) is still a place where a title
    names it before its year."""
    return name if re.fullmatch(r"[\u4e00-\u9fff]{1,4}(?:镇|乡|街道)", name) else None


def _opening_org(text: str, compiler: str | None) -> str | None:
    """The body the opening sentence names: 本报告由X编制 (``compiler``, ``compiled_by``: a
    body, or the government's disclosure office standing for the government), 现公布X2022年…
    年度报告, 现将2021年X政府信息公开情况报告如下."""
    if compiler:
        return compiler
    head = text[:OPENING_CHARS]
    for pattern, group in ((PUBLISHED_AS, 1), (_COMPILED_AS, 1), (_REPORTED_AS, 2),
                           (_REPORTED_BEFORE_YEAR, 1),
                           (_OPENS_WITH_TITLE, 1), (_WORK_OF, 1)):
        match = pattern.search(head)
        if match and (org := clean_org(match.group(group))):
            return org
    return None


def compiled_by(text: str) -> str | None:
    """本报告由X编制: the body the compiler stands for."""
    head = text[:OPENING_CHARS]
    for match in _COMPILED_BY.finditer(head):
        if _COMPILING.match(head, match.end()) and (org := _compiler(match.group(1), text)):
            return org
    return None


def _compiler(name: str, text: str) -> str | None:
    """The body a compiler stands for: itself, its own inner office dropped (两城镇人民政府党政
    办公室 -> 两城镇人民政府), or the government whose disclosure office it is."""
    name = re.sub(rf"(?<=.)(?:{_INNER_OFFICE})$", "", name)
    office = _DISCLOSURE_OFFICE.match(name)
    if office:
        return _disclosure_body(office, text)
    return clean_org(name)


def _disclosure_body(office: re.Match[str], text: str) -> str | None:
    """The government a disclosure office (X政务公开领导小组办公室) belongs to, named as the text
    writes it: 南宁市良庆区政务公开…办公室 with 良庆区人民政府 in the text gives 良庆区人民政府,
    青岛市政府信息公开办公室 with 青岛市政府各部门 gives 青岛市政府; the place alone where the text
    writes no government of it."""
    place, government = office.group(1), office.group(2)
    if government or not re.search(r"(?:省|自治区|市|州|盟|区|县|旗|镇|乡|街道)$", place):
        return clean_org(place + (government or ""))
    tails = [place] + [place[i + 1:] for i, char in enumerate(place[:-2]) if char in "省区市州盟县旗"]
    for tail in tails:
        for written in (f"{tail}人民政府", f"{tail}政府"):
            if re.search(rf"{re.escape(written)}(?!信息公开|政务公开)", text):
                return clean_org(written)
    return clean_org(place)


def _contact_name(text: str) -> str | None:
    """请与X联系: X as written."""
    match = _CONTACT.search(text)
    return (match.group(1) or match.group(2)) if match else None


def _contact_org(name: str | None, text: str) -> str | None:
    """The contact line's X: the government X names, or X without the office one calls."""
    if not name:
        return None
    if office := _DISCLOSURE_OFFICE.match(name):  # 青龙镇政府信息公开领导小组办公室
        return _disclosure_body(office, text)
    government = _GOVERNMENT.match(name)
    name = government.group(0) if government else _OFFICE.sub("", name) or name
    return clean_org(name)


def _contact_office(name: str | None) -> str | None:
    """请与X办公室联系: the office itself, for a report the office writes of itself (我办)."""
    name = clean_org(name) if name else None
    return name if name and _OFFICE.search(name) else None


def _subject_org(text: str) -> str | None:
    """The overview's subject: 2022年，区政府办公室认真贯彻… (a name of a body or place)."""
    head = text[:OPENING_CHARS]
    for match in _SUBJECT.finditer(head):
        if _inside_title(head, match.start(1)):  # 按照《2017 年浙江省政务公开工作要点》: a document's
            continue
        name = clean_org(match.group(1))
        if name and _BODY_END.search(name):
            return name
    return None


def _counted_subject(subject: str | None, text: str) -> str | None:
    """The overview's subject; but where that is a government office and a township (street)
    is the subject of the report's own counts (2024年,寻召乡主动公开政务信息数545条), the
    township: the office's sentence a template's leftover (he-pingxiang-xunzhaoxiang)."""
    if subject and _OFFICE.search(subject):
        counted = _COUNTING_TOWNSHIP.search(text[:OPENING_CHARS])
        if counted and (name := clean_org(counted.group(1))):
            return name
    return subject


_COUNTING_TOWNSHIP = re.compile(r"(?:\d{4}年度?[，,]?)([\u4e00-\u9fff]{2,8}?(?:镇|乡|街道))"
                                r"(?=主动公开|共收到|收到|没有收到|未收到|共受理|受理)")


def _inside_title(text: str, at: int) -> bool:
    """Whether ``at`` lies inside another document's title (《2017年浙江省政务公开工作要点》),
    whose names are not the report's; the report's own title (编制了《2021年色威镇…年度报告》) is."""
    opened = text.rfind("《", max(0, at - 60), at)
    if opened < 0 or text.rfind("》", opened, at) >= 0:
        return False
    closed = text.find("》", at)
    cited = text[opened:closed if closed >= 0 else at + 60]
    return re.search(r"年度?报告|年报", cited) is None


def _self_named(text: str) -> str | None:
    """The place a report calls 我旗 (我县, 我镇…): the first 旗 it names as a government."""
    self_ref = _SELF.search(text[:OPENING_CHARS])
    if not self_ref:
        return None
    for match in _NAMED_AFTER_BREAK[self_ref.group(1)].finditer(text[:OPENING_CHARS * 2]):
        if name := clean_org(match.group(1) or match.group(2)):
            return name
    return None


def _self_body(text: str) -> str | None:
    """The body a report calls 我局 (我委, 本厅) or, opening its sentences, bare 街道 (街道收到…),
    where nothing else names it: the name of that kind it uses most, with its place
    (补充了甘南州自然资源局信息公开领导小组 -> 甘南州自然资源局; 《友谊路街道主动公开事项目录》
    -> 友谊路街道)."""
    head = text[:OPENING_CHARS]
    self_ref = _SELF_BODY.search(head)
    if self_ref is None:
        return None
    kind = self_ref.group(1) or self_ref.group(2)
    found: dict[str, int] = {}
    for match in re.finditer(_SELF_KINDS[kind], head):
        if head[match.end():match.end() + 1] in _NOT_AFTER_BODY:
            continue
        before = _BEFORE_BODY.split(head[max(0, match.start() - 14):match.start()])[-1]
        before = before.rsplit(match.group(0), 1)[-1]  # 街道通过…大溪沟街道: the last one
        if not _may_name(kind, before):
            continue
        if name := clean_org(before + match.group(0)):
            found[name] = found.get(name, 0) + 1
    return max(found, key=lambda name: found[name]) if found else None


def _may_name(kind: str, before: str) -> bool:
    """Whether the words before a 局/委/厅 (街道, a 单位's organ) can be its name: a place
    first (甘南州…), or for a street any two characters, for 我单位's organ four or more."""
    placed = _PLACE_FIRST.match(before) is not None
    if kind == "街道":
        return len(before) >= 2
    if kind == "单位":
        return len(before) >= 2 and (placed or len(before) >= 4)
    return len(before) >= 2 and placed


def head_publisher(lines: Sequence[str]) -> str | None:
    """发布机构 / 来源 in the metadata lines a stored page starts with (a name that names a
    body: not 本网, not a bare 政府办公室)."""
    head = [line.strip(" \t•·-*|") for line in lines[:_HEAD_LINES]]
    for i, line in enumerate(head):
        if _HEAD_KEY.fullmatch(simplified(line)):  # • 发布机构 / 建水县面甸镇人民政府: a line each
            line = f"{line}:{next((v for v in head[i + 1:i + 3] if v), '')}"
        match = _HEAD_PUBLISHER.search(simplified(line))
        if match:
            name = clean_org(match.group(1))
            generic = name and re.fullmatch(r"(?:人民)?政府(?:办公室|办)?|办公室", name)
            return name if name and ORG_END.search(name) and not generic else None
    return None


def find_org(text: str, from_title: str | None, signature_org: str | None,
             publisher: str | None) -> str | None:
    """The body as the report names itself: the title's name and the opening sentence's,
    reconciled; else the signature's, the overview's subject, the place it calls 我X, the
    container's or the page's 发布机构, the contact line's. A township's short name is completed
    (大张楼镇 -> 大张楼镇人民政府) only when the report writes it so; then the fullest form the
    report uses (杨店镇人民政府 -> 济宁市汶上县杨店镇人民政府 from its contact line)."""
    compiler = compiled_by(text)
    from_opening = _opening_org(text, compiler)
    contact_name = _contact_name(text)
    contact = _contact_org(contact_name, text)
    contact_office = _contact_office(contact_name)
    subject = _subject_org(text)
    org = (_reconcile(from_title, from_opening, publisher) or signature_org
           or _counted_subject(subject, text) or _self_named(text) or publisher or contact
           or _self_body(text))
    if org is None:
        return None
    if _TOWNSHIP.search(org):
        org = next((org + s for s in ("人民政府", "办事处") if org + s in text), org)
    org = _place_office(org, subject, text) or org
    if not (from_title and _OFFICE.search(from_title)):  # a title naming an office is its own
        org = _speaker(org, text, contact_office, subject, compiled=org == compiler)
    fuller = [n for n in (from_opening, contact, signature_org, publisher)
              if n and n != org and n.endswith(org) and _DIVISIONS.fullmatch(n[: -len(org)])]
    return max(fuller, key=len) if fuller else _written_government(org, text)


def _written_government(org: str, text: str) -> str:
    """市政府 (县政府, 区政府), the government a report calls by its kind alone, in the one
    full form the text writes for a government of that kind (上海市人民政府); else as it is."""
    kind = re.fullmatch(r"([省市县区旗])(?:人民)?政府", org)
    if kind is None:
        return org
    written = set(re.findall(rf"(?<![\u4e00-\u9fff])([\u4e00-\u9fff]{{2,8}}{kind.group(1)}人民政府)"
                             rf"|(?<=[《“])([\u4e00-\u9fff]{{2,8}}{kind.group(1)}人民政府)", text))
    names = {re.sub(r"^[请与向由和及对在为从把将被的了]+", "", a or b) for a, b in written}
    return names.pop() if len(names) == 1 else org


def _place_office(place: str, subject: str | None, text: str) -> str | None:
    """A title that names a place (昆明市2009年…年度报告) over an overview whose subject is its
    government's office (2009年度，市政府办公厅按照…): the office's own report, named in the
    fullest form the text writes (昆明市人民政府办公厅), else not."""
    if not _DIVISIONS.fullmatch(place):
        return None
    office = _GOVERNMENT_OFFICE.fullmatch(subject or "")
    if office is None or not place.endswith(office.group(1)):
        return None
    written = re.search(rf"{re.escape(place)}(?:人民)?政府{office.group(2)}", text)
    return written.group(0) if written else None


_GOVERNMENT_OFFICE = re.compile(r"([省市州盟区县旗])(?:人民)?政府(办公厅|办公室)")


def _speaker(org: str, text: str, contact_office: str | None, subject: str | None,
             compiled: bool) -> str:
    """The body a report speaks for, when the name found is an office's or its body's
    (``compiled``: the office was found as the report's compiler; ``subject``: the
    overview's, ``_subject_org``)."""
    speaks_as_office = _SELF_OFFICE.search(text) is not None
    if speaks_as_office:
        office = re.sub(rf"(?<=办公室|办公厅)(?:{_INNER_OFFICE})$", "", contact_office or "")
        if office.startswith(org) and re.fullmatch(r"[\u4e00-\u9fff]{0,8}(?:办公室|办公厅)",
                                                    office[len(org):]):
            # 我办 … 请与新华区人民政府办公室联系, 请联系吉林市人民政府外事办公室综合处 (not
            # 北部湾办综合处)
            return office
        return org
    office = _OFFICE_OF.match(org) if compiled else None
    if office is None:
        return org
    body = office.group(1)
    if subject and _OFFICE.search(subject):  # 2025年，市政府办公室认真贯彻…: its own work
        return org
    # A government's name stands bare in every report (山西省人民政府网站); a bureau's, when
    # the bureau itself acts (海南省地震局坚持…).
    bare = not body.endswith("政府") and re.search(
        rf"{re.escape(body)}(?!办公室|办公厅|办)", text) is not None
    return body if bare or _calls_itself(body, text) else org


def _calls_itself(body: str, text: str) -> bool:
    """我局 for a 局, 我委 for a 委员会, 县政府 or 我县 for a county government, 我镇 for a 镇."""
    kind = _BODY_KIND.search(body)
    if kind is None:
        return False
    place, organ, township = kind.groups()
    if organ:
        short = "委" if organ == "委员会" else organ
        return re.search(f"[我本]{short}(?![员托])", text) is not None
    word = place or township
    return re.search(f"[我本]{word}|(?<![\u4e00-\u9fff]{{2}}){word}政府", text) is not None


def as_written(name: str | None, texts: list[tuple[str, str]]) -> str | None:
    """``name``, found in folded text, in the characters of the original (內蒙古自治區)."""
    if name is None:
        return None
    for folded, original in texts:
        if folded is not original and (at := folded.find(name)) >= 0:
            return original[at:at + len(name)]
    return name


def _reconcile(from_title: str | None, from_opening: str | None,
               publisher: str | None = None) -> str | None:
    """One name from the title's and the opening sentence's: 洪泽区人民政府 (title) and
    淮安市洪泽区人民政府办公室 (compiled by its office) give 淮安市洪泽区人民政府."""
    if not (from_title and from_opening):
        return from_opening or from_title
    if publisher and from_title in publisher and from_opening not in publisher and \
            from_opening not in from_title and from_title not in from_opening:
        return from_title  # the page's 发布机构 sides with the title (an opening copied wrong)
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
