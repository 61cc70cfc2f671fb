"""uvicorn's HTTP/1.1 protocol (httptools) with the errors it answers by itself in the
service's JSON error shape, used by ``jixiao serve``.

httptools cannot parse a request target longer than 65,535 bytes; uvicorn then answered a
plain-text ``400 Invalid HTTP request received.`` — for a long ``GET /sparql?query=…`` too.
Here such a request gets ``414 URI Too Long`` (RFC 9110 §15.5.15: the target is longer than
the server is willing to interpret; send the query with POST), counted while the target
arrives so that it is never held whole, and any other request httptools cannot parse gets a
JSON ``400``.
"""

from __future__ import annotations

import http
import json

import httptools
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

URI_LIMIT = 65_535
_URI_MESSAGE = (
    f"the request target exceeds {URI_LIMIT} bytes; "
    "send long queries with POST (application/sparql-query, or a form)"
)


class JsonErrorHttpToolsProtocol(HttpToolsProtocol):
    """See the module note."""

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.uri_too_long = False

    def on_url(self, url: bytes) -> None:
        if len(self.url) + len(url) > URI_LIMIT:
            self.uri_too_long = True
            raise httptools.HttpParserCallbackError("request target too long")
        super().on_url(url)

    def send_400_response(self, msg: str) -> None:
        if getattr(self, "uri_too_long", False):
            status, code, message = 414, "uri_too_long", _URI_MESSAGE
        else:
            status, code, message = 400, "bad_request", "the request is not valid HTTP/1.1"
        body = json.dumps({"error": {"status": status, "code": code, "message": message}})
        data = body.encode("utf-8")
        head = [f"HTTP/1.1 {status} {http.HTTPStatus(status).phrase}\r\n".encode()]
        for name, value in self.server_state.default_headers:
            head.extend([name, b": ", value, b"\r\n"])
        head += [
            b"content-type: application/json\r\n",
            b"content-length: " + str(len(data)).encode("ascii") + b"\r\n",
            b"connection: close\r\n\r\n",
        ]
        self.transport.write(b"".join(head) + data)
        self.transport.close()
