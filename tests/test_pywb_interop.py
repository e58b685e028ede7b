"""Our WARC files in pywb, the Webrecorder replay tool: pywb indexes them itself and replays
the same bytes `xxgk archive get` returns, and its TimeMaps list the same mementos as
`xxgk serve`.

pywb runs in its own virtualenv (deploy/pywb-venv.sh: it pins old dependencies, and it is
GPL, so it is only ever a separate process). What this test found, and pins down:

* ``id_`` replays the archived payload; pywb undoes Content-Encoding (gzip, deflate) unless
  the client accepts that encoding: with ``Accept-Encoding: gzip, deflate`` its bytes are
  `get`'s, without it they are `get --decoded`'s (and Content-Encoding is renamed
  X-Archive-Orig-Content-Encoding).
* A 304 revisit (server-not-modified) is replayed by pywb as an empty 304; `get` and
  `xxgk serve` give the payload it confirmed.
* pywb's own index of our files is `export-cdxj`'s, line for line, except that ours adds
  "captured_at" (microseconds) and keeps the HTTP status of revisits.
* Two captures in one second share pywb's URI-M; pywb's 14-digit lookup returns one of them
  by index order, `get --at TS14` the later one; only our 20-digit times tell them apart.
"""

from __future__ import annotations

import json
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from archive.read.retrieval import Retrieval
from archive.replay.memento import http_date
from archive.timespec import iso, timestamp14
from tests.archive_fixtures import (
    GZIPPED,
    REPORT,
    SAME_SECOND,
    Built,
    build_wide_archive,
    run,
    run_json,
)
from tests.memento_helpers import fetch, mementos, serving
from xxgk.base.home import Home

# pytest-timeout is a hang detector here, not a speed check: one `xxgk archive get` process per archived version (about 2.5 s each to start),
# which took over 600 s with two CPU hogs and other test runs on the 2 cores.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

SETUP = Path(__file__).resolve().parents[1] / "deploy" / "pywb-venv.sh"
COLLECTION = "coll"


@dataclass
class Pywb:
    base: str  # http://127.0.0.1:PORT/coll
    root: Path  # the folder wb-manager and wayback run in

    def replay(self, url: str, timestamp: str, accept_encoding: str = "identity"):  # type: ignore[no-untyped-def]
        return fetch(f"{self.base}/{timestamp}id_/{url}", Accept_Encoding=accept_encoding)


