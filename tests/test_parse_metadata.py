"""Recognition, metadata and sections: the five seeds, the real samples, every report and
every look-alike of the simulated world."""

from __future__ import annotations

import pytest

from parsers.document import Block, Document
from parsers.metadata import read_metadata
from parsers.recognize import is_report
from parsers.report import parse_document
from parsers.sections import read_sections
from tests.parse_fixtures import (
    article_document,
    has_signature,
    lookalike_articles,
    pdf_document,
    report_document,
    seed_document,
    template_document,
    ucap_document,
)
from tests.portalsim.forms import TRADITIONAL_FORMS

ALL = [1, 2, 3, 4, 5, 6]
# org, year, title, published (signature), sections present
SEEDS = {
    "000": ("济宁市兖州区小孟镇人民政府", 2022, "济宁市兖州区小孟镇人民政府2022年政府信息公开工作年度报告",
            None, [1, 5, 6]),
    "001": ("威海市文登区文登营镇人民政府", 2022,
            "威海市文登区文登营镇人民政府2022年政府信息公开工作年度报告", "2023-01-16", ALL),
    # The report calls itself 大张楼镇 and writes 大张楼镇人民政府 in its contact line.
    "002": ("大张楼镇人民政府", 2022, "大张楼镇2022年政府信息公开工作年度报告", None, ALL),
    # Title 孟姑集镇人民政府; its contact line gives the fuller 嘉祥县孟姑集镇人民政府.
    "003": ("嘉祥县孟姑集镇人民政府", 2020, "孟姑集镇人民政府2020年政府信息公开工作年度报告", None, ALL),
    "004": ("济宁市汶上县杨店镇人民政府", 2023, "杨店镇人民政府2023年政府信息公开工作年度报告", None,
            [1, 5, 6]),
}


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_seed_metadata_and_sections(seed: str) -> None:
    org, year, title, published, sections = SEEDS[seed]
    doc = seed_document(seed)
    meta = read_metadata(doc)
    assert (meta.org, meta.year, meta.title, meta.published) == (org, year, title, published)
    assert [s.number for s in read_sections(doc)] == sections
    verdict, reason = is_report(doc)
    assert verdict, reason


def test_section_texts_run_to_the_next_section() -> None:
    sections = {s.number: s for s in read_sections(seed_document("000"))}
    assert sections[5].title == "存在的主要问题及改进情况"
    assert sections[5].text.startswith("一是政府信息公开工作人员业务不熟练")
    assert "六、其他需要报告的事项" not in sections[5].text
    assert sections[6].text.rstrip().endswith("无。")
    # Seed 001 kept the headings of 二-四 but lost their tables: empty sections.
    seed1 = {s.number: s.text for s in read_sections(seed_document("001"))}
    assert seed1[2] == seed1[3] == seed1[4] == ""
    # Seed 002's tables are lines of the text: they stay in their section.
    seed2 = {s.number: s.text for s in read_sections(seed_document("002"))}
    assert "本年新收政府信息公开申请数量" in seed2[3] and "结果维持" in seed2[4]


def test_headings_numbered_wrongly_half_width_or_not_at_all() -> None:
    doc = Document("text", [Block("para", line) for line in [
        "某县人民政府2018年政府信息公开工作年度报告", "一 、总体情况", "概况。",
        "（一）主动公开政府信息情况", "主动公开情况。",  # a sub-heading, not section 二
        "二、因政府信息公开申请行政复议、提起行政诉讼的情况",  # pre-2019: 行政复议 under 二
        "无。", "存在的主要问题和改进措施", "问题。", "4.其他需要报告事项", "无。"]])
    sections = read_sections(doc)
    assert [(s.number, s.text) for s in sections] == [
        (1, "概况。\n（一）主动公开政府信息情况\n主动公开情况。"), (4, "无。"), (5, "问题。"),
        (6, "无。")]


def test_the_real_ucap_page() -> None:
    meta = read_metadata(ucap_document())
    assert (meta.org, meta.year, meta.published) == ("沭阳县发展和改革局", 2023, "2024-01-17")
    assert meta.title == "沭阳县发展和改革局2023年政府信息公开年度报告"
    assert [s.number for s in read_sections(ucap_document())] == ALL
    # Without the page's hints: the first line is the opening sentence, the signature dates it.
    bare = read_metadata(ucap_document(hints=False))
    assert (bare.org, bare.year, bare.published) == ("沭阳县发展和改革局", 2023, "2024-01-17")
    assert is_report(ucap_document())[0] and is_report(ucap_document(hints=False))[0]


