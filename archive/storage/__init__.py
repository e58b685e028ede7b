"""Where sealed WARC files live: a local folder (the default) or an S3 bucket.

WARC files are always written locally under ``NAME.warc.gz.open``; when one is sealed, the
archive hands it to ``Storage.put_sealed`` and keeps the returned location in
``WarcFile.location``. Records are read back with ``read_range(location, offset, length)``
and whole files with ``open_stream(location)``. Call ``check()`` once at start.

Configuration (environment; see docs/storage.md):

    XXGK_S3_BUCKET            bucket; unset = local folder (home/archive)
    XXGK_S3_PREFIX            key prefix inside the bucket (default: none)
    XXGK_S3_ENDPOINT_URL      S3-compatible endpoint (MinIO, moto...); unset = AWS
    XXGK_S3_REGION            region (default: boto3's AWS_REGION / AWS_DEFAULT_REGION)
    XXGK_S3_OBJECT_LOCK_DAYS  Object Lock retention per uploaded file, in days (default: none)
    XXGK_S3_OBJECT_LOCK_MODE  GOVERNANCE (default) or COMPLIANCE
    XXGK_S3_KEEP_LOCAL        true: keep the local copy after a verified upload (default false)

Credentials: only AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN from the
environment; never from files, never logged.
"""

from archive.storage.base import (
    MissingObject,
    ShortRead,
    Storage,
    StorageCheck,
    StorageConfigError,
    StorageError,
    UploadMismatch,
    file_sha256,
)
from archive.storage.config import StorageSettings, storage_from_config, storage_from_env
from archive.storage.local import LocalStorage

__all__ = [
    "LocalStorage", "MissingObject", "ShortRead", "Storage", "StorageCheck",
    "StorageConfigError", "StorageError", "StorageSettings", "UploadMismatch", "file_sha256",
    "storage_from_config", "storage_from_env",
]
