"""The simulated world and its ground truth, without HTTP: determinism, units and credit
codes, reports per year/layout/rendering, the five seeds, the 勾稽关系, the three events,
decoys, scale portals and the table grids every renderer draws from."""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from datetime import date

import pytest

from tests.portalsim.determinism import credit_code_is_valid
from tests.portalsim.seeds import SEED_DIR, SEEDS
from tests.portalsim.tables import GB2019, GB2021, LabelStyle, build_grids, cell_keys
from tests.portalsim.truth import report_truth, truth
from tests.portalsim.world import (
    DEFAULT_AS_OF,
    MOVED_AT,
    REMOVED_AT,
    REVISED_AT,
    build_world,
)

SEED_PORTALS = ("jiaxiang", "wenshang", "wendeng", "yanzhou")  # Hanweb JCMS
OTHER_PORTALS = ("hongze", "shuyang")  # TRS WCM, 开普云/Ucap (tests/test_portalsim_other_cms.py)
ALL_PORTALS = SEED_PORTALS + OTHER_PORTALS
RENDERINGS = ("html", "docx", "doc", "pdf", "image", "prose")
BEFORE_EVENTS = date(2024, 6, 30)
KNOWN_CODES = {
    ("wenshang", "郭仓镇"): "11370830004335465W",
    ("wenshang", "次邱镇"): "11370830004335529T",
    ("yanzhou", "区财政局"): "11370812004322760Y",
    ("jiaxiang", "县文物旅游服务中心"): "123708294941019512",
    # built from the organisation code in the real page's 索引号 014314799/2024-00002
    ("shuyang", "县发改局"): "113213220143147994",
}


@pytest.fixture(scope="module")
def before_truth(world) -> dict:
    """The truth at 2024-06-30: before the revision, the removal and the move."""
    return truth(world, BEFORE_EVENTS)


def _published(world_truth: dict) -> list[dict]:
    return [r for r in world_truth["reports"] if r["status"] == "published"]


def _by_id(t: dict, rid: str) -> dict:
    return next(r for r in t["reports"] if r["id"] == rid)


def _cells(report: dict) -> dict[str, dict]:
    return {f"{c['table']}/{c['row']}/{c['column']}": c for c in report["cells"]}


# --- determinism ---------------------------------------------------------------------------


def test_same_seed_same_truth_and_other_seed_differs():
    first = json.dumps(truth(build_world(0, 0), DEFAULT_AS_OF), ensure_ascii=False,
                       sort_keys=True)
    second = json.dumps(truth(build_world(0, 0), DEFAULT_AS_OF), ensure_ascii=False,
                        sort_keys=True)
    other = json.dumps(truth(build_world(1, 0), DEFAULT_AS_OF), ensure_ascii=False,
                       sort_keys=True)
    assert first == second
    assert other != first


# --- portals and units ---------------------------------------------------------------------


def test_portals_units_and_credit_codes(world_truth):
    portals = {p["key"]: p for p in world_truth["portals"]}
    assert set(portals) == set(ALL_PORTALS)
    assert {k: portals[k]["cms"] for k in ALL_PORTALS} == {
        **{k: "hanweb" for k in SEED_PORTALS}, "hongze": "trs", "shuyang": "ucap"}
    all_codes = []
    for key in ALL_PORTALS:
        units = portals[key]["units"]
        assert len(units) >= 12, key
        for unit in units:
            code = unit["credit_code"]
            assert len(code) == 18, (key, unit)
            assert credit_code_is_valid(code), (key, unit)
            # 11... government bodies, 12... public institutions
            assert code[:2] == ("12" if unit["kind"] == "institution" else "11"), unit
            all_codes.append(code)
    assert len(all_codes) == len(set(all_codes)), "credit codes must be unique"
    for (portal, short), code in KNOWN_CODES.items():
        unit = next(u for u in portals[portal]["units"] if u["short"] == short)
        assert unit["credit_code"] == code


