"""counts as INTEGER, money amounts in NUMERIC columns beside them; the wide views read both

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 12:00:00

Until now every number was a REAL, and downstream tools saw ``72.0``. Counts move to INTEGER
columns (``cells.value``, ``facts.value``, ``cell_changes.old_value``/``new_value``); the money
amounts move to new NUMERIC columns beside them (``amount``, ``old_amount``, ``new_amount``).
A count that is not a whole number (a report's typo kept as printed) is never rounded: it
moves to the ``amount`` column whole, ``value`` becomes null, and its version's ``warnings``
gain a line saying so. The views depend on these columns, so they are dropped first and
made again, the amount columns of ``report_active`` now read from ``amount``.

Downgrading puts every number back into the REAL columns (the warnings lines stay).
"""
from importlib import import_module
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# The views and ids as migration 0002 froze them; only where a view reads a number from
# changes here.
_reports = import_module("xxgk.migrations.versions.0002_reports")

AMOUNT = sa.Numeric(18, 6, asdecimal=False)
# Frozen copies of parsers.tables.schema.AMOUNT_CELLS and parsers.facts.AMOUNT_FACTS.
AMOUNT_CELLS = (("active", "fees", "amount_10k_yuan"), ("active", "procurement", "amount"))
AMOUNT_FACTS = ("processing_fees_yuan",)
_AMOUNT_CELL = " OR ".join(f"(table_id = '{t}' AND row_id = '{r}' AND column_id = '{c}')"
                           for t, r, c in AMOUNT_CELLS)
_AMOUNT_FACT = "name IN (" + ", ".join(f"'{n}'" for n in AMOUNT_FACTS) + ")"
# table -> (count column, amount column, SQL true where the row holds an amount)
NUMBERS = {
    "cells": [("value", "amount", _AMOUNT_CELL)],
    "facts": [("value", "amount", _AMOUNT_FACT)],
    "cell_changes": [("old_value", "old_amount", _AMOUNT_CELL),
                     ("new_value", "new_amount", _AMOUNT_CELL)],
}
VIEWS = [*_reports.WIDE_VIEWS, "report_overview"]


def _fraction(column: str) -> str:
    return f"{column} IS NOT NULL AND {column} <> ROUND({column})"


def _wide_view(name: str, table: str, keys: list[str]) -> str:
    """0002's view, its amount columns read from ``cells.amount``."""
    sql = _reports._wide_view(name, table, keys)
    for cell_table, row, column in AMOUNT_CELLS:
        if cell_table == table:
            count = f"THEN c.value END) AS {row}__{column}"
            assert sql.count(count) == 1, count
            sql = sql.replace(count, f"THEN c.amount END) AS {row}__{column}")
    return sql


def _drop_views() -> None:
    for name in VIEWS:
        op.execute(f"DROP VIEW IF EXISTS {name}")


def _warn_fractions() -> None:
    """One warnings line per count that is not a whole number, on its version: moved, not
    rounded, and findable again."""
    connection = op.get_bind()
    found = connection.execute(sa.text(
        "SELECT version_id, 'cells: ' || table_id || '/' || row_id || '/' || column_id, value"
        f" FROM cells WHERE {_fraction('value')} AND NOT ({_AMOUNT_CELL})"
        " UNION ALL SELECT version_id, 'facts: ' || name, value"
        f" FROM facts WHERE {_fraction('value')} AND NOT ({_AMOUNT_FACT})")).all()
    for version_id, what, value in found:
        line = (f"{what} is {value}, not a whole number, in a count: kept whole in the "
                "amount column, value left null (migration 0006)")
        connection.execute(sa.text(
            "UPDATE report_versions SET warnings = COALESCE(warnings || :newline, '') || :line"
            " WHERE id = :id"), {"newline": "\n", "line": line, "id": version_id})


def upgrade() -> None:
    _drop_views()
    for table, pairs in NUMBERS.items():
        for _, amount, _ in pairs:
            op.add_column(table, sa.Column(amount, AMOUNT, nullable=True))
    _warn_fractions()
    for table, pairs in NUMBERS.items():
        for count, amount, is_amount in pairs:
            op.execute(f"UPDATE {table} SET {amount} = {count} "
                       f"WHERE {count} IS NOT NULL AND (({is_amount}) OR {_fraction(count)})")
        with op.batch_alter_table(table) as batch:
            for count, _, _ in pairs:
                batch.alter_column(count, type_=sa.Integer(), existing_type=sa.Float(),
                                   nullable=True, postgresql_using=f"{count}::integer")
        for count, amount, _ in pairs:
            # The cast cut the numbers copied to the amount column above: they are no counts.
            op.execute(f"UPDATE {table} SET {count} = NULL WHERE {amount} IS NOT NULL")
    for name, (table, keys) in _reports.WIDE_VIEWS.items():
        op.execute(_wide_view(name, table, keys))
    op.execute(_reports.OVERVIEW)


def downgrade() -> None:
    _drop_views()
    for table, pairs in NUMBERS.items():
        with op.batch_alter_table(table) as batch:
            for count, _, _ in pairs:
                batch.alter_column(count, type_=sa.Float(), existing_type=sa.Integer(),
                                   postgresql_using=f"{count}::double precision")
        for count, amount, _ in pairs:
            op.execute(f"UPDATE {table} SET {count} = {amount} WHERE {amount} IS NOT NULL")
        with op.batch_alter_table(table) as batch:
            for count, amount, _ in pairs:
                batch.drop_column(amount)
            if table == "facts":
                batch.alter_column("value", existing_type=sa.Float(), nullable=False)
    for name, (table, keys) in _reports.WIDE_VIEWS.items():
        op.execute(_reports._wide_view(name, table, keys))
    op.execute(_reports.OVERVIEW)
