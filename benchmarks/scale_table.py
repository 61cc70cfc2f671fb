"""The DuckDB side of ``benchmarks/scale.py``: the records as a Parquet table and the audit
questions asked of it (what an analyst would use instead of the store).

One row per indicator of the documents' records, extract output, not RDF (project, unit,
department, year, level 1 and 2 as printed and their categories, name, comparator, number,
unit, flags); :func:`check_counts` shows that a store and a table hold the same records.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox

from jixiao.graph import iris
from jixiao.graph.ingest import read_one
from jixiao.graph.namespaces import JX
from jixiao.graph.prepared import CATEGORIES

COLUMNS = [
    "project",
    "unit",
    "department",
    "year",
    "position",
    "level1",
    "level2",
    "category1",
    "category2",
    "name",
    "comparator",
    "number",
    "unit_text",
    "raw",
    "qualitative",
    "placeholder",
    "classified",
]
SAT = CATEGORIES["satisfaction"]


def table_rows(paths: list[Path]) -> Iterator[list[object]]:
    """One row per indicator of the documents' records; a category is the jx:category of
    the printed level's concept (the lookup an analyst would join)."""
    frames = iris.frames()
    for path in paths:
        doc = read_one(path).doc
        for proj in doc.projects:
            project = iris.project_iri(proj.fiscal_year, proj.unit, proj.name)
            for ind in proj.indicators:
                c2 = frames.concept(ind.level2_code, ind.level2, proj.fiscal_year)
                c1 = frames.concept(ind.level1_code, ind.level1, proj.fiscal_year)
                if c1 is None and c2 is not None:
                    c1 = frames.broader.get(c2)
                t = ind.annual_target
                yield [
                    project,
                    proj.unit,
                    doc.department or "",
                    proj.fiscal_year,
                    ind.position,
                    ind.level1 or "",
                    ind.level2 or "",
                    frames.category.get(c1 or "", ""),
                    frames.category.get(c2 or "", ""),
                    ind.name,
                    t.comparator if t else "",
                    "" if t is None or t.number is None else str(t.number),
                    t.unit if t and t.unit else "",
                    t.raw if t else "",
                    bool(t and t.qualitative),
                    bool(t and t.placeholder),
                    bool(t and t.classified),
                ]


def export_table(paths: list[Path], parquet: Path) -> tuple[int, float]:
    """Write the records of ``paths`` as Parquet (via CSV and DuckDB); (rows, seconds)."""
    import duckdb

    start = time.perf_counter()
    text = parquet.with_suffix(".csv")
    rows = 0
    with text.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for row in table_rows(paths):
            writer.writerow(row)
            rows += 1
    types = {c: "VARCHAR" for c in COLUMNS} | {
        "year": "INTEGER",
        "position": "INTEGER",
        "number": "DOUBLE",
        "qualitative": "BOOLEAN",
        "placeholder": "BOOLEAN",
        "classified": "BOOLEAN",
    }
    duckdb.sql(
        f"COPY (SELECT * FROM read_csv('{text}', header=true, columns={types!r})) "
        f"TO '{parquet}' (FORMAT parquet)"
    )
    text.unlink()
    return rows, time.perf_counter() - start


def check_counts(store_dir: Path, parquet: Path) -> bool:
    """Print indicators and projects in the store (default graph) and in the table; whether
    they match (the table and the store hold the same records)."""
    import duckdb

    store = ox.Store.read_only(str(store_dir))
    found = []
    for cls, label in ((JX.Indicator, "indicators"), (JX.Project, "projects")):
        answer = store.query(f"SELECT (COUNT(DISTINCT ?x) AS ?n) {{ ?x a <{cls}> }}")
        found.append((label, int(next(iter(answer))["n"].value)))  # type: ignore[index, union-attr, arg-type]
    (row,) = duckdb.sql(f"SELECT count(*), count(DISTINCT project) FROM '{parquet}'").fetchall()
    same = [n for _, n in found] == list(row)
    print(
        "store: " + ", ".join(f"{n:,} {label}" for label, n in found)
        + f"; table: {row[0]:,} rows, {row[1]:,} projects; {'same' if same else 'DIFFERENT'}",
        flush=True,
    )  # fmt: skip
    return same


