"""Private and loopback addresses are not crawl targets unless the operator says so.

A registry entry (or a settings file) naming ``127.0.0.1``, ``10.0.0.5`` or a name that
resolves to one would turn the crawler against the machine it runs on or its network: the
cloud's metadata service (169.254.169.254), a database's HTTP port, an admin page behind the
firewall. Such hosts are refused twice: as written, when the registry is read (no DNS: every
command reads it), and as resolved, when a crawl starts. The simulator and the tests crawl
127.0.0.1 on purpose: ``XXGK_ALLOW_PRIVATE_HOSTS=1`` or ``allow_private_hosts: true`` in a
site's entry allows it.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor, wait
from urllib.parse import urlsplit

ALLOW_VARIABLE = "XXGK_ALLOW_PRIVATE_HOSTS"
ALLOW_FIELD = "allow_private_hosts"
# What no public portal lives on: loopback, private (RFC 1918, ULA), link-local (the
# metadata service), "this network", shared (carrier-grade NAT) addresses.
_REFUSED = tuple(ipaddress.ip_network(net) for net in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "172.16.0.0/12", "192.168.0.0/16", "::/128", "::1/128", "fc00::/7", "fe80::/10"))
# All of a crawl's lookups, side by side, get this long. A resolver that drops queries makes
# each lost one wait 5 s or more (seen here: seeding 500 portals spent 100 of its 114 s on
# lookups); one that has not answered by then is treated like a name that does not resolve.
LOOKUP_DEADLINE = 5.0
_LOOKUPS = 32
HOW_TO_ALLOW = (f"private and loopback addresses are refused as crawl targets; allow them "
                f"with '{ALLOW_FIELD}: true' in the site's entry or {ALLOW_VARIABLE}=1")


def allowed_everywhere() -> bool:
    """Whether the environment (or settings file) allows private hosts for every site."""
    return os.environ.get(ALLOW_VARIABLE, "").strip().lower() in ("1", "true", "yes")


def refused_address(address: str) -> bool:
    """Whether an IP address (text) is one no crawl may reach."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in net for net in _REFUSED if net.version == ip.version)


def literal_problem(host: str) -> str | None:
    """Why a host as written is refused (a private IP, ``localhost``), or None; no DNS."""
    name = host.strip().strip("[]").lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return f"{host} is the loopback host"
    if refused_address(name):
        return f"{host} is a private or loopback address"
    return None


def resolved_problem(host: str) -> str | None:
    """Why a host is refused as written or as it resolves now, or None. A name that does not
    resolve here is not refused: a forward proxy may resolve it, and a crawl without one
    fails on it as unreachable."""
    problem = literal_problem(host)
    if problem:
        return problem
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return None
    for info in infos:
        address = str(info[4][0])
        if refused_address(address):
            return f"{host} resolves to {address}, a private or loopback address"
    return None


def resolved_problems(hosts: Iterable[str], deadline: float = LOOKUP_DEADLINE,
                      ) -> tuple[dict[str, str], list[str]]:
    """``resolved_problem`` of many hosts at once: the problems by host, and the hosts whose
    lookup had not answered after ``deadline`` seconds (not refused, as a name that does not
    resolve here is not; the caller says that they were not checked)."""
    names = list(dict.fromkeys(hosts))
    if not names:
        return {}, []
    pool = ThreadPoolExecutor(max_workers=min(_LOOKUPS, len(names)),
                              thread_name_prefix="xxgk-dns")
    futures = {pool.submit(resolved_problem, name): name for name in names}
    done, late = wait(futures, timeout=deadline)
    pool.shutdown(wait=False, cancel_futures=True)  # a late lookup ends on its own
    problems = {futures[f]: problem for f in done if (problem := f.result())}
    return problems, sorted(futures[f] for f in late)


def url_hosts(urls: Iterable[str]) -> list[str]:
    """The host names of URLs (those without one skipped)."""
    return [host for host in (urlsplit(url).hostname for url in urls) if host]
