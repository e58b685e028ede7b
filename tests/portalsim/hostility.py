"""What makes the simulated portals hard to crawl, switched per portal (see ``catalog``).

- a 瑞数-style JavaScript cookie challenge: 412 with a ``$_ts`` script; the script reads a
  token from a <meta> element, hashes it with ``navigator.userAgent`` and sets a cookie, then
  reloads. Only a client that runs the page's JavaScript in a DOM gets through; the cookie is
  bound to the User-Agent and expires;
- transient 500/503 answers, slow answers and a dropped connection, chosen per URL by a
  stable hash, so every run sees the same ones;
- 429 with Retry-After when requests to a host come faster than its limit.

Delays and limits are multiplied by ``time_scale`` so tests can run a hostile world fast.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import time
from dataclasses import dataclass, field

from .catalog import CONNECTION_RESET, SLOW, TRANSIENT, PortalSpec
from .determinism import stable_hash

STUB_COOKIE = "__jsluid_s"
CHALLENGE_COOKIE_SERVER = "FSSBBIl1UgzbN7N80S"
CHALLENGE_COOKIE_CLIENT = "FSSBBIl1UgzbN7N80T"
_META_ID = "9DhefwqGPrzGxEp9hPaoag"


def fnv1a32(text: str) -> str:
    """FNV-1a over UTF-16 code units, exactly what the challenge script computes."""
    h = 0x811C9DC5
    data = text.encode("utf-16-le")
    for i in range(0, len(data), 2):
        h ^= data[i] | (data[i + 1] << 8)
        h = (h * 0x01000193) & 0xFFFFFFFF
    return format(h, "x")


@dataclass
class Challenge:
    secret: bytes
    ttl: float  # seconds a solved challenge stays valid

    def issue(self, now: float | None = None) -> str:
        expiry = int((now or time.time()) + self.ttl)
        mac = hmac.new(self.secret, str(expiry).encode(), hashlib.sha256).hexdigest()[:20]
        return base64.urlsafe_b64encode(f"{expiry}:{mac}".encode()).decode().rstrip("=")

    def _token_ok(self, token: str, now: float) -> bool:
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
            expiry, mac = raw.split(":")
        except (ValueError, UnicodeDecodeError):
            return False
        good = hmac.new(self.secret, expiry.encode(), hashlib.sha256).hexdigest()[:20]
        return hmac.compare_digest(mac, good) and int(expiry) > now

    def passes(self, cookies: dict[str, str], user_agent: str, now: float | None = None) -> bool:
        token = cookies.get(CHALLENGE_COOKIE_SERVER, "")
        proof = cookies.get(CHALLENGE_COOKIE_CLIENT, "")
        now = now or time.time()
        return (bool(token) and self._token_ok(token, now)
                and proof == f"{token}.{fnv1a32(token + '|' + user_agent)}")

    def page(self, token: str) -> str:
        return f"""<!DOCTYPE html>
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta http-equiv="Expires" content="0">
<meta http-equiv="Cache-Control" content="no-cache">
<meta http-equiv="Pragma" content="no-cache">
<meta id="{_META_ID}" content="{token}" r='m'>
<script type="text/javascript" r='m'>$_ts=window['$_ts'];if(!$_ts)$_ts=window['$_ts']={{}};$_ts.nsd=84511;$_ts.cd="qXrlrrAlErGlcGAlqqqAEGGlqGAlqqqDqqrlrGAlEqqDcGAlqGAlcqrD";</script>
<script type="text/javascript" r='m'>
(function(){{var _$m=document.getElementById('{_META_ID}');if(!_$m||!window.navigator)return;
var _$t=_$m.getAttribute('content'),_$s=_$t+'|'+navigator.userAgent,_$h=0x811c9dc5;
for(var _$i=0;_$i<_$s.length;_$i++){{_$h^=_$s.charCodeAt(_$i);_$h=Math.imul(_$h,0x01000193)>>>0;}}
document.cookie='{CHALLENGE_COOKIE_CLIENT}='+_$t+'.'+_$h.toString(16)+'; path=/';
$_ts.lcd=1;setTimeout(function(){{location.reload();}},50);}})();
</script>
</head><body></body></html>
"""


@dataclass
class CookieStub:
    """加速乐-style guard: a 200 page whose script sets a cookie and reloads. Any client that
    reads the script can pass; one that stores whatever answers 200 archives the stub."""

    secret: bytes

    @property
    def value(self) -> str:
        return hmac.new(self.secret, b"jsluid", hashlib.sha256).hexdigest()[:32]

    def passes(self, cookies: dict[str, str]) -> bool:
        return hmac.compare_digest(cookies.get(STUB_COOKIE, ""), self.value)

    def page(self) -> str:
        return (f"<html><body><script>document.cookie='{STUB_COOKIE}={self.value}; max-age=3600; "
                f"path=/';location.reload();</script></body></html>\n")


@dataclass
class Hostility:
    time_scale: float = 1.0
    rate_interval: float = 0.5  # seconds between two requests to a rate-limited host
    slow_seconds: float = 2.5
    _attempts: dict[str, int] = field(default_factory=dict)
    _last_request: dict[str, float] = field(default_factory=dict)

    def transient_failure(self, spec: PortalSpec, url_key: str) -> int | None:
        """The status to fail this attempt with, or None; fails the first one or two tries."""
        if TRANSIENT not in spec.hostility:
            return None
        bucket = stable_hash("transient", url_key) % 23
        fails = 1 if bucket == 0 else 2 if bucket == 1 else 0
        if not fails:
            return None
        seen = self._attempts.get(url_key, 0)
        self._attempts[url_key] = seen + 1
        if seen >= fails:
            return None
        return 503 if spec.key == "wenshang" or seen == 0 else 500

    def reset_connection(self, spec: PortalSpec, url_key: str) -> bool:
        """Drop the connection the first time one particular URL is asked for."""
        if CONNECTION_RESET not in spec.hostility or not url_key.endswith(
                f"/col/col{spec.column('annual').id}/index.html"):
            return False
        key = "reset:" + url_key
        seen = self._attempts.get(key, 0)
        self._attempts[key] = seen + 1
        return seen == 0

    def delay(self, spec: PortalSpec, url_key: str) -> float:
        if SLOW not in spec.hostility:
            return 0.0
        return self.slow_seconds * self.time_scale if stable_hash("slow", url_key) % 19 == 0 else 0.0

    def rate_limited(self, host: str, now: float | None = None) -> int | None:
        """Retry-After seconds if this request comes too soon after the previous one."""
        now = now if now is not None else time.monotonic()
        last = self._last_request.get(host)
        if last is not None and now - last < self.rate_interval * self.time_scale:
            return max(1, math.ceil(2 * self.time_scale))
        self._last_request[host] = now
        return None
