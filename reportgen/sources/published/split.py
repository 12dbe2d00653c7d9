"""Figures whose cells ran together: a page saved as text prints a row of table 三 as
``280000028`` (28, 0, 0, 0, 0, 0, 28), or with a space between the cells.

A row is cut into its cells only when the cut is certain: exactly one digit per cell, or
the one cut in which every total of the row equals the sum of its parts (figures are
written without leading zeros). Where several cuts remain, the columns' own totals may
settle it (``settle``); where none does, the row is not read and the import says so.
"""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass
from typing import Sequence

MAX_DIGITS = 7  # no cell of a statutory table has more (the limits in the formats are lower)
LIMIT = 64  # cuts looked at for one row; more is as good as not knowing
WORK = 10_000  # combinations of rows' cuts tried before a table's rows are left unread

Sum = tuple[int, tuple[int, ...]]  # (index of a total, indices of its parts), within a row


@dataclass(frozen=True)
class Cut:
    """The ways a run of digits can be cut into a row's cells, and how sure the cut is."""

    options: tuple[tuple[int, ...], ...]

    @property
    def certain(self) -> tuple[int, ...] | None:
        return self.options[0] if len(self.options) == 1 else None


def digits_of(run: str) -> str:
    """A run as its digits alone: spaces and thousands separators left out."""
    return re.sub(r"[\s,，]", "", run)


def cut(run: str, count: int, sums: Sequence[Sum] = ()) -> Cut:
    """The possible cuts of ``run`` into ``count`` figures ("" for a blank cell, which
    leaves no digit in the run). Cells separated by white space in the source are taken as
    separated when their number is right. A cut is possible only where every total of the
    row equals the sum of its parts, except one digit per cell, which is taken as it stands
    (a published total may be wrong) unless a cut with blank cells fits as well."""
    parts = run.split()
    if len(parts) == count and all(p.isdigit() for p in parts):
        return Cut((tuple(int(p) for p in parts),))
    digits = digits_of(run)
    if not digits.isdigit():
        return Cut(())
    found = _cuts(digits, count, sums, set())
    single = tuple(int(d) for d in digits) if len(digits) == count else None
    if single is not None and single in found:
        return Cut((single,))  # one digit per cell, adding up: as certain as spaces
    # Cells left blank leave no digits: cuts with some blank cells are possible as well.
    # With one digit per cell that does not add up, the published total may be wrong.
    totals = {total for total, _ in sums}
    blanked = (
        [c for c in _cuts(digits, count, sums, {i for i in range(count) if i not in totals}) if "" in c] if sums else []
    )
    options = [*found, *([single] if single is not None else []), *blanked]
    return Cut(tuple(options[: LIMIT + 1]))


def _cuts(digits: str, count: int, sums: Sequence[Sum], may_be_blank: set[int]) -> list[tuple]:
    """Every cut in which all ``sums`` hold, at most LIMIT + 1 of them. The cells are cut
    left to right; a total whose parts come before it is not guessed but must be their sum,
    written next (each such group's running sum is all a cut needs to remember)."""
    group: dict[int, int] = {}  # a part → the total it adds up to
    exact: set[int] = set()
    later: list[Sum] = []  # sums of another shape, checked on whole cuts
    for total, parts in sums:
        if max(parts) < total and all(p not in group for p in parts):
            exact.add(total)
            group.update((p, total) for p in parts)
        else:
            later.append((total, parts))

    @lru_cache(maxsize=None)
    def rest(index: int, start: int, running: int) -> tuple[tuple, ...]:
        """The ways to cut digits[start:] into cells index…, ``running``: the sum so far of
        the parts of the total being added up."""
        left = len(digits) - start
        if index == count:
            return ((),) if left == 0 else ()
        if left > (count - index) * MAX_DIGITS:
            return ()
        if index in exact:
            text = str(running)
            if not digits.startswith(text, start):
                return ()
            return tuple((running, *tail) for tail in rest(index + 1, start + len(text), 0))
        options: list[tuple[int | str, int]] = []  # a cell's value, or "" for a blank cell
        if left:
            longest = 1 if digits[start] == "0" else min(MAX_DIGITS, left)
            options = [(int(digits[start : start + n]), n) for n in range(1, longest + 1)]
        if index in may_be_blank:
            options.append(("", 0))
        found: list[tuple] = []
        for value, length in options:
            added = running + (value if isinstance(value, int) else 0) if index in group else running
            for tail in rest(index + 1, start + length, added):
                found.append((value, *tail))
                if len(found) > LIMIT:
                    return tuple(found)
        return tuple(found)

    cuts = rest(0, 0, 0)
    if later:
        plain = lambda v: 0 if v == "" else v  # noqa: E731
        cuts = tuple(c for c in cuts if all(plain(c[t]) == sum(plain(c[p]) for p in ps) for t, ps in later))
    return list(cuts[: LIMIT + 1])


