"""A loopback SPARQL "endpoint" that records every connection, and the oracle built on it:
does pyoxigraph itself, given a query, open a connection to it (execute SERVICE)?"""

from __future__ import annotations

import socket
import threading
import time

import pyoxigraph as ox

_BODY = (
    b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"fetched"}}]}}'
)
_RESPONSE = (
    b"HTTP/1.1 200 OK\r\ncontent-type: application/sparql-results+json\r\n"
    b"connection: close\r\ncontent-length: " + str(len(_BODY)).encode() + b"\r\n\r\n" + _BODY
)


class Listener:
    """A plain socket server on 127.0.0.1: records what each connection sends, then answers
    one solution (``?x = "fetched"``), so that a SERVICE call would return rows."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.port = int(self.sock.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self.connections: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            with conn:
                conn.settimeout(2)
                try:
                    self.connections.append(conn.recv(65536))
                    conn.sendall(_RESPONSE)
                except OSError:
                    self.connections.append(b"")

    def probe(self) -> None:
        """Connect once ourselves: the assertions that nothing connected can fail."""
        before = len(self.connections)
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as probe:
            probe.sendall(b"probe")
            probe.recv(16)
        deadline = time.monotonic() + 5
        while len(self.connections) == before and time.monotonic() < deadline:
            time.sleep(0.02)
        assert self.connections[before:] == [b"probe"]
        del self.connections[before:]

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.sock.close()


def oracle_store() -> ox.Store:
    """An in-memory store where the usual patterns match, so a SERVICE after them runs."""
    store = ox.Store()
    s, p = ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p")
    for value in (ox.Literal("o"), ox.Literal(True), ox.Literal(1)):
        store.add(ox.Quad(s, p, value))
    return store


def reaches(listener: Listener, store: ox.Store, query: str, prefixes: dict[str, str]) -> bool:
    """Whether running ``query`` in this process (no sandbox) connects to ``listener``."""
    before = len(listener.connections)
    try:
        result = store.query(query, prefixes=prefixes or None)
        if not isinstance(result, ox.QueryBoolean):
            list(result)
    except (SyntaxError, ValueError, RuntimeError, OSError):
        pass
    return len(listener.connections) > before
