"""Every named query (``queries/*.rq`` on disk) against its golden answer on the five samples.

The goldens (``tests/golden/queries/<name>.json``) were checked by hand against the source
documents once; each file's ``note`` says how. A query without a golden fails here.

Regenerate with ``JIXIAO_UPDATE_GOLDENS=1 pytest tests/test_query_goldens.py`` (or
``--update-golden``), then read the diff: a golden whose rows changed gets a ``TODO`` note, and
the test fails until someone has checked the new rows by hand and rewritten the note.

Queries run through the code path of ``jixiao query`` (:func:`graph.store.query`: the union of
all graphs as the default graph, the store's prefixes). Parameterised queries take their
parameters as ``substitutions``, as the REST API binds them (``jixiao query`` has no
parameters). Results compare order-sensitively when the query ends with ``ORDER BY``: rows
must come in the order of their sort keys; rows that tie on every key compare as a multiset.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from jixiao import queries
from jixiao.graph.ingest import ingest_paths
from jixiao.graph.store import PREFIXES, checkpoint, open_store, query
from tests.conftest import SAMPLES

GOLDEN_DIR = Path(__file__).resolve().parent / "golden" / "queries"
QUERY_DIR = Path(queries.__file__).resolve().parent
# The queries meant for auditors, and the internal ones (``#+ tags: internal``: the REST API's
# and the pages' own) that have a golden; the others are checked through the routes' tests
# (tests/test_rest.py, tests/test_web_pages.py, tests/test_read_model_http.py).
NAMES = sorted(
    p.stem
    for p in QUERY_DIR.glob("*.rq")
    if "internal" not in queries.metadata(p.read_text(encoding="utf-8")).get("tags", "")
    or (GOLDEN_DIR / f"{p.stem}.json").exists()
)
XSD_DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
JIXIAO = shutil.which("jixiao", path=str(Path(sys.executable).parent)) or "jixiao"

# Runs besides the default one, per query: variable → (lexical value, datatype IRI).
PARAM_CASES: dict[str, list[dict[str, tuple[str, str]]]] = {
    "satisfaction_targets_below": [
        {"threshold": ("80", XSD_DECIMAL)},
        {"threshold": ("95", XSD_DECIMAL)},
    ],
    "target_trajectory": [
        {"label": ("满意度", XSD_STRING)},  # the key of the satisfaction concept
        {"label": ("群众满意度", XSD_STRING)},  # one of its spellings: the same rows
    ],
}

Row = dict[str, str | None]
Params = dict[str, tuple[str, str]]


def _updating(request: pytest.FixtureRequest) -> bool:
    return os.environ.get("JIXIAO_UPDATE_GOLDENS") == "1" or bool(
        request.config.getoption("--update-golden")
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ox.Store]:
    st = open_store(tmp_path_factory.mktemp("golden-store"))
    results = ingest_paths(sorted(SAMPLES.glob("0*.txt")), st)
    assert [r.status for r in results] == ["stored"] * 5
    yield st


def run_query(store: ox.Store, name: str, params: Params | None = None) -> list[Row]:
    text = queries.load_query(name)
    if params:
        result = store.query(
            text,
            prefixes=PREFIXES,
            substitutions={
                ox.Variable(k): ox.Literal(v, datatype=ox.NamedNode(dt))
                for k, (v, dt) in params.items()
            },
        )
    else:
        result = query(store, text)
    assert isinstance(result, ox.QuerySolutions), f"{name} is not a SELECT query"
    names = [v.value for v in result.variables]
    return [{n: (None if s[n] is None else s[n].value) for n in names} for s in result]


def order_keys(name: str) -> list[str] | None:
    """The variables of the query's final ``ORDER BY`` (None if it has none), or of its
    ``#+ sorted:`` header when it sorts on a key built from them (``?sortKey``)."""
    text = queries.load_query(name)
    declared = re.search(r"^#\+ sorted:(.*)$", text, re.MULTILINE)
    if declared:
        return re.findall(r"\?(\w+)", declared.group(1))
    body = "\n".join(
        line for line in queries.load_query(name).splitlines() if not line.lstrip().startswith("#")
    )
    match = re.search(r"\bORDER\s+BY\b([^{}]*)$", body, re.IGNORECASE)
    if match is None:
        return None
    clause = re.split(r"\b(?:LIMIT|OFFSET)\b", match.group(1), flags=re.IGNORECASE)[0]
    return re.findall(r"\?(\w+)", clause)


def _row_key(row: Row) -> str:
    return json.dumps(row, ensure_ascii=False, sort_keys=True)


def canonical(rows: list[Row], keys: list[str] | None) -> list[Any]:
    """Rows in a form that compares as the query promises: without ORDER BY a sorted list;
    with it, runs of rows that tie on the sort keys, each run sorted."""
    if keys is None:
        return sorted(rows, key=_row_key)
    runs: list[tuple[list[str | None], list[Row]]] = []
    for row in rows:
        key = [row.get(k) for k in keys]
        if runs and runs[-1][0] == key:
            runs[-1][1].append(row)
        else:
            runs.append((key, [row]))
    return [(key, sorted(run, key=_row_key)) for key, run in runs]


