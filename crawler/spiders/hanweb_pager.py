"""How a Hanweb column pages its records, read from the column page itself.

The page's jpage script says where the rest of the records are (``proxyUrl``), in which form
(``ajaxType``), how many a page holds (``perPage``) and how many there are (``totalRecord``);
its ``<nextgroup>`` link shows the GET form on the right path. Portals differ (two paths,
two forms, PORTALS.md), a registry entry can be wrong, and a portal may refuse the form its
own script uses: so the pager keeps every (path, form) to try, the page's own first, and the
spider moves to the next when one is refused (``HanwebSpider._fall_back``).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit

NEW_PATH = "/module/web/jpage/dataproxy.jsp"
OLD_PATH = "/module/jslib/jquery/jpage/dataproxy.jsp"
PER_PAGE = 15
GROUP_SIZE = 3  # pages per first load and per POST group
_TOTAL = re.compile(r"totalRecord\s*:\s*['\"]?(\d+)")
_PER_PAGE = re.compile(r"perPage\s*:\s*['\"]?(\d+)")
_GROUP_SIZE = re.compile(r"groupSize\s*:\s*['\"]?(\d+)")
_AJAX_TYPE = re.compile(r"ajaxType\s*:\s*['\"](get|post)['\"]", re.IGNORECASE)
_PROXY_URL = re.compile(r"proxyUrl\s*:\s*['\"]([^'\"]+)['\"]")
_NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[\s*<a\s+href=['\"]([^'\"]+)['\"]", re.IGNORECASE)
_UNIT_ID = re.compile(r"\$\(\s*['\"]#(\d+)['\"]\s*\)\s*\.jpage")
_RECORDS = re.compile(r"<record>", re.IGNORECASE)


@dataclass
class Pager:
    column: int
    total: int  # records the page says the column has
    per_page: int
    group: int  # records per request range
    first_load: int  # records the column page embeds: the requests start after them
    plans: list[tuple[str, str]]  # (path, form), in the order they are tried
    common: dict[str, str] = field(default_factory=dict)  # the dataproxy's parameters
    plan: int = 0  # the plan in use

    def params(self, form: str) -> dict[str, str]:
        """The parameters of one form (POST adds col and sourceContentType)."""
        if form == "post":
            return {"col": "1", "sourceContentType": "1", **self.common}
        return dict(self.common)


def column_pager(text: str, column: int, registry_path: str | None, webid: str) -> Pager:
    """The pager of a column page's text; the registry's path is a last resort."""
    total = _int(_TOTAL, text, 0)
    per_page = _int(_PER_PAGE, text, PER_PAGE) or PER_PAGE
    group = per_page * (_int(_GROUP_SIZE, text, GROUP_SIZE) or GROUP_SIZE)
    common = {"appid": "1", "webid": webid, "path": "/", "columnid": str(column),
              "permissiontype": "0"}
    nextgroup = _NEXTGROUP.search(text)
    next_path = None
    if nextgroup:
        link = urlsplit(html.unescape(nextgroup.group(1)))
        next_path = link.path or None
        advertised = dict(parse_qsl(link.query))
        common.update({k: v for k, v in advertised.items()
                       if k in ("appid", "webid", "path", "unitid", "webname", "permissiontype")})
    unit = _UNIT_ID.search(text)
    if unit and "unitid" not in common:
        common["unitid"] = unit.group(1)
    proxy = _PROXY_URL.search(text)
    proxy_path = urlsplit(html.unescape(proxy.group(1))).path if proxy else None
    ajax = _AJAX_TYPE.search(text)
    form = ajax.group(1).lower() if ajax else ("get" if next_path else "post")
    paths = _unique([proxy_path, next_path, registry_path, NEW_PATH, OLD_PATH])
    other = "get" if form == "post" else "post"
    plans = _unique([(paths[0], form), (paths[0], other),
                     *((p, f) for p in paths[1:] for f in (form, other))])
    return Pager(column, total, per_page, group, count_records(text), plans, common)


@dataclass(frozen=True)
class Ask:
    """One dataproxy request: its path and query, its form data (None: a GET), and the
    records it asks for."""

    target: str
    formdata: dict[str, str] | None
    start: int
    end: int


def asks(pager: Pager, plan: int, start: int, end: int) -> list[Ask]:
    """Records ``start``..``end`` of the column in one plan's form: one POST (startrecord,
    endrecord) or the GET pages that cover them (the crawler and the probe ask alike)."""
    path, form = pager.plans[plan]
    if form == "post":
        query = urlencode({"startrecord": start, "endrecord": end, "perpage": pager.per_page})
        return [Ask(f"{path}?{query}", pager.params(form), start, end)]
    first, last = (start - 1) // pager.per_page + 1, (end - 1) // pager.per_page + 1
    return [Ask(f"{path}?{urlencode({'page': page, **pager.params(form)})}", None,
                (page - 1) * pager.per_page + 1, min(page * pager.per_page, end))
            for page in range(first, last + 1)]


def count_records(text: str) -> int:
    """The records a column page embeds or a dataproxy answer holds."""
    return len(_RECORDS.findall(text))


def _int(pattern: re.Pattern[str], text: str, default: int) -> int:
    match = pattern.search(text)
    return int(match.group(1)) if match else default


def _unique(items):  # type: ignore[no-untyped-def]
    return list(dict.fromkeys(i for i in items if i))
