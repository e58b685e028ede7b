"""The simulated world: portals, units, reports, articles and what changes over time.

Built once per (seed, scale) in well under a second; nothing here renders a page. What a
client sees at a date is asked of ``World`` with an ``as_of`` date: reports are published in
January-March of the following year, one report is revised in place, one removed, one moved.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import ModuleType
from urllib.parse import quote

from . import (
    catalog,
    catalog_jiangsu,
    catalog_jpaas,
    catalog_scale,
    forms,
    prose,
    prose_numbers,
    trs,
    ucap,
)
from .catalog import HANWEB, TRS, UCAP, ColumnSpec, KnownReport, PortalSpec, UnitSpec
from .determinism import credit_code, hex_name, org_code, rng_for, stable_hash
from .document import Block, Fact
from .figures import (
    BREAKAGES,
    Cell,
    RawStyle,
    UnitLedger,
    failing_checks,
    generate_values,
    with_value,
    write_cells,
    zero_words,
)
from .seeds import SEEDS, SeedDocument, load_seed
from .tables import APPLICANTS, GB2019, GB2021, LabelStyle, application_rows, cell_keys

FIRST_YEAR = 2018
LAST_YEAR = 2024
DEFAULT_AS_OF = date(2025, 6, 30)
NEWS_START = datetime(2019, 1, 2)
NEWS_END = datetime(2026, 10, 31)

# Renderings: where the statistical tables of a report are.
HTML = "html"  # inline HTML tables
DOCX, DOC, PDF = "docx", "doc", "pdf"  # in an attachment
IMAGE = "image"  # PNG images, prose in HTML
PROSE = "prose"  # no tables at all
ATTACHMENT_RENDERINGS = (DOCX, DOC, PDF)
_RENDERING_WEIGHTS = {HTML: 58, PDF: 11, DOCX: 10, DOC: 6, IMAGE: 6, PROSE: 7}

# The three changes between two dates, fixed so tests know when to look.
REVISED_AT = datetime(2024, 9, 12, 10, 5, 31)
REMOVED_AT = datetime(2024, 10, 15, 9, 0, 0)
MOVED_AT = datetime(2024, 11, 20, 14, 30, 0)


@dataclass
class Unit:
    portal: str
    spec: UnitSpec
    code: str
    address: str
    phone: str

    @property
    def name(self) -> str:
        return self.spec.full

    @property
    def short(self) -> str:
        return self.spec.short


class Version:
    """One state of a report's figures; the cell texts are written on first use, which keeps
    building a world with a hundred scale portals fast."""

    def __init__(self, cells: dict[str, Cell] | Callable[[], dict[str, Cell]], since: datetime,
                 note: str) -> None:
        self._cells = cells
        self.since = since
        self.note = note

    @property
    def cells(self) -> dict[str, Cell]:
        if callable(self._cells):
            self._cells = self._cells()
        return self._cells

    @cells.setter
    def cells(self, value: dict[str, Cell]) -> None:
        self._cells = value

    def rewrite(self, change: Callable[[dict[str, Cell]], dict[str, Cell]]) -> None:
        """Change the cell texts, still on first use (a form respelling its numbers)."""
        before = self._cells
        self._cells = lambda: change(before() if callable(before) else before)


@dataclass
class Attachment:
    """A file behind downfile.jsp (or an image under /picture/)."""

    hex: str
    ext: str
    showname: str
    role: str  # report | table_image | figure | template | other | big | broken
    report: Report | None = None
    table: str | None = None  # table_image: which table
    host: str = ""
    block: int | None = None  # images: index of the report block they stand for
    stored_path: str | None = None  # TRS/Ucap: the static file next to its article

    @property
    def path(self) -> str:
        if self.stored_path is not None:
            return self.stored_path
        if self.ext == "png":
            return f"/picture/0/{self.hex}.png"
        return (f"/module/download/downfile.jsp?classid=0&filename={self.hex}.{self.ext}"
                f"&showname={quote(self.showname)}")

    def path_with_showname(self, showname: str) -> str:
        return (f"/module/download/downfile.jsp?classid=0&filename={self.hex}.{self.ext}"
                f"&showname={quote(showname)}")


@dataclass
class Article:
    portal: PortalSpec
    column: ColumnSpec
    article_id: int
    title: str
    published: datetime
    kind: str  # news | decoy | report | bundle
    host: str
    attachments: list[Attachment] = field(default_factory=list)
    report: Report | None = None
    gbk: bool = False
    removed_at: datetime | None = None
    moved_at: datetime | None = None
    moved_id: int | None = None
    alias: bool = False  # also served at /col/col{C}/art/... (same bytes)
    dead_link: bool = False  # body links to a page that does not exist
    doc_name: str | None = None  # Ucap: a real document name (else derived from the id)

    def path_of(self, article_id: int, when: datetime) -> str:
        if self.portal.cms == TRS:
            return trs.article_path(self.column, article_id, when)
        if self.portal.cms == UCAP:
            doc = (self.doc_name if self.doc_name and article_id == self.article_id
                   else hex_name("ucap", self.portal.key, article_id))
            return ucap.article_path(self.column, doc, when)
        return (f"/art/{when.year}/{when.month}/{when.day}/"
                f"art_{self.column.id}_{article_id}.html")

    @property
    def path(self) -> str:
        return self.path_of(self.article_id, self.published)

    @property
    def moved_path(self) -> str | None:
        if self.moved_at is None or self.moved_id is None:
            return None
        return self.path_of(self.moved_id, self.moved_at)

    @property
    def alias_path(self) -> str:
        return f"/col/col{self.column.id}{self.path}"

    def path_at(self, as_of: date) -> str | None:
        """Where the article lives at that date (None: not published or removed)."""
        if self.published.date() > as_of:
            return None
        if self.removed_at and self.removed_at.date() <= as_of:
            return None
        if self.moved_at and self.moved_at.date() <= as_of:
            return self.moved_path
        return self.path

    def date_at(self, as_of: date) -> datetime:
        if self.moved_at and self.moved_at.date() <= as_of:
            return self.moved_at
        return self.published


@dataclass
class Report:
    rid: str
    portal: PortalSpec
    unit: Unit
    year: int
    layout: str  # gb2021 | gb2019 | pre2019 | none
    rendering: str
    title: str
    published: datetime
    versions: list[Version]
    label_style: LabelStyle
    html_style: str  # word | plain | mso
    content: tuple[list[Block], list[Fact]] | Callable[[], tuple[list[Block], list[Fact]]] = (
        field(default_factory=lambda: ([], [])))
    seed: str | None = None
    on_endpoint: bool = False
    article: Article | None = None
    attachment: Attachment | None = None
    images: list[Attachment] = field(default_factory=list)
    breakage: str | None = None
    known: KnownReport | None = None  # seen on the real portal (catalog.KnownReport)
    form: str | None = None  # drawn in a form copied from the real corpus (forms.py)

    def _content(self) -> tuple[list[Block], list[Fact]]:
        if callable(self.content):
            self.content = self.content()
        return self.content

    @property
    def blocks(self) -> list[Block]:
        return self._content()[0]

    @property
    def facts(self) -> list[Fact]:
        return self._content()[1]

    def version_at(self, as_of: date) -> Version:
        current = self.versions[0]
        for version in self.versions:
            if version.since.date() <= as_of:
                current = version
        return current

    def visible(self, as_of: date) -> bool:
        if self.published.date() > as_of:
            return False
        return not (self.article and not self.on_endpoint and self.article.path_at(as_of) is None)

    @property
    def has_tables(self) -> bool:
        return self.rendering not in (PROSE,) and self.layout in (GB2021, GB2019)

    @property
    def endpoint_path(self) -> str:
        return f"/module/xxgk/xxgkAnnualReport.jsp?area={self.unit.code}&fbtime={self.year}"

    def failing_checks(self, as_of: date) -> list[str]:
        if not self.has_tables:
            return []
        return failing_checks(self.version_at(as_of).cells, self.layout)


@dataclass
class Portal:
    spec: PortalSpec
    units: list[Unit]
    reports: list[Report] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)
    attachments: dict[str, Attachment] = field(default_factory=dict)  # hex -> attachment

    @property
    def key(self) -> str:
        return self.spec.key

    def column_articles(self, column_id: int, as_of: date) -> list[tuple[Article, str, datetime]]:
        """(article, path, date) of a column's visible records, newest first."""
        rows = []
        for article in self.articles:
            if article.column.id != column_id:
                continue
            path = article.path_at(as_of)
            if path is not None:
                rows.append((article, path, article.date_at(as_of)))
        rows.sort(key=lambda r: (r[2], r[0].article_id), reverse=True)
        return rows

    def unit_by_code(self, code: str) -> Unit | None:
        return next((u for u in self.units if u.code == code), None)


