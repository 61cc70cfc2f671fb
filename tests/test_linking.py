"""Linking projects and units across the seed documents and years."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from jixiao.extract.doc_records import Document
from jixiao.extract.document import read_document
from jixiao.extract.linking import (
    link_across_years,
    link_pair,
    link_same_year,
    link_units,
    normalize_name,
    similarity,
)

SEEDS = Path(__file__).resolve().parent.parent / "examples" / "guangzhou"
_CACHE: dict[str, Document] = {}


def doc(prefix: str) -> Document:
    if prefix not in _CACHE:
        _CACHE[prefix] = read_document(next(SEEDS.glob(f"{prefix}_*.txt")))
    return _CACHE[prefix]


def test_normalize_name_variants() -> None:
    assert normalize_name("广州市政务服务数据管理局2023-2024年信息化运维项目") == normalize_name(
        "广州市政务服务和数据管理局2023-2024年信息化运维项目"
    )
    assert normalize_name(
        "广州市数字政府运营中心2026年市政务大数据中心升级改造改造项目"
    ) == normalize_name("广州市数字政府运营中心2026年市政务大数据中心升级改造项目")
    spaced = "广州市政务服务中心 2026年广州市“人工智能+” 政务服务信息化建设项目"
    assert normalize_name(spaced) == normalize_name(
        "广州市政务服务中心2026年广州市“人工智能+”政务服务信息化建设"
    )
    assert normalize_name("12345政务服务") == "12345政务服务"  # digits are not a doubled word


@given(st.text(alphabet="广州市政务服务和数据管理局项目改造 2026年", max_size=30))
def test_normalize_name_is_idempotent(name: str) -> None:
    once = normalize_name(name)
    assert normalize_name(once) == once


def test_000_and_002_link_one_to_one() -> None:
    a, b = doc("000"), doc("002")
    links = link_pair(a, b)
    assert len(links) == 70
    assert len({link.a.line for link in links}) == 70 and len({link.b.line for link in links}) == 70
    assert all(link.a.unit == link.b.unit for link in links)
    assert all(0.75 <= link.score <= 1.0 for link in links)
    pairs = {link.a.name: link.b for link in links}
    assert pairs["广州市数字政府运营中心2026年市政务大数据中心升级改造项目"].line == 141
    assert pairs["广州市政务服务数据管理局2023-2024年信息化运维项目"].name.startswith(
        "广州市政务服务和数据"
    )
    assert pairs["广州市政务服务中心 2026年广州市“人工智能+”政务服务信息化建设项目"].line == 158
    by_line = {link.a.line: link.b.line for link in links}
    assert by_line[453] == 58 and by_line[525] == 145  # 机构运行辅助经费 under two units


def test_same_year_reports_what_is_unmatched() -> None:
    a, b = doc("000"), doc("002")
    dropped = b.projects[5]
    smaller = replace(b, projects=tuple(p for p in b.projects if p is not dropped))
    result = link_same_year([a, smaller, doc("001")])
    assert len(result.links) == 69
    assert [u.name for u in result.unmatched] == [a.projects[5].name]
    assert [i.code for i in result.issues] == ["L001"] and result.issues[0].line == a.projects[
        5
    ].line


def test_fuzzy_match_keeps_a_score() -> None:
    a, b = doc("000"), doc("002")
    p = a.projects[0]
    renamed = replace(p, name=p.name.replace("运营服务", "运营维护服务"))
    other = replace(b, projects=(renamed,))
    links = link_pair(replace(a, projects=(p,)), other)
    assert len(links) == 1 and links[0].method == "fuzzy" and 0.75 <= links[0].score < 1.0
    assert similarity(normalize_name(p.name), normalize_name(renamed.name)) < 1.0


def test_projects_across_years() -> None:
    result = link_across_years([doc("001"), doc("000"), doc("004")])
    names = {(link.a.fiscal_year, link.b.fiscal_year, link.a.name) for link in result.links}
    assert (2024, 2026, "GZIT2022-SM-W-C-051103") in names
    assert (2024, 2026, "广州市数字政府运营中心2023-2026年广州市统一安全运营服务项目") in names
    # named after the department's old name in 2024, after the new one in 2026
    cloud = [link for link in result.links if "政务云服务运维" in link.a.name]
    assert len(cloud) == 1 and cloud[0].b.name.startswith("广州市政务服务和数据管理局")
    # generic names only link within the same unit
    assert all(link.a.unit == link.b.unit for link in result.links if len(link.a.name) < 12)
    assert len(result.links) == 8
    flagged = {i.message for i in result.issues if i.code == "L003"}
    assert any("2023-2024年信息化运维项目" in m and "2026" in m for m in flagged)


def test_units_renamed_across_years() -> None:
    links = link_units([doc("004"), doc("000")])
    renamed = {(link.a_unit, link.b_unit) for link in links if link.method == "renamed"}
    assert ("广州市电子政务服务中心", "广州市数字政府运营中心") in renamed
    assert ("广州市政务服务数据管理局", "广州市政务服务和数据管理局") in renamed
    exact = {(link.a_unit, link.b_unit) for link in links if link.method == "exact"}
    assert ("广州市政务服务中心", "广州市政务服务中心") in exact
