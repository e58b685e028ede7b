"""Sealed WARC files in an S3 bucket (AWS S3 or any server speaking its API) through boto3.

Why it works the way it does:
- an upload carries the file's sha256 as object metadata and as the S3 SHA256 checksum that the
  server checks the body against (per part for multipart uploads), and is read back afterwards
  (size, metadata), because an index row pointing at an incomplete object is worse than a
  failed upload the next seal can retry;
- everything it does needs only the permissions docs/storage.md lists: objects are read back
  by ranged GET, never HEAD;
- one record is read with a ranged GET, so replaying a page never downloads a 1 GiB file;
- bucket versioning is switched on at start when the credentials allow it, so an overwrite
  or a delete keeps the earlier bytes; optional Object Lock retention makes them undeletable
  for a number of days. A bucket that cannot honour the retention asked for is an error at
  ``check()``, before anything is archived, not at the first seal hours later;
- credentials come only from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN:
  never from files, and never logged.
"""

from __future__ import annotations

import base64
import logging
import os
from collections.abc import Mapping
from contextlib import closing
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, BinaryIO, cast

import boto3
from boto3.exceptions import S3UploadFailedError
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from archive.storage.base import (
    MissingObject,
    StorageCheck,
    StorageConfigError,
    StorageError,
    UploadMismatch,
    check_range,
    file_sha256,
    short_read,
)
from archive.storage.local import local_file_exists, local_path, open_file, read_file_range

log = logging.getLogger(__name__)

SCHEME = "s3://"
SHA256_METADATA = "sha256"  # x-amz-meta-sha256: hex, as in WarcFile.sha256
OBJECT_LOCK_MODES = ("GOVERNANCE", "COMPLIANCE")
MIB = 1024 * 1024
# WARC files are up to 1 GiB: 64 MiB parts keep a failed part cheap to resend.
DEFAULT_TRANSFER = TransferConfig(multipart_threshold=64 * MIB, multipart_chunksize=64 * MIB,
                                  max_concurrency=4)
CLIENT_CONFIG = Config(connect_timeout=10, read_timeout=120,
                       retries={"max_attempts": 5, "mode": "standard"})
NOT_FOUND = ("404", "NoSuchKey", "NotFound")
REJECTED_CREDENTIALS = ("InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken",
                        "InvalidToken")


