"""Pages of a 开普云/Ucap county portal (沭阳县), modelled on a real detail page.

Real (../shared/real_samples/shuyang_fgj_2023_annual_report_ucap.html): detail URLs
``/{unit dir}/gknb/{YYYYMM}/{32 hex}.shtml``; the header include with ``SiteName``,
``SiteDomain``, ``SiteIDCode`` and ``ColumnName`` "头部" (the include's own column, not the
page's), ``<title>`` the site name; channel pages ``/shuyang/xxgk/xxgk.shtml``; the xxgk
metadata table (名称/索引号/分类/发布机构/公开日期/文号/关键词/文件下载/时效) with
``<publishtime>``; ``<ucaptitle>``, ``<ucapcontent>``; the footer iframe. Invented: list pages
(``gknb.shtml``, ``gknb_2.shtml`` ... with a plain pager, named like the real channel pages),
the unit disclosure pages and their menus, news pages, and where attachments and images are
stored (``{doc}/files/``, ``{doc}/images/``).
"""

from __future__ import annotations

from datetime import date, datetime
from html import escape

from .catalog import DEAD_LINKS, REDIRECTS, ColumnSpec, PortalSpec, UnitSpec
from .page import Detail

PER_PAGE = 15
WEBSITE_ID = "e1db2778d23d43adb015b099e7687e2b"  # the real page's websiteId
# Channel pages of the real header's menu: served as plain pages.
_CHANNELS = {"zjsy/zjsy.shtml": "走进沭阳", "bsfw/bsfw.shtml": "办事服务",
             "zmhd/zmhd.shtml": "政民互动", "sjkf/sjfb.shtml": "数据开放",
             "znwd/znwd.shtml": "智能问答"}
NOT_FOUND = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>404</title></head>
<body><div class="error"><p>抱歉，您访问的页面不存在或已删除！</p><a href="/">返回首页</a></div></body></html>
"""


def article_path(column: ColumnSpec, doc: str, when: datetime) -> str:
    return f"{column.path}{when:%Y%m}/{doc}.shtml"


def file_path(article_path: str, when: datetime, hex_name: str, ext: str) -> str:
    """Files in a folder named after the document [likely]: {doc}/files/, {doc}/images/."""
    folder = "images" if ext == "png" else "files"
    return f"{article_path.removesuffix('.shtml')}/{folder}/{hex_name}.{ext}"


def _name(column: ColumnSpec) -> str:
    return column.path.strip("/").split("/")[-1]


def list_path(column: ColumnSpec, page: int) -> str:
    name = _name(column)
    return f"{column.path}{name}.shtml" if page == 1 else f"{column.path}{name}_{page}.shtml"


def list_page_number(column: ColumnSpec, path: str) -> int | None:
    name = _name(column)
    if path in (column.path, f"{column.path}{name}.shtml"):
        return 1
    rest = path[len(column.path):] if path.startswith(column.path) else ""
    number = rest.removeprefix(f"{name}_").removesuffix(".shtml")
    if rest == f"{name}_{number}.shtml" and number.isdigit() and str(int(number)) == number:
        return int(number) if int(number) >= 2 else None
    return None


def _site(spec: PortalSpec) -> str:
    return next(u for u in spec.units if u.kind == "county").dir


def home_paths(spec: PortalSpec) -> tuple[str, ...]:
    return (f"/{_site(spec)}/index.shtml",)


def root_redirect(spec: PortalSpec) -> str | None:
    """The bare host answers 302 to the real home page (else it serves the home page)."""
    return home_paths(spec)[0] if REDIRECTS in spec.hostility else None


def unit_home_paths(unit: UnitSpec) -> tuple[str, ...]:
    return (f"/{unit.dir}/xxgk/xxgk.shtml",)


def static(path: str) -> tuple[str, str] | None:
    if "/xhtml/" in path and path.endswith(".js"):
        return "/* portalsim stub */\n", "application/javascript"
    if "/xhtml/" in path and path.endswith(".css"):
        return "/* portalsim stub */\n", "text/css"
    return None


def is_download(path: str) -> bool:
    return "/files/" in path


def href(from_path: str, to_path: str) -> str:
    return to_path  # Ucap writes root-relative links


def site_title(spec: PortalSpec, unit: UnitSpec) -> str:
    """沭阳县发改局: the county and the unit's short name, as the real page's siteTit."""
    return spec.county + unit.short.removeprefix("县")


def _head(spec: PortalSpec, generated: datetime) -> str:
    # The real page's <head> is its header include: its ColumnName is "头部" on every page.
    site = _site(spec)
    return f"""<!DOCTYPE html>
