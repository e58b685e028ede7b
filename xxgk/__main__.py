"""``python -m xxgk``: the ``xxgk`` command (how the scheduler starts crawls and indexing as
processes of their own)."""

from xxgk.cli import main

main()
