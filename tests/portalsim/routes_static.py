"""What the portals of static-publishing CMSes (TRS WCM, 开普云/Ucap) answer.

Both families write every page as a file at a stable path: home, channel list pages, detail
pages and the files next to them. What differs (URL shapes, markup, relative or absolute
links, how a list pages) lives in ``trs`` and ``ucap``, two modules with the same functions;
this router only finds what a path names and asks the family's module to draw it. Report
bodies come from the same renderers as on the Hanweb portals.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from html import escape
from types import ModuleType
from typing import TYPE_CHECKING

from . import hanweb
from .catalog import CALENDAR_TRAP, ColumnSpec, PortalSpec, UnitSpec
from .determinism import stable_hash
from .page import Detail, Page, SimRequest, html_page, redirect
from .render_forms import html_report_body, page_in_form
from .render_html import body_html
from .world import ATTACHMENT_RENDERINGS, HTML, STATIC_CMS, Article, Attachment, Portal, Report

if TYPE_CHECKING:
    from .routes import PortalRouter

_SITE_BUILT = datetime(2018, 6, 1, 8, 0)  # when the templates and static files were made


class StaticRouter:
    def __init__(self, parent: PortalRouter) -> None:
        self.parent = parent  # files, visibility and ordinary article words are shared
        self._pages: dict[tuple[str, str], Article] = {}
        self._files: dict[tuple[str, str], Attachment] = {}
        for portal in parent.world.portals.values():
            if portal.spec.cms not in STATIC_CMS:
                continue
            for article in portal.articles:
                self._pages[(article.host, article.path)] = article
                for att in article.attachments:
                    self._files[(att.host, att.path)] = att

    def is_download(self, spec: PortalSpec, path: str) -> bool:
        return STATIC_CMS[spec.cms].is_download(path)

    def respond(self, portal: Portal, req: SimRequest, as_of: date) -> Page:
        spec, cms, path = portal.spec, STATIC_CMS[portal.spec.cms], req.path
        if req.host != spec.host:
            return _not_found(cms)
        if path == "/robots.txt":
            text = hanweb.robots_txt(spec, None, list(spec.robots_disallow))
            return Page(200, text.encode(), "text/plain", modified=_SITE_BUILT)
        if path == "/" and (target := cms.root_redirect(spec)):
            return redirect(302, f"http://{req.host}{target}")
        if path == "/" or path in cms.home_paths(spec):
            return self._home(portal, cms, as_of)
        if (static := cms.static(path)) is not None:
            return Page(200, static[0].encode(), static[1], modified=_SITE_BUILT)
        if CALENDAR_TRAP in spec.hostility and path == spec.calendar_path:
            return self.parent.calendar(req, path)
        if (article := self._pages.get((req.host, path))) is not None:
            if article.path_at(as_of) != path:
                return _not_found(cms)
            return self._article(portal, cms, article, as_of)
        if (att := self._files.get((req.host, path))) is not None:
            if att.role == "broken" or not self.parent.attachment_visible(att, as_of):
                return _not_found(cms)  # a static server has no soft 404 for files
            return self.parent.file(att, as_of, None)
        for unit in spec.units:
            if path in cms.unit_home_paths(unit):
                return self._unit_home(spec, cms, unit)
        for column in spec.columns:
            if (page := cms.list_page_number(column, path)) is not None:
                return self._list(portal, cms, column, page, as_of)
        if (text := cms.extra_page(spec, path)) is not None:
            return html_page(text, _SITE_BUILT)
        if _is_directory(spec, cms, path + "/"):
            return redirect(301, f"http://{req.host}{path}/")  # what a static server does
        return _not_found(cms)

    # --- pages ---------------------------------------------------------------------------

    def _home(self, portal: Portal, cms: ModuleType, as_of: date) -> Page:
        here = cms.home_paths(portal.spec)[0]
        rows = portal.column_articles(portal.spec.columns[0].id, as_of)[:8]
        latest = [(cms.href(here, p), a.title, d) for a, p, d in rows]
        modified = max((d for _, _, d in latest), default=_SITE_BUILT)
        return html_page(cms.home_page(portal.spec, latest, as_of), modified)

    def _unit_home(self, spec: PortalSpec, cms: ModuleType, unit: UnitSpec) -> Page:
        others = []
        if unit.kind == "county":
            others = [(u, _annual_of(spec, u)) for u in spec.units if u.kind != "county"]
        text = cms.unit_home_page(spec, unit, _annual_of(spec, unit), others)
        return html_page(text, _SITE_BUILT)

    def _list(self, portal: Portal, cms: ModuleType, column: ColumnSpec, page: int,
              as_of: date) -> Page:
        rows = _column_rows(portal, column, as_of)
        pages = max(1, math.ceil(len(rows) / cms.PER_PAGE))
        # listing_cap: the list pages past the cap's page are gone (404) while every page's
        # pager still counts them all (a portal cutting its lists short).
        cap = math.ceil(portal.spec.listing_cap / cms.PER_PAGE) if portal.spec.listing_cap else pages
        if page > min(pages, cap):
            return _not_found(cms)
        here = cms.list_path(column, page)
        shown = rows[(page - 1) * cms.PER_PAGE: page * cms.PER_PAGE]
        records = [(cms.href(here, p), a.title, d) for a, p, d in shown]
        modified = max((d for _, _, d in rows), default=_SITE_BUILT)
        text = cms.list_page(portal.spec, column, _unit_of(portal.spec, column), records, page,
                             pages)
        return html_page(text, modified)

    def _article(self, portal: Portal, cms: ModuleType, article: Article, as_of: date) -> Page:
        spec, report = portal.spec, article.report
        here = article.path
        images = {att.block: cms.href(here, att.path)
                  for att in (report.images if report else []) if att.block is not None}
        files = tuple((cms.href(here, att.path), att.showname) for att in article.attachments
                      if att.role not in ("table_image", "figure"))
        modified = article.date_at(as_of)
        if report is not None:
            body = _report_body(report, as_of, images)
            modified = max(modified, report.version_at(as_of).since)
            source = report.unit.name
        else:
            body = "\n".join(self.parent.plain_paragraphs(portal, article))
            if article.dead_link:
                dead = cms.href(here, here.rsplit("/", 1)[0] + "/0.html")
                body += f'\n<p>详见<a href="{dead}">相关链接</a>。</p>'
            source = spec.government if article.kind != "news" else "本网"
        unit = _unit_of(spec, article.column)
        detail = Detail(
            path=here, title=article.title, published=article.published, source=source,
            column=article.column.name, unit=unit, body=body, files=files,
            images=tuple(images.values()), index_no=_index_no(portal, article, unit),
            xxgk=article.column.role == "annual",
            generated=article.published + timedelta(minutes=stable_hash(here) % 4320))
        return html_page(page_in_form(report, cms.article_page(spec, detail)), modified)


def _report_body(report: Report, as_of: date, images: dict[int, str]) -> str:
    if report.rendering == HTML:
        return html_report_body(report, as_of, images, skip_title=True)
    if report.rendering in ATTACHMENT_RENDERINGS:
        return f"<p>{escape(report.title)}详见附件。</p>"
    return body_html(report.blocks, report.html_style, grids=None, images=images,
                     skip_title=True)


def _column_rows(portal: Portal, column: ColumnSpec, as_of: date,
                 ) -> list[tuple[Article, str, datetime]]:
    """A column's records, newest first; the TRS aggregate quotes every unit's reports."""
    rows = portal.column_articles(column.id, as_of)
    if column.role == "annual_all":
        for article in portal.articles:
            path = article.path_at(as_of) if article.kind == "report" else None
            if path is not None:
                rows.append((article, path, article.date_at(as_of)))
        rows.sort(key=lambda r: (r[2], r[0].article_id), reverse=True)
    return rows


def _unit_of(spec: PortalSpec, column: ColumnSpec) -> UnitSpec | None:
    if column.role == "annual_all":
        return next(u for u in spec.units if u.kind == "county")
    return next((u for u in spec.units if u.short == column.unit), None)


def _annual_of(spec: PortalSpec, unit: UnitSpec) -> ColumnSpec:
    return next(c for c in spec.columns if c.role == "annual" and c.unit == unit.short)


def _index_no(portal: Portal, article: Article, unit: UnitSpec | None) -> str:
    """索引号: the organisation code of the publisher, the year, a running number."""
    report = article.report
    if report is not None and report.known and report.known.index_no:
        return report.known.index_no
    if report is not None:
        owner = report.unit
    else:
        owner = next((u for u in portal.units if unit and u.spec is unit), None) or next(
            u for u in portal.units if u.spec.kind == "county")
    return f"{owner.code[8:17]}/{article.published.year}-{stable_hash(article.path) % 300 + 1:05d}"


def _is_directory(spec: PortalSpec, cms: ModuleType, path: str) -> bool:
    dirs = {c.path for c in spec.columns}
    dirs |= {p for u in spec.units for p in cms.unit_home_paths(u) if p.endswith("/")}
    return path in dirs


def _not_found(cms: ModuleType) -> Page:
    return Page(404, cms.NOT_FOUND.encode())
