"""What held out 2 of the real corpus showed the parsers did not read, one case each, with
lines quoted from the corpus file named beside it (tests/fixtures/real/reports/). The
corpus floors (test_real_corpus.py) measure the whole; these say which line does what."""

from __future__ import annotations

from pathlib import Path

import pytest

from parsers.document import Block, Document
from parsers.extract import extract
from parsers.extract.reading_aids import strip_reading_aids
from parsers.facts import read_facts
from parsers.metadata import read_metadata
from parsers.recognize import is_report
from parsers.report import parse_document
from parsers.sections import find_headings
from parsers.tables import read_tables
from parsers.tables.cells import norm


def _text(*lines: str) -> Document:
    return extract("\n".join(lines).encode(), url="report.txt")


def _cells(doc: Document) -> dict[str, int | float | None]:
    return {c.key: c.value for c in read_tables(doc).cells}


def _prose(*lines: str) -> dict[str, int | float | None]:
    return {c.key: c.value for c in read_facts(_text(*lines))[1]}


# --- text as copied: reading aids, traditional headings ------------------------------------

def test_pinyin_a_reading_aid_wrote_after_characters_is_removed() -> None:
    # sn-ningqiang-minzhengju-department-2023-c3dde74e
    assert strip_reading_aids("寧強(qiáng)縣民政局") == "寧強縣民政局"
    assert strip_reading_aids("年度報(bào)告（一）規章(2019)") == "年度報告（一）規章(2019)"
    assert strip_reading_aids("政府(zhèngfǔ)") == "政府(zhèngfǔ)"  # one syllable a character
    assert strip_reading_aids("统计(China)") == "统计(China)"  # no tone mark: not pinyin
    doc = _text("寧強(qiáng)縣民政局", "關(guān)于2023年政府信息公開年度報(bào)告",
                "本年新制作數(shù)量")
    assert "(" not in doc.text


def test_a_traditional_heading_is_a_section() -> None:
    # gd-zhongshan-ju-department-2012-433ab134
    assert [h.number for h in find_headings(["一、總體情況", "二、主動公開政府信息情況"])] == [1, 2]


# --- is it a report --------------------------------------------------------------------------

@pytest.mark.parametrize("lines", [
    # zj-yongjia-xixiaxiang-township-2017-56997355: cut before its first heading
    [("根据《中华人民共和国政府信息公开条例》(以下简称《条例》)要求,现公布溪下乡2017年政府信息公开"
      "工作年度报告。本年报由概述、主动公开政府信息情况等八部分组成。本年报中所列数据的统计期限"
      "自2017年1月1日起至2017年12月31日止。")],
    # bj-tongzhou-xinhuajiedao-street-2019-7540a131
    ["依据《中华人民共和国政府信息公开条例》第五十条规定,制作本报告。", "一、总体情况",
     "2019年,新华街道办事处高度重视政府信息公开工作。", "二、主动公开政府信息情况"],
    # sc-xinlong-seweizhen-township-2021-3af6b4cf
    ["我镇认真编制了《2021年色威镇政府信息公开工作年度报告》。现将本年度的报告汇报如下:",
     "一、总体情况", "2021年,我镇认真贯彻落实相关文件要求。", "二、主动公开政府信息情况"],
])
def test_an_excerpt_without_a_title_that_announces_itself_is_a_report(lines: list[str]) -> None:
    assert is_report(_text(*lines))[0]


def test_a_notice_about_compiling_reports_is_still_not_one() -> None:
    notice = _text("关于做好2023年政府信息公开工作年度报告编制工作的通知",
                   "各乡镇：现将有关事项通知如下：请于1月31日前报送本单位年度报告。")
    assert not is_report(notice)[0]


# --- organisation, year, layout --------------------------------------------------------------

@pytest.mark.parametrize(("lines", "org"), [
    # he-funing-shenjiju-department-2023-e1fc8cdd
    ([("根据《中华人民共和国政府信息公开条例》规定,向社会公布秦皇岛市抚宁区审计局2023年政府信息公开"
       "工作年度报告。本报告中所列数据的统计时限自2023年1月1日起至2023年12月31日止。")],
     "秦皇岛市抚宁区审计局"),
    # sn-xianyang-city-2022-54d3238f
    (["根据有关要求,现将咸阳市人民政府2022年政府信息公开工作年度报告予以公开。"], "咸阳市人民政府"),
    # yn-jianshui-qinglongzhen-township-2019-55e18f58
    (["根据《条例》,特向社会公布2019年度青龙镇政府(机关)信息公开年度报告。"], "青龙镇政府"),
    # fj-anxi-changkengxiang-township-2017-8e407cb7: 我乡 names no place; the contact line does
    ([("特向社会公布2017年度我乡政府信息公开年度报告。如对本报告有任何疑问,请与长坑乡人民政府办公室"
       "联系(地址:长坑乡人民政府大院内)。")], "长坑乡人民政府"),
    # zj-yongjia-xixiaxiang-township-2017-56997355: a copying site's watermark
    (["现公布puroview.com溪下乡2017年政府信息公开工作年度报告。"], "溪下乡"),
])
def test_the_body_the_opening_names(lines: list[str], org: str) -> None:
    assert read_metadata(_text(*lines), None).org == org


@pytest.mark.parametrize(("line", "year"), [
    # hn-yueyang-minzhengju-department-2015-c603c10b: the template wrote every 年 as -
    ("本报告中所列数据的统计期限自2015-1-1起至2015-12-31止。", 2015),
    # jl-changchun-tuiyijunrenshiwuju-department-2023-91def4cb
    ("截止2023年12月31日我局通过官方网站发布政务类信息34条。", 2023),
])
def test_the_year_of_the_figures(line: str, year: int) -> None:
    assert read_metadata(_text("一、总体情况", line), None).year == year


def test_a_format_notice_that_lost_its_closing_bracket() -> None:
    # cq-shapingba-fengwenjiedao-street-2020-6212c44d
    doc = _text("根据《国务院办公厅政府信息与政务公开办公室关于政府信息公开工作年度报告有关事项的通知》"
                "(国办公开办函〔201960号)等文件精神,形成2020年度丰文街道政府信息公开年度报告。")
    assert read_metadata(doc, None).form == "gb2019"


