"""Which storage backend a process uses, from one settings object read from the environment.

No bucket means the local folder: a single machine needs no configuration at all.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from archive.storage.base import Storage, StorageConfigError
from archive.storage.local import LocalStorage

TRUE = ("1", "true", "yes", "on")
FALSE = ("", "0", "false", "no", "off")


@dataclass(frozen=True)
class StorageSettings:
    """Defaults here are the documented ones (docs/storage.md)."""

    bucket: str | None = None  # XXGK_S3_BUCKET; None: local folder
    prefix: str = ""  # XXGK_S3_PREFIX
    endpoint_url: str | None = None  # XXGK_S3_ENDPOINT_URL; None: AWS
    region: str | None = None  # XXGK_S3_REGION; None: boto3's AWS_REGION/AWS_DEFAULT_REGION
    object_lock_days: int | None = None  # XXGK_S3_OBJECT_LOCK_DAYS; None: no retention
    object_lock_mode: str = "GOVERNANCE"  # XXGK_S3_OBJECT_LOCK_MODE
    keep_local: bool = False  # XXGK_S3_KEEP_LOCAL

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> StorageSettings:
        env = os.environ if environ is None else environ
        days = env.get("XXGK_S3_OBJECT_LOCK_DAYS", "").strip()
        if days and not days.isdigit():
            raise StorageConfigError(f"XXGK_S3_OBJECT_LOCK_DAYS must be a number of days, "
                                     f"not {days!r}")
        keep = env.get("XXGK_S3_KEEP_LOCAL", "").strip().lower()
        if keep not in TRUE + FALSE:
            raise StorageConfigError(f"XXGK_S3_KEEP_LOCAL must be true or false, not {keep!r}")
        return cls(bucket=env.get("XXGK_S3_BUCKET") or None,
                   prefix=env.get("XXGK_S3_PREFIX", ""),
                   endpoint_url=env.get("XXGK_S3_ENDPOINT_URL") or None,
                   region=env.get("XXGK_S3_REGION") or None,
                   object_lock_days=int(days) if days else None,
                   object_lock_mode=env.get("XXGK_S3_OBJECT_LOCK_MODE", "GOVERNANCE").upper()
                   or "GOVERNANCE",
                   keep_local=keep in TRUE)


def storage_from_config(settings: StorageSettings, local_directory: Path,
                        environ: Mapping[str, str] | None = None) -> Storage:
    """The backend the settings name; ``local_directory`` is where WARC files are written."""
    if not settings.bucket:
        return LocalStorage(local_directory)
    from archive.storage.s3 import S3Storage  # boto3 is only imported by processes that use S3

    return S3Storage(settings.bucket, settings.prefix, endpoint_url=settings.endpoint_url,
                     region=settings.region, object_lock_days=settings.object_lock_days,
                     object_lock_mode=settings.object_lock_mode, keep_local=settings.keep_local,
                     environ=environ, local_directory=local_directory)


def storage_from_env(local_directory: Path,
                     environ: Mapping[str, str] | None = None) -> Storage:
    return storage_from_config(StorageSettings.from_env(environ), local_directory, environ)
