"""`xxgk parse FILE --json`: the contract of docs/report-format.md, from the installed command, on
the real samples and the seeds (files as they are, no database)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from tests.archive_fixtures import run

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLES = FIXTURES / "real_samples"
SEEDS = FIXTURES / "seeds"
CONTRACT_KEYS = {"org", "year", "layout", "published", "title", "sections", "cells", "facts",
                 "checks", "warnings"}


def parse(path: Path) -> dict:
    result = run("parse", str(path), "--json")
    assert result.returncode == 0, result.stderr.decode()
    data = json.loads(result.stdout)
    assert CONTRACT_KEYS <= set(data)
    for cell in data["cells"]:
        assert {"table", "row", "column", "value", "raw", "label", "source"} <= set(cell)
    return data


def tables(data: dict) -> Counter:
    return Counter(c["table"] for c in data["cells"] if c["source"] == "table")


@pytest.mark.parametrize("name, year", [("hongze_2023_zfxxgk_annual_report.pdf", 2023),
                                        ("hongze_2024_zfxxgk_annual_report.pdf", 2024)])
def test_real_pdf_parses_completely(name: str, year: int) -> None:
    data = parse(SAMPLES / name)
    assert (data["org"], data["year"], data["layout"]) == ("淮安市洪泽区人民政府", year, "gb2021")
    assert [s["number"] for s in data["sections"]] == [1, 2, 3, 4, 5, 6]
    # These reports keep the 2019 form's single （六）其他处理 row: 24 rows of 7 in table 三.
    assert tables(data) == {"active": 10, "applications": 161, "review_litigation": 15}
    assert all(c["value"] is not None for c in data["cells"])
    assert not [w for w in data["warnings"] if "incomplete" in w or "not found" in w]
    failed = {c["name"] for c in data["checks"] if not c["ok"]}
    if year == 2023:  # the report itself prints 行政复议 10 upheld, 1 corrected, total 0
        assert failed == {"review_litigation.row_total.review",
                          "review_litigation.row_total.litigation_after_review"}
        received = next(c for c in data["cells"] if c["row"] == "review"
                        and c["column"] == "upheld")
        assert received["value"] == 10
    else:
        assert failed == set()


def test_real_ucap_page_parses_completely() -> None:
    data = parse(SAMPLES / "shuyang_fgj_2023_annual_report_ucap.html")
    assert (data["org"], data["year"], data["layout"]) == ("沭阳县发展和改革局", 2023, "gb2021")
    assert data["published"] == "2024-01-17"
    assert tables(data) == {"active": 10, "applications": 175, "review_litigation": 15}
    value = {(c["table"], c["row"], c["column"]): c["value"] for c in data["cells"]}
    assert value[("applications", "new_received", "natural_person")] == 26
    assert value[("applications", "granted", "total")] == 26
    assert value[("applications", "new_received", "commercial_enterprise")] is None  # blank
    assert all(c["ok"] for c in data["checks"])


@pytest.mark.parametrize("seed, layout, cells", [("002", "gb2021", 200), ("003", "gb2019", 198)])
def test_seed_tables_through_the_command(seed: str, layout: str, cells: int) -> None:
    path = next(SEEDS.glob(f"{seed}_*.txt"))
    data = parse(path)
    assert data["layout"] == layout
    assert sum(tables(data).values()) == cells
    assert not [w for w in data["warnings"] if "position" in w or "incomplete" in w]


def test_unreadable_file_exits_1_with_the_reason(tmp_path: Path) -> None:
    bad = tmp_path / "cut.pdf"
    bad.write_bytes((SAMPLES / "hongze_2024_zfxxgk_annual_report.pdf").read_bytes()[:5000])
    result = run("parse", str(bad), "--json")
    assert result.returncode == 1
    assert "truncated" in result.stderr.decode()
    assert json.loads(result.stdout)["error"]["kind"] == "extract"
