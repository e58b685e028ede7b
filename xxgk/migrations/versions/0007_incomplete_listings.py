"""crawl_runs.incomplete: listings that gave fewer records than the portal said it has

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 18:00:00

A crawl that reached its end may still have missed reports: a column whose listing read 16
of the 24 records its pager advertises. Each such listing is a ``crawl_failures`` row of
kind ``incomplete``; the run keeps their number, so that its outcome (``incomplete``, not
``succeeded``) is known without reading the failures. Rows of earlier runs get 0: nothing
was compared then.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | Sequence[str] | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("crawl_runs") as batch:
        batch.add_column(sa.Column("incomplete", sa.Integer(), nullable=False,
                                   server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("crawl_runs") as batch:
        batch.drop_column("incomplete")
