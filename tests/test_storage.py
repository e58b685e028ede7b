"""Storage backends for sealed WARC files: a local folder, and S3 spoken to over real HTTP
(a moto server on a free port; boto3 sees only an endpoint URL and environment credentials).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import boto3
import pytest
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from moto.server import ThreadedMotoServer
from warcio.statusandheaders import StatusAndHeaders

from archive.read.reader import parse_record
from archive.storage import (
    LocalStorage,
    MissingObject,
    ShortRead,
    StorageConfigError,
    StorageError,
    StorageSettings,
    UploadMismatch,
    file_sha256,
    storage_from_config,
    storage_from_env,
)
from archive.storage.s3 import S3Storage
from archive.write.warc import WarcFileWriter, Written

REGION = "us-east-1"
SECRET = "test-secret-never-logged"
PATH_STYLE = Config(s3={"addressing_style": "path"})


# --- a real sealed WARC file ---------------------------------------------------------------

@dataclass(frozen=True)
class SealedWarc:
    path: Path
    name: str
    size: int
    sha256: str
    records: list[tuple[Written, str, bytes]]  # (where, url, body)


BODIES = [
    ("http://www.example.gov.cn/xxgk/ndbg/index.html",
     "<html><body>政府信息公开工作年度报告</body></html>".encode("gb18030"), "text/html"),
    ("http://www.example.gov.cn/xxgk/ndbg/2023.pdf", os.urandom(300_000), "application/pdf"),
    ("http://www.example.gov.cn/api/list.json", b'{"total": 3}', "application/json"),
]


def write_sealed_warc(directory: Path, name: str = "xxgk-test-00001.warc.gz") -> SealedWarc:
    writer = WarcFileWriter(directory, name, "xxgk-archive tests")
    when = datetime(2024, 6, 30, 8, 0, 0, 123456, tzinfo=timezone.utc)
    records = []
    for url, body, mime in BODIES:
        http = StatusAndHeaders("200 OK", [("Content-Type", mime),
                                           ("Content-Length", str(len(body)))],
                                protocol="HTTP/1.1")
        records.append((writer.write(writer.response(url, when, http, body)), url, body))
    size, sha = writer.seal()
    return SealedWarc(writer.final_path, name, size, sha, records)


@pytest.fixture
def sealed(tmp_path: Path) -> SealedWarc:
    return write_sealed_warc(tmp_path / "archive")


def assert_records_read_back(read: Callable[[int, int], bytes], warc: SealedWarc) -> None:
    for written, url, body in warc.records:
        record = parse_record(read(written.offset, written.length))
        assert (record.record_type, record.url, record.status, record.payload) == (
            "response", url, 200, body)


def stream_sha256(stream: Any) -> str:
    digest = hashlib.sha256()
    with stream:
        for chunk in iter(lambda: stream.read(65536), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- S3 over real HTTP ---------------------------------------------------------------------

@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def set_aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, key: str = "testing",
                secret: str = SECRET) -> None:
    """Dummy credentials in the environment, and no way for boto3 to find any elsewhere."""
    for name in [n for n in os.environ if n.startswith(("AWS_", "XXGK_S3_"))]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    set_aws_env(monkeypatch, tmp_path)


@pytest.fixture
def admin(moto_endpoint: str, aws_env: None) -> Any:
    """A plain boto3 client to set up buckets and inspect what the storage did."""
    return boto3.client("s3", endpoint_url=moto_endpoint, region_name=REGION, config=PATH_STYLE)


@pytest.fixture
def new_bucket(admin: Any) -> Callable[..., str]:
    def create(object_lock: bool = False) -> str:
        name = f"xxgk-{uuid.uuid4().hex[:12]}"
        admin.create_bucket(Bucket=name, ObjectLockEnabledForBucket=object_lock)
        return name
    return create


def test_upload_is_verified_and_every_record_reads_back_by_range(
        moto_endpoint: str, admin: Any, new_bucket: Callable[..., str], sealed: SealedWarc) -> None:
    bucket = new_bucket()
    storage = S3Storage(bucket, "warc/2024/", endpoint_url=moto_endpoint, region=REGION)
    storage.check()

    location = storage.put_sealed(sealed.path, sealed.name, sealed.sha256)

    assert location == f"s3://{bucket}/warc/2024/{sealed.name}"
    head = admin.head_object(Bucket=bucket, Key=f"warc/2024/{sealed.name}")
    assert head["ContentLength"] == sealed.size
    assert head["Metadata"] == {"sha256": sealed.sha256}
    assert not sealed.path.exists()  # the bucket holds it now
    assert storage.exists(location)
    assert_records_read_back(lambda offset, length: storage.read_range(location, offset, length),
                             sealed)
    assert stream_sha256(storage.open_stream(location)) == sealed.sha256


def test_keep_local_leaves_the_sealed_file_in_place(
        moto_endpoint: str, new_bucket: Callable[..., str], sealed: SealedWarc) -> None:
    storage = S3Storage(new_bucket(), endpoint_url=moto_endpoint, keep_local=True)
    storage.put_sealed(sealed.path, sealed.name)
    assert file_sha256(sealed.path) == sealed.sha256


def test_a_file_changed_since_sealing_is_not_uploaded(
        moto_endpoint: str, admin: Any, new_bucket: Callable[..., str], sealed: SealedWarc) -> None:
    bucket = new_bucket()
    storage = S3Storage(bucket, endpoint_url=moto_endpoint)
    with open(sealed.path, "ab") as fh:
        fh.write(b"appended after sealing")
    with pytest.raises(StorageError, match="sha256 differs"):
        storage.put_sealed(sealed.path, sealed.name, sealed.sha256)
    assert admin.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_an_object_replaced_during_upload_fails_verification_and_keeps_the_local_file(
        moto_endpoint: str, admin: Any, new_bucket: Callable[..., str], sealed: SealedWarc) -> None:
    bucket = new_bucket()
    storage = S3Storage(bucket, endpoint_url=moto_endpoint)

    def another_writer(**_: Any) -> None:  # e.g. a second crawler misconfigured onto our prefix
        admin.put_object(Bucket=bucket, Key=sealed.name, Body=b"someone else's bytes")

    storage.client.meta.events.register("after-call.s3.PutObject", another_writer)
    with pytest.raises(UploadMismatch, match="bytes stored"):
        storage.put_sealed(sealed.path, sealed.name)
    assert file_sha256(sealed.path) == sealed.sha256


def test_big_files_go_up_in_parts_and_stream_back_whole(
        moto_endpoint: str, admin: Any, new_bucket: Callable[..., str], tmp_path: Path) -> None:
    bucket = new_bucket()
    mib = 1024 * 1024
    storage = S3Storage(bucket, endpoint_url=moto_endpoint, transfer=TransferConfig(
        multipart_threshold=5 * mib, multipart_chunksize=5 * mib))
    big = tmp_path / "big.warc.gz"
    big.write_bytes(os.urandom(12 * mib))
    sha = file_sha256(big)

    location = storage.put_sealed(big, big.name, sha)

    assert admin.head_object(Bucket=bucket, Key=big.name)["ETag"].endswith('-3"')
    assert stream_sha256(storage.open_stream(location)) == sha
    assert len(storage.read_range(location, 12 * mib - 7, 7)) == 7


def test_short_reads_and_missing_objects_are_clear_errors(
        moto_endpoint: str, new_bucket: Callable[..., str], sealed: SealedWarc) -> None:
    bucket = new_bucket()
    storage = S3Storage(bucket, endpoint_url=moto_endpoint)
    location = storage.put_sealed(sealed.path, sealed.name)

    with pytest.raises(ShortRead, match=f"100 bytes at offset {sealed.size - 10} claimed, 10 there"):
        storage.read_range(location, sealed.size - 10, 100)
    with pytest.raises(ShortRead, match="0 there"):
        storage.read_range(location, sealed.size + 5, 10)
    gone = f"s3://{bucket}/no-such.warc.gz"
    assert not storage.exists(gone)
    with pytest.raises(MissingObject):
        storage.read_range(gone, 0, 10)
    with pytest.raises(MissingObject):
        storage.open_stream(gone)


def test_check_enables_versioning_and_a_reupload_keeps_the_first_version(
        moto_endpoint: str, admin: Any, new_bucket: Callable[..., str], tmp_path: Path) -> None:
    bucket = new_bucket()
    assert "Status" not in admin.get_bucket_versioning(Bucket=bucket)
    storage = S3Storage(bucket, "p", endpoint_url=moto_endpoint, keep_local=True)

    result = storage.check()

    assert (result.versioning, result.warnings) == ("Enabled", ())
    assert admin.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    first = write_sealed_warc(tmp_path / "one")
    second = write_sealed_warc(tmp_path / "two")  # same name, other bytes (fresh record ids)
    storage.put_sealed(first.path, first.name)
    storage.put_sealed(second.path, second.name)
    versions = admin.list_object_versions(Bucket=bucket, Prefix=f"p/{first.name}")["Versions"]
    assert len(versions) == 2
    [older] = [version for version in versions if not version["IsLatest"]]
    body = admin.get_object(Bucket=bucket, Key=f"p/{first.name}",
                            VersionId=older["VersionId"])["Body"].read()
    assert hashlib.sha256(body).hexdigest() == first.sha256


@pytest.mark.parametrize("mode", ["GOVERNANCE", "COMPLIANCE"])
def test_object_lock_retention_is_set_on_each_upload(
        mode: str, moto_endpoint: str, admin: Any, new_bucket: Callable[..., str],
        sealed: SealedWarc) -> None:
    bucket = new_bucket(object_lock=True)
    storage = S3Storage(bucket, endpoint_url=moto_endpoint, object_lock_days=30,
                        object_lock_mode=mode)
    assert storage.check().object_lock == f"{mode} 30 days"

    before = datetime.now(timezone.utc)
    storage.put_sealed(sealed.path, sealed.name)

    # The x-amz-object-lock-* headers (moto 5.2's GetObjectRetention answers 500).
    head = admin.head_object(Bucket=bucket, Key=sealed.name)
    assert head["ObjectLockMode"] == mode
    until = head["ObjectLockRetainUntilDate"]
    assert before + timedelta(days=30) - timedelta(seconds=1) <= until
    assert until <= datetime.now(timezone.utc) + timedelta(days=30, seconds=1)


def test_object_lock_on_a_bucket_without_it_fails_at_check(
        moto_endpoint: str, new_bucket: Callable[..., str]) -> None:
    storage = S3Storage(new_bucket(), endpoint_url=moto_endpoint, object_lock_days=7)
    with pytest.raises(StorageConfigError, match="does not have Object Lock enabled"):
        storage.check()


def test_a_missing_bucket_fails_at_check(moto_endpoint: str, aws_env: None) -> None:
    storage = S3Storage("xxgk-no-such-bucket", endpoint_url=moto_endpoint)
    with pytest.raises(StorageConfigError, match="xxgk-no-such-bucket does not exist"):
        storage.check()


@pytest.mark.parametrize("missing", ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"])
def test_missing_credentials_are_a_clear_error(
        missing: str, moto_endpoint: str, aws_env: None, monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    monkeypatch.delenv(missing)
    monkeypatch.setenv("XXGK_S3_BUCKET", "xxgk-any")
    with pytest.raises(StorageConfigError, match="AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"):
        storage_from_env(tmp_path)


def test_describe_names_the_place_but_never_the_secret(moto_endpoint: str, aws_env: None) -> None:
    storage = S3Storage("xxgk-b", "warc", endpoint_url=moto_endpoint, object_lock_days=3)
    text = storage.describe()
    assert f"s3://xxgk-b/warc at {moto_endpoint}" in text and "GOVERNANCE 3 days" in text
    assert SECRET not in text


def test_locations_from_before_s3_are_still_read_from_disk(
        moto_endpoint: str, aws_env: None, sealed: SealedWarc) -> None:
    storage = S3Storage("xxgk-unused", endpoint_url=moto_endpoint)
    location = str(sealed.path)
    assert storage.exists(location)
    assert_records_read_back(lambda offset, length: storage.read_range(location, offset, length),
                             sealed)


# --- credentials that may not enable versioning (moto enforcing IAM, in its own process) -------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def iam_moto_endpoint() -> Iterator[str]:
    """A moto server that enforces IAM after its first four requests (each test's set-up:
    bucket, user, policy, access key)."""
    port = free_port()
    moto_server = Path(sys.executable).with_name("moto_server")
    env = {**os.environ, "INITIAL_NO_AUTH_ACTION_COUNT": "4"}
    process = subprocess.Popen([str(moto_server), "-H", "127.0.0.1", "-p", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("moto_server did not start") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(10)


def user_with_policy(endpoint: str, bucket: str, policy: dict, monkeypatch: pytest.MonkeyPatch,
                     tmp_path: Path) -> None:
    """The bucket, and credentials in the environment of a user holding only ``policy``
    (the four requests moto lets through before it enforces IAM)."""
    root = {"endpoint_url": endpoint, "region_name": REGION,
            "aws_access_key_id": "root", "aws_secret_access_key": "root"}
    boto3.client("s3", config=PATH_STYLE, **root).create_bucket(Bucket=bucket)
    iam = boto3.client("iam", **root)
    iam.create_user(UserName="crawler")
    iam.put_user_policy(UserName="crawler", PolicyName="archive",
                        PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName="crawler")["AccessKey"]
    set_aws_env(monkeypatch, tmp_path, key["AccessKeyId"], key["SecretAccessKey"])


def documented_policy(bucket: str) -> dict:
    """The policy docs/storage.md asks operators to grant, read from the document itself."""
    text = (Path(__file__).parent.parent / "docs" / "storage.md").read_text(encoding="utf-8")
    section = text.split("## Permissions to grant", 1)[1]
    block = re.search(r"```json\n(.*?)```", section, re.DOTALL).group(1)
    return json.loads(block.replace("BUCKET", bucket))


def test_the_documented_permissions_are_enough(
        iam_moto_endpoint: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        sealed: SealedWarc) -> None:
    bucket = "xxgk-documented"
    user_with_policy(iam_moto_endpoint, bucket, documented_policy(bucket), monkeypatch, tmp_path)
    storage = S3Storage(bucket, "warc", endpoint_url=iam_moto_endpoint)

    storage.check()  # versioning off and not switchable: a warning, not an error
    location = storage.put_sealed(sealed.path, sealed.name, sealed.sha256)

    assert storage.exists(location)
    assert not storage.exists(f"s3://{bucket}/warc/no-such.warc.gz")
    assert_records_read_back(lambda offset, length: storage.read_range(location, offset, length),
                             sealed)
    assert stream_sha256(storage.open_stream(location)) == sealed.sha256


def test_versioning_not_allowed_is_reported_and_uploads_still_work(
        iam_moto_endpoint: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        sealed: SealedWarc) -> None:
    bucket = "xxgk-no-versioning"
    user_with_policy(iam_moto_endpoint, bucket, {
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Resource": "*",
            "Action": ["s3:GetBucketVersioning", "s3:PutObject", "s3:GetObject"]}]},
        monkeypatch, tmp_path)
    storage = S3Storage(bucket, endpoint_url=iam_moto_endpoint)

    result = storage.check()

    assert result.versioning == "Off"
    assert len(result.warnings) == 1 and "may not enable it (AccessDenied)" in result.warnings[0]
    location = storage.put_sealed(sealed.path, sealed.name, sealed.sha256)
    assert_records_read_back(lambda offset, length: storage.read_range(location, offset, length),
                             sealed)


# --- the local folder ----------------------------------------------------------------------

def test_local_files_stay_where_they_were_sealed(sealed: SealedWarc) -> None:
    storage = LocalStorage(sealed.path.parent)
    storage.check()
    location = storage.put_sealed(sealed.path, sealed.name, sealed.sha256)

    assert location == sealed.name  # relative to the folder: the home can move
    assert storage.exists(location)
    assert_records_read_back(lambda offset, length: storage.read_range(location, offset, length),
                             sealed)
    assert stream_sha256(storage.open_stream(location)) == sealed.sha256


def test_local_file_sealed_elsewhere_moves_in_but_never_replaces(
        tmp_path: Path, sealed: SealedWarc) -> None:
    storage = LocalStorage(tmp_path / "store")
    location = storage.put_sealed(sealed.path, sealed.name, sealed.sha256)
    assert location == sealed.name
    assert file_sha256(tmp_path / "store" / location) == sealed.sha256

    other = write_sealed_warc(tmp_path / "again")
    with pytest.raises(StorageError, match="never replaced"):
        storage.put_sealed(other.path, other.name)
    assert file_sha256(tmp_path / "store" / location) == sealed.sha256


def test_local_short_reads_and_missing_files_are_clear_errors(
        tmp_path: Path, sealed: SealedWarc) -> None:
    storage = LocalStorage(sealed.path.parent)
    location = str(sealed.path)
    with pytest.raises(ShortRead, match=f"100 bytes at offset {sealed.size - 10} claimed, 10 there"):
        storage.read_range(location, sealed.size - 10, 100)
    with pytest.raises(MissingObject):
        storage.read_range(str(tmp_path / "gone.warc.gz"), 0, 10)
    assert not storage.exists(str(tmp_path / "gone.warc.gz"))


# --- configuration -------------------------------------------------------------------------

def test_no_bucket_means_the_local_folder(tmp_path: Path) -> None:
    storage = storage_from_env(tmp_path, environ={"XXGK_S3_PREFIX": "ignored"})
    assert isinstance(storage, LocalStorage) and storage.directory == tmp_path


def test_settings_come_from_the_environment(tmp_path: Path) -> None:
    environ = {"XXGK_S3_BUCKET": "reports", "XXGK_S3_PREFIX": "/warc/", "XXGK_S3_REGION": "cn-north-1",
               "XXGK_S3_ENDPOINT_URL": "http://127.0.0.1:9", "XXGK_S3_OBJECT_LOCK_DAYS": "365",
               "XXGK_S3_OBJECT_LOCK_MODE": "compliance", "XXGK_S3_KEEP_LOCAL": "yes",
               "AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s"}
    assert StorageSettings.from_env(environ) == StorageSettings(
        "reports", "/warc/", "http://127.0.0.1:9", "cn-north-1", 365, "COMPLIANCE", True)
    storage = storage_from_config(StorageSettings.from_env(environ), tmp_path, environ)
    assert isinstance(storage, S3Storage)
    assert (storage.bucket, storage.prefix, storage.client.meta.region_name) == (
        "reports", "warc", "cn-north-1")
    assert storage.describe() == ("s3://reports/warc at http://127.0.0.1:9, "
                                  "Object Lock COMPLIANCE 365 days, local copies kept")


@pytest.mark.parametrize("name, value, message", [
    ("XXGK_S3_OBJECT_LOCK_DAYS", "thirty", "number of days"),
    ("XXGK_S3_OBJECT_LOCK_MODE", "FOREVER", "GOVERNANCE"),
    ("XXGK_S3_KEEP_LOCAL", "maybe", "true or false"),
])
def test_bad_settings_are_clear_errors(name: str, value: str, message: str,
                                       tmp_path: Path) -> None:
    environ = {"XXGK_S3_BUCKET": "reports", "AWS_ACCESS_KEY_ID": "k",
               "AWS_SECRET_ACCESS_KEY": "s", name: value}
    with pytest.raises(StorageConfigError, match=message):
        storage_from_env(tmp_path, environ)
