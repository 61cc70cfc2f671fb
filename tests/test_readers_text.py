"""The text encoding rule, ``--encoding``, and the HTML reader's charset and span rules,
with hypothesis properties for the parsers."""

from __future__ import annotations

import codecs
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.api.common import EXIT_RUNTIME, EXIT_USAGE
from jixiao.extract.blocks import Paragraph
from jixiao.extract.doc_records import DocumentError
from jixiao.extract.readers import read_bytes
from jixiao.extract.readers.html import read_html
from jixiao.extract.readers.text import decode_bytes, reads_as_chinese, text_blocks
from tests.conftest import SAMPLES, SEED_002
from tests.writers import Grid, expected, html_page

JIXIAO = shutil.which("jixiao") or str(Path(sys.executable).with_name("jixiao"))
# Common Han characters (GB2312 level 1 range) and the punctuation budget texts print.
HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5).filter(
    lambda ch: reads_as_chinese(ch)
)
CHINESE = st.text(
    st.one_of(HAN, st.sampled_from("，。；：、（）“”≥≤%0123456789 abcXYZ-\t")), min_size=1
)


# ---------------------------------------------------------------- the rule


@pytest.mark.parametrize(
    ("encoding", "bom", "named"),
    [("utf-8", b"", "utf-8"), ("utf-8", codecs.BOM_UTF8, "utf-8"), ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16"),
     ("utf-16-be", codecs.BOM_UTF16_BE, "utf-16"), ("gb18030", b"", "gb18030"), ("gbk", b"", "gb18030")],
)  # fmt: skip
def test_each_encoding_of_a_sample_decodes_to_the_same_text(
    encoding: str, bom: bytes, named: str
) -> None:
    text = SEED_002.read_text(encoding="utf-8")
    data = bom + text.encode(encoding)
    assert decode_bytes(data, "x.txt") == (text, named)


@given(CHINESE.filter(lambda t: any(ord(c) >= 0x4E00 for c in t)))
def test_rule_round_trips_chinese_text(text: str) -> None:
    for encoding in ("utf-8", "utf-16", "gb18030"):
        data = text.encode(encoding)
        got, used = decode_bytes(data, "x.txt")
        if encoding == "gb18030" and _is_utf8(data):  # step 4 comes first (documented)
            assert (got, used) == (data.decode("utf-8"), "utf-8")
        else:
            assert (got, used) == (text, encoding)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_utf16_without_bom_is_found_by_its_nul_bytes() -> None:
    text = "单位：万元\n合计\t100.00\nabc 123\n"
    assert decode_bytes(text.encode("utf-16-le"), "x") == (text, "utf-16-le")
    assert decode_bytes(text.encode("utf-16-be"), "x") == (text, "utf-16-be")


def test_other_encodings_are_refused_with_file_offset_and_line() -> None:
    data = "第一行\n".encode() + "Liberté, égalité — ça coûte 3 €".encode("latin-1", "replace")
    with pytest.raises(DocumentError) as info:
        decode_bytes(data, "latin.txt")
    assert info.value.line == 2 and info.value.path == "latin.txt"
    assert f"at offset {len('第一行'.encode()) + 1 + 6}" in str(info.value)
    assert "expected UTF-8, GB18030/GBK or UTF-16" in str(info.value)


def test_cut_characters_say_truncated() -> None:
    for encoding in ("utf-8", "gb18030"):
        data = "预算表合计".encode(encoding)[:-1]
        with pytest.raises(DocumentError, match="truncated"):
            decode_bytes(data, "cut.txt")


def test_binary_data_is_refused() -> None:
    with pytest.raises(DocumentError, match=r"binary data \(NUL byte at offset 3\)"):
        decode_bytes(b"\x89PN\x00G\x01\x02\x03\x00\x00\xff", "x.png")


def test_forced_encoding_is_strict() -> None:
    data = "预算".encode("gb18030")
    assert decode_bytes(data, "x", "gb18030") == ("预算", "gb18030")
    with pytest.raises(DocumentError, match="is not utf-8; expected utf-8 text"):
        decode_bytes(data, "x", "utf-8")
    with pytest.raises(DocumentError, match="unknown encoding"):
        decode_bytes(data, "x", "no-such-codec")


