"""The registry entry of a generated portal, as ``xxgk sites probe`` writes it.

Benchmarks crawl hundreds of generated portals and need their entries before the simulator
runs (probing would put the probe's requests in the access log the politeness figures are
read from). tests/test_crawl_listings.py checks that the probe writes these same entries for
every scale variant, so a benchmark crawls what an operator's probe would have set up.
"""

from __future__ import annotations

from typing import Any

from . import trs, ucap
from .catalog import HANWEB, JPAAS, TRS, PortalSpec


def registry_entry(spec: PortalSpec) -> dict[str, Any]:
    """The entry of one portal (where its reports are; no schedule, no region)."""
    entry: dict[str, Any] = {"key": spec.key, "name": spec.site_name, "cms": spec.cms,
                             "hosts": [spec.host, *filter(None, [spec.mirror_host])],
                             "home": f"http://{spec.host}/"}
    if spec.cms == HANWEB:
        hanweb: dict[str, Any] = {"webid": spec.webid, "dataproxy": spec.dataproxy_path,
                                  "annual_report_columns": [spec.column("annual").id]}
        if spec.has_platform:
            hanweb["xxgk"] = {"column": spec.xxgk_column, "area": spec.xxgk_alias,
                              "annual_report_endpoint": spec.has_endpoint, "first_year": 2018}
        entry["hanweb"] = hanweb
    elif spec.cms == JPAAS:
        entry["jpaas"] = {"webid": str(spec.webid), "tplsetid": spec.tpl_set_id,
                          "tagid": spec.tag_id,
                          "annual_report_columns": [spec.column("annual").id]}
    else:  # TRS, Ucap: the generic spider from the county's disclosure page
        county = next(u for u in spec.units if u.kind == "county")
        pages = (trs if spec.cms == TRS else ucap).unit_home_paths(county)
        entry.update(cms="generic", entry_points=[f"http://{spec.host}{pages[0]}"])
    return entry
