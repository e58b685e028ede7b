"""The archive with S3 as its storage (moto_server over real HTTP): sealed files go up and
leave the local disk, and every capture is still read back (ranged GETs), retrieved by the
CLI, and verified."""

from __future__ import annotations

import gzip
import os
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from archive.models import Capture, WarcFile
from archive.write.records import Exchange
from archive.write.store import Archive
from tests.test_cli import XXGK
from tests.test_storage import REGION, moto_endpoint, set_aws_env  # noqa: F401 - fixture
from xxgk.base.home import Home

T0 = datetime(2025, 1, 2, 3, 4, 5, 123456)


def _exchange(url: str, body: bytes, when: datetime, gz: bool = False) -> Exchange:
    headers = [("Content-Type", "text/html; charset=utf-8")]
    if gz:
        body = gzip.compress(body)
        headers.append(("Content-Encoding", "gzip"))
    return Exchange(url=url, method="GET", request_headers=[("User-Agent", "t")],
                    request_body=b"", protocol="HTTP/1.1", status=200, reason="OK",
                    response_headers=headers, body=body, captured_at=when)


def test_sealed_files_live_in_s3_and_read_back(tmp_path: Path, monkeypatch, moto_endpoint):  # noqa: F811
    import boto3

    set_aws_env(monkeypatch, tmp_path)
    bucket = "xxgk-archive-test"
    boto3.client("s3", endpoint_url=moto_endpoint, region_name=REGION).create_bucket(
        Bucket=bucket)
    monkeypatch.setenv("XXGK_S3_BUCKET", bucket)
    monkeypatch.setenv("XXGK_S3_PREFIX", "warcs/")
    monkeypatch.setenv("XXGK_S3_ENDPOINT_URL", moto_endpoint)
    home = Home(tmp_path / "home")
    archive = Archive(home, max_warc_size=2000)  # small: several files get sealed
    payloads = {}
    for i in range(6):
        url = f"http://www.example.gov.cn/art/{i}.html"
        payloads[url] = f"<html>report {i} ".encode() + os.urandom(300).hex().encode()
        archive.record(_exchange(url, payloads[url], T0 + timedelta(seconds=i), gz=i % 2 == 1))
    archive.record(_exchange("http://www.example.gov.cn/copy.html",
                             payloads["http://www.example.gov.cn/art/0.html"], T0))
    archive.close()

    reopened = Archive(home)
    with reopened.sessions() as session:
        files = list(session.scalars(select(WarcFile)))
        captures = list(session.scalars(select(Capture).where(Capture.record_type == "response")))
    assert len(files) >= 3 and all(f.location.startswith(f"s3://{bucket}/warcs/") for f in files)
    assert not list(home.archive_dir.glob("*.warc.gz"))  # uploaded, verified, removed
    for capture in captures:
        record = reopened.read(capture)
        body = record.payload
        if ("Content-Encoding", "gzip") in record.http_headers:
            body = gzip.decompress(body)
        assert body == payloads[capture.url]
    reopened.close()

    env = {**os.environ}
    get = subprocess.run([str(XXGK), "archive", "get", "http://www.example.gov.cn/copy.html",
                          "--home", str(home.root), "-o", str(tmp_path / "copy.html")],
                         capture_output=True, text=True, env=env, timeout=120)
    assert get.returncode == 0, get.stderr
    assert (tmp_path / "copy.html").read_bytes() == payloads["http://www.example.gov.cn/art/0.html"]
    verify = subprocess.run([str(XXGK), "archive", "verify", "--home", str(home.root)],
                            capture_output=True, text=True, env=env, timeout=120)
    assert verify.returncode == 0, verify.stdout + verify.stderr