def settle(
    options: dict[str, tuple[dict[str, object], ...]],
    known: dict[str, object],
    sums: Sequence[tuple[str, tuple[str, ...]]],
    balances: Sequence[tuple[tuple[str, ...], tuple[str, ...]]],
) -> dict[str, dict[str, object]]:
    """The rows among ``options`` (row → its possible cuts, as {cell key: figure}) that the
    table's rules across rows settle, given the figures ``known``: each row whose cut is the
    same in every combination in which all ``sums`` (total key, part keys) and ``balances``
    (left keys, right keys) hold. Figures are never negative, so parts already adding up to
    more than their total end a combination early. Rows not settled within WORK tries are
    not returned."""
    rows = sorted((row for row in options if options[row]), key=lambda row: len(options[row]))
    plain = lambda value: 0 if value == "" else value  # noqa: E731
    # each sum's running total of the parts known, how many are known, and its total
    added = [sum(plain(known[p]) for p in parts if p in known) for _, parts in sums]
    counted = [sum(1 for p in parts if p in known) for _, parts in sums]
    totals = [plain(known[t]) if t in known else None for t, _ in sums]
    touches: dict[str, list[tuple[int, bool]]] = {}  # key → (sum, is its total)
    for index, (total, parts) in enumerate(sums):
        touches.setdefault(total, []).append((index, True))
        for part in parts:
            touches.setdefault(part, []).append((index, False))
    figures = dict(known)
    fitting: list[tuple[int, ...]] = []
    work = [WORK]

    def apply(cells: dict[str, object], sign: int) -> bool:
        """Add (1) or take back (-1) a row's figures; whether every sum it touches still can hold."""
        fine = True
        for key, value in cells.items():
            for index, is_total in touches.get(key, ()):
                if is_total:
                    totals[index] = plain(value) if sign > 0 else None
                else:
                    added[index] += sign * plain(value)
                    counted[index] += sign
        if sign > 0:
            for key in cells:
                for index, _ in touches.get(key, ()):
                    total = totals[index]
                    if total is not None and (
                        added[index] > total or (counted[index] == len(sums[index][1]) and added[index] != total)
                    ):
                        fine = False
        return fine

    def balanced() -> bool:
        return all(
            sum(plain(figures[k]) for k in left) == sum(plain(figures[k]) for k in right)
            for left, right in balances
            if all(k in figures for k in (*left, *right))
        )

    def walk(index: int, chosen: tuple[int, ...]) -> None:
        if index == len(rows):
            if balanced():
                fitting.append(chosen)
            return
        for number, cells in enumerate(options[rows[index]]):
            work[0] -= 1
            if len(fitting) > LIMIT or work[0] < 0:
                return
            figures.update(cells)
            if apply(cells, 1):
                walk(index + 1, (*chosen, number))
            apply(cells, -1)
            for key in cells:
                del figures[key]

    walk(0, ())
    if not fitting or len(fitting) > LIMIT or work[0] < 0:  # none, too many, or not all tried
        return {}
    return {
        row: options[row][fitting[0][i]]
        for i, row in enumerate(rows)
        if all(choice[i] == fitting[0][i] for choice in fitting)
    }