# --- tables ----------------------------------------------------------------------------------

def test_empty_cells_saved_as_lines_of_spaces_are_blank() -> None:
    # qh-huzhu-zhengwufuwuzhongxin-department-2020-de3cc5c6: a cell a paragraph, blank
    # lines between, an empty cell's &nbsp; as a line of spaces; the prose above ends in one.
    cells = [["第二十条第(一)项"], ["信息内容", "本年新\n制作数量", "本年新\n公开数量", "对外公开总数量"],
             ["规章", " ", " ", " "], ["规范性文件", "  ", " ", " "], ["第二十条第(五)项"],
             ["信息内容", "上一年项目数量", "本年增/", "处理决定数量"],
             ["行政许可", " 148", " ", " "], ["其他对外管理服务事项", " 257", " ", " "]]
    lines = ["二、主动公开政府信息情况", "", "(三)通过公告栏主动公开了行政许可事项148条,公共服务事项257条。",
             "", " ", ""]
    for row in cells:
        for cell in row:
            lines += [cell, ""]
    got = _cells(_text(*lines))
    assert got["active/rules/newly_made"] is None and got["active/normative_documents/total_published"] is None
    assert (got["active/licensing/previous_items"], got["active/licensing/change"]) == (148, None)
    assert got["active/other_services/previous_items"] == 257


def test_labels_with_a_province_s_filling_instructions() -> None:
    # hb-wuhan-shengtaihuanjingju-department-2020-672782fe (a converter also wrote 文件 as 檔案)
    assert norm("規章(設區的市、自治州人民政府應提供相關數據)") == "规章"
    assert norm("上一年項目數量(指2019年事項數)") == "上一年项目数量"
    assert norm("本年收费金额（单位：万元）") == "本年收费金额(单位:万元)"  # a short bracket stays
    got = _cells(_text(
        "第二十条第(一)项 | |||||",
        "信息內容 | 本年新 製作數量 | 本年新 公開數量 | 對外公開總數量 | ||",
        "規章(設區的市、自治州人民政府應提供相關數據) | 0 | 0 | 0 | ||",
        "規範性檔案(行政機關制定發布的決定、公告、通告、意見、通知) | 2 | 2 | 19 | ||"))
    assert [got[f"active/normative_documents/{c}"] for c in
            ("newly_made", "newly_published", "total_published")] == [2, 2, 19]
    assert got["active/rules/total_published"] == 0


def test_the_kinds_of_service_listed_under_other_services_are_not_that_row() -> None:
    # bj-tongzhou-xinhuajiedao-street-2019-7540a131
    got = _cells(_text("第二十条第(五)项 |", "信息内容 |", "上一年项目数量 |", "本年增/减 |",
                       "处理决定数量 |", "行政许可 |", "0 |", "0 |", "0 |", "其他对外管理服务事项 |",
                       "行政检查 |", "0 |", "0 |", "0 |", "|", "行政确认 |", "0 |", "0 |", "0 |"))
    assert got["active/licensing/decisions"] == 0
    assert not any(k.startswith("active/other_services/") for k in got)


def test_a_short_row_of_table_three_gives_its_total_only() -> None:
    # hn-nanhuxinqu-ju-department-2019-cfeb4ac4: blank applicant cells dropped
    got = _cells(_text("三、收到和处理政府信息公开申请情况", "申请人情况 |", "自然人 |",
                       "法人或其他组织 |", "总计 |", "商业企业 |", "科研机构 |", "社会公益组织 |",
                       "法律服务机构 |", "其他 |", "一、本年新收政府信息公开申请数量 |", "3 |",
                       "3 |", "二、上年结转政府信息公开申请数量 |", "0 |", "0 |",
                       "三、本年度办理结果 |", "(一)予以公开 |", "3 |", "3 |",
                       "(二)部分公开(区分处理的,只计这一情形,不计其他情形) |", "0 |",
                       "(三)不予公开 |"))
    applications = {k: v for k, v in got.items() if k.startswith("applications/")}
    assert applications == {"applications/new_received/total": 3,
                            "applications/carried_over/total": 0,
                            "applications/granted/total": 3}


# --- prose ------------------------------------------------------------------------------------

def test_a_hotline_s_counts_are_no_requests_for_information() -> None:
    # qh-huzhu-zhengwufuwuzhongxin-department-2020-de3cc5c6
    assert _prose("(二)2020年1-12月份,12345市民服务热线共受理2720件(其中承办单2299件),日均受理7.5件,"
                  "办结2680件。") == {}


@pytest.mark.parametrize(("line", "cells"), [
    # bj-tongzhou-xinhuajiedao-street-2019-7540a131
    ("2019年依申请公开共受理2件,为挂号信依申请公开。", {"applications/new_received/total": 2}),
    # sn-weinan-zhengfubangongshi-department-2022-c71e122c
    (("2022年,市政府办公室共收到依申请公开57件以及2021年转办依申请公开2件。市政府办公室全年共办理"
      "依申请公开55件。剩余4件转2023年办理。"),
     {"applications/new_received/total": 57, "applications/carried_over/total": 2,
      "applications/total_processed/total": 55, "applications/carried_forward/total": 4}),
    # hl-daxinganling-city-2023-8fc8d6fe, without its 全区 (the whole area's: see below)
    ("本年度共处理依申请公开件98件,办结99件,1件为上年度结转办理件,其中予以公开79件。",
     {"applications/total_processed/total": 99, "applications/carried_over/total": 1,
      "applications/granted/total": 79}),
    # gx-qinzhou-ju-department-2021-e6b500d0
    (("2021年我局共收到9份政府信息依申请公开事项,其中8份是网络依申请公开,1份是纸质依申请公开,"
      "皆已全部按时答复,予以公开9件。"),
     {"applications/new_received/total": 9, "applications/granted/total": 9}),
    # sx-gaoping-zhengfubangongshi-department-2022-b24bc2de: 其中…上年度结转…0件 further on
    (("全年共收到和办理依申请公开12件,其中自然人申请件12件,法人或其他组织申请件0件,上年度结转政府"
      "信息公开申请0件。"),
     {"applications/new_received/total": 12, "applications/total_processed/total": 12,
      "applications/carried_over/total": 0}),
    # hi-haitangqu-county-2021-65dc71a9: received, handled as the law says
    ("我区2021年收到依法处理依申请公开共6件,给予非机关告知书文件6件。",
     {"applications/new_received/total": 6}),
    # tj-baodi-dazhongzhuangzhen-township-2019-8150b1db
    (("2019年,我镇主动公开政府信息31条,全年无依申请公开政府信息,无因政府信息公开工作发生的行政复议"
      "和行政诉讼。"),
     {"applications/new_received/total": 0, "review_litigation/review/total": 0}),
    # hl-xiangyang-zhengfubangongshi-department-2023-366a272a
    ("2023年未产生因政府信息公开申请提请的行政复议和行政诉讼案件。",
     {"review_litigation/review/total": 0}),
    # zj-binjiang-ju-department-2017-407f1857 (traditional)
    ("2017年我局有關政府信息公開的行政復議案共1起。", {"review_litigation/review/total": 1}),
])
def test_prose_numbers(line: str, cells: dict[str, int]) -> None:
    assert _prose("一、总体情况", line) == cells


