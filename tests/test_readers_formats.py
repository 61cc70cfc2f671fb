"""Every published format, end to end: documents written by another library from known
grids are read back by ``read_blocks`` (grids, merged flags, paragraphs) and by
``jixiao ingest --dry-run --json`` (projects, indicators, units, totals): the sample
project table of 002 and a per-project 绩效目标表 with merged level-1/level-2 cells."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from jixiao.extract.blocks import Paragraph, Table
from jixiao.extract.document import read_document
from jixiao.extract.indicators import parse_indicators
from jixiao.extract.readers import blocks_to_text, detect_format, read_blocks
from jixiao.extract.readers.render import table_lines
from tests.writers import (
    TARGETS_DOC,
    TARGETS_GRID,
    WRITERS,
    Grid,
    Para,
    expected,
    seed_002_first_table,
    write,
)

JIXIAO = shutil.which("jixiao") or str(Path(sys.executable).with_name("jixiao"))
KINDS = sorted(WRITERS)
FORMAT = {
    "html-gbk": "html", "text-gb18030": "text", "text-utf16": "text", "text-utf8": "text",
}  # fmt: skip
ENCODING = {"html": "utf-8", "html-gbk": "gb18030", "text-gb18030": "gb18030",
            "text-utf16": "utf-16", "text-utf8": "utf-8"}  # fmt: skip


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    folder = tmp_path_factory.mktemp("formats")
    docs = {"targets": TARGETS_DOC, "s002": seed_002_first_table()}
    return {
        (kind, name): write(kind, doc, folder, name) for kind in KINDS for name, doc in docs.items()
    }


def _grid(table: Table) -> list[list[tuple[str, bool]]]:
    return [[(cell.text, cell.merged) for cell in row] for row in table.rows]


def _texts(grid: Grid) -> list[list[str]]:
    return [[cell or "" for cell in row] for row in grid.rows]


@pytest.mark.parametrize("kind", KINDS)
def test_format_is_detected_from_content(kind: str, written: dict, tmp_path: Path) -> None:
    path = written[(kind, "targets")]
    disguised = tmp_path / "document.dat"  # the extension says nothing
    disguised.write_bytes(path.read_bytes())
    doc = read_blocks(disguised)
    assert doc.format == FORMAT.get(kind, kind)
    assert detect_format(path.read_bytes(), path) == doc.format


@pytest.mark.parametrize("kind", [k for k in KINDS if not k.startswith("text")])
def test_merged_grid_reads_back_with_merged_flags(kind: str, written: dict) -> None:
    doc = read_blocks(written[(kind, "targets")])
    tables = doc.tables()
    assert len(tables) == 1
    assert _grid(tables[0]) == expected(TARGETS_GRID)
    paragraphs = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert paragraphs[-2:] == [b.text for b in TARGETS_DOC if isinstance(b, Para)]
    assert doc.blocks.index(tables[0]) == len(doc.blocks) - 1  # after the title lines
    if kind in ENCODING:
        assert doc.encoding == ENCODING[kind]


@pytest.mark.parametrize("kind", KINDS)
def test_sample_project_table_reads_back_cell_for_cell(kind: str, written: dict) -> None:
    source = seed_002_first_table()
    doc = read_blocks(written[(kind, "s002")])
    (table,) = doc.tables()
    assert table.texts() == _texts(source[-1])
    assert not any(cell.merged for row in table.rows for cell in row)
    titles = [b.text for b in source if isinstance(b, Para)]
    assert [b.text for b in doc.blocks if isinstance(b, Paragraph)][-len(titles) :] == titles


@pytest.mark.parametrize("kind", KINDS)
def test_indicator_grid_parses_to_the_grid_rows(kind: str, written: dict) -> None:
    (table,) = read_blocks(written[(kind, "targets")]).tables()
    result = parse_indicators("\n".join(table_lines(table)))
    want = []
    grid = expected(TARGETS_GRID)
    for row in grid[2:]:
        want.append((row[0][0], row[1][0], row[2][0], row[3][0]))
    got = [
        (i.level1, i.level2, i.name, i.annual_target.raw if i.annual_target else None)
        for i in result.indicators
    ]
    assert got == want
    assert not result.issues


def test_cell_positions_name_sheet_page_and_row(written: dict) -> None:
    xlsx = read_blocks(written[("xlsx", "targets")]).tables()[0]
    assert xlsx.rows[0][0].where.sheet == "表1"
    assert xlsx.rows[0][0].where.row == 3  # two title rows above the table
    assert xlsx.rows[3][2].where.column == 3
    pdf = read_blocks(written[("pdf", "targets")])
    assert pdf.pages == 1 and pdf.tables()[0].rows[2][2].where.page == 1
    text = read_blocks(written[("text-utf8", "targets")]).tables()[0]
    assert [row[0].where.line for row in text.rows[:2]] == [5, 6]


def test_hidden_sheets_are_skipped(written: dict) -> None:
    for kind in ("xlsx", "xls"):
        doc = read_blocks(written[(kind, "targets")])
        assert "隐藏表的内容" not in blocks_to_text(doc), kind


def _indicator_items(cell: str) -> int:
    return len(re.findall(r"(?:^|。)\d+、", cell))


def test_ingest_dry_run_reads_every_format_as_the_text(written: dict) -> None:
    """One ``jixiao ingest --dry-run --json`` over the sample table in every format: each
    reads as its UTF-8 text does, with the counts the grid holds."""
    paths = [written[(kind, "s002")] for kind in KINDS]
    proc = subprocess.run(
        [JIXIAO, "ingest", "--dry-run", "--json", *map(str, paths)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    summaries = json.loads(proc.stdout)
    rows = seed_002_first_table()[-1].rows
    projects = [r for r in rows[1:] if r[6]]
    total = next(r for r in rows if r[0] == "合计")[1]
    for kind, summary in zip(KINDS, summaries, strict=True):
        assert summary["file"] == str(written[(kind, "s002")])
        assert summary["projects"] == len(projects), kind
        assert summary["indicators"] == sum(_indicator_items(r[6] or "") for r in projects), kind
        assert summary["units"] == len(rows) - 2 - len(projects), kind  # header and 合计
        assert summary["total"] == float(total.replace(",", "")), kind
    reference = summaries[KINDS.index("text-utf8")]

    def comparable(summary: dict) -> dict:
        issues = [(i["code"], i["message"]) for i in summary["issues"]]
        return {k: v for k, v in summary.items() if k not in ("file", "issues")} | {"i": issues}

    for kind, summary in zip(KINDS, summaries, strict=True):
        assert comparable(summary) == comparable(reference), kind


def test_merged_targets_table_ingests_its_project_and_indicators(written: dict) -> None:
    """The per-project 绩效目标表 with merged level cells, in every format: one project
    (named in its 项目名称 row) with one indicator per grid row, levels filled from the
    merged cells, the single 指标值 column as the annual target."""
    paths = [written[(kind, "targets")] for kind in KINDS]
    proc = subprocess.run(
        [JIXIAO, "ingest", "--dry-run", "--json", *map(str, paths)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    grid = expected(TARGETS_GRID)
    rows = grid[2:]
    for kind, summary in zip(KINDS, json.loads(proc.stdout), strict=True):
        assert (summary["projects"], summary["indicators"]) == (1, len(rows)), kind
    want = [(r[0][0], r[1][0], r[2][0], r[3][0]) for r in rows]
    for kind, path in zip(KINDS, paths, strict=True):
        (project,) = read_document(path).projects
        assert project.name == grid[0][1][0], kind
        got = [(i.level1, i.level2, i.name, i.annual_target.raw) for i in project.indicators]
        assert got == want, kind
