"""The indicator library's named queries on a second year: sample 002 (2026) and a 2027
edition of it with targets changed by hand, both ingested for real.

The samples print indicators for one year only (002), so ``targets_lowered`` and
``target_outliers`` are empty on them (their goldens say why); here they must find exactly
the changes planted in the 2027 edition.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from jixiao.extract.concepts import SATISFACTION_KEY, concept_key
from jixiao.graph.ingest import ingest_paths
from jixiao.graph.library import concept_iri
from jixiao.graph.store import PREFIXES, open_store
from jixiao.queries import load_query, metadata, parameters
from tests.conftest import SEED_002

NAMES = ("concepts", "target_trajectory", "targets_lowered", "target_outliers")
CHANGES = {  # printed in 2026 → printed in the 2027 edition
    "话务接通率；实施周期指标值：≥93%；年度指标值：≥93%": "话务接通率；实施周期指标值：≥90%；年度指标值：≥90%",
    "工单转派准确率；实施周期指标值：≥97%；年度指标值：≥97%": "工单转派准确率；实施周期指标值：≥98%；年度指标值：≥98%",
    "业务系统故障率（因乙方原因造成）；实施周期指标值:≤0.1%；年度指标值:≤0.1%":
        "业务系统故障率（因乙方原因造成）；实施周期指标值:≤0.5%；年度指标值:≤0.5%",
    "用户满意度；实施周期指标值:≥98%；年度指标值:≥98%": "用户满意度；实施周期指标值:≥50%；年度指标值:≥50%",
}  # fmt: skip
Row = dict[str, str | None]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ox.Store]:
    folder = tmp_path_factory.mktemp("two-years")
    text = SEED_002.read_text(encoding="utf-8").replace("2026年", "2027年")
    for old, new in CHANGES.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    edition = folder / "002_2027.txt"
    edition.write_text(text, encoding="utf-8")
    st = open_store(folder / "store")
    results = ingest_paths([SEED_002, edition], st)
    assert [(r.status, r.fiscal_year) for r in results] == [("stored", 2026), ("stored", 2027)]
    yield st


def run(store: ox.Store, name: str, **subst: ox.Literal | ox.NamedNode) -> list[Row]:
    result = store.query(
        load_query(name),
        prefixes=PREFIXES,
        substitutions={ox.Variable(k): v for k, v in subst.items()} or None,
    )
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: (None if s[n] is None else s[n].value) for n in names} for s in result]


@pytest.mark.parametrize("name", NAMES)
def test_header_in_chinese_and_english_and_typed_params(name: str) -> None:
    text = load_query(name)
    meta = metadata(text)
    assert re.search(r"[\u4e00-\u9fff].*/\s*[A-Z]", meta["summary"])
    assert "library" in meta["tags"] and "internal" not in meta["tags"]
    # absence checks are MINUS (FILTER NOT EXISTS over a large side was quadratic); the one
    # exception checks a bound ?project and ?concept per row (benchmarks/README.md, branch
    # library7: 7x less CPU than MINUS for a concept page at 10^5)
    assert text.count("FILTER NOT EXISTS") == (name == "target_trajectory")
    assert "PREFIX jx:" in text
    list(ox.Store().query(text))  # parses and runs on an empty store, without given prefixes


def test_trajectory_parameters_are_typed() -> None:
    assert parameters(load_query("target_trajectory")) == {"concept": "iri", "label": "string"}


def test_lowered_targets_are_the_weakened_ones(store: ox.Store) -> None:
    rows = run(store, "targets_lowered")
    got = {(r["scope"], r["key"], r["earlierYear"], r["earlierNumber"], r["laterYear"],
            r["laterNumber"], r["lowerIsBetter"]) for r in rows}  # fmt: skip
    fault = concept_key("业务系统故障率（因乙方原因造成）")
    assert got == {
        ("project", "话务接通率", "2026", "93", "2027", "90", None),
        ("unit", "话务接通率", "2026", "93", "2027", "90", None),
        ("project", fault, "2026", "0.1", "2027", "0.5", "true"),
        ("unit", fault, "2026", "0.1", "2027", "0.5", "true"),
        # the planted outlier is a lowered target too; its unit's weakest was ≥90%
        ("project", SATISFACTION_KEY, "2026", "98", "2027", "50", None),
        ("unit", SATISFACTION_KEY, "2026", "90", "2027", "50", None),
    }
    assert len(rows) == 6
    project = next(r for r in rows if r["scope"] == "project" and r["key"] == "话务接通率")
    assert project["projectName"] == "广州12345政务服务便民热线平台运营项目"
    assert (project["earlierRaw"], project["laterRaw"]) == ("≥93%", "≥90%")


def test_outlier_is_the_planted_target(store: ox.Store) -> None:
    rows = run(store, "target_outliers")
    assert [(r["key"], r["fiscalYear"], r["number"], r["raw"]) for r in rows] == [
        (SATISFACTION_KEY, "2027", "50", "≥50%")
    ]
    (row,) = rows
    # 2027's 19 satisfaction targets in %: 50, 90×6, 95×8, 96, 98×3 → Q1 90, Q3 95
    assert (row["q1"], row["q3"], row["targets"]) == ("90", "95", "19")
    assert float(row["lowFence"] or 0) == 82.5 and float(row["highFence"] or 0) == 102.5


def test_trajectory_of_one_concept_over_both_years(store: ox.Store) -> None:
    concept = ox.NamedNode(concept_iri("话务接通率"))
    rows = run(store, "target_trajectory", concept=concept)
    assert [(r["fiscalYear"], r["raw"], r["comparator"], r["number"], r["unitText"])
            for r in rows] == [("2026", "≥93%", "≥", "93", "%"), ("2027", "≥90%", "≥", "90", "%")]  # fmt: skip
    assert run(store, "target_trajectory", label=ox.Literal("话务接通率")) == [
        {**r, "label": "话务接通率"} for r in rows
    ]
    sat = run(store, "target_trajectory", label=ox.Literal("服务对象满意度"))
    assert {r["key"] for r in sat} == {SATISFACTION_KEY}
    assert {r["fiscalYear"] for r in sat} == {"2026", "2027"} and len(sat) == 46


def test_concepts_count_both_years(store: ox.Store) -> None:
    rows = {r["key"]: r for r in run(store, "concepts")}
    sat = rows[SATISFACTION_KEY]
    assert (sat["label"], sat["indicators"], sat["firstYear"], sat["lastYear"]) == (
        "服务对象满意度", "46", "2026", "2027")  # fmt: skip
    assert sum(int(r["indicators"] or 0) for r in rows.values()) == 808
    assert rows[concept_key("有效投诉率")]["lowerIsBetter"] == "true"
    assert rows["话务接通率"]["lowerIsBetter"] is None


def test_queries_answer_nothing_on_an_empty_store(tmp_path: Path) -> None:
    empty = open_store(tmp_path / "empty")
    assert all(run(empty, name) == [] for name in NAMES)