@dataclass
class World:
    seed: int
    scale: int
    portals: dict[str, Portal]  # by key
    hosts: dict[str, Portal]  # by host name (www host and mirrors)

    def reports(self) -> list[Report]:
        return [r for p in self.portals.values() for r in p.reports]


# --- building ----------------------------------------------------------------------------


def build_world(seed: int = 0, scale: int = 0, extra: tuple[str, ...] = ()) -> World:
    """The world of a seed, with ``scale`` generated portals and the opt-in portals named in
    ``extra`` (``catalog_jpaas.OPT_IN_PORTALS``)."""
    unknown = [key for key in extra if key not in catalog_jpaas.OPT_IN_PORTALS]
    if unknown:
        raise ValueError(f"unknown opt-in portal(s) {', '.join(unknown)} "
                         f"(known: {', '.join(catalog_jpaas.OPT_IN_PORTALS)})")
    # New portals go after the four seed portals: world-wide draws (breakages) keep theirs;
    # opt-in portals come last, so a world with them differs from one without only by them.
    specs = [*catalog.SEED_PORTALS, *catalog_jiangsu.JIANGSU_PORTALS,
             *(catalog_scale.scale_portal(i) for i in range(1, scale + 1)),
             *(catalog_jpaas.OPT_IN_PORTALS[key] for key in dict.fromkeys(extra))]
    seed_docs = {(s.portal, s.unit, s.year): load_seed(s) for s in SEEDS}
    portals: dict[str, Portal] = {}
    for spec in specs:
        portals[spec.key] = _build_portal(seed, spec, seed_docs)
    _apply_breakages(seed, [p for p in portals.values() if not p.spec.is_scale])
    _apply_events(portals)
    hosts = {}
    for portal in portals.values():
        hosts[portal.spec.host] = portal
        if portal.spec.mirror_host:
            hosts[portal.spec.mirror_host] = portal
    return World(seed, scale, portals, hosts)