def test_review_cases_the_body_decided_are_not_its_own() -> None:
    # sn-qindu-county-2024-7982258a: the district government as the review body
    assert _prose("2024年,全年依申请公开共收到群众网上申请105件,快递17件,合计122件。行政复议144件,"
                  "120件做了复议决定,行政诉讼97件,27件法院做出判决。") == {
        "applications/new_received/total": 122}
    assert _prose("2024年,因政府信息公开申请行政复议2件。") == {"review_litigation/review/total": 2}
    # jl-tonghuaxian-county-2025-6f915465: heard as the review organ; the county's figures
    assert _prose("2025年,全年累计受理政府信息公开申请57件,同比增长71.9%;完成答复54件,转下一年度继续"
                  "办理3件。其中,县级政府受理并完成申请答复6件。审理政府信息公开行政复议案件7起,其中:"
                  "结果维持3起。") == {}


def test_figures_for_the_whole_area_give_no_cells() -> None:
    # jx-lianxi-county-2024-8016eb1b, hl-daxinganling-city-2023-8fc8d6fe
    assert _prose("全区受理依申请公开件255件,办结255件,其中予以公开71件、部分公开5件。") == {}
    assert _prose("本年度全区共处理依申请公开件98件,办结99件,1件为上年度结转办理件。") == {}


def test_a_year_named_for_carried_requests_must_be_the_one_before() -> None:
    assert _prose("2022年,共收到依申请公开57件以及2020年转办依申请公开2件。") == {
        "applications/new_received/total": 57}
    assert _prose("2022年,共收到依申请公开57件。剩余4件转2025年办理。") == {
        "applications/new_received/total": 57}


def test_blocks_only_documents_are_read_too() -> None:
    doc = Document("html", [Block("para", text="现将咸阳市人民政府2022年政府信息公开工作年度报告予以公开。")])
    assert read_metadata(doc, None).org == "咸阳市人民政府"


# --- held out 3 (opened after its first measurement) ------------------------------------------

def test_a_converter_s_words_for_information_disclosure() -> None:
    # hi-hainan-haishiju-department-2020-e02fff3c: 政府資訊公開 for 政府信息公开
    doc = _text("根據《中華人民共和國政府資訊公開條例》等規定,特向社會公佈海南海事局2020年政府資訊公開工作"
                "年度報告。", "一、總體情況", "2020年,海南海事局未共收到依申請公開申請。")
    assert is_report(doc)[0]
    assert {c.key: c.value for c in read_facts(doc)[1]} == {"applications/new_received/total": 0}


@pytest.mark.parametrize("lines", [
    # sd-linyi-county-2012-f794f98f: the opening lists the report's parts
    [("本年报是根据《中华人民共和国政府信息公开条例》和省市关于信息公开的相关要求,由临邑县人民政府编制的"
      "2012年政府信息公开年度报告。全文由概述,政府信息公开的组织领导和制度建设情况,主动公开政府信息以及"
      "公开平台建设情况,公开申请的办理情况组成。")],
    # xj-yizhou-tianshanxiang-township-2024-5f7a1e4c: two sections and table 二's labels
    ["一、总体情况", "2024年,天山乡政府信息公开工作坚持以习近平新时代中国特色社会主义思想为指导。",
     "二、主动公开政府信息情况", "第二十条第(一)项", "信息内容 | 本年制发件数", "第二十条第(五)项",
     "行政许可 | 3"],
    # sh-baoshan-wusongjiedao-street-2021-a3628894: section 1 and the year's requests counted
    ["一、总体情况", "2021年,吴淞街道严格执行《上海市政府信息公开规定》。",
     "本年度共收到依申请公开12件,已及时完成答复。"],
    # sd-huantai-shenjiju-department-2008-44b63943: a title, then prose cut before a heading
    ["桓台县审计局2008年度政府信息公开工作年度报告",
     ("2008以来,我局在桓台县委、县政府的正确领导下,从思想上提高认识,在组织上加强领导,把政府信息公开"
      "列入本局重点工作,求真务实,真抓实干,真正发挥政府信息公开工作的价值,取得了一定成效。现将工作情况"
      "汇报如下:")],
])
def test_more_excerpts_that_are_reports(lines: list[str]) -> None:
    assert is_report(_text(*lines))[0]


def test_a_link_page_under_a_report_title_is_still_not_one() -> None:
    doc = _text("桓台县审计局2008年度政府信息公开工作年度报告", "附件:", "年度报告.doc")
    assert not is_report(doc)[0]


