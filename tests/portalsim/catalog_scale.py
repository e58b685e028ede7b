"""Generated county portals for benchmarks and variety tests (``--scale N``).

``county1`` … ``countyN`` are drawn in turn from nine variants: six Hanweb JCMS portals that
differ as PORTALS.md says real ones do, then one jpaas portal (as 莱山区), one TRS WCM portal
(as 洪泽区) and one 开普云/Ucap portal (as 沭阳县). A national crawl meets all four families, in
about the proportions of the first real portals we know, so a benchmark at scale measures the
generic spider and the jpaas API as well as the Hanweb pager. The first six keep the Hanweb
variants they always had (tests name county1 … county6 by what they are).
"""

from __future__ import annotations

import hashlib

from .catalog import (
    HANWEB,
    JPAAS,
    NEW_DATAPROXY,
    OLD_DATAPROXY,
    TRS,
    UCAP,
    ColumnSpec,
    PortalSpec,
    UnitSpec,
    _departments,
    _townships,
)
from .catalog_jiangsu import _annual_columns, _in_dirs

_TOWNSHIPS = ["城关街道", "东城街道", "西城街道", "北关镇", "南关镇", "李庄镇", "王集镇",
              "张楼镇", "刘屯镇"]
_DEPARTMENTS = ["财政局", "教育局"]
# TRS/Ucap portals keep each unit under a directory named by its initials (洪泽: hzqczj).
_GOVERNMENT_DIR = "xzf"
_TOWNSHIP_DIRS = ["cgjd", "dcjd", "xcjd", "bgz", "ngz", "lzz", "wjz", "zlz", "ltz"]
_DEPARTMENT_DIRS = ["xczj", "xjyj"]

# The Hanweb variants (PORTALS.md): (dataproxy path, the form its pages advertise, the form it
# refuses and how, record markup, the repeated record, perPage, mirror, platform).
# perPage: portals that show 5 a page (first load 15) page their annual column at once.
# Mirror: some of the column's reports live on another host of the county (xxgk.…).
# Platform: the xxgk platform exists (else every report is an article of the column).
HANWEB_VARIANTS: tuple[tuple[str, str, str, int, str, bool, int, bool, bool], ...] = (
    (NEW_DATAPROXY, "post", "", 404, "li_span", False, 15, False, True),
    (NEW_DATAPROXY, "get", "post", 404, "b_date", False, 5, False, True),
    (OLD_DATAPROXY, "post", "get", 405, "table_row", True, 3, False, True),
    (OLD_DATAPROXY, "get", "post", 500, "li_span", True, 4, False, True),
    (NEW_DATAPROXY, "post", "", 404, "b_date", True, 4, True, True),
    (NEW_DATAPROXY, "get", "", 404, "table_row", False, 6, False, False),
)
# The families in the order scale portals are drawn (after the Hanweb variants, in turn).
FAMILIES: tuple[str, ...] = (*(HANWEB,) * len(HANWEB_VARIANTS), JPAAS, TRS, UCAP)


def scale_portal(index: int) -> PortalSpec:
    """The generated portal ``county{index}`` (calm: no hostility; robots allow everything)."""
    variant = (index - 1) % len(FAMILIES)
    county = f"模拟{index}县"
    base = 100_000 + index * 1000
    common = {
        "key": f"county{index}", "host": f"county{index}.sim.gov.cn", "province": "模拟省",
        "city": "模拟市", "county": county, "government": f"{county}人民政府",
        "region": f"99{index // 100 % 100:02d}{index % 100:02d}",
        "site_name": f"{county}人民政府", "site_id_code": f"99{index:08d}",
        "phone_prefix": "0999-", "article_id_base": 5_000_000 + index * 10_000,
        "is_scale": True}
    units = (UnitSpec("县政府", f"{county}人民政府", "county"),
             *_townships(county, _TOWNSHIPS), *_departments(county, _DEPARTMENTS, "县"))
    if variant < len(HANWEB_VARIANTS):
        return _hanweb(index, base, units, common, HANWEB_VARIANTS[variant])
    if FAMILIES[variant] == JPAAS:
        return PortalSpec(
            **common, webid=index, dataproxy_path="", dataproxy_form="", record_style="",
            repeat_quirk=False, has_endpoint=False, xxgk_column=0, xxgk_alias="",
            columns=(ColumnSpec(base + 1, "工作动态", "news", 0, 30),
                     ColumnSpec(base + 9, "政府信息公开年度报告", "annual", 0)),
            units=units, cms=JPAAS, per_page=20, tpl_set_id=_tpl_set_id(index),
            tag_id="信息列表")
    return _static(base, units, common, FAMILIES[variant])


def _hanweb(index: int, base: int, units: tuple[UnitSpec, ...], common: dict,
            variant: tuple[str, str, str, int, str, bool, int, bool, bool]) -> PortalSpec:
    path, form, refuses, status, records, repeat, per_page, mirror, platform = variant
    return PortalSpec(
        **common, webid=1, dataproxy_path=path, dataproxy_form=form, record_style=records,
        repeat_quirk=repeat, has_endpoint=platform, has_platform=platform,
        dataproxy_refuses=refuses, refusal_status=status, per_page=per_page,
        mirror_host=f"xxgk.county{index}.sim.gov.cn" if mirror else None,
        xxgk_column=base, xxgk_alias=f"sim{index}",
        columns=(ColumnSpec(base + 1, "工作动态", "news", base * 10 + 1, 30),
                 ColumnSpec(base + 9, "政府信息公开年度报告", "annual", base * 10 + 9)),
        units=units)


def _static(base: int, units: tuple[UnitSpec, ...], common: dict, cms: str) -> PortalSpec:
    """A TRS or Ucap portal: every unit publishes in its own directory's annual column; TRS
    also quotes them all in one aggregate column (as 洪泽's 政府信息公开年报)."""
    county, townships = units[0], units[1:1 + len(_TOWNSHIPS)]
    departments = units[1 + len(_TOWNSHIPS):]
    placed = (UnitSpec(county.short, county.full, county.kind, dir=_GOVERNMENT_DIR),
              *_in_dirs(list(townships), _TOWNSHIP_DIRS),
              *_in_dirs(list(departments), _DEPARTMENT_DIRS))
    news = ColumnSpec(base + 1, "工作动态", "news", 0, 30, path=f"/{_GOVERNMENT_DIR}/gzdt/")
    aggregate = (ColumnSpec(base + 8, "政府信息公开年报", "annual_all", 0,
                            path=f"/{_GOVERNMENT_DIR}/xxgknb/"),) if cms == TRS else ()
    name = "政府信息公开年度报告" if cms == TRS else "政府信息公开年报"
    return PortalSpec(
        **common, webid=0, dataproxy_path="", dataproxy_form="", record_style="",
        repeat_quirk=False, has_endpoint=False, xxgk_column=0, xxgk_alias="",
        columns=(news, *aggregate, *_annual_columns(placed, base + 10, name)),
        units=placed, cms=cms)


def _tpl_set_id(index: int) -> str:
    """21 letters and digits, as the tplSetId of yantai.gov.cn's jpaas subsites."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
    digest = hashlib.sha256(f"jpaas-tplset:{index}".encode()).digest()
    return "".join(alphabet[b % len(alphabet)] for b in digest[:21])
