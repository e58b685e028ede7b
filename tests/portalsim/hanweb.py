"""Page templates of a Hanweb (大汉) JCMS county portal, as PORTALS.md describes them.

Pure functions from world objects to HTML/XML text: home page, column pages with the
embedded <datastore> and jpage script, dataproxy.jsp XML, article pages with the Hanweb
meta tags and ZJEG_RSS markers, the xxgk platform (JS shell, tree.jsp, search.jsp) and the
annual-report endpoint.
"""

from __future__ import annotations

from datetime import date, datetime
from html import escape
from urllib.parse import quote

from .catalog import CALENDAR_TRAP, DEAD_LINKS, REDIRECTS, ColumnSpec, PortalSpec

PER_PAGE = 15
FIRST_LOAD_PAGES = 3  # the column page embeds the first three pages of records
CUT = 22  # list link texts are cut to this many characters


def _head(spec: PortalSpec, title: str, extra: str = "", charset: str = "utf-8") -> str:
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}" />
<meta http-equiv="X-UA-Compatible" content="IE=edge" />
<title>{escape(title)}</title>
<meta name='Generator' content='大汉版通'>
<meta name="SiteName" content="{escape(spec.site_name)}">
<meta name="SiteDomain" content="http://{spec.host}/">
<meta name="SiteIDCode" content="{spec.site_id_code}">
{extra}<link rel="stylesheet" type="text/css" href="/images/1/style.css" />
<script type="text/javascript" src="/module/jslib/jquery/jquery.js"></script>
</head>
"""


def _header(spec: PortalSpec) -> str:
    links = []
    for column in spec.columns:
        href = f"/col/col{column.id}/index.html"
        if REDIRECTS in spec.hostility and column.role in ("annual", "notice"):
            href = f"/col/col{column.id}/"  # answered with a 302 to index.html
        links.append(f'<li><a href="{href}" target="_blank">{escape(column.name)}</a></li>')
    xxgk = f"/col/col{spec.xxgk_column}/index.html?vc_xxgkarea={spec.xxgk_alias}&amp;jh=263"
    if REDIRECTS in spec.hostility and spec.key == "wenshang":
        xxgk = "/xxgk/"  # an old path, moved permanently
    platform = f'<li><a href="{xxgk}">政府信息公开</a></li>' if spec.has_platform else ""
    return f"""<body>
<div class="top"><div class="w1200"><span class="fl">欢迎访问{escape(spec.site_name)}网站</span>
<a href="/module/search/index.jsp?field_7=&amp;i_columnid=style_1" class="search">站内搜索</a></div></div>
<div class="nav"><ul><li><a href="/">首页</a></li>{''.join(links)}
{platform}</ul></div>
"""


def _footer(spec: PortalSpec, note: str = "") -> str:
    dead = ('<a href="/col/col99999/index.html">专题专栏</a> '
            if DEAD_LINKS in spec.hostility else "")
    return f"""<div class="footer"><div class="w1200">
<p>{dead}<a href="http://www.gov.cn/" target="_blank">中国政府网</a> <a href="http://www.shandong.gov.cn/" target="_blank">山东省人民政府</a></p>
<p>主办：{escape(spec.government)}办公室　网站标识码：{spec.site_id_code}　<a href="https://beian.miit.gov.cn/" target="_blank">鲁ICP备05012345号</a></p>{note}
</div></div>
</body>
</html>
"""


def record_html(spec: PortalSpec, url: str, title: str, when: datetime) -> str:
    """One list record in the portal's own markup; link text cut, full title in @title."""
    cut = title if len(title) <= CUT else title[:CUT] + "…"
    day = when.strftime("%Y-%m-%d")
    if spec.record_style == "b_date":
        return f'<li><a href="{url}" title="{escape(title)}" target="_blank">{escape(cut)}</a><b>{day}</b></li>'
    if spec.record_style == "table_row":
        return (f"<table width=\"100%\" border=\"0\" cellspacing=\"0\" cellpadding=\"0\"><tr>"
                f"<td class=\"bt_link\"><a href='{url}' title='{escape(title)}' target=\"_blank\">"
                f"{escape(cut)}</a></td><td width=\"90\" class=\"bt_time\">[{day}]</td></tr></table>")
    return f"<li><a href='{url}' title='{escape(title)}' target='_blank'>{escape(cut)}</a><span>{day}</span></li>"


