"""Broken sums that one cell may explain: a figure mistyped in a statutory table breaks every
rule that adds it up (its row's 总计, its column's （七）总计, the balance of 第一项加第二项…),
and the reader sees three arithmetic errors where there is one wrong cell.

``shared_cells`` groups the arithmetic findings of one report whose rules are linked by the
cells they use, and names the one cell they all use — only where there is exactly one such
cell; findings whose rules share none, or several, are left as they are.
"""

from __future__ import annotations

import re

from reportgen.model.findings import Finding

_ARITHMETIC = re.compile(r"R\d+")


def _inputs(finding: Finding) -> frozenset[str]:
    """The cells a broken rule uses: its stated total (or the balance's first cell) and the rest."""
    return frozenset((finding.key, *finding.related))


def shared_cells(findings: list[Finding]) -> dict[int, str]:
    """Index of a finding → the key of the one cell that every broken rule of its group uses;
    a group is two or more arithmetic findings linked by cells in common."""
    arithmetic = [i for i, f in enumerate(findings) if _ARITHMETIC.fullmatch(f.code) and f.key]
    groups: list[tuple[list[int], set[str]]] = []
    for index in arithmetic:
        cells = set(_inputs(findings[index]))
        joined = [g for g in groups if g[1] & cells]
        members = [index]
        for group in joined:
            groups.remove(group)
            members = group[0] + members
            cells |= group[1]
        groups.append((sorted(members), cells))
    shared: dict[int, str] = {}
    for members, _cells in groups:
        if len(members) < 2:
            continue
        common = frozenset.intersection(*(_inputs(findings[i]) for i in members))
        if len(common) == 1:
            [key] = common
            shared.update(dict.fromkeys(members, key))
    return shared