@pytest.mark.parametrize("name,title,org,year", [
    ("hongze_2023_zfxxgk_annual_report.pdf", "洪泽区人民政府2023年政府信息公开工作年度报告",
     ("洪泽区人民政府", "淮安市洪泽区人民政府"), 2023),
    ("hongze_2024_zfxxgk_annual_report.pdf", "淮安市洪泽区人民政府2024年政府信息公开工作年度报告",
     ("淮安市洪泽区人民政府",), 2024),
])
def test_the_real_pdfs(name: str, title: str, org: tuple[str, ...], year: int) -> None:
    # The 2024 PDF's Title metadata is the generic 政府信息公开工作年度报告: the text decides.
    for doc in (pdf_document(name), pdf_document(name, title="政府信息公开工作年度报告")):
        meta = read_metadata(doc)
        assert meta.org in org and meta.year == year and meta.title == title
        assert [s.number for s in read_sections(doc)] == ALL
        assert is_report(doc)[0]


def _seed_names_agree(parsed: str | None, truth: str) -> bool:
    """Seeds name themselves as they do (大张楼镇人民政府, 济宁市汶上县杨店镇人民政府), the
    catalog by its own convention (嘉祥县大张楼镇人民政府, 汶上县杨店镇人民政府)."""
    return bool(parsed) and (parsed.endswith(truth) or truth.endswith(parsed))


def test_every_simulated_report(world, world_truth) -> None:
    reports = {r.rid: r for r in world.reports()}
    problems = []
    for truth in world_truth["reports"]:
        report = reports[truth["id"]]
        published = truth["published"][:10]
        # As a document with its title (an attachment), and as an article page whose title
        # and date are the page's.
        for doc, expected_published in (
                (report_document(report), published if has_signature(report) else None),
                (report_document(report, with_title=False, title=truth["title"],
                                 published=truth["published"]), published)):
            meta = read_metadata(doc)
            verdict, reason = is_report(doc)
            # report_document draws the blocks, in simplified characters even for a report
            # the portal serves in traditional ones (its truth names it as served).
            org = report.unit.name if truth.get("form") in TRADITIONAL_FORMS else truth["org"]
            org_ok = (meta.org == org if not truth["seed"]
                      else _seed_names_agree(meta.org, org))
            got = (org_ok, meta.year, meta.title, meta.published, verdict)
            want = (True, truth["year"], truth["title"], expected_published, True)
            if got != want:
                problems.append((truth["id"], meta, reason))
    assert len(world_truth["reports"]) > 500
    assert problems == []


def test_every_simulated_lookalike_is_not_a_report(world, world_truth) -> None:
    articles = lookalike_articles(world)
    assert sorted(a.title for a in articles) == sorted(d["title"] for d in world_truth["decoys"])
    for article in articles:
        doc = article_document(world, article)
        verdict, reason = is_report(doc)
        assert not verdict, (article.title, reason)
        # The body alone does not make a report either.
        assert not is_report(Document("html", doc.blocks))[0], article.title


def test_the_blank_template_is_not_a_report() -> None:
    verdict, reason = is_report(template_document())
    assert not verdict and "模板" in reason
    # Without its title line: sections and labels, but not one number in the tables.
    verdict, reason = is_report(template_document(with_title=False))
    assert not verdict and "blank form" in reason
    hint = "政府信息公开工作年度报告（模板）"
    assert not is_report(template_document(with_title=False), hint)[0]


def test_an_attachment_page_is_not_the_report(world) -> None:
    """An article page that only links the report (…详见附件。) holds none of it: the
    attachment is the report."""
    report = next(r for r in world.reports() if r.attachment is not None)
    doc = Document("html", [Block("para", f"{report.title}详见附件。"),
                            Block("para", f"附件：{report.attachment.showname}")],
                   title=report.title)
    verdict, reason = is_report(doc)
    assert not verdict and "no report content" in reason