def _build_portal(seed: int, spec: PortalSpec, seed_docs: dict) -> Portal:
    rng = rng_for(seed, spec.key, "units")
    units = []
    for us in spec.units:
        code = us.code or credit_code("12" if us.kind == "institution" else "11", spec.region,
                                      org_code(rng))
        road = rng.choice(["府前路", "中心街", "人民路", "建设路", "文化路", "政通路"])
        units.append(Unit(spec.key, us, code,
                          f"{spec.city}{spec.county}{us.short.lstrip('县区')}{road}{rng.randint(1, 200)}号",
                          f"{spec.phone_prefix}{rng.randint(10 ** (11 - len(spec.phone_prefix)), 10 ** (12 - len(spec.phone_prefix)) - 1)}"))
    portal = Portal(spec, units)
    for unit in units:
        _build_unit_reports(seed, portal, unit, seed_docs)
    _assign_minimum_renderings(seed, portal)
    _place_reports(seed, portal)
    if not spec.is_scale:
        forms.assign_forms(seed, portal, html=HTML, prose=PROSE, pdf=PDF, respell=_respell,
                           prose_form=_prose_numbers(seed))
    _build_news(seed, portal)
    _build_decoys(seed, portal)
    _number_articles(seed, portal)
    _store_files(portal)
    return portal


