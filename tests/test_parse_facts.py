"""Numbers the prose states, and the cells they stand for: the seeds, the real samples and
every report of the simulated world (whose truth lists the facts its prose writes)."""

from __future__ import annotations

import pytest

from parsers.document import Block, Document
from parsers.facts import read_facts
from tests.parse_fixtures import pdf_document, report_document, seed_document, ucap_document

# Numbers the parsers read for their cell only (parsers/facts.py): checked by the cell.
CELL_ONLY = {"applications_processed", "applications_carried_over", "applications_carried_forward"}
SIMULATOR_NAMES = {"active_disclosure_items", "applications_received", "applications_granted",
                   "applications_partially_granted", "administrative_reviews"}

SEEDS = {
    "000": [("active_disclosure_items", 42, "公开政府信息42条"),
            ("applications_received", 0, "未收到政府信息公开申请")],
    # The aside （2021年我镇未收到政府信息公开申请） is about last year: not a fact.
    "001": [("active_disclosure_items", 93, "主动公开政府信息93条"),
            ("applications_received", 4, "收到政府信息公开申请4件"),
            ("applications_granted", 2, "予以公开2件"),
            ("applications_partially_granted", 2, "部分公开2件"),
            ("administrative_reviews", 0, "未发生涉及政府信息公开的行政复议"),
            ("administrative_litigations", 0, "未发生涉及政府信息公开的行政复议和行政诉讼"),
            ("processing_fees_yuan", 0, "未收取政府信息公开信息处理费")],
    # 共发布信息105条 counts everything published, 主动公开信息57条 is the fact.
    "002": [("active_disclosure_items", 57, "主动公开信息57条"),
            ("applications_received", 0, "未收到依申请公开政府信息"),
            ("processing_fees_yuan", 0, "没有收取信息处理费")],
    # 主动公开信息500余条 is approximate, 微信公众号公开信息121条 is one channel: no facts.
    "003": [],
    "004": [("active_disclosure_items", 25, "主动公开信息25条"),
            ("applications_received", 0, "受理政府信息公开申请0件"),
            ("processing_fees_yuan", 0, "没有向申请人收取信息处理费")],
}


def _facts(doc: Document) -> list[tuple[str, int | float, str]]:
    return [(f.name, f.value, f.text) for f in read_facts(doc)[0]]


def _cells(doc: Document) -> dict[str, tuple[int | float | None, str]]:
    cells = read_facts(doc)[1]
    assert all(c.source == "prose" for c in cells)
    return {c.key: (c.value, c.raw) for c in cells}


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_seed_facts(seed: str) -> None:
    assert _facts(seed_document(seed)) == SEEDS[seed]


def test_seed_cells() -> None:
    assert _cells(seed_document("001")) == {
        "applications/new_received/total": (4, "4"), "applications/granted/total": (2, "2"),
        "applications/partially_granted/total": (2, "2"),
        "review_litigation/review/total": (0, "未发生涉及政府信息公开的行政复议")}
    assert _cells(seed_document("004")) == {"applications/new_received/total": (0, "0")}
    assert _cells(seed_document("000")) == {
        "applications/new_received/total": (0, "未收到政府信息公开申请")}
    cell = read_facts(seed_document("001"))[1][0]
    assert cell.label == "一、本年新收政府信息公开申请数量 / 总计"


def test_real_samples() -> None:
    assert _facts(ucap_document())[:2] == [
        ("active_disclosure_items", 249, "公开政府信息249条"),
        ("applications_received", 26, "收到依申请信息公开26件")]
    # PDF text: spaces around numbers (1136 条), lines wrapped mid-sentence.
    assert _facts(pdf_document("hongze_2023_zfxxgk_annual_report.pdf"))[:2] == [
        ("active_disclosure_items", 1136, "主动公开政府信息1136条"),
        ("applications_received", 21, "受理政府信息公开申请21件")]
    assert _facts(pdf_document("hongze_2024_zfxxgk_annual_report.pdf"))[:2] == [
        ("active_disclosure_items", 2428, "主动发布各类政府信息2428条"),
        ("applications_received", 17, "受理政府信息公开申请17件")]


