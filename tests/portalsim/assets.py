"""The bytes of every file the portals serve as downloads: report attachments (DOCX, DOC,
PDF), table images and charts, report templates, ordinary attachments and the 20 MB bundle.

Files are made on first request and kept: in memory for this simulator, and on disk beside
the office cache (``rendered/``), keyed by the sha256 of what they are made from and of the
simulator's own code. Making them is most of a crawl's cost in the suite (python-docx, the
scanned-PDF and PNG renderers: about 25 s of CPU for the seed world) and every test that starts
a fresh simulator would pay it again; ``warm()`` converts the office files ahead of time in a
background thread.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import pickle
import tempfile
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from .document import PARA, TABLE, TITLE, Block
from .forms import SCANNED_PDF
from .render_docx import report_docx
from .render_office import OfficeConverter
from .tables import Grid, build_grids, cell_keys
from .world import ATTACHMENT_RENDERINGS, DOCX, Attachment, Report, World

log = logging.getLogger(__name__)

BIG_FILE_SIZE = 20 * 1024 * 1024
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
    "pdf": "application/pdf",
    "png": "image/png",
    "zip": "application/zip",
    "wps": "application/octet-stream",  # what servers send for WPS Office files
}


def grids_for(report: Report, as_of: date) -> dict[str, Grid]:
    raws = {k: c.raw for k, c in report.version_at(as_of).cells.items()}
    return build_grids(report.layout, raws, report.label_style)


class Assets:
    def __init__(self, world: World, converter: OfficeConverter) -> None:
        self.world = world
        self.converter = converter
        self._cache: dict[tuple[str, int], bytes] = {}
        self._lock = threading.Lock()
        self.warm_error: str | None = None

    def bytes_of(self, att: Attachment, as_of: date) -> bytes:
        """The file as served at that date (a revised report's files change with it)."""
        version = 0
        if att.report is not None:
            version = att.report.versions.index(att.report.version_at(as_of))
        key = (att.hex, version)
        with self._lock:
            cached = self._cache.get(key)
        if cached is None:
            cached = self._from_disk(att, as_of)
            with self._lock:
                self._cache[key] = cached
        return cached

    def _from_disk(self, att: Attachment, as_of: date) -> bytes:
        """The bytes from the disk cache, made and stored there when missing (atomically:
        several simulators, in several processes, share the folder)."""
        path = self.converter.cache_dir.parent / "rendered" / f"{_inputs_digest(att, as_of)}.bin"
        try:
            return path.read_bytes()
        except FileNotFoundError:
            pass
        made = self._make(att, as_of)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
            with os.fdopen(fd, "wb") as out:
                out.write(made)
            os.replace(tmp, path)
        except OSError as exc:  # a read-only or full cache folder costs speed, not bytes
            log.warning("render cache not written (%s): %s", path, exc)
        return made

    def _make(self, att: Attachment, as_of: date) -> bytes:
        if att.role == "report":
            source = report_docx(att.report.blocks, grids_for(att.report, as_of),
                                 author=att.report.unit.name)
            # A .wps attachment holds the Word 97 bytes WPS Office saves by default.
            if att.ext == DOCX:
                return source
            converted = self.converter.convert(source, att.report.rendering)
            if att.report.form == SCANNED_PDF:
                from .render_scanned import scanned_pdf

                return scanned_pdf(converted, att.report.rid)
            return converted
        if att.role == "table_image":
            from .render_image import table_png

            block = att.report.blocks[att.block]
            return table_png(grids_for(att.report, as_of)[att.table], block.heading_in_image)
        if att.role == "figure":
            from .render_image import chart_png

            numbers = hashlib.sha256(att.hex.encode()).digest()
            labels = ["政策文件", "工作动态", "公告公示", "其他"]
            return chart_png("主动公开政府信息情况", [(l, 5 + n % 60) for l, n in zip(labels, numbers)])
        if att.role == "template":
            return _template_docx()
        if att.role == "other":
            return report_docx([Block(TITLE, att.showname.rsplit(".", 1)[0]),
                                Block(PARA, "请各单位认真填写，按时报送。")], None, author="办公室")
        raise ValueError(f"no bytes for attachment role {att.role}")

    def warm(self, as_of: date) -> threading.Thread:
        """Convert all DOC/PDF attachments of the seed portals in the background."""
        jobs = [r for p in self.world.portals.values() if not p.spec.is_scale
                for r in p.reports if r.rendering in ATTACHMENT_RENDERINGS and r.rendering != DOCX]

        def run() -> None:
            try:
                sources = [(report_docx(r.blocks, grids_for(r, as_of), author=r.unit.name),
                            r.rendering) for r in jobs]
                self.converter.convert_many(sources)
            except Exception as exc:  # reported on /__portalsim/status, served as 503
                self.warm_error = str(exc)
                log.error("office conversion failed: %s", exc)

        thread = threading.Thread(target=run, name="portalsim-office-warm", daemon=True)
        thread.start()
        return thread


@functools.cache
def _code_version() -> bytes:
    """The simulator's own source: a change to any renderer makes new cache keys."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.digest()


def _inputs_digest(att: Attachment, as_of: date) -> str:
    """What an attachment's bytes are made from, as ``_make`` reads it."""
    parts: tuple[object, ...] = (att.role, att.ext, att.hex, att.showname)
    if att.report is not None:
        report = att.report
        grids = grids_for(report, as_of)
        parts += (report.rid, report.rendering, report.form, report.unit.name, report.blocks,
                  sorted(grids.items()), att.block, att.table)
    return hashlib.sha256(_code_version() + pickle.dumps(parts, protocol=4)).hexdigest()


@functools.cache
def _template_docx() -> bytes:
    """The blank report template of a notice: looks like a report, holds no figures."""
    blank = {key: "" for key in cell_keys("gb2021")}
    blocks = [Block(TITLE, "XX单位XXXX年政府信息公开工作年度报告（模板）")]
    for n, (heading, table) in enumerate([("二、主动公开政府信息情况", "active"),
                                          ("三、收到和处理政府信息公开申请情况", "applications"),
                                          ("四、政府信息公开行政复议、行政诉讼情况", "review_litigation")]):
        blocks += [Block("heading", heading), Block(TABLE, table=table)]
    from .tables import LabelStyle

    return report_docx(blocks, build_grids("gb2021", blank, LabelStyle()), author="模板")


def big_file_chunks(seed: str, chunk: int = 256 * 1024) -> Iterator[bytes]:
    """20 MB of deterministic bytes behind a zip signature, streamed."""
    block = hashlib.shake_256(seed.encode()).digest(chunk)
    sent = 0
    first = True
    while sent < BIG_FILE_SIZE:
        part = block[: min(chunk, BIG_FILE_SIZE - sent)]
        if first:
            part = b"PK\x03\x04" + part[4:]
            first = False
        sent += len(part)
        yield part
