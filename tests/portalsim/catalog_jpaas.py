"""Portals on the newer Hanweb "jpaas" platform, served only when asked for.

烟台市莱山区 stands for the Yantai counties that moved to jpaas (PORTALS.md): column pages
are JavaScript shells whose records come from the publish server's list API. The portal is
opt-in (``build_world(seed, scale, extra=("laishan",))``, ``serve --extra laishan``) so that
the default world, its truth, its counts and every test and demo built on them stay as they
are. The host, county and region code are real; the webId is numeric and the tplSetId 21
characters as on yantai.gov.cn's jpaas subsites; column ids, units' codes and the rest are
invented in the same form.
"""

from __future__ import annotations

from .catalog import (
    DEAD_LINKS,
    JPAAS,
    SLOW,
    TRANSIENT,
    ColumnSpec,
    PortalSpec,
    UnitSpec,
    _departments,
    _townships,
)

LAISHAN = PortalSpec(
    key="laishan", host="www.laishan.gov.cn", province="山东省", city="烟台市", county="莱山区",
    government="烟台市莱山区人民政府", region="370613", site_name="烟台市莱山区人民政府",
    site_id_code="3706130011", webid=87, phone_prefix="0535-6", article_id_base=6_410_000,
    dataproxy_path="", dataproxy_form="", record_style="", repeat_quirk=False,
    has_endpoint=False, xxgk_column=0, xxgk_alias="",
    columns=(
        ColumnSpec(31850, "莱山要闻", "news", 0, 120),
        ColumnSpec(31852, "通知公告", "notice", 0, 60),
        ColumnSpec(31856, "部门动态", "dept", 0, 40),
        ColumnSpec(31901, "政府信息公开年度报告", "annual", 0),
    ),
    units=(
        UnitSpec("区政府", "烟台市莱山区人民政府", "county", first_year=2018),
        *_townships("烟台市莱山区", ["黄海路街道", "初家街道", "滨海路街道", "解甲庄街道",
                                   "莱山街道", "院格庄街道"]),
        *_departments("烟台市莱山区", ["财政局", "教育和体育局", "卫生健康局",
                                     "市场监督管理局"], "区"),
        UnitSpec("区公共资源交易中心", "烟台市莱山区公共资源交易中心", "institution"),
    ),
    hostility=frozenset({TRANSIENT, SLOW, DEAD_LINKS}),
    cms=JPAAS, per_page=20, tpl_set_id="nK3wLq8ZtRb5YcXe2VmHa", tag_id="信息列表",
)

# The portals a world holds only when named (``build_world(..., extra=...)``), by key.
OPT_IN_PORTALS: dict[str, PortalSpec] = {LAISHAN.key: LAISHAN}