def test_every_simulated_report(world, world_truth) -> None:
    """Every fact the truth lists, with its cell; anything more is a name the simulator does
    not write or a zero stated in words (未收到…申请), which its truth leaves out, and that
    zero agrees with the report's table."""
    reports = {r.rid: r for r in world.reports()}
    problems = []
    checked = 0
    for truth in world_truth["reports"]:
        doc = report_document(reports[truth["id"]])
        facts, cells = read_facts(doc)
        got = {(f.name, f.value, f.text) for f in facts}
        want = {(f["name"], f["value"], f["text"]) for f in truth["facts"]
                if f["name"] not in CELL_ONLY}
        by_key = {c.key: c.value for c in cells}
        truth_cells = {f"{c['table']}/{c['row']}/{c['column']}": c["value"] for c in truth["cells"]}
        for fact in truth["facts"]:
            if fact["cell"] and by_key.get(fact["cell"]) != fact["value"]:
                problems.append((truth["id"], "cell", fact))
        truth_keys = {f["cell"] for f in truth["facts"]}
        for name, value, text in got - want:
            in_words = not any(ch.isdigit() for ch in text)
            if name in SIMULATOR_NAMES and not (in_words and value == 0):
                problems.append((truth["id"], "extra", name, value, text))
        # (A fact the truth lists may disagree with a table broken on purpose: not checked.)
        for key, value in by_key.items():
            if key not in truth_keys and key in truth_cells and truth_cells[key] != value:
                problems.append((truth["id"], "extra disagrees with table", key, value))
        if want - got:
            problems.append((truth["id"], "missing", want - got))
        checked += len(want)
    assert checked > 1000
    assert problems == []


@pytest.mark.parametrize("text,expected", [
    ("共收到政府信息公开申请两件，其中予以公开一件。",
     [("applications_received", 2), ("applications_granted", 1)]),
    ("2022年，我局主动公开政府信息一百二十三条。", [("active_disclosure_items", 123)]),
    ("2021年收到政府信息公开申请3件，2022年收到政府信息公开申请5件。",
     [("applications_received", 5)]),
    ("收到政府信息公开申请8件，较上年收到政府信息公开申请3件有所增加。",
     [("applications_received", 8)]),
    ("本年度主动公开信息1000余条。", []),
    ("2022年，本机关因政府信息公开被申请行政复议2件，被提起行政诉讼1件。",
     [("administrative_reviews", 2), ("administrative_litigations", 1)]),
    ("全年政府信息公开行政复议和行政诉讼均为0件。",
     [("administrative_reviews", 0), ("administrative_litigations", 0)]),
    ("全年无因政府信息公开被申请行政复议、提起行政诉讼的情况。",
     [("administrative_reviews", 0), ("administrative_litigations", 0)]),
    ("全年收取政府信息公开信息处理费 0 元。", [("processing_fees_yuan", 0)]),
])
def test_prose_variants(text: str, expected: list[tuple[str, int]]) -> None:
    doc = Document("text", [Block("para", "某县人民政府2022年政府信息公开工作年度报告"),
                            Block("para", text)])
    assert [(name, value) for name, value, _ in _facts(doc)] == expected


def test_lines_wrapped_by_a_pdf_are_read_as_one_sentence() -> None:
    lines = ["（一）主动公开情况。主要通过政府门户网站主动公开政府文件等。我区在政府网站平台主动公开政",
             "府信息 1136 条。", "（二）依申请公开情况。"]
    doc = Document("pdf", [Block("para", line) for line in lines])
    assert _facts(doc) == [("active_disclosure_items", 1136, "主动公开政府信息1136条")]


def test_tables_are_not_prose() -> None:
    from parsers.document import Cell, Table

    table = Table([[Cell("行政复议"), Cell("3件")], [Cell("予以公开"), Cell("2件")]])
    assert read_facts(Document("html", [Block("table", table=table)])) == ([], [])