def _layout_for(rng: random.Random, year: int) -> str:
    if year < 2019:
        return "pre2019"
    if year <= 2020:
        return GB2019
    return GB2019 if rng.random() < (0.15 if year <= 2022 else 0.05) else GB2021


def _build_unit_reports(seed: int, portal: Portal, unit: Unit, seed_docs: dict) -> None:
    spec = portal.spec
    ledger = UnitLedger()
    first = max(unit.spec.first_year, FIRST_YEAR)
    for year in range(first, LAST_YEAR + 1):
        rng = rng_for(seed, spec.key, unit.code, year)
        seed_doc: SeedDocument | None = seed_docs.get((spec.key, unit.short, year))
        known = next((k for k in spec.known_reports if (k.unit, k.year) == (unit.short, year)),
                     None)
        layout = seed_doc.spec.layout if seed_doc else _layout_for(rng, year)
        values_layout = layout if layout in (GB2021, GB2019) else (
            GB2019 if year <= 2020 else GB2021)
        values = generate_values(rng, unit.spec.kind, values_layout, ledger)
        if not seed_doc and not known and year > first and rng.random() < 0.04:
            continue  # a year this unit did not publish
        raw_style = RawStyle(
            zeros=rng.choices(["0", "blank_legal", "dash", "slash", "emdash"], [70, 14, 8, 5, 3])[0],
            padding=rng.choices(["none", "seedlike"], [70, 30])[0],
            fee_unit_suffix=rng.random() < 0.15, signed_change=rng.random() < 0.5,
            amount_style=rng.choices(["yuan", "yuan_suffix", "wan"], [60, 20, 20])[0])
        label_style = LabelStyle(split_lines=rng.random() < 0.4,
                                 halfwidth_parens=rng.random() < 0.2,
                                 spaced_short=rng.random() < 0.15,
                                 traditional=rng.random() < 0.03)
        if spec.is_scale:
            rendering = HTML if year >= 2019 else PROSE
        elif seed_doc:
            rendering = seed_doc.spec.rendering
        elif year < 2019:
            rendering = PROSE
        else:
            rendering = rng.choices(list(_RENDERING_WEIGHTS), list(_RENDERING_WEIGHTS.values()))[0]
        if known and known.rendering:
            rendering = known.rendering
        if seed_doc:
            cells = _seed_cells(seed_doc, values, raw_style, rng)
            published = datetime.fromisoformat(seed_doc.spec.published)
        else:
            cells = _cell_writer(values, raw_style, rng_for(seed, spec.key, unit.code, year, "raw"))
            published = _publication_time(rng, year, unit.spec.kind)
            if known and known.published:
                published = datetime.fromisoformat(known.published)
        if rendering == PROSE and layout in (GB2021, GB2019):
            layout = "none"
        report = Report(
            rid=f"{spec.key}:{unit.code}:{year}", portal=spec, unit=unit, year=year,
            layout=layout, rendering=rendering, title="", published=published,
            versions=[Version(cells, published, "published")],
            label_style=label_style,
            html_style=rng.choices(["word", "plain", "mso"], [60, 25, 15])[0],
            seed=seed_doc.spec.file[:3] if seed_doc else None, known=known)
        if seed_doc:
            report.title, report.content = seed_doc.title, (seed_doc.blocks, seed_doc.facts)
        else:
            _compose(report, values, rng, rng_for(seed, spec.key, unit.code, year, "prose"))
            if known:
                report.title = known.title  # the words are written later, with this title
                report.html_style = "word"  # the real Ucap sample's house style
        portal.reports.append(report)