def _lacks_sql(category: str) -> str:
    return f"""WITH p AS (SELECT project, year, min(unit) AS unit,
        bool_or(category1 = '{category}' OR category2 = '{category}') AS has
      FROM t GROUP BY project, year)
    SELECT project, year, unit, count(*) OVER (PARTITION BY year) AS total
    FROM p WHERE NOT has ORDER BY year, unit, project"""


DUCK: dict[str, str] = {
    **{f"lacks {c}": _lacks_sql(CATEGORIES[c]) for c in ("satisfaction", "effect", "cost")},
    "REST lacks=satisfaction&year page+total": _lacks_sql(SAT).replace(
        "GROUP BY project, year", "WHERE year = 2026 GROUP BY project, year"
    )
    + " LIMIT 100",
    "indicators per unit and category": """SELECT unit, year, category1, count(*) AS indicators,
        count(DISTINCT project) AS projects FROM t WHERE category1 <> ''
        GROUP BY unit, year, category1 ORDER BY year, unit, category1""",
    "totals per year and unit": """WITH p AS (SELECT project, year, min(unit) AS unit,
        bool_or(category1 = '{o}' OR category2 = '{o}') AS o,
        bool_or(category1 = '{e}' OR category2 = '{e}') AS e,
        bool_or(category1 = '{s}' OR category2 = '{s}') AS s,
        bool_or(category1 = '{c}' OR category2 = '{c}') AS c, count(*) AS n
      FROM t GROUP BY project, year)
      SELECT year, unit, count(*) AS projects, count(*) FILTER (NOT o), count(*) FILTER (NOT e),
        count(*) FILTER (NOT s), count(*) FILTER (NOT c), sum(n)
      FROM p GROUP BY year, unit ORDER BY year, unit""".format(
        **{k[0]: v for k, v in CATEGORIES.items()}
    ),
    "satisfaction targets below 90": f"""SELECT project, year, unit, name, comparator, number, raw
        FROM t WHERE category2 = '{SAT}' AND unit_text = '%' AND number < 90
        ORDER BY year, unit, number""",
    "unmeasurable targets": """SELECT project, year, position, name, raw FROM t
        WHERE placeholder OR classified OR qualitative OR number IS NULL
        ORDER BY year, project, position""",
}


def duck_runner(parquet: Path, sql: str) -> Callable[[], int]:
    import duckdb

    con = duckdb.connect()  # a fresh connection: nothing cached
    con.execute(f"CREATE VIEW t AS SELECT * FROM read_parquet('{parquet}')")
    return lambda: len(con.execute(sql).fetchall())


COPIED_SQL = """WITH s AS (SELECT DISTINCT project, name FROM t),
      n AS (SELECT project, count(*) AS k FROM s GROUP BY project),
      pairs AS (SELECT a.project AS p, b.project AS o, count(*) AS common FROM s a
        JOIN s b ON a.name = b.name AND a.project < b.project GROUP BY 1, 2)
    SELECT p, o, common, n1.k, n2.k FROM pairs JOIN n n1 ON n1.project = p
      JOIN n n2 ON n2.project = o
    WHERE common >= 3 AND common >= 0.75 * greatest(n1.k, n2.k) ORDER BY p, o"""
SATISFACTION_BELOW_SQL = f"""SELECT project, year, unit, name, comparator, number, unit_text, raw
    FROM t WHERE (category1 = '{SAT}' OR category2 = '{SAT}') AND unit_text IN ('%', '分')
    AND number < 90 ORDER BY year, unit, number"""
