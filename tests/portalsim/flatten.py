"""Statistical tables as text lines, the way portals that lost the table markup publish them.

Each function copies one flattening seen in the real corpus (tests/fixtures/real/reports/,
build split only: held-out files must stay unseen by anyone tuning the parsers) and names
the file it copies. They all start from the same ``Grid`` the HTML, DOCX and image renderers
draw, taken as a browser's text extraction takes a table: one ``<tr>`` after another, its
``<td>`` in order, a spanned position holding nothing. Value texts lose their padding, as
text extraction loses it; labels keep their typed form.

Blank cells: the forms that keep a blank readable (an empty ``|`` cell) keep it; the forms
that cannot (space-separated numbers, blank-line-separated cells) are only drawn for reports
without blank cells (``forms.needs_no_blanks``), so every truth cell stays readable.
"""

from __future__ import annotations

from .tables import (
    ACTIVE_BLOCKS,
    APPLICANT_COLUMNS,
    GB2021,
    REVIEW_COLUMNS,
    REVIEW_ROWS,
    Grid,
    GridCell,
    outcome_groups,
)

Lines = list[str]


def _td(cell: GridCell, join: str = " ") -> str:
    """A cell's text as extracted: values stripped, a label's line breaks joined."""
    if cell.key is not None:
        return cell.text.strip()
    return join.join(part.strip() for part in cell.text.split("\n"))


def cells_pipe_rowend(grid: Grid) -> Lines:
    """One cell per line, each followed by `` |``; a row with fewer cells than the table is
    wide ends with a line of one ``|`` per missing cell (``||``, ``|||``); a blank cell is a
    bare ``|``. Copied from jl-erdao-fangwuzhengshouban-department-2022-14c3fa23 (长春市二道区
    房屋征收办): ``第二十条 第(一)项 |`` / ``|||`` / ``信息内容 |`` ... ``56 |`` / ``|`` ... ``||``."""
    lines: Lines = []
    for row in grid.rows:
        for cell in row:
            text = _td(cell)
            lines.append(f"{text} |" if text else "|")
        missing = grid.n_cols - len(row)
        if missing > 0:
            lines.append("|" * missing)
    return lines


def cells_bare(grid: Grid) -> Lines:
    """One cell per line with a ``|`` line after every cell, a label's own line breaks kept
    (``商业`` / ``企业``); nothing marks a row's end. Copied from
    xj-nileke-zhen-township-2023-efe8a5a1 (尼勒克县某镇): ``规章`` / ``|`` / ``0`` / ``|``."""
    lines: Lines = []
    for row in grid.rows:
        for cell in row:
            text = cell.text.strip() if cell.key is not None else cell.text
            lines += [part.strip() for part in text.split("\n")]
            lines.append("|")
    return lines[:-1]  # the corpus text ends on the last cell, not on a separator


def pipe_rows(grid: Grid) -> Lines:
    """A row per line, cells joined by `` | ``, ended by `` |``; a row narrower than the table
    is padded with one ``|`` per missing cell after a space. Copied from
    hn-hetang-guihuajiedao-street-2019-60c87e74 (株洲市荷塘区桂花街道) and
    sd-weishan-liangchengzhen-township-2020-9be3ca86 (微山县两城镇):
    ``第二十条第(一)项 | ||||``, ``规章 | 0 | 0 | 0 | |``,
    ``自然人 | 法人或其他组织 | 总计 | |||||||``."""
    lines: Lines = []
    for row in grid.rows:
        line = " | ".join(_td(cell) for cell in row) + " |"
        missing = grid.n_cols - len(row)
        if missing > 0:
            line += " " + "|" * missing
        lines.append(line)
    return lines


def pipe_blank_lines(grid: Grid) -> Lines:
    """A row's cells joined by `` | `` and ended by `` |``, a blank cell a line break (its
    ``<td>`` held a ``<br>``): blank cells show as lines of one ``|``, and the cell after them
    as ``| 25 |``. Copied from gd-liwan-fagaiju-department-2020-cfc637ad (广州市荔湾区发改局):
    ``一、本年新收政府信息公开申请数量 | 25 |`` / ``|`` / ``|`` / ``|`` / ``|`` / ``| 25 |``."""
    lines: Lines = []
    for row in grid.rows:
        joined = " | ".join(_td(cell) or "\n" for cell in row) + " |"
        lines += [part.strip() for part in joined.split("\n")]
    return lines


