"""Archives for the retrieval and verify tests, written by the real writer (``Archive.record``)
with documents made here: HTML (plain and gzip Content-Encoded), a DOCX made with python-docx
and a PDF written by hand (one page, Helvetica text)."""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from http import HTTPStatus
from pathlib import Path

from archive.write.records import Exchange
from archive.write.store import Archive
from xxgk.base.home import Home

XXGK = Path(sys.executable).with_name("xxgk")
SITE = "http://xxgk.example.gov.cn"


def run(*args: str, home: Path | None = None,
        timeout: int = 120) -> subprocess.CompletedProcess[bytes]:
    """The installed console script, as an archivist runs it (bytes: payloads are binary)."""
    command = [str(XXGK), *args] + (["--home", str(home)] if home else [])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XXGK_", "AWS_"))}
    return subprocess.run(command, capture_output=True, timeout=timeout, env=env, check=False)


def run_json(*args: str, home: Path | None = None) -> dict:
    result = run(*args, "--json", home=home)
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)


def tiny_pdf(lines: list[str]) -> bytes:
    """A valid one-page PDF showing ``lines`` in Helvetica (pdfplumber reads them back)."""
    text = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(
        f"({line}) '" for line in lines) + " ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text.encode()),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    return out.getvalue()


def docx_bytes(paragraphs: list[str], table: list[list[str]]) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    grid = document.add_table(rows=len(table), cols=len(table[0]))
    for r, row in enumerate(table):
        for c, value in enumerate(row):
            grid.cell(r, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def html(title: str, *paragraphs: str) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title}</title>"
            f"<script>var tracker = 1;</script></head><body><h1>{title}</h1>{body}"
            "</body></html>").encode()


def exchange(url: str, body: bytes, when: datetime, *, status: int = 200,
             content_type: str = "text/html; charset=utf-8",
             extra_headers: list[tuple[str, str]] | None = None) -> Exchange:
    headers = [("Content-Type", content_type), ("Server", "portal")] + (extra_headers or [])
    return Exchange(url=url, method="GET", request_headers=[("User-Agent", "xxgk-tests")],
                    request_body=b"", protocol="HTTP/1.1", status=status,
                    reason=HTTPStatus(status).phrase,
                    response_headers=headers, body=body, captured_at=when)


@dataclass
class Built:
    """What the test archive holds, to compare the commands' answers with."""

    home: Path
    bodies: dict[str, list[bytes]] = field(default_factory=dict)  # url -> payload per version
    times: dict[str, list[datetime]] = field(default_factory=dict)


def keeper(archive: Archive, built: Built) -> Callable[..., None]:
    """Record one exchange and note its payload and time in ``built``."""
    def keep(url: str, body: bytes, when: datetime, **kwargs: object) -> None:
        archive.record(exchange(url, body, when, **kwargs))  # type: ignore[arg-type]
        built.bodies.setdefault(url, []).append(body)
        built.times.setdefault(url, []).append(when)

    return keep


REPORT = f"{SITE}/2024/report.html"
SAME_SECOND = f"{SITE}/list.html"
GZIPPED = f"{SITE}/gz.html"
GZIPPED_304 = f"{SITE}/gz-304.html"
DOCX = f"{SITE}/2024/report.docx"
PDF = f"{SITE}/2024/report.pdf"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def build_archive(root: Path) -> Built:
    built = Built(root)
    archive = Archive(Home(root))
    keep = keeper(archive, built)

    first = html("2024年政府信息公开工作年度报告", "一、总体情况", "主动公开 120 条")
    second = html("2024年政府信息公开工作年度报告", "一、总体情况", "主动公开 135 条")
    keep(REPORT, first, datetime(2025, 1, 10, 8, 0, 0, 123456))
    keep(REPORT, second, datetime(2025, 2, 10, 8, 0, 0))
    keep(REPORT, second, datetime(2025, 3, 10, 8, 0, 0))  # identical: a revisit
    # A 304: a server-not-modified revisit; its payload is the last one's.
    archive.record(exchange(REPORT, b"", datetime(2025, 4, 10, 8, 0, 0), status=304))
    built.bodies[REPORT].append(second)
    built.times[REPORT].append(datetime(2025, 4, 10, 8, 0, 0))

    keep(SAME_SECOND, html("列表", "第一版"), datetime(2025, 3, 1, 8, 0, 0, 100000))
    keep(SAME_SECOND, html("列表", "第二版"), datetime(2025, 3, 1, 8, 0, 0, 700000))

    for when, words in ((datetime(2025, 1, 5), "旧的一行"), (datetime(2025, 2, 5), "新的一行")):
        keep(GZIPPED, gzip.compress(html("压缩", words), mtime=0), when,
             extra_headers=[("Content-Encoding", "gzip")])
    # A 304 after gzipped 200s: its own headers say nothing of the body's encoding.
    for when, words in ((datetime(2025, 1, 7), "旧的一行"), (datetime(2025, 2, 7), "新的一行")):
        keep(GZIPPED_304, gzip.compress(html("压缩", words), mtime=0), when,
             extra_headers=[("Content-Encoding", "gzip")])
    archive.record(exchange(GZIPPED_304, b"", datetime(2025, 3, 7), status=304))
    built.bodies[GZIPPED_304].append(built.bodies[GZIPPED_304][-1])
    built.times[GZIPPED_304].append(datetime(2025, 3, 7))

    table = [["项目", "数量"], ["依申请公开", "7"]]
    keep(DOCX, docx_bytes(["报告正文", "收到申请 7 件"], table), datetime(2025, 1, 6),
         content_type=DOCX_TYPE)
    keep(DOCX, docx_bytes(["报告正文", "收到申请 9 件"], table), datetime(2025, 2, 6),
         content_type=DOCX_TYPE)

    keep(PDF, tiny_pdf(["Annual report 2024", "Requests received: 7"]), datetime(2025, 1, 7),
         content_type="application/pdf")
    keep(PDF, tiny_pdf(["Annual report 2024", "Requests received: 9"]), datetime(2025, 2, 7),
         content_type="application/pdf")
    archive.close()
    return built


