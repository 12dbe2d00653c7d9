"""Every field of a data file survives data → form → data, also after LibreOffice Calc
re-saves the form (issue 24): figures, blanks, notes on cells, groups stated as one row,
contact details, the download site, fees, amount units, the publication date, the texts."""

from __future__ import annotations

import subprocess
from datetime import date
from decimal import Decimal

from conftest import DATA, skeleton
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportgen import check_file, check_text
from reportgen.renderers import form
from reportgen.sources import workbook
from reportgen.sources.imported import to_data
from reportgen.checks.check import check_data


def same_report(a, b) -> None:
    """Two reports say the same: every field a data file can hold."""
    assert (a.agency, a.year, a.kind, a.format.id, a.published) == (b.agency, b.year, b.kind, b.format.id, b.published)
    assert a.contact == b.contact and a.download == b.download and a.fees == b.fees
    assert {k: v for k, v in a.text.items() if v} == {k: v for k, v in b.text.items() if v}
    assert a.collapsed == b.collapsed
    assert a.units == b.units
    want = {k: (v.value, v.note, v.blank) for k, v in a.figures.items() if v.value or v.note or v.blank}
    got = {k: (v.value, v.note, v.blank) for k, v in b.figures.items() if v.value or v.note or v.blank}
    assert got == want


def read_back(path):
    return check_data(to_data(workbook.read(path).imported), path).report


def resaved(path, tmp_path):
    out = tmp_path / "resaved"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return out / path.name


def test_every_example_survives_the_form_and_a_libreoffice_resave(tmp_path):
    for source in sorted(DATA.glob("*/*.toml")) + [DATA.parent / "tests" / "golden" / "collapsed-other-2021.toml"]:
        report = check_file(source, previous=None).report
        if not hasattr(report, "fees"):
            continue  # other document kinds have no form
        path = tmp_path / f"{source.parent.name}-{source.stem}.xlsx"
        path.write_bytes(form.workbook(report.format, report, report.agency, report.year, report.kind))
        same_report(report, read_back(path))
    same_report(report, read_back(resaved(path, tmp_path)))


cells_2021 = st.sampled_from(["disclosed", "withheld_process", "unable_not_held", "unprocessed_repeat"])
texts = st.text(alphabet="某市区局办公室人民路号一二三四五六七八九十（）、，。", min_size=1, max_size=20)


@st.composite
def reports(draw):
    lines = ["[requests]"]
    for row in draw(st.lists(cells_2021, max_size=3, unique=True)):
        natural = draw(st.one_of(st.integers(0, 50), st.just('""')))
        lines.append(f"{row} = {{ natural_person = {natural}, commercial = {draw(st.integers(0, 5))} }}")
    if draw(st.booleans()):
        lines.append(f"other = {{ natural_person = {draw(st.integers(0, 9))} }}")  # （六） as one row
    lines.append(f"new = {{ natural_person = {draw(st.integers(0, 80))} }}")
    note = draw(st.one_of(st.just(""), texts))
    in_force = draw(st.integers(0, 90))
    lines.append("[proactive]")
    lines.append(f"administrative_fees = {draw(st.decimals(0, 9999, places=2))}")
    lines.append(
        "normative_documents = { in_force = "
        + (f'{{ value = {in_force}, note = "{note}" }}' if note else str(in_force))
        + " }"
    )
    lines.append("[processing_fees]")
    lines.append(f"notices = {draw(st.integers(0, 9))}")
    lines.append(f"amount = {draw(st.decimals(0, 999, places=2))}")
    text = skeleton(2021).replace('office = "测试市测试局办公室"', f'office = "{draw(texts)}"')
    text = text.replace('address = "测试市人民路1号"', f'address = "{draw(texts)}"')
    day = draw(st.dates(date(2022, 1, 2), date(2022, 12, 31)))
    text = text.replace("published = 2022-01-20", f"published = {day.isoformat()}")
    return check_text(text + "\n".join(lines) + "\n").report


# too_slow: the strategy makes each report by checking its text (check_text), slow on a busy machine.
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(report=reports())
def test_generated_reports_survive_the_form(tmp_path_factory, report):
    path = tmp_path_factory.mktemp("form") / "x2021.xlsx"
    path.write_bytes(form.workbook(report.format, report, report.agency, report.year, report.kind))
    same_report(report, read_back(path))


def test_a_2019_report_keeps_its_procurement_unit(tmp_path):
    """The 2019 format's 政府集中采购 amount is stated in 元 (the file's unit = "元", not the
    column's 万元): the form carries the unit and reads it back with the amount as written."""
    report = check_file(DATA / "wuhai-finance" / "2019.toml", previous=None).report
    assert report.units == {"proactive.procurement.amount": "元"}  # the example states its unit
    path = tmp_path / "wuhai.xlsx"
    path.write_bytes(form.workbook(report.format, report, report.agency, report.year, report.kind))
    back = read_back(path)
    same_report(report, back)
    assert back.units == {"proactive.procurement.amount": "元"}
    assert back.figures["proactive.procurement.amount"].value == Decimal(1216800)
