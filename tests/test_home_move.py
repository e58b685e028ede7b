"""A data home moved to another path (`mv`) reads its own archive and nothing else: every read
command, the Memento server, the parsers and a further, incremental crawl work there. An
index written before migration 0005 (absolute locations) is read from a copy's own files and
made relative by the migration. Backup and restore to another path as docs/operations.md
says, with SQLite and with PostgreSQL."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from alembic import command

from tests.archive_fixtures import REPORT, Built, build_archive
from tests.conftest import ProxyClient
from tests.memento_helpers import fetch, serving
from tests.pgdb import throwaway_database
from tests.portalsim.server import RunningSimulator
from tests.portalsim.truth import truth
from tests.portalsim.world import DEFAULT_AS_OF
from xxgk.base.db import alembic_config, make_engine
from xxgk.base.home import Home

SITE = "hongze"  # a generic-CMS portal: no browser, about 180 requests on the calm simulator
CRAWL = ("crawl", SITE, "--last-year", "2024", "-s", "DOWNLOAD_DELAY=0.02",
         "-s", "LOG_LEVEL=WARNING")
SAMPLE_TYPES = ("text/html", "application/pdf",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document")


def xxgk(home: Path, *args: str, timeout: float = 900,
         env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """The real command line, its home from $XXGK_HOME as a service gets it, started in
    another folder: nothing may depend on the working directory."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("XXGK_", "AWS_"))}
    environ.update({"XXGK_HOME": str(home), **(env or {})})
    return subprocess.run([sys.executable, "-m", "xxgk", *args], capture_output=True,
                          env=environ, cwd="/", timeout=timeout, check=False)


def answer(result: subprocess.CompletedProcess[bytes]) -> dict:
    assert result.returncode == 0, (result.stdout[-2000:] + result.stderr[-3000:]).decode()
    return json.loads(result.stdout)


