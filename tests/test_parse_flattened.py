"""Statistical tables flattened to text, as real reports reach us (tests/fixtures/real).

Specified by snippets shaped like the real material (each names the build-split report it
copies the shape of), by the simulator's truth flattened the same ways (every value read
exactly where the text keeps it; nothing guessed where it does not), and by the rule for
digits run together: a row is cut apart only when exactly one cut adds up to its totals.
"""

from __future__ import annotations

import random

import pytest

from parsers.tables import read_tables
from parsers.tables.runs import spread
from parsers.tables.schema import GB2019, GB2021, review_specs, row_specs
from tests.parse_helpers import (
    cell_pipe_text,
    pdf_text,
    pipe_line_text,
    report_text,
    row_pipe_text,
    run_together_text,
    spaced_text,
    tab_row_text,
    text_document,
)
from tests.portalsim.assets import grids_for
from tests.portalsim.truth import report_truth
from tests.portalsim.world import DEFAULT_AS_OF, World

APPLICANTS = ["natural_person", "commercial_enterprise", "research_institution",
              "social_welfare_org", "legal_service_org", "other_org", "total"]
ABSENT = "absent"


def _read(text: str):
    result = read_tables(text_document(text))
    return result, {c.key: c.value for c in result.cells}


def _row(got: dict, row: str, table: str = "applications", columns=APPLICANTS) -> list:
    return [got.get(f"{table}/{row}/{c}", ABSENT) for c in columns]


# --- one cell per line ------------------------------------------------------------------------


def test_cells_ended_by_pipes_with_blank_cells_and_row_ends():
    # jl-erdao-fangwuzhengshouban-department-2022: "X |" a cell, "|" an empty cell, "||" a
    # row's end; the group labels 三、本年度办理结果 and （三）不予公开 on lines of their own.
    text = "\n".join([
        "三、收到和处理政府信息公开申请情况", "申请人情况 |", "||||||||", "自然人 |",
        "法人或其他组织 |", "总计 |", "|||||||", "商业企业 |", "科研机构 |", "社会公益组织 |",
        "法律服务机构 |", "其他 |", "|||||",
        "一、本年新收政府信息公开申请数量 |", "56 |", *["|"] * 5, "56 |", "||",
        "三、本年度办理结果 |", "(一)予以公开 |", "18 |", *["|"] * 7,
        "(二)部分公开(区分处理的,只计这一情况,不计其他情形) |", *["|"] * 7, "||",
        "(三)不予公开 |", "1.属于国家秘密 |", *["|"] * 8,
        "2.其他法律行政法规禁止公开 |", *["|"] * 7, "||"])
    _, got = _read(text)
    assert _row(got, "new_received") == [56, None, None, None, None, None, 56]
    assert _row(got, "granted") == [18, None, None, None, None, None, None]
    assert _row(got, "partially_granted") == [None] * 7
    assert _row(got, "denied.state_secret") == [None] * 7
    assert _row(got, "denied.prohibited_by_law") == [None] * 7


def test_cells_between_pipe_lines_with_labels_split_over_lines():
    # xj-nileke-zhen-township-2023: each cell's lines, then a line "|"; 商业/企业 broken.
    cells = ["第二十条第(一)项", "信息内容", "本年制发件数", "本年废止件数", "现行有效件数",
             "规章", "0", "0", "6", "行政规范性文件", "0", "0", "0",
             "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)", "申请人情况",
             "自然人", "法人或其他组织", "总计", "商业\n企业", "科研\n机构", "社会公益组织",
             "法律服务机构", "其他", "一、本年新收政府信息公开申请数量", *"0000003",
             "三、本年度办理结果", "(一)予以公开", *"0000000", "(三)不予公开",
             "1.属于国家秘密", *"0000000"]
    _, got = _read("二、主动公开政府信息情况\n" + "\n|\n".join(cells) + "\n|")
    assert _row(got, "rules", "active", ["issued", "repealed", "in_force"]) == [0, 0, 6]
    assert _row(got, "new_received") == [0, 0, 0, 0, 0, 0, 3]
    assert _row(got, "granted") == [0] * 7
    assert _row(got, "denied.state_secret") == [0] * 7


