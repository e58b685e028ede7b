"""What a router is asked (``SimRequest``) and what it answers (``Page``), shared by the
Hanweb router (``routes``) and the router of static-file CMSes (``routes_static``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from .catalog import UnitSpec


@dataclass
class SimRequest:
    host: str
    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str] = field(default_factory=dict)
    # Request headers, names in lower case: what a portal's guard looks at (jpaas's list API
    # refuses requests without a browser's User-Agent, Referer and X-Requested-With).
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def params(self) -> dict[str, str]:
        return {**self.query, **self.form}


@dataclass
class Page:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    modified: datetime | None = None  # a static page: Last-Modified, ETag, 304s
    headers: dict[str, str] = field(default_factory=dict)
    stream: Callable[[], Iterator[bytes]] | None = None
    stream_size: int = 0


def html_page(text: str, modified: datetime | None = None, status: int = 200) -> Page:
    return Page(status, text.encode("utf-8"), modified=modified)


def redirect(status: int, location: str) -> Page:
    return Page(status, b"", headers={"Location": location})


@dataclass(frozen=True)
class Detail:
    """A detail page of a static-file CMS, as its templates (``trs``, ``ucap``) need it."""

    path: str  # the page's own path (templates link relatively from it)
    title: str
    published: datetime
    source: str  # the publishing body (ContentSource, 发布机构)
    column: str  # column name
    unit: UnitSpec | None  # the unit whose column it is (None: a site-level column)
    body: str  # HTML of the content
    files: tuple[tuple[str, str], ...]  # (href, shown name) of the attachments
    images: tuple[str, ...]  # hrefs of the images inside ``body``
    index_no: str  # 索引号
    xxgk: bool  # a disclosure-catalogue item (metadata table) rather than a news item
    generated: datetime  # when the CMS wrote the file
