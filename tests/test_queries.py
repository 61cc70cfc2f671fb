"""The named queries: every file parses, has its header, and gives the golden answers on
the ingested samples."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from jixiao.graph.ingest import ingest_paths
from jixiao.graph.store import open_store, query
from jixiao.queries import list_queries, load_query, metadata

SAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples" / "guangzhou").glob("*.txt"))
MINE = {
    "projects_without_satisfaction_lenient",
    "projects_without_cost",
    "projects_without_effect",
    "projects_without_indicators",
    "unmeasurable_targets",
    "implausible_rates",
    "copied_indicator_sets",
    "unit_totals_mismatch",
    "indicator_counts_by_unit_and_category",
    "satisfaction_targets_below",
    "check_copied_indicator_sets",
    "check_unit_totals",
    "check_target_changes",
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ox.Store]:
    st = open_store(tmp_path_factory.mktemp("store"))
    results = ingest_paths(SAMPLES, st)
    assert [r.status for r in results] == ["stored"] * 5
    yield st


def rows(store: ox.Store, name: str, **subst: ox.Literal) -> list[dict[str, str | None]]:
    result = store.query(
        load_query(name),
        substitutions={ox.Variable(k): v for k, v in subst.items()} or None,
    )
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: (None if s[n] is None else s[n].value) for n in names} for s in result]  # type: ignore[union-attr]


def test_all_named_queries_exist() -> None:
    assert set(list_queries()) >= MINE


@pytest.mark.parametrize("name", sorted(MINE))
def test_query_parses_and_has_header(name: str) -> None:
    text = load_query(name)
    meta = metadata(text)
    assert "summary" in meta and "params" in meta
    assert re.search(r"[\u4e00-\u9fff].*/\s*[A-Z]", meta["summary"]), "summary in Chinese / English"
    assert "PREFIX jx:" in text
    assert "FILTER NOT EXISTS" not in text
    list(ox.Store().query(text))  # parses and runs on an empty store, without given prefixes


def test_check_queries_are_the_named_ones() -> None:
    def body(name: str) -> str:
        return "\n".join(x for x in load_query(name).splitlines() if not x.startswith("#"))

    assert body("check_unit_totals") == body("unit_totals_mismatch")
    assert body("check_copied_indicator_sets") == body("copied_indicator_sets")


def test_projects_without_satisfaction_strict_and_lenient(store: ox.Store) -> None:
    strict = rows(store, "projects_without_satisfaction")
    assert len(strict) == 25 and {r["fiscalYear"] for r in strict} == {"2026"}
    classified = [r for r in strict if "SM" in (r["name"] or "")]
    assert len(classified) == 3
    lenient = rows(store, "projects_without_satisfaction_lenient")
    assert {r["project"] for r in lenient} <= {r["project"] for r in strict}
    assert len(lenient) == 25


def test_completeness_queries(store: ox.Store) -> None:
    no_cost = rows(store, "projects_without_cost")
    assert len(no_cost) == 3 and all("SM" in (r["name"] or "") for r in no_cost)
    no_effect = {r["name"] for r in rows(store, "projects_without_effect")}
    assert len(no_effect) == 4 and "数字广州宣传经费" in no_effect
    assert rows(store, "projects_without_indicators") == []


def test_copied_indicator_sets(store: ox.Store) -> None:
    found = rows(store, "copied_indicator_sets")
    assert len(found) == 1
    pair = {found[0]["name"], found[0]["otherName"]}
    assert "广州市外网协同办公平台2025年升级改造项目" in pair
    assert any("市政务大数据中心升级改造" in (n or "") for n in pair)


def test_unit_totals_mismatch(store: ox.Store) -> None:
    found = rows(store, "unit_totals_mismatch")
    assert [(r["unitCode"], r["fiscalYear"]) for r in found] == [("190001", "2020")]


def test_unmeasurable_and_implausible(store: ox.Store) -> None:
    unmeasurable = rows(store, "unmeasurable_targets")
    assert len(unmeasurable) == 8
    assert sum("classified" in (r["reasons"] or "") for r in unmeasurable) == 3
    rates = rows(store, "implausible_rates")
    assert {r["name"] for r in rates} == {
        "物资补给及时率",
        "响应及时率",
        "事件解决及时率",
        "通信链路可用率",
        "人工成本控制率",
        "故障处理及时率",
    }


def test_satisfaction_targets_below_threshold(store: ox.Store) -> None:
    default = rows(store, "satisfaction_targets_below")
    assert len(default) == 7
    low = rows(
        store,
        "satisfaction_targets_below",
        threshold=ox.Literal(
            "80", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
        ),
    )
    assert {r["raw"] for r in low} == {"≤1%", "≥4.5分"}
    assert len(low) < len(default)


def test_counts_by_unit_and_category(store: ox.Store) -> None:
    found = rows(store, "indicator_counts_by_unit_and_category")
    assert sum(int(r["indicators"] or 0) for r in found) == 404
    assert {r["categoryName"] for r in found} == {"产出", "效益", "满意度", "成本"}


def test_target_changes_empty_on_samples(store: ox.Store) -> None:
    # Only the 2026 table prints indicators: no previous year to compare with.
    assert rows(store, "check_target_changes") == []


def test_queries_run_through_the_store_helper(store: ox.Store) -> None:
    for name in sorted(MINE):
        list(query(store, load_query(name)))
