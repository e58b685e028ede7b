"""`xxgk serve`: Memento (RFC 7089) TimeGates, TimeMaps and mementos over real HTTP, for an
archive written by the real writer, checked against `xxgk archive get`."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from archive.replay.memento import BadRequest, accept_datetime, http_date, original_url, route
from archive.timespec import iso, timestamp14, timestamp20
from tests.archive_fixtures import (
    DOCX,
    GZIPPED,
    PDF,
    REPORT,
    SAME_SECOND,
    SITE,
    Built,
    build_archive,
    run,
)
from tests.memento_helpers import fetch, mementos, parse_links, serving

URLS = (REPORT, SAME_SECOND, GZIPPED, DOCX, PDF)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_archive(tmp_path_factory.mktemp("archive"))


@pytest.fixture(scope="module")
def server(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(built.home, tmp_path_factory.mktemp("log") / "serve.log") as base:
        yield base


def urim(base: str, when: datetime, url: str, *, exact: bool = False) -> str:
    return f"{base}/web/{timestamp20(when) if exact else timestamp14(when)}/{url}"


# --- TimeGate ---------------------------------------------------------------------------------

def test_timegate_without_accept_datetime_redirects_to_the_latest(server: str,
                                                                   built: Built) -> None:
    answer = fetch(f"{server}/timegate/{REPORT}")
    assert answer.status == 302
    assert answer.header("Location") == urim(server, built.times[REPORT][-1], REPORT)
    assert answer.header("Vary") == "accept-datetime"
    links = {params["rel"]: target for target, params in parse_links(answer.header("Link"))}
    assert links["original"] == REPORT
    assert links["timemap"].startswith(f"{server}/timemap/")


@pytest.mark.parametrize(("asked", "expected"), [
    ("Sat, 01 Mar 2025 09:00:00 GMT", 1),  # between captures: the one before
    ("Mon, 10 Feb 2025 08:00:00 GMT", 1),  # the very second of a capture: that capture
    ("Mon, 10 Feb 2025 07:59:59 GMT", 0),
    ("Mon, 01 Jan 2024 00:00:00 GMT", 0),  # before the first: the first
    ("Wed, 01 Jan 2031 00:00:00 GMT", 3),
])
def test_timegate_picks_the_memento_at_or_before_accept_datetime(
        server: str, built: Built, asked: str, expected: int) -> None:
    answer = fetch(f"{server}/timegate/{REPORT}", Accept_Datetime=asked)
    assert answer.status == 302
    assert answer.header("Location") == urim(server, built.times[REPORT][expected], REPORT)


def test_timegate_in_a_shared_second_names_the_capture_exactly(server: str,
                                                               built: Built) -> None:
    second = built.times[SAME_SECOND][1]
    answer = fetch(f"{server}/timegate/{SAME_SECOND}", Accept_Datetime=http_date(second))
    assert answer.header("Location") == urim(server, second, SAME_SECOND, exact=True)


def test_timegate_rejects_a_bad_accept_datetime(server: str) -> None:
    answer = fetch(f"{server}/timegate/{REPORT}", Accept_Datetime="2025-03-01")
    assert answer.status == 400
    assert b"Accept-Datetime" in answer.body


# --- TimeMaps ---------------------------------------------------------------------------------

@pytest.mark.parametrize("url", URLS)
def test_link_timemap_lists_every_capture(server: str, built: Built, url: str) -> None:
    answer = fetch(f"{server}/timemap/link/{url}")
    assert answer.status == 200
    assert answer.header("Content-Type") == "application/link-format"
    text = answer.body.decode()
    listed = mementos(text)
    assert [d for _, d in listed] == [http_date(t) for t in built.times[url]]
    assert len({uri for uri, _ in listed}) == len(listed)  # each capture its own URI-M
    rels = {params["rel"]: target for target, params in parse_links(text)}
    assert rels["original"] == url and rels["timegate"] == f"{server}/timegate/{url}"
    assert rels["self"] == f"{server}/timemap/link/{url}"
    assert parse_links(text)[3][1]["rel"].split()[0] == "first"
    assert parse_links(text)[-1][1]["rel"].split()[0] == "last"


def test_same_second_captures_get_20_digit_uris(server: str, built: Built) -> None:
    first, second = built.times[SAME_SECOND]
    listed = mementos(fetch(f"{server}/timemap/link/{SAME_SECOND}").body.decode())
    assert [uri for uri, _ in listed] == [urim(server, first, SAME_SECOND, exact=True),
                                          urim(server, second, SAME_SECOND, exact=True)]
    assert listed[0][1] == listed[1][1]  # Memento-Datetime has whole seconds only
    # The 14-digit URI is the whole second: it redirects to the latest capture in it.
    coarse = fetch(urim(server, first, SAME_SECOND))
    assert coarse.status == 302
    assert coarse.header("Location") == listed[1][0]


@pytest.mark.parametrize("url", URLS)
def test_json_timemap_lists_every_capture_with_exact_times(server: str, built: Built,
                                                           url: str) -> None:
    answer = fetch(f"{server}/timemap/json/{url}")
    assert answer.status == 200 and answer.header("Content-Type") == "application/json"
    data = json.loads(answer.body)
    listed = data["mementos"]["list"]
    assert [m["time"] for m in listed] == [iso(t) for t in built.times[url]]
    assert [m["timestamp"] for m in listed] == [timestamp20(t) for t in built.times[url]]
    assert data["original_uri"] == url
    assert data["mementos"]["first"] == listed[0] and data["mementos"]["last"] == listed[-1]
    link_uris = [uri for uri, _ in mementos(fetch(f"{server}/timemap/link/{url}")
                                            .body.decode())]
    assert [m["uri"] for m in listed] == link_uris


# --- mementos ---------------------------------------------------------------------------------

def test_memento_headers(server: str, built: Built) -> None:
    times = built.times[REPORT]
    answer = fetch(urim(server, times[1], REPORT))
    assert answer.status == 200
    assert answer.header("Memento-Datetime") == http_date(times[1])
    assert answer.header("Content-Type") == "text/html; charset=utf-8"
    assert answer.header("X-Archive-Orig-Server") == "portal"
    links = parse_links(answer.header("Link"))
    by_rel = {params["rel"]: (target, params) for target, params in links}
    assert by_rel["original"][0] == REPORT
    assert by_rel["timegate"][0] == f"{server}/timegate/{REPORT}"
    assert {p.get("type") for t, p in links if p["rel"] == "timemap"} == {
        "application/link-format", "application/json"}
    # The second of four: the first is also the previous one.
    assert by_rel["first prev memento"][0] == urim(server, times[0], REPORT)
    assert by_rel["next memento"] == (urim(server, times[2], REPORT),
                                      {"rel": "next memento", "datetime": http_date(times[2])})
    assert by_rel["last memento"][0] == urim(server, times[3], REPORT)


def test_archived_html_is_sandboxed(server: str, built: Built) -> None:
    page = fetch(urim(server, built.times[REPORT][0], REPORT))
    assert b"<script>" in page.body  # served as archived...
    policy = page.header("Content-Security-Policy")
    assert policy is not None and policy.startswith("sandbox")  # ...but it cannot run here
    assert "default-src 'none'" in policy and "script-src" not in policy
    assert page.header("X-Content-Type-Options") == "nosniff"
    pdf = fetch(urim(server, built.times[PDF][0], PDF))
    assert pdf.header("Content-Type") == "application/pdf"
    assert pdf.header("X-Content-Type-Options") == "nosniff"


@pytest.mark.parametrize("url", URLS)
def test_payloads_match_xxgk_archive_get(server: str, built: Built, url: str,
                                         tmp_path: Path) -> None:
    uris = [uri for uri, _ in mementos(fetch(f"{server}/timemap/link/{url}").body.decode())]
    for index, (when, uri) in enumerate(zip(built.times[url], uris, strict=True)):
        raw, decoded = tmp_path / f"{index}.raw", tmp_path / f"{index}.decoded"
        for args, out in (((), raw), (("--decoded",), decoded)):
            result = run("archive", "get", url, "--at", iso(when), "-o", str(out), *args,
                         home=built.home)
            assert result.returncode == 0, result.stderr.decode()
        served = fetch(uri)
        assert served.status == 200, uri
        assert served.body == decoded.read_bytes(), uri
        assert served.header("Content-Length") == str(len(served.body))
        assert served.header("Content-Encoding") is None
        exact = fetch(re.sub(r"/web/(\d+)/", r"/web/\1id_/", uri, count=1))
        assert exact.status == 200 and exact.body == raw.read_bytes(), uri


def test_gzip_is_decoded_when_served_and_kept_under_id(server: str, built: Built) -> None:
    when = built.times[GZIPPED][1]
    served = fetch(urim(server, when, GZIPPED))
    assert served.body == gzip.decompress(built.bodies[GZIPPED][1])
    assert served.header("X-Archive-Orig-Content-Encoding") == "gzip"
    exact = fetch(f"{server}/web/{timestamp14(when)}id_/{GZIPPED}")
    assert exact.body == built.bodies[GZIPPED][1] and exact.body[:2] == b"\x1f\x8b"
    assert exact.header("Content-Encoding") == "gzip"


def test_a_304_revisit_serves_the_payload_it_confirmed(server: str, built: Built) -> None:
    when = built.times[REPORT][3]
    served = fetch(urim(server, when, REPORT))
    assert served.status == 200
    assert served.body == built.bodies[REPORT][1]
    assert served.header("Memento-Datetime") == http_date(when)
    assert "next memento" not in served.header("Link")


@pytest.mark.parametrize(("timestamp", "expected"), [
    ("2025", 3),  # the whole year: the latest of it
    ("20250215", 1),  # a day between captures: the one before
    ("20240101000000", 0),  # before the first capture: the first
    ("20250110080000123456", 0),  # 20 digits where 14 name the capture: the 14-digit URI
])
def test_other_timestamps_redirect_to_the_memento_uri(server: str, built: Built,
                                                      timestamp: str, expected: int) -> None:
    answer = fetch(f"{server}/web/{timestamp}/{REPORT}")
    assert answer.status == 302
    assert answer.header("Location") == urim(server, built.times[REPORT][expected], REPORT)


def test_web_without_timestamp_redirects_to_the_latest(server: str, built: Built) -> None:
    answer = fetch(f"{server}/web/{PDF}")
    assert answer.status == 302
    assert answer.header("Location") == urim(server, built.times[PDF][-1], PDF)


def test_head_has_the_headers_without_the_body(server: str, built: Built) -> None:
    uri = urim(server, built.times[PDF][0], PDF)
    head, get = fetch(uri, "HEAD"), fetch(uri)
    assert head.status == 200 and head.body == b""
    assert head.header("Content-Length") == str(len(get.body))
    assert head.header("Memento-Datetime") == get.header("Memento-Datetime")


# --- errors -----------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [
    f"/timegate/{SITE}/never.html", f"/timemap/link/{SITE}/never.html",
    f"/timemap/json/{SITE}/never.html", f"/web/20250101000000/{SITE}/never.html",
    "/no/such/page",
])
def test_unknown_urls_are_404(server: str, path: str) -> None:
    answer = fetch(server + path)
    assert answer.status == 404
    assert answer.header("Content-Type").startswith("text/plain")


@pytest.mark.parametrize("timestamp", ["2025x", "123", "20251301000000", "2025-01-01",
                                       "202501010000001234567"])
def test_bad_timestamps_are_400(server: str, timestamp: str) -> None:
    answer = fetch(f"{server}/web/{timestamp}/{REPORT}")
    assert answer.status == 400
    assert b"timestamp" in answer.body or b"time" in answer.body


def test_serve_without_an_archive_exits_3(tmp_path: Path) -> None:
    result = run("serve", "--port", "0", home=tmp_path / "empty", timeout=30)
    assert result.returncode == 3
    assert "no archive index" in result.stderr.decode()
    assert not (tmp_path / "empty").exists()


# --- the pure parts, without a socket ----------------------------------------------------------

def test_routes() -> None:
    assert route(f"/web/20250101120000id_/{REPORT}?a=1").raw
    memento = route(f"/web/20250101120000/{REPORT}?a=1&b=2")
    assert (memento.kind, memento.url, memento.timestamp) == (
        "memento", f"{REPORT}?a=1&b=2", "20250101120000")
    assert route("/timemap/json/http%3A%2F%2Fx.gov.cn%2Fa.html").url == "http://x.gov.cn/a.html"
    assert route("/timegate/http:/x.gov.cn/a.html").url == "http://x.gov.cn/a.html"
    with pytest.raises(BadRequest):
        route(f"/web/abc/{REPORT}")


def test_accept_datetime_covers_its_second() -> None:
    assert accept_datetime("Mon, 10 Feb 2025 08:00:00 GMT") == datetime(2025, 2, 10, 8, 0, 0,
                                                                        999999)
    assert accept_datetime(None) is None
    with pytest.raises(BadRequest):
        accept_datetime("yesterday")
    assert original_url("https://x.gov.cn/") == "https://x.gov.cn/"