@pytest.mark.parametrize("title,body", [
    ("嘉祥县召开政务公开工作推进会",
     ["会议指出，2022年政府信息公开工作年度报告已按时在县政府网站公布。", "一、总体情况良好。"]),
    ("关于印发《嘉祥县2023年政务公开工作要点》的通知", ["各镇人民政府，各街道办事处：", "现印发给你们。"]),
    ("图解：2022年政府信息公开工作年度报告", ["一图读懂年度报告。"]),
    ("嘉祥县2022年度政府信息公开工作年度报告（样表）", ["一、总体情况", "二、主动公开政府信息情况"]),
    ("XX镇2022年政府信息公开工作年度报告", ["本报告由XX镇人民政府按照……要求编制。"]),
])
def test_lookalikes(title: str, body: list[str]) -> None:
    doc = Document("html", [Block("para", line) for line in body], title=title)
    assert not is_report(doc)[0]


@pytest.mark.parametrize("lines,title,year", [
    (["大张楼镇2022年政府信息公开", "工作年度报告"], "大张楼镇2022年政府信息公开工作年度报告", 2022),
    (["嘉祥县财政局关于2021年政府信息公开工作的年度报告"],
     "嘉祥县财政局关于2021年政府信息公开工作的年度报告", 2021),
    (["嘉祥县人民政府", "2022年度政府信息公开工作年度报告"],
     "嘉祥县人民政府2022年度政府信息公开工作年度报告", 2022),
    (["嘉祥县人民政府二〇二二年政务公开工作年度报告"], "嘉祥县人民政府二〇二二年政务公开工作年度报告",
     2022),
    (["嘉祥县教育和体育局信息公开工作年报（2023年）"], "嘉祥县教育和体育局信息公开工作年报（2023年）",
     2023),
    # xz-xizang-shenjiting-department-2025-a69e699b: a metadata key spaced out, 工作开展.
    (["标      题 西藏自治区审计厅2025年政务信息公开工作开展年度报告"],
     "西藏自治区审计厅2025年政务信息公开工作开展年度报告", 2025),
    # zj-zhejiang-jingxinting-department-2022-38f3548e: the year without 年.
    (["浙江省经济和信息化厅2022政府信息公开工作年度报告"], "浙江省经济和信息化厅2022政府信息公开工作年度报告", 2022),
])
def test_title_variants(lines: list[str], title: str, year: int) -> None:
    body = ["一、总体情况", "本年度，我单位认真贯彻《条例》。", "六、其他需要报告的事项", "无。"]
    doc = Document("text", [Block("para", line) for line in lines + body])
    meta = read_metadata(doc)
    assert (meta.title, meta.year) == (title, year)
    assert is_report(doc)[0]
    assert meta.org and "报告" not in meta.org


def test_a_flip_book_page_titled_by_its_file_name() -> None:
    """sd-wendeng-shenjiju-department-2020-f297624f: page 9 of a flip-book whose title is
    the file's name (2020年报_审计局): a report's page by its sections and labels."""
    lines = ["Page 9 - 2020年报_审计局", "P. 9", "四、结转下年度继续办理 0 0 0 0 0 0 0",
             "四、政府信息公开行政复议、行政诉讼情况", "未出现申请行政复议、提起行政诉讼的情况。",
             "行政复议 行政诉讼", "未经复议直接起诉 复议后起诉", "五、存在的主要问题及改进情况",
             "我局政务公开和政府信息公开工作取得了一些成绩。"]
    doc = Document("text", [Block("para", line) for line in lines])
    assert is_report(doc)[0]
    assert read_metadata(doc).org == "审计局"
    news = Document("text", [Block("para", line) for line in [
        "2020年报_审计局", "审计局召开年度工作会议。", "会议强调做好信息公开。"]])
    assert not is_report(news)[0]


def test_container_hints_and_the_url() -> None:
    body = [Block("para", line) for line in ["一、总体情况", "我镇认真贯彻《条例》。",
                                             "六、其他需要报告的事项", "无。"]]
    url = "http://www.jiaxiang.gov.cn/art/2023/1/20/art_33760_11520123.html"
    meta = read_metadata(Document("html", body, publisher="嘉祥县大张楼镇人民政府"),
                         "http://www.jiaxiang.gov.cn/module/xxgk/xxgkAnnualReport.jsp"
                         "?area=11370829215058293D&fbtime=2022")
    assert (meta.org, meta.year, meta.published) == ("嘉祥县大张楼镇人民政府", 2022, None)
    assert read_metadata(Document("html", body), url).published == "2023-01-20"
    # A page title with the site's name after it, a list title cut short.
    page = Document("html", body, title="大张楼镇2022年政府信息公开工作年度报告_嘉祥县人民政府",
                    published="2023-01-20 10:12:37")
    meta = read_metadata(page)
    assert (meta.title, meta.year, meta.published) == (
        "大张楼镇2022年政府信息公开工作年度报告", 2022, "2023-01-20")
    cut = Document("html", [Block("para", "大张楼镇2022年政府信息公开工作年度报告"), *body],
                   title="大张楼镇2022年政府信息公开工作…")
    assert read_metadata(cut).title == "大张楼镇2022年政府信息公开工作年度报告"


