"""A report as an ordered list of blocks, before it is drawn as HTML, DOCX, PDF or images.

Renderers only decide how blocks look; what a report says is decided once, here and in
``prose.py`` / ``seeds.py``, so every rendering of a report carries the same content.
"""

from __future__ import annotations

from dataclasses import dataclass

TITLE = "title"
HEADING = "heading"  # 一、总体情况
SUBHEADING = "subheading"  # （一）主动公开情况
PARA = "para"
TABLE = "table"  # one of the three statistical tables
FIGURE = "figure"  # a chart or photo that is not a table
BLANK = "blank"  # an empty paragraph (Word documents are full of them)
SIGNATURE = "signature"  # the right-aligned body name and date at the end


@dataclass(frozen=True)
class Block:
    kind: str
    text: str = ""
    table: str | None = None  # TABLE: active | applications | review_litigation
    heading_in_image: str | None = None  # a table drawn as an image carries its heading


@dataclass(frozen=True)
class Fact:
    """A number the prose states; ``cell`` names its canonical table cell if it has one."""

    name: str
    value: int
    text: str
    cell: str | None = None


def plain_text(blocks: list[Block]) -> str:
    """The report's prose as text (tables left out), for search pages and summaries."""
    return "\n".join(b.text for b in blocks if b.kind not in (TABLE, FIGURE, BLANK) and b.text)
