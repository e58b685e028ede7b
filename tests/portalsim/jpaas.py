"""Pages of a Hanweb "jpaas" county portal (烟台市莱山区) and answers of its list API.

Real (PORTALS.md; public crawlers of jpaas sites): a column page is a shell whose records a
script fetches from ``/api-gateway/jpaas-publish-server/front/page/build/unit`` with
``parseType=bulidstatic`` (the misspelling is the platform's), ``webId``, ``tplSetId``,
``pageType=column``, ``tagId``, ``pageId`` (the column id on county sites) and
``paramJson={"pageNo":N,"pageSize":S}``. The answer is ``{"success":true,"data":{"html":...}}``;
its html holds the records (full titles in ``title=``, dates) and
``<div class="pagination" count="N" rows=.. pageNo=.. queryData="{'webId':'..',...}">``, N
the column's total. Bare requests get 403: a browser's User-Agent, a Referer from the portal
and ``X-Requested-With: XMLHttpRequest`` pass. Numeric webIds and 21-character tplSetIds
as on yantai.gov.cn's jpaas subsites. Invented: the layout, the shell's script
(``unitBuild(...)`` with the same ``queryData``), the 403 page, the failure JSON. Articles,
attachments and images keep the JCMS shapes (``/art/Y/M/D/art_{col}_{id}.html``,
``downfile.jsp``, ``#zoom`` with the ZJEG_RSS markers), rendered with this module's chrome.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from urllib.parse import urlsplit

from .catalog import DEAD_LINKS, ColumnSpec, PortalSpec
from .hanweb import content_block

UNIT_API = "/api-gateway/jpaas-publish-server/front/page/build/unit"
PARSE_TYPE = "bulidstatic"  # sic: what the platform's own script sends
UNIT_SCRIPT = "/jpaas-jsp-web-server/script/unitbuild.js"
CUT = 30  # list link texts are cut to this many characters
FORBIDDEN = """<html>
<head><title>403 Forbidden</title></head>
<body>
<center><h1>403 Forbidden</h1></center>
<hr><center>nginx</center>
</body>
</html>
"""
NOT_FOUND = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>404</title></head>
<body><div class="error-page"><p>抱歉，您访问的页面不存在！</p><a href="/">返回首页</a></div></body></html>
"""
_STATIC = {
    UNIT_SCRIPT: (("/* jpaas unitbuild (portalsim stub): asks the list API, writes its html */\n"
                   "function unitBuild(target, url, queryData, paramJson) {}\n"),
                  "application/javascript"),
    "/images/jpaas/common.css": ("body{font:14px/1.8 'Microsoft YaHei'}\n", "text/css"),
    "/images/jquery-1.12.4.min.js": ("/*! jQuery v1.12.4 (portalsim stub) */\n",
                                     "application/javascript"),
}


@dataclass(frozen=True)
class UnitQuery:
    """One page of one column, as the list API is asked for it."""

    page_id: int
    page_no: int
    page_size: int


def static(path: str) -> tuple[str, str] | None:
    return _STATIC.get(path)


def query_data(spec: PortalSpec, column_id: int) -> str:
    """The unit's parameters as the platform writes them: a JS object, single quotes."""
    return (f"{{'webId':'{spec.webid}','pageId':'{column_id}','tagId':'{spec.tag_id}',"
            f"'tplSetId':'{spec.tpl_set_id}','pageType':'column','editType':'null'}}")


# --- the list API ---------------------------------------------------------------------------


def refusal(spec: PortalSpec, headers: dict[str, str]) -> str | None:
    """Why the gateway's firewall refuses a request (None: it passes). It lets through what a
    browser's XMLHttpRequest from the portal's own page sends, and nothing bare."""
    if not headers.get("user-agent", "").startswith("Mozilla/"):
        return "no browser User-Agent"
    if urlsplit(headers.get("referer", "")).hostname != spec.host:
        return "no Referer from the portal"
    if headers.get("x-requested-with") != "XMLHttpRequest":
        return "no X-Requested-With"
    return None


def unit_query(spec: PortalSpec, params: dict[str, str]) -> UnitQuery | str:
    """The page a request asks for, or why the publish server cannot build it (its message)."""
    wanted = {"parseType": PARSE_TYPE, "webId": str(spec.webid), "tplSetId": spec.tpl_set_id,
              "pageType": "column", "tagId": spec.tag_id}
    for name, value in wanted.items():
        if params.get(name) != value:
            return f"参数{name}错误"
    try:
        page_id = int(params.get("pageId", ""))
        paging = json.loads(params.get("paramJson") or "{}")
        page_no = int(paging.get("pageNo", 1))
        page_size = int(paging.get("pageSize", spec.per_page))
    except (ValueError, TypeError, AttributeError):
        return "参数paramJson错误"
    if page_no < 1 or page_size < 1:
        return "参数paramJson错误"
    return UnitQuery(page_id, page_no, page_size)