def test_sections_numbered_with_brackets() -> None:
    lines = ["某镇人民政府2021年政府信息公开工作年度报告", "（一）总体情况", "概况。",
             "（二）主动公开政府信息情况", "表。", "(五)存在的主要问题及改进情况", "问题。",
             "（六）其他需要报告的事项", "无。"]
    doc = Document("text", [Block("para", line) for line in lines])
    assert [(s.number, s.text) for s in read_sections(doc)] == [
        (1, "概况。"), (2, "表。"), (5, "问题。"), (6, "无。")]


# --- real page excerpts (build split of tests/fixtures/real/): chrome, no title, traditional


def _text(*lines: str) -> Document:
    return Document("text", [Block("para", line) for line in lines])


_OVERVIEW = ("一、总体情况", "（一）主动公开", "全年主动公开政府信息73条。")


@pytest.mark.parametrize("lines,org,year,title", [
    # jl-jilin-zhengfubangongting-department-2025-50655bb0: 无障碍 above the title.
    (["无障碍", "", "吉林省人民政府办公厅2025年政府信息公开工作年度报告", "发布日期:2026-01-29    点击数:"],
     "吉林省人民政府办公厅", 2025, "吉林省人民政府办公厅2025年政府信息公开工作年度报告"),
    # tj-ninghe-zhengwufuwuban-department-2025-301cb807: a date in the chrome, no year in the
    # title; the year is the 统计期限's.
    (["天津市宁河区人民政府 2019年12月3日星期二", "无障碍 无障碍 简体 | 繁体 长者模式 长者模式",
      "区政务服务办政府信息公开工作年度报告", "来源:政务服务办公室 发布时间:2026-01-21 16:53",
      "现将2025年度政府信息公开工作情况报告如下。数据统计期限为2025年1月1日至12月31日。"],
     "区政务服务办", 2025, "区政务服务办政府信息公开工作年度报告"),
    # ah-qiaocheng-yanjizhen-township-2025-39dbbf12: a breadcrumb that ends in 政府信息公开年报.
    (["谯城区颜集镇", "您现在所在的位置: 网站首页 > 政府信息公开 > 谯城区颜集镇 > 政府信息公开年报",
      "亳州市谯城区颜集镇2025年政府信息公开工作年度报告", "发布时间:2026-01-22 16:23 来源:谯城区颜集镇"],
     "亳州市谯城区颜集镇", 2025, "亳州市谯城区颜集镇2025年政府信息公开工作年度报告"),
    # xz-xizang-province-2014-064c91bc: the xxgk metadata lines of a stored page.
    (["标 题 | 西藏自治区2014年政府信息公开工作年度报告 | ||", "发布机构 | 自治区人民政府办公厅 | 发布日期 | 2015-03-30 |"],
     "西藏自治区", 2014, "西藏自治区2014年政府信息公开工作年度报告"),
    # nm-neimenggu-province-2012-5f25a801: traditional characters, names given as written.
    (["當前位置: 首頁>> 工作動態>> 地方政務", "內蒙古自治區2012年政府信息公開工作年度報告",
      "本報告所列數據統計期限自2012年1月1日起，截止2012年12月31日。"],
     "內蒙古自治區", 2012, "內蒙古自治區2012年政府信息公開工作年度報告"),
    # ln-liaoning-province-2015-57b4fa5b: a reprint's label before the short title; the full
    # title, which names the province, below.
    (["每日一报 | 辽宁2015年政府信息公开工作年度报告", "辽宁省人民政府办公厅 2016-04-15",
      "辽宁省2015年度政府信息公开工作报告(全文)"],
     "辽宁省", 2015, "辽宁省2015年度政府信息公开工作报告(全文)"),
    # ln-changtu-qijiazizhen-township-2023-75f26fbf: the portal's name first, the title garbled
    # (工作告年度报), the 来源 the portal's office.
    (["昌图县人民政府 The People's Government of Changtu Municipality", "政府信息公开",
      "昌图县七家子镇2023年政府信息公开 工作告年度报", "来源:昌图县人民政府办公室 时间:2024-01-31"],
     "昌图县七家子镇", 2023, "昌图县七家子镇2023年政府信息公开工作告年度报"),
])
def test_titles_behind_page_chrome(lines: list[str], org: str, year: int, title: str) -> None:
    doc = _text(*lines, *_OVERVIEW)
    meta = read_metadata(doc)
    assert (meta.org, meta.year, meta.title) == (org, year, title)