def home_page(spec: PortalSpec, latest: list[tuple[str, str, datetime]], as_of: date) -> str:
    items = "\n".join(record_html(spec, u, t, d) for u, t, d in latest)
    calendar = ""
    if CALENDAR_TRAP in spec.hostility:
        calendar = (f'<div class="calendar"><a href="/module/calendar/calendar.jsp?year={as_of.year}'
                    f'&amp;month={as_of.month}">活动日历</a></div>')
    return (_head(spec, spec.site_name) + _header(spec)
            + f'<div class="main w1200"><div class="news"><h3>最新动态</h3><ul>\n{items}\n</ul></div>'
            + calendar + "</div>\n" + _footer(spec))


def column_page(spec: PortalSpec, column: ColumnSpec, records: list[str], total: int) -> str:
    """A list page: first records embedded as XML, the rest behind dataproxy.jsp."""
    first = records[: spec.per_page * FIRST_LOAD_PAGES]
    recordset = "\n".join(f"<record><![CDATA[\n{r}\n]]></record>" for r in first)
    webname = quote(spec.site_name)
    if spec.dataproxy_form == "get":
        nextgroup = (f"{spec.dataproxy_path}?page=1&appid=1&webid={spec.webid}&path=/"
                     f"&columnid={column.id}&unitid={column.unitid}&webname={webname}&permissiontype=0")
    else:
        nextgroup = (f"{spec.dataproxy_path}?col=1&appid=1&webid={spec.webid}&path=/"
                     f"&columnid={column.id}&sourceContentType=1&unitid={column.unitid}"
                     f"&webname={webname}&permissiontype=0")
    script = f"""<script type="text/javascript" src="/module/jslib/jquery/jpage/jquery.jpage.js"></script>
<script type="text/javascript">
$(document).ready(function(){{
  $('#{column.unitid}').jpage({{
    dataStore: dataStore,
    proxyUrl: '{spec.dataproxy_path}',
    perPage: {spec.per_page}, totalRecord: {total}, groupSize: {FIRST_LOAD_PAGES},
    barPosition: 'bottom', dataBefore: '<ul class="list">', dataAfter: '</ul>',
    ajaxType: '{spec.dataproxy_form}',
    ajaxParam: {{col:1, appid:1, webid:{spec.webid}, path:'/', columnid:{column.id},
                sourceContentType:1, unitid:{column.unitid}, webname:'{escape(spec.site_name)}', permissiontype:0}}
  }});
}});
</script>"""
    body = f"""<div class="main w1200"><div class="position">当前位置：<a href="/">首页</a> &gt; {escape(column.name)}</div>
<div class="list_box"><h2>{escape(column.name)}</h2>
<div id="{column.unitid}"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="{nextgroup}"></a>]]></nextgroup>
<recordset>
{recordset}
</recordset></datastore></script></div>
{script}
</div></div>
"""
    return _head(spec, f"{spec.site_name} {column.name}",
                 f'<meta name="ColumnName" content="{escape(column.name)}">\n') + _header(spec) + body + _footer(spec)


def datastore_xml(records: list[str], total: int, per_page: int) -> str:
    pages = (total + per_page - 1) // per_page if per_page else 0
    recordset = "\n".join(f"<record><![CDATA[\n{r}\n]]></record>" for r in records)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<datastore>\n<totalrecord>{total}</totalrecord>\n'
            f"<totalpage>{pages}</totalpage>\n<recordset>\n{recordset}\n</recordset>\n</datastore>\n")


