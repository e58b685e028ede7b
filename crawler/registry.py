"""The site registry: one YAML file per portal in ``crawler/sites/``.

Site facts live in data so that adding a Hanweb portal needs a new entry and no code. A bad
entry is reported with its file and field, never half-loaded. An entry whose hosts are
private or loopback addresses is a bad entry unless it allows them (``crawler.private_hosts``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from crawler.private_hosts import (
    ALLOW_FIELD,
    HOW_TO_ALLOW,
    LOOKUP_DEADLINE,
    allowed_everywhere,
    literal_problem,
    resolved_problems,
    url_hosts,
)

SITES_DIR = Path(__file__).resolve().parent / "sites"
CMS_FAMILIES = ("hanweb", "jpaas", "generic")


class RegistryError(ValueError):
    """A site entry that cannot be used, with the reason."""


@dataclass(frozen=True)
class XxgkPlatform:
    column: int
    area: str
    annual_report_endpoint: bool = True
    first_year: int = 2018


@dataclass(frozen=True)
class HanwebSite:
    webid: int
    dataproxy: str = "/module/web/jpage/dataproxy.jsp"
    annual_report_columns: tuple[int, ...] = ()
    xxgk: XxgkPlatform | None = None


@dataclass(frozen=True)
class JpaasSite:
    """What a Hanweb jpaas portal's list API is asked with (its column pages are empty
    shells that name the same values in their script): the site (``webId``, numeric on
    county sites), the template set (``tplSetId``) and the list unit in it (``tagId``);
    the annual-report columns are the pages (``pageId``) listed."""

    webid: str
    tplsetid: str
    tagid: str
    annual_report_columns: tuple[int, ...]


@dataclass(frozen=True)
class Schedule:
    cron: str = "0 3 * * 1"
    dense_cron: str | None = None  # used January-March, when reports appear


@dataclass(frozen=True)
class Site:
    key: str
    name: str
    cms: str
    hosts: tuple[str, ...]
    home: str
    hanweb: HanwebSite | None = None
    jpaas: JpaasSite | None = None
    # Generic sites: pages to start from besides the home page (disclosure area, lists).
    entry_points: tuple[str, ...] = ()
    schedule: Schedule = field(default_factory=Schedule)
    # Per-site overrides of Scrapy settings (politeness), e.g. {"DOWNLOAD_DELAY": 3}.
    settings: dict[str, Any] = field(default_factory=dict)
    # Requests in flight at once per host (XXGK_HOST_CONCURRENCY): 1 unless the portal's
    # operators allow more. A distributed crawl keeps one (crawler.distributed.politeness).
    concurrency: int = 1
    # (province, city, county) of the portal's county: the parsers' organisations table
    # records where each publishing body is.
    region: tuple[str | None, str | None, str | None] = (None, None, None)
    source: Path | None = None
    # A portal on a private or loopback address (the simulator, a test) may be crawled.
    allow_private_hosts: bool = False

    def in_scope(self, host: str | None) -> bool:
        return (host or "").lower() in self.hosts

    @property
    def target_hosts(self) -> list[str]:
        """Every host a crawl of the site starts from or stays on."""
        return list(dict.fromkeys([*self.hosts, *url_hosts([self.home, *self.entry_points])]))

    def private_host_problem(self) -> str | None:
        """Why the site may not be crawled now (a host resolving to a private address),
        or None; crawls call this as they start (DNS), the registry checks only what is
        written."""
        problems, _ = private_host_problems([self])
        return problems[0] if problems else None


def private_host_problems(sites: list[Site], deadline: float = LOOKUP_DEADLINE,
                          ) -> tuple[list[str], list[str]]:
    """``Site.private_host_problem`` for many sites, their hosts looked up side by side
    under one deadline: the problems (one per refused site) and the hosts not checked."""
    checked = [site for site in sites if not site.allow_private_hosts]
    if allowed_everywhere() or not checked:
        return [], []
    found, unchecked = resolved_problems((h for site in checked for h in site.target_hosts),
                                         deadline)
    problems = []
    for site in checked:
        problem = next((found[h] for h in site.target_hosts if h in found), None)
        if problem:
            problems.append(f"{site.key}: {problem}; {HOW_TO_ALLOW}")
    return problems, unchecked


def _require(entry: dict, name: str, kind: type, where: str) -> Any:
    if name not in entry:
        raise RegistryError(f"{where}: missing field '{name}'")
    value = entry[name]
    if not isinstance(value, kind):
        raise RegistryError(f"{where}: field '{name}' must be {kind.__name__}, got {value!r}")
    return value


def parse_site(entry: Any, where: str) -> Site:
    if not isinstance(entry, dict):
        raise RegistryError(f"{where}: a site entry must be a mapping")
    key = _require(entry, "key", str, where)
    cms = _require(entry, "cms", str, where)
    if cms not in CMS_FAMILIES:
        raise RegistryError(f"{where}: unknown cms '{cms}' (known: {', '.join(CMS_FAMILIES)})")
    hosts = tuple(h.lower() for h in _require(entry, "hosts", list, where))
    if not hosts or not all(isinstance(h, str) and h for h in hosts):
        raise RegistryError(f"{where}: 'hosts' must list at least one host name")
    hanweb = None
    if cms == "hanweb":
        raw = _require(entry, "hanweb", dict, where)
        xxgk = None
        if "xxgk" in raw:
            x = raw["xxgk"]
            xxgk = XxgkPlatform(column=_require(x, "column", int, f"{where} hanweb.xxgk"),
                                area=str(_require(x, "area", str, f"{where} hanweb.xxgk")),
                                annual_report_endpoint=bool(x.get("annual_report_endpoint", True)),
                                first_year=int(x.get("first_year", 2018)))
        hanweb = HanwebSite(webid=_require(raw, "webid", int, f"{where} hanweb"),
                            dataproxy=str(raw.get("dataproxy", HanwebSite.dataproxy)),
                            annual_report_columns=tuple(int(c) for c in
                                                        raw.get("annual_report_columns", [])),
                            xxgk=xxgk)
    jpaas = _jpaas_site(_require(entry, "jpaas", dict, where), f"{where} jpaas") \
        if cms == "jpaas" else None
    schedule = Schedule(**entry.get("schedule", {}))
    settings = entry.get("settings", {}) or {}
    if not isinstance(settings, dict):
        raise RegistryError(f"{where}: 'settings' must be a mapping of Scrapy settings")
    entry_points = entry.get("entry_points", []) or []
    if not isinstance(entry_points, list) or not all(isinstance(u, str) for u in entry_points):
        raise RegistryError(f"{where}: 'entry_points' must be a list of URLs")
    concurrency = entry.get("concurrency", 1)
    if not isinstance(concurrency, int) or isinstance(concurrency, bool) or concurrency < 1:
        raise RegistryError(f"{where}: 'concurrency' must be a whole number of at least 1 "
                            f"(requests in flight at once per host), got {concurrency!r}")
    region = entry.get("region", {}) or {}
    if not isinstance(region, dict):
        raise RegistryError(f"{where}: 'region' must be a mapping (province, city, county)")
    allow_private = entry.get(ALLOW_FIELD, False)
    if not isinstance(allow_private, bool):
        raise RegistryError(f"{where}: '{ALLOW_FIELD}' must be true or false")
    home = _require(entry, "home", str, where)
    if not (allow_private or allowed_everywhere()):
        for host in [*hosts, *url_hosts([home, *entry_points])]:
            problem = literal_problem(host)
            if problem:
                raise RegistryError(f"{where}: {problem}; {HOW_TO_ALLOW}")
    return Site(key=key, name=str(entry.get("name", key)), cms=cms, hosts=hosts,
                home=home, hanweb=hanweb, jpaas=jpaas, schedule=schedule,
                settings=settings, entry_points=tuple(entry_points), concurrency=concurrency,
                region=(region.get("province"), region.get("city"), region.get("county")),
                allow_private_hosts=allow_private)


def _jpaas_site(raw: dict, where: str) -> JpaasSite:
    webid = raw.get("webid")
    if isinstance(webid, bool) or not isinstance(webid, (int, str)) or not str(webid):
        raise RegistryError(f"{where}: field 'webid' must be the API's webId, got {webid!r}")
    columns = _require(raw, "annual_report_columns", list, where)
    if not columns or not all(isinstance(c, int) and not isinstance(c, bool) for c in columns):
        raise RegistryError(f"{where}: 'annual_report_columns' must list the page ids "
                            f"(column ids) of the annual-report columns, got {columns!r}")
    return JpaasSite(webid=str(webid), tplsetid=_require(raw, "tplsetid", str, where),
                     tagid=_require(raw, "tagid", str, where),
                     annual_report_columns=tuple(columns))


def registry_dir() -> Path:
    """The registry folder: $XXGK_SITES_DIR (an operator's own list of portals, a test's
    schedules), else the sites shipped in crawler/sites."""
    configured = os.environ.get("XXGK_SITES_DIR")
    return Path(configured) if configured else SITES_DIR


def load_registry(directory: Path | None = None) -> dict[str, Site]:
    """Every site of the registry folder (default: ``registry_dir()``), by key."""
    directory = directory if directory is not None else registry_dir()
    if not directory.is_dir():
        raise RegistryError(f"the site registry folder {directory} does not exist")
    sites: dict[str, Site] = {}
    for path in sorted(directory.glob("*.yaml")):
        try:
            entry = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise RegistryError(f"{path.name}: not valid YAML: {exc}") from exc
        site = parse_site(entry, path.name)
        if site.key in sites:
            raise RegistryError(f"{path.name}: site key '{site.key}' is already used by "
                                f"{sites[site.key].source.name if sites[site.key].source else '?'}")
        sites[site.key] = Site(**{**site.__dict__, "source": path})
    return sites


def region_resolver(sites: dict[str, Site]) -> Callable[[str], tuple[str | None, ...] | None]:
    """URL -> (province, city, county) of the registry site whose host it is on."""
    by_host = {host: site.region for site in sites.values() for host in site.hosts
               if any(site.region)}

    def region_of(url: str) -> tuple[str | None, ...] | None:
        return by_host.get((urlsplit(url).hostname or "").lower())

    return region_of
