"""One settings file for a deployment, or the environment alone.

Every part of xxgk reads its configuration from ``XXGK_*`` environment variables (the
database, S3, the site registry, the proxy). A settings file (TOML, ``--config`` or
``$XXGK_CONFIG``) is a convenience on top: its values become those variables unless the
environment already sets them, so a container can override one value of a shared file.

Example (docs/operations.md has the whole list)::

    home = "/var/lib/xxgk"
    database_url = "postgresql+psycopg://xxgk@db/xxgk"
    redis_url = "redis://redis:6379/0"
    contact = "ops@example.org"
    [s3]
    bucket = "xxgk-archive"
    endpoint_url = "http://minio:9000"
    [alerts]
    webhooks = ["https://hooks.example.org/xxgk"]
    [alerts.smtp]
    host = "smtp.example.org"
    port = 587
    sender = "xxgk@example.org"
    to = ["archivists@example.org"]
    starttls = true
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from scheduler.sinks import EmailSink, LogSink, Sink, WebhookSink


class ConfigError(ValueError):
    """The settings file or an XXGK_* variable is unusable (the message says which)."""


# settings file key -> environment variable
_TOP = {"home": "XXGK_HOME", "database_url": "XXGK_DATABASE_URL",
        "redis_url": "XXGK_REDIS_URL", "contact": "XXGK_CONTACT", "proxy": "XXGK_PROXY",
        "sites_dir": "XXGK_SITES_DIR", "allow_private_hosts": "XXGK_ALLOW_PRIVATE_HOSTS",
        "distributed": "XXGK_DISTRIBUTED"}
_S3 = ("bucket", "prefix", "region", "endpoint_url", "keep_local", "object_lock_mode",
       "object_lock_days")
_SMTP = ("host", "port", "sender", "to", "user", "password", "starttls")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return str(value)


def load_config(path: Path | None = None) -> dict[str, str]:
    """Read the settings file (``path``, else $XXGK_CONFIG, else none) into the environment
    (unset variables only); returns what it set."""
    if path is None and os.environ.get("XXGK_CONFIG"):
        path = Path(os.environ["XXGK_CONFIG"])
    if path is None:
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"settings file {path} does not exist") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"settings file {path} is not valid TOML: {exc}") from exc
    wanted: dict[str, str] = {}
    for key, value in data.items():
        if key in _TOP:
            wanted[_TOP[key]] = _text(value)
        elif key == "s3" and isinstance(value, dict):
            for name, item in value.items():
                if name not in _S3:
                    raise ConfigError(f"{path}: unknown key s3.{name} (known: {', '.join(_S3)})")
                wanted[f"XXGK_S3_{name.upper()}"] = _text(item)
        elif key == "alerts" and isinstance(value, dict):
            for name, item in value.items():
                if name == "webhooks":
                    wanted["XXGK_WEBHOOKS"] = _text(item)
                elif name == "smtp" and isinstance(item, dict):
                    for field, setting in item.items():
                        if field not in _SMTP:
                            raise ConfigError(f"{path}: unknown key alerts.smtp.{field} "
                                              f"(known: {', '.join(_SMTP)})")
                        wanted[f"XXGK_SMTP_{field.upper()}"] = _text(setting)
                else:
                    raise ConfigError(f"{path}: unknown key alerts.{name}")
        else:
            raise ConfigError(f"{path}: unknown key {key} (known: {', '.join(_TOP)}, s3, "
                              "alerts)")
    applied = {name: value for name, value in wanted.items() if name not in os.environ}
    os.environ.update(applied)
    return applied


def sinks_from_env() -> list[Sink]:
    """The log, every URL of $XXGK_WEBHOOKS (comma-separated), and email when
    $XXGK_SMTP_HOST and $XXGK_SMTP_TO are set."""
    sinks: list[Sink] = [LogSink()]
    for url in filter(None, (u.strip() for u in os.environ.get("XXGK_WEBHOOKS", "").split(","))):
        if not url.startswith(("http://", "https://")):
            raise ConfigError(f"XXGK_WEBHOOKS: {url!r} is not an http(s) URL")
        sinks.append(WebhookSink(url))
    host = os.environ.get("XXGK_SMTP_HOST")
    to = [a.strip() for a in os.environ.get("XXGK_SMTP_TO", "").split(",") if a.strip()]
    if host and to:
        try:
            port = int(os.environ.get("XXGK_SMTP_PORT", "25"))
        except ValueError as exc:
            raise ConfigError("XXGK_SMTP_PORT must be a number") from exc
        sinks.append(EmailSink(
            host=host, port=port, recipients=to,
            sender=os.environ.get("XXGK_SMTP_SENDER", "xxgk@localhost"),
            user=os.environ.get("XXGK_SMTP_USER"), password=os.environ.get("XXGK_SMTP_PASSWORD"),
            starttls=os.environ.get("XXGK_SMTP_STARTTLS", "").lower() in ("1", "true", "yes")))
    elif host or to:
        raise ConfigError("email alerts need both XXGK_SMTP_HOST and XXGK_SMTP_TO")
    return sinks
