"""Digits run together: a row's numbers that a flattening printed without separators.

Pages that strip a table's markup print a row of table 三 as ``640020470`` (64/0/0/2/0/4/70)
and table 四 as one run of 17 digits for 15 cells (the Pingtan portal's pages). Such a run is
read only when it cannot mean two things: exactly one way of cutting it, without leading
zeros, makes every total of the row (table 三's 总计, each 总计 of table 四) the sum of its
parts. A row without a total column is read only when it has one digit a cell and cannot
be one number (``000``). Anything else is left unread, with the reason, rather than
guessed.

Space-separated PDF lines lose blank cells too, and those rows also come up short: texts
are taken for a run only when they cannot be cells as printed (a leading zero, more
digits than a count has, a part larger than its 总计); other short rows are left to
the reader's fill by position.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from parsers.tables.schema import RowSpec

_DIGITS = re.compile(r"^[0-9]+$")
MAX_CELL_DIGITS = 7  # a count of more than 9,999,999 requests or cases is no count
SEARCH_BUDGET = 50_000  # cuts tried before a run is called ambiguous


@dataclass(frozen=True)
class Spread:
    """The cells a row's value texts stand for: ``cells`` when they could be read (possibly
    unchanged), else None and ``reason``."""

    cells: list[str] | None
    reason: str = ""


def spread(values: Sequence[str], specs: Sequence[RowSpec], glued: bool = False,
           cut: bool = False) -> Spread:
    """``values`` as the cells of ``specs``: unchanged unless they are fewer than the
    columns, all bare digits, and run together (``glued``: the text printed them touching
    the labels, with no separator anywhere; else as ``_run_together`` tells), then cut as the
    module says, or left unread. ``cut``: the text ends in the row, so its last number may
    be any cell, not its 总计."""
    n = sum(len(spec.columns) for spec in specs)
    runs = [v.strip() for v in values]
    if len(runs) >= n or not runs:
        return Spread(list(values))
    digits = sum(len(r) for r in runs)
    if not all(_DIGITS.match(r) for r in runs):
        if glued:
            return Spread(None, f"{runs[0]!r} for {n} cells: numbers run together")
        return Spread(list(values))
    totals = _totals(specs)
    if not glued and (digits < n or not _run_together(runs, [] if cut else totals)):
        return Spread(list(values))  # cells lost, not run together: read by position
    if not totals:
        if len(runs) == 1 and digits == n and runs[0][0] == "0":  # 000: no one number
            return Spread(list(runs[0]))
        return Spread(None, f"{digits} digits run together for {n} cells and no total to "
                            "tell how they divide")
    found = _cuts(runs, n, totals)
    if found is None:
        return Spread(None, f"{digits} digits run together for {n} cells: too many ways "
                            "to cut them to try")
    if len(found) != 1:
        ways = "no way" if not found else f"{len(found)} ways"
        return Spread(None, f"{digits} digits run together for {n} cells: {ways} of "
                            "cutting them add up to the totals")
    return Spread(found[0])


def _totals(specs: Sequence[RowSpec]) -> list[int]:
    """The positions of the row's 总计 cells: each closes the group of cells before it."""
    out, at = [], 0
    for spec in specs:
        ids = [col for col, _ in spec.columns]
        if ids[-1] == "total" and len(ids) > 1:
            out.append(at + len(ids) - 1)
        at += len(ids)
    return out


def _run_together(runs: Sequence[str], totals: Sequence[int]) -> bool:
    """Can the texts not be cells as they stand (blank cells lost by a space-separated
    line), so that digits must have run together? So when one has a leading zero; in a row
    of counts with a total, also when one is too long for a count or, 总计 last, larger than
    that total. (A row without a total may hold a money amount of any length.)"""
    if any(len(r) > 1 and r[0] == "0" for r in runs):
        return True
    if not totals:
        return False
    if any(len(r) >= MAX_CELL_DIGITS for r in runs):
        return True
    if len(totals) == 1 and len(runs) > 1:
        return max(int(r) for r in runs[:-1]) > int(runs[-1])
    return False


def _cuts(runs: Sequence[str], n: int, totals: Sequence[int]) -> list[list[str]] | None:
    """Every cut of ``runs`` into ``n`` cells (each run at least one cell, no cell with a
    leading zero) under which each total equals the cells since the previous total; at
    most two are collected (two already mean ambiguous). None: the search was too long."""
    search = _Search(runs, n, totals)
    finished = search.walk(0, 0)
    return None if not finished and search.budget < 0 else search.found


class _Search:
    """Depth first over where each cell ends, pruned by the digits left and the totals."""

    def __init__(self, runs: Sequence[str], n: int, totals: Sequence[int]) -> None:
        self.runs, self.n = runs, n
        self.starts = {t: prev + 1 for prev, t in zip([-1, *totals], totals)}
        self.after = [sum(len(r) for r in runs[i + 1:]) for i in range(len(runs))]
        self.found: list[list[str]] = []
        self.cells: list[str] = []
        self.budget = SEARCH_BUDGET

    def walk(self, run: int, at: int) -> bool:
        """Place the cells from digit ``at`` of run ``run`` on; False: stop searching."""
        self.budget -= 1
        if self.budget < 0:
            return False
        if run == len(self.runs):
            if len(self.cells) == self.n:
                self.found.append(list(self.cells))
            return len(self.found) < 2
        text = self.runs[run]
        for end in range(at + 1, min(len(text), at + MAX_CELL_DIGITS) + 1):
            cell = text[at:end]
            if len(cell) > 1 and cell[0] == "0":
                break
            done = end == len(text)
            if not self._fits(run, end, done) or not self._adds_up(cell):
                continue
            self.cells.append(cell)
            go_on = self.walk(run + 1, 0) if done else self.walk(run, end)
            self.cells.pop()
            if not go_on:
                return False
        return True

    def _fits(self, run: int, end: int, done: bool) -> bool:
        """Can the cells still to place (one or more a run left) take the digits left?"""
        placed = len(self.cells) + 1
        runs_left = len(self.runs) - run - 1 + (0 if done else 1)
        digits_left = len(self.runs[run]) - end + self.after[run]
        return placed + runs_left <= self.n and self.n - placed <= digits_left

    def _adds_up(self, cell: str) -> bool:
        """A cell in a 总计 column must be the sum of the cells since the previous one."""
        index = len(self.cells)
        if index not in self.starts:
            return True
        return int(cell) == sum(int(c) for c in self.cells[self.starts[index]:index])