@pytest.mark.parametrize("opening,org", [
    # ha-neihuang-county-2018-ed4051dc: the government's disclosure office compiles the report.
    ("本报告依据《中华人民共和国政府信息公开条例》有关规定，由内黄县政府信息公开领导小组办公室编制。", "内黄县"),
    # fj-nanping-city-2012-f9550d27
    ("本报告由南平市人民政府信息公开工作领导小组办公室根据《条例》要求编制而成。", "南平市人民政府"),
    # sd-weishan-liangchengzhen-township-2020-9be3ca86: a township's 党政办公室 is no body.
    ("本报告是根据《条例》要求，由两城镇人民政府党政办公室编制。", "两城镇人民政府"),
    # sx-shanxi-province-2017-26e14a11: a 办公厅 is a body of its own.
    ("本报告根据《条例》要求，在各市政府报告基础上，由山西省人民政府办公厅编制。", "山西省人民政府办公厅"),
    # hb-laifeng-jingjikaifaqu-department-2018-f7bbaaef
    ("根据《条例》的要求，现公开来凤经济开发区信息公开2018年度报告。", "来凤经济开发区"),
    # jl-tongyu-county-2025-8946a376: no year after the name.
    ("根据《条例》规定，现公布通榆县人民政府信息公开工作年度报告。", "通榆县人民政府"),
    # ln-yuhong-yingbinlujiedao-street-2021-00ff79d1: the body after the year.
    ("根据上级的统一部署和要求，现将2021年迎宾路街道办事处政府信息公开情况报告如下：", "迎宾路街道办事处"),
    # hb-laifeng-zhengwufuwuju-department-2021-ea8d1567: a contact line without 联系.
    ("编制我单位2021年政府信息公开工作年度报告。如有疑问请与来凤县政务服务和大数据管理局(地址:来凤县)。",
     "来凤县政务服务和大数据管理局"),
])
def test_the_opening_names_the_body(opening: str, org: str) -> None:
    assert read_metadata(_text(opening, *_OVERVIEW)).org == org


