"""Tables published as images: read them from the archived image files.

An HTML report that pastes screenshots of its tables names them by URL; the crawler archived
them, so the parser takes each from the archive (the capture nearest the page's), OCRs it,
and puts the table where the image stood. Only when the page's own tables are missing: a
report with real tables does not need its charts read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from parsers.document import Block, Document, ExtractionError

log = logging.getLogger(__name__)

ImageFetcher = Callable[[str], bytes | None]
MAX_IMAGES = 12  # a page with more pictures than that is a photo gallery, not a report's tables
COMPLETE = 3  # active, applications, review_litigation


def read_image_tables(doc: Document, fetch: ImageFetcher) -> int:
    """Replace image blocks that hold ruled tables by table blocks; returns how many."""
    images = [b for b in doc.blocks if b.kind == "image" and b.image is not None]
    if not images or len(doc.tables) >= COMPLETE:
        return 0
    from parsers.extract.ocr.image import read_table_image

    found = 0
    for block in images[:MAX_IMAGES]:
        assert block.image is not None
        data = block.image.data if block.image.data is not None else fetch(block.image.src)
        if data is None:
            doc.warnings.append(f"image {block.image.src} is not in the archive")
            continue
        try:
            # Labels unread where the shape tells the table: values are mapped by position.
            table = read_table_image(data, labels=False)
        except ExtractionError as exc:
            doc.warnings.append(f"image {block.image.src}: {exc.reason}")
            continue
        if table is None:
            continue
        doc.blocks[doc.blocks.index(block)] = Block(kind="table", table=table)
        found += 1
    if found:
        doc.warnings.append(f"{found} table(s) read from images by OCR: check values "
                            "marked source=ocr")
    return found
