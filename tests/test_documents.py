"""Whole-document reading on the five seed documents (facts counted by hand)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.extract.doc_records import KIND_BUDGET, KIND_TARGETS, Document, DocumentError
from jixiao.extract.document import read_document, read_text
from jixiao.extract.layout import join_text, parse_amount
from jixiao.extract.summary import summarize

SEEDS = Path(__file__).resolve().parent.parent / "examples" / "guangzhou"
D000 = SEEDS / "000_efb0ffd27daf31b7.txt"
D001 = SEEDS / "001_51a81e6e9c073acf.txt"
D002 = SEEDS / "002_6706784a82fb7692.txt"
D003 = SEEDS / "003_d1082b6c9ab0e37a.txt"
D004 = SEEDS / "004_a687e7c5a62f08ab.txt"
DEPT = "广州市政务服务和数据管理局"

_CACHE: dict[Path, Document] = {}


def doc(path: Path) -> Document:
    if path not in _CACHE:
        _CACHE[path] = read_document(path)
    return _CACHE[path]


def project(d: Document, name: str, unit: str | None = None):
    found = [p for p in d.projects if p.name == name and (unit is None or p.unit == unit)]
    assert len(found) == 1, (name, [p.unit for p in found])
    return found[0]


def test_all_seeds_are_present() -> None:
    assert len(sorted(SEEDS.glob("0*.txt"))) == 5


@pytest.mark.parametrize(
    ("path", "kind", "department", "year", "units", "projects", "total"),
    [
        (D000, KIND_BUDGET, DEPT, 2026, 4, 70, "86246.64"),
        (D001, KIND_BUDGET, "广州市数字政府运营中心", 2024, 1, 21, "63024.58"),
        (D002, KIND_TARGETS, DEPT, 2026, 4, 70, "86246.64"),
        (D003, KIND_BUDGET, "广州市海珠区政务服务和数据管理局", 2025, 2, 13, "1910.00"),
        (D004, KIND_BUDGET, "广州市政务服务数据管理局", 2020, 4, 10, "67807.27"),
    ],
)
def test_seed_counts(path, kind, department, year, units, projects, total) -> None:
    d = doc(path)
    assert (d.kind, d.department, d.fiscal_year, d.amount_unit) == (kind, department, year, "万元")
    assert len(d.units) == units
    assert len(d.projects) == projects
    assert d.total is not None and d.total.total == Decimal(total)
    assert all(p.fiscal_year == year for p in d.projects)


def test_000_units_projects_and_sums() -> None:
    d = doc(D000)
    assert [u.name for u in d.units] == [
        DEPT,
        "广州市数字政府运营中心",
        "广州市政务服务中心",
        "广州市市长专线电话受理中心",
    ]
    assert [u.amounts.total for u in d.units if u.amounts] == [
        Decimal("16926.32"),
        Decimal("67756.88"),
        Decimal("834.36"),
        Decimal("729.07"),
    ]
    assert d.units[0].parent is None and d.units[1].parent == DEPT
    sm = project(d, "GZIT2022-SM-W-C-051103")
    assert (sm.line, sm.unit, sm.amounts.total, sm.goal) == (
        460,
        "广州市数字政府运营中心",
        Decimal("3457.38"),
        "SM项目。",
    )
    assert sm.amounts.general == Decimal("3457.38") and sm.amounts.fund == Decimal("0.00")
    # the same name under two units is two projects
    assert project(d, "机构运行辅助经费", "广州市数字政府运营中心").amounts.total == Decimal(
        "188.02"
    )
    assert project(d, "机构运行辅助经费", "广州市政务服务中心").amounts.total == Decimal("42.00")
    # rows continue across page breaks with the header repeated
    assert project(d, "广州12345政府服务热线受理中心2025年热线智能平台建设项目").line == 548
    assert not [i for i in d.issues if i.code.startswith("D01")]  # units and 合计 add up


def test_002_indicators_and_html_cells() -> None:
    d = doc(D002)
    assert sum(len(p.indicators) for p in d.projects) == 404
    assert sum(1 for p in d.projects if p.indicators) == 70
    p = project(d, "广州市数字政府运营中心2026年广州市商用密码资源池建设项目")
    assert "<p>" not in p.goal and p.goal.startswith("1.政策依据")
    assert p.amounts.fiscal == Decimal("542.09") and p.amounts.special is None
    assert any(i.code == "D003" for i in d.issues)  # year inferred, not printed
    first = project(d, "政务信息化项目管理经费")
    assert first.line == 14 and first.indicators[0].level1 == "产出指标"


def test_003_space_layout_wrapped_cells() -> None:
    d = doc(D003)
    assert [u.name for u in d.units] == [
        "广州市海珠区政务服务和数据管理局",
        "广州市海珠区数字政府运营中心（广州市海珠区政务服务中心）",
    ]
    assert d.total is not None and d.total.fund == Decimal("1900.00")
    assert d.total.general == Decimal("10.00")
    p = project(d, "东西部协作镇村结对帮扶资金")
    assert (
        p.line == 906
        and p.amounts.general == Decimal("10.00")
        and p.amounts.fund == Decimal("0.00")
    )
    assert (
        p.goal == "在产业合作、劳务协作、消费帮扶、惠农富农等方面开展工作，为结对村落实1-2件实事。"
    )
    paz = project(d, "琶洲政务分中心运营经费")
    assert paz.amounts.fund == Decimal("519.61") and paz.goal.endswith(
        "从而助力琶洲地区经济的高质量发展。"
    )
    # a header repeated after a page break does not end up in a name or goal
    assert project(d, "区政府信息公开工作经费").line == 985
    assert "支出项目类别" not in project(d, "智慧城市建设经费").goal
    assert {p.unit for p in d.projects[7:]} == {d.units[1].name}
    # the printed rows carry rounding error: 1,900.01 summed against 1,900.00 printed
    assert sum(p.amounts.fund for p in d.projects) == Decimal("1900.01")


def test_004_codes_categories_and_lost_rows() -> None:
    d = doc(D004)
    assert [(u.code, u.name) for u in d.units] == [
        ("190001", "广州市政务服务数据管理局"),
        ("190004", "广州市电子政务服务中心"),
        ("190005", "广州市政务服务中心"),
        ("190006", "广州市市长专线电话受理中心"),
    ]
    assert [p.unit_code for p in d.projects] == ["190001"] * 3 + ["190004"] * 3 + ["190005"] * 2 + [
        "190006"
    ] * 2
    # a name wrapped across a page break is joined
    assert d.projects[5].name == "信息化运维服务经费" and d.projects[5].amounts.total == Decimal(
        "735.74"
    )
    assert d.projects[0].category == "运行保障类"
    d010 = [i for i in d.issues if i.code == "D010"]
    assert len(d010) == 1 and "190001" in d010[0].message
    assert "65,147.18" in d010[0].message and "2,865.95" in d010[0].message and d010[0].line == 543
    assert any(i.code == "D005" and "190004" in i.message for i in d.issues)
    assert ("广州市电子政务服务中心", "广州市数字政府运营中心") in d.renames


def test_budget_lines_and_three_public() -> None:
    d = doc(D000)
    line = next(
        b for b in d.budget_lines if b.code == "2060503" and b.table.startswith("一般公共预算")
    )
    assert (line.name, line.total, line.basic, line.project, line.line) == (
        "科技条件专项",
        Decimal("84357.11"),
        Decimal("0.00"),
        Decimal("84357.11"),
        233,
    )
    assert {b.level for b in d.budget_lines if b.code} == {1, 2, 3}
    three = {t.name: t for t in d.three_public}
    assert three["“三公”经费"].total == Decimal("44.94") and three["“三公”经费"].line == 340
    h = doc(D003)
    wrapped = next(b for b in h.budget_lines if b.code == "2120899" and b.table == "支出总体情况表")
    assert wrapped.name == "其他国有土地使用权出让收入安排的支出" and wrapped.project == Decimal(
        "1900.00"
    )
    assert {t.name: t.total for t in h.three_public}["行政经费"] == Decimal("665.58")
    old = doc(D004)
    assert next(b for b in old.budget_lines if b.code == "2210203").total == Decimal("1645.33")


def test_004_department_performance_table() -> None:
    d = doc(D004)
    rows = {(t.name, t.value): t for t in d.dept_indicators}
    first = next(t for t in d.dept_indicators if t.line == 111)
    assert (first.name, first.value) == ("12345 热线月度话务接通率", "≥95%")
    assert first.section == "年度绩效目标" and first.line == 111
    assert first.goal.startswith("着力政务服务体系、电子政务标准体系的建设")
    assert ("移动服务平台全年提供服务次数", "500 万") in rows


def test_split_numbers_and_wrapped_text() -> None:
    assert parse_amount("2291.1 1") == Decimal("2291.11")
    assert parse_amount("1645.3 3") == Decimal("1645.33")
    assert parse_amount("98,880.78") == Decimal("98880.78")
    assert parse_amount("绩效") is None and parse_amount("") is None
    assert join_text(["扶资", "金"]) == "扶资金"


@given(st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False))
def test_parse_amount_reads_printed_amounts(value: Decimal) -> None:
    printed = f"{value:,.2f}"
    assert parse_amount(printed) == value
    assert parse_amount(printed[:-1] + " " + printed[-1]) == value


def test_summary_of_all_seeds() -> None:
    paths = sorted(SEEDS.glob("0*.txt"))
    out = summarize(paths)
    json.dumps(out, ensure_ascii=False)
    by_name = {Path(str(o["file"])).name[:3]: o for o in out}
    assert by_name["000"]["total"] == 86246.64 and by_name["000"]["linked_projects"] == 70
    assert by_name["002"]["indicators"] == 404 and by_name["002"]["linked_projects"] == 70
    assert by_name["001"]["linked_projects"] == 0 and by_name["001"]["projects"] == 21
    assert by_name["003"]["total"] == 1910.0
    codes = [i["code"] for i in by_name["004"]["issues"]]
    assert "D010" in codes and all(isinstance(i["line"], int) for i in by_name["004"]["issues"])


# ---------------------------------------------------------------- bad files


def test_binary_file(tmp_path: Path) -> None:
    bad = tmp_path / "binary.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    with pytest.raises(DocumentError, match=r"binary\.txt.*NUL"):
        read_document(bad)


def test_gbk_reads_as_utf8_does(tmp_path: Path) -> None:
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(D000.read_text(encoding="utf-8").encode("gbk", errors="replace"))
    assert summarize([gbk])[0] | {"file": ""} == summarize([D000])[0] | {"file": ""}


def test_wrong_encoding(tmp_path: Path) -> None:
    lines = D000.read_bytes().split(b"\n")
    lines[9] = b"\xff\xfe" + lines[9]  # invalid in UTF-8 and in GB18030
    bad = tmp_path / "broken.txt"
    bad.write_bytes(b"\n".join(lines))
    offset = len(b"\n".join(lines[:9])) + 1
    with pytest.raises(
        DocumentError, match=rf"broken\.txt:10: byte 0xff at offset {offset} is not UTF-8"
    ):
        read_document(bad)


def test_cut_inside_a_character(tmp_path: Path) -> None:
    bad = tmp_path / "cut.txt"
    bad.write_bytes(D002.read_bytes()[:-1])
    with pytest.raises(DocumentError, match="truncated"):
        read_document(bad)


def test_truncated_budget(tmp_path: Path) -> None:
    lines = D000.read_text(encoding="utf-8").split("\n")
    bad = tmp_path / "short.txt"
    bad.write_text("\n".join(lines[:500]), encoding="utf-8")
    with pytest.raises(DocumentError, match=r"short\.txt.*truncated"):
        read_document(bad)
    with pytest.raises(DocumentError):
        summarize([D001, bad])  # nothing is summarised when one file is bad


def test_truncated_mid_row(tmp_path: Path) -> None:
    text = D002.read_text(encoding="utf-8")
    cut = text[: text.rindex("\t")]  # the last row loses its 绩效指标 cell
    bad = tmp_path / "row.txt"
    bad.write_text(cut, encoding="utf-8")
    with pytest.raises(DocumentError, match=r"row\.txt:\d+: last row has \d+ of 7 cells") as info:
        read_document(bad)
    assert info.value.line == 172


def test_not_a_budget_document() -> None:
    with pytest.raises(DocumentError, match="expected a budget document"):
        read_text("这是一段普通的中文文字。\n没有表格。\n", "plain.txt")
