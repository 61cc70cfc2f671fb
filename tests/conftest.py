"""Shared fixtures: the sample documents, seed 002's indicator cells, hypothesis profiles."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "examples" / "guangzhou"
SEED_002 = SAMPLES / "002_6706784a82fb7692.txt"

settings.register_profile(
    "ci", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=300, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def ingest_samples_in_child(store: Path) -> None:
    """Ingest the five samples into a new store at ``store`` in a child process, so that
    the store's lock is surely released before a server opens it."""
    script = (
        "import sys, pyoxigraph as ox; from jixiao.graph.ingest import ingest_paths; "
        "s = ox.Store(sys.argv[1]); "
        "print(' '.join(r.status for r in ingest_paths(sorted(sys.argv[2:]), s))); s.flush()"
    )
    paths = [str(p) for p in sorted(SAMPLES.glob("*.txt"))]
    done = subprocess.run(
        [sys.executable, "-c", script, str(store), *paths],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    assert done.stdout.split() == ["stored"] * 5, done.stdout + done.stderr


def unvalidated_samples(store: Path) -> Path:
    """A new store at ``store`` holding the five samples, not validated (no report graphs),
    closed again (pyoxigraph releases the RocksDB lock when the Store is freed)."""
    from jixiao.graph.ingest import ingest_paths
    from jixiao.graph.store import open_store

    opened = open_store(store)
    ingest_paths(sorted(SAMPLES.glob("*.txt")), opened, validate=False)
    del opened
    gc.collect()
    return store


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden/ from the current output (check the diff by hand)",
    )


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def seed_002_cells() -> list[tuple[int, str, str]]:
    """(line, project name, 绩效指标 cell) of every project row of seed 002."""
    cells = []
    for number, line in enumerate(SEED_002.read_text(encoding="utf-8").splitlines(), start=1):
        fields = line.split("\t")
        if len(fields) == 7 and "、" in fields[6] and "指标" in fields[6]:
            cells.append((number, fields[0], fields[6]))
    return cells
