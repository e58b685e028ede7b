"""The three statistical tables of an annual report, in both official layouts.

Holds the canonical ids of docs/report-format.md and builds, for one report, a grid of
cells (with rowspan/colspan, as the official templates draw them) that the HTML, DOCX and
image renderers all draw from. Labels can be disturbed the way real reports disturb them.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field

GB2021 = "gb2021"
GB2019 = "gb2019"

APPLICANT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("natural_person", "自然人"),
    ("commercial_enterprise", "商业企业"),
    ("research_institution", "科研机构"),
    ("social_welfare_org", "社会公益组织"),
    ("legal_service_org", "法律服务机构"),
    ("other_org", "其他"),
    ("total", "总计"),
)
APPLICANTS = tuple(c for c, _ in APPLICANT_COLUMNS[:-1])

_DENIED = (
    ("denied.state_secret", "1.属于国家秘密"),
    ("denied.prohibited_by_law", "2.其他法律行政法规禁止公开"),
    ("denied.three_safety_one_stability", "3.危及“三安全一稳定”"),
    ("denied.third_party_rights", "4.保护第三方合法权益"),
    ("denied.internal_affairs", "5.属于三类内部事务信息"),
    ("denied.process_information", "6.属于四类过程性信息"),
    ("denied.law_enforcement_files", "7.属于行政执法案卷"),
    ("denied.administrative_query", "8.属于行政查询事项"),
)
_UNAVAILABLE = (
    ("unavailable.not_held", "1.本机关不掌握相关政府信息"),
    ("unavailable.needs_creation", "2.没有现成信息需要另行制作"),
    ("unavailable.unclear_after_correction", "3.补正后申请内容仍不明确"),
)
_NOT_PROCESSED = (
    ("not_processed.petition_complaint", "1.信访举报投诉类申请"),
    ("not_processed.duplicate", "2.重复申请"),
    ("not_processed.publication", "3.要求提供公开出版物"),
    ("not_processed.excessive", "4.无正当理由大量反复申请"),
    ("not_processed.confirm_existing", "5.要求行政机关确认或重新出具已获取信息"),
)
_OTHER_2021 = (
    ("other.overdue_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("other.unpaid_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other.other", "3.其他"),
)
BALANCE_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


@dataclass(frozen=True)
class OutcomeGroup:
    label: str  # （三）不予公开
    rows: tuple[tuple[str, str], ...]  # leaf rows; a single row without sub-rows has label ""


def outcome_groups(layout: str) -> tuple[OutcomeGroup, ...]:
    """The 办理结果 block: groups of leaf outcome rows, in table order."""
    other = (OutcomeGroup("（六）其他处理", _OTHER_2021) if layout == GB2021
             else OutcomeGroup("（六）其他处理", (("other", ""),)))
    return (
        OutcomeGroup("（一）予以公开", (("granted", ""),)),
        OutcomeGroup("（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
                     (("partially_granted", ""),)),
        OutcomeGroup("（三）不予公开", _DENIED),
        OutcomeGroup("（四）无法提供", _UNAVAILABLE),
        OutcomeGroup("（五）不予处理", _NOT_PROCESSED),
        other,
    )


@functools.cache
def outcome_rows(layout: str) -> list[str]:
    """Leaf outcome rows whose sum is 总计 (（七）总计)."""
    return [row for group in outcome_groups(layout) for row, _ in group.rows]


@functools.cache
def application_rows(layout: str) -> list[tuple[str, str]]:
    """Every row of table 三 that holds numbers, with its own label, in table order."""
    rows = [("new_received", "一、本年新收政府信息公开申请数量"),
            ("carried_over", "二、上年结转政府信息公开申请数量")]
    for group in outcome_groups(layout):
        for row, label in group.rows:
            rows.append((row, label or group.label))
    rows.append(("total_processed", "（七）总计"))
    rows.append(("carried_forward", "四、结转下年度继续办理"))
    return rows


REVIEW_ROWS = (("review", "行政复议"), ("litigation_direct", "行政诉讼·未经复议直接起诉"),
               ("litigation_after_review", "行政诉讼·复议后起诉"))
REVIEW_COLUMNS = (("upheld", "结果维持"), ("corrected", "结果纠正"), ("other", "其他结果"),
                  ("pending", "尚未审结"), ("total", "总计"))

# Table 二, per layout: blocks of (block label, column header labels, rows, column ids).
ACTIVE_BLOCKS: dict[str, tuple[tuple[str, tuple[str, ...], tuple[tuple[str, str], ...],
                                     tuple[str, ...]], ...]] = {
    GB2021: (
        ("第二十条第（一）项", ("本年制发件数", "本年废止件数", "现行有效件数"),
         (("rules", "规章"), ("normative_documents", "行政规范性文件")),
         ("issued", "repealed", "in_force")),
        ("第二十条第（五）项", ("本年处理决定数量",), (("licensing", "行政许可"),), ("decisions",)),
        ("第二十条第（六）项", ("本年处理决定数量",),
         (("penalty", "行政处罚"), ("coercion", "行政强制")), ("decisions",)),
        ("第二十条第（八）项", ("本年收费金额（单位：万元）",), (("fees", "行政事业性收费"),),
         ("amount_10k_yuan",)),
    ),
    GB2019: (
        ("第二十条第（一）项", ("本年新制作数量", "本年新公开数量", "对外公开总数量"),
         (("rules", "规章"), ("normative_documents", "规范性文件")),
         ("newly_made", "newly_published", "total_published")),
        ("第二十条第（五）项", ("上一年项目数量", "本年增/减", "处理决定数量"),
         (("licensing", "行政许可"), ("other_services", "其他对外管理服务事项")),
         ("previous_items", "change", "decisions")),
        ("第二十条第（六）项", ("上一年项目数量", "本年增/减", "处理决定数量"),
         (("penalty", "行政处罚"), ("coercion", "行政强制")),
         ("previous_items", "change", "decisions")),
        ("第二十条第（八）项", ("上一年项目数量", "本年增/减"), (("fees", "行政事业性收费"),),
         ("previous_items", "change")),
        ("第二十条第（九）项", ("采购项目数量", "采购总金额"), (("procurement", "政府集中采购"),),
         ("projects", "amount")),
    ),
}


@functools.cache
def cell_keys(layout: str) -> tuple[str, ...]:
    """Every value cell of a report, as ``table/row/column``, in reading order."""
    keys = [f"active/{row}/{col}" for _, _, rows, cols in ACTIVE_BLOCKS[layout]
            for row, _ in rows for col in cols]
    keys += [f"applications/{row}/{col}" for row, _ in application_rows(layout)
             for col, _ in APPLICANT_COLUMNS]
    keys += [f"review_litigation/{row}/{col}" for row, _ in REVIEW_ROWS for col, _ in REVIEW_COLUMNS]
    return tuple(keys)


def cell_label(layout: str, key: str) -> str:
    """A human label for a cell: row label / column label."""
    table, row, col = key.split("/")
    if table == "applications":
        rows = dict(application_rows(layout))
        return f"{rows[row]} / {dict(APPLICANT_COLUMNS)[col]}"
    if table == "review_litigation":
        return f"{dict(REVIEW_ROWS)[row]} / {dict(REVIEW_COLUMNS)[col]}"
    for _, headers, rows, cols in ACTIVE_BLOCKS[layout]:
        if col in cols and row in dict(rows):
            return f"{dict(rows)[row]} / {headers[cols.index(col)]}"
    raise KeyError(key)


# --- grids -------------------------------------------------------------------------------


@dataclass
class GridCell:
    text: str  # "\n" marks a line break inside the cell
    rowspan: int = 1
    colspan: int = 1
    key: str | None = None  # table/row/column for value cells
    header: bool = False


@dataclass
class Grid:
    table: str
    n_cols: int
    rows: list[list[GridCell]] = field(default_factory=list)

    def positions(self) -> Iterator[tuple[int, int, GridCell]]:
        """(row, column, cell) of every drawn cell, resolving spans like a browser does."""
        taken: set[tuple[int, int]] = set()
        for r, row in enumerate(self.rows):
            c = 0
            for cell in row:
                while (r, c) in taken:
                    c += 1
                yield r, c, cell
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        taken.add((r + dr, c + dc))
                c += cell.colspan


@dataclass(frozen=True)
class LabelStyle:
    """How a report disturbs the official labels (all seen in real reports)."""

    split_lines: bool = False  # 商业\n企业, 本年新\n制作数量
    halfwidth_parens: bool = False  # (三) instead of （三）
    spaced_short: bool = False  # 规 章
    traditional: bool = False  # “三安全一穩定”

    def apply(self, text: str) -> str:
        if self.halfwidth_parens:
            text = text.replace("（", "(").replace("）", ")")
        if self.traditional:
            text = text.replace("稳定", "穩定")
        if self.spaced_short and len(text) == 2:
            text = f"{text[0]} {text[1]}"
        return text

    def split(self, text: str, at: int) -> str:
        return f"{text[:at]}\n{text[at:]}" if self.split_lines else text


def active_grid(layout: str, raws: dict[str, str], style: LabelStyle) -> Grid:
    grid = Grid("active", 4)
    for block, headers, rows, cols in ACTIVE_BLOCKS[layout]:
        grid.rows.append([GridCell(style.apply(block), colspan=4, header=True)])
        header_row = [GridCell("信息内容", header=True)]
        spans = _spread(len(headers), 3)
        for text, span in zip(headers, spans):
            if text.startswith("本年新") and style.split_lines:
                text = style.split(text, 3)
            header_row.append(GridCell(text, colspan=span, header=True))
        grid.rows.append(header_row)
        for row, label in rows:
            cells = [GridCell(style.apply(label), header=True)]
            for col, span in zip(cols, spans):
                key = f"active/{row}/{col}"
                cells.append(GridCell(raws[key], colspan=span, key=key))
            grid.rows.append(cells)
    return grid


def _spread(n: int, width: int) -> list[int]:
    """Column spans that make n cells fill width columns (the last one stretches)."""
    return [1] * (n - 1) + [width - (n - 1)]


def applications_grid(layout: str, raws: dict[str, str], style: LabelStyle) -> Grid:
    grid = Grid("applications", 10)
    legal = APPLICANT_COLUMNS[1:6]
    grid.rows.append([GridCell(BALANCE_NOTE, rowspan=3, colspan=3, header=True),
                      GridCell("申请人情况", colspan=7, header=True)])
    grid.rows.append([GridCell("自然人", rowspan=2, header=True),
                      GridCell("法人或其他组织", colspan=5, header=True),
                      GridCell("总计", rowspan=2, header=True)])
    grid.rows.append([GridCell(style.split(label, 2) if len(label) == 4 else label, header=True)
                      for _, label in legal])

    def values(row: str) -> list[GridCell]:
        return [GridCell(raws[f"applications/{row}/{col}"], key=f"applications/{row}/{col}")
                for col, _ in APPLICANT_COLUMNS]

    grid.rows.append([GridCell("一、本年新收政府信息公开申请数量", colspan=3, header=True),
                      *values("new_received")])
    grid.rows.append([GridCell("二、上年结转政府信息公开申请数量", colspan=3, header=True),
                      *values("carried_over")])
    groups = outcome_groups(layout)
    span = sum(len(g.rows) for g in groups) + 1
    first = True
    for group in groups:
        lead = [GridCell("三、本年度办理结果", rowspan=span, header=True)] if first else []
        first = False
        group_label = style.apply(group.label)
        if style.split_lines and group.label.startswith("（三）"):
            group_label = style.apply("（三）\n不予公开")
        if len(group.rows) == 1 and not group.rows[0][1]:
            row = group.rows[0][0]
            grid.rows.append([*lead, GridCell(group_label, colspan=2, header=True), *values(row)])
            continue
        for i, (row, label) in enumerate(group.rows):
            head = [GridCell(group_label, rowspan=len(group.rows), header=True)] if i == 0 else []
            grid.rows.append([*(lead if i == 0 else []), *head,
                              GridCell(style.apply(label), header=True), *values(row)])
    grid.rows.append([GridCell("（七）总计", colspan=2, header=True), *values("total_processed")])
    grid.rows.append([GridCell("四、结转下年度继续办理", colspan=3, header=True),
                      *values("carried_forward")])
    return grid


def review_grid(raws: dict[str, str], style: LabelStyle) -> Grid:
    grid = Grid("review_litigation", 15)
    labels = [label for _, label in REVIEW_COLUMNS]
    grid.rows.append([GridCell("行政复议", colspan=5, header=True),
                      GridCell("行政诉讼", colspan=10, header=True)])
    grid.rows.append([*(GridCell(style.split(t, 2) if t != "总计" else t, rowspan=2, header=True)
                        for t in labels),
                      GridCell("未经复议直接起诉", colspan=5, header=True),
                      GridCell("复议后起诉", colspan=5, header=True)])
    grid.rows.append([GridCell(style.split(t, 2) if t != "总计" else t, header=True)
                      for t in labels * 2])
    grid.rows.append([GridCell(raws[f"review_litigation/{row}/{col}"],
                               key=f"review_litigation/{row}/{col}")
                      for row, _ in REVIEW_ROWS for col, _ in REVIEW_COLUMNS])
    return grid


def build_grids(layout: str, raws: dict[str, str], style: LabelStyle) -> dict[str, Grid]:
    """The three grids of one report, keyed by table id."""
    return {
        "active": active_grid(layout, raws, style),
        "applications": applications_grid(layout, raws, style),
        "review_litigation": review_grid(raws, style),
    }


SECTION_TITLES = {
    1: "总体情况",
    2: "主动公开政府信息情况",
    3: "收到和处理政府信息公开申请情况",
    4: "政府信息公开行政复议、行政诉讼情况",
    5: "存在的主要问题及改进情况",
    6: "其他需要报告的事项",
}
TABLE_OF_SECTION = {2: "active", 3: "applications", 4: "review_litigation"}
