"""benchmarks/scale.py asks the store and DuckDB the same audit questions: on a small synthetic
corpus the table holds every indicator, and where both define a question the same way they
give the same answer (else the ratios would compare different work)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import duckdb
import pyoxigraph as ox
import pytest

from benchmarks.scale import STORE, store_runner
from benchmarks.scale_table import COLUMNS, DUCK, check_counts, export_table
from benchmarks.synth import write_corpus
from jixiao.graph.ingest import ingest_paths
from jixiao.graph.store import open_store
from jixiao.queries import load_query


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, int]:
    work = tmp_path_factory.mktemp("scale")
    paths = write_corpus(work / "docs", 600, per_document=300, seed=3)
    store = open_store(work / "store")
    results = ingest_paths(paths, store, validate=False)
    indicators = sum(r.indicators for r in results)
    del store
    parquet = work / "t.parquet"
    rows, _ = export_table(paths, parquet)
    assert rows == indicators
    return work / "store", parquet, indicators


def test_table_has_the_columns_and_every_indicator(built: tuple[Path, Path, int]) -> None:
    _, parquet, indicators = built
    con = duckdb.connect()
    described = con.execute(f"DESCRIBE SELECT * FROM read_parquet('{parquet}')").fetchall()
    assert [d[0] for d in described] == COLUMNS
    assert con.execute(f"SELECT count(*) FROM read_parquet('{parquet}')").fetchone() == (
        indicators,
    )


def _store_rows(store_dir: Path, name: str) -> list[dict[str, str | None]]:
    store = ox.Store.read_only(str(store_dir))
    result = store.query(load_query(name))
    names = [v.value for v in result.variables]  # type: ignore[union-attr]
    return [{n: None if s[n] is None else s[n].value for n in names} for s in result]  # type: ignore[union-attr,index]


def test_indicator_counts_agree(built: tuple[Path, Path, int]) -> None:
    store_dir, parquet, _ = built
    con = duckdb.connect()
    con.execute(f"CREATE VIEW t AS SELECT * FROM read_parquet('{parquet}')")
    duck = con.execute(DUCK["indicators per unit and category"]).fetchall()
    got = Counter(
        (r["fiscalYear"], r["category"], int(r["indicators"] or 0), int(r["projects"] or 0))
        for r in _store_rows(store_dir, "prepared_indicator_counts")
    )
    assert duck and got == Counter((str(y), c, n, p) for _, y, c, n, p in duck)


def test_satisfaction_below_90_agrees(built: tuple[Path, Path, int]) -> None:
    store_dir, parquet, _ = built
    con = duckdb.connect()
    con.execute(f"CREATE VIEW t AS SELECT * FROM read_parquet('{parquet}')")
    duck = con.execute(DUCK["satisfaction targets below 90"]).fetchall()
    got = Counter(
        (r["project"], float(r["number"] or 0))
        for r in _store_rows(store_dir, "satisfaction_below_90")
    )
    assert duck and got == Counter((row[0], row[5]) for row in duck)


def test_every_question_runs_on_both(built: tuple[Path, Path, int]) -> None:
    store_dir = built[0]
    assert set(STORE) == set(DUCK)
    for label, steps in STORE.items():
        assert store_runner(store_dir, steps)() > 0, label


def test_check_counts_tells_a_table_of_other_records(
    built: tuple[Path, Path, int], tmp_path: Path
) -> None:
    store_dir, parquet, _ = built
    assert check_counts(store_dir, parquet)
    short = tmp_path / "short.parquet"
    duckdb.sql(
        f"COPY (SELECT * FROM read_parquet('{parquet}') WHERE project <> "
        f"(SELECT min(project) FROM read_parquet('{parquet}'))) TO '{short}' (FORMAT parquet)"
    )
    assert not check_counts(store_dir, short)
