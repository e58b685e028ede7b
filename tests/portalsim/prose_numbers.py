"""The applications paragraph of a prose-only report, in sentences copied from real ones.

Real reports without tables state their key numbers in one paragraph, each unit in its own
words; these are three of them from the corpus (build split), with the unit, year and
numbers swapped in. The numbers are the report's own (its hidden table values), so the facts
stay consistent with what the tables would have said. Each fact carries the words a reader
quotes for it (收到依申请公开9件, not 共收到…); 及时答复9件 and 无下年度结转 are facts of the
truth for their cells only (the parsers keep such numbers as cells, not as facts).
"""

from __future__ import annotations

import random

from .document import PARA, SUBHEADING, Block, Fact
from .figures import Cell


def _total(cells: dict[str, Cell], row: str) -> int:
    cell = cells.get(f"applications/{row}/total")
    return int(cell.value or 0) if cell else 0


def _review_total(cells: dict[str, Cell]) -> int:
    return sum(int(cells[f"review_litigation/{row}/total"].value or 0)
               for row in ("review", "litigation_direct", "litigation_after_review"))


def applications_paragraph(year: int, short: str, cells: dict[str, Cell],
                           rng: random.Random) -> tuple[str, list[Fact]]:
    """One paragraph and the facts it states (cells in the canonical ids)."""
    n = _total(cells, "new_received")
    processed = _total(cells, "total_processed")
    granted = _total(cells, "granted")
    partial = _total(cells, "partially_granted")
    not_held = _total(cells, "unavailable.not_held")
    forward = _total(cells, "carried_forward")
    natural_only = n and cells["applications/new_received/natural_person"].value == n
    shapes = ["wusong"]
    if natural_only and forward == 0 and _total(cells, "carried_over") == 0:
        shapes.append("hanyang")
    if _review_total(cells) == 0:
        shapes.append("xixian")
    shape = rng.choice(shapes)
    received = Fact("applications_received", n, "", "applications/new_received/total")
    if shape == "hanyang":
        # hb-hanyang-zhengfubangongshi-department-2022-f86b29bc: 2022年,区政府办公室共收到8份
        # 政府信息公开申请,均为自然人申请。其中,予以公开2件,部分公开2件,...无下年度结转。
        facts = [Fact(received.name, n, f"收到{n}份政府信息公开申请", received.cell)]
        parts = []
        for name, value, label, cell in (
                ("applications_granted", granted, "予以公开", "applications/granted/total"),
                ("applications_partially_granted", partial, "部分公开",
                 "applications/partially_granted/total"),
                ("applications_not_held", not_held, "本办不掌握相关政府信息", None)):
            if value:
                parts.append(f"{label}{value}件")
                if cell:
                    facts.append(Fact(name, value, f"{label}{value}件", cell))
        facts.append(Fact("applications_carried_forward", 0, "无下年度结转",
                          "applications/carried_forward/total"))
        tail = f"其中,{','.join(parts)}。" if parts else ""
        return (f"{year}年,{short}共收到{n}份政府信息公开申请,均为自然人申请。{tail}无下年度结转。",
                facts)
    if shape == "xixian":
        # sn-xixian-jianzhanglujiedao-street-2022-e8c436f8: 2022年,建章路街道共接收政府信息
        # 公开申请0件,全年没有发生因政府信息公开申请行政复议和提起行政诉讼的情况。
        return ((f"{year}年,{short}共接收政府信息公开申请{n}件,全年没有发生因政府信息公开申请"
                 "行政复议和提起行政诉讼的情况。"),
                [Fact(received.name, n, f"接收政府信息公开申请{n}件", received.cell),
                 Fact("administrative_reviews", 0, "没有发生因政府信息公开申请行政复议",
                      "review_litigation/review/total")])
    # sh-baoshan-wusongjiedao-street-2025-001c5313: 街道本年度共收到依申请公开9件,及时答复9件,
    # 其中2件办理结果为主动公开,2件办理结果为无法提供,另外5件办理结果为其他处理。
    facts = [Fact(received.name, n, f"收到依申请公开{n}件", received.cell),
             Fact("applications_processed", processed, f"及时答复{processed}件",
                  "applications/total_processed/total")]
    text = f"{short}本年度共收到依申请公开{n}件,及时答复{processed}件"
    if granted:
        text += f",其中{granted}件办理结果为予以公开"
    rest = processed - granted
    if rest > 0:
        text += f",另外{rest}件办理结果为其他处理"
    return text + "。", facts


def with_numbers(blocks: list[Block], facts: list[Fact], paragraph: str,
                 stated: list[Fact]) -> tuple[list[Block], list[Fact]]:
    """The report with its applications paragraph (the one after the 依申请公开 subheading)
    replaced, and the facts of the old paragraph replaced by the new ones."""
    out = list(blocks)
    for n, block in enumerate(out):
        if block.kind == SUBHEADING and "依申请公开" in block.text and n + 1 < len(out):
            out[n + 1] = Block(PARA, paragraph)
            break
    kept = [f for f in facts if not f.name.startswith("applications_")]
    return out, kept + stated
