"""The fixed facts of the simulated portals: hosts, columns, units and hostility mixes.

The four seed portals use the real identifiers we know (hosts, column ids, credit codes, see
../shared/PORTALS.md) so that crawler registry entries are the same for the simulated and the
real sites. Two Jiangsu portals of other CMS families (TRS WCM, 开普云/Ucap, in
``catalog_jiangsu``) give the generic spider something that is not Hanweb. Scale portals
(``--scale N``) are generated in ``catalog_scale``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Hostility switches, combined per portal in different mixes.
CHALLENGE = "challenge"  # 瑞数-style 412 + $_ts JavaScript cookie challenge on every page
TRANSIENT = "transient"  # some URLs answer 500/503 once or twice before they work
SLOW = "slow"  # some URLs answer only after a delay
RATE_LIMIT = "rate_limit"  # 429 + Retry-After when requests come faster than the limit
CRAWL_DELAY = "crawl_delay"  # robots.txt asks for a Crawl-delay and disallows paths
REDIRECTS = "redirects"  # short column paths 302, an old path 301
DEAD_LINKS = "dead_links"  # links to pages that 404 and a soft-404 download
CALENDAR_TRAP = "calendar_trap"  # an endless calendar of month pages
DUPLICATE_URLS = "duplicate_urls"  # the same document at two URLs
BIG_FILE = "big_file"  # a 20 MB attachment
GBK = "gbk"  # pages of the annual-report column served in GBK, declared gb2312
CONNECTION_RESET = "connection_reset"  # one URL drops the connection on first request
COOKIE_STUB = "cookie_stub"  # downloads answer 200 with a cookie-setting reload script first

ALL_HOSTILITY = frozenset(
    {CHALLENGE, TRANSIENT, SLOW, RATE_LIMIT, CRAWL_DELAY, REDIRECTS, DEAD_LINKS, CALENDAR_TRAP,
     DUPLICATE_URLS, BIG_FILE, GBK, CONNECTION_RESET, COOKIE_STUB}
)

# CMS families: what builds a portal's URLs and pages (see routes.py, trs.py, ucap.py, jpaas.py).
HANWEB, TRS, UCAP, JPAAS = "hanweb", "trs", "ucap", "jpaas"

NEW_DATAPROXY = "/module/web/jpage/dataproxy.jsp"
OLD_DATAPROXY = "/module/jslib/jquery/jpage/dataproxy.jsp"


@dataclass(frozen=True)
class UnitSpec:
    """A body that publishes its own report: the county government, a township, a department."""

    short: str  # as people write it: 大张楼镇, 县财政局
    full: str  # the official name: 嘉祥县大张楼镇人民政府
    kind: str  # county | township | department | institution
    code: str | None = None  # a known real credit code; else generated
    first_year: int = 2019  # first report year (2018 for county governments)
    on_platform: bool = True  # listed in the xxgk platform (tree.jsp); else column-only
    dir: str = ""  # TRS/Ucap: the unit's directory on the portal (sygfj: /sygfj/gknb/...)


@dataclass(frozen=True)
class ColumnSpec:
    id: int
    name: str
    role: str  # news | notice | dept | township | annual
    unitid: int
    articles: int = 0  # generated ordinary articles in this column
    path: str = ""  # TRS/Ucap: the column's directory, /hzqzf/gknb/ (Hanweb: /col/col{id}/)
    unit: str | None = None  # TRS/Ucap annual columns: short name of the unit they belong to


@dataclass(frozen=True)
class PortalSpec:
    key: str
    host: str
    province: str
    city: str
    county: str  # 嘉祥县
    government: str  # 嘉祥县人民政府
    region: str  # six-digit administrative division code
    site_name: str
    site_id_code: str
    webid: int
    phone_prefix: str
    article_id_base: int
    dataproxy_path: str
    dataproxy_form: str  # post | get: the form the column pages' script uses
    record_style: str  # li_span | b_date | table_row
    repeat_quirk: bool  # a later datastore group repeats the previous group's last record
    has_endpoint: bool  # /module/xxgk/xxgkAnnualReport.jsp exists
    xxgk_column: int
    xxgk_alias: str  # the platform's own area code of the whole county (e.g. jnsyzq)
    columns: tuple[ColumnSpec, ...]
    units: tuple[UnitSpec, ...]
    hostility: frozenset[str] = field(default_factory=frozenset)
    mirror_host: str | None = None  # reports of the annual column may live here
    is_scale: bool = False
    cms: str = HANWEB
    calendar_path: str = "/module/calendar/calendar.jsp"  # where CALENDAR_TRAP lives
    robots_disallow: tuple[str, ...] = ()  # TRS/Ucap (Hanweb portals: see routes._robots)
    # TRS/Ucap: reports whose real URL, date and title we know, by (unit short, year).
    known_reports: tuple[KnownReport, ...] = ()
    # Hanweb: the dataproxy form this portal refuses ("post" or "get"), and with what status
    # (a real county portal refused the POST form with 404 while its own pages advertised GET).
    dataproxy_refuses: str = ""
    refusal_status: int = 404
    # Hanweb: the dataproxy serves no record past this one (0: all), though totalRecord
    # counts them all (jpaas: the list API, though count= counts them all): a listing cut
    # short, which a crawl must report as incomplete.
    listing_cap: int = 0
    per_page: int = 15  # Hanweb: the jpage perPage (the column page embeds three pages)
    has_platform: bool = True  # Hanweb: the xxgk platform (tree.jsp, search.jsp) exists
    # Hanweb: the annual-report endpoint answers 500 for this many units (the first of
    # tree.jsp): a platform listing a crawl must report as incomplete.
    platform_errors: int = 0
    # jpaas: the list API's template set and list unit (webid is the API's webId).
    tpl_set_id: str = ""
    tag_id: str = ""

    def column(self, role: str) -> ColumnSpec:
        return next(c for c in self.columns if c.role == role)


@dataclass(frozen=True)
class KnownReport:
    """A report seen on the real portal: it keeps its real document name, date and title."""

    unit: str  # short name
    year: int
    title: str
    rendering: str | None = None  # html | pdf | ... (None: drawn like any other report)
    doc: str | None = None  # the document part of its URL (Ucap: 32 hex digits)
    published: str | None = None  # ISO date and time
    index_no: str | None = None  # 索引号 of the xxgk metadata table


def _townships(county: str, names: list[str]) -> list[UnitSpec]:
    units = []
    for name in names:
        suffix = "办事处" if name.endswith("街道") else "人民政府"
        units.append(UnitSpec(name, f"{county}{name}{suffix}", "township"))
    return units


def _departments(county: str, names: list[str], prefix: str) -> list[UnitSpec]:
    return [UnitSpec(f"{prefix}{n}", f"{county}{n}", "department") for n in names]


JIAXIANG = PortalSpec(
    key="jiaxiang", host="www.jiaxiang.gov.cn", province="山东省", city="济宁市", county="嘉祥县",
    government="嘉祥县人民政府", region="370829", site_name="嘉祥县人民政府",
    site_id_code="3708290001", webid=31, phone_prefix="0537-6", article_id_base=11_520_000,
    dataproxy_path=NEW_DATAPROXY, dataproxy_form="post", record_style="li_span",
    repeat_quirk=True, has_endpoint=True, xxgk_column=33701, xxgk_alias="jnsjxx",
    columns=(
        ColumnSpec(33718, "嘉祥要闻", "news", 212860, 150),
        ColumnSpec(33719, "通知公告", "notice", 212861, 90),
        ColumnSpec(33721, "部门动态", "dept", 212862, 80),
        ColumnSpec(33722, "镇街动态", "township", 212863, 80),
        ColumnSpec(33760, "政府信息公开年度报告", "annual", 212890),
    ),
    units=(
        UnitSpec("县政府", "嘉祥县人民政府", "county", first_year=2018),
        *_townships("嘉祥县", ["嘉祥街道", "卧龙山街道", "纸坊镇", "梁宝寺镇", "疃里镇", "马村镇",
                               "大张楼镇", "孟姑集镇", "老僧堂镇"]),
        *_departments("嘉祥县", ["财政局", "教育和体育局", "自然资源和规划局", "市场监督管理局",
                                 "卫生健康局"], "县"),
        UnitSpec("县文物旅游服务中心", "嘉祥县文物旅游服务中心", "institution",
                 code="123708294941019512"),
        UnitSpec("县融媒体中心", "嘉祥县融媒体中心", "institution", on_platform=False,
                 first_year=2021),
    ),
    hostility=frozenset({TRANSIENT, SLOW, DEAD_LINKS, REDIRECTS, CONNECTION_RESET}),
)

WENSHANG = PortalSpec(
    key="wenshang", host="www.wenshang.gov.cn", province="山东省", city="济宁市", county="汶上县",
    government="汶上县人民政府", region="370830", site_name="中国·汶上",
    site_id_code="3708300002", webid=45, phone_prefix="0537-7", article_id_base=2_780_000,
    dataproxy_path=NEW_DATAPROXY, dataproxy_form="get", record_style="b_date",
    repeat_quirk=False, has_endpoint=True, xxgk_column=107290, xxgk_alias="jnswsx",
    columns=(
        ColumnSpec(107308, "汶上要闻", "news", 395540, 140),
        ColumnSpec(107311, "领导活动", "leaders", 395541, 40),
        ColumnSpec(107312, "通知公告", "notice", 395542, 90),
        ColumnSpec(107315, "乡镇动态", "township", 395543, 80),
        ColumnSpec(107420, "政府信息公开年度报告", "annual", 395560),
    ),
    units=(
        UnitSpec("县政府", "汶上县人民政府", "county", first_year=2018),
        *_townships("汶上县", ["汶上街道", "中都街道", "南站镇", "南旺镇"]),
        UnitSpec("次邱镇", "汶上县次邱镇人民政府", "township", code="11370830004335529T"),
        *_townships("汶上县", ["寅寺镇", "郭楼镇", "杨店镇"]),
        UnitSpec("郭仓镇", "汶上县郭仓镇人民政府", "township", code="11370830004335465W"),
        *_departments("汶上县", ["发展和改革局", "公安局", "人力资源和社会保障局",
                                 "住房和城乡建设局"], "县"),
        UnitSpec("县医疗保障局", "汶上县医疗保障局", "department", on_platform=False),
    ),
    hostility=frozenset({RATE_LIMIT, CRAWL_DELAY, REDIRECTS, DEAD_LINKS, TRANSIENT}),
    mirror_host="xxgk.wenshang.gov.cn",
)

WENDENG = PortalSpec(
    key="wendeng", host="www.wendeng.gov.cn", province="山东省", city="威海市", county="文登区",
    government="威海市文登区人民政府", region="371003", site_name="威海市文登区人民政府",
    site_id_code="3710030003", webid=12, phone_prefix="0631-8", article_id_base=3_396_000,
    dataproxy_path=NEW_DATAPROXY, dataproxy_form="post", record_style="table_row",
    repeat_quirk=True, has_endpoint=False, xxgk_column=122200, xxgk_alias="whwdq",
    columns=(
        ColumnSpec(122201, "文登要闻", "news", 300101, 140),
        ColumnSpec(122205, "通知公告", "notice", 300105, 90),
        ColumnSpec(122209, "部门动态", "dept", 300109, 80),
        ColumnSpec(122236, "政府信息公开年度报告", "annual", 300136),
    ),
    units=(
        UnitSpec("区政府", "威海市文登区人民政府", "county", first_year=2018),
        *_townships("威海市文登区", ["龙山街道", "天福街道", "环山街道", "文登营镇", "大水泊镇",
                                   "张家产镇", "高村镇", "泽库镇", "侯家镇"]),
        *_departments("威海市文登区", ["财政局", "教育和体育局", "交通运输局", "农业农村局"], "区"),
        UnitSpec("区综合检验检测中心", "威海市文登区综合检验检测中心", "institution"),
    ),
    hostility=frozenset({CHALLENGE, SLOW, DEAD_LINKS}),
)

YANZHOU = PortalSpec(
    key="yanzhou", host="www.yanzhou.gov.cn", province="山东省", city="济宁市", county="兖州区",
    government="济宁市兖州区人民政府", region="370812", site_name="中国·兖州",
    site_id_code="3708120004", webid=8, phone_prefix="0537-34", article_id_base=8_840_000,
    dataproxy_path=OLD_DATAPROXY, dataproxy_form="post", record_style="li_span",
    repeat_quirk=False, has_endpoint=True, xxgk_column=36647, xxgk_alias="jnsyzq",
    columns=(
        ColumnSpec(36601, "兖州要闻", "news", 180201, 150),
        ColumnSpec(36605, "通知公告", "notice", 180205, 90),
        ColumnSpec(36610, "镇街动态", "township", 180210, 80),
        ColumnSpec(36690, "政府信息公开年度报告", "annual", 180290),
    ),
    units=(
        UnitSpec("区政府", "济宁市兖州区人民政府", "county", first_year=2018),
        *_townships("济宁市兖州区", ["鼓楼街道", "酒仙桥街道", "龙桥街道", "大安镇", "新驿镇",
                                   "颜店镇", "新兖镇", "漕河镇", "小孟镇"]),
        UnitSpec("区财政局", "济宁市兖州区财政局", "department", code="11370812004322760Y"),
        *_departments("济宁市兖州区", ["教育和体育局", "应急管理局", "司法局"], "区"),
        UnitSpec("区公共资源交易服务中心", "济宁市兖州区公共资源交易服务中心", "institution"),
    ),
    hostility=frozenset({CALENDAR_TRAP, DUPLICATE_URLS, BIG_FILE, GBK, DEAD_LINKS, REDIRECTS,
                         COOKIE_STUB}),
)

SEED_PORTALS: tuple[PortalSpec, ...] = (JIAXIANG, WENSHANG, WENDENG, YANZHOU)
