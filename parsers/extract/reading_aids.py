"""Remove the pinyin a portal's reading aid writes after characters: 寧強(qiáng)縣民政局.

Some portals' 繁體/无障碍 toolbars annotate characters that have several readings with
their pinyin in brackets, and a saved or crawled page keeps the annotation in the text, in
the middle of every label (年度報(bào)告, 數(shù)量). Only a bracket right after a Han character
holding one pinyin syllable with a tone mark is removed: ``(qiáng)``, not ``(一)``, ``(2019)``
or an English word.
"""

from __future__ import annotations

import re

from parsers.document import Block, Document

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
# One syllable: Latin letters (ü included) with at least one tone mark; both bracket widths.
_ANNOTATION = re.compile(rf"(?<=[\u3400-\u9fff])[(（][a-zü]*[{_TONED}][a-zü]*[)）]")


def strip_reading_aids(text: str) -> str:
    if "(" not in text and "（" not in text:
        return text
    return _ANNOTATION.sub("", text)


def strip_document(doc: Document) -> Document:
    """The document with every annotation removed from its texts (in place, returned):
    block by block, each text looked at once (no whole-text join for a first check)."""
    for block in doc.blocks:
        _strip_block(block)
    if doc.title:
        doc.title = strip_reading_aids(doc.title)
    if doc.publisher:
        doc.publisher = strip_reading_aids(doc.publisher)
    return doc


def _strip_block(block: Block) -> None:
    if block.kind == "para":
        block.text = strip_reading_aids(block.text)
    elif block.table is not None:
        for row in block.table.rows:
            for cell in row:
                cell.text = strip_reading_aids(cell.text)
