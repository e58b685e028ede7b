"""The five real seed reports, turned into documents the simulator publishes at their real
unit and year.

The seed texts are extractions of Word documents: table cells are lines starting with a tab,
rows end with an empty line, images left ``[image: …]`` marks. Paragraphs are kept as they
are; table values are read back in reading order with their raw spacing, and image marks
become figures or tables drawn as images.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .document import BLANK, FIGURE, HEADING, PARA, SIGNATURE, SUBHEADING, TABLE, TITLE, Block, Fact
from .tables import GB2019, GB2021, cell_keys

SEED_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
_NUMBER = re.compile(r"^[\s\u3000]*[-+]?\d+(?:\.\d+)?[\s\u3000]*$")
_HEADING = re.compile(r"^\s*[一二三四五六七]、")
_SUBHEADING = re.compile(r"^\s*[（(]([一二三四五六七八九]|\d)[)）]")
_TABLE_ORDER = ("active", "applications", "review_litigation")


@dataclass(frozen=True)
class SeedSpec:
    file: str
    portal: str
    unit: str  # short name of the unit in the catalog
    year: int
    layout: str  # layout of its tables (also for tables drawn as images)
    rendering: str
    published: str
    # For seeds whose tables are images: values the prose states, to keep images consistent.
    applications: dict[str, int] | None = None


SEEDS = (
    SeedSpec("000_27800a91591f9d9c.txt", "yanzhou", "小孟镇", 2022, GB2021, "image",
             "2023-01-18 09:30:12", applications={}),
    SeedSpec("001_80eb4e39c25afce7.txt", "wendeng", "文登营镇", 2022, GB2021, "image",
             "2023-01-16 15:02:44",
             applications={"new_received": 4, "granted": 2, "partially_granted": 2}),
    SeedSpec("002_8406eb1d227322eb.txt", "jiaxiang", "大张楼镇", 2022, GB2021, "html",
             "2023-01-20 10:12:37"),
    SeedSpec("003_070c6b3012456ceb.txt", "jiaxiang", "孟姑集镇", 2020, GB2019, "docx",
             "2021-01-28 16:40:05"),
    SeedSpec("004_33c0a2d235806a1d.txt", "wenshang", "杨店镇", 2023, "none", "prose",
             "2024-01-25 11:20:48"),
)


@dataclass(frozen=True)
class SeedDocument:
    spec: SeedSpec
    title: str  # as the report writes it
    blocks: list[Block]
    raws: dict[str, str]  # table values as printed (seeds 002, 003)
    facts: list[Fact]


def load_seed(spec: SeedSpec) -> SeedDocument:
    text = (SEED_DIR / spec.file).read_text(encoding="utf-8")
    lines = text.split("\n")
    blocks: list[Block] = []
    values: list[str] = []
    tables_seen = 0
    image_marks = 0
    i = 0
    title_lines: list[str] = []
    title_open = True
    while i < len(lines):
        line = lines[i].replace("[bookmark: _GoBack]", "")
        if line.startswith("\t"):
            # A table: collect every numeric cell until the next paragraph.
            # A cell may span lines (商业\n企业): a line right after a cell line continues it.
            while i < len(lines) and (lines[i].startswith("\t") or not lines[i].strip()
                                      or lines[i - 1].startswith("\t")):
                cell = lines[i][1:] if lines[i].startswith("\t") else None
                if cell is not None and _NUMBER.match(cell):
                    values.append(cell)
                i += 1
            blocks.append(Block(TABLE, table=_TABLE_ORDER[tables_seen]))
            tables_seen += 1
            continue
        i += 1
        stripped = line.strip()
        if not stripped:
            if blocks and blocks[-1].kind != BLANK:
                blocks.append(Block(BLANK))
            continue
        if stripped.startswith("[image:"):
            for _ in re.findall(r"\[image:[^\]]*\]", stripped):
                blocks.append(_image_block(spec, image_marks))
                image_marks += 1
            continue
        if title_open:
            title_lines.append(stripped)
            title_open = not stripped.endswith("报告") and len(title_lines) < 3
            continue
        blocks.append(Block(_kind_of(line), line.rstrip()))
    title = "".join(title_lines)
    blocks.insert(0, Block(TITLE, "\n".join(title_lines)))
    if spec.file.startswith("001"):
        blocks = _tables_after_empty_headings(blocks)
    raws = {}
    if values:
        keys = cell_keys(spec.layout)
        assert len(values) == len(keys), (spec.file, len(values), len(keys))
        raws = dict(zip(keys, values))
    return SeedDocument(spec, title, blocks, raws, _seed_facts(spec))


def _kind_of(text: str) -> str:
    if _HEADING.match(text):
        return HEADING
    if _SUBHEADING.match(text) and len(text.strip()) < 40:
        return SUBHEADING
    if re.match(r"^\s{8,}", text):
        return SIGNATURE
    return PARA


def _image_block(spec: SeedSpec, n: int) -> Block:
    """Seed 000 lost a chart and its three tables to images: draw them back as images."""
    if spec.file.startswith("000"):
        table = {1: "active", 2: "applications", 3: "review_litigation"}.get(n)
        if table:
            heading = {"active": "二、主动公开政府信息情况",
                       "applications": "三、收到和处理政府信息公开申请情况",
                       "review_litigation": "四、政府信息公开行政复议、行政诉讼情况"}[table]
            return Block(TABLE, table=table, heading_in_image=heading)
    return Block(FIGURE, text="chart")


def _tables_after_empty_headings(blocks: list[Block]) -> list[Block]:
    """Seed 001 kept its three table headings but lost the tables (images) below them."""
    out: list[Block] = []
    tables = iter(_TABLE_ORDER)
    for block in blocks:
        out.append(block)
        text = block.text.strip()
        if text in ("二、行政机关主动公开政府信息情况", "行政机关收到和处理政府信息公开申请情况",
                    "四、政府信息公开工作申请行政复议、提起行政诉讼情况"):
            out.append(Block(TABLE, table=next(tables)))
    return out


def _seed_facts(spec: SeedSpec) -> list[Fact]:
    """The numbers each seed's prose states (what a parser must extract from it)."""
    facts = {
        "000": [Fact("active_disclosure_items", 42, "公开政府信息42条")],
        "001": [Fact("active_disclosure_items", 93, "主动公开政府信息93条"),
                Fact("applications_received", 4, "收到政府信息公开申请4件",
                     "applications/new_received/total"),
                Fact("applications_granted", 2, "予以公开2件", "applications/granted/total"),
                Fact("applications_partially_granted", 2, "部分公开2件",
                     "applications/partially_granted/total")],
        "002": [Fact("active_disclosure_items", 57, "主动公开信息57条")],
        "003": [],
        "004": [Fact("active_disclosure_items", 25, "主动公开信息25条"),
                Fact("applications_received", 0, "受理政府信息公开申请0件",
                     "applications/new_received/total")],
    }
    return facts[spec.file[:3]]


def seed_for(portal: str, unit: str, year: int) -> SeedSpec | None:
    return next((s for s in SEEDS if (s.portal, s.unit, s.year) == (portal, unit, year)), None)


__all__ = ["SEEDS", "SeedSpec", "SeedDocument", "load_seed", "seed_for", "HEADING", "PARA",
           "SUBHEADING", "TITLE", "FIGURE", "TABLE", "SIGNATURE"]
