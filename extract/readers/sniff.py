"""Which format a file is, from its content: magic bytes, and for zip files the content
types they declare; the file name's extension only breaks a tie (an HTML page saved as
``.txt`` is still HTML, a ``.pdf`` that is text is still text).

``pdf``: ``%PDF-`` in the first KB. ``xls``: an OLE2 compound file (``D0 CF 11 E0``).
``xlsx`` / ``docx``: a zip whose ``[Content_Types].xml`` names a spreadsheetml workbook or
a wordprocessingml document. ``ods``: a zip whose ``mimetype`` member is an OpenDocument
spreadsheet. ``html``: after a BOM and white space, markup that names an HTML element in
the first 2 KB. Anything else is ``text``.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from jixiao.extract.doc_records import DocumentError
from jixiao.extract.readers.limits import ZIP_ERRORS

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = b"PK\x03\x04"
_HTML_RE = re.compile(
    rb"<\s*(?:!doctype\s+html|html|head|body|table|meta|title|div|p|tr|td)[\s>/]",
    re.IGNORECASE,
)
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_ODF = b"application/vnd.oasis.opendocument."


def _strip_bom(head: bytes) -> bytes:
    for bom in _BOMS:
        if head.startswith(bom):
            head = head[len(bom) :]
            if bom != _BOMS[0]:  # UTF-16: look at the ASCII bytes only
                head = head.replace(b"\x00", b"")
            break
    return head


def looks_like_html(head: bytes) -> bool:
    body = _strip_bom(head[:2048]).lstrip()
    return body.startswith(b"<") and _HTML_RE.search(body) is not None


def zip_kind(data: bytes, path: Path | str) -> str:
    """``xlsx``, ``docx`` or ``ods`` for a zip document; :class:`DocumentError` for any
    other zip (or a broken one)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mime = archive.read("mimetype")[:100]
                if mime.startswith(_ODF + b"spreadsheet"):
                    return "ods"
                raise DocumentError(
                    path,
                    f"OpenDocument of type {mime.decode('ascii', 'replace')};"
                    " expected a spreadsheet (ODS), XLSX, DOCX, PDF, HTML or text",
                )
            if "[Content_Types].xml" in names:
                info = archive.getinfo("[Content_Types].xml")
                if info.file_size > 1 << 20:
                    raise DocumentError(
                        path, "[Content_Types].xml over 1 MB; expected an OOXML file"
                    )
                types = archive.read(info)
                if b"spreadsheetml.sheet.main" in types or b"ms-excel.sheet.macroEnabled" in types:
                    return "xlsx"
                if b"wordprocessingml.document.main" in types:
                    return "docx"
    except DocumentError:
        raise
    except ZIP_ERRORS as error:
        raise DocumentError(
            path, f"broken zip file ({error}); expected XLSX, DOCX or ODS"
        ) from None
    raise DocumentError(
        path, "a zip file that is not XLSX, DOCX or ODS; expected one of those, PDF, HTML or text"
    )


def detect_format(data: bytes, path: Path | str) -> str:
    """``pdf``, ``xlsx``, ``xls``, ``ods``, ``docx``, ``html`` or ``text``."""
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if data.startswith(OLE2):
        return "xls"
    if data.startswith(ZIP) or data.startswith(b"PK\x05\x06"):
        return zip_kind(data, path)
    if looks_like_html(data):
        return "html"
    return "text"