@given(st.binary(max_size=400))
def test_random_bytes_decode_or_raise_document_error(data: bytes) -> None:
    try:
        text, _ = decode_bytes(data, "r.bin")
    except DocumentError as error:
        assert error.path == "r.bin"
    else:
        assert isinstance(text, str)


@given(st.lists(st.lists(CHINESE.map(lambda t: t.replace("\n", "")), max_size=4), max_size=8))
def test_text_lines_become_paragraphs_and_tab_runs_tables(lines: list[list[str]]) -> None:
    text = "\n".join("\t".join(cells) for cells in lines)
    blocks = text_blocks(text)
    physical = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for block in blocks:
        if isinstance(block, Paragraph):
            assert block.text == physical[block.where.line - 1].strip()
            assert "\t" not in block.text
        else:
            for row in block.rows:
                assert "\t".join(c.text for c in row).rstrip("\t") == physical[
                    row[0].where.line - 1
                ].rstrip("\t")


# ---------------------------------------------------------------- --encoding on the CLI


def _run(*args: str, data: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [JIXIAO, *args], input=data.decode("latin-1") if data else None, capture_output=True,
        text=True, timeout=120, check=False,
    )  # fmt: skip


def test_ingest_encoding_option(tmp_path: Path) -> None:
    sample = next(SAMPLES.glob("001_*.txt"))
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(sample.read_text(encoding="utf-8").encode("gb18030"))
    detected = json.loads(_run("ingest", "--dry-run", "--json", str(gbk)).stdout)
    forced = json.loads(_run("ingest", "--dry-run", "--json", "--encoding", "gbk", str(gbk)).stdout)
    reference = json.loads(_run("ingest", "--dry-run", "--json", str(sample)).stdout)
    assert detected[0]["projects"] == forced[0]["projects"] == reference[0]["projects"] > 0
    wrong = _run("ingest", "--dry-run", "--encoding", "utf-8", str(gbk))
    assert wrong.returncode == EXIT_RUNTIME
    assert f"{gbk}:" in wrong.stderr and "is not utf-8; expected utf-8 text" in wrong.stderr


