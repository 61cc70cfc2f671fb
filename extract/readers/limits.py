"""Limits that keep a bad or hostile file from taking the machine: file size, and for
zip-based formats (XLSX, DOCX, ODS) the unpacked size and compression ratio, checked from
the zip directory before anything is unpacked.

Defaults can be changed with environment variables (read at each call):
``JIXIAO_MAX_DOCUMENT_MB`` (default 64: largest file read), ``JIXIAO_MAX_UNZIPPED_MB``
(default 256: total unpacked size of a zip-based document) and ``JIXIAO_MAX_ZIP_RATIO``
(default 100: largest unpacked/packed ratio of one member bigger than 1 MB; spreadsheet
XML packs 5–30×, a zip bomb thousands of times).
"""

from __future__ import annotations

import os
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from jixiao.extract.doc_records import DocumentError

MB = 1 << 20
# What zipfile and zlib raise on a damaged archive (a bad CRC, a cut stream, an unknown
# compression method, an encrypted member, an offset before the start).
ZIP_ERRORS = (
    zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, KeyError,
    ValueError, NotImplementedError, RuntimeError,
)  # fmt: skip


def _env_number(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    try:
        value = float(raw) if raw else default
    except ValueError:
        return default
    return value if value > 0 else default


@dataclass(frozen=True, slots=True)
class Limits:
    max_bytes: int = 64 * MB
    max_unzipped: int = 256 * MB
    max_ratio: float = 100.0
    ratio_floor: int = MB  # members smaller than this may pack as well as they like

    @classmethod
    def from_env(cls) -> Limits:
        return cls(
            max_bytes=int(_env_number("JIXIAO_MAX_DOCUMENT_MB", 64) * MB),
            max_unzipped=int(_env_number("JIXIAO_MAX_UNZIPPED_MB", 256) * MB),
            max_ratio=_env_number("JIXIAO_MAX_ZIP_RATIO", 100.0),
        )


def check_size(path: Path | str, limits: Limits) -> int:
    """The file's size; :class:`DocumentError` if it cannot be read or is over the limit."""
    try:
        size = Path(path).stat().st_size
    except OSError as error:
        raise DocumentError(path, f"cannot read file ({error.strerror})") from None
    if size > limits.max_bytes:
        raise DocumentError(
            path,
            f"file is {size / MB:.1f} MB; expected at most {limits.max_bytes / MB:.0f} MB"
            " (JIXIAO_MAX_DOCUMENT_MB)",
        )
    return size


def check_zip(archive: zipfile.ZipFile, path: Path | str, limits: Limits) -> None:
    """Refuse a zip whose members would unpack too large or too well (a zip bomb)."""
    total = 0
    for info in archive.infolist():
        total += info.file_size
        packed = max(info.compress_size, 1)
        if info.file_size > limits.ratio_floor and info.file_size / packed > limits.max_ratio:
            raise DocumentError(
                path,
                f"zip member {info.filename} unpacks {info.file_size / packed:.0f}× its size"
                f" ({info.file_size / MB:.1f} MB); expected at most {limits.max_ratio:.0f}×"
                " (a zip bomb?)",
            )
    if total > limits.max_unzipped:
        raise DocumentError(
            path,
            f"zip unpacks to {total / MB:.0f} MB; expected at most"
            f" {limits.max_unzipped / MB:.0f} MB (JIXIAO_MAX_UNZIPPED_MB)",
        )