def _seed_cells(doc: SeedDocument, values: dict, style: RawStyle, rng: random.Random,
                ) -> dict[str, Cell]:
    if doc.raws:
        return {k: Cell(_number(raw), raw, "yuan" if k.endswith("/amount") else
                        ("10k_yuan" if k.endswith("amount_10k_yuan") else None))
                for k, raw in doc.raws.items()}
    if doc.spec.applications is None:
        return {}
    # Tables lost to images: draw them with the numbers the prose states.
    fixed = dict(values)
    for key in fixed:
        if key.startswith(("applications/", "review_litigation/")):
            fixed[key] = 0
    for row, n in doc.spec.applications.items():
        fixed[f"applications/{row}/natural_person"] = n
        fixed[f"applications/{row}/total"] = n
    total = sum(n for row, n in doc.spec.applications.items() if row != "new_received")
    for col in ("natural_person", "total"):
        fixed[f"applications/total_processed/{col}"] = total
    return write_cells(fixed, RawStyle(), rng)


def _cell_writer(values: dict, style: RawStyle, rng: random.Random,
                 ) -> Callable[[], dict[str, Cell]]:
    return lambda: write_cells(values, style, rng)


def _number(raw: str) -> int | float | None:
    text = raw.replace("\u3000", "").replace("\xa0", "").strip()
    if not text:
        return None
    return float(text) if "." in text else int(text)


def _publication_time(rng: random.Random, year: int, kind: str) -> datetime:
    last_day = 31 if kind == "county" else 88
    day = datetime(year + 1, 1, 4) + timedelta(days=rng.randint(0, last_day))
    return day.replace(hour=rng.randint(8, 17), minute=rng.randint(0, 59), second=rng.randint(0, 59))


def _compose(report: Report, values: dict, rng: random.Random, prose_rng: random.Random,
             ) -> None:
    """Title now (lists need it), the words on first use; PROSE renderings get no tables."""
    spec, unit = report.portal, report.unit
    t = lambda row: values.get(f"applications/{row}/total", 0)  # noqa: E731
    kind_items = {"county": (300, 2000), "department": (40, 500), "township": (15, 160),
                  "institution": (5, 60)}[unit.spec.kind]
    ctx = prose.ReportContext(
        org=unit.name, short=unit.short, kind=unit.spec.kind, county=spec.county,
        site_name=spec.site_name, site_url=f"http://{spec.host}/", year=report.year,
        layout=report.layout, address=unit.address, phone=unit.phone,
        published=report.published.date().isoformat(), active_items=rng.randint(*kind_items),
        received=t("new_received"), granted=t("granted"), partially=t("partially_granted"),
        reviews=values.get("review_litigation/review/total", 0),
        litigations=values.get("review_litigation/litigation_direct/total", 0))
    report.title = prose.title_of(ctx, rng)
    report.content = lambda: prose.compose(ctx, report.title, prose_rng,
                                           tables=report.rendering != PROSE)


def _assign_minimum_renderings(seed: int, portal: Portal) -> None:
    """Every seed portal carries every rendering at least twice."""
    if portal.spec.is_scale:
        return
    rng = rng_for(seed, portal.key, "renderings")
    for rendering in (DOCX, DOC, PDF, IMAGE, PROSE):
        have = [r for r in portal.reports if r.rendering == rendering]
        # The newer portals show every rendering at both dates the tests use.
        candidates = [r for r in portal.reports if r.rendering == HTML and not r.seed
                      and not r.known and r.layout in (GB2021, GB2019)
                      and (portal.spec.cms == HANWEB or r.year < LAST_YEAR)]
        for report in rng.sample(candidates, max(0, 2 - len(have))):
            report.rendering = rendering
            if rendering == PROSE:
                report.layout = "none"


