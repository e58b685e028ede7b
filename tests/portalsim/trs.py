"""Pages of a TRS WCM (拓尔思) county portal: static files published by the CMS.

URL shapes [seen, PORTALS.md]: articles ``{column dir}{YYYYMM}/t{YYYYMMDD}_{id}.html``; list
pages ``index.html, index_1.html, ...`` whose count only the page's script knows
(``createPageHTML(N, 0, "index", "html")`` or ``var countPage = N``); body in
``<div class="TRS_Editor">``; attachments next to the article, linked relatively
(``./P0{YYYYMMDD}{12 digits}.pdf``), images ``./W0...png`` with an ``OLDSRC`` attribute;
breadcrumbs relative with ``class="CurrChnlCls"``; the standard government-site meta tags
(``SiteName`` ... ``ArticleTitle``, ``PubDate``, ``ContentSource``). Page layout is invented.
"""

from __future__ import annotations

from datetime import date, datetime
from html import escape

from .catalog import CALENDAR_TRAP, DEAD_LINKS, REDIRECTS, ColumnSpec, PortalSpec, UnitSpec
from .page import Detail

PER_PAGE = 20


def article_path(column: ColumnSpec, article_id: int, when: datetime) -> str:
    return f"{column.path}{when:%Y%m}/t{when:%Y%m%d}_{article_id}.html"


def file_path(article_path: str, when: datetime, hex_name: str, ext: str) -> str:
    """Files sit next to their article: P0... for attachments, W0... for content images."""
    digits = int(hex_name[:16], 16) % 10 ** 12
    prefix = "W0" if ext == "png" else "P0"
    return f"{article_path.rsplit('/', 1)[0]}/{prefix}{when:%Y%m%d}{digits:012d}.{ext}"


def list_path(column: ColumnSpec, page: int) -> str:
    """Page 1 is index.html, page 2 index_1.html: TRS counts from 0."""
    return f"{column.path}index.html" if page == 1 else f"{column.path}index_{page - 1}.html"


def list_page_number(column: ColumnSpec, path: str) -> int | None:
    """Which page of the column a path asks for (the directory itself is page 1)."""
    if path in (column.path, f"{column.path}index.html"):
        return 1
    name = path[len(column.path):] if path.startswith(column.path) else ""
    if name.startswith("index_") and name.endswith(".html") and name[6:-5].isdigit():
        n = int(name[6:-5])
        return n + 1 if n >= 1 and str(n) == name[6:-5] else None
    return None


def unit_home_paths(unit: UnitSpec) -> tuple[str, ...]:
    """A unit's disclosure page is its directory's index (区政府's lists every unit)."""
    return (f"/{unit.dir}/", f"/{unit.dir}/index.html")


def home_paths(spec: PortalSpec) -> tuple[str, ...]:
    return ("/", "/index.html")


def root_redirect(spec: PortalSpec) -> str | None:
    return None  # the site root is the home page itself


_STATIC = {
    "/images/common.css": ("body{font:14px/1.8 'Microsoft YaHei'}\n", "text/css"),
    "/images/jquery-1.8.3.min.js": ("/*! jQuery v1.8.3 (portalsim stub) */\n",
                                    "application/javascript"),
}


def static(path: str) -> tuple[str, str] | None:
    return _STATIC.get(path)


def extra_page(spec: PortalSpec, path: str) -> str | None:
    return None


def is_download(path: str) -> bool:
    """Attachments are P0... files next to their article."""
    return path.rsplit("/", 1)[-1].startswith("P0")
NOT_FOUND = """<html>
<head><title>404 Not Found</title></head>
<body>
<center><h1>404 Not Found</h1></center>
<hr><center>nginx</center>
</body>
</html>
"""


def href(from_path: str, to_path: str) -> str:
    """TRS writes links relative to the page: ./202401/t..., ../../hzqczj/gknb/..."""
    start = [p for p in from_path.split("/")[:-1] if p]
    parts = [p for p in to_path.split("/") if p]
    dirs, name = (parts, "") if to_path.endswith("/") else (parts[:-1], parts[-1])
    common = 0
    while common < min(len(start), len(dirs)) and start[common] == dirs[common]:
        common += 1
    rest = "".join(f"{d}/" for d in dirs[common:]) + name
    ups = len(start) - common
    return ("../" * ups if ups else "./") + rest


def _head(spec: PortalSpec, title: str, column: str, extra: str = "") -> str:
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<meta http-equiv="X-UA-Compatible" content="IE=edge" />
<title>{escape(title)}</title>
<meta name="SiteName" content="{escape(spec.site_name)}">
<meta name="SiteDomain" content="{spec.host}">
<meta name="SiteIDCode" content="{spec.site_id_code}">
<meta name="ColumnName" content="{escape(column)}">
<meta name="ColumnDescription" content="">
<meta name="ColumnKeywords" content="">
<meta name="ColumnType" content="{escape(column)}">
{extra}<link href="/images/common.css" rel="stylesheet" type="text/css" />
<script type="text/javascript" src="/images/jquery-1.8.3.min.js"></script>
</head>
"""


def _top(spec: PortalSpec, here: str) -> str:
    news = [c for c in spec.columns if c.role in ("news", "notice", "dept", "township")]
    links = "".join(f'<li><a href="{href(here, c.path)}">{escape(c.name)}</a></li>' for c in news)
    xxgk = next(u for u in spec.units if u.kind == "county")
    return f"""<body>