<html>
<head>
  <meta charset="utf-8">
  <meta name="renderer" content="webkit">
  <meta http-equiv="X-UA-Compatible" content="IE=edge,chrome=1">
  <meta name="viewport" content="width=device-width, initial-scale=1.0, maximum-scale=1.0, user-scalable=0">
  
<meta name="SiteName" content="{escape(spec.site_name)}">
<meta name="SiteDomain" content="http://{spec.host}/">
<meta name="SiteIDCode" content="{spec.site_id_code}">
<meta name="ColumnName" content="头部">
<meta name="ColumnDescription" content="">
<meta name="ColumnKeywords" content="">
<meta name="ColumnType" content="">

<meta name="others" content="页面生成时间 {generated:%Y-%m-%d %H:%M:%S}">
<title>
    {escape(spec.site_name)}
  </title>
  <link rel="stylesheet" type="text/css" href="/{site}/xhtml/css/common.css">
  <link rel="stylesheet" type="text/css" href="/{site}/xhtml/css/column_home.css">
  <script type="text/javascript" src="/{site}/xhtml/js/jquery.min.js"></script>
  <script>
    var websiteId = "{WEBSITE_ID}",
      websiteCode = "{site}";
  </script>
</head>
"""


def _header(spec: PortalSpec) -> str:
    site = _site(spec)
    return f"""<body>
  <!--header Start-->
<div class="header-t">
  <div class="container">
    <div class="fl"><span id="utime"></span></div>
  </div>
</div>
<div class="header-ban">
  <div class="container">
    <div class="header-search">
    <form action="/search4/s" method="post" name="form1" target="_blank" id="form1">
<input name="searchWord" type="text" class="s-txt" id="searchWord" size="50" placeholder="请输入关键词">
<input name="uc" type="hidden" id="uc" value="1">
<input name="siteCode" type="hidden" id="siteCode" size="50" value="{spec.site_id_code}">
<input type="submit" name="button" class="s-btn" id="searchBtn" value="" onclick="headerSearch()">
</form>
    </div>
  </div>
  <div class="mainNav">
    <div class="container">
      <ul class="clearfix">
        <li class="nav0"><a href="/{site}/index.shtml">首页</a></li>
        <li class="nav1"><a href="/{site}/zjsy/zjsy.shtml" target="_self">走进沭阳</a></li>
        <li class="nav2"><a href="/{site}/bsfw/bsfw.shtml" target="_self">办事服务</a></li>
        <li class="nav3"><a href="/{site}/zmhd/zmhd.shtml" target="_self">政民互动</a></li>
        <li class="nav4"><a target="_blank" href="/{site}/xxgk/xxgk.shtml">政府信息公开</a></li>
        <li class="nav5"><a target="_blank" href="/{site}/sjkf/sjfb.shtml">数据开放</a></li>
      </ul>
    </div>
  </div>
</div>
  <!--header End-->
"""


def _footer(spec: PortalSpec) -> str:
    return (f'<style type="text/css">.mainNav,.header-search{{box-sizing: content-box;}}</style>'
            f'<iframe src="/{_site(spec)}/footer/footer.shtml" frameborder="0" width="100%" '
            f'id="adbottom" class="adbottom" scrolling="no"></iframe>\n</body>\n</html>\n')


def _rows(rows: list[tuple[str, str, datetime]]) -> str:
    return "\n".join(f'<li><a href="{escape(u)}" target="_blank" title="{escape(t)}">{escape(t)}'
                     f'</a><span class="date">{d:%Y-%m-%d}</span></li>' for u, t, d in rows)


def home_page(spec: PortalSpec, latest: list[tuple[str, str, datetime]], as_of: date) -> str:
    site = _site(spec)
    news = spec.columns[0]
    county = next(u for u in spec.units if u.kind == "county")
    annual = next(c for c in spec.columns if c.role == "annual" and c.unit == county.short)
    columns = "".join(f'<li><a href="{list_path(c, 1)}">{escape(c.name)}</a></li>'
                      for c in spec.columns if c.role in ("news", "notice", "dept", "township"))
    generated = max((d for _, _, d in latest), default=datetime(2019, 1, 2, 8, 0))
    return (_head(spec, generated) + _header(spec)
            + f"""<div class="container index-main">