def _place_reports(seed: int, portal: Portal) -> None:
    """Decide where each report can be fetched: the xxgk endpoint, an article, or both."""
    spec = portal.spec
    rng = rng_for(seed, spec.key, "placement")
    for report in portal.reports:
        report.on_endpoint = spec.has_endpoint and report.unit.spec.on_platform
        posted = (not report.on_endpoint or report.unit.spec.kind == "county"
                  or report.rendering in ATTACHMENT_RENDERINGS and rng.random() < 0.5
                  or rng.random() < 0.12)
        if posted:
            host = spec.host
            if spec.mirror_host and rng.random() < 0.4:
                host = spec.mirror_host
            report.article = Article(spec, _annual_column(spec, report.unit), 0, report.title,
                                     report.published, "report", host, report=report,
                                     gbk=catalog.GBK in spec.hostility,
                                     doc_name=report.known.doc if report.known else None)
            portal.articles.append(report.article)
        if report.rendering in ATTACHMENT_RENDERINGS:
            ext = report.rendering
            if ext == DOC and stable_hash(seed, report.rid, "wps") % 3 == 0:
                ext = "wps"  # saved by WPS Office
            att = Attachment(hex_name(seed, report.rid, report.rendering), ext,
                             f"{report.title}.{ext}", "report", report)
            report.attachment = att
        if report.rendering == IMAGE or report.seed:  # only seeds carry figures
            for n, block in enumerate(report.blocks):
                if block.kind == "figure" or (block.kind == "table" and report.rendering == IMAGE):
                    report.images.append(Attachment(
                        hex_name(seed, report.rid, "img", n), "png", f"{n}.png",
                        "table_image" if block.kind == "table" else "figure", report,
                        block.table or "chart", block=n))
        for att in ([report.attachment] if report.attachment else []) + report.images:
            att.host = report.article.host if report.article and not report.on_endpoint else spec.host
            portal.attachments[att.hex] = att
        if report.article:
            report.article.attachments = ([report.attachment] if report.attachment else []
                                          ) + report.images
        if catalog.DUPLICATE_URLS in spec.hostility and report.article and rng.random() < 0.5:
            report.article.alias = True


def _respell(report: Report) -> None:
    report.versions[0].rewrite(zero_words)


def _prose_numbers(seed: int) -> Callable[[Report], None]:
    """Rewrite a prose-only report's applications paragraph in a real report's sentences,
    with the numbers of its (unprinted) tables."""
    def apply(report: Report) -> None:
        compose = report.content
        rng = rng_for(seed, report.rid, "prose_numbers")

        def content() -> tuple[list[Block], list[Fact]]:
            blocks, facts = compose() if callable(compose) else compose
            paragraph, stated = prose_numbers.applications_paragraph(
                report.year, report.unit.short, report.versions[0].cells, rng)
            return prose_numbers.with_numbers(blocks, facts, paragraph, stated)

        report.content = content
    return apply


def _annual_column(spec: PortalSpec, unit: Unit) -> ColumnSpec:
    """The column a report is posted in: its unit's own (TRS/Ucap) or the portal's one."""
    return next((c for c in spec.columns if c.role == "annual" and c.unit == unit.short),
                spec.column("annual"))


# The URL shapes and templates of the static-publishing CMS families, by PortalSpec.cms.
STATIC_CMS: dict[str, ModuleType] = {TRS: trs, UCAP: ucap}


def _store_files(portal: Portal) -> None:
    """TRS and Ucap keep files next to their article: name them once articles have paths."""
    cms = STATIC_CMS.get(portal.spec.cms)
    if cms is None:
        return
    for article in portal.articles:
        for att in article.attachments:
            att.stored_path = cms.file_path(article.path, article.published, att.hex, att.ext)


_TOPICS = ["安全生产", "乡村振兴", "营商环境", "森林防火", "秋粮收购", "河长制", "文明城市创建",
           "防汛抗旱", "招商引资", "民生实事", "双招双引", "普法宣传", "冬季供暖", "环境整治",
           "食品安全", "校园安全", "农村改厕", "退役军人服务", "社会救助", "疫情防控"]