def test_a_cell_a_paragraph_with_empty_cells_as_empty_paragraphs():
    # sn-yuyang-tuofenglujiedao-street-2020: every cell followed by an empty line; the blank
    # 自然人 to 其他 cells show as more empty lines, the total as " 0".
    head = ["第二十条第(一)项", "信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量",
            "规章", "0", "0", "0", "规范性文件", "0", "0", "0", "第二十条第(五)项", "信息内容",
            "上一年项目数量", "本年增/减", "处理决定数量", "行政许可", "0", "0", "0",
            "申请人情况", "自然人", "法人或其他组织", "总计", "商业企业", "科研机构",
            "社会公益组织", "法律服务机构", "其他"]
    text = ("\n\n".join(head) + "\n\n\n一、本年新收政府信息公开申请数量" + "\n" * 8 + " 0\n\n"
            + "二、上年结转政府信息公开申请数量")
    result, got = _read(text)
    assert result.layout == GB2019
    assert _row(got, "licensing", "active", ["previous_items", "change", "decisions"]) == [0] * 3
    assert got["applications/new_received/total"] == 0
    assert got.get("applications/new_received/natural_person") is None  # blank, not 0


def test_blank_cells_as_lone_pipes_between_a_rows_numbers():
    # gd-liwan-fagaiju-department-2020-cfc637ad: each blank cell a line holding only "|", so
    # the row's last number comes as "| 25 |" (its first pipe ends the last blank cell).
    lines = [
        "三、收到和处理政府信息公开申请情况",
        "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和) | 申请人情况 |",
        "自然人 | 法人或其他组织 | 总计 |",
        "商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 |",
        "一、本年新收政府信息公开申请数量 | 25 |", "|", "|", "|", "|", "| 25 |",
        "二、上年结转政府信息公开申请数量 |", "|", "|", "|", "|", "|", "| 0 |",
        "三、本年度办理结果 | (一)予以公开 | 7 |", "|", "|", "|", "|", "| 7 |"]
    _, got = _read("\n".join(lines))
    assert _row(got, "new_received") == [25, None, None, None, None, None, 25]
    assert _row(got, "carried_over") == [None] * 6 + [0]
    assert _row(got, "granted") == [7, None, None, None, None, None, 7]


def test_a_row_printed_again_at_once_with_other_numbers_is_not_read():
    # sn-yanliang-jiguanshiwufuwuzhongxin-department-2021-53f092ba: 政府集中采购 a line per
    # purchase, each with its own amount: which the form's cell holds is unknown.
    lines = [
        "第二十条第(九)项 | |||", "信息内容 | 采购项目数量 | 采购总金额 | |||",
        "政府集中采购 | 公务用车10辆 | 1530000元 | |||",
        "政府集中采购 | 办公区物业管理服务项目 | 350000元 | |||",
        "三、收到和处理政府信息公开申请情况"]
    result, got = _read("\n".join(lines))
    assert not [k for k in got if k.startswith("active/procurement")]
    assert any("printed again at once with other values" in w for w in result.warnings)


def test_labels_whose_numbers_were_lost():
    # he-xiongxian-xiang-township-2019: all labels kept, one number left (after 规章): which of
    # the block's three headed columns it stands in cannot be told (corpus rule 12), so no
    # cell; the others are absent, not blank. The layout shows in the labels.
    text = "\n".join(["二、主动公开政府信息情况", "第二十条第(一)项", "信息内容", "本年新制作数量",
                      "本年新公开数量", "对外公开总数量", "规章", "0", "规范性文件",
                      "第二十条第(五)项", "上一年项目数量", "本年增/减", "处理决定数量", "行政许可",
                      "三、收到和处理政府信息公开申请情况", "一、本年新收政府信息公开申请数量",
                      "(七)总计", "五、存在的主要问题及改进情况"])
    result, got = _read(text)
    assert result.layout == GB2019
    assert got == {}
    assert any("which column each stands in cannot be told" in w for w in result.warnings)


