"""``jixiao parse-indicators`` as a user runs it: the installed console script, stdin → JSON."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from jixiao.extract.indicators import parse_indicators
from jixiao.extract.serialize import result_dict
from tests.conftest import SAMPLES, seed_002_cells

JIXIAO = shutil.which("jixiao") or str(Path(sys.executable).with_name("jixiao"))


def _run(data: bytes, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([JIXIAO, *args], input=data, capture_output=True, timeout=60, check=False)


def test_console_script_is_installed() -> None:
    assert Path(JIXIAO).exists(), "pip install -e . should install the jixiao script"


@pytest.mark.parametrize("line", [ln for ln, _, _ in seed_002_cells()[::7]])
def test_seed_cells_through_the_console_script(line: int) -> None:
    cell = next(c for ln, _, c in seed_002_cells() if ln == line)
    proc = _run(cell.encode("utf-8"), "parse-indicators")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out == json.loads(json.dumps(result_dict(parse_indicators(cell)), ensure_ascii=False))
    assert out["indicators"], line
    for ind in out["indicators"]:
        assert set(ind) >= {"level1", "level1_code", "level2", "level2_code", "name"}
        for key in ("period_target", "annual_target"):
            assert set(ind[key]) >= {"raw", "comparator", "number", "unit", "qualitative"}


def test_json_contract_of_architecture_md() -> None:
    cell = "1、1-产出指标；11-数量指标；会议活动保障次数；实施周期指标值：每年≥20场；年度指标值：每年≥20场。"
    out = json.loads(_run(cell.encode(), "parse-indicators").stdout)
    ind = out["indicators"][0]
    assert {k: ind[k] for k in ("level1", "level1_code", "level2", "level2_code", "name")} == {
        "level1": "产出指标", "level1_code": "1", "level2": "数量指标", "level2_code": "11",
        "name": "会议活动保障次数",
    }  # fmt: skip
    target = ind["period_target"]
    assert {k: target[k] for k in ("raw", "comparator", "number", "unit", "qualitative")} == {
        "raw": "每年≥20场", "comparator": "≥", "number": 20, "unit": "场", "qualitative": False,
    }  # fmt: skip
    assert out["issues"] == []


def test_every_seed_cell_in_process_matches_the_golden_count() -> None:
    from jixiao.api.cli import main

    total = 0
    for _, _, cell in seed_002_cells():
        total += len(parse_indicators(cell).indicators)
    assert total == 404
    assert main(["ingest", "--dry-run", str(SAMPLES / "002_6706784a82fb7692.txt")]) == 0


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"hello",
        "随便写点什么".encode(),
        b"\xff\xfe\x00garbage",
        b"1\xe3\x80\x81",
        b"<p></p>" * 100,
    ],
)
def test_malformed_input_exits_0_with_issues(data: bytes) -> None:
    proc = _run(data, "parse-indicators")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["indicators"] == []
    assert out["issues"] and all({"code", "message", "at"} <= set(i) for i in out["issues"])


def test_invalid_utf8_is_reported() -> None:
    out = json.loads(_run(b"\xff 1\xe3\x80\x811-", "parse-indicators").stdout)
    assert out["issues"][0]["code"] == "X000"


def test_ingest_dry_run_json_reports_each_document() -> None:
    paths = sorted(str(p) for p in SAMPLES.glob("0*.txt"))
    proc = _run(b"", "ingest", "--dry-run", "--json", *paths)
    assert proc.returncode == 0, proc.stderr.decode()
    docs = {Path(d["file"]).name[:3]: d for d in json.loads(proc.stdout)}
    assert (docs["002"]["projects"], docs["002"]["indicators"], docs["002"]["linked_projects"]) == (
        70, 404, 70,
    )  # fmt: skip
    assert docs["000"]["total"] == 86246.64


def test_ingest_of_a_binary_file_fails_naming_it(tmp_path: Path) -> None:
    bad = tmp_path / "broken.txt"
    bad.write_bytes(b"\x00\x01\x02 not a document")
    proc = _run(b"", "ingest", "--dry-run", "--json", str(bad))
    assert proc.returncode == 3  # EXIT_RUNTIME: a file could not be read
    assert "broken.txt:1: binary data" in proc.stderr.decode()
    (entry,) = json.loads(proc.stdout)  # every file has its entry, a bad one its error
    assert entry["status"] == "error" and entry["error"].startswith(str(bad))