@pytest.mark.parametrize("lines,org", [
    # hb-hanyang-zhengfubangongshi-department-2022-f86b29bc: the overview's subject.
    (["根据《条例》的有关要求，现将我办2022年度政府信息公开情况报告如下：", "一、总体情况",
      "2022年，区政府办公室认真贯彻执行《条例》。"], "区政府办公室"),
    # jx-dean-hedongxiang-township-2022-d7f93120: the subject followed by its work.
    (["一、总体情况", "2022年，河东乡政府信息公开工作在县委、县政府的正确领导下开展。"], "河东乡"),
    # nm-wulateqianqi-county-2021-e01707c9: 我旗, and the 旗 it names as a government.
    (["根据《条例》，特向社会公布我旗2021年度信息公开年度报告。", "一、总体情况",
      "2021年，我旗紧紧围绕《条例》，监督全旗政府信息公开工作。",
      "截至2021年12月底，乌拉特前旗政府网站发布信息。"], "乌拉特前旗"),
    # Nothing names it: no guess (here 全市 and 本机关 are no names).
    (["一、总体情况", "2022年，全市通过政府网站公开信息。", "本机关认真落实《条例》。"], None),
    # zj-lishui-city-2017-bc15790b: a name inside a cited document's title is not the subject;
    # the contact line (或直接与…联系) names the government.
    (["一、概述", "2017年，我市按照《2017年浙江省政务公开工作要点》要求推进公开。",
      "如有疑问，可通过意见箱反应或直接与丽水市人民政府办公室政府信息公开中心联系。"], "丽水市人民政府"),
    # sc-xinlong-seweizhen-township-2021-3af6b4cf: the report's own title in 《》 still names it.
    (["2021年，我镇认真编制了《2021年色威镇政府信息公开工作年度报告》。"], "色威镇"),
    # gx-liangqing-county-2020-7a6a2217: a disclosure office stands for its government, named
    # as the text writes the government.
    (["本报告由南宁市良庆区政务公开工作领导小组办公室编制。", "一、总体情况",
      "良庆区人民政府成立了政务公开工作领导小组。"], "良庆区人民政府"),
    # sd-qingdao-city-2018-851ef2b0
    (["本报告根据2018年度青岛市政府各部门的年度报告编制。如有疑问，请与青岛市政府信息公开办公室联系。"],
     "青岛市政府"),
    # he-dingzhou-jingjikaifaqu-department-2020-e3e8afa8: 经济开发区 starts a name.
    (["如有疑问，请与经济开发区管委会党政办公室联系。", "一、总体情况",
      "经济开发区管委会严格按照《条例》推进公开。"], "经济开发区管委会"),
    # gs-gannan-ziranziyuanju-department-2023-0ea30e0c: 我局, and the 局 the text names.
    (["一、总体情况", "2023年，我局严格按照《条例》要求推进公开。",
      "年初，及时调整补充了甘南州自然资源局信息公开领导小组成员。"], "甘南州自然资源局"),
    # sh-baoshan-youyilujiedao-street-2025-d296424b: bare 街道 speaks; a verb before 街道 is no name.
    (["2025年，依托区政府门户网站，街道主动公开政府信息76条。", "（三）政府信息管理",
      "完成街道重大行政决策事项目录公开，完成《友谊路街道主动公开事项目录》编制。"], "友谊路街道"),
    # cq-yuzhong-daxigoujiedao-street-2020-5fd1e38c: the street named in its sub-site's name.
    (["本年度报告结合2020年度本街道政府信息公开工作情况编制而成。", "（一）主动公开情况",
      "2020年我街道通过渝中区人民政府大溪沟街道办事处子网站主动公开政府采购19项。"],
     "渝中区人民政府大溪沟街道办事处"),
    # ln-liaoning-jiguanshiwuju-department-2019-30f8df4d: 我局, named in its own plan's title.
    (["2019年，我局认真贯彻落实《条例》有关规定。", "一、政府信息公开总体情况",
      "结合我局工作实际，印发了《辽宁省机关事务管理局2019年政务公开工作实施方案》。"], "辽宁省机关事务管理局"),
    # jl-jilin-waishiban-department-2020-c8bd334a: 我办, the office the contact line names
    # (its 综合处 dropped); 将政府信息公开工作摆在… names nobody.
    (["结合我办工作实际，编制了2020年度政府信息公开工作年度报告。",
      "如对本年报有疑问，请联系吉林市人民政府外事办公室综合处，地址：吉林市船营区越山路11号。", "一、总体情况",
      "2020年，我办认真贯彻落实国家、省、市要求，将政府信息公开工作摆在重要位置。"], "吉林市人民政府外事办公室"),
])
def test_a_body_named_only_in_the_prose(lines: list[str], org: str | None) -> None:
    assert read_metadata(_text(*lines)).org == org


# --- the layout when no table is read


_FORM_2021 = ("根据《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》"
              "（国办公开办函〔2021〕30号）要求，编制本报告。")


@pytest.mark.parametrize("opening,year,layout", [
    # ah-qingyang-miaoqianzhen-township-2025-2f88a2b0: the notice's number.
    (_FORM_2021, 2025, "gb2021"),
    # nx-jingyuan-huanghuaxiang-township-2022-f7a0f379: the 2021 notice's title alone.
    ("根据《关于印发<中华人民共和国政府信息公开工作年度报告格式>的通知》要求，现发布本报告。", 2022, "gb2021"),
    # gz-kaiyang-fengsanzhen-township-2020-f4a93bc6
    ("根据《关于政府信息公开工作年度报告有关事项的通知》(国办公开办函〔2019〕60号)要求，编制本报告。", 2020,
     "gb2019"),
    # The 2019 notice's title alone is cited by 2021-form reports too; 国办发〔2021〕30号 is
    # another document (the year's 政务公开工作要点): neither names the form.
    ("根据《关于政府信息公开工作年度报告有关事项的通知》要求，编制本报告。", 2021, "unknown"),
    ("按照《国务院办公厅关于印发2021年政务公开工作要点的通知》(国办发〔2021〕30号)要求，编制本报告。", 2021,
     "unknown"),
    ("本报告由某县人民政府办公室编制。", 2016, "pre2019"),
    # cq-chongqing-province-2019-51b8df7e: the trial format the 2019 notice issued, by name,
    # in a report on 2019; in a report on 2022 it tells nothing.
    ("根据《条例》和《中华人民共和国政府信息公开工作年度报告格式(试行)》的要求，编制本报告。", 2019, "gb2019"),
    ("根据《条例》和《中华人民共和国政府信息公开工作年度报告格式（试行）》的要求，编制本报告。", 2022, "unknown"),
])
def test_the_format_the_text_names(opening: str, year: int, layout: str) -> None:
    doc = _text(f"某县人民政府{year}年政府信息公开工作年度报告", opening,
                f"本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。", *_OVERVIEW)
    result = parse_document(doc)
    assert (result.is_report, result.year, result.layout, result.checks) == (True, year, layout, [])
    if layout == "unknown":
        assert any(w.startswith("layout unknown") for w in result.warnings)