def test_tables_whose_numbers_are_all_lost_still_show_their_form():
    labels = ["第二十条第（一）项", "信息内容", "本年制发件数", "本年废止件数", "现行有效件数",
              "规章", "行政规范性文件", "第二十条第（八）项", "本年收费金额（单位：万元）",
              "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"]
    result, got = _read("\n".join(labels))
    assert (result.layout, got) == (GB2021, {})
    assert "table active not found" in result.warnings


# --- rows on lines --------------------------------------------------------------------------


def test_rows_of_cells_between_pipes_without_a_leading_pipe():
    # sd-weishan-liangchengzhen-township-2020 and hn-hetang-guihuajiedao-street-2019: rows
    # with extra empty cells; 政府集中采购 printed with empty cells only.
    text = "\n".join(["第二十条第(一)项 | ||||", "信息内容 | 本年新 | 本年新 | 对外公开总数量 | |",
                      "规章 | 0 | 0 | 0 | |", "规范性文件 | 0 | 0 | 0 | |",
                      "第二十条第(九)项 | ||||", "信息内容 | 采购项目数量 | 采购总金额 | ||",
                      "政府集中采购 | ||||",
                      "一、本年新收政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | ||"])
    _, got = _read(text)
    columns = ["newly_made", "newly_published", "total_published"]
    assert _row(got, "normative_documents", "active", columns) == [0, 0, 0]
    assert _row(got, "procurement", "active", ["projects", "amount"]) == [None, None]
    assert _row(got, "new_received") == [0] * 7


def test_a_pipe_line_starting_each_row():
    # hb-hanyang-zhengfubangongshi-department-2022: "|" lines start rows; 规章's
    # 现行有效件数 is blank.
    text = "\n".join(["|", "第二十条第(一)项 | |||", "|", "信息内容 |", "本年制发件数 |",
                      "本年废止件数 |", "现行有效件数 (历史累计) |", "|", "规章 |", "0 |", "0 |",
                      "|", "|", "行政规范性文件 |", "5 |", "12 |", "8 |", "|",
                      "第二十条第(五)项 | |||"])
    _, got = _read(text)
    columns = ["issued", "repealed", "in_force"]
    assert _row(got, "rules", "active", columns) == [0, 0, None]
    assert _row(got, "normative_documents", "active", columns) == [5, 12, 8]


def test_review_table_drawn_as_three_markdown_tables_under_headings():
    # js-shuyang-county-2025: ### 行政复议 / ### 行政诉讼（未经复议直接起诉） / ...
    head = "| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |\n|---|---|---|---|---|"
    text = "\n".join(["## 四、政府信息公开行政复议、行政诉讼情况", "", "### 行政复议", head,
                      "| 27 | 10 | 9 | 15 | 61 |", "", "### 行政诉讼（未经复议直接起诉）", head,
                      "| 3 | 0 | 0 | 0 | 3 |", "", "### 行政诉讼（复议后起诉）", head,
                      "| 8 | 0 | 1 | 1 | 10 |"])
    _, got = _read(text)
    columns = ["upheld", "corrected", "other", "pending", "total"]
    assert _row(got, "review", "review_litigation", columns) == [27, 10, 9, 15, 61]
    assert _row(got, "litigation_direct", "review_litigation", columns) == [3, 0, 0, 0, 3]
    assert _row(got, "litigation_after_review", "review_litigation", columns) == [8, 0, 1, 1, 10]


