"""The data contract downstream tools rely on (issue 13): counts are integers from the parser
to the database to every export, amounts keep their decimals, exports are typed and carry a
Frictionless datapackage.json, and docs/report-format.md names exactly the ids the code uses.

The reports come from a small real archive: four seed reports captured as text and indexed by
the real indexer, one of them revised in place (a count and the fee amount changed), on
SQLite and on PostgreSQL.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import get_args

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, text

from archive.write.records import Exchange
from archive.write.store import Archive
from parsers.contract import CellValue, Layout
from parsers.database.dictionary import WIDE_VIEWS, columns_of
from parsers.database.export import EXPORTS, export_tables
from parsers.database.index import Indexer
from parsers.report import parse_document
from parsers.tables.checks import run_checks
from parsers.tables.schema import (
    ACTIVE_BLOCKS,
    APPLICANT_COLUMNS,
    LAYOUTS,
    REVIEW_COLUMNS,
    REVIEW_ROWS,
    TABLES,
    VARIANT_ROWS,
    application_rows,
    cell_keys,
    row_specs,
)
from tests.archive_fixtures import run
from tests.parse_helpers import seed_text, text_document
from tests.pgdb import throwaway_database
from tests.test_migrations import database_url  # noqa: F401 - an empty SQLite / PostgreSQL
from xxgk.base.db import alembic_config, make_engine, session_factory
from xxgk.base.home import Home

ROOT = Path(__file__).resolve().parents[1]
REPORT_FORMAT = ROOT / "docs" / "report-format.md"
SITE = "http://www.example.gov.cn/xxgk/"
REVISED = "002"  # 大张楼镇人民政府 2022, gb2021
FEES = "103.3879"


def revised_text(text_: str) -> str:
    """Seed 002 as its publisher corrected it: 3 requests from natural persons where it said
    0 (so that row's total no longer adds up), and 103.3879 万元 of fees where it said 0."""
    lines = text_.split("\n")
    received = next(n for n, line in enumerate(lines) if "本年新收政府信息公开申请数量" in line)
    lines[received + 1] = "\t3"
    fees = next(n for n, line in enumerate(lines) if line.strip() == "行政事业性收费")
    lines[fees + 1] = f"\t{FEES}"
    return "\n".join(lines)


def build_home(root: Path) -> Home:
    """Seeds 001-004 archived as the portal served them, seed 002 again a day later revised,
    then `xxgk index`'s indexer over the archive."""
    home = Home(root)
    archive = Archive(home)

    def capture(name: str, body: str, when: datetime) -> None:
        archive.record(Exchange(
            url=f"{SITE}{name}.txt", method="GET", request_headers=[], request_body=b"",
            protocol="HTTP/1.1", status=200, reason="OK",
            response_headers=[("Content-Type", "text/plain; charset=utf-8")],
            body=body.encode(), captured_at=when))

    for n, seed in enumerate(("001", "002", "003", "004")):
        capture(seed, seed_text(seed), datetime(2024, 3, 1, 8, 0, n))
    capture(REVISED, revised_text(seed_text(REVISED)), datetime(2024, 3, 2, 8, 0, 0))
    archive.close()
    with Indexer(home, workers=1) as indexer:
        stats = indexer.run()
    assert stats.reports == 5 and stats.failed == 0, stats
    return home


@pytest.fixture(scope="module")
def sqlite_home(tmp_path_factory: pytest.TempPathFactory) -> Home:
    with pytest.MonkeyPatch.context() as env:
        env.delenv("XXGK_DATABASE_URL", raising=False)
        return build_home(tmp_path_factory.mktemp("contract"))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """The indexed reports database, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        home = request.getfixturevalue("sqlite_home")
        engine = make_engine(home.database_url)
        yield engine
        engine.dispose()
        return
    with throwaway_database("xxgk_contract") as url, pytest.MonkeyPatch.context() as env:
        env.setenv("XXGK_DATABASE_URL", url)
        build_home(tmp_path_factory.mktemp("contract_pg"))
        engine = make_engine(url)
        yield engine
        engine.dispose()


def _one(engine: Engine, sql: str) -> dict:
    with engine.connect() as connection:
        return dict(connection.execute(text(sql)).mappings().one())


# --- 1. counts are integers, amounts keep their decimals ----------------------------------


def test_the_parser_gives_counts_as_ints_and_keeps_a_fraction_as_printed() -> None:
    lines = seed_text(REVISED).split("\n")
    received = next(n for n, line in enumerate(lines) if "本年新收政府信息公开申请数量" in line)
    lines[received + 1] = "\t72.0"  # a count written with a decimal point
    lines[received + 2] = "\t2.5"  # a count that is not a whole number
    fees = next(n for n, line in enumerate(lines) if line.strip() == "行政事业性收费")
    lines[fees + 1] = f"\t{FEES}万元"
    result = json.loads(json.dumps(parse_document(text_document("\n".join(lines))).to_json()))
    cells = {(c["table"], c["row"], c["column"]): c for c in result["cells"]}
    person = cells[("applications", "new_received", "natural_person")]
    assert person["value"] == 72 and type(person["value"]) is int
    assert cells[("applications", "new_received", "commercial_enterprise")]["value"] == 2.5
    assert any("new_received/commercial_enterprise" in w and "not a whole number" in w
               for w in result["warnings"])
    fee = cells[("active", "fees", "amount_10k_yuan")]
    assert (fee["value"], fee["unit"]) == (103.3879, "万元")
    others = [c["value"] for key, c in cells.items() if c is not fee
              and key[1:] != ("new_received", "commercial_enterprise")]
    assert others and all(type(v) is int for v in others if v is not None)


def test_counts_are_integer_columns_and_amounts_numeric(engine: Engine) -> None:
    columns = {(t, c["name"]): str(c["type"]).upper() for t in ("cells", "facts", "cell_changes")
               for c in inspect(engine).get_columns(t)}
    for count in [("cells", "value"), ("facts", "value"), ("cell_changes", "old_value"),
                  ("cell_changes", "new_value")]:
        assert columns[count] == "INTEGER", count
    for amount in [("cells", "amount"), ("facts", "amount"), ("cell_changes", "old_amount"),
                   ("cell_changes", "new_amount")]:
        assert columns[amount].startswith("NUMERIC"), amount


def test_stored_counts_are_ints_and_amounts_decimals(engine: Engine) -> None:
    with engine.connect() as connection:
        values = connection.execute(text("SELECT value FROM cells WHERE value IS NOT NULL")
                                    ).scalars().all()
        procurement = connection.execute(text(
            "SELECT value, amount FROM cells WHERE row_id = 'procurement' "
            "AND column_id = 'amount'")).one()
        fees_fact = connection.execute(text(
            "SELECT value, amount FROM facts WHERE name = 'processing_fees_yuan'")).first()
        items = connection.execute(text(
            "SELECT value FROM facts WHERE name = 'active_disclosure_items'")).scalars().all()
        total = connection.execute(text("SELECT SUM(value) FROM cells")).scalar()
    assert values and all(type(v) is int for v in values)
    assert type(total) is int
    assert procurement.value is None and float(procurement.amount) == 23246297.53
    assert fees_fact.value is None and float(fees_fact.amount) == 0
    assert items and all(type(v) is int for v in items)


def test_the_views_give_integers_for_counts(engine: Engine) -> None:
    current = _one(engine, "SELECT a.new_received__natural_person AS received, "
                           "a.new_received__total AS total, t.fees__amount_10k_yuan AS fees "
                           "FROM report_applications a JOIN report_active t "
                           "ON t.report_id = a.report_id "
                           "WHERE a.organisation = '大张楼镇人民政府'")
    assert (current["received"], current["total"]) == (3, 0)
    assert type(current["received"]) is int and type(current["total"]) is int
    assert float(current["fees"]) == float(FEES)
    review = _one(engine, "SELECT review__total FROM report_review_litigation "
                          "WHERE organisation = '大张楼镇人民政府'")
    assert type(review["review__total"]) is int
    overview = _one(engine, "SELECT versions, cells, failed_checks FROM report_overview "
                            "WHERE organisation = '大张楼镇人民政府'")
    assert overview["versions"] == 2 and overview["failed_checks"] > 0
    for view in WIDE_VIEWS:  # the dictionary describes exactly the columns the views have
        assert {c["name"] for c in inspect(engine).get_columns(view)} == set(columns_of(view))
    assert [c["name"] for c in inspect(engine).get_columns("report_overview")] == list(
        columns_of("report_overview"))


def test_a_revision_records_counts_and_amounts_apart(engine: Engine) -> None:
    with engine.connect() as connection:
        changes = {(r.row_id, r.column_id): r for r in connection.execute(text(
            "SELECT row_id, column_id, old_value, new_value, old_amount, new_amount "
            "FROM cell_changes"))}
    person = changes[("new_received", "natural_person")]
    assert (person.old_value, person.new_value, person.old_amount) == (0, 3, None)
    assert type(person.new_value) is int
    fees = changes[("fees", "amount_10k_yuan")]
    assert (fees.old_value, fees.new_value) == (None, None)
    assert (float(fees.old_amount), float(fees.new_amount)) == (0, float(FEES))


def test_xxgk_report_json_gives_ints_for_counts(sqlite_home: Home) -> None:
    listed = json.loads(run("reports", "--org", "大张楼镇", "--json",
                            home=sqlite_home.root).stdout)
    detail = json.loads(run("report", str(listed[0]["id"]), "--json",
                            home=sqlite_home.root).stdout)
    values = {(c["table"], c["row"], c["column"]): c["value"] for c in detail["cells"]}
    assert values[("applications", "new_received", "natural_person")] == 3
    assert all(type(v) is int for (_, _, column), v in values.items()
               if v is not None and column != "amount_10k_yuan")
    assert values[("active", "fees", "amount_10k_yuan")] == float(FEES)
    changed = {c["cell"]: (c["from"], c["to"]) for c in detail["history"][1]["changed"]}
    assert changed["applications/new_received/natural_person"] == (0, 3)
    assert changed["active/fees/amount_10k_yuan"] == (0, float(FEES))
    assert '"value": 3,' in run("report", str(listed[0]["id"]), "--json",
                                home=sqlite_home.root).stdout.decode()


def test_migration_0006_moves_real_numbers_without_rounding(database_url: str) -> None:  # noqa: F811
    """A database of before 0006 (every number REAL) comes out with integer counts, amounts
    and fractional counts in the amount columns, and a warning for each fraction."""
    engine = make_engine(database_url)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0005")
        connection.execute(text(
            "INSERT INTO organisations (id, name, level) VALUES (1, '某镇人民政府', 'township')"))
        connection.execute(text(
            "INSERT INTO reports (id, organisation_id, year, layout, status, source_url, "
            "content_sha256, parser_version, current_version, updated_at) VALUES "
            "(1, 1, 2022, 'gb2021', 'published', 'http://x/', 'ab', '1', 2, :now)"),
            {"now": datetime(2024, 1, 1)})
        connection.execute(text(
            "INSERT INTO report_versions (id, report_id, number, since, source_url, "
            "content_sha256, layout) VALUES (1, 1, 1, :now, 'http://x/', 'ab', 'gb2021'), "
            "(2, 1, 2, :now, 'http://x/', 'cd', 'gb2021')"), {"now": datetime(2024, 1, 1)})
        cells = [("applications", "new_received", "natural_person", 72.0),
                 ("applications", "new_received", "total", 2.5),
                 ("active", "fees", "amount_10k_yuan", 103.3879),
                 ("active", "rules", "issued", None)]
        for n, (table, row, column, value) in enumerate(cells, start=1):
            connection.execute(text(
                "INSERT INTO cells (id, version_id, table_id, row_id, column_id, value, raw, "
                "label, source) VALUES (:id, 2, :t, :r, :c, :v, '', '', 'table')"),
                {"id": n, "t": table, "r": row, "c": column, "v": value})
        connection.execute(text(
            "INSERT INTO facts (id, version_id, name, value, text) VALUES "
            "(1, 2, 'active_disclosure_items', 93.0, ''), "
            "(2, 2, 'processing_fees_yuan', 12.5, '')"))
        connection.execute(text(
            "INSERT INTO cell_changes (id, version_id, table_id, row_id, column_id, old_value, "
            "new_value) VALUES (1, 2, 'applications', 'new_received', 'natural_person', 1.0, "
            "72.0), (2, 2, 'active', 'fees', 'amount_10k_yuan', 0.0, 103.3879)"))
        command.upgrade(config, "head")
    with engine.connect() as connection:
        got = {r.column_id if r.row_id != "new_received" or r.column_id != "total" else "frac":
               (r.value, r.amount) for r in connection.execute(text(
                   "SELECT row_id, column_id, value, amount FROM cells"))}
        facts = {r.name: (r.value, r.amount) for r in connection.execute(text(
            "SELECT name, value, amount FROM facts"))}
        changes = [tuple(r) for r in connection.execute(text(
            "SELECT old_value, new_value, old_amount, new_amount FROM cell_changes "
            "ORDER BY id"))]
        wide = connection.execute(text(
            "SELECT new_received__natural_person, new_received__total FROM "
            "report_applications")).one()
        active = connection.execute(text(
            "SELECT fees__amount_10k_yuan, rules__issued FROM report_active")).one()
        warnings = connection.execute(text(
            "SELECT warnings FROM report_versions WHERE id = 2")).scalar()
    assert got["natural_person"] == (72, None) and type(got["natural_person"][0]) is int
    assert got["frac"][0] is None and float(got["frac"][1]) == 2.5  # moved, not rounded
    assert got["amount_10k_yuan"][0] is None and float(got["amount_10k_yuan"][1]) == 103.3879
    assert got["issued"] == (None, None)
    assert facts["active_disclosure_items"] == (93, None)
    assert facts["processing_fees_yuan"][0] is None
    assert float(facts["processing_fees_yuan"][1]) == 12.5
    assert changes[0][:2] == (1, 72) and changes[0][2:] == (None, None)
    assert changes[1][:2] == (None, None) and [float(a) for a in changes[1][2:]] == [
        0, 103.3879]
    assert tuple(wide) == (72, None) and type(wide[0]) is int
    assert float(active[0]) == 103.3879 and active[1] is None
    assert "applications/new_received/total is 2.5, not a whole number" in warnings
    with engine.begin() as connection:  # and back: every number in the REAL columns again
        config.attributes["connection"] = connection
        command.downgrade(config, "0005")
        assert sorted(connection.execute(text("SELECT value FROM cells WHERE value IS NOT NULL"
                                              )).scalars()) == [2.5, 72, 103.3879]
        command.upgrade(config, "head")
    engine.dispose()


# --- 2. typed exports -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def exported(sqlite_home: Home, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`xxgk export` in each format, as a user runs it."""
    out = tmp_path_factory.mktemp("exported")
    for fmt in ("csv", "jsonl", "parquet"):
        result = run("export", "--format", fmt, "-o", str(out / fmt), home=sqlite_home.root)
        assert result.returncode == 0, result.stderr.decode()
    return out


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_csv_writes_counts_as_integers_and_times_in_utc(exported: Path) -> None:
    cells = _csv(exported / "csv" / "cells.csv")
    person = next(c for c in cells if (c["organisation"], c["row_id"], c["column_id"]) == (
        "大张楼镇人民政府", "new_received", "natural_person"))
    assert (person["value"], person["amount"]) == ("3", "")
    fees = next(c for c in cells if c["column_id"] == "amount_10k_yuan"
                and c["organisation"] == "大张楼镇人民政府")
    assert (fees["value"], fees["amount"]) == ("", FEES)
    assert all(re.fullmatch(r"-?\d+", c["value"]) for c in cells if c["value"])
    wide = _csv(exported / "csv" / "report_applications.csv")
    numbers = [v for row in wide for k, v in row.items() if "__" in k and v]
    assert numbers and all(re.fullmatch(r"-?\d+", v) for v in numbers)
    assert not any(".0" in v for row in _csv(exported / "csv" / "reports.csv")
                   for v in (row["versions"], row["cells"], row["year"]))
    versions = _csv(exported / "csv" / "report_versions.csv")
    assert [v["since"] for v in versions if v["number"] == "2"] == [
        "2024-03-02T08:00:00.000000Z"]
    checks = _csv(exported / "csv" / "checks.csv")
    assert {c["ok"] for c in checks} == {"true", "false"}


def test_jsonl_writes_integers_and_utc_times(exported: Path) -> None:
    cells = _jsonl(exported / "jsonl" / "cells.jsonl")
    assert all(type(c["value"]) is int for c in cells if c["value"] is not None)
    assert any(c["amount"] == float(FEES) for c in cells)
    reports = _jsonl(exported / "jsonl" / "reports.jsonl")
    assert all(type(r["versions"]) is int and r["updated_at"].endswith("Z") for r in reports)
    changes = _jsonl(exported / "jsonl" / "cell_changes.jsonl")
    assert {(c["column_id"], c["old_value"], c["new_value"]) for c in changes
            if c["old_value"] is not None} == {("natural_person", 0, 3)}


def test_parquet_has_an_explicit_schema(exported: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    cells = pq.read_table(exported / "parquet" / "cells.parquet")
    assert cells.schema.field("value").type == pa.int64()
    assert cells.schema.field("report_id").type == pa.int64()
    assert cells.schema.field("amount").type == pa.float64()
    assert b"count" in cells.schema.field("value").metadata[b"unit"]
    versions = pq.read_table(exported / "parquet" / "report_versions.parquet")
    assert versions.schema.field("since").type == pa.timestamp("us", tz="UTC")
    assert max(versions.column("since").to_pylist()) == datetime(2024, 3, 2, 8,
                                                                 tzinfo=timezone.utc)
    reports = pq.read_table(exported / "parquet" / "reports.parquet")
    assert reports.schema.field("published").type == pa.date32()
    assert reports.schema.field("updated_at").type == pa.timestamp("us", tz="UTC")
    wide = pq.read_table(exported / "parquet" / "report_active.parquet")
    assert wide.schema.field("rules__issued").type == pa.int64()
    assert wide.schema.field("procurement__amount").type == pa.float64()


def test_exports_are_typed_the_same_on_every_database(engine: Engine, tmp_path: Path) -> None:
    export_tables(session_factory(engine), tmp_path, "jsonl")
    cells = _jsonl(tmp_path / "cells.jsonl")
    assert all(type(c["value"]) is int for c in cells if c["value"] is not None)
    assert {c["amount"] for c in cells if c["column_id"] == "amount"} == {23246297.53}
    assert all(v["since"].endswith("Z") for v in _jsonl(tmp_path / "report_versions.jsonl"))


# --- 4. datapackage.json --------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_the_datapackage_validates_with_frictionless(exported: Path, fmt: str) -> None:
    import frictionless

    report = frictionless.validate(exported / fmt / "datapackage.json")
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type",
                                         "note"])[:10]
    package = json.loads((exported / fmt / "datapackage.json").read_text(encoding="utf-8"))
    cells = next(r for r in package["resources"] if r["name"] == "cells")
    assert cells["schema"]["primaryKey"] == ["report_id", "table_id", "row_id", "column_id"]
    assert cells["schema"]["foreignKeys"] == [
        {"fields": ["report_id"], "reference": {"resource": "reports", "fields": ["report_id"]}}]
    value = next(f for f in cells["schema"]["fields"] if f["name"] == "value")
    assert (value["type"], value["unit"]) == ("integer", "count") and value["description"]
    assert {r["name"] for r in package["resources"]} == {e.name for e in EXPORTS}


