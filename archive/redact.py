"""Secrets never stored or shown: credentials out of archived requests, masks for URLs and
text, and a logging filter that masks every known secret in every log record.

A WARC file is forever (S3 Object Lock, WACZ copies handed to others) and logs, events and
command output travel further than the environment that holds the secrets, so masking
happens where text leaves the process, not where it is made: in one filter every log
record passes (installed by the command line, Scrapy's records too) and in the few outputs
that show configuration (``xxgk info``, sink names, errors). It lives in ``archive``, the
base layer, so that the crawler and the scheduler can use it.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Mapping
from urllib.parse import SplitResult, unquote, urlsplit

MASK = "***"

# Request headers that carry credentials and are never archived: the proxy's login
# (Scrapy adds it from the --proxy URL's userinfo) and any HTTP authentication.
CREDENTIAL_HEADERS = frozenset({"proxy-authorization", "authorization"})

# Query parameters whose values are secrets, compared with the key's last part
# (``x-amz-signature`` -> ``signature``, ``api_key`` -> ``key``).
SECRET_QUERY_KEYS = frozenset({
    "token", "access_token", "accesstoken", "key", "apikey", "secret", "password", "passwd",
    "pwd", "sign", "signature", "sig", "auth", "credential", "credentials", "session",
})
# Environment variables holding a secret as a whole (XXGK_SMTP_PASSWORD,
# AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, POSTGRES_PASSWORD, ...).
_SECRET_VARIABLE = re.compile(r"PASSWORD|PASSWD|SECRET|TOKEN", re.IGNORECASE)
# Environment variables holding URLs (or comma-separated lists of them) that may carry a
# password or a token.
URL_VARIABLES = ("XXGK_DATABASE_URL", "XXGK_REDIS_URL", "XXGK_PROXY", "XXGK_WEBHOOKS",
                 "XXGK_S3_ENDPOINT_URL", "HTTP_PROXY", "HTTPS_PROXY", "http_proxy",
                 "https_proxy", "ALL_PROXY", "all_proxy")
# Shorter values are not masked as free text: "1" or "xxgk" would mask half the log.
MIN_SECRET_LENGTH = 4

# A URL in free text, without the punctuation that ends a sentence or a bracket after it.
_URL = re.compile(r"[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s'\"<>\\]+(?<![.,;:)\]}])")
_QUERY_PAIR = re.compile(r"(^|[?&;])([^=&;#?]+)=([^&;#]*)")


def is_secret_key(name: str) -> bool:
    """Whether a query parameter's value is a secret, by its name."""
    lowered = unquote(name).strip().lower()
    return lowered in SECRET_QUERY_KEYS or re.split(r"[_\-.]", lowered)[-1] in SECRET_QUERY_KEYS


def _mask_query(query: str) -> str:
    def one(match: re.Match[str]) -> str:
        lead, name, value = match.groups()
        return f"{lead}{name}={MASK}" if value and is_secret_key(name) else match.group(0)

    return _QUERY_PAIR.sub(one, query)


def mask_url(url: str) -> str:
    """The URL with its password (``http://u:***@host``) and secret query values
    (``?token=***``) masked; anything that does not parse is returned as it is."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return url
    netloc = parts.netloc
    if password:
        userinfo, _, hostport = netloc.rpartition("@")
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}:{MASK}@{hostport}"
    query = _mask_query(parts.query) if parts.query else parts.query
    if netloc == parts.netloc and query == parts.query:
        return url
    return SplitResult(parts.scheme, netloc, parts.path, query, parts.fragment).geturl()


def mask_database_url(url: str) -> str:
    """A database URL as SQLAlchemy shows it with the password hidden (and secret query
    values masked too)."""
    try:
        from sqlalchemy.engine import make_url

        shown = make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - not a URL SQLAlchemy reads: mask it as any URL
        return mask_url(url)
    return mask_url(shown)


def url_secrets(url: str) -> set[str]:
    """The secrets a URL carries: its password and secret query values, as written and
    decoded."""
    found: set[str] = set()
    try:
        parts = urlsplit(url.strip())
        password = parts.password
    except ValueError:
        return found
    if password:
        found |= {password, unquote(password)}
    for _, name, value in _QUERY_PAIR.findall(parts.query):
        if value and is_secret_key(name):
            found |= {value, unquote(value)}
    return found


def secrets_from_env(environ: Mapping[str, str]) -> set[str]:
    """Every secret value the environment holds: whole variables named like secrets, and
    the passwords and tokens inside URL variables."""
    found: set[str] = set()
    for name, value in environ.items():
        if not value:
            continue
        if name in URL_VARIABLES:
            for url in value.split(","):
                found |= url_secrets(url)
        elif _SECRET_VARIABLE.search(name):
            found.add(value)
    return {value for value in found if len(value) >= MIN_SECRET_LENGTH}


def mask_values(text: str, secrets: Iterable[str]) -> str:
    """Text with every known secret value replaced (and nothing else touched)."""
    for secret in sorted(secrets, key=len, reverse=True):  # the longest first: no leftovers
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def mask_text(text: str, secrets: Iterable[str] = ()) -> str:
    """Free text with every URL masked (``mask_url``) and every known secret replaced."""
    if "://" in text:
        text = _URL.sub(lambda match: mask_url(match.group(0)), text)
    return mask_values(text, secrets)


def strip_credentials(headers: Iterable[tuple[str, str]],
                      also: Iterable[str] = ()) -> list[tuple[str, str]]:
    """Request headers without the credential headers (and the ``also`` names, e.g. a
    Cookie the operator marks secret), for the archive's request records."""
    dropped = CREDENTIAL_HEADERS | {name.lower() for name in also}
    return [(name, value) for name, value in headers if name.lower() not in dropped]