def unit_json(spec: PortalSpec, query: UnitQuery, rows: list[tuple[str, str, datetime]],
              total: int) -> str:
    """The built unit: the page's records and the pagination div that counts them all."""
    items = "\n".join(_record(url, title, when) for url, title, when in rows)
    pages = -(-total // query.page_size)
    html = (f'<ul class="xxgk_list">\n{items}\n</ul>\n'
            f'<div class="pagination" count="{total}" rows="{query.page_size}" '
            f'pageNo="{query.page_no}" pageCount="{pages}" unitUrl="{UNIT_API}" '
            f'queryData="{escape(query_data(spec, query.page_id), quote=False)}"></div>')
    return json.dumps({"success": True, "code": 200, "message": "操作成功",
                       "data": {"html": html}}, ensure_ascii=False)


def failure_json(message: str) -> str:
    return json.dumps({"success": False, "code": 500, "message": message, "data": None},
                      ensure_ascii=False)


def _record(url: str, title: str, when: datetime) -> str:
    cut = title if len(title) <= CUT else title[:CUT] + "..."
    return (f'<li><a href="{escape(url)}" title="{escape(title)}" target="_blank">'
            f'{escape(cut)}</a><span class="date">{when:%Y-%m-%d}</span></li>')


# --- pages ------------------------------------------------------------------------------------


def _head(spec: PortalSpec, title: str, extra: str = "", charset: str = "utf-8") -> str:
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<meta http-equiv="X-UA-Compatible" content="IE=edge,chrome=1">
<title>{escape(title)}</title>
<meta name="SiteName" content="{escape(spec.site_name)}">
<meta name="SiteDomain" content="{spec.host}">
<meta name="SiteIDCode" content="{spec.site_id_code}">
{extra}<link rel="stylesheet" href="/images/jpaas/common.css">
</head>
"""


def _header(spec: PortalSpec) -> str:
    links = "".join(f'<li><a href="/col/col{c.id}/index.html">{escape(c.name)}</a></li>'
                    for c in spec.columns)
    return f"""<body>
<div class="header"><div class="w1200"><div class="logo">{escape(spec.site_name)}</div>
<ul class="nav"><li><a href="/">首页</a></li>{links}</ul></div></div>
"""


def _footer(spec: PortalSpec, note: str = "") -> str:
    dead = '<a href="/col/col99999/index.html">专题专栏</a> ' if DEAD_LINKS in spec.hostility else ""
    return f"""<div class="footer"><div class="w1200">
<p>{dead}<a href="http://www.gov.cn/" target="_blank">中国政府网</a> <a href="http://www.shandong.gov.cn/" target="_blank">山东省人民政府</a> <a href="http://www.yantai.gov.cn/" target="_blank">烟台市人民政府</a></p>
<p>主办：{escape(spec.government)}办公室　网站标识码：{spec.site_id_code}　<a href="https://beian.miit.gov.cn/" target="_blank">鲁ICP备05012345号</a></p>{note}
</div></div>
</body>
</html>
"""


def home_page(spec: PortalSpec, latest: list[tuple[str, str, datetime]], as_of: date) -> str:
    """Built static by the platform: the latest news are in the page itself."""
    items = "\n".join(_record(u, t, d) for u, t, d in latest)
    annual = spec.column("annual")
    return (_head(spec, spec.site_name) + _header(spec)
            + f"""<div class="main w1200">
<div class="news"><h3>{escape(spec.columns[0].name)}</h3><ul>
{items}
</ul></div>
<div class="zwgk"><h3>政务公开</h3><ul>
<li><a href="/col/col{annual.id}/index.html">{escape(annual.name)}</a></li>
</ul></div>
</div>
""" + _footer(spec))


def column_shell(spec: PortalSpec, column: ColumnSpec) -> str:
    """A column page: no record in it; its script asks the list API for them."""
    target = f"unit_{column.id}"
    meta = (f'<meta name="ColumnName" content="{escape(column.name)}">\n'
            f'<meta name="ColumnType" content="{escape(column.name)}">\n')
    return (_head(spec, f"{column.name}_{spec.site_name}", meta) + _header(spec)
            + f"""<div class="main w1200">
<div class="position">当前位置：<a href="/">首页</a> &gt; <span>{escape(column.name)}</span></div>
<div class="list_box"><h2>{escape(column.name)}</h2>
<div id="{target}" class="jpaas-unit"></div>
</div></div>
<script type="text/javascript" src="/images/jquery-1.12.4.min.js"></script>
<script type="text/javascript" src="{UNIT_SCRIPT}"></script>
<script type="text/javascript">
  var queryData = {query_data(spec, column.id)};
  unitBuild('#{target}', '{UNIT_API}?parseType={PARSE_TYPE}', queryData, {{"pageNo":1,"pageSize":{spec.per_page}}});
</script>
""" + _footer(spec))


def article_page(spec: PortalSpec, column: ColumnSpec, article_id: int, title: str,
                 published: datetime, body: str, *, source: str, charset: str = "utf-8",
                 note: str = "") -> str:
    """A detail page (same arguments as ``hanweb.article_page``): the government-site meta
    tags and the JCMS body markers in jpaas's chrome."""
    pub = published.strftime("%Y-%m-%d %H:%M:%S")
    meta = (f'<meta name="ArticleTitle" content="{escape(title)}">\n'
            f'<meta name="PubDate" content="{pub}">\n'
            f'<meta name="ContentSource" content="{escape(source)}">\n'
            f'<meta name="ColumnName" content="{escape(column.name)}">\n'
            f'<meta name="ColumnType" content="{escape(column.name)}">\n'
            f'<meta name="i_columnid" content="{column.id}">\n'
            f'<meta name="i_articleid" content="{article_id}">\n')
    main = f"""<div class="main w1200">
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/col/col{column.id}/index.html">{escape(column.name)}</a></div>
<div class="article">
<h1 class="title">{escape(title)}</h1>
<div class="info"><span>发布时间：{pub}</span>　<span>来源：{escape(source)}</span></div>
{content_block(body)}
</div></div>
"""
    return (_head(spec, f"{title}_{spec.site_name}", meta, charset) + _header(spec) + main
            + _footer(spec, note))