<div class="top"><div class="w1200">欢迎访问{escape(spec.site_name)}门户网站</div></div>
<div class="nav"><ul><li><a href="{href(here, '/')}">首页</a></li>{links}
<li><a href="{href(here, unit_home_paths(xxgk)[0])}">政府信息公开</a></li></ul></div>
"""


def _footer(spec: PortalSpec) -> str:
    dead = '<a href="/hzqzf/ztzl/">专题专栏</a> | ' if DEAD_LINKS in spec.hostility else ""
    return f"""<div class="footer"><div class="w1200">
<p>{dead}<a href="http://www.gov.cn/" target="_blank">中国政府网</a> | <a href="http://www.jiangsu.gov.cn/" target="_blank">江苏省人民政府</a></p>
<p>主办单位：{escape(spec.government)}办公室　网站标识码：{spec.site_id_code}　<a href="https://beian.miit.gov.cn/" target="_blank">苏ICP备05012345号-1</a></p>
</div></div>
</body>
</html>
"""


def _cut(title: str, size: int = 30) -> str:
    return title if len(title) <= size else title[:size] + "..."


def _rows(rows: list[tuple[str, str, datetime]]) -> str:
    return "\n".join(f'<li><a href="{escape(u)}" target="_blank" title="{escape(t)}">'
                     f"{escape(_cut(t))}</a><span>{d:%Y-%m-%d}</span></li>" for u, t, d in rows)


def home_page(spec: PortalSpec, latest: list[tuple[str, str, datetime]], as_of: date) -> str:
    county = next(u for u in spec.units if u.kind == "county")
    annual = f"/{county.dir}/gknb/"
    if REDIRECTS in spec.hostility:
        annual = annual.rstrip("/")  # answered with a 301 to the directory
    aggregate = next(c for c in spec.columns if c.role == "annual_all")
    calendar = ""
    if CALENDAR_TRAP in spec.hostility:
        calendar = (f'<div class="rl"><a href="{spec.calendar_path}?year={as_of.year}'
                    f'&amp;month={as_of.month}">活动日历</a></div>')
    news = spec.columns[0]
    return (_head(spec, spec.site_name, "首页") + _top(spec, "/")
            + f"""<div class="main w1200">
<div class="news"><h3><a href="{href('/', news.path)}">{escape(news.name)}</a></h3><ul>
{_rows(latest)}
</ul></div>
<div class="zwgk"><h3>政务公开</h3><ul>
<li><a href="{annual}">政府信息公开年度报告</a></li>
<li><a href="{href('/', aggregate.path)}">{escape(aggregate.name)}</a></li>
</ul></div>
{calendar}</div>
""" + _footer(spec))


def _crumbs(here: str, links: list[tuple[str, str]]) -> str:
    parts = [f'<a href="{href(here, path)}" title="{escape(name)}" class="CurrChnlCls">'
             f"{escape(name)}</a>" for path, name in links]
    return '<div class="position">当前位置：' + "&nbsp;&gt;&nbsp;".join(parts) + "</div>"


def unit_home_page(spec: PortalSpec, unit: UnitSpec, annual: ColumnSpec,
                   others: list[tuple[UnitSpec, ColumnSpec]]) -> str:
    """A unit's disclosure page; the county government's also lists every other unit."""
    here = unit_home_paths(unit)[1]
    menu = (f'<li><a href="{href(here, annual.path)}">{escape(annual.name)}</a></li>'
            "<li>政府信息公开指南</li><li>政府信息公开制度</li><li>法定主动公开内容</li>")
    table = ""
    if others:
        groups = []
        for kind, label in (("department", "区政府部门"), ("institution", "其他单位"),
                            ("township", "镇（街道）")):
            rows = "\n".join(
                f'<tr><td><a href="{href(here, unit_home_paths(u)[0])}">{escape(u.full)}</a></td>'
                f'<td><a href="{href(here, c.path)}">信息公开年报</a></td></tr>'
                for u, c in others if u.kind == kind)
            if rows:
                groups.append(f"<h4>{label}</h4>\n<table class=\"dwlist\">\n{rows}\n</table>")
        aggregate = next(c for c in spec.columns if c.role == "annual_all")
        table = (f'<div class="gknb"><p><a href="{href(here, aggregate.path)}">'
                 f"{escape(aggregate.name)}</a></p>\n" + "\n".join(groups) + "</div>")
    crumbs = _crumbs(here, [("/", "首页"), (unit_home_paths(unit)[0], unit.full)])
    return (_head(spec, f"{unit.full}_{spec.site_name}", "政府信息公开") + _top(spec, here)
            + f"""<div class="main w1200">{crumbs}