def credentials_from_env(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """boto3 keyword arguments for the credentials in the environment, or a clear error."""
    environ = os.environ if environ is None else environ
    key, secret = environ.get("AWS_ACCESS_KEY_ID"), environ.get("AWS_SECRET_ACCESS_KEY")
    if not key or not secret:
        raise StorageConfigError(
            "S3 storage needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment "
            "(credentials are never read from files)")
    credentials = {"aws_access_key_id": key, "aws_secret_access_key": secret}
    if environ.get("AWS_SESSION_TOKEN"):
        credentials["aws_session_token"] = environ["AWS_SESSION_TOKEN"]
    return credentials


def parse_location(location: str) -> tuple[str, str]:
    """``s3://bucket/key`` into (bucket, key)."""
    bucket, _, key = location.removeprefix(SCHEME).partition("/")
    if not location.startswith(SCHEME) or not bucket or not key:
        raise StorageError(f"not an S3 location: {location!r}")
    return bucket, key


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


class S3Storage:
    """Uploads sealed files to ``s3://bucket/prefix/name``; reads by ranged GET.

    Locations that are plain paths (files sealed before S3 was configured) are read from the
    local disk, relative ones from ``local_directory`` (the home's archive folder), so one
    archive can hold both."""

    def __init__(self, bucket: str, prefix: str = "", endpoint_url: str | None = None,
                 region: str | None = None, object_lock_days: int | None = None,
                 object_lock_mode: str = "GOVERNANCE", keep_local: bool = False,
                 transfer: TransferConfig | None = None,
                 environ: Mapping[str, str] | None = None,
                 local_directory: Path | None = None) -> None:
        if object_lock_days is not None and object_lock_days <= 0:
            raise StorageConfigError(f"Object Lock days must be positive, not {object_lock_days}")
        if object_lock_mode not in OBJECT_LOCK_MODES:
            raise StorageConfigError(f"Object Lock mode must be one of {OBJECT_LOCK_MODES}, "
                                     f"not {object_lock_mode!r}")
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.endpoint_url = endpoint_url
        self.object_lock_days = object_lock_days
        self.object_lock_mode = object_lock_mode
        self.keep_local = keep_local
        self.local_directory = local_directory
        self.transfer = transfer or DEFAULT_TRANSFER
        session = boto3.session.Session(region_name=region, **credentials_from_env(environ))
        # S3-compatible servers (MinIO, moto) at their own endpoint rarely do virtual hosts.
        config = CLIENT_CONFIG.merge(Config(s3={"addressing_style": "path"})) if endpoint_url \
            else CLIENT_CONFIG
        self.client = session.client("s3", endpoint_url=endpoint_url, config=config)

    # --- start-up --------------------------------------------------------------------------

    def check(self) -> StorageCheck:
        warnings: list[str] = []
        versioning = self._ensure_versioning(warnings)
        object_lock = self._check_object_lock() if self.object_lock_days else None
        for warning in warnings:
            log.warning("%s", warning)
        return StorageCheck(self.describe(), versioning, object_lock, tuple(warnings))

    def _ensure_versioning(self, warnings: list[str]) -> str:
        try:
            status = self.client.get_bucket_versioning(Bucket=self.bucket).get("Status") or "Off"
        except ClientError as exc:
            if _code(exc) != "AccessDenied":
                raise self._config_error(exc) from exc
            warnings.append(f"bucket {self.bucket}: versioning cannot be read with these "
                            "credentials (AccessDenied); it is not known whether an "
                            "overwritten WARC file could be recovered")
            return "Unknown"
        except BotoCoreError as exc:
            raise StorageConfigError(f"{self.describe()}: cannot reach S3: {exc}") from exc
        if status == "Enabled":
            return status
        try:
            self.client.put_bucket_versioning(Bucket=self.bucket,
                                              VersioningConfiguration={"Status": "Enabled"})
        except ClientError as exc:
            warnings.append(f"bucket {self.bucket}: versioning is {status} and these credentials "
                            f"may not enable it ({_code(exc)}): an overwritten or deleted WARC "
                            "file cannot be recovered from the bucket")
            return status
        log.info("bucket %s: versioning was %s, now Enabled", self.bucket, status)
        return "Enabled"

    def _check_object_lock(self) -> str:
        try:
            config = self.client.get_object_lock_configuration(Bucket=self.bucket)
            enabled = config.get("ObjectLockConfiguration", {}).get("ObjectLockEnabled")
        except ClientError as exc:
            if _code(exc) != "ObjectLockConfigurationNotFoundError":
                raise StorageConfigError(f"bucket {self.bucket}: cannot read its Object Lock "
                                         f"configuration ({_code(exc)})") from exc
            enabled = None
        if enabled != "Enabled":
            raise StorageConfigError(
                f"bucket {self.bucket} does not have Object Lock enabled, so the "
                f"{self.object_lock_days}-day retention asked for (XXGK_S3_OBJECT_LOCK_DAYS) "
                "cannot be applied: use a bucket created with Object Lock (or enable it on this "
                "versioned bucket), or unset XXGK_S3_OBJECT_LOCK_DAYS")
        return f"{self.object_lock_mode} {self.object_lock_days} days"

    def _config_error(self, exc: ClientError) -> StorageConfigError:
        code = _code(exc)
        if code in ("NoSuchBucket", "404"):
            return StorageConfigError(f"bucket {self.bucket} does not exist")
        if code in REJECTED_CREDENTIALS:
            return StorageConfigError(f"S3 rejected the credentials from the environment ({code})")
        return StorageConfigError(f"bucket {self.bucket}: {code}: {exc}")

    # --- writing ---------------------------------------------------------------------------

    def key_for(self, name: str) -> str:
        return f"{self.prefix}/{name}" if self.prefix else name

    def put_sealed(self, path: Path, name: str, sha256: str | None = None) -> str:
        if not path.is_file():
            raise MissingObject(f"{path}: no sealed file to store")
        actual = file_sha256(path)
        if sha256 is not None and actual != sha256:
            raise StorageError(f"{path}: sha256 differs from the one computed at sealing")
        key = self.key_for(name)
        location = f"{SCHEME}{self.bucket}/{key}"
        size = path.stat().st_size
        extra: dict[str, Any] = {"Metadata": {SHA256_METADATA: actual}}
        if size < self.transfer.multipart_threshold:
            # S3 checks the whole body against the digest we computed and refuses it
            # (BadDigest) if one byte differs.
            extra["ChecksumAlgorithm"] = "SHA256"
            extra["ChecksumSHA256"] = base64.b64encode(bytes.fromhex(actual)).decode()
        else:
            extra["ChecksumAlgorithm"] = "SHA256"  # each part checked as it arrives
        if self.object_lock_days:
            extra["ObjectLockMode"] = self.object_lock_mode
            extra["ObjectLockRetainUntilDate"] = (datetime.now(timezone.utc)
                                                  + timedelta(days=self.object_lock_days))
        try:
            self.client.upload_file(str(path), self.bucket, key, ExtraArgs=extra,
                                    Config=self.transfer)
        except (S3UploadFailedError, ClientError, BotoCoreError) as exc:
            raise StorageError(f"upload of {path} to {location} failed: {exc}") from exc
        self._verify(location, key, size, actual)
        if not self.keep_local:
            path.unlink()
        return location

    def _verify(self, location: str, key: str, size: int, sha256: str) -> None:
        """What is stored now is what we sent: its size and our sha256 metadata.

        Read with a one-byte ranged GET, not HEAD: on AWS both need only s3:GetObject, but
        some S3-compatible servers (moto since 5.2.6) authorise HEAD as a separate action that
        a policy granting the documented permissions does not hold."""
        try:
            stored_size, metadata = self._stored(key)
        except (ClientError, BotoCoreError) as exc:
            raise UploadMismatch(f"{location}: cannot be read back after upload: {exc}") from exc
        problems = []
        if stored_size != size:
            problems.append(f"{stored_size} bytes stored, {size} sent")
        if metadata.get(SHA256_METADATA) != sha256:
            problems.append("the sha256 metadata is not the file's")
        if problems:
            raise UploadMismatch(f"{location}: " + "; ".join(problems))

    def _stored(self, key: str, bucket: str | None = None) -> tuple[int, dict[str, str]]:
        """(size, metadata) of an object from its first byte."""
        try:
            response = self.client.get_object(Bucket=bucket or self.bucket, Key=key,
                                               Range="bytes=0-0")
        except ClientError as exc:
            if _code(exc) == "InvalidRange":  # an empty object has no first byte
                return 0, {}
            raise
        with closing(response["Body"]) as body:
            body.read()
        total = str(response.get("ContentRange", "")).rpartition("/")[2]
        return (int(total) if total.isdigit() else int(response["ContentLength"]),
                dict(response.get("Metadata", {})))

    # --- reading ---------------------------------------------------------------------------

    def read_range(self, location: str, offset: int, length: int) -> bytes:
        if not location.startswith(SCHEME):
            return read_file_range(str(local_path(location, self.local_directory)), offset,
                                   length)
        check_range(offset, length)
        if length == 0:
            return b""
        bucket, key = parse_location(location)
        try:
            response = self.client.get_object(Bucket=bucket, Key=key,
                                               Range=f"bytes={offset}-{offset + length - 1}")
            with closing(response["Body"]) as body:
                data = body.read()
        except ClientError as exc:
            if _code(exc) == "InvalidRange":  # the range starts past the end of the object
                raise short_read(location, offset, length, 0) from exc
            raise self._read_error(location, exc) from exc
        except BotoCoreError as exc:
            raise StorageError(f"{location}: ranged read failed: {exc}") from exc
        if len(data) != length:
            raise short_read(location, offset, length, len(data))
        return data

    def open_stream(self, location: str) -> BinaryIO:
        if not location.startswith(SCHEME):
            return open_file(str(local_path(location, self.local_directory)))
        bucket, key = parse_location(location)
        try:
            # botocore checks the whole-object checksum (when S3 has one) as the stream ends.
            return cast(BinaryIO, self.client.get_object(Bucket=bucket, Key=key)["Body"])
        except ClientError as exc:
            raise self._read_error(location, exc) from exc
        except BotoCoreError as exc:
            raise StorageError(f"{location}: read failed: {exc}") from exc

    def exists(self, location: str) -> bool:
        if not location.startswith(SCHEME):
            return local_file_exists(location, self.local_directory)
        bucket, key = parse_location(location)
        try:
            self._stored(key, bucket)
        except ClientError as exc:
            if _code(exc) in NOT_FOUND:
                return False
            raise self._read_error(location, exc) from exc
        return True

    def _read_error(self, location: str, exc: ClientError) -> StorageError:
        if _code(exc) in NOT_FOUND:
            return MissingObject(f"{location}: no such object")
        return StorageError(f"{location}: {_code(exc)}: {exc}")

    def describe(self) -> str:
        where = f"{SCHEME}{self.bucket}/{self.prefix}" + (
            f" at {self.endpoint_url}" if self.endpoint_url else "")
        if self.object_lock_days:
            where += f", Object Lock {self.object_lock_mode} {self.object_lock_days} days"
        return where + (", local copies kept" if self.keep_local else "")
