"""Fuzzing the readers: indicator cells, indicator tables, whole documents (issue #18).

Properties, on text built from the samples' own pieces mixed with what broke readers
before (Unicode digits, full-width forms, tags, restarting numbers, cut lines):

- :func:`parse_indicators` and :func:`parse_table` never raise, and never hide a failure
  of their own behind issue ``T099`` (``parse_table`` turns any exception into it);
- :func:`read_text` raises nothing but :class:`DocumentError`;
- what a parse returns stays linear in the input (no indicator copies its neighbours).

``tests/fuzz/readers/`` keeps inputs that once failed; each is replayed here. Its file
name says the reader: ``cell-*.txt``, ``table-*.txt`` or ``doc-*.txt``. (No table input
has failed yet: the table fuzzing found nothing against the code before issue #18.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.extract.doc_records import DocumentError
from jixiao.extract.document import read_text
from jixiao.extract.indicators import parse_indicators
from jixiao.extract.records import ParseResult
from jixiao.extract.table import parse_table
from jixiao.extract.tables import find_tables
from tests.conftest import SAMPLES, seed_002_cells
from tests.test_parser_memory import output_chars

CORPUS = Path(__file__).parent / "fuzz" / "readers"
DOCUMENTS = sorted(SAMPLES.glob("0*.txt"))
LINES = {p.name: p.read_text(encoding="utf-8").split("\n") for p in DOCUMENTS}
CELLS = [c for _, _, c in seed_002_cells()]
TABLES = {  # (first, end) line of each sample's project table
    name: next((ref.start, ref.end) for key, ref in find_tables(lines) if key == "projects")
    for name, lines in LINES.items()
}
ODD = [
    *"①②⑩²³¹⁰₂٣۴७𝟏１０：；，。、（）＝＋－＠％\u3000\u00a0\u200b\ufeff\t|",
    "\r\n", "<td>", "</td>", "<tr>", "</tr>", "<p>", "&lt;", "&#12345;", "&#x1F600;", "99999999999",
    "1,000,000", "-0", "1e9", "０.5", "万", "亿", "%", "≥", "≤", "涉密", "待补充", "XX",
    "9" * 60 + ".99", "NaN", "Infinity", "1e999", "−5", "٣٠٠٠٠", "45000", "１２,３４５.６",
]  # fmt: skip
PIECES = [
    "1、", "2、", "3、", "1000、", "①、", "²、", "1-产出指标；", "11-数量指标；", "2-效益指标；",
    "31-服务对象满意度；", "4-成本指标；", "实施周期指标值：", "年度指标值：", "指标值：", "。",
    "一级指标\t二级指标\t三级指标\t指标值\n", "产出指标\t数量指标\t培训人次\t≥100人次\n",
    "一级指标|二级指标|三级指标|年度指标值\n", "  ", "\n", "\t", "|", "——", "合计",
]  # fmt: skip


def _slices(text: str) -> st.SearchStrategy[str]:
    return st.tuples(st.integers(0, len(text)), st.integers(0, 200)).map(
        lambda t: text[t[0] : t[0] + t[1]]
    )


FRAGMENT = st.one_of(
    st.sampled_from(PIECES),
    st.sampled_from(ODD),
    st.sampled_from(CELLS).flatmap(_slices),
    st.text(max_size=8),
    st.characters(categories=["Nd", "No", "Nl", "Zs", "Pd", "Sm"]),
)
CELL_TEXT = st.lists(FRAGMENT, max_size=40).map("".join)


def no_hidden_failure(result: ParseResult | None) -> None:
    if result is not None:
        assert "T099" not in [i.code for i in result.issues], result.issues


def check_cell(text: str) -> None:
    result = parse_indicators(text)
    assert result.indicators or result.issues
    no_hidden_failure(result)
    assert output_chars(result) <= 3 * len(text) + 2000


def check_table(text: str) -> None:
    result = parse_table(text)
    no_hidden_failure(result)
    if result is not None:
        assert output_chars(result) <= 3 * len(text) + 2000


def check_document(text: str) -> None:
    try:
        doc = read_text(text, "fuzz.txt")
    except DocumentError as error:
        assert str(error).startswith("fuzz.txt")  # names the file
        return
    for project in doc.projects:
        for ind in project.indicators:
            assert len(ind.raw) <= len(text)


@given(CELL_TEXT)
def test_indicator_cells(text: str) -> None:
    check_cell(text)


@given(st.lists(st.lists(FRAGMENT, max_size=6).map("".join), max_size=12).map("\n".join))
def test_indicator_tables(text: str) -> None:
    check_table(text)


@st.composite
def documents(draw: st.DrawFn) -> str:
    """A window of a sample document (its head, some lines, its tail), then mutated."""
    name = draw(st.sampled_from(sorted(LINES)))
    lines, (first, end) = LINES[name], TABLES[name]
    near = draw(st.integers(0, 3))  # mostly at the table's title, sometimes anywhere
    start = draw(st.integers(first - 3, first) if near else st.integers(0, len(lines) - 1))
    window = lines[:30] + lines[start : start + draw(st.integers(5, 60))]
    window += lines[end : end + 8] + lines[-5:]  # the lines after the project table
    for _ in range(draw(st.integers(0, 6))):
        i = draw(st.integers(0, max(0, len(window) - 1)))
        how = draw(st.sampled_from(["insert", "replace", "drop", "double", "cut", "digits"]))
        if not window:
            break
        line = window[i]
        if how == "insert":
            at = draw(st.integers(0, len(line)))
            window[i] = line[:at] + draw(FRAGMENT) + line[at:]
        elif how == "replace":
            window[i] = draw(CELL_TEXT)
        elif how == "drop":
            del window[i]
        elif how == "double":
            window.insert(i, line)
        elif how == "cut":
            window = [*window[:i], line[: draw(st.integers(0, len(line)))]]
        else:
            odd = draw(st.sampled_from("①²٣𝟏１"))
            window[i] = "".join(odd if c.isdigit() and draw(st.booleans()) else c for c in line)
    return "\n".join(window)


@settings(max_examples=max(20, settings.default.max_examples // 3))
@given(documents())
def test_whole_documents(text: str) -> None:
    check_document(text)


READERS = {"cell": check_cell, "table": check_table, "doc": check_document}
SAVED = sorted(CORPUS.glob("*.txt"))


@pytest.mark.parametrize("path", SAVED, ids=[p.name for p in SAVED])
def test_inputs_that_once_failed(path: Path) -> None:
    READERS[path.name.split("-", 1)[0]](path.read_text(encoding="utf-8"))


def test_every_saved_input_names_its_reader() -> None:
    assert SAVED and {p.name.split("-", 1)[0] for p in SAVED} <= set(READERS)