def cells_blank_separated(grid: Grid) -> Lines:
    """One cell per line, an empty line between cells (how a page with a ``<p>`` per cell reads
    as text). Copied from cq-rongchang-hebaozhen-township-2020-43c257b3 (荣昌区河包镇):
    ``第二十条第(一)项`` / `` `` / ``信息内容`` / `` `` / ``本年新制作数量``. A blank cell would
    vanish: drawn only for reports without blank cells."""
    lines: Lines = []
    for row in grid.rows:
        for cell in row:
            lines += [_td(cell, join=""), ""]
    return lines[:-1]


# --- the markdown of js-shuyang-county-2025-d5aab54f ---------------------------------------

_MD_LEGAL_HEAD = ("商业企业", "科研机构", "社会公益", "法律服务机构", "其他")
_MD_DATA_HEAD = "| 类别 | 数据1 | 数据2 | 数据3 | 数据4 | 数据5 | 数据6 | 总计 |"
_MD_DATA_RULE = "|---|---|---|---|---|---|---|---|"
_MD_REVIEW_RULE = "|----------|----------|----------|----------|------|"


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _spaced(label: str) -> str:
    """``1.属于国家秘密`` -> ``1. 属于国家秘密``, half-width parentheses and commas spaced, as the
    converter of the corpus file wrote the outcome labels."""
    out = label.replace("（", "(").replace("）", ")").replace("公开(区分", "公开 (区分")
    if len(out) > 1 and out[0].isdigit() and out[1] == ".":
        out = f"{out[:2]} {out[2:]}"
    return out.replace("，", ", ")


# The corpus file's headings of the outcome groups where they differ from the labels.
_MD_GROUP_HEADING = {"(六) 其他处理": "(六) 其他"}


def markdown_tables(layout: str, raws: dict[str, str]) -> dict[str, Lines]:
    """The three tables as markdown, per table id. Copied from js-shuyang-county-2025-d5aab54f
    (沭阳县人民政府 2025, a PDF turned to markdown): table 二 one pipe table per 第二十条 block
    under a ``###`` heading; table 三 a ``###`` section per row or outcome group, each with its
    own ``| 类别 | 数据1 | ... | 总计 |`` header and ``|---|`` rule, after three header-only
    tables of ``-`` (申请人情况); table 四 a table per row with ``|----------|`` rules.

    The corpus file's 2021 form is copied for gb2021; gb2019 reports, which the corpus file
    cannot show, use its shape with their own labels (one （六）其他处理 row)."""
    def raw(key: str) -> str:
        return raws[key].strip()

    active: Lines = []
    for block, headers, rows, cols in ACTIVE_BLOCKS[layout]:
        active += ["", f"### {block}", _md_row(["信息内容", *headers]),
                   "|" + "---|" * (len(headers) + 1)]
        for row, label in rows:
            active.append(_md_row([label, *(raw(f"active/{row}/{c}") for c in cols)]))
    apps: Lines = ["", "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)", "",
                   "### 申请人情况 (自然人)", "| (数据项目) | 数量 |", "|---|---|", "| - | - |", "",
                   "### 申请人情况 (法人或其他组织)", _md_row(list(_MD_LEGAL_HEAD)),
                   "|---|---|---|---|---|", "| - | - | - | - | - |", "",
                   "### 申请人情况 (总计)", "| (数据项目) | 数量 |", "|---|---|", "| - | - |"]

    def values(row: str) -> list[str]:
        return [raw(f"applications/{row}/{c}") for c, _ in APPLICANT_COLUMNS]

    for row, heading in (("new_received", "一、本年新收政府信息公开申请数量"),
                         ("carried_over", "二、上年结转政府信息公开申请数量")):
        apps += ["", f"### {heading}", _MD_DATA_HEAD, _MD_DATA_RULE,
                 _md_row([heading[2:], *values(row)])]
    apps += ["", "### 三、本年度办理结果"]
    groups = outcome_groups(layout)
    tail: Lines = []
    for group in groups:
        name = _spaced(group.label).replace(")", ") ", 1)
        apps += ["", f"### {_MD_GROUP_HEADING.get(name, name)}", _MD_DATA_HEAD, _MD_DATA_RULE]
        single = len(group.rows) == 1 and not group.rows[0][1]
        for i, (row, label) in enumerate(group.rows):
            text = name.split(") ", 1)[1] if single else _spaced(label)
            line = _md_row([text, *values(row)])
            if layout == GB2021 and group is groups[-1] and i > 0:
                tail.append(line)  # the corpus file's converter began a new table here
            else:
                apps.append(line)
    if layout == GB2021:
        apps.append("")
        apps += ["| 项目 | 本年新收件数 | 上年结转件数 | 予以公开 | 部分公开 | 不予公开 | 结转下年度 | 总计 |",
                 _MD_DATA_RULE, *tail]
    else:
        apps += ["", _MD_DATA_HEAD, _MD_DATA_RULE]
    apps.append(_md_row(["（七）总计", *values("total_processed")]))
    apps.append(_md_row(["四、结转下年度继续办理", *values("carried_forward")]))
    review: Lines = []
    heads = {"review": "行政复议", "litigation_direct": "行政诉讼（未经复议直接起诉）",
             "litigation_after_review": "行政诉讼（复议后起诉）"}
    for row, _ in REVIEW_ROWS:
        review += ["", f"### {heads[row]}", _md_row([label for _, label in REVIEW_COLUMNS]),
                   _MD_REVIEW_RULE,
                   _md_row([raw(f"review_litigation/{row}/{c}") for c, _ in REVIEW_COLUMNS])]
    return {"active": active, "applications": apps, "review_litigation": review}


