"""index parsed_documents by organisation and year (a report's rebuild scanned the table)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 06:40:00

"""
from typing import Sequence, Union

from alembic import op

revision: str = '0003'
down_revision: Union[str, Sequence[str], None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index("ix_parsed_documents_org_year", "parsed_documents", ["org_name", "year"],
                    unique=False)


def downgrade() -> None:
    op.drop_index("ix_parsed_documents_org_year", table_name="parsed_documents")