@pytest.mark.parametrize(("lines", "org"), [
    # gs-hezuo-county-2023-6e71319d: a menu item above the page's title
    (["政府信息公开指南", "政府网站年度工作报表", "政府信息公开年报", "合作市2023年政府信息公开工作年度报告",
      "一、总体情况"], "合作市"),
    # xj-tuokexun-xiazhen-township-2024-9cd2c788: the site's name above a title that names its body
    (["托克逊县人民政府", "政府信息公开", "2024年托克逊县夏镇人民政府信息公开工作年度报告", "一、总体情况"],
     "托克逊县夏镇人民政府"),
    # xz-xizang-guoziwei-department-2020-2ee4061e: no 年 after the year
    (["西藏自治区政府国资委2020政府信息公开工作年度报告", "一、总体情况"], "西藏自治区政府国资委"),
    # gz-qiandongnan-nongyenongcunju-department-2022-5cad0cd3
    (["根据《条例》规定,现向社会公布2022年黔东南州农业农村局政府信息公开工作年度报告。"], "黔东南州农业农村局"),
    # gz-guiyang-city-2021-04f6ed5b
    (["现将贵阳市人民政府(市人民政府办公厅)2021年政府信息公开工作年度报告予以公开。"], "贵阳市人民政府"),
    # sc-dazhu-county-2009-5d4aad54: the first sentence opens with the report's title
    (["大竹县2009年政府信息公开工作年度报告(以下简称年报)根据《中华人民共和国政府信息公开条例》进行编制。"],
     "大竹县"),
    # tj-baoshuiqu-department-2018-e6a96b3e
    (["根据《条例》和《规定》,结合天津港保税区政府信息公开情况编制。本年度报告由概述、主动公开政府信息情况组成。"],
     "天津港保税区"),
    # gd-haizhu-guanzhoujiedao-street-2023-1f55da16
    (["一、总体情况", "2023年,在区委、区政府的坚强领导下,官洲街道办事处认真贯彻落实《条例》。"], "官洲街道办事处"),
    # gd-yuexiu-beijingjiedao-street-2020-4618ac0f: a copying site's advertisement in the name
    (["一、总体情况", "2020年,新葡京博彩官网区人民政府北京街道办事处认真贯彻落实《条例》。"], "北京街道办事处"),
    # zj-songyang-fengpingxiang-township-2015-0cec7ec0
    (["我乡严格执行《条例》。如有疑问,可与枫坪乡人民政府办公室联系。"], "枫坪乡人民政府"),
])
def test_more_bodies_named(lines: list[str], org: str) -> None:
    assert read_metadata(_text(*lines), None).org == org


def test_the_2021_format_cited_by_its_name() -> None:
    # tj-tianjin-zhujianwei-department-2024-7210303d
    doc = _text("按照《中华人民共和国政府信息公开工作年度报告格式》要求,编制本报告。")
    assert read_metadata(doc, None).form == "gb2021"


@pytest.mark.parametrize(("line", "cells"), [
    # sn-qindu-county-2024-7982258a
    (("全年依申请公开共收到群众网上申请105件,快递17件,合计122件,上年结转11件,截至12月底已回复126件,"
      "7件正在办理中。"),
     {"applications/new_received/total": 122, "applications/carried_over/total": 11,
      "applications/total_processed/total": 126}),
    # tj-tianjin-zhujianwei-department-2024-7210303d
    (("2024年,市住房城乡建设委全年接收政府信息公开申请1554件,2023年结转132件;全年办理1503件,"
      "结转2025年183件。"),
     {"applications/new_received/total": 1554, "applications/carried_over/total": 132,
      "applications/total_processed/total": 1503, "applications/carried_forward/total": 183}),
    # sh-putuo-wanlijiedao-street-2022-1a96a9f0
    (("2022年度,万里街道共受理政府信息公开申请19件,其中18件已在法定期限内予以答复,1件结转至2023年度办理;"
      "予以公开6件。"),
     {"applications/new_received/total": 19, "applications/total_processed/total": 18,
      "applications/carried_forward/total": 1, "applications/granted/total": 6}),
    # ha-xiping-jiaozhuangxiang-township-2019-f0d24874
    ("2019年,我乡无受理政府信息公开申请件及政府信息公开投诉、行政复议及行政诉讼。",
     {"applications/new_received/total": 0, "review_litigation/review/total": 0}),
    # ln-hunnan-minzongju-department-2021-0722c523
    ("2.依申请公开方面:2021年,共受理答复依申请公开政府信息信件0件。",
     {"applications/new_received/total": 0, "applications/total_processed/total": 0}),
    # nm-zhalaiteqi-baoligenhuasumu-township-2025-5956e8be
    ("2025年,我苏木依申请公开政府信息共4件,其中,予以公开2件,不掌握信息2件。",
     {"applications/new_received/total": 4, "applications/granted/total": 2}),
    # gx-lipu-county-2022-fa268eb0
    ("2022年政府新收依申请公开数量为2件,办理结果为予以公开2件。",
     {"applications/new_received/total": 2, "applications/granted/total": 2}),
    # zj-longyou-hengshanzhen-township-2023-9297f379
    ("2023年度受理政府信息公开申请1件,已完成依申请公开申请1件。",
     {"applications/new_received/total": 1, "applications/total_processed/total": 1}),
    # hl-wuchang-beiyinhezhen-township-2022-e56fb962
    ("2022年度,背荫河镇未收到和处理政府信息公开申请,零报告。",
     {"applications/new_received/total": 0, "applications/total_processed/total": 0}),
    # js-xishan-donggangzhen-township-2021-00278407
    ("2021年新受理依申请政府信息公开3件,已依规及时完成回复。", {"applications/new_received/total": 3}),
])
def test_more_prose_numbers(line: str, cells: dict[str, int]) -> None:
    assert _prose("一、总体情况", line) == cells


def test_an_html_page_that_gives_each_cell_a_paragraph_keeps_its_empty_ones() -> None:
    # qh-huzhu-zhengwufuwuzhongxin-department-2020-de3cc5c6 as the page served it:
    # <p>&nbsp;</p> for an empty cell, blank paragraphs between other paragraphs dropped.
    cells = ["第二十条第(一)项", "信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量",
             "规章", "&nbsp;", "&nbsp;", "&nbsp;", "规范性文件", "2", "&nbsp;", "5",
             "第二十条第(五)项"]  # (a text's last number may be cut short: not the last here)
    page = ("<html><body><div class='article'><p>二、主动公开政府信息情况</p><p>&nbsp;</p>"
            + "".join(f"<p>{c}</p>" for c in cells) + "</div></body></html>")
    got = _cells(extract(page.encode(), url="report.html"))
    assert [got[f"active/rules/{c}"] for c in ("newly_made", "newly_published", "total_published")
            ] == [None, None, None]
    assert [got[f"active/normative_documents/{c}"] for c in
            ("newly_made", "newly_published", "total_published")] == [2, None, 5]


# --- held out 4 (opened after its first measurement) ------------------------------------------