def test_review_table_under_two_lines_of_split_headers_and_a_page_header():
    # sd-wendeng-xinfangju-department-2022: a flip-book page (its title names 信访局, the
    # row 1.信访举报投诉类申请 it is not), headers split in stacked characters, 15 zeros.
    text = "\n".join(["Page 8 - 威海市文登区信访局2022年政府信息公开工作年度报告", "P. 8",
                      "四、因政府信息公开工作被申请行政复议提起行政诉讼情况", "行政复议 行政诉讼",
                      "未经复议直接起诉 复议后起诉", "结果 结果 其他 尚未 总",
                      "维持 纠正 结果 审结 计 结果 结果 其他 尚未 总 结果 结果 其他 尚未 总",
                      "维持 纠正 结果 审结 计 维持 纠正 结果 审结 计", " ".join("0" * 15),
                      "五、政府信息公开工作存在的主要问题及改进情况"])
    _, got = _read(text)
    assert len(got) == 15 and set(got.values()) == {0}
    assert all(k.startswith("review_litigation/") for k in got)


def test_values_as_reports_write_them():
    text = "\n".join([
        "第二十条第（五）项", "信息内容 上一年项目数量 本年增/减 处理决定数量",
        "行政许可 12 +19 0件", "行政处罚 30 -2 7", "第二十条第（九）项",
        "信息内容 采购项目数量 采购总金额", "政府集中采购 4 251000元",
        "第二十条第（八）项 上一年项目数量 本年增/减", "行政事业性收费 3 —"])
    result, got = _read(text)
    cells = {c.key: c for c in result.cells}
    assert _row(got, "licensing", "active", ["previous_items", "change", "decisions"]) == [
        12, 19, 0]
    assert got["active/penalty/change"] == -2
    assert got["active/procurement/amount"] == 251000
    assert cells["active/procurement/amount"].unit == "元"
    assert (got["active/fees/change"], cells["active/fees/change"].raw) == (0, "—")


def test_fee_amount_in_wan_yuan_and_the_2019_other_row_in_a_2021_table():
    text = "\n".join(["行政事业性收费 |", "103.3879万元 |", "||", "（六）其他处理 |",
                      *["2 |", "0 |", "0 |", "0 |", "0 |", "0 |", "2 |"], "||", "（七）总计 |",
                      *["2 |", "0 |", "0 |", "0 |", "0 |", "0 |", "2 |"], "||",
                      "本年制发件数 |", "逾期不补正 |"])
    result, got = _read(text)
    assert result.layout == GB2021
    assert got["active/fees/amount_10k_yuan"] == 103.3879
    assert _row(got, "other") == [2, 0, 0, 0, 0, 0, 2]
    assert not any("other.other" in w for w in result.warnings)


# --- an excerpt cut short ---------------------------------------------------------------------


def test_an_excerpt_ending_inside_a_row_reads_what_it_shows():
    # Stored page excerpts stop anywhere (bj-tongzhou-zhongcangjiedao-street-2025 ends
    # "行政规范性文件 |\n0 |\n0 |\n0"). No report ends in table 三: the row the text ends in
    # was cut, so its last number is no 总计; the cells shown are read from the left.
    # A last number right at the end may be cut too (12 of 125?): it is not read; 0 is.
    head = "一、本年新收政府信息公开申请数量 |\n"
    _, got = _read(head + "5 |\n|\n3 |\n1 |\n12")
    assert _row(got, "new_received") == [5, None, 3, 1, ABSENT, ABSENT, ABSENT]
    _, got = _read(head + "5 |\n|\n3 |\n0")
    assert _row(got, "new_received") == [5, None, 3, 0, ABSENT, ABSENT, ABSENT]
    _, got = _read("一、本年新收政府信息公开申请数量 5 3 1 9 ")  # blanks lost too: 自然人 only
    assert _row(got, "new_received") == [5] + [ABSENT] * 6
    # sc-lizhou-xiang-township-2019-128d3256: a merged-cell layout gives each row a blank
    # cell, a lone 0, then empty cells; the row the excerpt ends in shows | | 0 | only. Cut or
    # merged cannot be told: the 0 stands in no known column, nothing is read.
    _, got = _read("(一)予以公开 |\n|\n0 |\n||||||\n(二)部分公开 |\n|\n0 |")
    assert _row(got, "partially_granted") == [ABSENT] * 7


# --- digits run together ----------------------------------------------------------------------


def _spec(row: str, layout: str = GB2021):
    return [s for s in row_specs(layout) if s.row == row]


