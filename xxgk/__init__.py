"""xxgk-archive: the product's own package, at both ends of the layering.

``xxgk.base`` is the floor every part stands on (the home, the database and its declarative
base, time, processes, digests) and imports none of them. ``xxgk.cli`` and ``xxgk.migrations``
are the top: the ``xxgk`` command, which loads every part's commands, and the one migration
history of the tables every part declares. docs/architecture.md draws the layers; the
import-linter contracts in pyproject.toml keep them.
"""
