"""`xxgk archive verify`: passes on an archive as written, and names the file and record after
the damage archives really suffer (a flipped bit, a cut file, a stray or lost file)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from archive.models import Capture, WarcFile
from tests.archive_fixtures import REPORT, Built, build_archive, run, run_json
from xxgk.base.db import make_engine, session_factory
from xxgk.base.home import Home


@pytest.fixture
def built(tmp_path: Path) -> Built:
    return build_archive(tmp_path / "home")


def index_rows(home: Path) -> tuple[WarcFile, list[Capture]]:
    engine = make_engine(Home(home).database_url)
    with session_factory(engine)() as session:
        warc_file = session.scalars(select(WarcFile)).one()
        captures = list(session.scalars(select(Capture).order_by(Capture.offset)))
    engine.dispose()
    return warc_file, captures


def verify(home: Path) -> tuple[int, dict]:
    import json

    result = run("archive", "verify", "--json", home=home)
    return result.returncode, json.loads(result.stdout)


def test_a_good_archive_passes(built: Built) -> None:
    answer = run_json("archive", "verify", home=built.home)
    warc_file, captures = index_rows(built.home)
    assert answer["ok"] is True and answer["problems"] == []
    assert answer["files"] == 1 and answer["records"] == len(captures)
    assert answer["bytes"] == warc_file.size
    people = run("archive", "verify", home=built.home)
    assert people.returncode == 0 and "OK" in people.stderr.decode()


def test_a_flipped_byte_is_found_and_named(built: Built) -> None:
    warc_file, captures = index_rows(built.home)
    target = next(c for c in captures if c.url == REPORT and c.record_type == "response")
    path = Home(built.home).archive_dir / warc_file.location
    data = bytearray(path.read_bytes())
    data[target.offset + target.length // 2] ^= 0x01
    path.write_bytes(bytes(data))
    code, answer = verify(built.home)
    assert code == 1 and answer["ok"] is False
    kinds = {p["kind"] for p in answer["problems"]}
    assert "file-sha256" in kinds
    damaged = [p for p in answer["problems"] if p["kind"] == "record"]
    assert [p["record_id"] for p in damaged] == [target.warc_record_id]
    assert damaged[0]["file"] == warc_file.name and damaged[0]["offset"] == target.offset
    assert damaged[0]["url"] == REPORT
    # Every other record was still checked: the walk restarted after the damaged one.
    assert answer["records"] == len(captures) - 1
    people = run("archive", "verify", home=built.home)
    assert people.returncode == 1 and target.warc_record_id in people.stderr.decode()
    # And retrieval refuses the damaged payload instead of returning wrong bytes.
    get = run("archive", "get", REPORT, "--at", "2025-01-10T08:00:00.123456Z",
              home=built.home)
    assert get.returncode == 4 and "Traceback" not in get.stderr.decode()


def test_a_truncated_gzip_member_is_found(built: Built) -> None:
    warc_file, captures = index_rows(built.home)
    last = captures[-1]
    path = Home(built.home).archive_dir / warc_file.location
    with open(path, "r+b") as fh:
        fh.truncate(last.offset + last.length // 2)
    code, answer = verify(built.home)
    assert code == 1
    by_kind = {p["kind"]: p for p in answer["problems"]}
    assert {"file-size", "file-sha256", "record"} <= set(by_kind)
    assert by_kind["record"]["record_id"] == last.warc_record_id
    assert "cut short" in by_kind["record"]["detail"]


def test_a_member_cut_in_the_middle_of_the_file_is_found(built: Built) -> None:
    warc_file, captures = index_rows(built.home)
    middle = captures[len(captures) // 2]
    path = Home(built.home).archive_dir / warc_file.location
    data = path.read_bytes()
    end = middle.offset + middle.length
    path.write_bytes(data[:end - 10] + data[end:])  # ten bytes of one member lost
    code, answer = verify(built.home)
    assert code == 1
    named = {p["record_id"] for p in answer["problems"] if p["kind"] in ("record", "index")}
    assert middle.warc_record_id in named
    # The records after it no longer start where the index says.
    assert captures[-1].warc_record_id in named


def test_stray_and_missing_files_are_reported(built: Built) -> None:
    warc_file, _ = index_rows(built.home)
    path = Home(built.home).archive_dir / warc_file.location
    stray = path.with_name("stray-20250101.warc.gz")
    shutil.copyfile(path, stray)
    code, answer = verify(built.home)
    assert code == 1
    assert [p["file"] for p in answer["problems"] if p["kind"] == "unknown-file"] == [stray.name]
    stray.unlink()
    path.unlink()
    code, answer = verify(built.home)
    assert code == 1
    assert [p["kind"] for p in answer["problems"]] == ["missing-file"]
    assert answer["problems"][0]["file"] == warc_file.name
