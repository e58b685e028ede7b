"""The reports database: what downstream tools read (documented in docs/schema.md).

Everything here is derived from the archive and can be rebuilt from it (``xxgk reindex
--all``): ``parsed_documents`` holds one parse result per archived payload, and the report
tables are recomputed from those results. Names are stable English identifiers; the Chinese
labels travel alongside in ``cells.label``.

- ``organisations``: the publishing bodies, one row per name.
- ``parsed_documents``: one row per archived payload (by sha256) that the indexer looked at,
  with its verdict (report, not_report, failed, skipped) and reason: nothing fetched is
  dropped silently, and a failure is a row, not a stopped run.
- ``reports``: one row per organisation and year; unique, so a report published at five
  URLs in three renderings is still one report.
- ``report_versions``: a report revised in place keeps every version; ``cell_changes``
  says which values changed from the version before.
- ``cells`` (one row per number), ``sections``, ``facts``, ``checks``: per version.

Counts are INTEGER columns (``value``, ``old_value``, ``new_value``) and money amounts NUMERIC
ones beside them (``amount``, ``old_amount``, ``new_amount``): SQL, CSV and Parquet readers
see ``72``, not ``72.0``, on SQLite and PostgreSQL alike (``parsers.quantities``).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from parsers.quantities import Number, joined
from xxgk.base.db import Base

# parsed_documents.status
REPORT, NOT_REPORT, FAILED, SKIPPED = "report", "not_report", "failed", "skipped"
# reports.status
PUBLISHED, REMOVED = "published", "removed"


# Money: 12 digits before the point and 6 after (万元 to the fen), exact on PostgreSQL;
# Python sees floats (SQLite stores REAL anyway, and the parser reads amounts as floats).
AMOUNT = Numeric(18, 6, asdecimal=False)


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    level: Mapped[str] = mapped_column(String(32))  # county | township | department | other
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)
    province: Mapped[str | None] = mapped_column(String(64))
    city: Mapped[str | None] = mapped_column(String(64))
    county: Mapped[str | None] = mapped_column(String(64))

    reports: Mapped[list[Report]] = relationship(back_populates="organisation")


class ParsedDocument(Base):
    __tablename__ = "parsed_documents"
    __table_args__ = (Index("ix_parsed_documents_report", "report_id"),
                      # a report is rebuilt from its documents, found by organisation and year
                      Index("ix_parsed_documents_org_year", "org_name", "year"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    payload_digest: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex
    url: Mapped[str] = mapped_column(Text)  # the first URL it was captured at
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id"))
    captured_at: Mapped[datetime] = mapped_column(DateTime)
    format: Mapped[str | None] = mapped_column(String(16))  # html | docx | doc | pdf | ...
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)  # why failed / not a report / skipped
    parser_version: Mapped[str] = mapped_column(String(16))
    parsed_at: Mapped[datetime] = mapped_column(DateTime)
    # The whole ParsedReport as the JSON contract, so reports can be rebuilt without
    # re-parsing (and a downstream tool sees exactly what the parser said).
    result_json: Mapped[str | None] = mapped_column(Text)
    org_name: Mapped[str | None] = mapped_column(String(255))
    year: Mapped[int | None] = mapped_column(Integer)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="SET NULL"))


class Report(Base):
    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("organisation_id", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(Text)
    published: Mapped[date | None] = mapped_column(Date)
    layout: Mapped[str] = mapped_column(String(16))  # gb2021|gb2019|pre2019|none|unknown
    status: Mapped[str] = mapped_column(String(16), default=PUBLISHED)
    source_url: Mapped[str] = mapped_column(Text)
    source_capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id"))
    content_sha256: Mapped[str] = mapped_column(String(64))
    parser_version: Mapped[str] = mapped_column(String(16))
    current_version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    organisation: Mapped[Organisation] = relationship(back_populates="reports")
    versions: Mapped[list[ReportVersion]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="ReportVersion.number")


class ReportVersion(Base):
    __tablename__ = "report_versions"
    __table_args__ = (UniqueConstraint("report_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, ... in order of capture time
    since: Mapped[datetime] = mapped_column(DateTime)  # capture time it was first seen
    source_url: Mapped[str] = mapped_column(Text)
    source_capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id"))
    content_sha256: Mapped[str] = mapped_column(String(64))
    layout: Mapped[str] = mapped_column(String(16))
    warnings: Mapped[str | None] = mapped_column(Text)  # one per line

    report: Mapped[Report] = relationship(back_populates="versions")


class CellRow(Base):
    __tablename__ = "cells"
    __table_args__ = (UniqueConstraint("version_id", "table_id", "row_id", "column_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("report_versions.id", ondelete="CASCADE"))
    table_id: Mapped[str] = mapped_column(String(32))  # active | applications | review_litigation
    row_id: Mapped[str] = mapped_column(String(64))
    column_id: Mapped[str] = mapped_column(String(64))
    value: Mapped[int | None] = mapped_column(Integer)  # a count; null: blank, or not a count
    amount: Mapped[float | None] = mapped_column(AMOUNT)  # an amount, or a count's fraction
    raw: Mapped[str] = mapped_column(Text)
    label: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(8))  # table | prose | ocr
    unit: Mapped[str | None] = mapped_column(String(16))

    @property
    def number(self) -> Number | None:
        """The number the cell means (what ``xxgk report --json`` prints as its value)."""
        return joined(self.value, self.amount)


class SectionRow(Base):
    __tablename__ = "sections"
    __table_args__ = (UniqueConstraint("version_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("report_versions.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)


class FactRow(Base):
    __tablename__ = "facts"
    __table_args__ = (Index("ix_facts_version_name", "version_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("report_versions.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(64))
    value: Mapped[int | None] = mapped_column(Integer)  # a count; null for an amount
    amount: Mapped[float | None] = mapped_column(AMOUNT)  # processing_fees_yuan, fractions
    text: Mapped[str] = mapped_column(Text)


class CheckRow(Base):
    __tablename__ = "checks"
    __table_args__ = (UniqueConstraint("version_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("report_versions.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(128))
    ok: Mapped[bool] = mapped_column(Boolean)
    detail: Mapped[str] = mapped_column(Text)


class CellChange(Base):
    __tablename__ = "cell_changes"
    __table_args__ = (UniqueConstraint("version_id", "table_id", "row_id", "column_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The version that brought the change; the value before is the previous version's.
    version_id: Mapped[int] = mapped_column(ForeignKey("report_versions.id", ondelete="CASCADE"))
    table_id: Mapped[str] = mapped_column(String(32))
    row_id: Mapped[str] = mapped_column(String(64))
    column_id: Mapped[str] = mapped_column(String(64))
    old_value: Mapped[int | None] = mapped_column(Integer)
    new_value: Mapped[int | None] = mapped_column(Integer)
    old_amount: Mapped[float | None] = mapped_column(AMOUNT)
    new_amount: Mapped[float | None] = mapped_column(AMOUNT)

    @property
    def old(self) -> Number | None:
        return joined(self.old_value, self.old_amount)

    @property
    def new(self) -> Number | None:
        return joined(self.new_value, self.new_amount)