def test_none_only_where_the_whole_report_shows_no_table() -> None:
    opening = "本报告由某镇人民政府编制。本报告所列数据的统计期限自2023年1月1日起至2023年12月31日止。"
    excerpt = _text("某镇2023年政府信息公开工作年度报告", opening, *_OVERVIEW)
    whole = _text("某镇2023年政府信息公开工作年度报告", opening, *_OVERVIEW,
                  "五、存在的主要问题及改进情况", "问题。", "六、其他需要报告的事项", "无。")
    assert parse_document(excerpt).layout == "unknown"
    assert parse_document(whole).layout == "none"


def test_a_warning_where_the_text_names_no_body_or_year() -> None:
    doc = _text("政府信息公开工作年度报告", "一、总体情况", "本机关认真落实《条例》。",
                "五、存在的主要问题及改进情况", "无。")
    result = parse_document(doc, "http://www.jiaxiang.gov.cn/art/2023/1/20/art_1.html")
    assert (result.is_report, result.org, result.year) == (True, None, None)  # not the URL's host
    assert {"organisation not named in the text", "year not stated in the text"} <= set(
        result.warnings)


def test_an_excerpt_without_title_announcing_the_report_is_one() -> None:
    # hn-hunan-province-2016-c93a907c: the stored page kept no title.
    doc = _text("根据《条例》的规定，现公布湖南省人民政府2016年政府信息公开工作年度报告。"
                "本报告数据统计时限为2016年1月1日至2016年12月31日。", "一、 总体情况",
                "2016年，湖南省各级各部门全面贯彻《条例》。")
    verdict, reason = is_report(doc)
    assert verdict, reason
    result = parse_document(doc)
    assert (result.org, result.year, result.layout) == ("湖南省人民政府", 2016, "pre2019")


def test_the_publication_month_is_not_the_year() -> None:
    # sh-shanghai-province-2020-848940a8: 2021年3月，报告发布 before the overview of 2020.
    doc = _text("报告发布", "2021年3月，报告发布。", "报告全文", "一、总体情况",
                "2020年，上海市坚持以人民为中心，持续深入推进政务公开。", "（一）主动公开方面")
    assert read_metadata(doc).year == 2020


@pytest.mark.parametrize("lines", [
    # nm-zhalaiteqi-haolibaozhen-township-2025-9d77a198: the opening announces the report and
    # its period; the heading 一、总体情况 came out as "- 总体情况".
    [("本年度报告根据《中华人民共和国政府信息公开条例》制作。全文包括扎赉特旗好力保镇政府信息公开总体情况，"
      "主动公开政府信息情况，收到和处理政府信息公开申请情况。所列数据统计期限为2025年1月1日至2025年12月31日。"),
     "- 总体情况", "2025年，好力保镇统筹推进主动公开、依申请公开等工作。"],
    # sc-dazhu-sihezhen-township-2023-07fc6515: 编制 the report, named with its year.
    [("根据《条例》等相关规定，编制大竹县四合镇2023年政府信息公开工作年度报告，所列数据统计期限为2023年1月1日"
      "至12月31日。"), "一、总体情况", "（一）主动公开。2023年，我镇主动公开信息31条。"],
    # gd-dabu-gaopizhen-township-2022-1654bd61: section 1 and the year's requests, none.
    ["一、总体情况", "主要报告本机关上一年度政府信息公开工作总体情况。", "（一）主动公开方面。我镇主要通过网站公开政府信息。",
     "（二）依申请公开方面。2022年我镇未收到公众提出的相关政府信息公开申请。"],
])
def test_excerpts_without_a_title_that_are_reports(lines: list[str]) -> None:
    verdict, reason = is_report(_text(*lines))
    assert verdict, reason