def test_frictionless_would_refuse_a_count_written_as_a_float(exported: Path,
                                                             tmp_path: Path) -> None:
    """What the typed export prevents: ``72.0`` in an integer column is a type error."""
    import frictionless

    shutil.copytree(exported / "csv", tmp_path / "csv")
    path = tmp_path / "csv" / "cells.csv"
    path.write_text(re.sub(r"(,new_received,natural_person,)3,", r"\g<1>3.0,",
                           path.read_text(encoding="utf-8-sig")), encoding="utf-8-sig")
    report = frictionless.validate(tmp_path / "csv" / "datapackage.json")
    assert not report.valid
    assert "type-error" in {e[0] for e in report.flatten(["type"])}


def test_parquet_files_match_their_datapackage(exported: Path) -> None:
    """frictionless reads Parquet through pandas, which this project does not install: the
    descriptor is checked by frictionless, the files' schemas against it here."""
    import frictionless
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = exported / "parquet"
    checked = frictionless.Package.validate_descriptor(str(folder / "datapackage.json"))
    assert checked.valid, checked.flatten(["type", "note"])
    arrow = {"integer": pa.int64(), "number": pa.float64(), "string": pa.string(),
             "boolean": pa.bool_(), "date": pa.date32(),
             "datetime": pa.timestamp("us", tz="UTC")}
    for resource in json.loads((folder / "datapackage.json").read_text())["resources"]:
        schema = pq.read_schema(folder / resource["path"])
        fields = resource["schema"]["fields"]
        assert schema.names == [f["name"] for f in fields], resource["name"]
        assert [schema.field(f["name"]).type for f in fields] == [
            arrow[f["type"]] for f in fields], resource["name"]


