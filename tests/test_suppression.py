"""Small-cell protection: no published 1 or 2, and no hidden count derivable from a line."""

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge.suppression import FEW, HIDDEN, SHOWN, WITHHELD, Cell, protect_line, protect_table


def reader_options(cell, bound):
    """What a reader must think a cell could hold, judging only by how it is shown."""
    if cell.state == SHOWN:
        return [cell.value]
    if cell.state == FEW:
        return [1, 2]
    if cell.state == HIDDEN:
        return [0] + list(range(3, bound + 1))
    assert cell.state == WITHHELD
    return list(range(0, bound + 1))


def derivable_cells(line, total):
    """Brute force: hidden cells (or the total) that only one consistent assignment allows."""
    bound = sum(c.value for c in line) + 3
    options = [reader_options(c, bound) for c in line]
    seen = [set() for _ in line]
    seen_total = set()
    totals = set(reader_options(total, bound))
    for values in itertools.product(*options):
        if sum(values) in totals:
            for i, v in enumerate(values):
                seen[i].add(v)
            seen_total.add(sum(values))
    cells = [c for c, s in zip(line, seen, strict=True) if c.state != SHOWN and len(s) < 2]
    if total.state != SHOWN and len(seen_total) < 2:
        cells.append(total)
    return cells


def shows_a_small_count(cells):
    return any(c.display in ("1", "2") for c in cells)


def check_line(line, total):
    assert sum(c.value for c in line) == total.value
    assert not shows_a_small_count(line + [total])
    assert not derivable_cells(line, total), [(c.value, c.display) for c in line + [total]]


COUNTS = st.integers(0, 5)


@settings(max_examples=300, deadline=None)
@given(st.lists(COUNTS, min_size=1, max_size=4))
def test_a_protected_line_shows_no_small_count_and_hides_nothing_derivable(values):
    line = [Cell(v) for v in values]
    total = Cell(sum(values))
    protect_line(line, total)
    check_line(line, total)


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.data())
def test_a_protected_table_hides_nothing_derivable_from_any_row_column_or_total(n, m, data):
    grid = [[Cell(data.draw(COUNTS)) for _ in range(m)] for _ in range(n)]
    row_totals = [Cell(sum(c.value for c in row)) for row in grid]
    col_totals = [Cell(sum(row[j].value for row in grid)) for j in range(m)]
    grand = Cell(sum(c.value for c in row_totals))
    protect_table(grid, row_totals, col_totals, grand)
    for row, total in zip(grid, row_totals, strict=True):
        check_line(row, total)
    for j, total in enumerate(col_totals):
        check_line([row[j] for row in grid], total)
    check_line(col_totals, grand)
    check_line(row_totals, grand)


def test_large_counts_are_shown_as_they_are():
    line = [Cell(40), Cell(12), Cell(0)]
    total = Cell(52)
    protect_line(line, total)
    assert [c.display for c in line] == ["40", "12", "0"] and total.display == "52"


def test_a_single_small_count_takes_a_neighbour_with_it():
    line = [Cell(40), Cell(12), Cell(1)]
    total = Cell(53)
    protect_line(line, total)
    assert [c.display for c in line] == ["40", "Not shown", "Fewer than three"]


def test_a_total_of_one_or_two_withholds_the_line():
    line = [Cell(1), Cell(1), Cell(0)]
    total = Cell(2)
    protect_line(line, total)
    assert total.display == "Fewer than three"
    assert {c.display for c in line} == {"Withheld"}