def tiny_png() -> bytes:
    """A valid 1x1 PNG (binary payload with NUL bytes)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


COPY = f"{SITE}/mirror/report.pdf"  # the same bytes as PDF's first version: a revisit
NOT_FOUND = f"{SITE}/gone.html"
QUERY = f"{SITE}/list?page=2&type=report"
CHINESE_PATH = f"{SITE}/2024/%E5%B9%B4%E6%8A%A5.html"


def build_wide_archive(root: Path) -> Built:
    """``build_archive`` plus 18 more URLs with varied payloads (GBK HTML, JSON, CSS, JS,
    PNG, plain text, a large binary, gzip and deflate Content-Encoding, a cross-URL revisit,
    a 404 page, a query string, a percent-encoded Chinese path), in a second WARC file."""
    import random
    import zlib

    built = build_archive(root)
    archive = Archive(Home(root))
    keep = keeper(archive, built)

    day = datetime(2025, 5, 1, 9, 30, 0)
    noise = random.Random(7).randbytes(300_000)
    pages: list[tuple[str, bytes, dict[str, object]]] = [
        (f"{SITE}/gbk.html", "<html><head><title>年度报告</title></head><body>依申请公开"
                             "</body></html>".encode("gb18030"),
         {"content_type": "text/html; charset=GBK"}),
        (f"{SITE}/api/stats.json", json.dumps({"year": 2024, "count": 135}).encode(),
         {"content_type": "application/json"}),
        (f"{SITE}/css/site.css", b"body { color: #333 }\n", {"content_type": "text/css"}),
        (f"{SITE}/js/app.js", b"document.title = 'x';\n",
         {"content_type": "application/javascript"}),
        (f"{SITE}/img/logo.png", tiny_png(), {"content_type": "image/png"}),
        (f"{SITE}/robots.txt", b"User-agent: *\nDisallow:\n", {"content_type": "text/plain"}),
        (f"{SITE}/files/big.bin", noise, {"content_type": "application/octet-stream"}),
        (f"{SITE}/gz2.html", gzip.compress(html("压缩二", "第三个压缩页面"), mtime=0),
         {"extra_headers": [("Content-Encoding", "gzip")]}),
        (f"{SITE}/deflate.html", zlib.compress(html("deflate", "压缩方式 deflate")),
         {"extra_headers": [("Content-Encoding", "deflate")]}),
        (COPY, built.bodies[PDF][0], {"content_type": "application/pdf"}),
        (NOT_FOUND, html("404", "页面不存在"), {"status": 404}),
        (QUERY, html("列表第二页", "第 2 页"), {}),
        (CHINESE_PATH, html("年报", "中文路径"), {}),
        (f"{SITE}/2023/report.html", html("2023年报告", "主动公开 98 条"), {}),
        (f"{SITE}/2022/report.html", html("2022年报告", "主动公开 77 条"), {}),
        (f"{SITE}/index.html", html("首页", "政府信息公开"), {}),
        (f"{SITE}/xxgk/guide.html", html("指南", "信息公开指南"), {}),
        (f"{SITE}/xxgk/rules.html", html("制度", "信息公开制度"), {}),
    ]
    for number, (url, body, options) in enumerate(pages):
        keep(url, body, day.replace(minute=number), **options)
    # Two versions of one more URL, a day apart.
    keep(f"{SITE}/2023/report.html", html("2023年报告", "主动公开 99 条"),
         day.replace(day=2))
    archive.close()
    return built