def test_credit_code_validator_rejects_a_wrong_check_character():
    code = KNOWN_CODES[("wenshang", "郭仓镇")]
    wrong = code[:-1] + ("X" if code[-1] != "X" else "Y")
    assert credit_code_is_valid(code)
    assert not credit_code_is_valid(wrong)
    assert not credit_code_is_valid(code[:-1])


def test_portals_use_real_identifiers(world_truth):
    portals = {p["key"]: p for p in world_truth["portals"]}
    assert portals["jiaxiang"]["host"] == "www.jiaxiang.gov.cn"
    assert portals["yanzhou"]["xxgk_area"] == "jnsyzq"
    assert portals["yanzhou"]["xxgk_column"] == 36647
    assert portals["yanzhou"]["dataproxy_path"] == "/module/jslib/jquery/jpage/dataproxy.jsp"
    assert portals["wendeng"]["has_endpoint"] is False
    assert all(portals[k]["has_endpoint"] for k in ("jiaxiang", "wenshang", "yanzhou"))
    assert any(c["id"] == 122236 for c in portals["wendeng"]["columns"])
    assert any(c["id"] == 107308 for c in portals["wenshang"]["columns"])


# --- reports -------------------------------------------------------------------------------


def test_reports_for_every_year_on_every_portal(world_truth):
    for key in ALL_PORTALS:
        years = {r["year"] for r in _published(world_truth) if r["portal"] == key}
        assert set(range(2019, 2025)) <= years, key
        assert max(years) == 2024


def test_layouts_by_year(world_truth):
    reports = _published(world_truth)
    for r in reports:
        if r["year"] < 2019:
            assert r["layout"] == "pre2019", r["id"]
        elif r["year"] <= 2020:
            assert r["layout"] in ("gb2019", "none"), r["id"]
        else:
            assert r["layout"] in ("gb2021", "gb2019", "none"), r["id"]
        if r["layout"] == "none":
            assert r["rendering"] == "prose" and not r["cells"], r["id"]
        if r["layout"] in ("gb2019", "gb2021") and r["rendering"] != "prose":
            assert [f"{c['table']}/{c['row']}/{c['column']}" for c in r["cells"]] == list(
                cell_keys(r["layout"])), r["id"]
    assert any(r["layout"] == "gb2019" for r in reports if r["year"] in (2019, 2020))
    later_2019 = [r for r in reports if r["year"] >= 2021 and r["layout"] == "gb2019"]
    assert later_2019, "some 2021+ reports must still use the 2019 labels"
    assert any(r["layout"] == "gb2021" for r in reports if r["year"] >= 2021)


def test_every_rendering_on_every_portal(world_truth):
    for key in ALL_PORTALS:
        have = Counter(r["rendering"] for r in _published(world_truth) if r["portal"] == key)
        for rendering in RENDERINGS:
            assert have[rendering] >= 2, (key, rendering, have)


def test_urls_match_rendering(world_truth):
    for r in _published(world_truth):
        roles = Counter(u["role"] for u in r["urls"])
        assert roles["endpoint"] + roles["article"] >= 1, r["id"]
        if r["rendering"] in ("docx", "doc", "pdf"):
            att = [u for u in r["urls"] if u["role"] == "attachment"]
            extensions = (".doc", ".wps") if r["rendering"] == "doc" else (f".{r['rendering']}",)
            assert len(att) == 1 and any(e in att[0]["url"] for e in extensions), r["id"]
        else:
            assert roles["attachment"] == 0, r["id"]
        if r["rendering"] == "image":
            tables = {u["table"] for u in r["urls"] if u["role"] == "table_image"}
            assert tables == {"active", "applications", "review_litigation"}, r["id"]
        if r["portal"] == "wendeng":
            assert roles["endpoint"] == 0, "wendeng has no annual-report endpoint"


# --- the five seeds ------------------------------------------------------------------------