def test_parse_indicators_encoding_option() -> None:
    cell = "1、1-产出指标；11-数量指标；会议活动保障次数；实施周期指标值：每年≥20场；年度指标值：每年≥20场。"
    for encoding in ("gb18030", "utf-16"):
        proc = subprocess.run(
            [JIXIAO, "parse-indicators", "--encoding", encoding], input=cell.encode(encoding),
            capture_output=True, timeout=60, check=False,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        out = json.loads(proc.stdout)
        assert [i["name"] for i in out["indicators"]] == ["会议活动保障次数"]
        assert not any(i["code"] == "X000" for i in out["issues"])
    bad = subprocess.run(
        [JIXIAO, "parse-indicators", "--encoding", "utf-8"], input=cell.encode("gb18030"),
        capture_output=True, timeout=60, check=False,
    )  # fmt: skip
    assert bad.returncode == EXIT_RUNTIME and b"stdin:1: byte 0x" in bad.stderr
    unknown = subprocess.run(
        [JIXIAO, "parse-indicators", "--encoding", "klingon"], input=b"x",
        capture_output=True, timeout=60, check=False,
    )  # fmt: skip
    assert unknown.returncode == EXIT_USAGE and b"unknown encoding" in unknown.stderr


# ---------------------------------------------------------------- HTML


def test_html_charset_from_meta_bom_and_detection() -> None:
    page = html_page([Grid([["一级指标", "产出指标"]])], "gb2312")
    assert read_html(page.encode("gbk"), "p.html").encoding == "gb18030"
    undeclared = page.replace('<meta charset="gb2312">', "")
    assert read_html(undeclared.encode("gb18030"), "p.html").encoding == "gb18030"
    assert read_html(codecs.BOM_UTF8 + undeclared.encode(), "p.html").encoding == "utf-8"
    lying = page  # says gb2312, is UTF-8
    doc = read_html(lying.encode("utf-8"), "p.html")
    assert doc.encoding == "utf-8" and doc.tables()[0].texts() == [["一级指标", "产出指标"]]
    http_equiv = undeclared.replace(
        "<head>", '<head><meta http-equiv="Content-Type" content="text/html; charset=GBK">'
    )
    assert read_html(http_equiv.encode("gbk"), "p.html").encoding == "gb18030"


def test_html_br_scripts_layout_tables_and_paragraphs() -> None:
    page = """<html><head><title>不读</title><style>p{}</style></head><body>
    <script>document.write('<table><tr><td>假</td></tr></table>')</script>
    <div>部门名称：广州市<b>政务服务</b>数据局</div>第二行<br>第三行
    <table><tr><td>
      <p>项目支出绩效目标表</p>
      <table><tr><th>实施周期<br/>
          指标值</th><td>Year<br>2024</td></tr></table>
    </td></tr></table>
    <p>注：本表金额单位为万元。</p></body></html>"""
    doc = read_html(page.encode(), "p.html")
    texts = [b.text if isinstance(b, Paragraph) else b.texts() for b in doc.blocks]
    assert texts == [
        "部门名称：广州市政务服务数据局", "第二行", "第三行", "项目支出绩效目标表",
        [["实施周期指标值", "Year 2024"]], "注：本表金额单位为万元。",
    ]  # fmt: skip
    assert [b.where.line for b in doc.blocks[:3]] == [3, 3, 3]  # the div and its tail


def test_html_spans_are_clamped() -> None:
    page = (
        '<table><tr><td colspan="99999999" rowspan="50">合计</td></tr><tr><td>x</td></tr></table>'
    )
    (table,) = read_html(page.encode(), "p.html").tables()
    assert len(table.rows) == 2 and table.width == 1001  # colspan at most 1000, rowspan to the end
    assert table.rows[1][0].merged and table.rows[1][1000].text == "x"


@st.composite
def merged_grids(draw: st.DrawFn) -> Grid:
    """A grid with non-overlapping merged ranges, every cell a short Chinese label."""
    height, width = draw(st.integers(1, 6)), draw(st.integers(1, 5))
    rows: list[list[str | None]] = [
        [draw(st.sampled_from(["产出指标", "数量", "≥95%", "成本", "x", ""])) + f"{r}{c}" for c in range(width)]
        for r in range(height)
    ]  # fmt: skip
    merges = []
    taken: set[tuple[int, int]] = set()
    for _ in range(draw(st.integers(0, 4))):
        r0, c0 = draw(st.integers(0, height - 1)), draw(st.integers(0, width - 1))
        r1, c1 = draw(st.integers(r0, height - 1)), draw(st.integers(c0, width - 1))
        cells = {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
        if cells & taken or len(cells) == 1:
            continue
        taken |= cells
        merges.append((r0, c0, r1, c1))
        for r, c in cells - {(r0, c0)}:
            rows[r][c] = None
    return Grid(rows, merges)


def _covers_a_whole_row_or_column(grid: Grid) -> bool:
    """HTML cannot say that a column exists under a span alone: a grid where a whole
    column (or row) is covered collapses, in browsers too."""
    width, height = grid.width, len(grid.rows)
    origin_cols = {c for row in grid.rows for c, t in enumerate(row) if t is not None}
    origin_rows = {r for r, row in enumerate(grid.rows) if any(t is not None for t in row)}
    return len(origin_cols) < width or len(origin_rows) < height


@settings(max_examples=150)
@given(merged_grids())
def test_html_rowspan_colspan_property(grid: Grid) -> None:
    if _covers_a_whole_row_or_column(grid):
        return
    doc = read_html(html_page([grid], "utf-8").encode(), "g.html")
    (table,) = doc.tables()
    assert [[(c.text, c.merged) for c in row] for row in table.rows] == expected(grid)


@settings(max_examples=60)
@given(merged_grids())
def test_every_writer_round_trips_merged_grids(grid: Grid) -> None:
    """Spreadsheet and DOCX readers expand the same spans as HTML does."""
    import tempfile

    from tests.writers import write

    with tempfile.TemporaryDirectory() as folder:
        for kind in ("xlsx", "ods", "docx"):
            path = write(kind, [grid], Path(folder))
            blocks = read_bytes(path.read_bytes(), path).blocks
            tables = [b for b in blocks if not isinstance(b, Paragraph)]
            if kind == "docx":
                (table,) = tables
                got = [[(c.text, c.merged) for c in row] for row in table.rows]
                assert got == expected(grid), kind
            else:  # sheets trim empty edges and peel one-text rows: compare the texts shown
                shown = {c.text for b in blocks for c in ([b] if isinstance(b, Paragraph) else
                         [c for row in b.rows for c in row])}  # fmt: skip
                assert {t for row in grid.rows for t in row if t} <= shown, kind