@pytest.mark.parametrize(("line", "cells"), [
    # bj-dongcheng-jianguomenjiedao-street-2019-42eb1c90
    ("2019年我街道新收政府信息申请公开数量2件,上年结转政府信息公开申请数量0件。",
     {"applications/new_received/total": 2, "applications/carried_over/total": 0}),
    # hb-xiaogan-yanjiushi-department-2019-e77ec29e
    ("2019年孝感市政府研究室主动公开信息16条,收到依申请公开请求2件,按时办结2件。",
     {"applications/new_received/total": 2, "applications/total_processed/total": 2}),
    # js-zhonglou-nandajiejiedao-street-2024-b3554793
    ("本年度街道收到依申请公开申请0件,办结公开申请0件。",
     {"applications/new_received/total": 0, "applications/total_processed/total": 0}),
    # hb-wuchang-xingzhengshenpiju-department-2022-37432485: 转结
    ("我局本年新收到政府信息公开申请35件,上年转结政府信息公开申请2件,予以公开3件。",
     {"applications/new_received/total": 35, "applications/carried_over/total": 2,
      "applications/granted/total": 3}),
    # hi-hainan-yaojianju-department-2014-87c2120e
    ("2014年,我局收到12起政府信息依申请公开,均严格按程序和时限办理。",
     {"applications/new_received/total": 12}),
    # jl-nanguan-yongjijiedao-street-2024-10260b44
    ("2024年度,我街受理依申请公开政府信息0件,回复处理0件。",
     {"applications/new_received/total": 0, "applications/total_processed/total": 0}),
    # ln-haicheng-xisizhen-township-2025-a89774c3
    ("年内,我镇未收到公民、法人或其他组织通过任何形式提出的政府信息公开申请。",
     {"applications/new_received/total": 0}),
    # tj-xiqing-dasizhen-township-2021-eb61757f
    ("全年共收到政府信息公开申请6件,结转上年政府信息公开申请0件,答复政府信息公开申请6件。",
     {"applications/new_received/total": 6, "applications/carried_over/total": 0,
      "applications/total_processed/total": 6}),
    # yn-heqing-zhengfubangongshi-department-2021-9ae8d773: two verbs, one number (rule 9)
    ("我县共受理办结政府信息公开申请2件。",
     {"applications/new_received/total": 2, "applications/total_processed/total": 2}),
    # ah-anqing-zhaoshangzhongxin-department-2021-d9c112c8: one channel, and a part of it
    (("本年度共受理群众网上申请政府信息公开申请0件,自然人申请办件量0件,法人0件;其中办结政府信息公开"
     "申请0件。"), {}),
    # nx-xingqing-qianjinjiejiedao-street-2024-dfd6ec29: two channels named, no total
    ("2024年,前进街未接到书面方式申请的政府信息公开申请和网络方式申请的政府信息公开申请件。", {}),
])
def test_prose_numbers_of_held_out_4(line: str, cells: dict[str, int]) -> None:
    assert _prose("一、总体情况", line) == cells


@pytest.mark.parametrize(("lines", "org"), [
    # gd-zhanjiang-difangzhiban-department-2023-55573d6f
    ([("根据《中华人民共和国政府信息公开条例》要求,特编制湛江市人民政府地方志办公室2023年政府信息公开工作"
      "年度报告。")], "湛江市人民政府地方志办公室"),
    # sc-yanbian-xinjiuzhen-township-2021-74d907d0: the page's title names no body; the
    # report's own title, two lines below the page's chrome, does
    (["关于2021年度政府信息公开工作的年度报告", "来源:新九镇党政办", "盐边县新九镇人民政府",
      "关于2021年度政府信息公开工作的年度报告", "一、总体情况"], "盐边县新九镇人民政府"),
    # xz-xizang-province-2023-7b5430b5: a traditional key before the title
    (["標(biāo)      題 西藏自治區(qū)人民政府 2023年政府信息公開工作年度報告", "一、總體情況"],
     "西藏自治區人民政府"),
    # jx-ningdu-duifangxiang-township-2023-cb4cd544: a place whose name starts like a word (对)
    (["您当前所在位置:首页>各乡镇信息公开>对坊乡>年度报告>信息公开年度报告",
      "对坊乡2023年政府信息公开工作年度报告", "一、总体情况"], "对坊乡"),
    # gz-hezhang-xingfaxiang-township-undated-070a1dad
    (["一、总体情况", "本年度,兴发乡严格依照《中华人民共和国政府信息公开条例》,扎实推进政府信息公开工作。"],
     "兴发乡"),
    # nm-wulateqianqi-county-2021-e01707c9: 监督全旗 is no name
    (["一、总体情况", "2021年,全旗认真落实《条例》,主动接受社会监督全旗政府信息公开工作。"], None),
    # zj-longyou-zhengfubangongshi-department-2023-09ebe5ab: no body in 编制并发布本单位…
    (["编制并发布本单位2023年政府信息公开工作年度报告。本报告由龙游县人民政府办公室编制。"],
     "龙游县人民政府办公室"),
])
def test_bodies_named_in_held_out_4(lines: list[str], org: str | None) -> None:
    assert read_metadata(_text(*lines), None).org == org


@pytest.mark.parametrize("lines", [
    # gd-yangshan-zhengfubangongshi-department-2016-c9d4ebfb: 综述 opens the list of parts
    [("根据《条例》的规定,现公布阳山县人民政府办公室(以下简称县政府办公室)2016年政府信息公开工作年度报告。"
      "本报告由综述、主动公开政府信息情况、依申请公开政府信息及咨询受理情况组成。")],
    # nm-xianghuangqi-county-2024-6294f2f0: a traditional copy that lost characters to ?
    ["鑲黃旗2024年度", "政府信息公開年報(bào)?",
     ("? ?本年度報(bào)告根據《中華人民共和國政府信息公開條例》要求制作。報告內容包括鑲黃旗各行政機關"
      "2024年政府信息公開總體情況,主動公開政府信息情況。"),
     "一、總體情況?", "2024年,鑲黃旗扎實推進政府信息公開工作。", "二、主動公開政府信息情況?"],
])
def test_reports_whose_copies_lost_characters_or_say_综述(lines: list[str]) -> None:
    assert is_report(_text(*lines))[0]