def test_a_place_title_over_its_government_offices_own_work() -> None:
    # yn-kunming-zhengfubangongting-department-2009-93fe43c1: the title names the city, the
    # overview's subject is the city government's office, whose full name the text writes.
    doc = _text("昆明市2009年政府信息公开工作年度报告", "市工业和信息化委员会:",
                "市政府办公厅于2008年1月印发了《昆明市人民政府办公厅关于抓紧做好施行条例准备工作的通知》。"
                "2009年度,市政府办公厅按照国务院、省、市政府信息公开的有关文件精神,积极开展政府信息公开工作。")
    assert read_metadata(doc).org == "昆明市人民政府办公厅"
    # Without the office as the overview's subject, the title's place stands.
    doc = _text("昆明市2009年政府信息公开工作年度报告",
                "2009年度,全市各级行政机关按照国务院、省政府信息公开的有关文件精神,积极开展政府信息公开工作。")
    assert read_metadata(doc).org == "昆明市"


def test_a_government_called_by_its_kind_is_named_as_the_text_writes_it() -> None:
    # sh-shanghai-province-2012-7a7981c8: compiled by 市政府办公厅 from every body's report (rule
    # 10: the government's), whose one written full form is in a cited notice's title.
    doc = _text("一、概述",
                "2012年度报告根据《中华人民共和国政府信息公开条例》的要求,由市政府办公厅综合各区(县)"
                "人民政府和市政府各委、办、局的政府信息公开年度报告编制而成。",
                "2012年,本市认真贯彻《上海市人民政府办公厅关于做好2012年政府信息公开工作的通知》。")
    assert read_metadata(doc).org == "上海市人民政府"


def test_an_opening_that_restates_its_year_as_the_overview_does() -> None:
    # jl-taonan-wafangzhen-township-2025-f0878b50: 现公布…2024年…年度报告 left from the year
    # before, then 现将2025年度工作报告如下 and an overview on 2025.
    doc = _text("根据《中华人民共和国政府信息公开条例》,现公布洮南市瓦房镇人民政府2024年政府信息公开工作"
                "年度报告,本报告由“总体情况”等六个部分组成。现将2025年度工作报告如下:",
                "一、总体情况", "2025年瓦房镇人民政府按照上级部门工作要求,不断加强政府信息公开力度。")
    assert read_metadata(doc).year == 2025


def test_a_township_named_once_as_the_body_whose_work_is_improved() -> None:
    # sc-anju-hengshanzhen-township-2022-3c3bf877: 我镇 throughout, the town's name once.
    doc = _text("一、总体情况", "我镇认真贯彻《中华人民共和国政府信息公开条例》精神,主动公开政府信息76条。",
                "2022年度我镇未收到任何形式的依申请公开政府信息。",
                "一是进一步健全完善横山镇信息公开工作机制,二是加强学习。")
    assert read_metadata(doc).org == "横山镇"


def test_a_template_leftover_office_loses_to_the_township_the_counts_are_of() -> None:
    # he-pingxiang-xunzhaoxiang-township-2024-54b1938b: the overview's first sentence names
    # the county office (copied from its template), every count is the township's.
    doc = _text("一、总体情况", "2024年,平乡县人民政府办公室认真落实党中央、国务院和省、市决策部署。",
                "1.公开数量。2024年,寻召乡主动公开政务信息数545条。",
                "3.公开形式。通过寻召乡人民政府公众号等新闻网络媒体公开。")
    assert read_metadata(doc).org == "寻召乡人民政府"


def test_a_later_page_of_an_older_report_is_a_report() -> None:
    # gs-lanzhou-city-2011-58d918dc: page 2 of a paginated copy, no title, the old outline.
    from parsers.recognize import is_report

    doc = _text("(二)依申请公开的政府信息情况",
                "2011年度,兰州市共收到申请政府信息公开26件(次),各有关部门均及时给予了认真答复。",
                "(三)咨询处理情况", "2011年度,兰州市各部门共接受公众政府信息公开咨询约1.8万人次。",
                "(四)复议、诉讼和申诉情况", "(五)政府信息收费及减免情况", "全年受理依申请公开的信息均未收费。",
                "三、存在的主要问题及下一步工作打算")
    assert is_report(doc)[0]
    assert not is_report(_text("(三)咨询处理情况", "(四)复议、诉讼和申诉情况", "(五)政府信息收费及减免情况",
                               "请各单位按上述提纲编写。"))[0]
