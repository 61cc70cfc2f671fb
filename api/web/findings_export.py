"""``/findings.csv`` and ``/findings.xlsx``: the rows of ``/findings`` (all its pages), with
the same parameters (``severity``, ``shape``) and the page's words: rule names from the
shapes' labels, documents by title, in the page's language (``?lang=en``).

CSV is UTF-8 with a byte-order mark (Excel reads the Chinese); every cell goes through the
audit export's formula neutralisation (:mod:`api.web.export`). The list is read in pages of
the row cap, so no finding is lost to it.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from jixiao.api.web import export, i18n
from jixiao.api.web.findings import FindingQuery, finding_counts
from jixiao.api.web.findings import findings as list_findings
from jixiao.api.web.render import lang_of

COLUMNS = ("severity", "rule", "project", "year", "subject", "message", "value", "document",
           "line", "file", "rule_key", "focus", "project_id")  # fmt: skip
_HEADERS = {
    "severity": ("严重程度", "Severity"),
    "rule": ("规则", "Rule"),
    "project": ("项目", "Project"),
    "year": ("年度", "Year"),
    "subject": ("对象", "Subject"),
    "message": ("说明", "Message"),
    "value": ("值", "Value"),
    "document": ("来源文件", "Source document"),
    "line": ("行", "Line"),
    "file": ("文件名", "File name"),
    "rule_key": ("规则标识", "Rule key"),
    "focus": ("对象 IRI", "Subject IRI"),
    "project_id": ("项目 IRI", "Project IRI"),
}
_WIDTHS = {"rule": 28, "project": 44, "subject": 28, "message": 60, "document": 44,
           "file": 28, "rule_key": 30, "focus": 60, "project_id": 60, "line": 8,
           "year": 8}  # fmt: skip


def headers(lang: str) -> list[str]:
    return [i18n.word(_HEADERS[c], lang) for c in COLUMNS]


def all_findings(request: Request, q: FindingQuery) -> list[dict[str, Any]]:
    """Every finding ``q`` selects, in the page's order, read in pages of the row cap."""
    total = sum(finding_counts(request, q).values())
    size = max(1, request.app.state.service.settings.row_cap)
    rows: list[dict[str, Any]] = []
    for offset in range(0, total, size):
        rows.extend(list_findings(request, q, size, offset))
    return rows


def table(rows: list[dict[str, Any]], lang: str) -> list[list[Any]]:
    """One list per finding, in the order of :func:`headers`."""
    out = []
    for f in rows:
        if f.get("indicator_name"):
            subject = f["indicator_name"]
        elif f.get("project") and f["focus"] == f["project"]:
            subject = i18n.text(lang, "project")
        else:
            subject = f["focus"]
        message = (f["message_en"] if lang == "en" else f["message_zh"]) or f["message_zh"]
        document = i18n.document_title(
            f.get("document_department"), f.get("document_year"), f.get("document_kind"),
            f.get("document_name"), lang,
        )  # fmt: skip
        out.append([
            i18n.severity_label(f["severity"], lang), i18n.shape_label(f["shape_key"], lang),
            f.get("project_name"), f.get("year"), subject, message or f["message_en"] or "",
            None if f.get("value") is None else str(f["value"]), document, f.get("line"),
            f.get("document_name"), f["shape_key"], f["focus"], f.get("project"),
        ])  # fmt: skip
    return out


def filename(q: FindingQuery, extension: str) -> str:
    parts = ["jixiao-findings", q.severity or "", q.shape.removeprefix("anon:") if q.shape else ""]
    return "-".join(p for p in parts if p) + "." + extension


def build_router() -> APIRouter:
    from jixiao.api.web.pages import findings_query, guarded

    router = APIRouter(include_in_schema=False)

    def download(request: Request, extension: str) -> Response:
        q = findings_query(request.query_params)
        rows = all_findings(request, q)
        lang = lang_of(request)
        lines = table(rows, lang)
        if extension == "csv":
            body, media = export.csv_bytes(headers(lang), lines), "text/csv; charset=utf-8"
        else:
            widths = [_WIDTHS.get(c, 12) for c in COLUMNS]
            body = export.xlsx_bytes(headers(lang), lines, "findings", widths)
            media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        disposition = f'attachment; filename="{filename(q, extension)}"'
        headers_out = {"Content-Disposition": disposition, "X-Total-Count": str(len(rows))}
        return Response(body, media_type=media, headers=headers_out)

    @router.get("/findings.csv")
    @guarded
    def findings_csv(request: Request) -> Response:
        return download(request, "csv")

    @router.get("/findings.xlsx")
    @guarded
    def findings_xlsx(request: Request) -> Response:
        return download(request, "xlsx")

    return router