@pytest.fixture(scope="module")
def pywb_bin() -> Path:
    if not SETUP.exists():
        pytest.skip(f"{SETUP} is absent: no pywb to compare with")
    setup = subprocess.run([str(SETUP)], capture_output=True, text=True, timeout=1200,
                           check=False)
    assert setup.returncode == 0, f"deploy/pywb-venv.sh failed:\n{setup.stderr}"
    return Path(setup.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def wide(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_wide_archive(tmp_path_factory.mktemp("archive"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def pywb(pywb_bin: Path, wide: Built, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pywb]:
    root = tmp_path_factory.mktemp("pywb")
    warcs = sorted(str(p) for p in (wide.home / "archive").glob("*.warc.gz"))
    for args in (["init", COLLECTION], ["add", COLLECTION, *warcs]):
        done = subprocess.run([str(pywb_bin / "wb-manager"), *args], cwd=root,
                              capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stderr
    port = free_port()
    log = root / "wayback.log"
    with open(log, "wb") as output:
        process = subprocess.Popen([str(pywb_bin / "wayback"), "-b", "127.0.0.1", "-p",
                                    str(port)], cwd=root, stdout=output, stderr=output)
    peer = Pywb(f"http://127.0.0.1:{port}/{COLLECTION}", root)
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, f"wayback exited:\n{log.read_text()}"
            try:
                if fetch(f"{peer.base}/timemap/link/{REPORT}").status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, f"wayback did not answer:\n{log.read_text()}"
            time.sleep(0.5)
        yield peer
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def ours(wide: Built, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(wide.home, tmp_path_factory.mktemp("log") / "serve.log") as base:
        yield base


def get_bytes(built: Built, url: str, at: str, out: Path, *args: str) -> bytes:
    result = run("archive", "get", url, "--at", at, "-o", str(out), *args, home=built.home)
    assert result.returncode == 0, result.stderr.decode()
    return out.read_bytes()


def comparable(built: Built, url: str) -> list[int]:
    """Captures pywb can name as `get` does: a second of their own, not a 304."""
    seconds = [timestamp14(t) for t in built.times[url]]
    with Retrieval(Home(built.home)) as retrieval:
        statuses = [v.status for v in retrieval.history(url)]
    return [i for i, t in enumerate(seconds) if seconds.count(t) == 1 and statuses[i] != 304]


def test_pywb_replays_the_bytes_xxgk_archive_get_returns(pywb: Pywb, wide: Built,
                                                          tmp_path: Path) -> None:
    assert len(wide.bodies) >= 20
    compared, encoded, problems = set(), set(), []
    for url in wide.bodies:
        for index in comparable(wide, url):
            stamp = timestamp14(wide.times[url][index])
            out = tmp_path / "payload"
            raw = get_bytes(wide, url, stamp, out)
            # Accepting the archived encoding, pywb passes the bytes through untouched.
            passed = pywb.replay(url, stamp, accept_encoding="gzip, deflate")
            if passed.body != raw:
                problems.append(f"{url} @ {stamp}: pywb {len(passed.body)} bytes, "
                                f"get {len(raw)} bytes")
            if passed.header("Memento-Datetime") != http_date(wide.times[url][index]):
                problems.append(f"{url} @ {stamp}: Memento-Datetime "
                                f"{passed.header('Memento-Datetime')}")
            if passed.header("Content-Encoding"):
                # Not accepting it, pywb decodes: then its bytes are `get --decoded`'s.
                encoded.add(url)
                decoded = get_bytes(wide, url, stamp, out, "--decoded")
                plain = pywb.replay(url, stamp)
                assert decoded != raw
                if plain.body != decoded or plain.header("Content-Encoding"):
                    problems.append(f"{url} @ {stamp}: pywb's decoded body is not "
                                    "`get --decoded`'s")
                if plain.header("X-Archive-Orig-Content-Encoding") != \
                        passed.header("Content-Encoding"):
                    problems.append(f"{url} @ {stamp}: original Content-Encoding not kept")
            compared.add(url)
    assert not problems, "\n".join(problems)
    assert len(compared) >= 20
    assert len(encoded) >= 3  # gzip (two URLs) and deflate


def test_a_304_revisit_is_empty_in_pywb_but_the_confirmed_payload_for_us(
        pywb: Pywb, wide: Built, tmp_path: Path) -> None:
    when = wide.times[REPORT][3]
    theirs = pywb.replay(REPORT, timestamp14(when))
    assert theirs.status == 304 and theirs.body == b""
    ours = get_bytes(wide, REPORT, iso(when), tmp_path / "payload")
    assert ours == wide.bodies[REPORT][1]


def test_same_second_captures_share_a_uri_in_pywb(pywb: Pywb, ours: str, wide: Built,
                                                   tmp_path: Path) -> None:
    first, second = wide.times[SAME_SECOND]
    stamp = timestamp14(first)
    theirs = pywb.replay(SAME_SECOND, stamp).body
    assert theirs in wide.bodies[SAME_SECOND]  # one of the two, by index order
    assert get_bytes(wide, SAME_SECOND, stamp, tmp_path / "a") == wide.bodies[SAME_SECOND][1]
    for when, body in zip((first, second), wide.bodies[SAME_SECOND], strict=True):
        assert get_bytes(wide, SAME_SECOND, iso(when), tmp_path / "b") == body
    pywb_uris = [u for u, _ in mementos(fetch(f"{pywb.base}/timemap/link/{SAME_SECOND}")
                                        .body.decode())]
    our_uris = [u for u, _ in mementos(fetch(f"{ours}/timemap/link/{SAME_SECOND}")
                                       .body.decode())]
    assert len(set(pywb_uris)) == 1 and len(set(our_uris)) == 2


def test_timemaps_list_the_same_mementos(pywb: Pywb, ours: str, wide: Built) -> None:
    for url in wide.bodies:
        theirs = mementos(fetch(f"{pywb.base}/timemap/link/{url}").body.decode())
        mine = mementos(fetch(f"{ours}/timemap/link/{url}").body.decode())
        assert [d for _, d in theirs] == [d for _, d in mine] == [
            http_date(t) for t in wide.times[url]], url


def test_pywb_indexes_our_warcs_as_export_cdxj_does(pywb: Pywb, wide: Built,
                                                     tmp_path: Path) -> None:
    def entries(lines: list[str]) -> list[tuple[str, str, str]]:
        parsed = []
        for line in lines:
            key, stamp, fields = line.split(" ", 2)
            data = json.loads(fields)
            data.pop("captured_at", None)  # ours: the microseconds
            if data["mime"] == "warc/revisit":
                data.pop("status", None)  # ours keeps a revisit's status; pywb's has none
            parsed.append((key, stamp, json.dumps(data, sort_keys=True)))
        return sorted(parsed)

    out = tmp_path / "ours.cdxj"
    run_json("archive", "export-cdxj", "-o", str(out), home=wide.home)
    theirs = [line for path in (pywb.root / "collections" / COLLECTION / "indexes")
              .glob("*.cdxj") for line in path.read_text().splitlines() if line.strip()]
    assert entries(theirs) == entries(out.read_text().splitlines())
    assert any(GZIPPED in line for line in theirs)