<div class="news-tab"><ul class="tab-nav">{columns}</ul>
<ul class="news-list">
{_rows(latest)}
</ul><a class="more" href="{list_path(news, 1)}">更多&gt;&gt;</a></div>
<div class="zwgk-box"><ul>
<li><a href="/{site}/xxgk/xxgk.shtml">政府信息公开</a></li>
<li><a href="{list_path(annual, 1)}">政府信息公开年报</a></li>
</ul></div>
</div>
""" + _footer(spec))


def _frame(spec: PortalSpec, unit: UnitSpec, annual: ColumnSpec, generated: datetime,
           content: str) -> str:
    """The disclosure frame of the real page: siteTit, pageTit, then a menu and content."""
    menu = (f'<li><a href="{unit_home_paths(unit)[0]}">政府信息公开指南</a></li>'
            f'<li><a href="{unit_home_paths(unit)[0]}">政府信息公开制度</a></li>'
            f'<li><a href="{list_path(annual, 1)}">{escape(annual.name)}</a></li>')
    return (_head(spec, generated) + _header(spec) + f"""
<div class="xxgkMain" style="padding-bottom: 40px">
  <div class="container">
         <h2 class="siteTit">{escape(site_title(spec, unit))}</h2>
       <div class="xxgkHead">
          <h3 class="pageTit">政府信息公开</h3>
       </div>
       <div class="xxgkCon clearfix" style="background: #f9f9f9">
        <div class="xxgkLeft"><ul class="xxgkNav">{menu}</ul></div>
        <div class="xxgkRight">
{content}
        </div>
       </div>
  </div>
</div>
""" + _footer(spec))


def unit_home_page(spec: PortalSpec, unit: UnitSpec, annual: ColumnSpec,
                   others: list[tuple[UnitSpec, ColumnSpec]]) -> str:
    """A unit's disclosure page; the county's lists the departments and townships."""
    groups = []
    for kind, label in (("department", "部门"), ("institution", "其他单位"),
                        ("township", "乡镇（街道）")):
        items = "".join(f'<li><a href="{unit_home_paths(u)[0]}" target="_blank">'
                        f"{escape(site_title(spec, u))}</a></li>"
                        for u, _ in others if u.kind == kind)
        if items:
            groups.append(f'<div class="bmlist"><h4>{label}</h4><ul>{items}</ul></div>')
    intro = (f'<div class="xxgkIntro"><p>{escape(unit.full)}政府信息公开</p></div>\n'
             + "\n".join(groups))
    return _frame(spec, unit, annual, datetime(2019, 1, 2, 8, 0), intro)


def _pager(column: ColumnSpec, page: int, pages: int) -> str:
    """A plain pager of links (invented: the real list pages were not kept)."""
    def link(n: int, text: str) -> str:
        return f'<a href="{list_path(column, n).rsplit("/", 1)[1]}">{text}</a>'
    parts = [f"<span>共{pages}页</span>"]
    if page > 1:
        parts += [link(1, "首页"), link(page - 1, "上一页")]
    parts.append(f'<span class="current">{page}</span>')
    if page < pages:
        parts += [link(page + 1, "下一页"), link(pages, "尾页")]
    return '<div class="page">' + " ".join(parts) + "</div>"


def list_page(spec: PortalSpec, column: ColumnSpec, unit: UnitSpec | None,
              rows: list[tuple[str, str, datetime]], page: int, pages: int) -> str:
    generated = max((d for _, _, d in rows), default=datetime(2019, 1, 2, 8, 0))
    content = (f'<div class="xxgkList"><div class="listTit"><span>{escape(column.name)}</span>'
               f'</div>\n<ul class="list">\n{_rows(rows)}\n</ul>\n'
               f"{_pager(column, page, pages)}</div>")
    if unit is not None:
        return _frame(spec, unit, column, generated, content)
    return (_head(spec, generated) + _header(spec)
            + f'<div class="container column-main">{content}</div>\n' + _footer(spec))


def _xxgk_table(detail: Detail) -> str:
    files = "".join(f'\n                <a href="{escape(u)}" target="_blank">{escape(n)}</a><br>'
                    for u, n in detail.files)
    genre = "报告" if "报告" in detail.title else "其他"
    return f"""            <div class="article-tb" style="padding: 20px 0">
      <table class="table_content">
        <tbody>
          <tr>
            <td class="c1" align="center">名称</td>
            <td class="c4" colspan="3" align="left">
              {escape(detail.title)}
            </td>
          </tr>
          <tr>
            <td class="c1" align="center">索引号</td>
            <td class="c2" align="left">{escape(detail.index_no)}</td>
            <td class="c1" align="center">分类</td>
            <td class="c3" align="left">
              {escape(detail.column.removeprefix("政府"))}
              &nbsp;&nbsp;其他
              &nbsp;&nbsp;
              {genre}
            </td>
          </tr>
          <tr>
            <td class="c1" align="center">发布机构</td>
            <td class="c2" align="left">{escape(detail.source)}</td>
            <td class="c1" align="center">公开日期</td>
            <td class="c3" align="left"><publishtime>{detail.published:%Y-%m-%d}</publishtime></td>
          </tr>
          <tr>
            <td class="c1" align="center">文号</td>
            <td class="c2" align="left"></td>
            <td class="c1" align="center">关键词</td>
            <td class="c3" align="left"></td>
          </tr>
          <tr>
            <td class="c1" align="center">文件下载</td>
            <td class="c4" colspan="3" align="left">
                {files}
                
            </td>
          </tr>
                     <tr>
					           <td class="c1" align="center">时效</td>
					           <td class="c4" colspan="3" align="left">
					               
					              
					               
					           </td>
			  </tr>  
        </tbody>
      </table>
 </div>
