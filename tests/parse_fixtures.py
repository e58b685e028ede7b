"""Documents for the parser tests, built without the extractors: the seed texts one para per
line, the simulator's own report blocks (its grids as tables), the words of its look-alike
articles, and the real samples read simply (lxml text lines, pdfplumber page lines)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from parsers.document import Block, Document, Table
from tests.parse_helpers import expand, seed_text, text_document
from tests.portalsim.assets import grids_for
from tests.portalsim.document import BLANK, FIGURE, SIGNATURE, TABLE, TITLE
from tests.portalsim.routes import PortalRouter
from tests.portalsim.tables import Grid
from tests.portalsim.world import DEFAULT_AS_OF, Article, Report, World

REAL = Path(__file__).resolve().parent / "fixtures" / "real_samples"


def seed_document(prefix: str) -> Document:
    """A seed report (``000`` .. ``004``) as one para block per line of its text."""
    return text_document(seed_text(prefix))


def table_of(grid: Grid) -> Table:
    """A simulator grid as the extractors deliver tables: spans expanded, copies marked."""
    return Table(expand(grid))


def report_document(report: Report, *, with_title: bool = True, as_of: date = DEFAULT_AS_OF,
                    **hints: str | None) -> Document:
    """The simulator's report as an extractor would see its HTML: paragraphs, tables (when
    the report has them), no figures; ``with_title=False`` drops the title block, as
    article pages do (their title is the page's, a hint)."""
    grids = grids_for(report, as_of) if report.has_tables else {}
    blocks: list[Block] = []
    for block in report.blocks:
        if block.kind == TABLE:
            if block.table in grids:
                blocks.append(Block("table", table=table_of(grids[block.table])))
        elif block.kind == FIGURE:
            blocks.append(Block("image"))
        elif block.kind == BLANK:
            blocks.append(Block("para", ""))
        elif block.kind != TITLE or with_title:
            blocks.append(Block("para", block.text))
    return Document("html", blocks, **hints)


def has_signature(report: Report) -> bool:
    return any(b.kind == SIGNATURE for b in report.blocks)


def lookalike_articles(world: World, as_of: date = DEFAULT_AS_OF) -> list[Article]:
    """The articles the truth lists as ``decoys`` (notices, plans, interpretations, the zip
    bundle), visible at that date."""
    return [a for p in world.portals.values() for a in p.articles
            if a.kind in ("decoy", "bundle") and a.path_at(as_of)]


def article_document(world: World, article: Article) -> Document:
    """An ordinary article page as text: its title (a hint), its paragraphs, its attachment
    links (附件：….docx), the same words every CMS family of the simulator writes."""
    portal = next(p for p in world.portals.values() if article in p.articles)
    router = PortalRouter(world, None)  # type: ignore[arg-type]  # words need no assets
    paragraphs = [re.sub(r"<[^>]+>", "", p) for p in router.plain_paragraphs(portal, article)]
    paragraphs += [f"附件：{a.showname}" for a in article.attachments]
    return Document("html", [Block("para", p) for p in paragraphs], title=article.title,
                    published=article.published.date().isoformat())


def template_document(*, with_title: bool = True) -> Document:
    """The blank report template attached to the notices (assets._template_docx's content)."""
    from tests.portalsim.tables import LabelStyle, build_grids, cell_keys

    grids = build_grids("gb2021", {key: "" for key in cell_keys("gb2021")}, LabelStyle())
    blocks = [Block("para", "XX单位XXXX年政府信息公开工作年度报告（模板）")] if with_title else []
    for heading, table in (("二、主动公开政府信息情况", "active"),
                           ("三、收到和处理政府信息公开申请情况", "applications"),
                           ("四、政府信息公开行政复议、行政诉讼情况", "review_litigation")):
        blocks += [Block("para", heading), Block("table", table=table_of(grids[table]))]
    return Document("docx", blocks)


def ucap_document(*, hints: bool = True) -> Document:
    """The real Ucap page: the text lines of <ucapcontent>, with <ucaptitle>/<publishtime>
    as the container's hints."""
    import lxml.html

    root = lxml.html.fromstring((REAL / "shuyang_fgj_2023_annual_report_ucap.html")
                                .read_text(encoding="utf-8"))
    content = next(root.iter("ucapcontent")).text_content()
    blocks = [Block("para", line.strip()) for line in content.split("\n") if line.strip()]
    if not hints:
        return Document("html", blocks)
    return Document("html", blocks, title=next(root.iter("ucaptitle")).text_content().strip(),
                    published=next(root.iter("publishtime")).text_content().strip())


def pdf_document(name: str, title: str | None = None) -> Document:
    """A real PDF as its page text lines, one para each (pdfplumber's reading)."""
    import pdfplumber

    with pdfplumber.open(REAL / name) as pdf:
        lines = [line for page in pdf.pages for line in (page.extract_text() or "").split("\n")]
    return Document("pdf", [Block("para", line) for line in lines], title=title)
