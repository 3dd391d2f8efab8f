"""Small-cell protection for published counts: no 1 or 2 shown, none derivable from totals.

A count of 1 or 2 is shown as "Fewer than three" (primary suppression). Then, line by
line (each row or column with its total), more cells are hidden ("Not shown") until
every hidden count could take at least two values given what is shown, the labels
(which tell a reader that "Fewer than three" is 1 or 2 and "Not shown" is 0 or 3+) and
the line's total. A line that cannot be protected that way is withheld whole.
"""

from __future__ import annotations

from dataclasses import dataclass

SHOWN, FEW, HIDDEN, WITHHELD = "shown", "few", "hidden", "withheld"
LABELS = {FEW: "Fewer than three", HIDDEN: "Not shown", WITHHELD: "Withheld"}


@dataclass
class Cell:
    """One published count: its true value and how it is shown."""

    value: int
    state: str = SHOWN
    pinned: bool = False  # a zero that its line's zero total already reveals: never hidden

    @property
    def shown(self) -> bool:
        """True when the count itself is published."""
        return self.state == SHOWN

    @property
    def display(self) -> str:
        """What a reader sees."""
        return str(self.value) if self.shown else LABELS[self.state]


def _domain(cell: Cell, cap: int) -> list[tuple[int, int]]:
    """The values a reader must consider possible for a cell, as intervals up to cap."""
    if cell.state == SHOWN:
        return [(cell.value, cell.value)]
    if cell.state == FEW:
        return [(1, 2)]
    if cell.state == HIDDEN:
        return [(0, 0), (3, cap)]
    return [(0, cap)]


def _spread(mask: int, lo: int, hi: int, full: int) -> int:
    """OR of mask shifted by every amount from lo to hi, kept under the cap."""
    if hi < lo:
        return 0
    acc = (mask << lo) & full
    covered, width = 1, hi - lo + 1
    while covered < width:
        step = min(covered, width - covered)
        acc |= (acc << step) & full
        covered += step
    return acc


def _sums(cells: list[Cell], cap: int) -> int:
    """Bit mask of every total the cells could add up to (up to cap)."""
    full = (1 << (cap + 1)) - 1
    reach = 1
    for cell in cells:
        reach = _merge(reach, _domain(cell, cap), full)
    return reach


def _merge(reach: int, domain: list[tuple[int, int]], full: int) -> int:
    out = 0
    for lo, hi in domain:
        out |= _spread(reach, lo, hi, full)
    return out


def _possible(line: list[Cell], total: Cell, index: int, cap: int) -> int:
    """How many values the cell at index (len(line): the total) could take; 2 means 2+."""
    cells = line + [total]
    target = cells[index]
    others = [c for i, c in enumerate(line) if i != index]
    reach = _sums(others, cap)
    found = 0
    for lo, hi in _domain(target, cap):
        for value in range(lo, hi + 1):
            if index == len(line):  # the total: can the cells add up to it?
                ok = bool(reach >> value & 1)
            else:
                ok = any(
                    t - value >= 0 and reach >> (t - value) & 1
                    for lo_t, hi_t in _domain(total, cap)
                    for t in range(lo_t, hi_t + 1)
                )
            if ok:
                found += 1
                if found >= 2:
                    return 2
    return found


def _cap(line: list[Cell], total: Cell) -> int:
    return 2 * max(total.value, sum(c.value for c in line), 2) + 6


def exposed(line: list[Cell], total: Cell) -> list[int]:
    """Indices of hidden cells (len(line) for the total) whose value a reader could work out."""
    cap = _cap(line, total)
    cells = line + [total]
    return [
        i
        for i, cell in enumerate(cells)
        if cell.state != SHOWN and _possible(line, total, i, cap) < 2
    ]


def mark_small(cells: list[Cell]) -> None:
    """Primary suppression: every 1 or 2 becomes "Fewer than three"."""
    for cell in cells:
        if cell.state == SHOWN and 1 <= cell.value <= 2:
            cell.state = FEW


def protect_line(line: list[Cell], total: Cell) -> bool:
    """Hide more cells of one line until no hidden value can be derived; True if it changed."""
    before = [c.state for c in line + [total]]
    mark_small(line + [total])
    if total.state == FEW:  # a line of one or two signals says nothing more than that
        _withhold(line)
    while exposed(line, total):
        candidates = [c for c in line if c.state == SHOWN and not c.pinned]
        if not candidates:
            _withhold(line)
            break
        # Hide the smallest count that is not zero first; zeros only when nothing else is left.
        pick = min(candidates, key=lambda c: (c.value == 0, c.value))
        pick.state = HIDDEN
    return before != [c.state for c in line + [total]]


def _withhold(line: list[Cell]) -> None:
    for cell in line:
        if not cell.pinned:
            cell.state = WITHHELD


def _pin_zero_lines(lines: list[tuple[list[Cell], Cell]]) -> None:
    """A zero total says every cell of its line is zero: those zeros stay shown."""
    for line, total in lines:
        if total.value == 0:
            total.pinned = True
            for cell in line:
                cell.pinned = True


def protect_table(
    rows: list[list[Cell]], row_totals: list[Cell], col_totals: list[Cell], grand: Cell
) -> None:
    """Protect a two-way table with its margins: every row, column and margin line."""
    columns = [[row[j] for row in rows] for j in range(len(col_totals))]
    _pin_zero_lines(
        list(zip(rows, row_totals, strict=True))
        + list(zip(columns, col_totals, strict=True))
        + [(col_totals, grand), (row_totals, grand)]
    )
    changed = True
    while changed:
        changed = False
        for row, total in zip(rows, row_totals, strict=True):
            changed |= protect_line(row, total)
        for column, total in zip(columns, col_totals, strict=True):
            changed |= protect_line(column, total)
        changed |= protect_line(col_totals, grand)
        changed |= protect_line(row_totals, grand)
