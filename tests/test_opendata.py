"""The figures as open data (issue 26): ``build --to json`` beside the drafts, valid against
the JSON Schema of its format year in docs/schema/, generated from the format definition."""

from __future__ import annotations

import json
from decimal import Decimal

import jsonschema
import pytest
from cli_helpers import run
from conftest import EXAMPLES, REPO

from reportgen import check_file
from reportgen.formats.statutory import formats
from reportgen.model import totals
from reportgen.renderers.opendata import schema_json

SCHEMAS = REPO / "docs" / "schema"


def test_the_published_schemas_are_made_from_the_formats():
    for fmt in formats().values():
        path = SCHEMAS / f"annual-{fmt.id}.json"
        assert path.read_bytes() == schema_json(fmt), f"python -m reportgen.renderers.opendata ({path.name})"
        jsonschema.Draft202012Validator.check_schema(json.loads(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_every_example_builds_json_valid_against_its_schema(tmp_path, example):
    result = run("build", example, "-o", tmp_path, "--to", "json", "--allow-errors")
    assert result.exit_code == 0, result.output
    data = json.loads(next(tmp_path.glob("*.json")).read_text(encoding="utf-8"), parse_float=Decimal)
    report = check_file(example, previous=None).report
    schema = json.loads((SCHEMAS / f"annual-{report.format.id}.json").read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(json.dumps(data, default=float)), schema)
    assert (data["agency"], data["year"]) == (report.agency, report.year)
    full = totals.completed(report)
    for cell in report.format.cells():  # every cell, totals as printed, blanks as null
        node = data["tables"][cell.table.key]
        for part in cell.key.split(".")[1:]:
            node = node[part]
        stated = report.figures.get(cell.key)
        assert node == (None if stated is not None and stated.blank else full[cell.key].value), cell.key


def test_amounts_keep_their_decimals_in_the_json(tmp_path):
    text = (REPO / "data" / "qingchuan-finance" / "2025.toml").read_text(encoding="utf-8")
    source = tmp_path / "2025.toml"
    source.write_text(text.replace("administrative_fees = 0", "administrative_fees = 5949.088667"), encoding="utf-8")
    assert run("build", source, "-o", tmp_path / "out", "--to", "json").exit_code == 0
    written = next((tmp_path / "out").glob("*.json")).read_text(encoding="utf-8")
    assert '"administrative_fees": 5949.088667' in written