<div class="xxgk"><h2>{escape(unit.full)}</h2><ul class="menu">{menu}</ul>
{table}</div></div>
""" + _footer(spec))


_PAGER_FUNCTION = r"""function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){
	if(_nPageCount == null || _nPageCount<=1){
		return;
	}
	var nCurrIndex = _nCurrIndex || 0;
	if(nCurrIndex == 0)
		document.write("<span>首页</span>&nbsp;<span>上一页</span>&nbsp;");
	else{
		document.write("<a href=\""+_sPageName+"."+_sPageExt+"\">首页</a>&nbsp;");
		if(nCurrIndex == 1)
			document.write("<a href=\""+_sPageName+"."+_sPageExt+"\">上一页</a>&nbsp;");
		else
			document.write("<a href=\""+_sPageName+"_" + (nCurrIndex-1) + "."+_sPageExt+"\">上一页</a>&nbsp;");
	}
	if(nCurrIndex == _nPageCount-1)
		document.write("<span>下一页</span>&nbsp;<span>尾页</span>");
	else{
		document.write("<a href=\""+_sPageName+"_" + (nCurrIndex+1) + "."+_sPageExt+"\">下一页</a>&nbsp;");
		document.write("<a href=\""+_sPageName+"_" + (_nPageCount-1) + "."+_sPageExt+"\">尾页</a>");
	}
	document.write("&nbsp;共"+_nPageCount+"页");
}"""


def _pager(page: int, pages: int, count_page_style: bool) -> str:
    """The only way to the next pages: a script (no <a> in the markup)."""
    if count_page_style:  # the older template: variables, then the same links
        return f"""<div class="page"><script language="JavaScript">
var currentPage = {page - 1};//所在页从0开始
var prevPage = currentPage-1//上一页
var nextPage = currentPage+1//下一页
var countPage = {pages}//共多少页
document.write("共"+countPage+"页&nbsp;&nbsp;");
if(countPage>1&&currentPage!=0){{
	if(currentPage==1) document.write("<a href=\\"index.html\\">上一页</a>&nbsp;");
	else document.write("<a href=\\"index_"+prevPage+".html\\">上一页</a>&nbsp;");
}}
if(countPage>1&&currentPage!=(countPage-1)) document.write("<a href=\\"index_"+nextPage+".html\\">下一页</a>&nbsp;");
</script></div>"""
    return (f'<div class="page"><script language="JavaScript">\n{_PAGER_FUNCTION}\n'
            f'createPageHTML({pages}, {page - 1}, "index", "html");\n</script></div>')


def list_page(spec: PortalSpec, column: ColumnSpec, unit: UnitSpec | None,
              rows: list[tuple[str, str, datetime]], page: int, pages: int) -> str:
    here = list_path(column, page)
    crumbs = [("/", "首页")]
    if unit is not None:
        crumbs.append((f"/{unit.dir}/", unit.full))
    crumbs.append((column.path, column.name))
    return (_head(spec, f"{column.name}_{spec.site_name}", column.name) + _top(spec, here)
            + f"""<div class="main w1200">{_crumbs(here, crumbs)}
<div class="list"><h2>{escape(column.name)}</h2>
<ul>
{_rows(rows)}
</ul>
{_pager(page, pages, column.role == "annual_all")}
</div></div>
""" + _footer(spec))


def article_page(spec: PortalSpec, detail: Detail) -> str:
    here = detail.path
    directory = here.rsplit("/", 2)[0] + "/"  # the column: ./ of ../
    crumbs = [("/", "首页")]
    if detail.unit is not None:
        crumbs.append((f"/{detail.unit.dir}/", detail.unit.full))
    crumbs.append((directory, detail.column))
    pub = detail.published.strftime("%Y-%m-%d %H:%M")
    meta = (f'<meta name="ArticleTitle" content="{escape(detail.title)}">\n'
            f'<meta name="PubDate" content="{pub}">\n'
            f'<meta name="ContentSource" content="{escape(detail.source)}">\n'
            f'<meta name="Keywords" content="">\n<meta name="Author" content="">\n'
            f'<meta name="Description" content="{escape(detail.title)}">\n'
            f'<meta name="Url" content="http://{spec.host}{here}">\n')
    body = detail.body
    for image in detail.images:  # WCM keeps the stored name of every picture it rewrote
        body = body.replace(f'src="{image}"', f'src="{image}" OLDSRC="{image[2:]}"')
    files = ""
    if detail.files:
        items = "".join(f'<p><a href="{escape(u)}" target="_blank">{escape(n)}</a></p>'
                        for u, n in detail.files)
        files = f'<div class="fj"><span>附件：</span>{items}</div>'
    return (_head(spec, f"{detail.title}_{spec.site_name}", detail.column, meta) + _top(spec, here)
            + f"""<div class="main w1200">{_crumbs(here, crumbs)}
<div class="article">
<h1 class="title">{escape(detail.title)}</h1>
<div class="info"><span>发布日期：{pub}</span>　<span>来源：{escape(detail.source)}</span>　<span>索引号：{escape(detail.index_no)}</span></div>
<div class="content" id="zoom">
<div class="TRS_Editor">{body}</div>
</div>
{files}
</div></div>
""" + _footer(spec))
