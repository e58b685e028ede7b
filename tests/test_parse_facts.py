"""Numbers the prose states, and the cells they stand for: the seeds, the real samples and
every report of the simulated world (whose truth lists the facts its prose writes)."""

from __future__ import annotations

import pytest

from parsers.document import Block, Document
from parsers.facts import read_facts
from tests.parse_fixtures import pdf_document, report_document, seed_document, ucap_document

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
        want = {(f["name"], f["value"], f["text"]) for f in truth["facts"]}
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
