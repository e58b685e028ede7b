"""The archive as one WACZ file (WARC files + CDXJ index + page list + hashes), built by the
``wacz`` package, for ReplayWeb.page, pywb and other Webrecorder tools.

Only sealed files go in: an open file is still growing, and a WACZ lists each file's hash.
Files kept in S3 are fetched to a temporary folder first (``wacz`` reads local paths). The page
list names every HTML page that answered 200, so a replay tool opens on a list of pages
instead of an empty search box; ``wacz`` indexes the WARC files itself, so the WACZ's index
is exactly what its tools expect.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from archive.errors import NoArchive, RetrievalError
from archive.models import Capture, WarcFile
from archive.read.locations import Locations
from archive.timespec import iso, timestamp14

PAGE_TYPES = ("text/html", "application/xhtml+xml")


class WaczFailed(RetrievalError):
    """The wacz package refused or failed; its own output is in the message."""

    kind = "wacz-failed"


@dataclass(frozen=True)
class WaczResult:
    output: str
    files: list[str]
    skipped_unsealed: list[str]
    pages: int
    size: int


def _pages(session: Session) -> list[dict[str, str]]:
    """One page per (second, URL): wacz keys pages by the 14-digit timestamp."""
    rows = session.scalars(select(Capture).where(Capture.record_type.in_(("response",
                                                                           "revisit")),
                                                 Capture.status == 200,
                                                 Capture.mime.in_(PAGE_TYPES))
                           .order_by(Capture.captured_at, Capture.id))
    pages: dict[tuple[str, str], dict[str, str]] = {}
    for capture in rows:
        pages.setdefault((timestamp14(capture.captured_at), capture.url),
                         {"url": capture.url, "ts": iso(capture.captured_at),
                          "title": capture.url})
    return list(pages.values())


def _local_copies(files: list[WarcFile], locations: Locations, folder: Path) -> list[Path]:
    paths = []
    for warc_file in files:
        local = locations.local_path(warc_file)
        if local is None:
            local = folder / warc_file.name
            with locations.open(warc_file) as source, open(local, "wb") as target:
                shutil.copyfileobj(source, target, 1 << 20)
        paths.append(local)
    return paths


def create_wacz(sessions: sessionmaker[Session], locations: Locations, output: Path,
                title: str | None = None, description: str | None = None) -> WaczResult:
    from wacz.main import main as wacz_main

    with sessions() as session:
        files = list(session.scalars(select(WarcFile).where(WarcFile.sealed.is_(True))
                                     .order_by(WarcFile.id)))
        skipped = list(session.scalars(select(WarcFile.name).where(WarcFile.sealed.is_(False))))
        pages = _pages(session)
    if not files:
        raise NoArchive("no sealed WARC file to pack" + (
            f" ({len(skipped)} still open: they are sealed when their crawl ends)"
            if skipped else ""))
    with tempfile.TemporaryDirectory(prefix="xxgk-wacz-") as folder:
        paths = _local_copies(files, locations, Path(folder))
        args = ["create", "-o", str(output)]
        if pages:
            page_list = Path(folder) / "pages.jsonl"
            header = {"format": "json-pages-1.0", "id": "pages", "title": "Pages"}
            page_list.write_text("\n".join(json.dumps(p, ensure_ascii=False)
                                           for p in [header, *pages]) + "\n",
                                 encoding="utf-8")
            args += ["-p", str(page_list)]
        if title:
            args += ["--title", title]
        if description:
            args += ["--desc", description]
        said = io.StringIO()
        try:
            with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
                code = wacz_main(args + [str(p) for p in paths])
        except SystemExit as exc:  # argparse errors
            code = exc.code if isinstance(exc.code, int) else 1
        except Exception as exc:
            raise WaczFailed(f"wacz create failed: {exc}\n{said.getvalue()}") from exc
        if code:
            raise WaczFailed(f"wacz create failed ({code}):\n{said.getvalue()}")
    return WaczResult(str(output), [f.name for f in files], skipped, len(pages),
                      output.stat().st_size)
