"""`xxgk archive history|get|diff|export-cdxj|wacz|import`: an archivist's questions, asked of an
archive written by the real writer, answered by the installed console script."""

from __future__ import annotations

import base64
import gzip
import io
import json
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.timespec import iso, timestamp14, timestamp20
from tests.archive_fixtures import (
    DOCX,
    GZIPPED,
    GZIPPED_304,
    PDF,
    REPORT,
    SAME_SECOND,
    SITE,
    Built,
    build_archive,
    html,
    run,
    run_json,
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_archive(tmp_path_factory.mktemp("archive"))


def test_history_lists_every_version_with_changed_flags(built: Built) -> None:
    answer = run_json("archive", "history", REPORT, home=built.home)
    versions = answer["versions"]
    assert [v["time"] for v in versions] == [iso(t) for t in built.times[REPORT]]
    assert [v["record_type"] for v in versions] == ["response", "response", "revisit",
                                                    "revisit"]
    assert [v["status"] for v in versions] == [200, 200, 200, 304]
    assert [v["changed"] for v in versions] == [True, True, False, False]
    assert versions[0]["time"] == "2025-01-10T08:00:00.123456Z"
    assert versions[0]["timestamp"] == "20250110080000123456"
    assert versions[2]["digest"] == versions[1]["digest"] != versions[0]["digest"]
    assert [v["size"] for v in versions] == [len(b) for b in built.bodies[REPORT]]


def test_history_table_for_people(built: Built) -> None:
    result = run("archive", "history", REPORT, home=built.home)
    assert result.returncode == 0
    out = result.stdout.decode()
    assert "2025-01-10T08:00:00.123456Z" in out
    assert out.count("same") == 2 and "changed" in out and "new" in out


def test_get_at_each_time_returns_the_exact_bytes(built: Built) -> None:
    for url in (REPORT, SAME_SECOND, GZIPPED, DOCX, PDF):
        for when, body in zip(built.times[url], built.bodies[url], strict=True):
            spellings = (iso(when), timestamp20(when)) if url == SAME_SECOND else (iso(when),)
            for spelled in spellings:
                result = run("archive", "get", url, "--at", spelled, home=built.home)
                assert result.returncode == 0, result.stderr.decode()
                assert result.stdout == body, (url, spelled)


def test_same_second_captures_stay_distinguishable(built: Built) -> None:
    first, second = built.times[SAME_SECOND]
    assert timestamp14(first) == timestamp14(second)
    exact = run("archive", "get", SAME_SECOND, "--at", iso(first), home=built.home)
    assert exact.stdout == built.bodies[SAME_SECOND][0]
    # A 14-digit timestamp is the whole second: the later capture, with a note on stderr.
    coarse = run("archive", "get", SAME_SECOND, "--at", timestamp14(first), home=built.home)
    assert coarse.stdout == built.bodies[SAME_SECOND][1]
    assert "same second" in coarse.stderr.decode()
    assert iso(first) in coarse.stderr.decode()


def test_get_defaults_to_latest_and_revisits_give_the_original_payload(built: Built,
                                                                       tmp_path: Path) -> None:
    latest = run("archive", "get", REPORT, home=built.home)
    assert latest.stdout == built.bodies[REPORT][1]  # the 304's payload is the last 200's
    revisit_time = iso(built.times[REPORT][2])
    out = tmp_path / "page.html"
    answer = run_json("archive", "get", REPORT, "--at", revisit_time, "-o", str(out),
                      home=built.home)
    assert out.read_bytes() == built.bodies[REPORT][1]
    assert answer["version"]["record_type"] == "revisit"
    assert answer["version"]["time"] == revisit_time
    assert answer["payload_from"]["record_type"] == "response"
    assert answer["payload_from"]["time"] == iso(built.times[REPORT][1])
    assert "payload_base64" not in answer
    inline = run_json("archive", "get", REPORT, "--at", revisit_time, home=built.home)
    assert base64.b64decode(inline["payload_base64"]) == built.bodies[REPORT][1]


def test_get_headers_shows_the_archived_http_headers(built: Built) -> None:
    result = run("archive", "get", REPORT, "--at", iso(built.times[REPORT][3]), "--headers",
                 home=built.home)
    assert result.returncode == 0
    lines = result.stdout.decode().splitlines()
    assert lines[0] == "HTTP 304"
    assert "Server: portal" in lines
    answer = run_json("archive", "get", GZIPPED, home=built.home)
    assert ["Content-Encoding", "gzip"] in answer["http_headers"]


def test_gzip_body_is_byte_exact_unless_decoded(built: Built) -> None:
    raw = run("archive", "get", GZIPPED, home=built.home)
    assert raw.stdout == built.bodies[GZIPPED][1]
    assert raw.stdout[:2] == b"\x1f\x8b"
    decoded = run("archive", "get", GZIPPED, "--decoded", home=built.home)
    assert decoded.stdout == gzip.decompress(built.bodies[GZIPPED][1])
    answer = run_json("archive", "get", GZIPPED, "--decoded", home=built.home)
    assert answer["decoded"] == ["gzip"]


def test_a_304_is_decoded_and_diffed_with_the_headers_of_its_body(built: Built) -> None:
    first, _, not_modified = built.times[GZIPPED_304]
    assert run_json("archive", "get", GZIPPED_304, home=built.home)["status"] == 304
    decoded = run("archive", "get", GZIPPED_304, "--decoded", home=built.home)
    assert decoded.stdout == gzip.decompress(built.bodies[GZIPPED_304][-1])
    answer = run_json("archive", "diff", GZIPPED_304, "--from", iso(first), "--to",
                      iso(not_modified), home=built.home)
    assert {"-旧的一行", "+新的一行"} <= set(answer["diff"].splitlines())


@pytest.mark.parametrize(("url", "removed", "added"), [
    (REPORT, "主动公开 120 条", "主动公开 135 条"),
    (GZIPPED, "旧的一行", "新的一行"),
    (DOCX, "收到申请 7 件", "收到申请 9 件"),
    (PDF, "Requests received: 7", "Requests received: 9"),
])
def test_diff_shows_the_changed_line(built: Built, url: str, removed: str,
                                     added: str) -> None:
    first, second = built.times[url][0], built.times[url][1]
    result = run("archive", "diff", url, "--from", iso(first), "--to", iso(second),
                 home=built.home)
    assert result.returncode == 0, result.stderr.decode()
    lines = result.stdout.decode().splitlines()
    assert f"-{removed}" in lines and f"+{added}" in lines
    assert not any("tracker" in line for line in lines)  # scripts are not text
    answer = run_json("archive", "diff", url, home=built.home)  # defaults: the last change
    assert answer["from"]["time"] == iso(first) and answer["to"]["time"] == iso(
        built.times[url][-1])
    assert f"+{added}" in answer["diff"].splitlines()
    assert not answer["identical"]


def test_diff_of_identical_versions_is_empty(built: Built) -> None:
    answer = run_json("archive", "diff", REPORT, "--from", iso(built.times[REPORT][1]),
                      "--to", iso(built.times[REPORT][2]), home=built.home)
    assert answer["identical"] and answer["diff"] == ""


@pytest.mark.parametrize(("args", "code", "kind", "says"), [
    (("get", f"{SITE}/never.html"), 3, "unknown-url", "no capture of"),
    (("get", REPORT, "--at", "yesterday"), 2, "bad-time", "cannot read the time"),
    (("get", REPORT, "--at", "2025-13-01"), 2, "bad-time", "cannot read the time"),
    (("get", REPORT, "--at", "2024"), 3, "no-version", "first captured at"),
    (("history", f"{SITE}/never.html"), 3, "unknown-url", "no capture of"),
    (("diff", REPORT, "--from", "20250101", "--to", "nonsense"), 2, "bad-time", "nonsense"),
])
def test_errors_are_messages_and_exit_codes(built: Built, args: tuple[str, ...], code: int,
                                            kind: str, says: str) -> None:
    result = run("archive", *args, home=built.home)
    assert result.returncode == code
    assert says in result.stderr.decode() and "Traceback" not in result.stderr.decode()
    answer = json.loads(run("archive", *args, "--json", home=built.home).stdout)
    assert answer["error"]["kind"] == kind


def test_no_archive_is_an_error_and_creates_nothing(tmp_path: Path) -> None:
    result = run("archive", "history", REPORT, home=tmp_path / "empty")
    assert result.returncode == 3
    assert "no archive index" in result.stderr.decode()
    assert not (tmp_path / "empty").exists()


def test_export_cdxj_one_line_per_capture_and_distinct_same_second_lines(
        built: Built, tmp_path: Path) -> None:
    out = tmp_path / "index.cdxj"
    summary = run_json("archive", "export-cdxj", "-o", str(out), home=built.home)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert summary["lines"] == len(lines) == sum(len(t) for t in built.times.values())
    assert lines == sorted(lines, key=lambda line: line.encode())
    entries = []
    for line in lines:
        urlkey, timestamp, fields = line.split(" ", 2)
        entries.append((urlkey, timestamp, json.loads(fields)))
    report = [e for e in entries if e[2]["url"] == REPORT]
    assert [e[2]["mime"] for e in report].count("warc/revisit") == 2
    assert all(e[2]["digest"].startswith("sha256:") for e in report)
    pair = [e for e in entries if e[2]["url"] == SAME_SECOND]
    assert len(pair) == 2 and pair[0][:2] == pair[1][:2]  # CDXJ keys cannot tell them apart
    keys = {(e[0], e[1], e[2]["filename"], e[2]["offset"]) for e in pair}
    assert len(keys) == 2  # ...their lines can
    assert {e[2]["captured_at"] for e in pair} == {iso(t) for t in built.times[SAME_SECOND]}
    stdout = run("archive", "export-cdxj", home=built.home)
    assert stdout.stdout.decode().splitlines() == lines


def test_wacz_validates(built: Built, tmp_path: Path) -> None:
    out = tmp_path / "archive.wacz"
    summary = run_json("archive", "wacz", "-o", str(out), "--title", "test", home=built.home)
    assert summary["output"] == str(out) and summary["pages"] >= 3
    validate = subprocess.run([str(Path(sys.executable).with_name("wacz")), "validate", "-f",
                               str(out)], capture_output=True, text=True, timeout=120,
                              check=False)
    assert validate.returncode == 0, validate.stdout + validate.stderr
    assert "Validation succeeded" in validate.stdout


def plain_warcio_file(path: Path, url: str, bodies: list[tuple[datetime, bytes]]) -> None:
    """A WARC written by plain warcio (WARC/1.0, sha1 digests), as another tool makes them;
    the second capture is a revisit with the same payload."""
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "other"}))
        first_digest = None
        for when, body in bodies:
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")],
                                    protocol="HTTP/1.1")
            date = when.strftime("%Y-%m-%dT%H:%M:%SZ")
            if first_digest is not None and body == bodies[0][1]:
                record = writer.create_revisit_record(url, first_digest, url,
                                                      bodies[0][0].strftime("%Y-%m-%dT%H:%M:%SZ"),
                                                      http_headers=http)
                record.rec_headers.replace_header("WARC-Date", date)
            else:
                record = writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                   length=len(body), http_headers=http,
                                                   warc_headers_dict={"WARC-Date": date})
            writer.write_record(record)
            first_digest = first_digest or record.rec_headers.get_header("WARC-Payload-Digest")


