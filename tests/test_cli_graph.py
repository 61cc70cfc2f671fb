"""The real ``jixiao`` console script: ingest into a tmp store, stats, query, errors."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from jixiao.queries import list_queries, load_query, metadata
from tests.conftest import SAMPLES

PATHS = [str(p) for p in sorted(SAMPLES.glob("0*.txt"))]
JIXIAO = shutil.which("jixiao", path=str(Path(sys.executable).parent)) or "jixiao"
CONSTRUCT = """PREFIX jx: <https://w3id.org/jixiao/ontology#>
CONSTRUCT { ?p ?pred ?o } WHERE { ?p a jx:Project ; ?pred ?o }
"""


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [JIXIAO, *args], capture_output=True, text=True, env=env or os.environ.copy(), timeout=300
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("cli") / "store")
    done = run("ingest", "--store", path, *PATHS)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 6 and all(": stored: " in line for line in lines[:5])
    assert "5/5" in done.stderr  # progress on stderr
    return path


def test_reingest_is_unchanged(store: str) -> None:
    before = json.loads(run("stats", "--json", "--store", store).stdout)
    again = run("ingest", "-q", "--store", store, *PATHS)
    assert again.returncode == 0 and again.stdout.count(": unchanged: ") == 5
    assert json.loads(run("stats", "--json", "--store", store).stdout) == before


def test_stats(store: str) -> None:
    done = run("stats", "--json", "--store", store)
    data = json.loads(done.stdout)
    assert data["documents"] == 5
    years = {y["fiscal_year"]: y for y in data["years"]}
    assert {k: v["projects"] for k, v in years.items()} == {
        "2020": 10,
        "2024": 21,
        "2025": 13,
        "2026": 70,
    }
    assert years["2026"]["indicators"] == 404
    text = run("stats", "--store", store).stdout
    assert "documents 5" in text and "404" in text


def test_env_store(store: str) -> None:
    env = {**os.environ, "JIXIAO_STORE": store}
    assert json.loads(run("stats", "--json", env=env).stdout)["documents"] == 5


@pytest.mark.parametrize("name", ["projects_without_satisfaction", "satisfaction_below_90",
                                  "indicator_count_per_unit"])  # fmt: skip
def test_named_queries(store: str, name: str) -> None:
    assert name in list_queries()
    meta = metadata(load_query(name))
    assert meta["summary"] and "params" in meta
    for fmt in ("json", "csv", "tsv", "xml"):
        done = run("query", name, "--store", store, "--format", fmt)
        assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(run("query", name, "--store", store, "--format",
                                                 "csv").stdout)))  # fmt: skip
    assert rows


def test_projects_without_satisfaction_strict(store: str) -> None:
    rows = json.loads(run("query", "projects_without_satisfaction", "--store", store).stdout)
    names = [b["name"]["value"] for b in rows["results"]["bindings"]]
    assert names and len(names) < 70
    assert all(b["fiscalYear"]["value"] == "2026" for b in rows["results"]["bindings"])


def test_satisfaction_below_90(store: str) -> None:
    rows = json.loads(run("query", "satisfaction_below_90", "--store", store).stdout)
    numbers = [float(b["number"]["value"]) for b in rows["results"]["bindings"]]
    assert numbers and all(n < 90 for n in numbers)


def _rapper() -> str | None:
    found = shutil.which("rapper")
    if found is None and not os.environ.get("CI"):
        pytest.skip("rapper (raptor2-utils) is not installed")
    assert found, "CI must install raptor2-utils"
    return found


@pytest.mark.parametrize(("fmt", "syntax"), [("ttl", "turtle"), ("nt", "ntriples")])
def test_construct_is_valid_rdf(store: str, tmp_path: Path, fmt: str, syntax: str) -> None:
    rapper = _rapper()
    rq = tmp_path / "projects.rq"
    rq.write_text(CONSTRUCT, encoding="utf-8")
    done = run("query", str(rq), "--store", store, "--format", fmt)
    assert done.returncode == 0, done.stderr
    out = tmp_path / f"out.{fmt}"
    out.write_text(done.stdout, encoding="utf-8")
    check = subprocess.run(
        [rapper, "-i", syntax, "-c", str(out), "https://example.org/"],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr
    assert "returned" in check.stderr and " 0 triples" not in check.stderr


def test_errors_are_clear(store: str, tmp_path: Path) -> None:
    missing = run("stats", "--store", str(tmp_path / "nowhere"))
    assert missing.returncode == 3 and "no store at" in missing.stderr  # runtime
    unknown = run("query", "no_such_query", "--store", store)
    assert unknown.returncode == 2 and "no query named" in unknown.stderr
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT WHERE {", encoding="utf-8")
    syntax = run("query", str(bad), "--store", store)
    assert syntax.returncode == 2 and "syntax error" in syntax.stderr
    wrong = run("query", "indicator_count_per_unit", "--store", store, "--format", "ttl")
    assert wrong.returncode == 2 and "not available" in wrong.stderr


def test_unreadable_document_is_reported_and_others_stored(tmp_path: Path) -> None:
    junk = tmp_path / "junk.txt"
    junk.write_bytes(b"\x00\x01binary")
    path = str(tmp_path / "store")
    done = run("ingest", "-q", "--store", path, str(junk), PATHS[3])
    assert done.returncode == 3  # runtime: a file could not be read
    assert "junk.txt" in done.stderr and "binary" in done.stderr
    assert json.loads(run("stats", "--json", "--store", path).stdout)["documents"] == 1


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    env = {**os.environ, "JIXIAO_STORE": str(tmp_path / "s")}
    done = run("ingest", "--dry-run", "--json", *PATHS, env=env)
    assert done.returncode == 0 and len(json.loads(done.stdout)) == 5
    assert not (tmp_path / "s").exists()
