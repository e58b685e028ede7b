"""Recognition, metadata and sections: the five seeds, the real samples, every report and
every look-alike of the simulated world."""

from __future__ import annotations

import pytest

from parsers.document import Block, Document
from parsers.metadata import read_metadata
from parsers.recognize import is_report
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
            org_ok = (meta.org == truth["org"] if not truth["seed"]
                      else _seed_names_agree(meta.org, truth["org"]))
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
])
def test_title_variants(lines: list[str], title: str, year: int) -> None:
    body = ["一、总体情况", "本年度，我单位认真贯彻《条例》。", "六、其他需要报告的事项", "无。"]
    doc = Document("text", [Block("para", line) for line in lines + body])
    meta = read_metadata(doc)
    assert (meta.title, meta.year) == (title, year)
    assert is_report(doc)[0]
    assert meta.org and "报告" not in meta.org


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
