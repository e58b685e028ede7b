"""Private and loopback addresses are not crawl targets unless allowed: as written in the
registry (no DNS) and as resolved when a crawl starts (a public-looking name that resolves
to 127.0.0.1). The rest of the suite runs with the allowance (tests/conftest.py); these
tests take it away."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crawler.private_hosts import (
    ALLOW_VARIABLE,
    refused_address,
    resolved_problem,
    resolved_problems,
)
from crawler.registry import RegistryError, load_registry, parse_site, private_host_problems
from xxgk.cli import app

PUBLIC_NAME = "www.portal-resolving-to-loopback.gov.cn"


@pytest.fixture(autouse=True)
def no_allowance(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ALLOW_VARIABLE, raising=False)


def entry(host: str, **extra: object) -> dict:
    return {"key": "local", "name": "local portal", "cms": "generic", "hosts": [host],
            "home": f"http://{host}:8080/", **extra}


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
    "169.254.169.254", "0.0.0.0", "::1", "fc00::1", "fd12:3456::1", "::ffff:127.0.0.1",
])
def test_private_and_loopback_addresses_are_refused(address: str) -> None:
    assert refused_address(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "172.32.0.1", "2001:4860::8888", "1.1.1.1"])
def test_public_addresses_are_not(address: str) -> None:
    assert not refused_address(address)


@pytest.mark.parametrize("host", ["127.0.0.1", "10.0.0.5", "localhost", "[::1]"])
def test_the_registry_refuses_a_private_host_as_written(host: str) -> None:
    with pytest.raises(RegistryError, match="private and loopback addresses are refused"):
        parse_site(entry(host.strip("[]")), "local.yaml")


def test_the_registry_refuses_a_private_home_or_entry_point() -> None:
    with pytest.raises(RegistryError, match="169.254.169.254"):
        parse_site({**entry("www.example.gov.cn"),
                    "entry_points": ["http://169.254.169.254/latest/meta-data/"]}, "x.yaml")


def test_an_entry_or_the_environment_allows_them(monkeypatch: pytest.MonkeyPatch) -> None:
    assert parse_site(entry("127.0.0.1", allow_private_hosts=True), "x.yaml").hosts == (
        "127.0.0.1",)
    monkeypatch.setenv(ALLOW_VARIABLE, "1")
    site = parse_site(entry("127.0.0.1"), "x.yaml")
    assert site.private_host_problem() is None


def _resolving_to_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    real = socket.getaddrinfo

    def fake(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host == PUBLIC_NAME:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 0))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)


def test_a_name_resolving_to_loopback_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    _resolving_to_loopback(monkeypatch)
    assert "resolves to 127.0.0.1" in (resolved_problem(PUBLIC_NAME) or "")
    site = parse_site(entry(PUBLIC_NAME), "x.yaml")  # as written: nothing to refuse
    assert "resolves to 127.0.0.1" in (site.private_host_problem() or "")
    assert resolved_problem("no-such-host.invalid") is None  # unresolvable: a proxy's job


def test_many_sites_are_looked_up_side_by_side_under_one_deadline(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A resolver that drops queries must not hold a crawl of hundreds of sites for minutes:
    every lookup runs at once, and one not answered by the deadline is reported as not
    checked (like a name that does not resolve), while the others are still judged."""
    import threading
    import time

    released = threading.Event()
    real = socket.getaddrinfo

    def fake(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host == PUBLIC_NAME:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 0))]
        if host.startswith("slow"):
            released.wait(30)  # a dropped query
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("203.0.113.9", 0))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    sites = [parse_site({**entry(host), "key": f"s{n}"}, "x.yaml") for n, host in enumerate(
        [PUBLIC_NAME, *(f"slow{n}.portal.gov.cn" for n in range(40))])]
    started = time.monotonic()
    try:
        problems, unchecked = private_host_problems(sites, deadline=0.5)
        elapsed = time.monotonic() - started
        found, late = resolved_problems(["slow0.portal.gov.cn"], deadline=0.2)
    finally:
        released.set()
    assert elapsed < 15, elapsed  # 40 lookups of 30 s each, one after another: 20 min
    assert [p.split(":")[0] for p in problems] == ["s0"], problems
    assert "resolves to 127.0.0.1" in problems[0]
    assert unchecked == sorted(f"slow{n}.portal.gov.cn" for n in range(40))
    assert (found, late) == ({}, ["slow0.portal.gov.cn"])


def _registry(tmp_path: Path, host: str, monkeypatch: pytest.MonkeyPatch) -> None:
    sites = tmp_path / "sites"
    sites.mkdir()
    (sites / "local.yaml").write_text(json.dumps(entry(host)), encoding="utf-8")
    monkeypatch.setenv("XXGK_SITES_DIR", str(sites))
    monkeypatch.setenv("XXGK_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XXGK_DATABASE_URL", raising=False)


def test_crawl_refuses_a_loopback_site_with_a_clear_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _registry(tmp_path, "127.0.0.1", monkeypatch)
    result = CliRunner().invoke(app, ["crawl", "local"])
    assert result.exit_code == 2, result.output
    assert "127.0.0.1 is a private or loopback address" in result.output
    assert "XXGK_ALLOW_PRIVATE_HOSTS=1" in result.output
    assert not (tmp_path / "home").exists()  # nothing was started
    with pytest.raises(RegistryError):
        load_registry(tmp_path / "sites")


def test_crawl_refuses_a_site_whose_name_resolves_to_loopback(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _registry(tmp_path, PUBLIC_NAME, monkeypatch)
    _resolving_to_loopback(monkeypatch)
    result = CliRunner().invoke(app, ["crawl", "local"])
    assert result.exit_code == 2, result.output
    assert f"{PUBLIC_NAME} resolves to 127.0.0.1" in result.output
    assert not (tmp_path / "home").exists()
