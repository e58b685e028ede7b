"""The 瑞数-style JavaScript cookie challenge of www.wendeng.gov.cn: plain clients get 412,
a real browser (Playwright + the system Chromium) gets through, and its cookies work for
plain requests with the browser's User-Agent until they expire."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import ProxyClient

CHROMIUM = Path("/usr/bin/chromium")
HOME = "http://www.wendeng.gov.cn/"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]


def _cookie_header(cookies: list[dict]) -> str:
    return "; ".join(f"{c['name']}={c['value']}" for c in cookies
                     if "wendeng.gov.cn" in c["domain"])


def _is_challenge(response) -> bool:
    return response.status == 412 and b"$_ts" in response.body


def test_plain_client_gets_the_challenge(calm_sim):
    client = ProxyClient(calm_sim.port)
    first = client.get(HOME)
    assert first.status == 412
    assert b"$_ts" in first.body
    assert b"r='m'" in first.body
    set_cookie = first.headers.get_all("Set-Cookie") or []
    assert len(set_cookie) == 1
    name, value = set_cookie[0].split(";", 1)[0].split("=", 1)
    assert name and value
    # Keeping the server's cookie is not enough: the script's own cookie is missing.
    again = client.get(HOME, Cookie=f"{name}={value}")
    assert _is_challenge(again)
    # Every page of the host is challenged, not only the home page.
    assert _is_challenge(client.get("http://www.wendeng.gov.cn/col/col122236/index.html"))
    # Other portals are not challenged.
    assert client.get("http://www.yanzhou.gov.cn/").status == 200
    notes = [e["note"] for e in client.control("log") if e["host"] == "www.wendeng.gov.cn"]
    assert "challenge" in notes


def test_forged_client_cookie_is_refused(calm_sim):
    client = ProxyClient(calm_sim.port)
    first = client.get(HOME)
    server = first.headers.get_all("Set-Cookie")[0].split(";", 1)[0]
    token = server.split("=", 1)[1]
    script_cookie = re.search(rb"document\.cookie='([^=]+)='", first.body).group(1).decode()
    forged = f"{server}; {script_cookie}={token}.deadbeef"
    assert _is_challenge(client.get(HOME, Cookie=forged))


@contextmanager
def browser_through(proxy: str) -> Iterator[tuple[list[dict], str, str]]:
    """Open the home page in Chromium through the simulator; yield its cookies, its
    User-Agent and the page HTML while the browser is still open (tokens are short-lived
    in the TTL test)."""
    if not CHROMIUM.exists():
        pytest.skip("system Chromium /usr/bin/chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                    proxy={"server": proxy})
        try:
            page = browser.new_page()
            page.goto(HOME, wait_until="domcontentloaded", timeout=30_000)
            page.wait_for_selector("meta[name=SiteName]", state="attached", timeout=30_000)
            yield page.context.cookies(), page.evaluate("navigator.userAgent"), page.content()
        finally:
            browser.close()


@pytest.mark.slow
def test_real_browser_passes_and_its_cookies_work(start_sim):
    sim = start_sim(calm=True, warm_office=False)
    with browser_through(sim.proxy) as (cookies, user_agent, html):
        pass
    assert "<meta name=\"SiteName\" content=\"威海市文登区人民政府\">" in html
    assert "$_ts" not in html
    assert len([c for c in cookies if "wendeng.gov.cn" in c["domain"]]) == 2
    log = ProxyClient(sim.port).control("log")
    wendeng = [e for e in log if e["host"] == "www.wendeng.gov.cn" and e["path"] == "/"]
    assert [e["status"] for e in wendeng][:2] == [412, 200]
    header = _cookie_header(cookies)
    with_browser_ua = ProxyClient(sim.port, user_agent=user_agent)
    page = with_browser_ua.get(HOME, Cookie=header)
    assert page.status == 200
    assert "<meta name='Generator' content='大汉版通'>" in page.text
    article = with_browser_ua.get("http://www.wendeng.gov.cn/col/col122236/index.html",
                                  Cookie=header)
    assert article.status == 200 and "<datastore>" in article.text
    # The cookie is bound to the browser's User-Agent.
    other_ua = ProxyClient(sim.port, user_agent="python-requests/2.32")
    assert _is_challenge(other_ua.get(HOME, Cookie=header))


@pytest.mark.slow
def test_browser_cookies_expire(start_sim):
    ttl = 2
    sim = start_sim(calm=True, warm_office=False, challenge_ttl=ttl)
    with browser_through(sim.proxy) as (cookies, user_agent, _):
        passed_at = time.time()
        client = ProxyClient(sim.port, user_agent=user_agent)
        header = _cookie_header(cookies)
        assert client.get(HOME, Cookie=header).status == 200
    time.sleep(max(0.0, passed_at + ttl + 1.1 - time.time()))
    assert _is_challenge(client.get(HOME, Cookie=header))
