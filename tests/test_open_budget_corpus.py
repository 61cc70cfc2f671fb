"""Hand-checked facts of real Jiangsu 部门预算 PDFs (``tests/corpus/open-budget``): the
records are well formed, and — where the source repository is at hand
(``JIXIAO_OPEN_BUDGET`` names a git directory of ae86jack/open-budget) — the PDF reader
finds every fact. The PDFs themselves are not kept here."""

from __future__ import annotations

import json
import os
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from benchmarks.open_budget import class_totals, compare, facts
from jixiao.extract.readers import read_bytes
from tests.conftest import ROOT

CORPUS = ROOT / "tests" / "corpus" / "open-budget"
RECORDS = sorted(CORPUS.glob("*.json"))
KEYS = {"department", "year", "unit_count", "units", "performance_projects",
        "performance_amount", "income_total", "expense_total", "basic", "projects_amount"}  # fmt: skip


def test_at_least_three_records() -> None:
    assert len(RECORDS) >= 3


@pytest.mark.parametrize("path", RECORDS, ids=lambda p: p.stem)
def test_record_is_well_formed(path: Path) -> None:
    record = json.loads(path.read_text(encoding="utf-8"))
    assert record["id"] == path.stem
    source = record["source"]
    assert source["repository"] == "ae86jack/open-budget"
    assert re.fullmatch(r"[0-9a-f]{40}", source["commit"])
    assert source["path"].startswith("pdf_files/") and source["path"].endswith(".pdf")
    assert set(record["facts"]) == KEYS
    given = record["facts"]
    for key in ("income_total", "expense_total", "basic", "projects_amount"):
        assert Decimal(given[key]) > 0, key
    assert given["income_total"] == given["expense_total"]  # a 收支 table balances
    assert Decimal(given["basic"]) + Decimal(given["projects_amount"]) <= Decimal(
        given["expense_total"]
    )
    assert given["unit_count"] in (None, len(given["units"]))


def _pdf(record: dict) -> bytes:
    git_dir = os.environ.get("JIXIAO_OPEN_BUDGET", "")
    if not git_dir or not Path(git_dir).exists():
        pytest.skip("JIXIAO_OPEN_BUDGET does not name a git directory of ae86jack/open-budget")
    source = record["source"]
    done = subprocess.run(
        ["git", "--git-dir", git_dir, "show", f"{source['commit']}:{source['path']}"],
        capture_output=True, timeout=60, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"commit {source['commit'][:8]} is not in {git_dir}")
    return done.stdout


@pytest.mark.parametrize("path", RECORDS, ids=lambda p: p.stem)
def test_reader_finds_the_hand_checked_facts(path: Path) -> None:
    record = json.loads(path.read_text(encoding="utf-8"))
    doc = read_bytes(_pdf(record), record["source"]["path"])
    assert doc.pages == record["pages"]
    wrong = [text for key, ok, text in compare(facts(doc), record["facts"]) if not ok]
    assert not wrong
    for check in class_totals(doc):  # every classified table adds up as printed
        assert check["printed"] == check["classes"], check
