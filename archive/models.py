"""The archive index: one row per WARC file and one per capture (record) in it.

Captures keep sub-second capture times, so two captures of a URL within one second stay
distinct here even though CDXJ and Memento cannot tell them apart.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from xxgk.base.db import Base


class WarcFile(Base):
    __tablename__ = "warc_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)  # xxgk-20250101...warc.gz
    location: Mapped[str] = mapped_column(Text)  # where the bytes are (a path or s3://...)
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    sha256: Mapped[str | None] = mapped_column(String(64))  # set when sealed
    sealed: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    sealed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # host:pid of the process writing it: an unsealed file whose writer is gone is repaired.
    writer: Mapped[str | None] = mapped_column(String(255))

    captures: Mapped[list[Capture]] = relationship(back_populates="warc_file")


class Capture(Base):
    __tablename__ = "captures"
    __table_args__ = (
        Index("ix_captures_surt_time", "surt", "captured_at"),
        Index("ix_captures_url_time", "url", "captured_at"),
        Index("ix_captures_digest", "payload_digest"),
        Index("ix_captures_run_fingerprint", "crawl_run_id", "fingerprint"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    surt: Mapped[str] = mapped_column(Text)
    captured_at: Mapped[datetime] = mapped_column(DateTime)  # UTC, microseconds kept
    record_type: Mapped[str] = mapped_column(String(16))  # response|revisit|request|resource...
    status: Mapped[int | None] = mapped_column(Integer)
    mime: Mapped[str | None] = mapped_column(String(255))
    payload_digest: Mapped[str | None] = mapped_column(String(64))  # sha256 hex
    payload_length: Mapped[int | None] = mapped_column(BigInteger)
    warc_record_id: Mapped[str] = mapped_column(String(64), unique=True)
    warc_file_id: Mapped[int] = mapped_column(ForeignKey("warc_files.id"))
    offset: Mapped[int] = mapped_column(BigInteger)
    length: Mapped[int] = mapped_column(BigInteger)
    refers_to_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id"))
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    crawl_run_id: Mapped[int | None] = mapped_column(Integer)  # the crawler's run, by number
    # The client's key of the request (method, URL, body), so a resumed crawl finds what it
    # already has; opaque to the archive.
    fingerprint: Mapped[str | None] = mapped_column(String(64))

    warc_file: Mapped[WarcFile] = relationship(back_populates="captures")
    refers_to: Mapped[Capture | None] = relationship(remote_side=[id])