def test_import_of_a_foreign_warc_is_retrievable_and_idempotent(tmp_path: Path) -> None:
    home = build_archive(tmp_path / "home").home
    url = f"{SITE}/imported.html"
    body = html("外来", "别处抓取的页面")
    times = [datetime(2024, 6, 1, 10, 0, 0), datetime(2024, 7, 1, 10, 0, 0)]
    source = tmp_path / "elsewhere.warc.gz"
    plain_warcio_file(source, url, [(times[0], body), (times[1], body)])
    first = run_json("archive", "import", str(source), home=home)["imports"][0]
    assert first["status"] == "imported" and first["added"] == 2
    assert (home / "archive" / first["file"]).read_bytes() == source.read_bytes()
    for when in times:
        result = run("archive", "get", url, "--at", iso(when), home=home)
        assert result.returncode == 0, result.stderr.decode()
        assert result.stdout == body
    versions = run_json("archive", "history", url, home=home)["versions"]
    assert [v["record_type"] for v in versions] == ["response", "revisit"]
    assert [v["changed"] for v in versions] == [True, False]
    again = run_json("archive", "import", str(source), home=home)["imports"][0]
    assert again["status"] == "already-imported" and again["added"] == 0
    copy = tmp_path / "renamed-copy.warc.gz"
    shutil.copyfile(source, copy)
    assert run_json("archive", "import", str(copy), home=home)["imports"][0]["status"] in (
        "already-imported", "nothing-new")
    assert len(run_json("archive", "history", url, home=home)["versions"]) == 2
    assert run("archive", "verify", home=home).returncode == 0


def test_import_refuses_a_damaged_or_uncompressed_file(tmp_path: Path) -> None:
    home = build_archive(tmp_path / "home").home
    before = sorted(p.name for p in (home / "archive").iterdir())
    source = tmp_path / "other.warc.gz"
    plain_warcio_file(source, f"{SITE}/x.html", [(datetime(2024, 1, 1), b"<html>x</html>")])
    data = bytearray(source.read_bytes())
    data[len(data) // 2 + 40] ^= 0x55
    damaged = tmp_path / "damaged.warc.gz"
    damaged.write_bytes(bytes(data))
    result = run("archive", "import", str(damaged), home=home)
    assert result.returncode == 4 and "damaged.warc.gz" in result.stderr.decode()
    plain = tmp_path / "plain.warc"
    plain.write_bytes(gzip.decompress(source.read_bytes()))
    result = run("archive", "import", str(plain), home=home)
    assert result.returncode == 4 and "warcio recompress" in result.stderr.decode()
    assert sorted(p.name for p in (home / "archive").iterdir()) == before
    assert run("archive", "verify", home=home).returncode == 0
