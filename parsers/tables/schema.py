"""The canonical tables of docs/report-format.md: ids, official labels, units, and the label
fragments that identify each row in the wild.

Kept apart from the reading code so that the reader, the checks and the CLI share one list
of ids, and so that a label variant seen in a real report is added in one place.
Row patterns are searched in the *normalised* label (``cells.norm``: full-width folded to
half-width, whitespace and quotes removed, traditional characters mapped), so ``(三)\n不予
公开`` and ``（三）不予公开`` look the same to them.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

GB2021 = "gb2021"
GB2019 = "gb2019"
LAYOUTS = (GB2021, GB2019)
TABLES = ("active", "applications", "review_litigation")

APPLICANT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("natural_person", "自然人"),
    ("commercial_enterprise", "商业企业"),
    ("research_institution", "科研机构"),
    ("social_welfare_org", "社会公益组织"),
    ("legal_service_org", "法律服务机构"),
    ("other_org", "其他"),
    ("total", "总计"),
)
APPLICANTS: tuple[str, ...] = tuple(c for c, _ in APPLICANT_COLUMNS[:-1])

REVIEW_ROWS: tuple[tuple[str, str], ...] = (
    ("review", "行政复议"),
    ("litigation_direct", "行政诉讼·未经复议直接起诉"),
    ("litigation_after_review", "行政诉讼·复议后起诉"),
)
# Table 四 is printed as one row of 15 numbers; some reports draw it as three rows of 5.
_REVIEW_PATTERNS = {"review": r"^行政复议$", "litigation_direct": r"未经复议",
                    "litigation_after_review": r"复议后(起诉)?\)?$"}
REVIEW_COLUMNS: tuple[tuple[str, str], ...] = (
    ("upheld", "结果维持"), ("corrected", "结果纠正"), ("other", "其他结果"),
    ("pending", "尚未审结"), ("total", "总计"),
)

# (row id, official label, pattern identifying the row, layouts that have it); in the order
# the rows are tried: leaves before the groups whose names they contain.
_APPLICATION_ROWS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("new_received", "一、本年新收政府信息公开申请数量", r"本年(度)?新收|新收.*申请", LAYOUTS),
    ("carried_over", "二、上年结转政府信息公开申请数量", r"上年(度)?结转", LAYOUTS),
    ("granted", "（一）予以公开", r"予以公开", LAYOUTS),
    ("partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
     r"部分公开", LAYOUTS),
    ("denied.state_secret", "1.属于国家秘密", r"国家秘密", LAYOUTS),
    ("denied.prohibited_by_law", "2.其他法律行政法规禁止公开", r"法规禁止|禁止公开|其他法律",
     LAYOUTS),
    ("denied.three_safety_one_stability", "3.危及“三安全一稳定”", r"三安全|一稳定|危及",
     LAYOUTS),
    ("denied.third_party_rights", "4.保护第三方合法权益", r"第三方", LAYOUTS),
    ("denied.internal_affairs", "5.属于三类内部事务信息", r"内部事务|三类内.{0,2}事务",
     LAYOUTS),
    ("denied.process_information", "6.属于四类过程性信息", r"过程性", LAYOUTS),
    ("denied.law_enforcement_files", "7.属于行政执法案卷", r"执法案卷", LAYOUTS),
    ("denied.administrative_query", "8.属于行政查询事项", r"行政查询", LAYOUTS),
    ("unavailable.not_held", "1.本机关不掌握相关政府信息", r"不掌握", LAYOUTS),
    ("unavailable.needs_creation", "2.没有现成信息需要另行制作", r"另行制作|没有现成", LAYOUTS),
    ("unavailable.unclear_after_correction", "3.补正后申请内容仍不明确",
     r"仍不明确|补正后", LAYOUTS),
    ("not_processed.petition_complaint", "1.信访举报投诉类申请", r"信访|举报投诉", LAYOUTS),
    ("not_processed.duplicate", "2.重复申请", r"重复申请", LAYOUTS),
    ("not_processed.publication", "3.要求提供公开出版物", r"出版物", LAYOUTS),
    ("not_processed.excessive", "4.无正当理由大量反复申请", r"大量反复", LAYOUTS),
    ("not_processed.confirm_existing", "5.要求行政机关确认或重新出具已获取信息",
     r"重新出具|确认或重新", LAYOUTS),
    ("other.overdue_correction",
     "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", r"逾期不补正",
     (GB2021,)),
    ("other.unpaid_fee",
     "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
     r"收费通知|缴纳费用", (GB2021,)),
    ("other.other", "3.其他", r"^\(?3[).、]?其他$", (GB2021,)),
    ("other", "（六）其他处理", r"其他处理", (GB2019,)),
    ("total_processed", "（七）总计", r"^(\([七7]\))?(总计|合计)$", LAYOUTS),
    ("carried_forward", "四、结转下年度继续办理", r"结转下(一)?年", LAYOUTS),
)

# Rows a layout's reports print instead of some of its own: many reports on the 2021 form
# keep the 2019 form's single （六）其他处理 row (the real Hongze reports of 2023 and 2024).
# Matched like the layout's rows, but not expected: a report has either form.
VARIANT_ROWS: dict[str, tuple[str, ...]] = {GB2021: ("other",)}
# What a variant row stands for, so a report that has it is not missing those rows.
VARIANT_REPLACES: dict[str, str] = {"other": "other."}

# Table 二: (block label, column header labels, rows as (id, label, pattern), column ids).
ActiveBlock = tuple[str, tuple[str, ...], tuple[tuple[str, str, str], ...], tuple[str, ...]]
ACTIVE_BLOCKS: dict[str, tuple[ActiveBlock, ...]] = {
    GB2021: (
        ("第二十条第（一）项", ("本年制发件数", "本年废止件数", "现行有效件数"),
         (("rules", "规章", r"^规章(?:\(制度\))?$"), ("normative_documents", "行政规范性文件", r"规范性(?:文件|档案)")),
         ("issued", "repealed", "in_force")),
        ("第二十条第（五）项", ("本年处理决定数量",), (("licensing", "行政许可", r"行政许可"),),
         ("decisions",)),
        ("第二十条第（六）项", ("本年处理决定数量",),
         (("penalty", "行政处罚", r"行政处罚"), ("coercion", "行政强制", r"行政强制")),
         ("decisions",)),
        ("第二十条第（八）项", ("本年收费金额（单位：万元）",),
         (("fees", "行政事业性收费", r"事业性收费"),), ("amount_10k_yuan",)),
    ),
    GB2019: (
        ("第二十条第（一）项", ("本年新制作数量", "本年新公开数量", "对外公开总数量"),
         (("rules", "规章", r"^规章(?:\(制度\))?$"), ("normative_documents", "规范性文件", r"规范性(?:文件|档案)")),
         ("newly_made", "newly_published", "total_published")),
        ("第二十条第（五）项", ("上一年项目数量", "本年增/减", "处理决定数量"),
         (("licensing", "行政许可", r"行政许可"),
          ("other_services", "其他对外管理服务事项", r"对外管理服务")),
         ("previous_items", "change", "decisions")),
        ("第二十条第（六）项", ("上一年项目数量", "本年增/减", "处理决定数量"),
         (("penalty", "行政处罚", r"行政处罚"), ("coercion", "行政强制", r"行政强制")),
         ("previous_items", "change", "decisions")),
        ("第二十条第（八）项", ("上一年项目数量", "本年增/减"),
         (("fees", "行政事业性收费", r"事业性收费"),), ("previous_items", "change")),
        ("第二十条第（九）项", ("采购项目数量", "采购总金额"),
         (("procurement", "政府集中采购", r"集中采购|政府采购"),), ("projects", "amount")),
    ),
}

# The money amounts, with the unit the form's header gives them (采购总金额 names none: the
# cell's own 元/万元, or none). Every other cell is a count: an integer, stored as one.
AMOUNT_CELLS: dict[str, str | None] = {
    "active/fees/amount_10k_yuan": "万元",
    "active/procurement/amount": None,
}

# Labels only one layout prints (table headers and row names): the layout is read from
# these, never from the year (2022 reports on the 2019 form are common).
LAYOUT_MARKERS: dict[str, tuple[str, ...]] = {
    GB2021: ("本年制发件数", "本年废止件数", "现行有效件数", "本年收费金额", "逾期不补正",
             "收费通知"),
    GB2019: ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减",
             "政府集中采购", "采购项目数量", "采购总金额"),
}


@dataclass(frozen=True)
class RowSpec:
    """One row of numbers: where it belongs, its columns, and how to recognise it."""

    table: str
    row: str
    label: str
    columns: tuple[tuple[str, str], ...]  # (column id, column label)
    pattern: re.Pattern[str]

    def key(self, column: str) -> str:
        return f"{self.table}/{self.row}/{column}"

    @functools.cached_property
    def cells(self) -> tuple[tuple[str, str, str], ...]:
        """(column id, cell key, cell label) of each column: made once, read for every row
        a report prints."""
        return tuple((col, self.key(col), f"{self.label} / {label}")
                     for col, label in self.columns)


@functools.cache
def application_rows(layout: str) -> tuple[tuple[str, str], ...]:
    """(row id, label) of every row of table 三 that holds numbers, in table order."""
    return tuple((row, label) for row, label, _, layouts in _APPLICATION_ROWS
                 if layout in layouts)


@functools.cache
def outcome_rows(layout: str) -> tuple[str, ...]:
    """The leaf rows of 三、本年度办理结果 whose sum is （七）总计 (with the variant rows a
    report may print instead: absent rows add nothing)."""
    ids = [row for row, _ in application_rows(layout)]
    return (*ids[ids.index("granted"):ids.index("total_processed")],
            *VARIANT_ROWS.get(layout, ()))


@functools.cache
def row_specs(layout: str) -> tuple[RowSpec, ...]:
    """Every labelled row of a layout, in the order rows are tried against a label."""
    variants = VARIANT_ROWS.get(layout, ())
    specs = [RowSpec("applications", row, label, APPLICANT_COLUMNS, re.compile(pattern))
             for row, label, pattern, layouts in _APPLICATION_ROWS
             if layout in layouts or row in variants]
    for _, headers, rows, cols in ACTIVE_BLOCKS[layout]:
        columns = tuple(zip(cols, headers))
        specs.extend(RowSpec("active", row, label, columns, re.compile(pattern))
                     for row, label, pattern in rows)
    specs.extend(RowSpec("review_litigation", row, label, REVIEW_COLUMNS,
                         re.compile(_REVIEW_PATTERNS[row])) for row, label in REVIEW_ROWS)
    return tuple(specs)


@functools.cache
def review_specs() -> tuple[RowSpec, ...]:
    """The three rows of table 四, which real tables print as one row of 15 numbers."""
    return tuple(s for s in row_specs(GB2021) if s.table == "review_litigation")


@functools.cache
def active_rows(layout: str) -> tuple[tuple[RowSpec, ...], ...]:
    """The row specs of table 二, block by block (for reading a grid by position)."""
    by_row = {s.row: s for s in row_specs(layout) if s.table == "active"}
    return tuple(tuple(by_row[row] for row, _, _ in rows)
                 for _, _, rows, _ in ACTIVE_BLOCKS[layout])


@functools.cache
def cell_keys(layout: str) -> tuple[str, ...]:
    """Every canonical cell of a layout, as ``table/row/column``, in reading order."""
    variants = VARIANT_ROWS.get(layout, ())
    specs = ([s for s in row_specs(layout) if s.table == "active"]
             + [s for s in row_specs(layout) if s.table == "applications"
                and s.row not in variants]
             + [s for s in row_specs(layout) if s.table == "review_litigation"])
    return tuple(spec.key(col) for spec in specs for col, _ in spec.columns)


@functools.cache
def table_keys(layout: str, table: str) -> tuple[str, ...]:
    return tuple(k for k in cell_keys(layout) if k.startswith(f"{table}/"))