# --- 3. docs/report-format.md ---------------------------------------------------------------


def _identifier_rows() -> list[str]:
    doc = REPORT_FORMAT.read_text(encoding="utf-8")
    start = doc.index("<!-- identifiers:")
    end = doc.index("<!-- end of identifiers -->")
    return [line for line in doc[start:end].splitlines() if line.startswith("| `")]


def _schema_ids() -> set[str]:
    ids = {*TABLES, *get_args(Layout)}
    for layout in LAYOUTS:
        ids |= {row for row, _ in application_rows(layout)}
        ids |= set(VARIANT_ROWS.get(layout, ()))
        for _, _, rows, columns in ACTIVE_BLOCKS[layout]:
            ids |= {row for row, _, _ in rows} | set(columns)
    ids |= {c for c, _ in APPLICANT_COLUMNS} | {r for r, _ in REVIEW_ROWS}
    ids |= {c for c, _ in REVIEW_COLUMNS}
    return ids


def test_report_format_names_every_schema_id_and_no_other() -> None:
    documented = {token for line in _identifier_rows()
                  for token in re.findall(r"`([^`]+)`", line)}
    assert documented == _schema_ids(), (sorted(documented - _schema_ids()),
                                         sorted(_schema_ids() - documented))


def test_report_format_gives_each_id_its_official_label() -> None:
    rows = _identifier_rows()

    def listed(*parts: str) -> bool:
        return any(all(p in line for p in parts) for line in rows)

    for layout in LAYOUTS:
        for spec in row_specs(layout):
            if spec.table == "active":
                for (column, header) in spec.columns:
                    assert listed(f"`{spec.row}`", f"| {spec.label} |", f"`{column}`",
                                  f"| {header} |"), (layout, spec.row, column)
            else:
                assert listed(f"`{spec.row}`", f"| {spec.label} |"), (layout, spec.row)
                for column, header in spec.columns:
                    assert listed(f"`{column}`", f"| {header} |"), (spec.table, column)


