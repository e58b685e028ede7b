"""Which reports of the world are drawn in a form copied from the real corpus.

The renderings of ``world`` say where a report's tables are (inline HTML, attachment,
images, none); a *form* says how a page draws them when it is not the tidy official table:
flattened to text lines, a block per cell, rowspans lost, the whole page traditional, zeros
written as words, prose that states the numbers. Forms are drawn per portal from their own
generator (``rng_for(seed, portal, "forms")``), after every other draw, so the rest of the
world (renderings, breakages, events, counts) is the same with or without them. Forms added
later (``LATER_FORMS``) each draw from a generator of their own
(``rng_for(seed, portal, "forms", form)``), so adding one changed no earlier draw.

Every form keeps what a correct reader can read equal to the truth: forms that would lose a
blank cell (space-separated numbers, a block per cell) are only given to reports without
blank cells (``p_cells_nbsp`` keeps them, as ``<p>&nbsp;</p>``). Each form names the corpus
file it copies where it is drawn (``flatten``, ``render_forms``, ``traditional``,
``prose_numbers``).
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from .determinism import rng_for

if TYPE_CHECKING:
    from .world import Portal, Report

# Page forms of an HTML report (the tables are in the page).
CELLS_PIPE_ROWEND = "cells_pipe_rowend"  # jl-erdao-fangwuzhengshouban-department-2022-14c3fa23
CELLS_BARE = "cells_bare"  # xj-nileke-zhen-township-2023-efe8a5a1
PIPE_ROWS = "pipe_rows"  # hn-hetang-guihuajiedao-street-2019-60c87e74
PIPE_MARKDOWN = "pipe_markdown"  # js-shuyang-county-2025-d5aab54f
PDF_TEXT = "pdf_text"  # js-hongze-county-2023-faf10407, sd-wendeng-xinfangju-department-2022
P_CELLS = "p_cells"  # cq-rongchang-hebaozhen-township-2020-43c257b3
DIV_CELLS = "div_cells"  # the same, a <div> per cell
ROWSPAN_LOST = "rowspan_lost"  # sc-qilipingzhen-township-2020-6905b4fa (group label shares row)
TRADITIONAL = "traditional"  # jx-jiangxi-nongyenongcunting-department-2022-6d41b7d3
ZERO_WORDS = "zero_words"  # 无 for nought, 0件 / 3件 in tables 三 and 四
# A <p> per cell, blank cells kept as <p>&nbsp;</p>, 本年新<br>制作数量:
P_CELLS_NBSP = "p_cells_nbsp"  # qh-huzhu-zhengwufuwuzhongxin-department-2020-de3cc5c6
# Traditional, with the pinyin of some characters after them: 寧強(qiáng), 報(bào)告:
READING_AIDS = "reading_aids"  # sn-ningqiang-minzhengju-department-2023-c3dde74e
# Table 二's labels carrying the filling instructions: 上一年项目数量(指2019年事项数):
INSTRUCTION_LABELS = "instruction_labels"  # hb-wuhan-shengtaihuanjingju-department-2020-672782fe
# Pipe rows whose blank cells are line breaks (lines of one |, then | 25 |):
PIPE_BLANK_LINES = "pipe_blank_lines"  # gd-liwan-fagaiju-department-2020-cfc637ad
# Form of a prose-only report.
PROSE_NUMBERS = "prose_numbers"  # sentences of hb-hanyang, sh-baoshan-wusong, sn-xixian
# Form of a PDF attachment: image-only, as scanned (tests/fixtures/real/derived/).
SCANNED_PDF = "scanned_pdf"  # js-hongze-county-2023-faf10407-scanned
SCANNED_PORTALS = ("jiaxiang", "hongze")  # one scan each: OCR costs ~10 s a report

FIRST_FORMS = (CELLS_PIPE_ROWEND, CELLS_BARE, PIPE_ROWS, PIPE_MARKDOWN, PDF_TEXT, P_CELLS,
               DIV_CELLS, ROWSPAN_LOST, TRADITIONAL, ZERO_WORDS)
LATER_FORMS = (P_CELLS_NBSP, READING_AIDS, INSTRUCTION_LABELS, PIPE_BLANK_LINES)
PAGE_FORMS = FIRST_FORMS + LATER_FORMS
NEEDS_NO_BLANKS = frozenset({PDF_TEXT, P_CELLS, DIV_CELLS, CELLS_BARE})
# Forms whose labels are drawn split over lines (商业/企业), as in the files they copy.
SPLIT_LABELS = frozenset({CELLS_BARE, ROWSPAN_LOST, P_CELLS_NBSP})
# Forms whose whole page is in traditional characters (the truth's org and cell texts too).
TRADITIONAL_FORMS = frozenset({TRADITIONAL, READING_AIDS})
# What the parsers cannot read yet is left out of the default world; with
# PORTALSIM_FORMS_UNREAD=1 it is drawn too (docs/portalsim.md says what goes wrong):
# scanned PDFs (OCR misreads a few cells of every scan: - as blank, +3 as 十3, 1 as 10).
UNREAD_ENV = "PORTALSIM_FORMS_UNREAD"


def unread_allowed() -> bool:
    return os.environ.get(UNREAD_ENV) == "1"


def assign_forms(seed: int, portal: Portal, *, html: str, prose: str, pdf: str,
                 respell: Callable[[Report], None], prose_form: Callable[[Report], None],
                 ) -> None:
    """Give one report of the portal each page form and one prose report its numbers.

    Candidates are plain inline-HTML reports with tables (no seed, no report the real portal
    is known to carry); a traditional report (with reading aids or not) is posted as an
    article only (a gateway or copy site's copy is a page, not the platform's endpoint)."""
    rng = rng_for(seed, portal.key, "forms")
    taken: set[str] = set()
    candidates = [r for r in portal.reports if r.rendering == html and not r.seed
                  and not r.known and r.layout in ("gb2021", "gb2019")]

    def give(form: str, generator: random.Random) -> None:
        pool = [r for r in candidates if r.rid not in taken and _fits(r, form)]
        if not pool:
            return
        report = generator.choice(pool)
        taken.add(report.rid)
        report.form = form
        if form in SPLIT_LABELS:
            report.label_style = replace(report.label_style, split_lines=True)
        if form == ZERO_WORDS:
            respell(report)

    for form in FIRST_FORMS:
        give(form, rng)
    for form in LATER_FORMS:
        give(form, rng_for(seed, portal.key, "forms", form))
    proses = [r for r in portal.reports if r.rendering == prose and not r.seed
              and r.layout == "none"]
    if proses:
        report = rng.choice(proses)
        report.form = PROSE_NUMBERS
        prose_form(report)
    pdfs = [r for r in portal.reports if r.rendering == pdf and not r.seed and not r.known
            and r.layout in ("gb2021", "gb2019")]
    if unread_allowed() and portal.key in SCANNED_PORTALS and pdfs:
        rng.choice(pdfs).form = SCANNED_PDF


def _fits(report: Report, form: str) -> bool:
    if form in TRADITIONAL_FORMS and (report.on_endpoint or report.article is None):
        return False
    if form == PIPE_MARKDOWN and report.layout != "gb2021":
        return False  # the corpus file shows the 2021 form only
    if form == INSTRUCTION_LABELS and report.layout != "gb2019":
        return False  # the instructions are written into the 2019 form's labels
    if form == PIPE_BLANK_LINES:  # an article page with blank cells, as the corpus file is
        return not report.on_endpoint and report.article is not None and any(
            c.value is None for c in report.versions[0].cells.values())
    if form == P_CELLS_NBSP:  # the form is there to show blank cells as <p>&nbsp;</p>
        return any(c.value is None for c in report.versions[0].cells.values())
    if form in NEEDS_NO_BLANKS:
        return all(c.value is not None for c in report.versions[0].cells.values())
    return True
