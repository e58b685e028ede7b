"""Datasette's metadata for the reports database: title, licence note, the report tables
with every column described, the operational tables hidden, and canned queries.

The descriptions are the data dictionary's (:mod:`parsers.database.dictionary`), the same words the
exports' ``datapackage.json`` carries. ``metadata.yml`` beside this module is this module's
output, shipped with the package so that ``datasette xxgk.sqlite3 -m metadata.yml`` works
without xxgk; tests/test_datasette.py checks that it is current. After editing the
dictionary or the queries, write it again::

    .venv/bin/python -m parsers.database.datasette.metadata
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from parsers.database.dictionary import DESCRIPTION, LICENCE_NOTE, REPORT_TABLES, TITLE, fields
from xxgk.base.home import DATABASE_FILE

METADATA_FILE = Path(__file__).with_name("metadata.yml")
DATABASE = Path(DATABASE_FILE).stem  # Datasette names a database after its file

# The tables that run the machine rather than describe reports: the archive index, the
# crawler's ledger, the scheduler's jobs, runs and alerts, Alembic's bookkeeping. Hidden,
# not removed: a "hidden tables" link on the database page still lists them.
OPERATIONAL = (
    "captures", "warc_files",
    "crawl_runs", "crawl_failures", "crawl_documents", "crawl_document_events",
    "scheduled_runs", "scheduler_leader", "events", "event_deliveries", "report_watch",
    "apscheduler_jobs", "alembic_version",
)

_CURRENT = ("JOIN report_versions v ON v.id = k.version_id\n"
            "JOIN reports r ON r.id = v.report_id AND v.number = r.current_version\n"
            "JOIN organisations o ON o.id = r.organisation_id")
QUERIES: dict[str, dict[str, str]] = {
    "reports_failing_a_check": {
        "title": "Reports failing a check",
        "description": "The consistency checks (勾稽关系) the current version of each report "
                       "fails, with the sums compared.",
        "sql": "SELECT r.id AS report_id, o.name AS organisation, r.year, r.layout,\n"
               "       k.name AS check_name, k.detail\n"
               f"FROM checks k\n{_CURRENT}\n"
               "WHERE NOT k.ok\nORDER BY o.name, r.year, k.name",
    },
    "applications_per_organisation_and_year": {
        "title": "Applications per organisation and year",
        "description": "Table 三's totals: received, carried over, granted, partly granted, "
                       "processed and carried forward (null where the report has no such "
                       "figure).",
        "sql": "SELECT organisation, year, report_id, layout,\n"
               "       new_received__total AS received, carried_over__total AS carried_over,\n"
               "       granted__total AS granted,\n"
               "       partially_granted__total AS partially_granted,\n"
               "       total_processed__total AS processed,\n"
               "       carried_forward__total AS carried_forward\n"
               "FROM report_applications\nORDER BY organisation, year",
    },
    "revised_reports": {
        "title": "Revised reports",
        "description": "Reports revised in place after publication: how many versions, "
                       "when the newest was first seen and how many numbers it changed.",
        "sql": "SELECT r.id AS report_id, o.name AS organisation, r.year,\n"
               "       r.current_version AS versions, v.since AS revised_at,\n"
               "       (SELECT COUNT(*) FROM cell_changes c WHERE c.version_id = v.id)\n"
               "         AS values_changed,\n"
               "       v.source_url\n"
               "FROM reports r\nJOIN organisations o ON o.id = r.organisation_id\n"
               "JOIN report_versions v ON v.report_id = r.id AND v.number = r.current_version\n"
               "WHERE r.current_version > 1\nORDER BY v.since DESC, o.name",
    },
    "organisations_without_a_report_for_a_year": {
        "title": "Organisations without a report for a year",
        "description": "For each year some report in the database covers, the organisations "
                       "with reports for other years but none for that one.",
        "sql": "WITH years AS (SELECT DISTINCT year FROM reports)\n"
               "SELECT o.name AS organisation, o.level, o.county, y.year AS missing_year,\n"
               "       (SELECT group_concat(r.year, ', ') FROM reports r\n"
               "         WHERE r.organisation_id = o.id) AS years_reported\n"
               "FROM organisations o CROSS JOIN years y\n"
               "WHERE NOT EXISTS (SELECT 1 FROM reports r\n"
               "                  WHERE r.organisation_id = o.id AND r.year = y.year)\n"
               "ORDER BY o.name, y.year",
    },
}


def build_metadata() -> dict[str, Any]:
    tables: dict[str, Any] = {
        table: {"description": description,
                "columns": {f.name: f.description + (f" Unit: {f.unit}." if f.unit else "")
                            for f in fields(table)}}
        for table, description in REPORT_TABLES.items()}
    tables.update({table: {"hidden": True} for table in OPERATIONAL})
    return {
        "title": TITLE,
        "description": f"{DESCRIPTION}\n\n{LICENCE_NOTE}",
        "license": "No licence stated: public government information (see the description)",
        "source": "xxgk-archive",
        "databases": {DATABASE: {"description": DESCRIPTION, "tables": tables,
                                 "queries": QUERIES}},
    }


class _Dumper(yaml.SafeDumper):
    """Block style for the multi-line SQL, so the file reads like the queries it holds."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def render() -> str:
    head = ("# Made by parsers/database/datasette/metadata.py from parsers/database/dictionary.py:\n"
            "# edit those, then run .venv/bin/python -m parsers.database.datasette.metadata\n")
    return head + yaml.dump(build_metadata(), Dumper=_Dumper, allow_unicode=True,
                            sort_keys=False, width=100)


if __name__ == "__main__":
    METADATA_FILE.write_text(render(), encoding="utf-8")
    print(METADATA_FILE)