def test_report_format_names_the_checks_as_the_code_emits_them() -> None:
    doc = REPORT_FORMAT.read_text(encoding="utf-8")
    patterns = set(re.findall(r"^\| `([a-z_.]+\{(?:column|row)\})` \|", doc, re.MULTILINE))
    assert len(patterns) == 4
    regexes = [re.compile(re.escape(p).replace(r"\{column\}", r"[a-z_]+")
                          .replace(r"\{row\}", r"[a-z_.]+") + "$") for p in patterns]
    for layout in LAYOUTS:
        cells = [CellValue(*key.split("/"), 0, "0", "") for key in cell_keys(layout)]
        names = {check.name for check in run_checks(cells, layout)}
        assert all(any(r.match(n) for r in regexes) for n in names), layout
        assert all(any(r.match(n) for n in names) for r in regexes), layout


def test_no_reference_to_the_shared_report_format_is_left() -> None:
    files = [*ROOT.joinpath("parsers").rglob("*.py"), ROOT / "docs" / "schema.md",
             REPORT_FORMAT]
    assert not [f for f in files if "shared/REPORT_FORMAT" in f.read_text(encoding="utf-8")]
    help_text = run("parse", "--help").stdout.decode()
    assert "docs/report-format.md" in help_text and "REPORT_FORMAT" not in help_text