def _seed_table_values(text: str) -> list[str]:
    """Numeric table cells of a seed text in reading order (cells are tab-led lines)."""
    return [line[1:] for line in text.split("\n")
            if line.startswith("\t") and re.fullmatch(r"[\s\u3000]*[-+]?\d+(\.\d+)?[\s\u3000]*",
                                                      line[1:])]


@pytest.mark.parametrize("spec", SEEDS, ids=lambda s: s.file[:3])
def test_seed_published_where_it_really_was(world_truth, spec):
    matches = [r for r in world_truth["reports"] if r["seed"] == spec.file[:3]]
    assert len(matches) == 1
    r = matches[0]
    assert (r["portal"], r["unit"], r["year"]) == (spec.portal, spec.unit, spec.year)
    assert r["layout"] == spec.layout
    assert r["rendering"] == spec.rendering
    assert r["published"] == spec.published
    assert r["status"] == "published"
    text = (SEED_DIR / spec.file).read_text(encoding="utf-8")
    head = "".join(line.strip() for line in text.split("\n")[:3])
    assert head.startswith(r["title"]), (r["title"], head[:60])
    for fact in r["facts"]:
        assert fact["text"] in text, fact
        if fact["cell"] and r["cells"]:
            assert _cells(r)[fact["cell"]]["value"] == fact["value"], fact


@pytest.mark.parametrize("prefix", ["002", "003"])
def test_seed_cells_are_the_numbers_of_the_seed_text(world_truth, prefix):
    spec = next(s for s in SEEDS if s.file.startswith(prefix))
    r = next(r for r in world_truth["reports"] if r["seed"] == prefix)
    written = _seed_table_values((SEED_DIR / spec.file).read_text(encoding="utf-8"))
    assert len(written) == len(cell_keys(spec.layout))
    assert [c["raw"] for c in r["cells"]] == written
    for cell, raw in zip(r["cells"], written):
        number = float(raw.replace("\u3000", "").strip())
        assert cell["value"] == number, cell
        assert cell["source"] == "table"


def test_seed_003_known_values(world_truth):
    cells = _cells(next(r for r in world_truth["reports"] if r["seed"] == "003"))
    assert cells["active/normative_documents/newly_made"]["value"] == 3
    assert cells["active/normative_documents/newly_published"]["value"] == 3
    assert cells["active/normative_documents/total_published"]["value"] == 6
    assert cells["active/procurement/projects"]["value"] == 20
    assert cells["active/procurement/amount"]["value"] == 23246297.53
    assert cells["active/procurement/amount"]["unit"] == "yuan"
    assert cells["applications/new_received/total"]["value"] == 0


def test_seed_001_tables_drawn_from_its_prose(world_truth):
    r = next(r for r in world_truth["reports"] if r["seed"] == "001")
    text = (SEED_DIR / "001_80eb4e39c25afce7.txt").read_text(encoding="utf-8")
    received = int(re.search(r"收到政府信息公开申请(\d+)件", text).group(1))
    cells = _cells(r)
    assert cells["applications/new_received/total"]["value"] == received
    assert all(c["source"] == "ocr" for c in r["cells"])
    assert not r["failing_checks"]


# --- consistency ---------------------------------------------------------------------------


