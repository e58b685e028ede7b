"""What each URL of a simulated portal answers at a given date.

Independent of the HTTP server: a ``SimRequest`` goes in, a ``Page`` comes out. The server
(``server.py``) adds hostility, conditional requests, compression and logging around it.
Hanweb portals are answered here; TRS WCM and Ucap portals by ``routes_static``. Hanweb
jpaas portals too: their home, column shells and list API are their own (``_jpaas``), their
articles, downloads, pictures and robots.txt the JCMS ones, in jpaas's chrome.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from html import escape
from urllib.parse import quote

from . import hanweb, jpaas
from .assets import BIG_FILE_SIZE, CONTENT_TYPES, Assets, big_file_chunks
from .catalog import (
    CALENDAR_TRAP,
    CRAWL_DELAY,
    DUPLICATE_URLS,
    HANWEB,
    JPAAS,
    REDIRECTS,
    PortalSpec,
)
from .determinism import rng_for, stable_hash
from .page import Page, SimRequest
from .page import html_page as _html
from .page import redirect as _redirect
from .render_forms import html_report_body, page_in_form
from .render_html import body_html
from .routes_static import StaticRouter
from .world import (
    ATTACHMENT_RENDERINGS,
    HTML,
    PDF,
    Article,
    Attachment,
    Portal,
    Report,
    World,
)

_ARTICLE = re.compile(r"^(?:/col/col(\d+))?/art/(\d{4})/(\d{1,2})/(\d{1,2})/art_(\d+)_(\d+)\.html$")
_COLUMN = re.compile(r"^/col/col(\d+)/(index\.html)?$")
_PICTURE = re.compile(r"^/picture/0/([0-9a-f]{32})\.png$")
_STATIC = {
    "/module/jslib/jquery/jquery.js": (hanweb.JQUERY_STUB, "application/javascript"),
    "/module/jslib/jquery/jpage/jquery.jpage.js": (hanweb.JPAGE_STUB, "application/javascript"),
    "/module/xxgk/xxgk.js": ("function loadDynamic(){}\n", "application/javascript"),
    "/images/1/style.css": ("body{font-size:14px}\n", "text/css"),
    "/module/xxgk/tree.css": (".tree_title{font-weight:bold}\n", "text/css"),
    "/module/xxgk/css/ndbg.css": (".ndbg_title{text-align:center}\n", "text/css"),
}


NOT_FOUND = Page(404, hanweb.NOT_FOUND.encode())
_JSON = "application/json;charset=UTF-8"


class PortalRouter:
    def __init__(self, world: World, assets: Assets, *, time_scale: float = 1.0) -> None:
        self.world = world
        self.assets = assets
        self.time_scale = time_scale
        self._articles: dict[str, dict[int, Article]] = {}
        self._attachment_article: dict[str, Article] = {}
        for portal in world.portals.values():
            index = self._articles.setdefault(portal.key, {})
            for article in portal.articles:
                index[article.article_id] = article
                if article.moved_id:
                    index[article.moved_id] = article
                for att in article.attachments:
                    self._attachment_article[att.hex] = article
        self.static = StaticRouter(self)

    def respond(self, req: SimRequest, as_of: date) -> Page:
        """Runs in a worker thread: rendering must not hold up the server's event loop."""
        portal = self.world.hosts[req.host]
        spec = portal.spec
        if spec.cms == JPAAS and (page := self._jpaas(portal, req, as_of)) is not None:
            return page
        if spec.cms not in (HANWEB, JPAAS):
            return self.static.respond(portal, req, as_of)
        path = req.path
        if path == "/robots.txt":
            return self._robots(portal)
        if path in ("/", "/index.html"):
            if path == "/index.html" and REDIRECTS in spec.hostility and spec.key == "yanzhou":
                return _redirect(301, f"http://{req.host}/")
            return self._home(portal, as_of) if req.host == spec.host else NOT_FOUND
        if path in _STATIC:
            text, ctype = _STATIC[path]
            return Page(200, text.encode(), ctype, modified=datetime(2018, 6, 1, 8, 0))
        if m := _ARTICLE.match(path):
            return self._article(portal, req, m, as_of)
        if m := _COLUMN.match(path):
            column_id = int(m.group(1))
            if not m.group(2):
                if REDIRECTS in spec.hostility and any(c.id == column_id for c in spec.columns):
                    return _redirect(302, f"http://{req.host}/col/col{column_id}/index.html")
                return NOT_FOUND
            return self._column(portal, req, column_id, as_of)
        if path == spec.dataproxy_path:
            return self._dataproxy(portal, req, as_of)
        if path.startswith("/module/xxgk/") and not spec.has_platform:
            return NOT_FOUND
        if path == "/module/xxgk/tree.jsp":
            units = [(u.code, u.name) for u in portal.units if u.spec.on_platform]
            return _html(hanweb.tree_page(spec, req.params.get("area", spec.xxgk_alias), units))
        if path == "/module/xxgk/search.jsp":
            return self._search(portal, req, as_of)
        if path == "/module/xxgk/xxgkAnnualReport.jsp" and spec.has_endpoint:
            return self._endpoint(portal, req, as_of)
        if path == "/module/download/downfile.jsp":
            return self._download(portal, req, as_of)
        if m := _PICTURE.match(path):
            att = portal.attachments.get(m.group(1))
            if att is None or att.ext != "png" or not self.attachment_visible(att, as_of):
                return NOT_FOUND
            return self.file(att, as_of, None)
        if path == "/module/calendar/calendar.jsp" and CALENDAR_TRAP in spec.hostility:
            return self.calendar(req)
        if path == "/xxgk/" and REDIRECTS in spec.hostility and spec.key == "wenshang":
            return _redirect(301, f"http://{req.host}/col/col{spec.xxgk_column}/index.html"
                                  f"?vc_xxgkarea={spec.xxgk_alias}&jh=263")
        if path == "/module/visitcount/articlehits.jsp":
            hits = stable_hash(req.params.get("artid", "")) % 5000
            return Page(200, f"document.write('{hits}');".encode(), "application/javascript")
        if path == "/pdfjs/viewer":
            file_url = escape(req.params.get("file", ""))
            return _html(f'<html><head><meta charset="utf-8"><title>PDF.js viewer</title></head>'
                         f'<body><div id="viewer" data-file="{file_url}"></div>'
                         f'<script src="/pdfjs/build/pdf.js"></script></body></html>')
        if path == "/module/search/index.jsp":
            return _html('<html><head><meta charset="utf-8"><title>站内搜索</title></head>'
                         '<body><div class="result">共找到0条结果</div></body></html>')
        return NOT_FOUND

    # --- pages ---------------------------------------------------------------------------

    def _robots(self, portal: Portal) -> Page:
        spec = portal.spec
        if spec.is_scale:
            text = "User-agent: *\nDisallow:\n"
        elif CRAWL_DELAY in spec.hostility:
            text = hanweb.robots_txt(spec, 2 * self.time_scale,
                                     ["/module/search/", f"/col/col{spec.column('leaders').id}/"])
        else:
            text = hanweb.robots_txt(spec, None, ["/manager/", "/module/visitcount/"])
        return Page(200, text.encode(), "text/plain", modified=datetime(2018, 6, 1, 8, 0))

    def _record_url(self, portal: Portal, article: Article, path: str) -> str:
        if article.alias and DUPLICATE_URLS in portal.spec.hostility:
            path = f"/col/col{article.column.id}{path}"
        if article.host != portal.spec.host:
            return f"http://{article.host}{path}"
        return path

    def _records(self, portal: Portal, column_id: int, as_of: date) -> tuple[list[str], datetime]:
        rows = portal.column_articles(column_id, as_of)
        records = [hanweb.record_html(portal.spec, self._record_url(portal, a, p), a.title, d)
                   for a, p, d in rows]
        modified = max((d for _, _, d in rows), default=datetime(2018, 6, 1))
        for article in portal.articles:  # removals change a list too
            if (article.column.id == column_id and article.removed_at
                    and article.removed_at.date() <= as_of):
                modified = max(modified, article.removed_at)
        return records, modified

    def _home(self, portal: Portal, as_of: date) -> Page:
        spec = portal.spec
        news = spec.columns[0]
        latest = [(self._record_url(portal, a, p), a.title, d)
                  for a, p, d in portal.column_articles(news.id, as_of)[:8]]
        modified = max((d for _, _, d in latest), default=datetime(2018, 6, 1))
        return _html(hanweb.home_page(spec, latest, as_of), modified)

    def _column(self, portal: Portal, req: SimRequest, column_id: int, as_of: date) -> Page:
        spec = portal.spec
        if column_id == spec.xxgk_column and spec.has_platform:
            area = req.query.get("vc_xxgkarea", spec.xxgk_alias)
            unit = portal.unit_by_code(area)
            return _html(hanweb.xxgk_shell(spec, area, unit.name if unit else spec.government))
        column = next((c for c in spec.columns if c.id == column_id), None)
        if column is None or req.host != spec.host:
            return NOT_FOUND
        records, modified = self._records(portal, column_id, as_of)
        return _html(hanweb.column_page(spec, column, records, len(records)), modified)

    def _jpaas(self, portal: Portal, req: SimRequest, as_of: date) -> Page | None:
        """What a jpaas portal answers its own way; None for what it shares with JCMS."""
        spec, path = portal.spec, req.path
        if path in ("/", "/index.html"):
            latest = [(self._record_url(portal, a, p), a.title, d)
                      for a, p, d in portal.column_articles(spec.columns[0].id, as_of)[:8]]
            modified = max((d for _, _, d in latest), default=datetime(2018, 6, 1))
            return _html(jpaas.home_page(spec, latest, as_of), modified)
        if (static := jpaas.static(path)) is not None:
            return Page(200, static[0].encode(), static[1], modified=datetime(2018, 6, 1, 8, 0))
        if m := _COLUMN.match(path):
            column = next((c for c in spec.columns if c.id == int(m.group(1))), None)
            if column is None or not m.group(2):
                return Page(404, jpaas.NOT_FOUND.encode())
            # The shell never changes: its records are the API's.
            return _html(jpaas.column_shell(spec, column), datetime(2018, 6, 1, 8, 0))
        if path == jpaas.UNIT_API:
            return self._jpaas_unit(portal, req, as_of)
        if _ARTICLE.match(path) or _PICTURE.match(path) or path in (
                "/robots.txt", "/module/download/downfile.jsp", "/pdfjs/viewer",
                "/module/visitcount/articlehits.jsp"):
            return None
        return Page(404, jpaas.NOT_FOUND.encode())

    def _jpaas_unit(self, portal: Portal, req: SimRequest, as_of: date) -> Page:
        """The list API: 403 to bare requests, a failure JSON to wrong parameters, else one
        page of the column (none past ``listing_cap``, while count= states them all)."""
        spec = portal.spec
        if jpaas.refusal(spec, req.headers) is not None:
            return Page(403, jpaas.FORBIDDEN.encode())
        query = jpaas.unit_query(spec, req.query)
        if isinstance(query, str) or not any(c.id == query.page_id for c in spec.columns):
            message = query if isinstance(query, str) else "页面不存在"
            return Page(200, jpaas.failure_json(message).encode(), _JSON)
        rows = [(self._record_url(portal, a, p), a.title, d)
                for a, p, d in portal.column_articles(query.page_id, as_of)]
        served = rows[:spec.listing_cap] if spec.listing_cap else rows
        start = (query.page_no - 1) * query.page_size
        shown = served[start:start + query.page_size]
        return Page(200, jpaas.unit_json(spec, query, shown, len(rows)).encode(), _JSON)

    def _dataproxy(self, portal: Portal, req: SimRequest, as_of: date) -> Page:
        if portal.spec.dataproxy_refuses and req.method.lower() == portal.spec.dataproxy_refuses:
            return Page(portal.spec.refusal_status, b"<html><body>Error</body></html>",
                        "text/html; charset=UTF-8")
        params = req.params
        try:
            column_id = int(params.get("columnid", "0"))
            per_page = int(params.get("perpage", portal.spec.per_page)) or portal.spec.per_page
            if "startrecord" in params:
                start = int(params["startrecord"])
                end = int(params.get("endrecord", start + per_page - 1))
            else:
                page = max(1, int(params.get("page", "1")))
                start, end = (page - 1) * per_page + 1, page * per_page
        except ValueError:
            return Page(400, b"bad request")
        records, _ = self._records(portal, column_id, as_of)
        if portal.spec.repeat_quirk and start > 1:
            start -= 1  # the quirk: a group repeats the previous group's last record
        if portal.spec.listing_cap:
            end = min(end, portal.spec.listing_cap)  # totalrecord still counts them all
        shown = records[max(0, start - 1): max(0, end)]
        xml = hanweb.datastore_xml(shown, len(records), per_page)
        return Page(200, xml.encode(), "text/xml; charset=UTF-8")

    def _article(self, portal: Portal, req: SimRequest, m: re.Match, as_of: date) -> Page:
        alias_col, y, mo, d, col, art_id = m.groups()
        article = self._articles[portal.key].get(int(art_id))
        if article is None or article.column.id != int(col) or req.host != article.host:
            return NOT_FOUND
        if alias_col and (not article.alias or int(alias_col) != article.column.id):
            return NOT_FOUND
        current = article.path_at(as_of)
        requested = req.path[len(f"/col/col{alias_col}"):] if alias_col else req.path
        if current is None:
            return NOT_FOUND
        if requested != current:
            if requested == article.path and article.moved_path == current:
                return _redirect(301, f"http://{req.host}{current}")
            return NOT_FOUND
        return self._article_page(portal, article, as_of)

    def _article_page(self, portal: Portal, article: Article, as_of: date) -> Page:
        spec = portal.spec
        report = article.report
        modified = article.date_at(as_of)
        if report is not None:
            body = self._report_body(report, as_of, with_title=False)
            modified = max(modified, report.version_at(as_of).since)
            source = report.unit.name
        else:
            body = self._plain_article_body(portal, article)
            source = spec.government if article.kind != "news" else "本网"
        charset, note = "utf-8", ""
        if article.gbk:
            charset, note = "gb2312", "<p>责任编辑：王喆</p>"
        template = jpaas.article_page if spec.cms == JPAAS else hanweb.article_page
        html = template(spec, article.column, article.moved_id if article.moved_at and
                                   article.moved_at.date() <= as_of else article.article_id,
                                   article.title, article.date_at(as_of), body, source=source,
                                   charset=charset, note=note)
        html = page_in_form(report, html)
        if article.gbk:
            # Declared gb2312 in <meta> only; 喆 is outside GB2312: decode as GBK/GB18030.
            return Page(200, html.encode("gbk", errors="xmlcharrefreplace"), "text/html",
                        modified=modified)
        return _html(html, modified)

    def plain_paragraphs(self, portal: Portal, article: Article) -> list[str]:
        """The words of an ordinary article (every CMS family writes the same ones)."""
        rng = rng_for(self.world.seed, portal.key, "body", article.article_id)
        topic = article.title[-8:]
        sentences = [f"为深入贯彻落实上级决策部署，扎实推进{topic}，{portal.spec.county}高度重视，精心组织。",
                     "会议强调，要提高政治站位，压实工作责任，确保各项任务落地见效。",
                     "各部门要加强协调配合，形成工作合力，及时研究解决工作中遇到的困难和问题。",
                     "下一步，将继续坚持问题导向，细化工作措施，推动工作再上新台阶。",
                     "此次活动取得了良好效果，受到群众广泛好评。"]
        return [f"<p>{s}</p>" for s in rng.sample(sentences, rng.randint(2, 5))]

    def _plain_article_body(self, portal: Portal, article: Article) -> str:
        paragraphs = self.plain_paragraphs(portal, article)
        links = [(a.path, a.showname) for a in article.attachments]
        if article.dead_link:
            paragraphs.append('<p>详见<a href="/art/2020/1/1/art_0_0.html">相关链接</a>。</p>')
        return "\n".join(paragraphs) + hanweb.attachment_links(links)

    def _report_body(self, report: Report, as_of: date, *, with_title: bool) -> str:
        images = {att.block: att.path for att in report.images if att.block is not None}
        if report.rendering == HTML:
            return html_report_body(report, as_of, images, skip_title=not with_title)
        if report.rendering in ATTACHMENT_RENDERINGS:
            att = report.attachment
            intro = f"<p>{escape(report.title)}详见附件。</p>"
            viewer = (hanweb.pdf_viewer_frame(att.path) if report.rendering == PDF
                      and stable_hash(report.rid) % 2 == 0 else "")
            return intro + viewer + hanweb.attachment_links([(att.path, att.showname)])
        return body_html(report.blocks, report.html_style, grids=None, images=images,
                         skip_title=not with_title)

    def _endpoint(self, portal: Portal, req: SimRequest, as_of: date) -> Page:
        area, fbtime = req.params.get("area", ""), req.params.get("fbtime", "")
        unit = portal.unit_by_code(area)
        failing = [u.code for u in portal.units if u.spec.on_platform][:portal.spec.platform_errors]
        if area in failing:
            return Page(500, b"<html><body>500 Internal Server Error</body></html>",
                        "text/html; charset=UTF-8")
        report = next((r for r in portal.reports if unit and r.unit is unit
                       and str(r.year) == fbtime and r.on_endpoint and r.visible(as_of)), None)
        if report is None:
            return _html(hanweb.annual_endpoint_page(unit.name if unit else "", 0, None, ""))
        body = self._report_body(report, as_of, with_title=False)
        return _html(hanweb.annual_endpoint_page(unit.name, report.year, report.published, body))

    def _search(self, portal: Portal, req: SimRequest, as_of: date) -> Page:
        params = req.params
        area = params.get("area", portal.spec.xxgk_alias)
        infotype = params.get("infotypeId", "")
        try:
            page = max(1, int(params.get("currpage") or 1))
        except ValueError:
            page = 1
        # Column-only units (on_platform false) are unknown to the platform's search.
        platform = [u for u in portal.units if u.spec.on_platform]
        units = platform if area == portal.spec.xxgk_alias else [
            u for u in platform if u.code == area]
        rows: list[tuple[str, str, str, datetime]] = []
        if infotype == "ndbg":
            for report in portal.reports:
                if report.unit not in units or not report.visible(as_of):
                    continue
                # The platform links the report's article where there is one (its canonical
                # URL; lists may use an alias), else the annual-report endpoint.
                path = report.article.path_at(as_of) if report.article else None
                if path is None:
                    url = report.endpoint_path
                else:
                    url = (f"http://{report.article.host}{path}"
                           if report.article.host != portal.spec.host else path)
                index_no = f"{report.unit.code[8:17]}/{report.published.year}-{report.year % 100:05d}"
                rows.append((index_no, url, report.title, report.published))
        elif infotype == "zcwj":
            notice = next((c for c in portal.spec.columns if c.role == "notice"), None)
            for article, path, when in (portal.column_articles(notice.id, as_of) if notice else []):
                owner = portal.units[stable_hash(article.article_id) % len(portal.units)]
                if owner in units:
                    rows.append((f"{owner.code[8:17]}/{when.year}-{article.article_id % 100000:05d}",
                                 path, article.title, when))
        rows.sort(key=lambda r: r[3], reverse=True)
        return _html(hanweb.search_page(rows, page, hanweb.PER_PAGE))

    def attachment_visible(self, att: Attachment, as_of: date) -> bool:
        if att.report is not None:
            report = att.report
            if not report.visible(as_of):
                return False
            return report.on_endpoint or report.article.path_at(as_of) is not None
        article = self._attachment_article.get(att.hex)
        return article is not None and article.path_at(as_of) is not None

    def _download(self, portal: Portal, req: SimRequest, as_of: date) -> Page:
        filename = req.params.get("filename", "")
        hex_part, _, ext = filename.partition(".")
        att = portal.attachments.get(hex_part)
        if (att is None or att.ext != ext or att.role == "broken"
                or not self.attachment_visible(att, as_of)):
            return Page(200, hanweb.SOFT_404.encode())  # Hanweb answers a missing file with 200
        return self.file(att, as_of, req.params.get("showname") or att.showname)

    def file(self, att: Attachment, as_of: date, showname: str | None) -> Page:
        headers = {}
        if showname is not None:
            headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(showname)}"
        article = self._attachment_article.get(att.hex)
        modified = att.report.version_at(as_of).since if att.report else (
            article.published if article else datetime(2018, 6, 1))
        if att.role == "big":
            return Page(200, b"", CONTENT_TYPES["zip"], modified=modified, headers=headers,
                        stream=lambda: big_file_chunks(att.hex), stream_size=BIG_FILE_SIZE)
        data = self.assets.bytes_of(att, as_of)
        return Page(200, data, CONTENT_TYPES[att.ext], modified=modified, headers=headers)

    def calendar(self, req: SimRequest, path: str = "/module/calendar/calendar.jsp") -> Page:
        try:
            year = int(req.params.get("year", "2024"))
            month = min(12, max(1, int(req.params.get("month", "1"))))
            day = int(req.params["day"]) if "day" in req.params else None
        except ValueError:
            return Page(400, b"bad request")
        return _html(hanweb.calendar_page(year, month, day, path))

    def guarded_download(self, spec: PortalSpec, path: str) -> bool:
        """Whether a COOKIE_STUB guard stands in front of this path (downloads only)."""
        if spec.cms in (HANWEB, JPAAS):
            return path == "/module/download/downfile.jsp"
        return self.static.is_download(spec, path)
