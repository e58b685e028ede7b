"""The two Jiangsu county portals that do not run Hanweb: 洪泽区 on TRS WCM and 沭阳县 on
开普云/Ucap.

The generic fallback spider is tested against them. Hosts, the region codes, Shuyang's
SiteIDCode, the 发改局 directory ``sygfj`` and its 2023 report (URL, date, title, 索引号, the
credit code built from the organisation code in that 索引号) are real, from
../shared/real_samples/; the other unit directories, column ids and codes are invented in
the same form.
"""

from __future__ import annotations

from dataclasses import replace

from .catalog import (
    CALENDAR_TRAP,
    COOKIE_STUB,
    DEAD_LINKS,
    REDIRECTS,
    SLOW,
    TRANSIENT,
    TRS,
    UCAP,
    ColumnSpec,
    KnownReport,
    PortalSpec,
    UnitSpec,
    _departments,
    _townships,
)
from .determinism import credit_code

# Annual-report column directory of every unit (real on Shuyang: /sygfj/gknb/...).
ANNUAL_DIR = "gknb"


def _in_dirs(units: list[UnitSpec], dirs: list[str]) -> list[UnitSpec]:
    assert len(units) == len(dirs)
    return [replace(u, dir=d) for u, d in zip(units, dirs)]


def _annual_columns(units: tuple[UnitSpec, ...], first_id: int, name: str,
                    ) -> tuple[ColumnSpec, ...]:
    """One annual-report column per unit, under the unit's own directory."""
    return tuple(ColumnSpec(first_id + n, name, "annual", 0, path=f"/{u.dir}/{ANNUAL_DIR}/",
                            unit=u.short) for n, u in enumerate(units))


_HONGZE_UNITS = (
    UnitSpec("区政府", "淮安市洪泽区人民政府", "county", first_year=2018, dir="hzqzf"),
    *_in_dirs(_departments("淮安市洪泽区", ["发展和改革委员会", "财政局", "教育体育局",
                                          "人力资源和社会保障局", "卫生健康委员会"], "区"),
              ["hzqfgw", "hzqczj", "hzqjtj", "hzqrsj", "hzqwjw"]),
    *_in_dirs(_townships("淮安市洪泽区", ["高良涧街道", "朱坝街道", "黄集街道", "东双沟镇",
                                        "蒋坝镇", "岔河镇", "老子山镇"]),
              ["gljjd", "zbjd", "hjjd", "dsgz", "jbz", "chz", "lzsz"]),
    UnitSpec("区公共资源交易中心", "淮安市洪泽区公共资源交易中心", "institution", dir="hzqggzy"),
)

HONGZE = PortalSpec(
    key="hongze", host="www.hongze.gov.cn", province="江苏省", city="淮安市", county="洪泽区",
    government="淮安市洪泽区人民政府", region="320813", site_name="洪泽区人民政府",
    site_id_code="3208130002", webid=0, phone_prefix="0517-87", article_id_base=15_200_000,
    dataproxy_path="", dataproxy_form="", record_style="", repeat_quirk=False,
    has_endpoint=False, xxgk_column=0, xxgk_alias="",
    columns=(
        ColumnSpec(52101, "洪泽要闻", "news", 0, 110, path="/hzqzf/hzyw/"),
        ColumnSpec(52102, "通知公告", "notice", 0, 60, path="/hzqzf/tzgg/"),
        ColumnSpec(52103, "部门动态", "dept", 0, 50, path="/hzqzf/bmdt/"),
        ColumnSpec(52104, "镇街动态", "township", 0, 50, path="/hzqzf/zjdt/"),
        # Every unit's report, quoted from its own column, many pages (createPageHTML).
        ColumnSpec(52150, "政府信息公开年报", "annual_all", 0, path="/hzqzf/xxgknb/"),
        *_annual_columns(_HONGZE_UNITS, 52201, "政府信息公开年度报告"),
    ),
    units=_HONGZE_UNITS,
    hostility=frozenset({TRANSIENT, SLOW, DEAD_LINKS, REDIRECTS, CALENDAR_TRAP}),
    cms=TRS, calendar_path="/hzqzf/hdrl/calendar.jsp", robots_disallow=("/wcm/", "/was5/"),
    # The real 区政府 reports of 2023 and 2024 are WPS-made PDFs (real_samples/hongze_*.pdf).
    known_reports=(
        KnownReport("区政府", 2023, "洪泽区人民政府2023年政府信息公开工作年度报告", "pdf"),
        KnownReport("区政府", 2024, "淮安市洪泽区人民政府2024年政府信息公开工作年度报告", "pdf"),
    ),
)

_SHUYANG_UNITS = (
    UnitSpec("县政府", "沭阳县人民政府", "county", first_year=2018, dir="shuyang"),
    UnitSpec("县发改局", "沭阳县发展和改革局", "department", dir="sygfj",
             code=credit_code("11", "321322", "014314799")),
    UnitSpec("县财政局", "沭阳县财政局", "department", dir="syczj"),
    UnitSpec("县教育局", "沭阳县教育局", "department", dir="syjyj"),
    UnitSpec("县人社局", "沭阳县人力资源和社会保障局", "department", dir="syrsj"),
    UnitSpec("县卫健委", "沭阳县卫生健康委员会", "department", dir="sywjw"),
    UnitSpec("县资规局", "沭阳县自然资源和规划局", "department", dir="syzgj"),
    *_in_dirs(_townships("沭阳县", ["沭城街道", "南湖街道", "章集街道", "贤官镇", "胡集镇",
                                  "钱集镇", "韩山镇"]),
              ["scjd", "nhjd", "zjjd", "xgz", "hjz", "qjz", "hsz"]),
    UnitSpec("县融媒体中心", "沭阳县融媒体中心", "institution", dir="syrmt", first_year=2021),
)

SHUYANG = PortalSpec(
    key="shuyang", host="www.shuyang.gov.cn", province="江苏省", city="宿迁市", county="沭阳县",
    government="沭阳县人民政府", region="321322", site_name="沭阳县人民政府",
    site_id_code="3213220037", webid=0, phone_prefix="0527-83", article_id_base=4_100_000,
    dataproxy_path="", dataproxy_form="", record_style="", repeat_quirk=False,
    has_endpoint=False, xxgk_column=0, xxgk_alias="",
    columns=(
        ColumnSpec(73101, "沭阳要闻", "news", 0, 110, path="/shuyang/syyw/"),
        ColumnSpec(73102, "通知公告", "notice", 0, 60, path="/shuyang/tzgg/"),
        ColumnSpec(73103, "部门动态", "dept", 0, 50, path="/shuyang/bmdt/"),
        ColumnSpec(73104, "乡镇动态", "township", 0, 50, path="/shuyang/xzdt/"),
        *_annual_columns(_SHUYANG_UNITS, 73201, "政府信息公开年报"),
    ),
    units=_SHUYANG_UNITS,
    hostility=frozenset({TRANSIENT, DEAD_LINKS, REDIRECTS, COOKIE_STUB}),
    cms=UCAP, robots_disallow=("/search4/", "/manager/"),
    known_reports=(
        KnownReport("县发改局", 2023, "沭阳县发展和改革局2023年政府信息公开年度报告", "html",
                    doc="2ecfb31a335f4d689220a3a23e24a986", published="2024-01-17 09:48:26",
                    index_no="014314799/2024-00002"),
    ),
)

JIANGSU_PORTALS: tuple[PortalSpec, ...] = (HONGZE, SHUYANG)