def _my_failing_checks(report: dict) -> set[str]:
    """The 勾稽关系 of docs/report-format.md, computed here from the truth cells alone."""
    cells = _cells(report)
    v = lambda key: (cells[key]["value"] or 0) if key in cells else 0  # noqa: E731
    rows = list(dict.fromkeys(c["row"] for c in report["cells"] if c["table"] == "applications"))
    columns = list(dict.fromkeys(c["column"] for c in report["cells"]
                                 if c["table"] == "applications"))
    leaves = [r for r in rows if r not in ("new_received", "carried_over", "total_processed",
                                           "carried_forward")]
    failing = set()
    for col in columns:
        a = lambda row: v(f"applications/{row}/{col}")  # noqa: E731
        if a("new_received") + a("carried_over") != a("total_processed") + a("carried_forward"):
            failing.add(f"applications.balance.{col}")
        if a("total_processed") != sum(a(r) for r in leaves):
            failing.add(f"applications.outcomes.{col}")
    for row in rows:
        if v(f"applications/{row}/total") != sum(v(f"applications/{row}/{c}")
                                                 for c in columns if c != "total"):
            failing.add(f"applications.row_total.{row}")
    for row in ("review", "litigation_direct", "litigation_after_review"):
        parts = sum(v(f"review_litigation/{row}/{c}")
                    for c in ("upheld", "corrected", "other", "pending"))
        if v(f"review_litigation/{row}/total") != parts:
            failing.add(f"review_litigation.row_total.{row}")
    return failing


def test_only_deliberate_breakages_fail_checks(world_truth):
    published = _published(world_truth)
    broken = [r for r in published if r["breakage"]]
    for r in published:
        mine = _my_failing_checks(r) if r["cells"] else set()
        assert set(r["failing_checks"]) == mine, r["id"]
        if r["breakage"] is None:
            assert r["failing_checks"] == [], (r["id"], r["failing_checks"])
        else:
            assert r["failing_checks"], (r["id"], r["breakage"])
    assert {r["portal"] for r in broken} == set(ALL_PORTALS)
    assert world_truth["counts"]["inconsistent"] == len(broken)


# --- events --------------------------------------------------------------------------------


def test_revised_report_has_two_versions(world, world_truth, before_truth):
    after, before = world_truth, before_truth
    event = after["events"]["revised"]
    assert event["at"] == REVISED_AT.isoformat(sep=" ")
    new, old = _by_id(after, event["report"]), _by_id(before, event["report"])
    assert len(new["versions"]) == 2 and len(old["versions"]) == 1
    assert new["versions"][1]["since"] == event["at"]
    changed = new["versions"][1]["changed"]
    assert changed, "the revision must change cells"
    new_cells, old_cells = _cells(new), _cells(old)
    for change in changed:
        assert change["from"] != change["to"]
        assert old_cells[change["cell"]]["value"] == change["from"]
        assert new_cells[change["cell"]]["value"] == change["to"]
    unchanged = set(new_cells) - {c["cell"] for c in changed}
    assert all(new_cells[k]["value"] == old_cells[k]["value"] for k in unchanged)
    assert new["failing_checks"] == []
    # A date inside the window sees the new version too.
    assert len(_by_id(truth(world, REVISED_AT.date()), event["report"])["versions"]) == 2


def test_removed_report(world, world_truth, before_truth):
    after, before = world_truth, before_truth
    event = after["events"]["removed"]
    assert event["at"] == REMOVED_AT.isoformat(sep=" ")
    gone, there = _by_id(after, event["report"]), _by_id(before, event["report"])
    assert gone["status"] == "removed" and gone["urls"] == []
    assert there["status"] == "published"
    assert event["url"] in [u["url"] for u in there["urls"] if u["role"] == "article"]
    assert after["counts"]["reports_removed"] == 1
    assert before["counts"]["reports_removed"] == 0


def test_moved_report(world, world_truth, before_truth):
    after, before = world_truth, before_truth
    event = after["events"]["moved"]
    assert event["at"] == MOVED_AT.isoformat(sep=" ")
    assert event["from"] != event["to"]
    new, old = _by_id(after, event["report"]), _by_id(before, event["report"])
    assert new["status"] == old["status"] == "published"
    assert [u["url"] for u in new["urls"] if u["role"] == "article"] == [event["to"]]
    assert [u["url"] for u in old["urls"] if u["role"] == "article"] == [event["from"]]
    # The endpoint URL does not move with the article.
    assert ([u["url"] for u in new["urls"] if u["role"] == "endpoint"]
            == [u["url"] for u in old["urls"] if u["role"] == "endpoint"])