def stable(rows: list[Row], keys: list[str] | None) -> list[Row]:
    """``rows`` as written to a golden file (ties in a deterministic order)."""
    if keys is None:
        return sorted(rows, key=_row_key)
    return [row for _, run in canonical(rows, keys) for row in run]


def golden_path(name: str) -> Path:
    return GOLDEN_DIR / f"{name}.json"


def _params_json(params: Params) -> dict[str, dict[str, str]]:
    return {k: {"value": v, "datatype": dt} for k, (v, dt) in params.items()}


def _params_from_json(data: dict[str, dict[str, str]]) -> Params:
    return {k: (v["value"], v["datatype"]) for k, v in data.items()}


def write_golden(name: str, store: ox.Store) -> None:
    keys = order_keys(name)
    path = golden_path(name)
    old = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    rows = stable(run_query(store, name), keys)
    cases = [
        {"params": _params_json(p), "count": len(r), "rows": stable(r, keys)}
        for p in PARAM_CASES.get(name, [])
        for r in [run_query(store, name, p)]
    ]
    new: dict[str, Any] = {"query": name, "note": "", "ordered_by": keys, "count": len(rows)}
    new["rows"] = rows
    if cases:
        new["with_params"] = cases
    unchanged = old and old.get("rows") == rows and old.get("with_params", []) == cases
    note = old.get("note", "")
    if unchanged and note:
        new["note"] = note
    else:
        previous = f" Previous note: {note}" if note else ""
        new["note"] = "TODO: rows changed or new; check them by hand and replace this note." + (
            previous
        )
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(new, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def load_golden(name: str) -> dict[str, Any]:
    path = golden_path(name)
    assert path.exists(), (
        f"no golden for query {name!r}: run JIXIAO_UPDATE_GOLDENS=1 pytest {__file__} "
        "and check the new rows by hand against the documents"
    )
    return json.loads(path.read_text(encoding="utf-8"))


def test_queries_found() -> None:
    assert len(NAMES) >= 11 and "projects_without_satisfaction" in NAMES


def test_no_golden_without_query() -> None:
    orphans = {p.stem for p in GOLDEN_DIR.glob("*.json")} - set(NAMES)
    assert not orphans, f"goldens of queries that no longer exist: {sorted(orphans)}"


@pytest.mark.parametrize("name", NAMES)
def test_query_matches_golden(name: str, store: ox.Store, request: pytest.FixtureRequest) -> None:
    if _updating(request):
        write_golden(name, store)
    golden = load_golden(name)
    note = golden.get("note", "")
    assert note and not note.startswith("TODO"), f"{name}: golden not checked by hand yet"
    keys = order_keys(name)
    assert golden["ordered_by"] == keys
    assert golden["count"] == len(golden["rows"])
    got = run_query(store, name)
    assert canonical(got, keys) == canonical(golden["rows"], keys)
    cases = golden.get("with_params", [])
    assert [_params_from_json(c["params"]) for c in cases] == PARAM_CASES.get(name, [])
    for case in cases:
        got = run_query(store, name, _params_from_json(case["params"]))
        assert case["count"] == len(case["rows"])
        assert canonical(got, keys) == canonical(case["rows"], keys), case["params"]


@pytest.mark.parametrize("name", NAMES)
def test_query_repeats_no_row(name: str, store: ox.Store) -> None:
    # A triple asserted in two document graphs appears twice in the union default graph:
    # queries must use DISTINCT or aggregate over DISTINCT values.
    rows = [_row_key(r) for r in run_query(store, name)]
    assert len(rows) == len(set(rows))


def test_cli_csv_agrees_with_golden(store: ox.Store, tmp_path: Path) -> None:
    name = "projects_without_satisfaction"
    copy = checkpoint(store, tmp_path / "store")
    done = subprocess.run(
        [JIXIAO, "query", name, "--format", "csv", "--store", str(copy)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    golden = load_golden(name)["rows"]
    assert len(rows) == 25
    # CSV results carry lexical values; an unbound variable is an empty field.
    expected = [{k: ("" if v is None else v) for k, v in row.items()} for row in golden]
    keys = order_keys(name)
    assert canonical(rows, keys) == canonical(expected, keys)  # type: ignore[arg-type]


def test_cli_binds_declared_parameters(store: ox.Store, tmp_path: Path) -> None:
    name = "satisfaction_targets_below"
    copy = checkpoint(store, tmp_path / "store")
    for case in load_golden(name)["with_params"]:
        pairs = [f"--param={k}={v['value']}" for k, v in case["params"].items()]
        done = subprocess.run(
            [JIXIAO, "query", name, "--format", "csv", "--store", str(copy), *pairs],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        rows = list(csv.DictReader(io.StringIO(done.stdout)))
        expected = [{k: ("" if v is None else v) for k, v in r.items()} for r in case["rows"]]
        keys = order_keys(name)
        assert len(rows) == case["count"]
        assert canonical(rows, keys) == canonical(expected, keys)  # type: ignore[arg-type]
    for bad in ("threshold=ninety", "top=3", "threshold"):  # top: no declared parameter
        done = subprocess.run(
            [JIXIAO, "query", name, "--store", str(copy), "--param", bad],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert done.returncode == 2 and "--param" in done.stderr and not done.stdout
