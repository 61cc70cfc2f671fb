"""Any Unicode digit is text or a number, never a crash (issue #18, item 4).

``"①".isdigit()`` and ``"²".isdigit()`` are True but ``int()`` refuses both: a circled item
number (``①、``) aborted the whole ingest with a traceback and stored none of the good
documents given with it. Numbers are now ASCII digits (full-width ones are folded first);
and one document that cannot be read never stops the others.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st

from benchmarks.synth import make_document
from jixiao.extract.indicators import parse_indicators
from jixiao.graph.store import stored_sha256
from jixiao.graph.validation import document_graphs

JIXIAO = shutil.which("jixiao") or str(Path(sys.executable).with_name("jixiao"))
ITEM = "{n}、1-产出指标；11-数量指标；会议次数{k}；实施周期指标值：≥{k}场；年度指标值：≥{k}场。"
# digits that are not ASCII: circled, superscript, other scripts' decimals, full-width
ODD_DIGITS = "①②⑩⑳²³¹⁰₂٣۴७৩๓𝟏１０"


def cell(*numbers: str) -> str:
    return "".join(ITEM.format(n=n, k=k) for k, n in enumerate(numbers, start=1))


@pytest.mark.parametrize("odd", ["①", "²", "٣", "𝟑", "⑳", "1²"])
def test_an_odd_item_number_is_read_as_text(odd: str) -> None:
    result = parse_indicators(cell("1", "2", odd, "4"))
    # the ASCII items are all read; the odd one is kept inside the item before it
    assert [i.name for i in result.indicators] == [f"会议次数{k}" for k in range(1, 5)]


@given(
    st.lists(
        st.one_of(
            st.sampled_from(list(ODD_DIGITS)),
            st.characters(categories=["Nd", "No"]),
            st.sampled_from(
                ["、", "1、", "2、", "。", "1-产出指标；", "11-数量指标；", "年度指标值："]
            ),
        ),
        max_size=30,
    ).map("".join)
)
def test_unicode_digits_anywhere_never_raise(text: str) -> None:
    result = parse_indicators(cell("1") + text + cell("1", "2"))
    assert result.indicators  # the valid items around the noise are still read


def small_document(tmp: Path, name: str, index: int, item_number: str | None = None) -> Path:
    """A synthetic 项目支出绩效目标表 of about 30 indicators; ``item_number`` replaces the
    first ``2、`` of its first indicator cell."""
    text = make_document(index, 30, random.Random(index))
    if item_number is not None:
        text = text.replace("。2、", f"。{item_number}、", 1)
        assert f"{item_number}、" in text
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([JIXIAO, *args], capture_output=True, text=True, timeout=300, check=False)


def test_ingest_stores_every_good_document_and_names_the_bad_one(tmp_path: Path) -> None:
    docs = [
        small_document(tmp_path, "good.txt", 1),
        small_document(tmp_path, "circled.txt", 2, "①"),
        small_document(tmp_path, "superscript.txt", 3, "²"),
    ]
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01 not a document")
    paths = [str(docs[0]), str(binary), str(docs[1]), str(docs[2])]
    store = tmp_path / "store"
    proc = run("ingest", "-q", "--no-validate", "--store", str(store), *paths)
    assert proc.returncode == 3, proc.stderr  # EXIT_RUNTIME: one file failed
    assert "Traceback" not in proc.stderr
    assert "binary.txt:1: binary data" in proc.stderr
    lines = proc.stdout.splitlines()
    for name in ("good.txt", "circled.txt", "superscript.txt"):
        assert any(line.startswith(f"{name}: stored:") for line in lines), proc.stdout
    assert lines[-1].startswith(f"store {store}: 3 stored, 0 unchanged, 1 failed")
    opened = ox.Store.read_only(str(store))
    graphs = document_graphs(opened)
    assert len(graphs) == 3 and all(stored_sha256(opened, g) for g in graphs)


def test_dry_run_reports_every_file(tmp_path: Path) -> None:
    good = small_document(tmp_path, "good.txt", 1)
    odd = small_document(tmp_path, "circled.txt", 2, "①")
    missing = tmp_path / "missing.txt"
    proc = run("ingest", "--dry-run", "--json", str(good), str(missing), str(odd))
    assert proc.returncode == 3
    out = json.loads(proc.stdout)
    assert [Path(d["file"]).name for d in out] == ["good.txt", "missing.txt", "circled.txt"]
    assert out[1]["status"] == "error" and "missing.txt: cannot read file" in out[1]["error"]
    assert out[0]["indicators"] == 30 and out[2]["indicators"] >= 29
    assert "missing.txt" in proc.stderr
    text = run("ingest", "--dry-run", str(good), str(missing), str(odd))
    assert [line.split(":")[0] for line in text.stdout.splitlines() if "万元" in line] == [
        "good.txt",
        "circled.txt",
    ]
