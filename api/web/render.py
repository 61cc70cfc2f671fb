"""Templates (Jinja2, autoescaped), links that keep the language, and small formatting helpers."""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from jixiao.api.select import JXID
from jixiao.api.web import i18n

ENV = Environment(
    loader=PackageLoader("jixiao.api.web", "templates"),
    autoescape=select_autoescape(["html"], default_for_string=True, default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


class BadParam(ValueError):
    """A query parameter the page cannot use (answered with a 400 page)."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def lang_of(request: Request) -> str:
    return i18n.pick_lang(request.query_params.get("lang"))


def url(lang: str, path: str, **params: Any) -> str:
    """``path`` with ``params`` (empty ones left out) and ``lang=en`` when English."""
    items = [(k, str(v)) for k, v in params.items() if v is not None and v != ""]
    if lang == "en":
        items.append(("lang", "en"))
    return path + ("?" + urlencode(items) if items else "")


def link_for(iri: str | None, lang: str) -> str | None:
    """The page of a resource of ours: a project, a unit, or else its ``/id/…`` description."""
    if not iri or not iri.startswith(JXID):
        return None
    local = iri[len(JXID) :]
    if local.startswith("project/") and local.count("/") == 2:
        return url(lang, "/projects/" + local[len("project/") :])
    if local.startswith("org/unit/"):
        return url(lang, "/units/" + local[len("org/unit/") :])
    return url(lang, "/id/" + local)


def switch_url(request: Request, lang: str) -> str:
    """The current page in the other language (other parameters kept)."""
    items = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    if lang == "zh":
        items.append(("lang", "en"))
    return request.url.path + ("?" + urlencode(items) if items else "")


def number(value: Any, digits: int = 2) -> str:
    """``12,000.00``; text that is not a number comes back unchanged; None → empty."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if not number.is_finite():
        return str(value)
    return f"{number:,.{digits}f}"


def plain(value: Any) -> str:
    """A parsed number as printed (``85``, ``0.6``), never in exponent form."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value):
            return str(int(value))
        return format(Decimal(str(value)).normalize(), "f")
    return str(value)


def percent(part: int | None, whole: int | None) -> int:
    if not whole:
        return 0
    return round(100 * (part or 0) / whole)


def render(
    request: Request, template: str, *, status: int = 200, title: str = "", **context: Any
) -> HTMLResponse:
    lang = lang_of(request)
    service = getattr(request.app.state, "service", None)
    page = ENV.get_template(template).render(
        lang=lang,
        html_lang=i18n.HTML_LANG[lang],
        t=partial(i18n.text, lang),
        url=partial(url, lang),
        link=partial(link_for, lang=lang),
        switch_url=switch_url(request, lang),
        path=request.url.path,
        title=title,
        categories=i18n.CATEGORIES,
        severity_label=partial(i18n.severity_label, lang=lang),
        amount_label=partial(i18n.amount_label, lang=lang),
        category_label=partial(i18n.category_label, lang=lang),
        severities=i18n.SEVERITIES,
        shape_label=partial(i18n.shape_label, lang=lang),
        doc_title=partial(i18n.document_title, lang=lang),
        number=number,
        plain=plain,
        percent=percent,
        upload_enabled=bool(service and service.settings.api_token),
        **context,
    )
    headers = {"Content-Language": i18n.HTML_LANG[lang]}
    return HTMLResponse(page, status_code=status, headers=headers)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    lang = lang_of(request)
    return render(
        request, "error.html", status=status, title=i18n.text(lang, "error.title"),
        status_code=status, message=message,
    )  # fmt: skip
