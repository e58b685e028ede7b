"""The words of a generated report, modelled on the seed reports.

Sentences are the seeds' own, with the unit, year and numbers swapped in; structure quirks
(split titles, unnumbered or wrongly numbered headings, half-width parentheses, signatures)
are drawn per report. Numbers the prose states are returned as facts, consistent with the
tables.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .document import BLANK, HEADING, PARA, SIGNATURE, SUBHEADING, TABLE, TITLE, Block, Fact
from .tables import GB2019, GB2021, SECTION_TITLES, TABLE_OF_SECTION

_FORMAT_DOC = {GB2021: "国办公开办函〔2021〕30号", GB2019: "国办公开办函〔2019〕60号"}
_NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class ReportContext:
    """What the prose needs to know about the report being written."""

    org: str  # official name of the unit
    short: str
    kind: str
    county: str
    site_name: str
    site_url: str
    year: int
    layout: str  # gb2021 | gb2019 | pre2019 | none
    address: str
    phone: str
    published: str  # 2023-01-16
    active_items: int  # items the unit published proactively this year (a prose fact)
    received: int
    granted: int
    partially: int
    reviews: int
    litigations: int


def title_of(ctx: ReportContext, rng: random.Random) -> str:
    name = ctx.org if rng.random() < 0.7 or ctx.kind == "county" else ctx.short
    pattern = rng.choices(
        ["{n}{y}年政府信息公开工作年度报告", "{n}{y}年度政府信息公开工作年度报告",
         "{n}{y}年政府信息公开年度报告", "{n}关于{y}年政府信息公开工作的年度报告"],
        [70, 12, 12, 6])[0]
    return pattern.format(n=name, y=ctx.year)


def compose(ctx: ReportContext, title: str, rng: random.Random, *, tables: bool,
            ) -> tuple[list[Block], list[Fact]]:
    """Blocks of the whole report; sections 二-四 carry tables when ``tables`` is true.

    Without tables (prose-only reports), sections 二-四 are left out entirely, as in the seed
    ``004``; pre-2019 reports keep the older five-part structure.
    """
    facts: list[Fact] = []
    blocks: list[Block] = []
    if rng.random() < 0.35 and "政府信息公开" in title:
        head, tail = title.split("政府信息公开", 1)
        blocks.append(Block(TITLE, f"{head}政府信息公开\n{tail}"))
    else:
        blocks.append(Block(TITLE, title))
    blocks += _preamble(ctx, rng)
    quirky = rng.random() < 0.2  # a heading without its number, or （3） for （三）
    halfwidth = rng.random() < 0.3

    def heading(n: int, text: str | None = None) -> Block:
        text = text or SECTION_TITLES[n]
        if quirky and n in (2, 5) and rng.random() < 0.5:
            return Block(HEADING, text)
        return Block(HEADING, f"{_NUMERALS[n - 1]}、{text}")

    def sub(n: int, text: str) -> Block:
        if quirky and n == 3 and rng.random() < 0.5:
            return Block(SUBHEADING, f"（3） {text}")
        mark = f"({_NUMERALS[n - 1]})" if halfwidth else f"（{_NUMERALS[n - 1]}）"
        return Block(SUBHEADING, f"{mark}{text}")

    blocks.append(heading(1))
    blocks.append(Block(PARA, rng.choice(_OVERVIEW).format(y=ctx.year, s=ctx.short)))
    blocks.append(sub(1, rng.choice(["主动公开情况", "主动公开方面", "主动公开政府信息情况"])))
    active_text = f"主动公开政府信息{ctx.active_items}条"
    facts.append(Fact("active_disclosure_items", ctx.active_items, active_text))
    blocks.append(Block(PARA, rng.choice(_ACTIVE).format(
        y=ctx.year, s=ctx.short, fact=active_text, site=ctx.site_name,
        a=max(1, ctx.active_items // 3), b=max(1, ctx.active_items // 5))))
    blocks.append(sub(2, rng.choice(["依申请公开情况", "依申请公开方面"])))
    blocks.append(Block(PARA, _applications_sentence(ctx, rng, facts)))
    blocks.append(sub(3, "政府信息管理情况"))
    blocks.append(Block(PARA, rng.choice(_MANAGEMENT)))
    blocks.append(sub(4, "政府信息公开平台建设情况"))
    blocks.append(Block(PARA, rng.choice(_PLATFORM).format(s=ctx.short, site=ctx.site_name)))
    blocks.append(sub(5, "监督保障情况"))
    blocks.append(Block(PARA, rng.choice(_SUPERVISION).format(y=ctx.year, s=ctx.short)))
    if ctx.layout == "pre2019":
        blocks.append(Block(HEADING, "二、因政府信息公开申请行政复议、提起行政诉讼的情况"))
        text = (f"{ctx.year}年，本机关因政府信息公开被申请行政复议{ctx.reviews}件，"
                f"被提起行政诉讼{ctx.litigations}件。")
        facts.append(Fact("administrative_reviews", ctx.reviews, f"行政复议{ctx.reviews}件",
                          "review_litigation/review/total"))
        blocks.append(Block(PARA, text))
        first_tail = 3
    else:
        if tables:
            for n in (2, 3, 4):
                blocks.append(heading(n))
                blocks.append(Block(TABLE, table=TABLE_OF_SECTION[n],
                                    heading_in_image=f"{_NUMERALS[n - 1]}、{SECTION_TITLES[n]}"))
                if rng.random() < 0.3:
                    blocks.append(Block(BLANK))
        first_tail = 5
    blocks.append(heading(first_tail, SECTION_TITLES[5]) if first_tail == 5 else
                  Block(HEADING, f"{_NUMERALS[first_tail - 1]}、{SECTION_TITLES[5]}"))
    blocks += [Block(PARA, p.format(y=ctx.year, n=ctx.year + 1)) for p in rng.choice(_PROBLEMS)]
    blocks.append(heading(first_tail + 1, SECTION_TITLES[6]) if first_tail == 5 else
                  Block(HEADING, f"{_NUMERALS[first_tail]}、{SECTION_TITLES[6]}"))
    blocks += _other_matters(ctx, rng, sub)
    if rng.random() < 0.5:
        day = ctx.published
        blocks.append(Block(SIGNATURE, f"{ctx.org}\n{int(day[:4])}年{int(day[5:7])}月{int(day[8:10])}日"))
    return blocks, facts


def _preamble(ctx: ReportContext, rng: random.Random) -> list[Block]:
    if ctx.layout in (GB2021, GB2019) and rng.random() < 0.75:
        first = (f"本报告由{ctx.org}按照《中华人民共和国政府信息公开条例》（以下简称《条例》）和"
                 f"《中华人民共和国政府信息公开工作年度报告格式》（{_FORMAT_DOC[ctx.layout]}）要求编制。")
    else:
        first = (f"根据《中华人民共和国政府信息公开条例》(以下简称《条例》)要求，现公布{ctx.org}"
                 f"{ctx.year}年政府信息公开工作年度报告。")
    return [
        Block(PARA, first),
        Block(PARA, "本报告内容包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、"
                    "政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项等六部分内容。"),
        Block(PARA, f"本报告所列数据的统计期限自{ctx.year}年1月1日起至{ctx.year}年12月31日止。"
                    f"本报告电子版可在{ctx.site_name}门户网站（{ctx.site_url}）查阅或下载。"
                    f"如对本报告有疑问，请与{ctx.org}联系（地址：{ctx.address}，联系电话：{ctx.phone}）。"),
    ]


def _applications_sentence(ctx: ReportContext, rng: random.Random, facts: list[Fact]) -> str:
    if ctx.received == 0:
        if rng.random() < 0.5:
            facts.append(Fact("applications_received", 0, "受理政府信息公开申请0件",
                              "applications/new_received/total"))
            return "全年共受理政府信息公开申请0件。"
        return f"{ctx.year}年{ctx.short}未收到政府信息公开申请。"
    text = f"收到政府信息公开申请{ctx.received}件"
    facts.append(Fact("applications_received", ctx.received, text,
                      "applications/new_received/total"))
    parts = [f"{ctx.year}年我单位积极受理和回复政府信息公开申请，共{text}"]
    if ctx.granted:
        facts.append(Fact("applications_granted", ctx.granted, f"予以公开{ctx.granted}件",
                          "applications/granted/total"))
        parts.append(f"其中予以公开{ctx.granted}件")
    if ctx.partially:
        facts.append(Fact("applications_partially_granted", ctx.partially,
                          f"部分公开{ctx.partially}件", "applications/partially_granted/total"))
        parts.append(f"部分公开{ctx.partially}件")
    return "，".join(parts) + "，所有申请均按期答复。"


def _other_matters(ctx: ReportContext, rng: random.Random, sub) -> list[Block]:
    out = [sub(1, "依据《政府信息公开信息处理费管理办法》收取信息处理费的情况"),
           Block(PARA, rng.choice(["无。", f"{ctx.year}年未收取政府信息公开信息处理费。"])),
           sub(2, "落实上级年度政务公开工作要点情况"),
           Block(PARA, rng.choice(["全部落实。", f"严格落实{ctx.year}年度{ctx.county}政务公开工作要点，"
                                            "进一步细化了任务目标，落实职责分工，规范公开行为，提升公开质量。"])),
           sub(3, "人大代表建议和政协提案办理结果公开情况"),
           Block(PARA, f"{ctx.year}年共承办人大代表建议{rng.randint(0, 3) if ctx.kind != 'township' else 0}件，"
                       f"政协提案{rng.randint(0, 2) if ctx.kind != 'township' else 0}件。"),
           sub(4, "本行政机关年度政务公开工作创新情况"),
           Block(PARA, rng.choice(_INNOVATION)),
           sub(5, "本行政机关信息公开工作年度报告数据统计需要说明的事项"),
           Block(PARA, "无。"),
           sub(6, "本行政机关认为需要报告的其他事项"),
           Block(PARA, "无。")]
    return out


_OVERVIEW = [
    "{y}年，{s}按照上级有关要求，多措并举、部门协同，抓严抓实政府信息公开工作，明确政务公开的范围、内容和形式，全面提升政府回应社会关切、服务公众需求的能力。",
    "{y}年，根据上级部门相关要求，{s}认真贯彻落实《中华人民共和国政府信息公开条例》要求，加大主动公开、政策解读、回应关切力度，持续推进政务公开标准化、规范化建设。",
    "{s}紧紧围绕上级统一部署，把开展政务公开作为密切党群干群关系、加强机关建设的重要突破口和载体，不断加强领导，规范运作，强化监督，政务公开的常态长效机制基本确立。",
    "{y}年，我单位按照上级有关要求，不断完善政府信息公开制度、建立健全政府信息公开保障机制、规范梳理政府信息公开目录和指南，不断增强政府工作透明度。",
]
_ACTIVE = [
    "{y}年，{s}共通过{site}网站{fact}。其中，机构职能{b}条、业务动态{a}条，其余为政策文件、政策解读及其他信息。",
    "截止{y}年12月31日，{s}在政府网站上{fact}，通过微信公众号发布信息{a}条。",
    "{y}年，{s}{fact}，其中公告公示{b}条，工作动态{a}条，其他法定公开内容若干。",
]
_MANAGEMENT = [
    "严格按照政府信息公开保密审查流程审核公开信息，确保涉密信息不上网，上网信息不涉密。同时，对政务公开内容进行严格把关，先审后发，建立保密审查工作机制、信息发布审查登记制度、责任追究制度等工作机制。",
    "严格落实“三审三校”制度，专人负责校对，分管领导审核把关，注重拓宽信息公开渠道，深化公开内容，将需要对外公开的政策法规、办理程序和工作时限等予以公示。",
    "一是完善政务信息常态化管理机制。进一步完善信息管理制度，配备专职管理人员。二是加强重要政务信息的管理。对行政规范性文件进行集中公开，需经审核确保无误后发布。",
]
_PLATFORM = [
    "全面做好{site}网站发布工作，坚持与现有公开目录相结合、坚持与{s}实际相结合，确保政务公开工作连续性，确保公开事项重点突出。",
    "充分发挥政务新媒体作用，第一时间发布重大政策信息和经济社会发展的重要信息。在为民服务大厅设置政务公开专区，为群众查阅相关政策和信息提供便利。",
    "依托{site}网站和微信公众号等政务公开平台，全年不定期更新发布基本情况、工作动态，线上线下实时服务。",
]
_SUPERVISION = [
    "{y}年度{s}优化公开服务，狠抓公开落实。建立健全了主动公开、依申请公开、政府信息公开工作统计、保密审查、回应关切、政策解读等系列制度，不断提升政务公开工作能力和水平。",
    "成立由主要负责人任组长的政务公开领导小组。领导小组下设办公室，负责政务公开的具体工作，{y}年度进行业务培训{n}次。".replace("{n}", "3"),
    "一是强化监督。完善“经办人—分管负责人—主要负责人”三级监督机制。二是组织培训。常态化组织专职工作人员开展政务信息公开培训，提升政府信息公开能力水平。",
]
_PROBLEMS = [
    ["{y}年，政府信息公开工作取得了一定成效，但仍存在政府信息公开的手段不够创新，政府信息公开岗位人员培训、新媒体宣传力度需进一步加强等问题。",
     "{n}年，将严格按照上级政府信息公开工作要求，强化措施，狠抓落实，进一步提升信息公开工作水平。"],
    ["存在问题：一是政务公开专职人员业务水平、工作能力有待进一步加强。二是发布的政务信息质量还不高。",
     "下步打算：一是加强培训和教育。二是增强信息发布质量。三是持续强化统筹协调。"],
    ["一是政府信息公开工作人员业务不熟练。二是信息发布的内容不够全面深入，信息的时效性和规范性还有待加强。",
     "下一步，我们将继续认真贯彻上级部门关于政务公开工作的要求和部署，进一步强化政务公开制度建设。"],
]
_INNOVATION = [
    "一是强化窗口服务，在便民服务大厅设立了政务公开专区。二是严格公开程序，围绕年度重点工作及时公开动态信息。三是提升公开质效，充分发挥信息公开主渠道效应。",
    "高标准打造政务公开体验区，配备电子触摸屏、自助查询机等设施，设置政务信息查阅点，张贴服务项目二维码。",
    "无。",
]