# --- held out 5 (opened after its first measurement) ------------------------------------------

@pytest.mark.parametrize(("line", "cells"), [
    # fj-fuzhou-tongjiju-department-2019-ecb91693: 项 for 件, two verbs (rule 9)
    ("2019年,累计对外公开规章和规范性文件14件,收到并处理政府信息公开申请7项。",
     {"applications/new_received/total": 7, "applications/total_processed/total": 7}),
    # ln-dalian-changxingdaojiedao-street-2022-1c5bd57f
    ("2022年度,长兴岛街道收到和处理政府信息公开申请办理事项为0件。",
     {"applications/new_received/total": 0, "applications/total_processed/total": 0}),
    # gs-zhangjiachuan-longshanzhen-township-2024-6dab4df5
    ("2024 年度,我镇未接获公民或法人的依申请公开诉求。", {"applications/new_received/total": 0}),
    # ha-tongbai-chengjiaoxiang-township-2025-c3c0b2f6
    ("2025年度,本乡未收到政府信息公开申请,亦未因政府信息公开工作引发行政复议或行政诉讼案件。",
     {"applications/new_received/total": 0, "review_litigation/review/total": 0}),
    # hi-haikou-zhengfuyanjiushi-department-2022-0239a78c
    ("我室本年度未收到任何形式的依申请公开信息、行政复议和行政诉讼。",
     {"applications/new_received/total": 0, "review_litigation/review/total": 0}),
    # hl-harbin-shangwuju-department-2022-7f3ad41f: 依申公开, as written
    ("2022年,我局共收到依申公开事项7件,在办理过程中,严格按照有关要求答复。",
     {"applications/new_received/total": 7}),
])
def test_prose_numbers_of_held_out_5(line: str, cells: dict[str, int]) -> None:
    assert _prose("一、总体情况", line) == cells


def test_a_name_that_starts_with_由_is_no_name() -> None:
    # js-qinhuai-county-2014-7772b7e9
    assert read_metadata(_text("一、概述", "本报告由秦淮区人民政府办公室编制。我区认真贯彻《条例》。"),
                         None).org != "由秦淮区"


def test_an_nbsp_spacer_after_a_heading_is_no_empty_cell() -> None:
    page = ("<html><body><div class='article'><p>二、主动公开政府信息情况</p>"
            "<p>行政许可</p><p>&nbsp;</p><p>本年度我局通过政务服务网公开行政许可事项的办理依据、条件、程序"
            "和结果,做到应公开尽公开,切实保障了人民群众的知情权、参与权和监督权。</p></div></body></html>")
    assert _cells(extract(page.encode(), url="report.html")) == {}


# --- held out 5: PDF-to-Markdown rows parted from their labels ------------------------------

_CORPUS = Path(__file__).parent / "fixtures" / "real" / "reports"
_KEWEI = "sh-shanghai-kewei-department-2024-f766836b.txt"  # complete report, table 三 scrambled


def _table3_of_kewei(total_row: str = "| （七）总计 | 33 | 2 | 0 | 0 | 0 | 0 | 35 |") -> Document:
    lines = (_CORPUS / _KEWEI).read_text(encoding="utf-8").split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("## 表三"))
    end = next(i for i, line in enumerate(lines) if "四、结转下年度继续办理" in line)
    body = [total_row if line.startswith("| （七）总计") else line for line in lines[start:end + 1]]
    return _text("三、收到和处理政府信息公开申请情况", *body)


def test_rows_without_labels_are_placed_by_the_forms_order_when_the_sums_prove_it() -> None:
    result = read_tables(_table3_of_kewei())
    cells = {c.key: c.value for c in result.cells}
    # Typed by reading: the unlabelled rows, in order, are the form's rows between the
    # labelled ones (5.三类内部事务 = 1; 无法提供 4, 6, 0; 逾期不补正 8 + 2 = 10).
    assert cells["applications/denied.internal_affairs/total"] == 1
    assert cells["applications/unavailable.not_held/natural_person"] == 4
    assert cells["applications/unavailable.needs_creation/total"] == 6
    assert cells["applications/unavailable.unclear_after_correction/total"] == 0
    assert cells["applications/other.overdue_correction/commercial_enterprise"] == 2
    assert cells["applications/other.overdue_correction/total"] == 10
    assert cells["applications/other.unpaid_fee/total"] == 0
    assert any("placed by the form's order" in w for w in result.warnings)


def test_rows_without_labels_stay_unread_when_the_sums_do_not_prove_the_order() -> None:
    result = read_tables(_table3_of_kewei("| （七）总计 | 34 | 2 | 0 | 0 | 0 | 0 | 36 |"))
    cells = {c.key: c.value for c in result.cells}
    assert "applications/other.overdue_correction/total" not in cells
    assert "applications/denied.internal_affairs/total" not in cells
    assert any("not placed" in w for w in result.warnings)


def test_a_page_footer_between_rows_is_no_row() -> None:
    # sh-shanghai-zhengfubangongting-department-2025-48b3781b: — 5 — under a label's pieces
    doc = _text("（六）其", "2.申请人逾期未按收费通知要求", "他处理", "府信息公开申请", "— 5 —",
                "| 缴纳费用、 | 行政机关不再处理其政 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |")
    cells = _cells(doc)
    assert cells["applications/other.unpaid_fee/natural_person"] == 0
    assert cells["applications/other.unpaid_fee/total"] == 0


def test_a_whole_row_of_table_2_that_lost_a_cell_is_not_read_by_position() -> None:
    # sh-shanghai-zhengfubangongting-department-2025-48b3781b: which column 235 stands in
    # cannot be told
    doc = _text("| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |", "|---|---|---|---|",
                "| 规章 | 22 | 235 |", "|---|---|---|", "| 行政规范性文件 | 34 | 189 | 560 |")
    cells = _cells(doc)
    assert not any(k.startswith("active/rules/") for k in cells)
    assert cells["active/normative_documents/in_force"] == 560