# --- PDF text: space-separated numbers, labels and numbers on different lines -------------

_LONG_LABEL = 18  # characters a label line holds in the corpus PDF's label column


def pdf_text_tables(layout: str, raws: dict[str, str]) -> dict[str, Lines]:
    """The tables as a PDF's text layer gives them (pdftotext of a Word table): numbers of a
    row on one line, separated by spaces; a label too long for its column wrapped, its numbers
    on a line of their own; group labels of table 三 on a line in the middle of their group;
    table 四's column labels stacked two characters a line, the 15 numbers on one line.
    Copied from js-hongze-county-2023-faf10407 (洪泽区人民政府 2023, its PDF's text) and
    sd-wendeng-xinfangju-department-2022-7690c25e (文登区信访局, a flip-book page of a PDF:
    ``结果 结果 其他 尚未 总`` / ``维持 纠正 结果 审结 计`` / ``0 0 0 ... 0``). Blank cells
    would vanish: drawn only for reports without blank cells."""
    def raw(key: str) -> str:
        return raws[key].strip()

    active: Lines = []
    for block, headers, rows, cols in ACTIVE_BLOCKS[layout]:
        active += [block, "信息内容 " + " ".join(headers)]
        for row, label in rows:
            active.append(" ".join([label, *(raw(f"active/{row}/{c}") for c in cols)]))
    apps: Lines = ["申请人情况", "法人或其他组织", "（本列数据的勾稽关系为：第一项加第二项之和， 等",
                   "于第三项加第四项之和）", "自然人 社会 法律 总计", "商业 科研",
                   "公益 服务 其他", "企业 机构", "组织 机构"]

    def numbers(row: str) -> str:
        return " ".join(raw(f"applications/{row}/{c}") for c, _ in APPLICANT_COLUMNS)

    def labelled(label: str, row: str) -> Lines:
        if len(label) <= _LONG_LABEL:
            return [f"{label} {numbers(row)}"]
        # 5.要求行政机关确认或重 新出具 / 已获取信息 / 0 0 0 ...: wrapped, numbers apart.
        head, rest = label[:_LONG_LABEL], label[_LONG_LABEL:]
        return [f"{head[:-2]} {head[-2:]}", rest, numbers(row)]

    apps += labelled("一、本年新收政府信息公开申请数量", "new_received")
    apps += labelled("二、上年结转政府信息公开申请数量", "carried_over")
    for n, group in enumerate(outcome_groups(layout)):
        if len(group.rows) == 1 and not group.rows[0][1]:
            apps += labelled(group.label, group.rows[0][0])
            continue
        middle = len(group.rows) // 2
        for i, (row, label) in enumerate(group.rows):
            if i == middle:
                apps.append(group.label)
            apps += labelled(label, row)
            if n == 2 and i == 0:
                apps.append(" 三 、本 年 度办 理 结果")
    apps += labelled("（七）总计", "total_processed")
    apps += labelled("四、结转下年度继续办理", "carried_forward")
    review = ["行政复议 行政诉讼", "未经复议直接起诉 复议后起诉",
              "结果 结果 其他 尚未 总 结果 结果 其他 尚未 总 结果 结果 其他 尚未 总",
              "维持 纠正 结果 审结 计 维持 纠正 结果 审结 计 维持 纠正 结果 审结 计",
              " ".join(raw(f"review_litigation/{r}/{c}") for r, _ in REVIEW_ROWS
                       for c, _ in REVIEW_COLUMNS)]
    return {"active": active, "applications": apps, "review_litigation": review}


__all__ = ["cells_bare", "cells_blank_separated", "cells_pipe_rowend", "markdown_tables",
           "pdf_text_tables", "pipe_rows"]