def article_page(spec: PortalSpec, column: ColumnSpec, article_id: int, title: str,
                 published: datetime, body: str, *, source: str, charset: str = "utf-8",
                 note: str = "") -> str:
    pub = published.strftime("%Y-%m-%d %H:%M")
    meta = (f'<meta name="ArticleTitle" content="{escape(title)}">\n'
            f'<meta name="PubDate" content="{pub}">\n'
            f'<meta name="ContentSource" content="{escape(source)}">\n'
            f'<meta name="ColumnName" content="{escape(column.name)}">\n'
            f'<meta name="i_columnid" content="{column.id}">\n'
            f'<meta name="i_articleid" content="{article_id}">\n')
    main = f"""<div class="main w1200"><div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/col/col{column.id}/index.html">{escape(column.name)}</a></div>
<div class="article">
<h1 class="title">{escape(title)}</h1>
<div class="info">发布日期：{pub}　信息来源：{escape(source)}　浏览次数：<script language="javascript" src="/module/visitcount/articlehits.jsp?colid={column.id}&amp;artid={article_id}"></script></div>
{content_block(body)}
</div></div>
"""
    return (_head(spec, f"{spec.site_name} {column.name} {title}", meta, charset)
            + _header(spec) + main + _footer(spec, note))


def content_block(body: str) -> str:
    """An article's body between the markers Hanweb's RSS export reads (JCMS and jpaas
    pages alike)."""
    return f"""<div id="zoom">
<!--ZJEG_RSS.content.begin--><meta name="ContentStart">
{body}
<meta name="ContentEnd"><!--ZJEG_RSS.content.end-->
</div>"""


def attachment_links(links: list[tuple[str, str]]) -> str:
    if not links:
        return ""
    items = "".join(f'<p>附件：<a href="{escape(url)}" target="_blank">{escape(name)}</a></p>'
                    for url, name in links)
    return f'<div class="fj">{items}</div>'


def pdf_viewer_frame(url: str) -> str:
    return (f'<p><iframe src="/pdfjs/viewer?file={quote(url, safe="")}" width="100%" '
            f'height="800" frameborder="0"></iframe></p>')


# --- the xxgk platform --------------------------------------------------------------------

INFOTYPES = (("jgzn", "机构职能"), ("zcwj", "政策文件"), ("ghjh", "规划计划"),
             ("rsrm", "人事任免"), ("czzj", "财政资金"), ("ndbg", "政府信息公开年度报告"))
DIVID = "div4"


def xxgk_shell(spec: PortalSpec, area: str, unit_name: str) -> str:
    """The disclosure page: empty until its JavaScript loads the tree and the list."""
    body = f"""<div class="main w1200"><div class="position">当前位置：<a href="/">首页</a> &gt; 政府信息公开 &gt; {escape(unit_name)}</div>
<div class="xxgk_left"><iframe id="xxgktree" src="/module/xxgk/tree.jsp?standardXxgk=1&amp;area={area}&amp;divid={DIVID}" frameborder="0" scrolling="auto" width="260" height="600"></iframe></div>
<div class="xxgk_right"><div id="{DIVID}"></div></div>
<script type="text/javascript" src="/module/xxgk/xxgk.js"></script>
<script type="text/javascript">
function funclick(a, b, c) {{
  loadDynamic('/module/xxgk/search.jsp?standardXxgk=1&infotypeId='+a+'&vc_title='+encodeURI(b||'')+'&vc_number='+encodeURI(c||'')+'&area={area}', '{DIVID}', '0','0','950','{spec.webid}','','');
}}
funclick('', '', '');
</script>
</div>
"""
    return _head(spec, f"{spec.site_name} 政府信息公开") + _header(spec) + body + _footer(spec)


def tree_page(spec: PortalSpec, area: str, units: list[tuple[str, str]]) -> str:
    """tree.jsp: the unit list of the platform and the category nodes of the current area."""
    unit_items = "\n".join(
        f'<li><a href="/col/col{spec.xxgk_column}/index.html?vc_xxgkarea={code}&amp;jh=263" '
        f'target="_parent" title="{escape(name)}">{escape(name)}</a></li>' for code, name in units)
    categories = "\n".join(
        f'<li><a href="javascript:void(0);" onclick="parent.funclick(\'{code}\',\'\',\'\');">{label}</a></li>'
        for code, label in INFOTYPES)
    return f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<link rel="stylesheet" href="/module/xxgk/tree.css" type="text/css" /></head>