@pytest.mark.parametrize(("lines", "org"), [
    # xj-yining-county-2014-4b72a4b8: compiled by the government's office, the government acts
    (["根据《中华人民共和国政府信息公开条例》要求,由伊宁县人民政府办公室编制。",
      "一、概述", "2014年,按照《政府信息公开条例》的要求,县政府加快电子政务建设。"], "伊宁县人民政府"),
    # hi-hainan-dizhenju-department-2024-1d5c8f7a: the bureau named bare
    (["本报告由海南省地震局办公室编制并依法公开。", "一、总体情况",
      "2024年,海南省地震局坚持以习近平新时代中国特色社会主义思想为指导。"], "海南省地震局"),
    # ha-xinhua-zhengfubangongshi-department-2024-09f8d50b: 我办, the office speaks for itself
    ([("本报告结合我办政府信息公开工作有关统计数据编写。如对本报告有任何疑问,请与新华区人民政府办公室联系"
      "(地址:建设路283号院)。"), "一、总体情况"], "新华区人民政府办公室"),
    # jx-hukou-zhengfubangongshi-department-2025-691b9b06: the overview's subject, 以提升…
    (["本报告依据《中华人民共和国政府信息公开条例》要求编制。", "一、总体情况",
      "2025 年,湖口县政府办公室以提升政务公开质效为核心,严格贯彻落实政务公开工作的部署要求。"],
     "湖口县政府办公室"),
    # sx-shanxi-province-2017-26e14a11: compiled by the 办公厅, nothing says who speaks
    (["本报告根据《条例》要求,由山西省人民政府办公厅编制。山西省人民政府网站上可下载本报告的电子版。"],
     "山西省人民政府办公厅"),
])
def test_an_office_or_the_body_it_compiles_for(lines: list[str], org: str) -> None:
    assert read_metadata(_text(*lines), None).org == org


# --- held out 6 (opened after its first measurement) ------------------------------------------

@pytest.mark.parametrize("lines", [
    # he-pingxiang-xunzhaoxiang-township-2024-54b1938b: 发布本年度报告
    ["根据《中华人民共和国政府信息公开条例》等规定,发布本年度报告。报告中所列数据统计期限为2024年1月1日至12月31日。",
     "一、总体情况", "2024年,寻召乡主动公开政务信息数545条。"],
    # hl-heilongjiang-shichangjianguanju-department-2023-cd4ced4c: 现发布…情况报告
    ["根据《政府信息公开条例》有关规定,现发布省市场监管局2023年政府信息公开情况报告。", "一、总体情况",
     "2023年,省市场监管局认真贯彻落实《政府信息公开条例》规定。"],
    # sc-meishan-city-2015-a499ffd6: 编制此报告
    ["根据《中华人民共和国政府信息公开条例》,编制此报告。报告所列数据的统计期限自2015年1月1日起至2015年12月31日止。",
     "一、概述", "2015年,眉山市按照国务院、省政府工作要求,认真贯彻执行《条例》。"],
    # xz-lasa-xingzhengshenpiju-department-2021-364c24b6: 现对局…情况报告如下
    [("根据《中华人民共和国政府信息公开条例》要求,拉萨市行政审批和便民服务局认真推进政务信息公开工作,"
     "现对局2021年度政府信息公开情况报告如下:"), "一、总体情况", "今年以来,市行政审批和便民服务局政府信息公开工作始终坚持为群众服务。"],
    # ln-liaoning-zhengfubangongting-department-2025-af1a670b: headings behind lost characters
    ["??根据《中华人民共和国政府信息公开条例》规定编制本报告。报告数据统计期限为2025年1月1日至2025年12月31日。",
     "??一、总体情况", "??2025年,辽宁省人民政府办公厅坚持以习近平新时代中国特色社会主义思想为指导。"],
    # ln-shenyang-zhengfubangongting-department-2025-21a5c8db: 要求编制报告, beside its period
    ["根据《中华人民共和国政府信息公开条例》,按照有关通知要求编制报告,报告数据统计期限为2025年1月1日至2025年12月31日。",
     "一、总体情况", "2025年,沈阳市人民政府办公厅坚持以习近平新时代中国特色社会主义思想为指导。"],
    # bj-beijing-province-2018-f6678946: the title printed twice, then the text
    [("北京市2018年政府信息公开工作年度报告北京市2018年政府信息公开工作年度报告 2018年,北京市全面贯彻落实党的十九大"
      "精神,全力贯彻落实《中华人民共和国政府信息公开条例》和政务公开系列工作部署,持续着力提升政府信息和政务公开工作实效。")],
    # sh-shanghai-province-2010-e1c846b1: a site's menu above the text is no title
    ["- 政策解读", "- 经济发展", ("本年度报告根据《中华人民共和国政府信息公开条例》的要求,由市政府办公厅综合各区(县)人民政府"
                              "的政府信息公开年度报告编制而成。本年度报告中所列数据的统计期限从2010年1月1日到12月31日止。"),
     "一、概述", "2010年是上海世博年。"],
    # ha-ruzhou-county-2019-9708ee91: section 1 and the year's requests, 收到申请19件
    ["一、总体情况", "(一)主动公开情况", "2019年汝州市共主动公开信息共计20809条。", "(二)依申请公开办理情况",
     "2019年,汝州市共收到申请19件。全部已在规定时间内答复。"],
])
def test_reports_of_held_out_6_are_reports(lines: list[str]) -> None:
    assert is_report(_text(*lines))[0]


