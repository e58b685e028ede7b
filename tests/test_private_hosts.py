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

from crawler.private_hosts import ALLOW_VARIABLE, refused_address, resolved_problem
from crawler.registry import RegistryError, load_registry, parse_site
from scheduler.cli import app

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