def test_reports_of_2024_only_exist_after_publication(world_truth, before_truth):
    after, before = world_truth, before_truth
    assert not [r for r in before["reports"] if r["year"] == 2024]
    assert [r for r in after["reports"] if r["year"] == 2024 and r["status"] == "published"]
    for r in after["reports"]:
        assert r["published"][:10] <= DEFAULT_AS_OF.isoformat()
        assert int(r["published"][:4]) == r["year"] + 1, r["id"]


# --- decoys --------------------------------------------------------------------------------


def test_decoys_are_not_reports(world_truth):
    decoys = world_truth["decoys"]
    assert {d["portal"] for d in decoys} == set(ALL_PORTALS)
    report_urls = {u["url"] for r in world_truth["reports"] for u in r["urls"]}
    report_titles = {r["title"] for r in world_truth["reports"]}
    for decoy in decoys:
        assert decoy["url"] not in report_urls, decoy
        assert not set(decoy["attachments"]) & report_urls, decoy
        assert decoy["title"] not in report_titles, decoy
    # They look like reports: the words a naive title filter would match.
    assert any("年度报告" in d["title"] for d in decoys)
    assert any(d["attachments"] for d in decoys if d["kind"] == "decoy")


# --- scale ---------------------------------------------------------------------------------


def test_scale_world_leaves_seed_portals_alone(world):
    # How fast it builds is a figure, not a test (it shares 2 cores with other tests): a
    # generous bound only catches a world that no longer builds lazily.
    started = time.monotonic()
    big = build_world(0, 100)
    elapsed = time.monotonic() - started
    assert elapsed < 60, f"build_world(0, 100) took {elapsed:.1f} s"
    expected = {f"county{i}.sim.gov.cn" for i in range(1, 101)}
    expected |= {big.portals[f"county{i}"].spec.mirror_host for i in range(1, 101)} - {None}
    assert expected <= set(big.hosts)
    assert set(big.hosts) - expected == set(world.hosts)
    for key in SEED_PORTALS:
        small_reports = [report_truth(r, DEFAULT_AS_OF) for r in world.portals[key].reports]
        big_reports = [report_truth(r, DEFAULT_AS_OF) for r in big.portals[key].reports]
        assert small_reports == big_reports, key
    scale = big.portals["county7"]
    assert scale.spec.host == "county7.sim.gov.cn" and scale.spec.is_scale
    assert all(credit_code_is_valid(u.code) for u in scale.units)


# --- grids ---------------------------------------------------------------------------------


_STYLES = [LabelStyle(), LabelStyle(split_lines=True, halfwidth_parens=True, spaced_short=True,
                                    traditional=True)]


@pytest.mark.parametrize("layout", [GB2021, GB2019])
@pytest.mark.parametrize("style", _STYLES, ids=["plain", "disturbed"])
def test_grids_are_rectangles(layout, style):
    keys = cell_keys(layout)
    raws = {k: str(n) for n, k in enumerate(keys)}
    grids = build_grids(layout, raws, style)
    seen_keys = []
    for table, grid in grids.items():
        n_rows = len(grid.rows)
        covered: Counter = Counter()
        for r, c, cell in grid.positions():
            assert cell.rowspan >= 1 and cell.colspan >= 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    covered[(r + dr, c + dc)] += 1
            if cell.key:
                seen_keys.append(cell.key)
                assert cell.key.startswith(table + "/")
                assert cell.text == raws[cell.key]
        full = {(r, c) for r in range(n_rows) for c in range(grid.n_cols)}
        assert set(covered) == full, (table, sorted(set(covered) ^ full)[:5])
        assert all(n == 1 for n in covered.values()), (table, [p for p, n in covered.items()
                                                               if n > 1][:5])
    assert sorted(seen_keys) == sorted(keys)
    assert len(seen_keys) == len(set(seen_keys))