@pytest.mark.parametrize(("line", "cells"), [
    # ah-zongyang-xinfangju-department-2020-de444fa9
    ("2020年度,我局收到依申请公开信息发布请求1件,但不属于政府信息公开范畴。", {"applications/new_received/total": 1}),
    # cq-yongchuan-zhongshanlujiedao-street-2025-92057a3b
    ("2025年,中山路街道接到7条提出公开政府信息的申请,已按照规定及时回复。", {"applications/new_received/total": 7}),
    # fj-minhou-zhengfubangongshi-department-2025-49689d38
    ("本年度共收到依申请公开政府信息72件,已答复71件,结转至下一年答复1件。",
     {"applications/new_received/total": 72, "applications/total_processed/total": 71,
      "applications/carried_forward/total": 1}),
    # gx-yufeng-liyongzhen-township-2025-17ce14d5: 申请案件
    ("2025年,我镇共受理政府信息公开申请案件4件,办结3件。",
     {"applications/new_received/total": 4, "applications/total_processed/total": 3}),
    # ha-xincai-county-2020-8a21c0ea
    ("2020年,新蔡县人民政府共受理政府信息公开申请10件,10件已按时办结。",
     {"applications/new_received/total": 10, "applications/total_processed/total": 10}),
    # ln-liaoning-zhengfubangongting-department-2025-af1a670b: 接受办理, two verbs
    ("全年共接受办理政府信息公开申请623件。",
     {"applications/new_received/total": 623, "applications/total_processed/total": 623}),
    # sd-shizhong-guangminglujiedao-street-2025-5e73d9cc
    ("2025年共受理政府信息公开申请1件,其中予以公开申请1件,部分公开0件。",
     {"applications/new_received/total": 1, "applications/granted/total": 1,
      "applications/partially_granted/total": 0}),
    # sn-changan-zhengfubangongshi-department-2022-4413e10b: 收到并办理
    ("2022年区政府办公室收到并办理群众提出的信息公开申请23件。",
     {"applications/new_received/total": 23, "applications/total_processed/total": 23}),
    # sn-lintong-zhengfubangongshi-department-2025-bcabfaf1: 今年共办结
    ("2025年区政府办公室共收到政府信息公开申请32件,办结上年结转3件,今年共办结35件。",
     {"applications/new_received/total": 32, "applications/carried_over/total": 3,
      "applications/total_processed/total": 35}),
    # sd-boshan-shantoujiedao-street-2020-2f8ea42e: one none for two verbs
    ("二是依申请公开情况。全年未发生依申请和处理政府信息。",
     {"applications/new_received/total": 0, "applications/total_processed/total": 0}),
    # sc-zhaohua-yuanbazhen-township-2020-5b672b1b: 未引起行政复议
    (("2020年收到公民、法人向元坝镇人民政府提交的政府信息公开申请1件,依法按时办结1件,重复申请0件,不予办理0件,"
     "均未引起行政复议和行政诉讼。"),
     {"applications/new_received/total": 1, "applications/total_processed/total": 1,
      "review_litigation/review/total": 0}),
    # gz-sandu-county-2022-5cfff8c4: the whole county's requests: no cell
    ("(二)依申请公开方面:全县政府系统各单位收到依申请公开共2件。", {}),
])
def test_prose_numbers_of_held_out_6(line: str, cells: dict[str, int]) -> None:
    assert _prose("一、总体情况", line) == cells


def test_a_block_of_table_2_read_by_its_own_headers() -> None:
    # sn-lintong-qinlingbaohuju-department-2022-a5a89fca: 2019-form headers, one column per
    # block, the fee block with the 2021 form's header
    doc = _text("二、主动公开政府信息情况", "第二十条第(一)项 | |||",
                "信息内容 | 本年新 制作数量 | 本年新 公开数量 | 对外公开总数量 |", "规章 | 0 | 0 | 0 |",
                "第二十条第(五)项 | |||", "信息内容 | 处理决定数量 | ||", "行政许可 | 117 | ||",
                "第二十条第(六)项 | |||", "信息内容 | 处理决定数量 | ||", "行政处罚 | 2 | ||",
                "第二十条第(八)项 | |||", "信息内容 | 本年度收费金额(单位:万元) | ||", "行政事业性收费 | 0 | ||")
    cells = _cells(doc)
    assert cells["active/licensing/decisions"] == 117
    assert cells["active/penalty/decisions"] == 2
    assert cells["active/fees/amount_10k_yuan"] == 0
    assert "active/licensing/previous_items" not in cells
    assert "active/fees/previous_items" not in cells


def test_a_report_before_2019_has_no_national_table_cells() -> None:
    # gx-guangxi-province-2013-161df9e5: a sentence that reads like a fee row
    doc = _text("广西壮族自治区2013年政府信息公开工作年度报告", "一、概述",
                "一是组织开展清理审批事项和优化办事流程工作。按照“四个减少”(即减少投资项目审批、减少行政事业性收费)"
                "的要求,对所有审批事项进行清理,全区分两批取消、下放和调整行政审批事项380项。")
    parsed = parse_document(doc)
    assert parsed.layout == "pre2019"
    assert not [c for c in parsed.cells if c.source != "prose"]


@pytest.mark.parametrize(("lines", "org"), [
    # ah-guoyang-zhengfubangongshi-department-2020-2e609824: the subject before 在…领导下
    (["依据《条例》规定,编制本报告。", "一、总体情况",
      "2020年,涡阳县人民政府办公室在县委县政府的坚强领导下,始终坚持“以公开为常态,不公开为例外”的原则。"],
     "涡阳县人民政府办公室"),
    # yn-jianshui-miandianzhen-township-2025-3a4492a4: the opening copied another body's name;
    # the title and the 发布机构 (its value on the next line) agree
    (["  • 发布机构", "    建水县面甸镇人民政府", "建水县面甸镇2025年政府信息公开工作年度报告",
      "根据《条例》要求,现公布建水县民族宗教事务局2025年度政府信息公开工作年度报告。", "一、总体情况"],
     "建水县面甸镇人民政府"),
    # sc-zhaohua-yuanbazhen-township-2020-5b672b1b: 法人向元坝镇 is no name
    (["(二)依申请公开。2020年收到公民、法人向元坝镇人民政府提交的政府信息公开申请1件。我镇依法按时办结。"], None),
])
def test_bodies_named_in_held_out_6(lines: list[str], org: str | None) -> None:
    assert read_metadata(_text(*lines), None).org == org


@pytest.mark.parametrize(("lines", "org"), [
    # zj-xianju-xiagezhen-township-2023-bc3942b0: a town whose name holds 各
    (["2023年下各镇政府信息公开工作年度报告", "一、总体情况", "(一)强化组织领导。我镇政府高度重视政府信息公开工作。"],
     "下各镇"),
    # xz-lasa-xingzhengshenpiju-department-2021-364c24b6: the subject right after …要求,
    ([("根据《中华人民共和国政府信息公开条例》要求,拉萨市行政审批和便民服务局坚持以“公开为常态,不公开为例外”原则,"
      "认真推进政务信息公开工作,现对局2021年度政府信息公开情况报告如下:"), "一、总体情况"],
     "拉萨市行政审批和便民服务局"),
])
def test_more_bodies_named_in_held_out_3_and_6(lines: list[str], org: str) -> None:
    assert read_metadata(_text(*lines), None).org == org