@pytest.mark.parametrize(("values", "cells"), [
    (["640020470"], ["64", "0", "0", "2", "0", "4", "70"]),  # fj-pingtan-city-2021
    (["1000001"], list("1000001")),
    (["500000", "5"], list("5000005")),  # '500000 5'
    (["270020130"], None),  # 27/0/0/2/0/1/30 and 2/7/0/0/20/1/30 both add up
])
def test_digits_run_together_are_cut_only_where_one_cut_adds_up(values, cells):
    assert spread(values, _spec("new_received"), glued=True).cells == cells
    assert spread(values, _spec("new_received")).cells == cells  # such runs show themselves


@pytest.mark.parametrize("values", [["12", "3", "15"], ["1234", "1240"], ["5"]])
def test_short_rows_of_a_spaced_line_are_no_run(values):
    assert spread(values, _spec("new_received")).cells == values  # blanks lost: by position


def test_digits_run_together_in_rows_without_a_total():
    rules = _spec("rules")
    assert spread(["000"], rules, glued=True).cells == ["0", "0", "0"]
    assert spread(["693665"], rules, glued=True).cells is None  # no total to tell
    assert spread(["10"], rules, glued=True).cells is None  # 10 or 1/0?
    assert spread(["12", "5"], rules).cells == ["12", "5"]  # spaced: blanks lost


def test_review_run_of_17_digits_for_15_cells():
    cut = spread(["10203120001200000"], review_specs(), glued=True)
    assert cut.cells == ["1", "0", "2", "0", "3", "12", "0", "0", "0", "12"] + ["0"] * 5


def test_a_whole_table_run_together_on_one_line():
    # fj-pingtan-city-2021: the page's text with every separator stripped.
    text = (
        "二、主动公开政府信息情况 第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章 "
        "000行政规范性文件693665第二十条第（五）项信息内容本年处理决定数量行政许可2293 第二十条第"
        "（六）项信息内容 本年处理决定数量行政处罚1282行政强制42第二十条第（八）项信息内容 本年收费"
        "金额（单位：万元）行政事业性收费24252.311082三、收到和处理政府信息公开申请情况（本列数据的勾稽"
        "关系为：第一项加第二项之和，等于第三项加第四项之和）申请人情况自然人法人或其他组织总计 商业企业"
        "科研机构社会公益组织法律服务机构其他一、本年新收政府信息公开申请数量640020470二、上年结转政府"
        "信息公开申请数量0000000三、本年度办理结果（一）予以公开270020130（二）部分公开（区分处理的，"
        "只计这一情形，不计其他情形）500000 5（三）不予公开1.属于国家秘密00000002.其他法律行政法规禁止"
        "公开0000000（七）总计630020469四、结转下年度继续办理1000001 四、政府信息公开行政复议、行政诉讼"
        "情况 行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉结果维持结果"
        "纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计10203120001200000五、存在的主要问题"
        "及改进情况（一）存在的主要问题:政策解读形式不够丰富。2021年，全年主动公开政府信息2645条。")
    result, got = _read(text)
    assert _row(got, "rules", "active", ["issued", "repealed", "in_force"]) == [0, 0, 0]
    assert "active/normative_documents/issued" not in got
    assert (got["active/licensing/decisions"], got["active/penalty/decisions"],
            got["active/coercion/decisions"]) == (2293, 1282, 42)
    assert got["active/fees/amount_10k_yuan"] == 24252.311082
    assert _row(got, "new_received") == [64, 0, 0, 2, 0, 4, 70]
    assert "applications/granted/total" not in got
    assert _row(got, "partially_granted") == [5, 0, 0, 0, 0, 0, 5]
    assert _row(got, "denied.prohibited_by_law") == [0] * 7
    assert _row(got, "total_processed") == [63, 0, 0, 2, 0, 4, 69]
    assert _row(got, "carried_forward") == [1, 0, 0, 0, 0, 0, 1]
    assert got["review_litigation/litigation_direct/total"] == 12
    assert any("applications/granted: not read: 9 digits run together for 7 cells: 2 ways"
               in w for w in result.warnings)
    assert any("active/normative_documents: not read" in w for w in result.warnings)


