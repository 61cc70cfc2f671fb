"""Bad input in every format: a clear DocumentError naming the file and what was expected,
nothing stored, no crash and no memory blow-up; hypothesis fuzzes the readers with random
bytes and mutated real files."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.extract.doc_records import DocumentError
from jixiao.extract.document import read_document
from jixiao.extract.readers import Limits, read_blocks, read_bytes
from jixiao.graph.ingest import ingest_paths
from jixiao.graph.store import open_store
from tests.conftest import SEED_002
from tests.writers import TARGETS_DOC, WRITERS, seed_002_first_table, write

BINARY = ("xlsx", "xls", "ods", "docx", "pdf")


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("bad")
    return {kind: write(kind, TARGETS_DOC, folder).read_bytes() for kind in WRITERS}


def _pdf(**options: object) -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, **options)
    page.rect(50, 50, 300, 200, fill=1)  # a "scanned" page: marks, no characters
    if options:
        page.setFont("Helvetica", 12)
        page.drawString(60, 300, "secret budget")
    page.showPage()
    page.save()
    return buffer.getvalue()


def test_scanned_pdf_without_text_layer() -> None:
    with pytest.raises(DocumentError, match=r"scan\.pdf: no text layer on any of its 1 pages"):
        read_bytes(_pdf(), "scan.pdf")


def test_encrypted_pdf() -> None:
    data = _pdf(encrypt="user-password")
    with pytest.raises(DocumentError, match=r"locked\.pdf: encrypted PDF .*expected a PDF that"):
        read_bytes(data, "locked.pdf")


@pytest.mark.parametrize("kind", BINARY)
def test_truncated_files(kind: str, samples: dict[str, bytes]) -> None:
    data = samples[kind]
    for cut in (len(data) // 2, len(data) - 200):
        with pytest.raises(DocumentError, match=rf"^cut\.{kind}: .*expected"):
            read_bytes(data[:cut], f"cut.{kind}")


def _bomb(megabytes: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/></Types>',
        )
        with archive.open("xl/sharedStrings.xml", "w") as member:
            for _ in range(megabytes):
                member.write(b"<si><t>0</t></si>" * (1 << 16))
    return buffer.getvalue()


def test_zip_bomb_is_refused_from_its_directory() -> None:
    data = _bomb(64)  # 1 GB of XML packs into ≈ 2 MB
    assert len(data) < 8 << 20
    tracemalloc.start()
    try:
        with pytest.raises(DocumentError, match=r"bomb\.xlsx: zip member xl/sharedStrings.xml"):
            read_bytes(data, "bomb.xlsx")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 32 << 20  # nothing was unpacked


def test_unzipped_total_limit() -> None:
    data = _bomb(2)
    limits = Limits(max_ratio=1e9, max_unzipped=1 << 20)
    with pytest.raises(DocumentError, match=r"unpacks to \d+ MB; expected at most 1 MB"):
        read_bytes(data, "big.xlsx", limits=limits)


def test_size_limit_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    huge = tmp_path / "huge.pdf"
    with huge.open("wb") as out:  # 100 MB, sparse: never read
        out.write(b"%PDF-1.4\n")
        out.truncate(100 << 20)
    with pytest.raises(
        DocumentError, match=r"huge\.pdf: file is 100\.0 MB; expected at most 64 MB"
    ):
        read_blocks(huge)
    with pytest.raises(DocumentError, match="JIXIAO_MAX_DOCUMENT_MB"):
        read_document(huge)
    monkeypatch.setenv("JIXIAO_MAX_DOCUMENT_MB", "0.01")
    with pytest.raises(DocumentError, match=r"expected at most 0 MB"):
        read_document(SEED_002)


def test_other_zip_and_opendocument_kinds(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
    with pytest.raises(DocumentError, match=r"OpenDocument of type .*text; expected a spreadsheet"):
        read_bytes(buffer.getvalue(), "letter.odt")
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8")
    with pytest.raises(DocumentError, match="a zip file that is not XLSX, DOCX or ODS"):
        read_bytes(plain.getvalue(), "photos.zip")


def test_bad_file_stores_nothing_and_the_good_one_goes_on(tmp_path: Path) -> None:
    good = write("xlsx", seed_002_first_table(), tmp_path, "good")
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(good.read_bytes()[:3000])
    store = open_store(tmp_path / "store")
    results = ingest_paths([bad, good], store, validate=False)
    assert [r.status for r in results] == ["error", "stored"]
    assert str(bad) in results[0].error and "expected" in results[0].error
    graphs = {str(g) for g in store.named_graphs()}
    assert results[1].document in {g.strip("<>") for g in graphs}
    assert not any("bad" in g for g in graphs)


# ---------------------------------------------------------------- fuzzing


def _only_document_errors(data: bytes, name: str) -> None:
    try:
        read_bytes(data, name, limits=Limits(max_bytes=4 << 20))
    except DocumentError as error:
        assert error.path == name and error.expected


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from(["a.pdf", "a.xlsx", "a.txt", "a.html"]))
def test_random_bytes_give_only_document_errors(data: bytes, name: str) -> None:
    _only_document_errors(data, name)


@st.composite
def _magic_prefixed(draw: st.DrawFn) -> bytes:
    head = draw(st.sampled_from([b"%PDF-1.4\n", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"PK\x03\x04",
                                 b"<html><table><tr><td rowspan=3>", b"\xef\xbb\xbf", b"\xff\xfe"]))  # fmt: skip
    return head + draw(st.binary(max_size=1500))


@settings(max_examples=300, deadline=None)
@given(_magic_prefixed())
def test_random_bytes_behind_magic_numbers(data: bytes) -> None:
    _only_document_errors(data, "m.bin")


Edit = tuple[str, float, bytes]  # what, where (a share of the length), which bytes
EDITS = st.lists(
    st.tuples(
        st.sampled_from(["set", "insert", "delete", "cut"]),
        st.floats(0, 1),
        st.binary(min_size=1, max_size=16),
    ),
    min_size=1,
    max_size=6,
)


def mutate(data: bytes, edits: list[Edit]) -> bytes:
    out = bytearray(data)
    for what, where, chunk in edits:
        at = min(int(where * len(out)), max(len(out) - 1, 0))
        if what == "set":
            out[at : at + len(chunk)] = chunk
        elif what == "insert":
            out[at:at] = chunk
        elif what == "delete":
            del out[at : at + len(chunk) * 8]
        else:
            del out[max(at, 1) :]
    return bytes(out)


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.sampled_from(sorted(WRITERS)), EDITS)
def test_mutated_real_files_give_only_document_errors(
    samples: dict[str, bytes], kind: str, edits: list[Edit]
) -> None:
    _only_document_errors(mutate(samples[kind], edits), f"f.{kind}")