def _prose_cells(*paragraphs: str) -> dict[str, int | float | None]:
    """The cells the prose of a report with these paragraphs gives, by row (total column)."""
    doc = Document("text", [Block("para", "2023年政府信息公开工作年度报告"),
                            *(Block("para", p) for p in paragraphs)])
    cells = read_facts(doc)[1]
    assert all(c.source == "prose" and c.column == "total" for c in cells)
    return {c.row: c.value for c in cells}


@pytest.mark.parametrize("text,expected", [
    # zj-longyou-zhengfubangongshi-department-2023-09ebe5ab: 依申请公开 names the requests; a
    # bare 已办结12件 / 2件结转下年 counts the requests the sentence has just counted.
    ("2023年，全年共收到依申请公开14件（其中信件申请10件，网络申请4件），已办结12件，2件结转下年办理。",
     {"new_received": 14, "total_processed": 12, "carried_forward": 2}),
    # js-shuyang-county-2025-d5aab54f: a ； does not end the sentence the numbers belong to.
    (("全县全年共受理政府信息公开申请 749 件，其中自然人申请 741 件，法人或其他组织申请 8 件；"
      "共办理 718 件，结转下一年 31 件。"),
     {"new_received": 749, "total_processed": 718, "carried_forward": 31}),
    # tj-binhai-dongjiang-department-2025-ae9f23cb
    (("2023年共受理依申请公开17件，其中：属于公开范围5件，属于部分公开范围4件，不予公开3件，"
      "信息不存在无法提供3件，重复申请1件，转下年度继续办理1件。其中发生行政复议、行政诉讼案件0件。"),
     {"new_received": 17, "granted": 5, "partially_granted": 4, "carried_forward": 1,
      "review": 0}),
    # fj-pingtanxian-county-2013-14a4b550: old reports count in 条; 答复总数 is the total answered.
    (("2023年全县共收到有关政府信息公开的申请7条，网上申请数3条，信函申请数4条；对依申请公开的答复总数"
      "3条，其中同意公开答复数2条，其它公开答复数1条；未收到有关政府信息公开行政复议申请。"),
     {"new_received": 7, "total_processed": 3, "granted": 2, "review": 0}),
    # hb-hanyang-zhengfubangongshi-department-2022-f86b29bc: the number before the noun; none
    # carried forward, said in words.
    (("2023年，区政府办公室共收到8份政府信息公开申请，均为自然人申请。其中，予以公开2件，部分公开2件。"
      "无下年度结转。"),
     {"new_received": 8, "granted": 2, "partially_granted": 2, "carried_forward": 0}),
    # sh-baoshan-wusongjiedao-street-2025-001c5313: 答复 N 件 is the year's total answered.
    ("街道本年度共收到依申请公开9件，及时答复9件，其中2件办理结果为主动公开。",
     {"new_received": 9, "total_processed": 9}),
    # tj-hongqiao-wei-department-2015-7bc010b2: 不予受理 is not 受理.
    ("2023年共受理政府信息公开申请0件。不予受理的申请0件。已答复的申请0件。",
     {"new_received": 0, "total_processed": 0}),
    # bj-tongzhou-zhongcangjiedao-street-2025-da065e03: a list of counts in 次.
    ("综合办公室更新两次；依申请公开3次，行政复议0次，行政诉讼0次。",
     {"new_received": 3, "review": 0}),
    # Traditional script (he-shijiazhuang-gongxinju-department-2019-da90556f) and numerals.
    ("2023年，我局未收到相關政府信息申請。", {"new_received": 0}),
    ("全年共收到政府信息公开申请十二件，上年结转两件，予以公开八件。",
     {"new_received": 12, "carried_over": 2, "granted": 8}),
    # Zeros in words: gz-suiyang-xiaoguanxiang, gs-ganzhou-beijiejiedao, sd-zoucheng-tangcunzhen,
    # gd-wujiang-longguizhen (复议 without 行政).
    ("2023年度我乡无依法申请公开件。", {"new_received": 0}),
    ("本年度，未接到群众要求公开的信息。", {"new_received": 0}),
    ("2023年度我镇没有接到群众主动要求公开政府信息的申请。", {"new_received": 0}),
    ("2023年度未接到有关政府信息公开方面的复议、诉讼和申诉。", {"review": 0}),
    # fj-pingtan-city-2013-54a5b1b8
    ("2023年全区未收到有关政府信息公开的申请，收到1份有关政府信息公开行政复议申请已及时处理。",
     {"new_received": 0, "review": 1}),
    # fj-pingtan-dishuiju-department-2013-c8cb0b28
    ("因未发生政府信息公开申请，故不存在政府信息答复处理情况。",
     {"new_received": 0, "total_processed": 0}),
    # A channel is a part; 各类…共计 is the whole.
    ("收到网上和邮寄依申请公开共4件，当面申请1件，共计收到各类依申请公开5件。其中予以公开4件，部分公开1件。",
     {"new_received": 5, "granted": 4, "partially_granted": 1}),
    # Batch 7 (heldout7), opened. zj-jiashan-dayunzhen-township-2024-5e817fe4
    ("2024年，大云镇全年共收到依申请公开件1件，已按期答复1件，无转结下年度继续办理件。涉及复议0件，诉讼0件。",
     {"new_received": 1, "total_processed": 1, "carried_forward": 0, "review": 0}),
    # zj-xiaoshan-gualizhen-township-2024-3d9fdd10
    ("2024年，我镇依申请公开政府信息共收到37件，其中33件已办结，答复27件，主动撤回6件。",
     {"new_received": 37, "total_processed": 33}),
    # sd-rongcheng-dongshanjiedao / sd-rushan-chengqujiedao: 办件, and the verb after its object.
    ("2025年东山街道收到依申请公开办件0条，与去年相比减少4条。", {"new_received": 0}),
    ("2025年以来，乳山市城区街道办事处政府信息公开申请受理1条，与上年相比增加1条。", {"new_received": 1}),
    # hb-guandongjiedao-street-2025-a976a998: units lost before a break.
    (("2025关东街共受理政府信息公开申请21件，结转上年度2件，其中网上申请20件，书面申请3件，已办结18，"
      "结转下年度继续办理5。政府信息公开行政复议1（结果维持1），政府信息公开行政诉讼0件。"),
     {"new_received": 21, "carried_over": 2, "total_processed": 18, "carried_forward": 5,
      "review": 1}),
    # sc-hejiang-ganyuzhen-township-2024-1ef26ff0: the years requests come from or go to are
    # not what the sentence is about.
    (("2023年，甘雨镇共受理政府信息依申请公开1件，当年未完结，转结至2024年度继续办理；未转结2022年政府信息"
      "公开申请，进入行政复议程序和行政诉讼程序均为0件。"),
     {"new_received": 1, "carried_over": 0, "review": 0}),
    # ah-tongguan-minzhengju / hn-hengnan-quanxizhen: none done.
    ("本年度共受理政府信息公开申请0件，已完成0件。", {"new_received": 0, "total_processed": 0}),
    ("本年度我镇未收到政府信息公开的申请，故无办理此类信息公开。", {"new_received": 0, "total_processed": 0}),
    # sc-sichuan-zhengfubangongting-department-2023-cbc7dfa5: the requests in hand include the
    # carried-over ones and some go on: processed is the answered.
    ("全年共处理政府信息公开申请1261件（含上年度结转申请74件），答复1181件，结转下年度继续办理80件。",
     {"carried_over": 74, "total_processed": 1181, "carried_forward": 80}),
    # Batch 8 (heldout8), opened. sd-qingdao-tongjijiedao-street-2021-c59ca88f: the count before
    # the requests, a bracket that splits it, a comparison's year.
    (("2023年内,通济街道共办理4件政府信息公开申请(其中当年收到3件,上年转结1件),较2022年增加1件,"
      "均已办结,未收到行政复议及行政诉讼。"),
     {"total_processed": 4, "new_received": 3, "carried_over": 1, "review": 0}),
    # cq-qijiang-fagaiwei: outcomes in a sentence of their own, after 其中.
    (("2023年,我委共收到政府信息公开申请16件,包括自然人申请15件,法人或其他组织申请1件。"
      "其中8件已公开;6件部分公开;2条本机关不掌握相关政府信息。"),
     {"new_received": 16, "granted": 8, "partially_granted": 6}),
    # gd-haizhu-ju: 宗.
    (("2023年我局新收到政府信息公开申请128宗,上年度结转政府信息公开申请3宗。"
      "2023年度办理政府信息公开申请125宗,结转下年度继续办理6宗。"),
     {"new_received": 128, "carried_over": 3, "total_processed": 125, "carried_forward": 6}),
    # sc-guanghan, hb-hongshan-shizishanjiedao, hb-huangpi, hi-baisha, zj-qiantang: typos and
    # counters (依申请件, 依申请公开件, 例, 条, 申请件共).
    ("2023年,共收到依申请件35件,其中自然人34件,企业1件,办结32件,结转下年办理3件。",
     {"new_received": 35, "total_processed": 32, "carried_forward": 3}),
    ("2023年,狮子山街道办理政府信息依申请公开件8件。", {"total_processed": 8}),
    ("2023年,我局受理政府信息依申请公开2例,未发生因政府信息公开申请行政复议、提起行政诉讼的情况。",
     {"new_received": 2, "review": 0}),
    ("依申请公开收到申请19条,及时回复19条。", {"new_received": 19, "total_processed": 19}),
    ("2023年下沙街道接收政府信息公开申请件共4件,其中公民个人申请2件。", {"new_received": 4}),
    # sh-xuhui-caohejingjiedao: bare counts in later sentences of the same paragraph.
    (("本年度收到依申请公开申请15件,其中通过信函申请3件,通过网络申请12件。上年度结转3件。"
      "共按时办结10件,予以公开4件。8件结转下年度继续办理。"),
     {"new_received": 15, "carried_over": 3, "total_processed": 10, "granted": 4,
      "carried_forward": 8}),
    # hn-taojiang, hi-dingan, yn-panlong, gd-liwan-zhongnanjiedao, sn-xixian, hb-hongshan: nones
    # and reviews in other words.
    ("2023年我镇全年共收到依申请公开0件,公开0件,不予公开0件。", {"new_received": 0, "granted": 0}),
    ("2023年我镇无收到和处理政府信息公开申请情况。", {"new_received": 0, "total_processed": 0}),
    ("2023年未收到、办理过任何政府信息依申请公开等相关事项。", {"new_received": 0, "total_processed": 0}),
    ("无依申请公开和复议、诉讼和申诉的情况。", {"new_received": 0, "review": 0}),
    ("因政务信息公开工作被申请行政复议的案件有9件,结果维持2件。", {"review": 9}),
    ("全年有3起因政府信息公开申请提起的行政复议。", {"review": 3}),
    # ln-liaoyang-city-2019, js-zhangjiagang-tangqiaozhen, nm-zhalaiteqi-haolibaozhen,
    # bj-dongcheng-jianguomenjiedao: 办理 with words between it and the requests (rule 6), no
    # record of handling, 例.
    ("共办理公民、法人和其他组织提出的政府信息公开申请71件,依法依规满足公众相关政府信息需求。",
     {"total_processed": 71}),
    ("全年办理涉及拆迁、征地等事宜依申请公开3件,都已按照规范答复完毕。", {"total_processed": 3}),
    ("2023年全年,好力保镇未收到公民、法人或其他组织提出的政府信息公开申请,无依申请公开事项办理记录。",
     {"new_received": 0, "total_processed": 0}),
    ("新收的2件政府信息公开申请,申请人的类别均为自然人,其中1例已答复,另1例结转下年度继续办理。",
     {"carried_forward": 1}),
])
def test_prose_cells(text: str, expected: dict[str, int]) -> None:
    assert _prose_cells(text) == expected


