"""Text files: the encoding rule, and lines as blocks.

The rule (:func:`decode_bytes`), in order; every step can be tested on its own:

1. a forced encoding (``--encoding``) is used as it is, strictly;
2. a BOM names the encoding (UTF-8, UTF-16 LE/BE);
3. NUL bytes: UTF-16 without BOM if they sit on one byte parity only (ASCII-heavy
   UTF-16), else binary data, an error;
4. valid UTF-8 is UTF-8;
5. else GB18030 (a superset of GBK and GB2312) if it decodes and reads as Chinese: at
   least half the non-ASCII characters are Han or Chinese punctuation and at least 90 %
   are in GB2312 (text in another encoding read as GB18030 lands mostly in its rare
   extension ranges);
6. else an error naming the file, the first byte that is not UTF-8, its offset and line.

A file that ends inside a character says it is truncated. Step 4 first means a very
short GB18030 text whose bytes happen to be valid UTF-8 too (``一`` is ``D2 BB``, UTF-8
for ``һ``) reads as UTF-8; a real document is thousands of bytes long, and
``--encoding`` settles any doubt. Text becomes one
:class:`Paragraph` per non-blank line; a run of consecutive lines with tabs becomes one
:class:`Table` (one row per line). Line numbers count from 1.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from jixiao.extract.blocks import Block, BlockDocument, Cell, Paragraph, Table, Where
from jixiao.extract.doc_records import DocumentError

# Han, CJK punctuation, full-width forms and the marks Chinese text prints (“” ‘’ — … ≥ ≤).
_CHINESE_RE = re.compile(
    r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef\u2010-\u2027\u2264\u2265]"
)
_EXPECTED = "expected UTF-8, GB18030/GBK or UTF-16 text (or name one with --encoding)"


def _line_of(data: bytes, offset: int) -> int:
    return data[:offset].count(b"\n") + 1


def _strict(data: bytes, encoding: str, path: Path | str) -> str:
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise DocumentError(path, f"unknown encoding {encoding!r}; expected e.g. gb18030") from None
    if codec == "utf-8" and data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        unit = 2 if codec.startswith("utf-16") else 1
        where = f"byte 0x{data[error.start]:02x} at offset {error.start}"
        if error.end >= len(data) and "end of data" in error.reason:
            raise DocumentError(
                path,
                f"file ends inside a character (truncated); expected {codec} text",
                _line_of(data, error.start) if unit == 1 else None,
            ) from None
        raise DocumentError(
            path, f"{where} is not {codec}; expected {codec} text", _line_of(data, error.start)
        ) from None


def _utf16_without_bom(data: bytes) -> str | None:
    head = data[:4096]
    even, odd = head[0::2], head[1::2]
    if len(head) < 4:
        return None
    share_even = even.count(0) / len(even)
    share_odd = odd.count(0) / len(odd)
    if share_odd > 0.3 and share_even < 0.05:
        return "utf-16-le"
    if share_even > 0.3 and share_odd < 0.05:
        return "utf-16-be"
    return None


def reads_as_chinese(text: str) -> bool:
    """Step 5's test: most non-ASCII characters are Chinese (Han or Chinese punctuation),
    and nearly all are in GB2312."""
    wide = [ch for ch in text if ord(ch) > 0x7F]
    if not wide:
        return True
    han = sum(1 for ch in wide if _CHINESE_RE.match(ch))
    common = 0
    for ch in wide:
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            continue
        common += 1
    return han >= len(wide) / 2 and common >= 0.9 * len(wide)


def _chinese_prefix(data: bytes, end: int) -> bool:
    try:
        return reads_as_chinese(data[:end].decode("gb18030"))
    except UnicodeDecodeError:
        return False


def decode_bytes(data: bytes, path: Path | str, encoding: str | None = None) -> tuple[str, str]:
    """``(text, encoding)`` by the rule above; :class:`DocumentError` when none fits."""
    if encoding:
        return _strict(data, encoding, path), codecs.lookup(encoding).name
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data, "utf-8", path), "utf-8"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", path), "utf-16"
    if b"\x00" in data[:65536]:
        guess = _utf16_without_bom(data)
        if guess is None:
            nul = data.index(b"\x00")
            raise DocumentError(
                path, f"binary data (NUL byte at offset {nul}); {_EXPECTED}", _line_of(data, nul)
            )
        return _strict(data, guess, path), guess
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as error:
        bad = error
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as error:
        cut = error.end >= len(data) and "incomplete" in error.reason
        if cut and "end of data" not in bad.reason and _chinese_prefix(data, error.start):
            raise DocumentError(
                path,
                "file ends inside a character (truncated); expected GB18030 text",
                _line_of(data, error.start),
            ) from None
        text = ""
    if text and reads_as_chinese(text):
        return text, "gb18030"
    if bad.end >= len(data) and "end of data" in bad.reason:
        raise DocumentError(
            path,
            "file ends inside a character (truncated); expected UTF-8 text",
            _line_of(data, bad.start),
        )
    raise DocumentError(
        path,
        f"byte 0x{data[bad.start]:02x} at offset {bad.start} is not UTF-8, and the file"
        f" does not read as GB18030 Chinese; {_EXPECTED}",
        _line_of(data, bad.start),
    )


def text_blocks(text: str) -> tuple[Block, ...]:
    """Paragraphs per non-blank line, tables for runs of tab-separated lines."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list[Block] = []
    run: list[tuple[int, str]] = []

    def flush() -> None:
        if run:
            split = [line.split("\t") for _, line in run]
            width = max(len(cells) for cells in split)
            rows = tuple(
                tuple(
                    Cell(cells[c] if c < len(cells) else "", Where(line=number, row=r + 1,
                                                                   column=c + 1))
                    for c in range(width)
                )
                for r, ((number, _), cells) in enumerate(zip(run, split, strict=True))
            )  # fmt: skip
            blocks.append(Table(rows, Where(line=run[0][0])))
            run.clear()

    for number, line in enumerate(lines, start=1):
        if "\t" in line:
            run.append((number, line))
            continue
        flush()
        if line.strip():
            blocks.append(Paragraph(line.strip(), Where(line=number)))
    flush()
    return tuple(blocks)


def read_text_file(data: bytes, path: Path | str, encoding: str | None = None) -> BlockDocument:
    text, used = decode_bytes(data, path, encoding)
    return BlockDocument(str(path), "text", text_blocks(text), encoding=used)