def query(home: Path, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(Home(home).database_path, timeout=30) as db:
        return db.execute(sql, params).fetchall()


def locations(home: Path) -> list[str]:
    return [location for (location,) in query(home, "select location from warc_files")]


def verified(home: Path, env: dict[str, str] | None = None) -> dict:
    """`xxgk archive verify --json`, which must find nothing wrong and nothing outside."""
    report = answer(xxgk(home, "archive", "verify", "--json", env=env))
    assert report["ok"] and report["problems"] == [], report["problems"][:5]
    assert not [w for w in report["warnings"] if w["kind"] == "outside-home"]
    return report


@dataclass
class MovedHome:
    home: Path  # where it is now
    old: Path  # where it was crawled and indexed (gone)
    sim: RunningSimulator
    reports: set[str]  # the site's report URLs (pages and attachments)
    before: dict[str, bytes]  # URL -> what `xxgk archive get` gave before the move
    indexed: dict  # the first `xxgk index --json`


@pytest.fixture(scope="module")
def moved(tmp_path_factory: pytest.TempPathFactory, world) -> Iterator[MovedHome]:
    """One real crawl of one portal and its index, then `mv` of the whole home."""
    from tests.conftest import _running

    sim = _running(world, calm=True)
    try:
        old = tmp_path_factory.mktemp("crawled") / "xxgk-data"
        crawled = xxgk(old, *CRAWL, "--proxy", sim.proxy)
        assert crawled.returncode == 0, crawled.stderr[-3000:].decode()
        indexed = answer(xxgk(old, "index", "--json"))
        reports = {u["url"] for r in truth(world, DEFAULT_AS_OF, 0.05)["reports"]
                   if r["portal"] == SITE and r["status"] == "published" for u in r["urls"]}
        samples = [next(url for (url,) in query(
            old, "select url from captures where record_type = 'response' and status = 200 "
                 "and mime = ? order by id", mime) if url in reports) for mime in SAMPLE_TYPES]
        before = {url: xxgk(old, "archive", "get", url).stdout for url in samples}
        home = tmp_path_factory.mktemp("moved") / "another-home"
        subprocess.run(["mv", str(old), str(home)], check=True)
        yield MovedHome(home, old, sim, reports, before, indexed)
    finally:
        sim.stop()


def test_verify_passes_in_the_new_place(moved: MovedHome) -> None:
    assert not moved.old.exists()
    assert locations(moved.home) and not [x for x in locations(moved.home)
                                          if x.startswith("/")]
    report = verified(moved.home)
    assert report["files"] == 1 and report["records"] > 300


def test_get_gives_the_archived_bytes(moved: MovedHome) -> None:
    for url, body in moved.before.items():
        got = xxgk(moved.home, "archive", "get", url)
        assert got.returncode == 0, got.stderr.decode()
        assert got.stdout == body and body, url
        (version,) = answer(xxgk(moved.home, "archive", "history", url, "--json"))["versions"]
        assert hashlib.sha256(got.stdout).hexdigest() == version["digest"]


def test_history_lists_the_capture(moved: MovedHome) -> None:
    url = next(iter(moved.before))
    versions = answer(xxgk(moved.home, "archive", "history", url, "--json"))["versions"]
    assert [(v["record_type"], v["status"], v["changed"]) for v in versions] == [
        ("response", 200, True)]


def test_the_memento_server_replays_from_the_new_place(moved: MovedHome,
                                                       tmp_path: Path) -> None:
    with serving(moved.home, tmp_path / "serve.log") as server:
        for url, body in moved.before.items():
            (version,) = answer(xxgk(moved.home, "archive", "history", url, "--json"))[
                "versions"]
            second = version["timestamp"][:14]  # Memento's resolution
            memento = fetch(f"{server}/web/{second}id_/{url}")
            assert memento.status == 200 and memento.body == body, url


def test_the_wacz_packs_the_moved_files(moved: MovedHome, tmp_path: Path) -> None:
    answer(xxgk(moved.home, "archive", "wacz", "-o", str(tmp_path / "home.wacz"), "--json"))
    ((name,),) = query(moved.home, "select name from warc_files")
    with zipfile.ZipFile(tmp_path / "home.wacz") as wacz:
        packed = wacz.read(f"archive/{name}")
    assert packed == (moved.home / "archive" / name).read_bytes()


def test_index_and_reindex_read_the_moved_archive(moved: MovedHome) -> None:
    again = answer(xxgk(moved.home, "index", "--json"))
    assert again["documents"] == 0  # parsed before the move: nothing new
    rebuilt = answer(xxgk(moved.home, "reindex", "--all", "--json"))
    first = moved.indexed
    assert rebuilt["documents"] == first["documents"] > 100
    assert (rebuilt["reports"], rebuilt["failed"]) == (first["reports"], first["failed"])
    assert rebuilt["reports"] > 50


@dataclass
class Recrawl:
    log: list[dict]  # what the simulator saw during the second crawl
    runs: list[tuple]


@pytest.fixture(scope="module")
def recrawled(moved: MovedHome) -> Recrawl:
    """The same site again, into the moved home, at the same date: incremental."""
    client = ProxyClient(moved.sim.port)
    start = len(client.control("log"))
    result = xxgk(moved.home, *CRAWL, "--proxy", moved.sim.proxy)
    assert result.returncode == 0, result.stderr[-3000:].decode()
    runs = query(moved.home, "select id, state, new_payloads, revisits, "
                             "new_documents, changed_documents, unchanged_documents "
                             "from crawl_runs order by id")
    return Recrawl(client.control("log")[start:], runs)


def test_a_recrawl_uses_the_archived_validators(moved: MovedHome, recrawled: Recrawl) -> None:
    """Every archived report is asked for with its validators and answered 304, and its
    archived copy is read from the moved home (an unreadable one would be asked for again
    without validators, and answered 200): none is downloaded or stored again."""
    first, second = recrawled.runs
    run, state, new_payloads, revisits, *documents = second
    assert state == "finished"
    reports = [e for e in recrawled.log if e["method"] == "GET"
               and f"http://{e['host']}{e['path']}" in moved.reports]
    assert len(reports) > 50
    assert all(e["status"] == 304 and e["conditional"] for e in reports), [
        (e["path"], e["status"]) for e in reports if e["status"] != 304][:5]
    answered = query(moved.home, "select url, record_type, status from captures where "
                                 "crawl_run_id = ? and record_type in ('response', 'revisit')",
                     run)
    assert {(kind, status) for url, kind, status in answered if url in moved.reports} == {
        ("revisit", 304)}
    assert new_payloads == 0 and revisits >= len(reports)
    assert documents == [0, 0, first[4]]  # new, changed, unchanged: every one unchanged


def test_diff_reads_both_crawls(moved: MovedHome, recrawled: Recrawl) -> None:
    url = list(moved.before)[SAMPLE_TYPES.index("application/pdf")]
    versions = answer(xxgk(moved.home, "archive", "history", url, "--json"))["versions"]
    assert [v["status"] for v in versions] == [200, 304]
    diff = answer(xxgk(moved.home, "archive", "diff", url, "--from", versions[0]["time"],
                       "--to", versions[1]["time"], "--json"))
    assert diff["identical"] and diff["to"]["record_type"] == "revisit"


def test_verify_after_the_recrawl(moved: MovedHome, recrawled: Recrawl) -> None:
    report = verified(moved.home)
    assert report["files"] == 2
    assert not [x for x in locations(moved.home) if x.startswith("/")]


# --- an index from before migration 0005 ----------------------------------------------------

def absolute_index(root: Path) -> Built:
    """An archive as versions up to 0004 left it: the database at revision 0004, every
    location the file's absolute path."""
    built = build_archive(root)
    engine = make_engine(Home(root).database_url)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0004")
    engine.dispose()
    assert locations(root) == [str(root / "archive" / name)
                               for (name,) in query(root, "select name from warc_files")]
    return built


def test_an_old_index_reads_the_copy_and_is_migrated(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XXGK_DATABASE_URL", raising=False)
    old = tmp_path / "old-home"
    built = absolute_index(old)
    copy = tmp_path / "copy" / "home"
    shutil.copytree(old, copy)
    for warc in (old / "archive").iterdir():  # the old place still exists, but is damaged
        warc.write_bytes(b"")
    before = locations(copy)
    # Read-only commands do not migrate: the rows still name the old place.
    verified(copy)
    got = xxgk(copy, "archive", "get", REPORT)
    assert got.returncode == 0 and got.stdout == built.bodies[REPORT][-1]
    assert locations(copy) == before
    # A command that migrates (here `xxgk index`) makes them relative.
    answer(xxgk(copy, "index", "--json"))
    assert locations(copy) == [Path(x).name for x in before]
    verified(copy)
    assert xxgk(copy, "archive", "get", REPORT).stdout == built.bodies[REPORT][-1]


def test_a_location_outside_the_home_is_never_read_silently(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    monkeypatch.delenv("XXGK_DATABASE_URL", raising=False)
    home = tmp_path / "home"
    built = build_archive(home)
    ((name,),) = query(home, "select name from warc_files")
    elsewhere = tmp_path / "elsewhere" / name
    elsewhere.parent.mkdir()
    shutil.move(home / "archive" / name, elsewhere)

    def located(location: str) -> None:
        with sqlite3.connect(Home(home).database_path) as db:
            db.execute("update warc_files set location = ?", (location,))

    # An absolute row that could not be made relative: read while the file is there, with a
    # warning that it does not move with the home.
    located(str(elsewhere))
    report = answer(xxgk(home, "archive", "verify", "--json"))
    assert report["ok"] and [w["kind"] for w in report["warnings"]] == ["outside-home"]
    assert str(elsewhere) in report["warnings"][0]["detail"]
    assert xxgk(home, "archive", "get", REPORT).stdout == built.bodies[REPORT][-1]
    # Relative locations stay inside the archive folder; a lost file is named.
    for location, said in ((f"../elsewhere/{name}", "leads outside"),
                           (f"/gone/archive-not/{name}", "no such file")):
        located(location)
        got = xxgk(home, "archive", "get", REPORT)
        assert got.returncode == 4, got.stderr.decode()
        assert location in got.stderr.decode() and said in got.stderr.decode()
        failed = xxgk(home, "archive", "verify", "--json")
        assert failed.returncode == 1
        assert [p["kind"] for p in json.loads(failed.stdout)["problems"]] == ["missing-file"]


# --- backup and restore (docs/operations.md) ------------------------------------------------

def libpq(url: str) -> str:
    """A SQLAlchemy URL as pg_dump and pg_restore take it."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def back_up(home: Path, backup: Path, database: str | None) -> None:
    """The database first (pg_dump, or SQLite's online backup), then the archive."""
    if database is not None:
        subprocess.run(["pg_dump", "-Fc", "-f", str(backup / "xxgk.dump"), libpq(database)],
                       check=True)
    else:
        subprocess.run(["sqlite3", str(home / "xxgk.sqlite3"),
                        f".backup '{backup / 'xxgk.sqlite3'}'"], check=True)
    subprocess.run(["rsync", "-a", "--ignore-existing", "--exclude", "*.open",
                    f"{home}/archive/", f"{backup}/archive/"], check=True)


def restore(backup: Path, home: Path, database: str | None) -> None:
    """Into another home (and another PostgreSQL database) than the one backed up."""
    subprocess.run(["install", "-d", str(home), str(home / "archive")], check=True)
    if database is not None:
        subprocess.run(["pg_restore", "--clean", "--if-exists", "-d", libpq(database),
                        str(backup / "xxgk.dump")], check=True)
    else:
        shutil.copyfile(backup / "xxgk.sqlite3", home / "xxgk.sqlite3")
    subprocess.run(["rsync", "-a", f"{backup}/archive/", f"{home}/archive/"], check=True)


@contextmanager
def databases(kind: str) -> Iterator[tuple[str | None, str | None]]:
    """(backed up, restored into): two PostgreSQL databases, or SQLite files in the homes."""
    if kind == "sqlite":
        yield None, None
        return
    with throwaway_database("xxgk_backup") as source, \
            throwaway_database("xxgk_restore") as target:
        yield source, target


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_backup_restored_to_another_path_verifies(kind: str, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    home, backup, restored = tmp_path / "var-lib-xxgk", tmp_path / "backup", tmp_path / "srv"
    backup.mkdir()
    with databases(kind) as (source, target):
        if source is not None:
            monkeypatch.setenv("XXGK_DATABASE_URL", source)
        else:
            monkeypatch.delenv("XXGK_DATABASE_URL", raising=False)
        built = build_archive(home)
        back_up(home, backup, source)
        shutil.rmtree(home)  # the disk is lost
        restore(backup, restored, target)
        env = {"XXGK_DATABASE_URL": target} if target is not None else None
        verified(restored, env)
        got = xxgk(restored, "archive", "get", REPORT, env=env)
        assert got.returncode == 0 and got.stdout == built.bodies[REPORT][-1]
