"""Ground truth of the simulated world at a date, for scoring crawlers and parsers.

``python -m tests.portalsim truth --as-of DATE`` prints it as JSON: every report with its
portal, unit, credit code, year, layout, rendering, every URL it can be fetched at, all its
table values in the canonical ids of docs/report-format.md, the facts its prose states and the
checks it fails; decoys; the changes between dates; the traps.

Value conventions: ``value`` is the number a cell means (``-``, ``/``, ``—`` mean 0) and
null for a blank cell; ``raw`` is the text as printed. Cells of reports whose tables are
images have ``source: "ocr"``.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from .catalog import (
    BIG_FILE,
    CALENDAR_TRAP,
    CHALLENGE,
    COOKIE_STUB,
    CRAWL_DELAY,
    DUPLICATE_URLS,
    HANWEB,
    JPAAS,
    RATE_LIMIT,
    PortalSpec,
)
from .forms import SCANNED_PDF, TRADITIONAL_FORMS
from .jpaas import UNIT_API
from .tables import cell_label
from .traditional import traditional_text
from .world import (
    ATTACHMENT_RENDERINGS,
    DEFAULT_AS_OF,
    HTML,
    IMAGE,
    PROSE,
    STATIC_CMS,
    Portal,
    Report,
    World,
    event_reports,
)

CONTENT = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           "doc": "application/msword", "pdf": "application/pdf", "png": "image/png",
           "wps": "application/octet-stream"}


def _url(host: str, path: str) -> str:
    return f"http://{host}{path}"


def report_urls(report: Report, as_of: date) -> list[dict]:
    """Every URL the report can be fetched at on that date."""
    if not report.visible(as_of):
        return []
    spec = report.portal
    urls = []
    page_rendering = report.rendering if report.rendering in (HTML, IMAGE, PROSE) else "link"
    if report.on_endpoint:
        urls.append({"url": _url(spec.host, report.endpoint_path), "role": "endpoint",
                     "rendering": page_rendering, "content_type": "text/html",
                     "encoding": "utf-8"})
    article = report.article
    path = article.path_at(as_of) if article else None
    if article and path:
        encoding = "gbk" if article.gbk else "utf-8"
        urls.append({"url": _url(article.host, path), "role": "article",
                     "rendering": page_rendering, "content_type": "text/html",
                     "encoding": encoding})
        if article.alias and DUPLICATE_URLS in spec.hostility:
            urls.append({"url": _url(article.host, f"/col/col{article.column.id}{path}"),
                         "role": "alias", "rendering": page_rendering,
                         "content_type": "text/html", "encoding": encoding})
    host = article.host if article and not report.on_endpoint else spec.host
    if report.attachment:
        urls.append({"url": _url(host, report.attachment.path), "role": "attachment",
                     "rendering": report.rendering,
                     "content_type": CONTENT[report.attachment.ext]})
    for image in report.images:
        urls.append({"url": _url(host, image.path),
                     "role": "table_image" if image.role == "table_image" else "figure",
                     "rendering": IMAGE, "table": image.table, "content_type": "image/png"})
    return urls


def report_truth(report: Report, as_of: date) -> dict:
    version = report.version_at(as_of)
    cells = []
    if report.has_tables:
        source = "ocr" if report.rendering == IMAGE or report.form == SCANNED_PDF else "table"
        for key, cell in version.cells.items():
            table, row, column = key.split("/")
            raw = traditional_text(cell.raw) if report.form in TRADITIONAL_FORMS else cell.raw
            entry = {"table": table, "row": row, "column": column, "value": cell.value,
                     "raw": raw, "label": cell_label(report.layout, key), "source": source}
            if cell.unit:
                entry["unit"] = cell.unit
            cells.append(entry)
    versions = []
    previous = None
    for v in report.versions:
        if v.since.date() > as_of:
            break
        changed = []
        if previous is not None:
            changed = [{"cell": k, "from": previous.cells[k].value, "to": c.value}
                       for k, c in v.cells.items() if previous.cells[k].value != c.value]
        versions.append({"since": v.since.isoformat(sep=" "), "note": v.note, "changed": changed})
        previous = v
    status = "published" if report.visible(as_of) else (
        "removed" if report.published.date() <= as_of else "unpublished")
    return {
        "id": report.rid, "portal": report.portal.key, "unit": report.unit.short,
        "org": org_as_written(report), "credit_code": report.unit.code, "kind": report.unit.spec.kind,
        "year": report.year, "layout": report.layout, "rendering": report.rendering,
        "form": report.form,
        "title": report.title, "published": report.published.isoformat(sep=" "),
        "status": status, "seed": report.seed, "urls": report_urls(report, as_of),
        "cells": cells,
        "facts": [{"name": f.name, "value": f.value, "text": f.text, "cell": f.cell}
                  for f in report.facts],
        "failing_checks": report.failing_checks(as_of), "breakage": report.breakage,
        "versions": versions,
    }


def org_as_written(report: Report) -> str:
    """The organisation as the report names itself: a traditional page writes its name in
    traditional characters, and a reader reports a name as written (the corpus convention,
    e.g. 江西省農業農村廳); a copy's reading aids are not part of the name (寧強(qiáng)縣民政局 is
    寧強縣民政局, as sn-ningqiang-minzhengju-department-2023-c3dde74e is typed)."""
    if report.form in TRADITIONAL_FORMS:
        return traditional_text(report.unit.name)
    return report.unit.name


def _decoys(portal: Portal, as_of: date) -> list[dict]:
    out = []
    for article in portal.articles:
        if article.kind not in ("decoy", "bundle"):
            continue
        path = article.path_at(as_of)
        if path is None:
            continue
        out.append({"portal": portal.key, "title": article.title, "kind": article.kind,
                    "url": _url(article.host, path),
                    "attachments": [_url(article.host, a.path) for a in article.attachments]})
    return out


def _portal_truth(portal: Portal, time_scale: float) -> dict:
    spec = portal.spec
    if spec.cms not in (HANWEB, JPAAS):
        return _static_portal_truth(portal)
    robots = {"crawl_delay": None, "disallow": ["/manager/", "/module/visitcount/"]}
    if spec.is_scale:
        robots = {"crawl_delay": None, "disallow": []}
    elif CRAWL_DELAY in spec.hostility:
        robots = {"crawl_delay": 2 * time_scale,
                  "disallow": ["/module/search/", f"/col/col{spec.column('leaders').id}/"]}
    facts = {
        "key": spec.key, "host": spec.host,
        "hosts": [spec.host] + ([spec.mirror_host] if spec.mirror_host else []),
        "cms": "hanweb", "province": spec.province, "city": spec.city, "county": spec.county,
        "government": spec.government, "has_endpoint": spec.has_endpoint,
        "dataproxy_path": spec.dataproxy_path, "dataproxy_form": spec.dataproxy_form,
        "xxgk_column": spec.xxgk_column, "xxgk_area": spec.xxgk_alias,
        "columns": [{"id": c.id, "name": c.name, "role": c.role} for c in spec.columns],
        "hostility": sorted(spec.hostility), "robots": robots,
        "units": [{"name": u.name, "short": u.short, "kind": u.spec.kind,
                   "credit_code": u.code, "on_platform": u.spec.on_platform}
                  for u in portal.units],
    }
    if spec.cms == JPAAS:
        facts.update(_jpaas_facts(spec))
    return facts


def _jpaas_facts(spec: PortalSpec) -> dict:
    """A jpaas portal: the JCMS-only facts null; column pages, and what the list API is asked
    with (``pageId`` is the column id)."""
    return {
        "cms": JPAAS, "dataproxy_path": None, "dataproxy_form": None, "xxgk_column": None,
        "xxgk_area": None,
        "columns": [{"id": c.id, "name": c.name, "role": c.role,
                     "url": _url(spec.host, f"/col/col{c.id}/index.html")} for c in spec.columns],
        "jpaas": {"api": _url(spec.host, UNIT_API), "webid": str(spec.webid),
                  "tplsetid": spec.tpl_set_id, "tagid": spec.tag_id,
                  "page_size": spec.per_page, "listing_cap": spec.listing_cap},
    }


def _static_portal_truth(portal: Portal) -> dict:
    """A TRS/Ucap portal: the Hanweb-only facts are null; its home page and the list pages of
    its columns are given instead (what a generic spider starts from)."""
    spec = portal.spec
    cms = STATIC_CMS[spec.cms]
    return {
        "key": spec.key, "host": spec.host, "hosts": [spec.host], "cms": spec.cms,
        "province": spec.province, "city": spec.city, "county": spec.county,
        "government": spec.government, "has_endpoint": False, "dataproxy_path": None,
        "dataproxy_form": None, "xxgk_column": None, "xxgk_area": None,
        "columns": [{"id": c.id, "name": c.name, "role": c.role, "unit": c.unit,
                     "url": _url(spec.host, cms.list_path(c, 1))} for c in spec.columns],
        "hostility": sorted(spec.hostility),
        "robots": {"crawl_delay": None, "disallow": list(spec.robots_disallow)},
        "units": [{"name": u.name, "short": u.short, "kind": u.spec.kind,
                   "credit_code": u.code, "on_platform": False,
                   "home": _url(spec.host, cms.unit_home_paths(u.spec)[0])}
                  for u in portal.units],
        "home": _url(spec.host, "/"), "home_page": _url(spec.host, cms.home_paths(spec)[0]),
    }


def truth(world: World, as_of: date = DEFAULT_AS_OF, time_scale: float = 1.0) -> dict:
    portals = list(world.portals.values())
    reports = [report_truth(r, as_of) for p in portals for r in p.reports
               if r.published.date() <= as_of]
    events = truth_events(world)
    traps: dict[str, list[str]] = {"calendar": [], "big_file": [], "challenge_hosts": [],
                                   "rate_limited_hosts": [], "soft_404": [],
                                   "cookie_stub_hosts": []}
    for portal in portals:
        spec = portal.spec
        if CALENDAR_TRAP in spec.hostility:
            traps["calendar"].append(_url(spec.host, spec.calendar_path))
        if CHALLENGE in spec.hostility:
            traps["challenge_hosts"].append(spec.host)
        if RATE_LIMIT in spec.hostility:
            traps["rate_limited_hosts"].append(spec.host)
        if COOKIE_STUB in spec.hostility:
            traps["cookie_stub_hosts"].append(spec.host)
        for att in portal.attachments.values():
            if att.role == "big" and BIG_FILE in spec.hostility:
                traps["big_file"].append(_url(att.host, att.path))
            if att.role == "broken" and spec.cms in (HANWEB, JPAAS):  # static: 404
                traps["soft_404"].append(_url(att.host, att.path))
    return {
        "as_of": as_of.isoformat(), "seed": world.seed, "scale": world.scale,
        "portals": [_portal_truth(p, time_scale) for p in portals],
        "reports": reports,
        "decoys": [d for p in portals for d in _decoys(p, as_of)],
        "events": events, "traps": traps,
        "counts": counts(reports, portals, as_of),
    }


def truth_events(world: World) -> dict:
    events = {}
    for name, report in event_reports(world).items():
        entry = {"report": report.rid}
        if name == "revised":
            entry["at"] = report.versions[1].since.isoformat(sep=" ")
        elif name == "removed":
            entry["at"] = report.article.removed_at.isoformat(sep=" ")
            entry["url"] = _url(report.article.host, report.article.path)
        else:
            entry["at"] = report.article.moved_at.isoformat(sep=" ")
            entry["from"] = _url(report.article.host, report.article.path)
            entry["to"] = _url(report.article.host, report.article.moved_path)
        events[name] = entry
    return events


def counts(reports: list[dict], portals: list[Portal], as_of: date) -> dict:
    published = [r for r in reports if r["status"] == "published"]
    return {
        "portals": len(portals),
        "units": sum(len(p.units) for p in portals),
        "reports": len(published),
        "reports_removed": sum(1 for r in reports if r["status"] == "removed"),
        "by_layout": dict(Counter(r["layout"] for r in published)),
        "by_rendering": dict(Counter(r["rendering"] for r in published)),
        "by_form": dict(Counter(r["form"] for r in published if r.get("form"))),
        "by_portal": dict(Counter(r["portal"] for r in published)),
        "report_urls": sum(len(r["urls"]) for r in published),
        "inconsistent": sum(1 for r in published if r["failing_checks"]),
        "seeds": sum(1 for r in published if r["seed"]),
        "articles": sum(1 for p in portals for a in p.articles if a.path_at(as_of)),
        "decoys": sum(1 for p in portals for a in p.articles
                      if a.kind == "decoy" and a.path_at(as_of)),
    }


def summary(world: World, as_of: date) -> dict:
    """The counts, hosts and events: what ``serve`` prints when it starts. Computed without
    the cells (writing every cell of 7,000 scale reports would make the start slow)."""
    portals = list(world.portals.values())
    reports = [{"status": "published" if r.visible(as_of) else "removed", "layout": r.layout,
                "rendering": r.rendering, "form": r.form, "portal": r.portal.key, "seed": r.seed,
                "urls": report_urls(r, as_of),
                # Only broken or revised reports can fail (the world tests check the rest).
                "failing_checks": bool((r.breakage or len(r.versions) > 1)
                                       and r.failing_checks(as_of))}
               for p in portals for r in p.reports if r.published.date() <= as_of]
    hosts = [h for p in portals for h in [p.spec.host] + ([p.spec.mirror_host]
                                                          if p.spec.mirror_host else [])]
    events = truth_events(world)
    return {"as_of": as_of.isoformat(), "hosts": hosts, "counts": counts(reports, portals, as_of),
            "events": events}


__all__ = ["truth", "summary", "report_truth", "report_urls", "ATTACHMENT_RENDERINGS"]