@pytest.mark.parametrize("text,expected", [
    # cq-yuzhong-zhengfubangongshi-department-2025-c27279f3: 41 mixes new and carried-over
    # requests; only the aside's carried-over number is one cell's.
    ("2023年，区政府办公室共收到政府信息公开申请41件（含上年度结转3件），因政府信息公开引发行政复议3件。",
     {"carried_over": 3, "review": 3}),
    # fj-pingtan-city-2023-e5a3bd9c: a sum of two outcomes is neither.
    ("办结依申请公开81件，其中：予以公开及部分公开42件，占51.85%。", {"total_processed": 81}),
    # fj-pingtan-dishuiju / fj-pingtan-city-2018: other business done and processed.
    ("今年我局共受理审批事项117件，办结171件，办结率100%。", {}),
    ("截至目前共收到15564件咨询投诉件，已办结15042件。", {}),
    # sc-pingwu-tongjiju-department-2021-f92a880c: some applicants only, not the year's total.
    ("2023年度，未收到法人或者其他组织对依申请公开政府信息的申请。", {}),
    # gz-suiyang-xiaoguanxiang-township-2022-9a593355: 条 of information published.
    ("全年累计主动公开政府信息数量46条，其中主动公开公文14条，依申请公开0条。", {}),
    # sh-qingpu-xiayangjiedao-street-2025-4305b5b1: outcomes after 其中.
    ("2023年夏阳街道收到政务公开申请11件，其中：主动公开1件，依申请公开4件，咨询2件。",
     {"new_received": 11}),
    ("全年未发生因政府信息公开申请行政复议、提起行政诉讼的情况。", {"review": 0}),
    ("未发生行政复议被纠错或行政诉讼败诉案件。", {}),
    ("受理政府信息公开申请6件，按期答复5件，延期答复1件。", {"new_received": 6}),
    # jx-hukou-dalongxiang-township-2025-d6d8ae0a: one channel's count.
    ("通过信息公开平台收到申请0件，转办0件，本年度申请均全部办结。", {}),
    # hl-heilongjiang-province-2009-66747703: the whole province's requests (rule 7).
    ("全省共受理政府信息公开申请758件，是上年的3.5倍。没有因政府信息公开申请行政复议、提起行政诉讼的。", {}),
    # fj-pingtan-city-2014-78f5adee: applications for licences at the service centre.
    ("区县已入驻审批服务部门和单位13个，开设窗口26个，共受理申请121510件。", {}),
    # cq-tongliang-zhengfubangongshi-department-2025-edad0cec: 15 is new and carried over.
    ("2025年本机关共受理政府信息公开申请15件，其中新收到14件，结转上年度办理1件，办结13件，"
     "结转下年度继续办理2件。",
     {"new_received": 14, "carried_over": 1, "total_processed": 13, "carried_forward": 2}),
])
def test_prose_cells_only_what_the_sentence_states(text: str, expected: dict[str, int]) -> None:
    assert _prose_cells(text) == expected


def test_an_area_summary_gives_no_cells() -> None:
    """ln-liaoyang-city-2023-5a3717e7: a report that counts for every body of its area (全市各级
    行政机关) states figures that are not one body's own; its facts stay, its cells do not."""
    paragraphs = ("一是我市全年各级行政机关主动公开政府信息53393条，其中市政府门户网站5200条。",
                  ("2023年，共受理政府信息依申请公开385件，其中6件结转下一年度办理；处理涉及政府信息"
                   "公开行政复议3件，行政诉讼14件。"))
    assert _prose_cells(*paragraphs) == {}
    doc = Document("text", [Block("para", p) for p in paragraphs])
    assert ("applications_received", 385) in {(f.name, f.value) for f in read_facts(doc)[0]}


def test_every_rule_is_tried() -> None:
    """A rule runs only on sentences holding one of its fact's cue words: a rule without cues
    would silently never run."""
    from parsers import facts

    assert {rule.name for rule in facts._RULES} == set(facts._CUES)
