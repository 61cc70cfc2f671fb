"""Counts prepared per unit and year (graph/prepared_counts.py) and unit totals checked per
document (graph/prepared_unit_totals.py): the audit query lists what the scan over the
union finds, after ingest, re-ingest and removal; a count or check that is not current is
found stale. The indicator and set counts against their members under every ingest order
are checked by tests/test_crossdoc_property.py (crossdoc_docs.count_differences)."""

from __future__ import annotations

import gc
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.graph.ingest import ingest_paths
from jixiao.graph.namespaces import JX
from jixiao.graph.prepared import facts_graph, stale_facts
from jixiao.graph.store import open_store, remove_document
from tests.conftest import SAMPLES
from tests.crossdoc_docs import count_differences, run

COLUMNS = ("document", "unit", "fiscalYear", "unitTotal", "projectSum", "projects")


def listed(store: ox.Store) -> list[tuple[str | None, ...]]:
    """The audit query's rows, as the scan's columns (sorted: the scan is unsorted)."""
    return sorted({tuple(r[c] for c in COLUMNS) for r in run(store, "unit_totals_mismatch")})


def scanned(store: ox.Store) -> list[tuple[str | None, ...]]:
    """The check asked of every graph of the store at once: the query as it was."""
    return sorted({tuple(r[c] for c in COLUMNS) for r in run(store, "prepared_unit_total_checks")})


@pytest.fixture(scope="module")
def samples() -> Iterator[ox.Store]:
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "store")
        ingest_paths(sorted(SAMPLES.glob("*.txt")), store, validate=False)
        yield store
        del store
        gc.collect()


def test_samples_list_what_the_scan_finds(samples: ox.Store) -> None:
    found = listed(samples)
    assert len(found) == 1 and found == scanned(samples)
    assert count_differences(samples) == [] and stale_facts(samples) == []
    counted = run(samples, "indicator_count_per_unit")
    assert len(counted) > 1 and counted == run(samples, "indicator_count_per_unit_scan")


def test_facts_without_the_check_are_stale(samples: ox.Store) -> None:
    document = run(samples, "prepared_unit_total_checks")[0]["document"]
    assert document is not None
    graph = ox.NamedNode(facts_graph(document))
    (mark,) = samples.quads_for_pattern(None, ox.NamedNode(str(JX.checksUnitTotals)), None, graph)
    samples.remove(mark)
    try:
        assert [(s.document, s.reason) for s in stale_facts(samples)] == [(document, "changed")]
    finally:
        samples.add(mark)
    assert stale_facts(samples) == []


def test_a_wrong_count_is_stale_and_differs(samples: ox.Store) -> None:
    predicate = ox.NamedNode(str(JX.indicatorCount))
    found = samples.quads_for_pattern(None, predicate, None)
    quad = next(q for q in found if isinstance(q.graph_name, ox.NamedNode))
    right = quad.object
    wrong = ox.Literal(str(int(right.value) + 1), datatype=right.datatype)  # type: ignore[union-attr]
    graphs = (quad.graph_name, ox.DefaultGraph())

    def put(old: ox.Term, new: ox.Term) -> None:
        for g in graphs:
            samples.remove(ox.Quad(quad.subject, predicate, old, g))
            samples.add(ox.Quad(quad.subject, predicate, new, g))

    put(right, wrong)
    try:
        assert count_differences(samples) != []
        assert [(s.document, s.reason) for s in stale_facts(samples)] == [
            (quad.graph_name.value, "changed")  # type: ignore[union-attr]
        ]
    finally:
        put(wrong, right)
    assert count_differences(samples) == [] and stale_facts(samples) == []


UNITS = ["江北市数据资源中心", "江北市政务服务中心", "江北市数据资源中心分中心", "Ａ单位"]
AMOUNT = st.sampled_from([Decimal("10.00"), Decimal("10.00"), Decimal("0.01"), Decimal("3.33"),
                          Decimal("12345.67")])  # fmt: skip
OFF = st.sampled_from([Decimal(0), Decimal("0.01"), Decimal("0.02"), Decimal("-0.05"),
                       Decimal("100"), None])  # fmt: skip  # None: the total cell left empty
UNIT = st.tuples(st.lists(AMOUNT, min_size=1, max_size=3), OFF)
DOCUMENT = st.dictionaries(st.sampled_from(UNITS), UNIT, min_size=1, max_size=3)


def document_text(units: dict[str, tuple[list[Decimal], Decimal | None]]) -> str:
    """A 项目支出绩效目标表 whose unit rows print their projects' sum plus ``off`` (or
    nothing); projects of a unit may have equal names' amounts."""
    lines = ["", "2026年", "", "项目支出绩效目标表（含转移支付项目）", "", "单位：万元", "",
             "项目名称（资金使用单位）\t总计\t财政拨款\t财政专户拨款\t其他资金\t绩效目标\t绩效指标"]  # fmt: skip
    item = "1、1-产出指标；11-数量指标；用户规模；年度指标值:≥50个。"
    for unit, (amounts, off) in units.items():
        total = "" if off is None else f"{sum(amounts) + off:.2f}"
        lines.append(f"{unit}\t{total}\t{total}\t\t\t\t")
        for k, amount in enumerate(amounts):
            lines.append(
                f"{unit}2026年第{k}号项目\t{amount:.2f}\t{amount:.2f}\t\t\t保障运行。\t{item}"
            )
    return "\n".join(lines) + "\n"


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=DOCUMENT, second=DOCUMENT, again=DOCUMENT)
def test_listed_is_the_scan_after_ingest_reingest_and_removal(
    first: dict, second: dict, again: dict
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "store")
        one, two = Path(tmp) / "budget_1.txt", Path(tmp) / "budget_2.txt"
        one.write_text(document_text(first), encoding="utf-8")
        two.write_text(document_text(second), encoding="utf-8")
        documents = [r.document for r in ingest_paths([one, two], store, validate=False)]
        assert listed(store) == scanned(store)
        one.write_text(document_text(again), encoding="utf-8")
        ingest_paths([one], store, validate=False)
        assert listed(store) == scanned(store)
        remove_document(store, documents[1])
        assert listed(store) == scanned(store)
        assert stale_facts(store) == [] and count_differences(store) == []
        del store
        gc.collect()
