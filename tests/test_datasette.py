"""`xxgk datasette`: the reports database in Datasette, read-only, with the metadata shipped
in the package (every report column described, operational tables hidden, canned queries).

The server is the real command in a real process on a free port, over a small real archive
(tests/test_data_contract.py's: four seed reports, one revised in place).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml
from sqlalchemy import inspect

import crawler.models  # noqa: F401 - every table of the shared database
import scheduler.models  # noqa: F401
from parsers.database.datasette.metadata import (
    DATABASE,
    METADATA_FILE,
    OPERATIONAL,
    QUERIES,
    build_metadata,
)
from parsers.database.dictionary import REPORT_TABLES, field
from tests.archive_fixtures import XXGK, run
from tests.test_data_contract import FEES, build_home
from xxgk.base.db import Base, make_engine
from xxgk.base.home import Home

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT_S = 60


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Home:
    with pytest.MonkeyPatch.context() as env:
        env.delenv("XXGK_DATABASE_URL", raising=False)
        return build_home(tmp_path_factory.mktemp("datasette"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture(scope="module")
def served(home: Home) -> Iterator[int]:
    """`xxgk datasette --home H --port P` running; its port. Stopped afterwards."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("XXGK_")}
    process = subprocess.Popen([str(XXGK), "datasette", "--home", str(home.root), "--port",
                                str(port), "--host", "127.0.0.1"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            assert process.poll() is None, process.communicate()[1].decode()
            try:
                if _get(port, "/-/versions.json")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "Datasette did not start"
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def _rows(port: int, query: str) -> list[dict]:
    status, body = _get(port, f"/{DATABASE}/{query}.json?_shape=array")
    assert status == 200, body[:500]
    return json.loads(body)


def test_canned_queries_answer_with_integers(served: int) -> None:
    applications = _rows(served, "applications_per_organisation_and_year")
    revised = next(r for r in applications if r["organisation"] == "大张楼镇人民政府")
    assert revised["received"] == 0 and revised["year"] == 2022
    assert all(type(r[k]) is int for r in applications for k in ("received", "granted")
               if r[k] is not None)
    failing = _rows(served, "reports_failing_a_check")
    assert {r["check_name"] for r in failing if r["organisation"] == "大张楼镇人民政府"} >= {
        "applications.row_total.new_received", "applications.balance.natural_person"}
    assert [(r["organisation"], r["versions"], r["values_changed"])
            for r in _rows(served, "revised_reports")] == [("大张楼镇人民政府", 2, 2)]
    missing = _rows(served, "organisations_without_a_report_for_a_year")
    assert ("大张楼镇人民政府", 2020) in {(r["organisation"], r["missing_year"]) for r in missing}


def test_tables_give_counts_as_integers_and_amounts_as_numbers(served: int) -> None:
    status, body = _get(served, f"/{DATABASE}/report_active.json?_shape=array"
                                f"&organisation={quote('大张楼镇人民政府')}")
    assert status == 200, body[:300]
    (row,) = json.loads(body)
    assert type(row["rules__issued"]) is int and row["fees__amount_10k_yuan"] == float(FEES)


def test_operational_tables_are_hidden_and_report_tables_described(served: int) -> None:
    status, body = _get(served, f"/{DATABASE}.json")
    assert status == 200
    hidden = {t["name"]: t["hidden"] for t in json.loads(body)["tables"]}
    assert hidden["crawl_runs"] and hidden["captures"] and hidden["alembic_version"]
    assert not hidden["cells"] and not hidden["reports"]
    index = _get(served, "/")[1].decode()
    assert "crawl_runs" not in index and "captures" not in index
    page = _get(served, f"/{DATABASE}/cells")[1].decode()
    assert field("cells", "value").description in page


def test_a_postgresql_home_is_refused_with_a_reason(tmp_path: Path) -> None:
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("XXGK_")},
           "XXGK_DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:5432/xxgk"}
    result = subprocess.run([str(XXGK), "datasette", "--home", str(tmp_path)], env=env,
                            capture_output=True, timeout=60, check=False)
    assert result.returncode == 2
    assert "Datasette reads SQLite" in result.stderr.decode()


def test_a_home_without_a_database_is_not_found(tmp_path: Path) -> None:
    assert run("datasette", home=tmp_path).returncode == 3


# --- the metadata ---------------------------------------------------------------------------


def test_the_shipped_metadata_is_current() -> None:
    """metadata.yml is generated: `.venv/bin/python -m parsers.database.datasette.metadata`."""
    assert yaml.safe_load(METADATA_FILE.read_text(encoding="utf-8")) == build_metadata()
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"]
    assert "database/datasette/metadata.yml" in package_data["parsers"]
    assert set(QUERIES) >= {"reports_failing_a_check", "applications_per_organisation_and_year",
                            "revised_reports", "organisations_without_a_report_for_a_year"}


def test_every_column_of_the_report_tables_is_described(home: Home) -> None:
    engine = make_engine(home.database_url)
    tables = build_metadata()["databases"][DATABASE]["tables"]
    for table in REPORT_TABLES:
        columns = {c["name"] for c in inspect(engine).get_columns(table)}
        described = tables[table]["columns"]
        assert columns == set(described), table
        assert all(described.values()), table
    engine.dispose()


def test_every_other_table_is_operational_and_hidden() -> None:
    everything = set(Base.metadata.tables) | {"alembic_version"}
    assert everything - set(REPORT_TABLES) == set(OPERATIONAL)