@pytest.mark.parametrize("text", [
    # fj-pingtan-city-2017: the pre-2019 statistics table, its numbers after a unit column.
    ("六、政府信息公开情况统计表指标名称计量单位2017年度历年累计1、政府网站公开数条212210037"
     "2、同意部分公开答复数条003、不予公开答复数条00"),
    # ln-yuhong-yingbinlujiedao-street-2021: a number in a sentence.
    "(二)依申请公开\n受理政府信息公开申请5件,均在法定时限内予以答复。信息公开类行政复议1起,正在办理中。",
    "全年共受理政府信息公开申请 749 件，其中予以公开 12 件，行政复议 3 件。",
])
def test_numbers_in_prose_and_old_statistics_are_no_cells(text):
    result, got = _read(text)
    assert (result.layout, got) == (None, {})


# --- the simulator's truth, flattened every way ------------------------------------------------


def _reports(world: World):
    return [r for r in world.reports() if r.has_tables and r.published.date() <= DEFAULT_AS_OF]


def _truth(report) -> dict:
    return {f"{t['table']}/{t['row']}/{t['column']}": t["value"]
            for t in report_truth(report, DEFAULT_AS_OF)["cells"]}


@pytest.mark.parametrize("form", [cell_pipe_text, pipe_line_text, spaced_text, row_pipe_text,
                                  tab_row_text])
def test_simulator_tables_flattened_the_real_ways_are_read_exactly(world: World, form):
    mismatches = {}
    for report in _reports(world)[::2]:
        grids = grids_for(report, DEFAULT_AS_OF)
        result, got = _read(report_text(report.blocks, grids, form))
        if got != _truth(report) or result.layout != report.layout:
            mismatches[report.rid] = result.warnings[:3]
    assert mismatches == {}


def test_simulator_tables_run_together_are_read_where_unambiguous(world: World):
    """Blank cells vanish and digits run into each other: a row is read only where its
    digits cut one way, never guessed; what is not read is in the warnings (the row, or
    its table as not found or incomplete)."""
    read = total = 0
    for report in _reports(world)[::2]:
        truth = _truth(report)
        result, got = _read(run_together_text(grids_for(report, DEFAULT_AS_OF)))
        assert {k: v for k, v in got.items() if truth.get(k, ABSENT) != v} == {}, report.rid
        unread = {k.split("/")[0] for k in truth if k not in got}
        assert all(any(w.startswith(f"table {t} ") for w in result.warnings) for t in unread)
        read, total = read + len(got), total + len(truth)
    assert read > total / 2


@pytest.mark.parametrize("form", [cell_pipe_text, pipe_line_text, spaced_text, row_pipe_text,
                                  pdf_text, run_together_text])
def test_simulator_reports_cut_anywhere_give_no_wrong_number(world: World, form):
    """Stored excerpts stop mid-table, mid-row, mid-number: what is read is right."""
    rng = random.Random(form.__name__)
    for report in _reports(world)[::4]:
        text = report_text(report.blocks, grids_for(report, DEFAULT_AS_OF), form)
        text = text[:rng.randint(len(text) // 3, len(text))]
        truth = _truth(report)
        _, got = _read(text)
        assert {k: v for k, v in got.items() if truth.get(k, ABSENT) != v} == {}, report.rid


def test_a_number_with_a_remark_cut_by_the_excerpt_is_read():
    # gd-guangdong-wenhualvyouting-department-2019-09a2b689: one cell a paragraph, the excerpt
    # ends inside the amount's remark: 13000000(预算… is 13000000, not a number cut short.
    lines = ["第二十条第(九)项", "信息内容", "采购项目数量", "采购总金额", "政府集中采购", "3",
             "13000000(预算"]
    _, got = _read("\n\n".join(lines))
    assert (got.get("active/procurement/projects"), got.get("active/procurement/amount")) == (
        3, 13000000)