_TITLES = {
    "news": ["{c}召开{t}工作会议", "{c}开展{t}专项行动", "{c}{t}工作取得新成效", "{c}部署{t}重点任务"],
    "notice": ["关于做好{t}工作的通知", "关于公布{y}年{t}名单的公告", "{c}{t}公示", "关于开展{t}检查的通知"],
    "dept": ["{d}扎实推进{t}", "{d}召开{t}专题会议", "{d}多举措做好{t}工作"],
    "township": ["{w}多措并举推进{t}", "{w}开展{t}活动", "{w}扎实做好{t}工作"],
    "leaders": ["县领导督导检查{t}工作", "县领导调研{t}工作"],
}


def _build_news(seed: int, portal: Portal) -> None:
    spec = portal.spec
    rng = rng_for(seed, spec.key, "news")
    towns = [u.short for u in portal.units if u.spec.kind == "township"]
    depts = [u.short for u in portal.units if u.spec.kind == "department"]
    span = int((NEWS_END - NEWS_START).total_seconds())
    for column in spec.columns:
        for _ in range(column.articles):
            when = NEWS_START + timedelta(seconds=rng.randint(0, span))
            title = rng.choice(_TITLES[column.role]).format(
                c=spec.county, t=rng.choice(_TOPICS), y=when.year, w=rng.choice(towns),
                d=rng.choice(depts or [spec.county]))
            article = Article(spec, column, 0, title, when, "news", spec.host)
            if rng.random() < 0.04:
                article.attachments.append(Attachment(
                    hex_name(seed, spec.key, "news", title, when), "docx", f"{title}附件.docx",
                    "other", host=spec.host))
            if catalog.DEAD_LINKS in spec.hostility and rng.random() < 0.02:
                article.dead_link = True
            portal.articles.append(article)
            for att in article.attachments:
                portal.attachments[att.hex] = att


_DECOYS = [
    ("notice", "关于做好{y}年度政府信息公开工作年度报告编制和发布工作的通知", 12, "template"),
    ("annual", "{c}{n}年政务公开工作要点", 3, None),
    ("annual", "{c}召开{y}年度政府信息公开工作年度报告编制培训会", 1, None),
    ("notice", "{g}关于{y}年度法治政府建设情况的报告", 2, None),
    ("annual", "{y}年政府信息公开工作年度报告解读", 2, None),
    ("notice", "关于报送{y}年政府信息公开工作年度报告的通知", 11, None),
    ("annual", "{c}政府信息公开指南", 5, None),
]


def _build_decoys(seed: int, portal: Portal) -> None:
    """Articles whose titles look like reports but are not (notices, work plans...)."""
    spec = portal.spec
    rng = rng_for(seed, spec.key, "decoys")
    for n, (role, pattern, month, attachment) in enumerate(_DECOYS):
        if spec.is_scale and n > 2:
            break
        column = next((c for c in spec.columns if c.role == role), spec.column("annual"))
        year = rng.choice([2020, 2021, 2022, 2023])
        when_year = year if month >= 11 else year + 1
        when = datetime(when_year, month, rng.randint(1, 25), rng.randint(8, 17), rng.randint(0, 59))
        title = pattern.format(y=year, n=year + 1, c=spec.county, g=spec.government)
        article = Article(spec, column, 0, title, when, "decoy", spec.host)
        if attachment:
            att = Attachment(hex_name(seed, spec.key, "decoy", n), "docx",
                             "政府信息公开工作年度报告（模板）.docx", "template", host=spec.host)
            article.attachments.append(att)
            portal.attachments[att.hex] = att
        portal.articles.append(article)
    if catalog.BIG_FILE in spec.hostility:
        when = datetime(2024, 3, 8, 9, 12)
        article = Article(spec, spec.column("annual"), 0, f"{spec.county}政务公开资料汇编（2023年）",
                          when, "bundle", spec.host)
        att = Attachment(hex_name(seed, spec.key, "bundle"), "zip",
                         f"{spec.county}政务公开资料汇编.zip", "big", host=spec.host)
        article.attachments.append(att)
        portal.attachments[att.hex] = att
        portal.articles.append(article)
    if catalog.DEAD_LINKS in spec.hostility:
        when = datetime(2023, 5, 6, 10, 0)
        article = Article(spec, spec.column("notice"), 0, "关于征集政务公开意见建议的公告", when,
                          "news", spec.host)
        att = Attachment(hex_name(seed, spec.key, "missing"), "pdf", "意见建议表.pdf", "broken",
                         host=spec.host)
        article.attachments.append(att)
        portal.attachments[att.hex] = att
        portal.articles.append(article)