class SecretFilter(logging.Filter):
    """Masks URLs and every known secret in a record's message and traceback; never drops
    a record. Known secrets are the environment's (read again when it changes: a settings
    file is applied after start) and those given to :meth:`remember` (a --proxy option)."""

    def __init__(self, environ: Mapping[str, str] = os.environ) -> None:
        super().__init__()
        self._environ = environ
        self._remembered: set[str] = set()
        self._seen: tuple[tuple[str, str], ...] | None = None
        self._from_env: set[str] = set()
        self._raw: dict[bytes, bytes] | None = None  # os.environ's data when last read

    def remember(self, value: str | None) -> None:
        """A secret from elsewhere than the environment: a URL (its password and tokens)
        or a bare value."""
        if not value:
            return
        found = url_secrets(value) if "://" in value else {value}
        self._remembered |= {v for v in found if len(v) >= MIN_SECRET_LENGTH}

    @property
    def secrets(self) -> set[str]:
        # os.environ unchanged since the last record (one comparison of its raw dict, in C):
        # reading it again, a decode and a search per variable, was 6 % of a worker's reactor
        # thread, in the records Scrapy makes for every request.
        raw = getattr(self._environ, "_data", None)
        if raw is not None and raw == self._raw:
            return self._from_env | self._remembered
        if raw is not None:
            self._raw = dict(raw)
        snapshot = tuple(sorted((k, v) for k, v in self._environ.items()
                                if k in URL_VARIABLES or _SECRET_VARIABLE.search(k)))
        if snapshot != self._seen:
            self._seen, self._from_env = snapshot, secrets_from_env(dict(snapshot))
        return self._from_env | self._remembered

    def mask(self, text: str) -> str:
        """URLs and known secrets masked: for logs and messages."""
        return mask_text(text, self.secrets)

    def mask_known(self, text: str) -> str:
        """Only the known secret values masked: for data (an archived URL's ``?sign=`` is
        the portal's, not ours, and stays as it is)."""
        return mask_values(text, self.secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string: leave it to the handler
            return True
        masked = self.mask(message)
        if masked != message or record.args:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.mask(record.exc_text)
        if record.stack_info:
            record.stack_info = self.mask(record.stack_info)
        return True


SECRETS = SecretFilter()  # the process's one filter: `install` puts it in place


def install() -> SecretFilter:
    """Mask every log record of this process from now on: at its creation (so handlers
    installed later, e.g. Scrapy's root handler, see masked records too) and in the root
    logger's present handlers. Idempotent."""
    factory = logging.getLogRecordFactory()
    if not getattr(factory, "xxgk_masks", False):
        def masked_record(*args: object, **kwargs: object) -> logging.LogRecord:
            record = factory(*args, **kwargs)
            SECRETS.filter(record)
            return record

        masked_record.xxgk_masks = True  # type: ignore[attr-defined]
        logging.setLogRecordFactory(masked_record)
    for handler in logging.getLogger().handlers:
        if SECRETS not in handler.filters:
            handler.addFilter(SECRETS)
    return SECRETS