"""


def article_page(spec: PortalSpec, detail: Detail) -> str:
    if not detail.xxgk or detail.unit is None:
        links = "".join(f'<p>附件：<a href="{escape(u)}" target="_blank">{escape(n)}</a></p>'
                        for u, n in detail.files)
        return (_head(spec, detail.generated) + _header(spec) + f"""<div class="container">
<div class="article">
<h1 class="article-title"><ucaptitle>{escape(detail.title)}</ucaptitle></h1>
<div class="article-info">发布时间：<publishtime>{detail.published:%Y-%m-%d %H:%M}</publishtime>　来源：{escape(detail.source)}</div>
<div class="article-content" id="zoomcon"><ucapcontent>{detail.body}{links}</ucapcontent></div>
</div></div>
""" + _footer(spec))
    unit = detail.unit
    return (_head(spec, detail.generated) + _header(spec) + f"""
<div class="xxgkMain" style="padding-bottom: 40px">
  <div class="container">
         <h2 class="siteTit">{escape(site_title(spec, unit))}</h2>
       <div class="xxgkHead">
          <h3 class="pageTit">政府信息公开</h3>
       </div>
       <div class="xxgkCon clearfix" style="background: #f9f9f9">
        
       
         
                <!-- article -->
            <div class="xxgkArticle">
{_xxgk_table(detail)}              	<div class="xxgkcont clearfix">
                <div class="xxfkl l" style="width: 100%; border-right: 0px; padding-right: 0px;">

                    <h1 class="article-title" style="padding-top: 20px;padding-bottom: 20px"><ucaptitle>{escape(detail.title)}</ucaptitle></h1>
             
                    <div class="article-content " id="zoomcon" style="margin-right: 0 ;padding:0 0 20px 0">
                    <ucapcontent>{detail.body}</ucapcontent>
                   </div>
                   </div>

					</div>
            <!-- article over -->
        </div>
    
  </div>
</div>

<script src="/{unit.dir}/xhtml/zwgkjs/jquery.min.js"></script>
<script type="text/javascript" src="/{unit.dir}/xhtml/zwgkjs/jump.js"></script>
<script type="text/javascript" src="/{unit.dir}/xhtml/zwgkjs/sqxxgk.js"></script>
""" + _footer(spec))


def extra_page(spec: PortalSpec, path: str) -> str | None:
    """The real header's other channels, and the footer the iframe loads."""
    site = _site(spec)
    if path == f"/{site}/footer/footer.shtml":
        dead = (f'<a href="/{site}/ztzl/ztzl.shtml" target="_parent">专题专栏</a> | '
                if DEAD_LINKS in spec.hostility else "")
        return (f'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><div class="footer">'
                f'<p>{dead}<a href="http://www.gov.cn/" target="_blank">中国政府网</a></p>'
                f"<p>主办单位：{escape(spec.government)}办公室　网站标识码：{spec.site_id_code}　"
                f'<a href="https://beian.miit.gov.cn/" target="_blank">苏ICP备05006536号</a></p>'
                f"</div></body></html>\n")
    for tail, name in _CHANNELS.items():
        if path == f"/{site}/{tail}":
            return (_head(spec, datetime(2019, 1, 2, 8, 0)) + _header(spec)
                    + f'<div class="container"><h2>{name}</h2></div>\n' + _footer(spec))
    return None
