"""Read every published format into one intermediate: ``read_blocks(path) -> BlockDocument``.

The format is found from the content (:mod:`.sniff`), never from the extension alone:
PDF (:mod:`.pdf`), XLSX and XLS (:mod:`.sheets`), ODS (:mod:`.ods`), HTML (:mod:`.html`),
DOCX (:mod:`.docx`) and text in UTF-8, UTF-16 or GB18030/GBK (:mod:`.text`).
:func:`blocks_to_text` (:mod:`.render`) turns blocks back into the tab-separated text the
document reader reads today.

Every failure is a :class:`~extract.doc_records.DocumentError` naming the file and what
was expected: a file over the size limit, a zip that would unpack too large (:mod:`.limits`),
a scanned or encrypted PDF, a broken file of any format, text in no known encoding.
"""

from __future__ import annotations

from pathlib import Path

from jixiao.extract.blocks import BlockDocument
from jixiao.extract.doc_records import DocumentError
from jixiao.extract.readers.limits import Limits, check_size
from jixiao.extract.readers.render import blocks_to_lines, blocks_to_text
from jixiao.extract.readers.sniff import detect_format
from jixiao.extract.readers.spans import TableTooLarge
from jixiao.extract.readers.text import decode_bytes, read_text_file

__all__ = [
    "FORMATS", "Limits", "blocks_to_lines", "blocks_to_text", "decode_bytes", "detect_format",
    "read_blocks", "read_bytes",
]  # fmt: skip

FORMATS = ("pdf", "xlsx", "xls", "ods", "html", "docx", "text")


def read_bytes(
    data: bytes, path: Path | str, *, encoding: str | None = None, limits: Limits | None = None
) -> BlockDocument:
    """The blocks of a document already in memory (``path`` names it in errors)."""
    limits = limits or Limits.from_env()
    if len(data) > limits.max_bytes:
        raise DocumentError(
            path, f"file is over {limits.max_bytes >> 20} MB; expected a smaller document"
        )
    kind = detect_format(data, path)
    try:
        if kind == "pdf":
            from jixiao.extract.readers.pdf import read_pdf

            return read_pdf(data, path)
        if kind == "xlsx":
            from jixiao.extract.readers.sheets import read_xlsx

            return read_xlsx(data, path, limits)
        if kind == "xls":
            from jixiao.extract.readers.sheets import read_xls

            return read_xls(data, path)
        if kind == "ods":
            from jixiao.extract.readers.ods import read_ods

            return read_ods(data, path, limits)
        if kind == "docx":
            from jixiao.extract.readers.docx import read_docx

            return read_docx(data, path, limits)
        if kind == "html":
            from jixiao.extract.readers.html import read_html

            return read_html(data, path, encoding)
        return read_text_file(data, path, encoding)
    except TableTooLarge as error:
        raise DocumentError(path, str(error)) from None
    except RecursionError:
        raise DocumentError(path, f"{kind} nested too deeply; expected a document") from None
    except MemoryError:
        raise DocumentError(
            path, f"{kind} too large to read; expected a smaller document"
        ) from None


def read_blocks(
    path: Path | str, *, encoding: str | None = None, limits: Limits | None = None
) -> BlockDocument:
    """Read the document at ``path`` in whatever format it is; ``encoding`` forces the text
    encoding of a text or HTML file; ``limits`` defaults to :meth:`Limits.from_env`."""
    limits = limits or Limits.from_env()
    check_size(path, limits)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise DocumentError(path, f"cannot read file ({error.strerror})") from None
    return read_bytes(data, path, encoding=encoding, limits=limits)