def _number_articles(seed: int, portal: Portal) -> None:
    """Article ids grow with publication time, as in a CMS."""
    rng = rng_for(seed, portal.key, "ids")
    next_id = portal.spec.article_id_base
    for article in sorted(portal.articles, key=lambda a: (a.published, a.title)):
        next_id += rng.randint(1, 40)
        article.article_id = next_id
    portal.articles.sort(key=lambda a: a.article_id)


def _apply_breakages(seed: int, portals: list[Portal]) -> None:
    """A known few reports break the 勾稽关系 on purpose (failures are data)."""
    rng = rng_for(seed, "breakages")
    for n, portal in enumerate(portals):
        candidates = [r for r in portal.reports if not r.seed and r.rendering in (HTML, DOCX, PDF)
                      and not r.known and r.layout in (GB2021, GB2019) and r.year >= 2019]
        for k, report in enumerate(rng.sample(candidates, 2)):
            description, key, delta = BREAKAGES[(2 * n + k) % len(BREAKAGES)]
            if key not in report.versions[0].cells:
                key = "applications/granted/total"
            report.versions[0].cells = with_value(report.versions[0].cells, key, delta)
            report.breakage = description


def _apply_events(portals: dict[str, Portal]) -> None:
    """The three changes a recrawl must notice: a revision, a removal, a move."""
    jiaxiang, wenshang, yanzhou = portals["jiaxiang"], portals["wenshang"], portals["yanzhou"]
    revised = next(r for r in jiaxiang.reports if r.year == 2023 and r.rendering == HTML
                   and r.on_endpoint and not r.seed and not r.breakage
                   and r.unit.spec.kind == "township" and r.layout == GB2021)
    original = revised.versions[0].cells
    # The first publication had a typo in 予以公开 that the revision corrects.
    first = with_value(original, "applications/granted/natural_person", 1)
    revised.versions[0].cells = with_value(first, "applications/granted/total", 1)
    revised.versions.append(Version(original, REVISED_AT, "corrected figures"))
    removed = next(r for r in wenshang.reports if r.year == 2021 and r.article
                   and not r.on_endpoint)
    removed.article.removed_at = REMOVED_AT
    moved = next(r for r in yanzhou.reports if r.year == 2022 and r.article and r.on_endpoint
                 and r.unit.spec.kind == "county")
    moved.article.moved_at = MOVED_AT
    moved.article.moved_id = max(a.article_id for a in yanzhou.articles) + 7


def event_reports(world: World) -> dict[str, Report]:
    """The revised, removed and moved report of the world."""
    out = {}
    for report in world.reports():
        if len(report.versions) > 1:
            out["revised"] = report
        if report.article and report.article.removed_at:
            out["removed"] = report
        if report.article and report.article.moved_at:
            out["moved"] = report
    return out


__all__ = ["World", "Portal", "Report", "Article", "Attachment", "Unit", "build_world",
           "DEFAULT_AS_OF", "HTML", "DOCX", "DOC", "PDF", "IMAGE", "PROSE", "APPLICANTS",
           "application_rows", "cell_keys", "event_reports"]