<body>
<div class="tree_title">信息公开目录</div>
<ul class="unit_list" id="unitlist">
{unit_items}
</ul>
<ul class="infotype_list" data-area="{area}">
{categories}
</ul>
</body></html>
"""


def search_page(rows: list[tuple[str, str, str, datetime]], page: int, per_page: int) -> str:
    """search.jsp: one page of rows (index number, url, title, date) and 共N页."""
    total_pages = max(1, (len(rows) + per_page - 1) // per_page)
    shown = rows[(page - 1) * per_page: page * per_page]
    trs = []
    for i, (index_no, url, title, when) in enumerate(shown):
        cls = "tr_main_value_odd" if i % 2 == 0 else "tr_main_value_even"
        trs.append(f'<tr class="{cls}"><td width="180">{index_no}</td><td align="left">'
                   f'<a href="{escape(url)}" target="_blank" title="{escape(title)}" '
                   f'mc="{escape(title)}" rq="{when:%Y-%m-%d}">{escape(title)}</a></td>'
                   f'<td width="100">{when:%Y-%m-%d}</td></tr>')
    if not trs:
        trs.append('<tr><td colspan="3" align="center">暂无信息</td></tr>')
    return f"""<table width="100%" border="0" cellspacing="0" cellpadding="0" class="tb_main">
<tr class="tr_title"><td>索引号</td><td>信息名称</td><td>发布日期</td></tr>
{chr(10).join(trs)}
</table>
<table width="100%"><tr><td class="tb_title">共{total_pages}页 {len(rows)}条 当前第{page}页</td></tr></table>
"""


def annual_endpoint_page(unit_name: str, year: int, published: datetime | None, body: str,
                         ) -> str:
    """xxgkAnnualReport.jsp: the report of one unit and year, or an empty 'no data' page."""
    if published is None:
        content = '<div class="nodata">暂无数据</div>'
        heading = ""
    else:
        heading = (f'<div class="ndbg_title">{escape(unit_name)}{year}年政府信息公开工作年度报告</div>\n'
                   f'<div class="ndbg_time">发布时间:{published:%Y-%m-%d %H:%M:%S}</div>\n')
        content = f'<div class="ndbg_content" id="zoom">\n{body}\n</div>'
    return f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>政府信息公开工作年度报告</title>
<link rel="stylesheet" href="/module/xxgk/css/ndbg.css" type="text/css" /></head>
<body><div class="ndbg_main">
{heading}{content}
</div></body></html>
"""


def calendar_page(year: int, month: int, day: int | None,
                  path: str = "/module/calendar/calendar.jsp") -> str:
    """An endless calendar: every month links to the next and the previous one (a plain
    page, also served by the TRS portal at its own ``path``)."""
    prev_y, prev_m = (year, month - 1) if month > 1 else (year - 1, 12)
    next_y, next_m = (year, month + 1) if month < 12 else (year + 1, 1)
    days = "".join(f'<a href="{path}?year={year}&amp;month={month}&amp;day={d}">{d}</a> '
                   for d in range(1, 29))
    shown = f"{year}年{month}月" + (f"{day}日" if day else "")
    return f"""<html><head><meta charset="utf-8"><title>活动日历 {shown}</title></head><body>
<div class="calendar"><a href="{path}?year={prev_y}&amp;month={prev_m}">上月</a>
<span>{shown}</span>
<a href="{path}?year={next_y}&amp;month={next_m}">下月</a>
<div class="days">{days}</div><p>{'当日无活动安排' if day else ''}</p></div></body></html>
"""


SOFT_404 = """<html><head><meta charset="utf-8"><title>提示信息</title></head>
<body><div style="text-align:center;margin-top:100px">对不起，您要下载的文件不存在或已被删除！<br><a href="javascript:history.back()">返回</a></div></body></html>
"""

NOT_FOUND = """<html><head><meta charset="utf-8"><title>404</title></head>
<body><h1>404 Not Found</h1><p>您访问的页面不存在</p></body></html>
"""

JQUERY_STUB = "/*! jQuery v1.7.2 (portalsim stub) */ window.jQuery=window.$=function(){return {ready:function(f){f()},jpage:function(){}}};\n"
JPAGE_STUB = "/* jquery.jpage.js (portalsim stub) */\n"


def robots_txt(spec: PortalSpec, crawl_delay: float | None, disallow: list[str]) -> str:
    lines = ["User-agent: *"]
    if crawl_delay is not None:
        lines.append(f"Crawl-delay: {crawl_delay:g}")
    lines += [f"Disallow: {path}" for path in disallow]
    return "\n".join(lines) + "\n"
