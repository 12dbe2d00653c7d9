"""What an import read from a published report or a returned fill-in form (``Imported``),
and the same as the data a TOML data file holds (``to_data``), so that it is checked, drafted
and written as a data file by the same readers and checks as a file a clerk wrote.

Figures are kept as read: totals included, so that a published inconsistency is reported
cell by cell; a cell the source left blank is ``""``; a cell that could not be read is
``"未读出"`` (``UNREAD``), never blank or 0, and ``check`` reports it as an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from reportgen.formats.statutory import Format
from reportgen.model import KINDS, UNREAD, deadline
from reportgen.model.totals import computed_keys


@dataclass
class Imported:
    """What an import recovered from one published report."""

    source: str
    agency: str = ""
    year: int = 0
    kind: str = ""
    format: Format | None = None
    published: date | None = None
    contact: dict[str, str] = field(default_factory=dict)  # office, address, postcode, phone
    download: dict[str, str] = field(default_factory=dict)  # site, url
    texts: dict[str, str] = field(default_factory=dict)
    figures: dict[str, object] = field(
        default_factory=dict
    )  # cell key → int, Decimal, "" (blank), UNREAD or {value, note}
    groups: dict[str, object] = field(default_factory=dict)  # "requests.other.natural_person" → figure
    fees: dict[str, object] = field(default_factory=dict)  # notices, amount
    units: dict[str, str] = field(default_factory=dict)  # unit key → the unit an amount is stated in (万元)
    notes: dict[str, str] = field(default_factory=dict)  # row key → what the source said (approximate labels)
    problems: list[str] = field(default_factory=list)  # what could not be read, with where
    explained: set[str] = field(default_factory=set)  # cell keys a problem already names (not listed again)
    remarks: list[str] = field(default_factory=list)  # what the reader should know (format, kind …)
    drafts: list[tuple[str, str]] = field(default_factory=list)  # draft markers as published: (marker, passage)

    def in_stated_group(self, key: str) -> bool:
        """Whether a cell belongs to a row group the source printed as one row (（六）)."""
        table_key, row = key.split(".")[:2]
        fmt = self.known_format()
        return any(
            row in group.leaves and any(k.startswith(group.key + ".") for k in self.groups)
            for group in fmt.tables[table_key].row_groups()
        )

    def known_format(self) -> Format:
        """The format, once recognised: what is written from an import is never formatless."""
        assert self.format is not None, "an import is written out only once its format is known"
        return self.format


def to_data(imported: Imported) -> dict:
    """The data a data file written from this import holds, as the TOML reader gives it:
    ``reportgen.sources.schema.read`` turns it into the model, as it does a clerk's file."""
    fmt = imported.known_format()
    kind = imported.kind if imported.kind in KINDS else KINDS[0]
    report: dict = {
        "agency": imported.agency,
        "year": imported.year,
        "kind": kind,
        "published": imported.published or deadline(imported.year, kind),
    }
    report["contact"] = {name: imported.contact.get(name, "") for name in ("office", "address", "postcode", "phone")}
    report["download"] = {name: imported.download.get(name, "") for name in ("site", "url")}
    data: dict = {"report": report, "text": {key: imported.texts.get(key, "") for key in fmt.text_keys()}}
    for table in fmt.tables.values():
        data[table.key] = rows(imported, table.key)
        for group in table.row_groups():
            stated = {
                c.id: imported.groups[f"{group.key}.{c.id}"]
                for c in group.row.columns
                if f"{group.key}.{c.id}" in imported.groups
            }
            if stated:
                for leaf in group.leaves:
                    data[table.key].pop(leaf, None)
                data[table.key][group.name] = stated
    for key, unit in imported.units.items():  # proactive.procurement.unit = "万元"
        node = data
        *path, last = key.split(".")
        for part in path:
            node = _table(node, part)
        node[last] = unit
    if fmt.has_fees:
        data["processing_fees"] = {name: imported.fees.get(name, 0) for name in ("notices", "amount")}
    return data


def rows(imported: Imported, table_key: str) -> dict[str, object]:
    """Each row's figures as written: {row: {column: value}} (a row that is one cell: its value)."""
    fmt = imported.known_format()
    table = fmt.tables[table_key]
    computed = computed_keys(fmt)
    rows: dict[str, object] = {}
    for cell in table.cells():
        if imported.in_stated_group(cell.key):
            continue
        if cell.key in imported.figures:
            value = imported.figures[cell.key]
        elif cell.key in computed:
            continue  # a total the source did not print: the tool computes it
        else:
            value = UNREAD  # not read: never blank or 0; listed at the top of the file, and check fails
        row, _, column = cell.key[len(table_key) + 1 :].partition(".")
        if not column:
            rows[row] = value
            continue
        node = _table(rows, row)
        *path, last = column.split(".")
        for part in path:
            node = _table(node, part)
        node[last] = value
    return rows


def _table(node: dict, name: str) -> dict:
    """node[name], a new table if absent: a format's keys never run on past a value."""
    child = node.setdefault(name, {})
    assert isinstance(child, dict), name
    return child
