"""Start SPARQL servers on loopback for the backend tests and ``benchmarks/backends.py``.

- :func:`oxigraph_server`: ``oxigraph serve --location DIR --bind 127.0.0.1:PORT`` (PyPI
  package ``oxigraph``, a test dependency), the union kept in the real default graph
  (never ``--union-default-graph``).
- :func:`virtuoso_server`: Debian's ``virtuoso-opensource`` (``virtuoso-t``, ``isql-vt``),
  a database in a temporary directory with its own ``virtuoso.ini``: SQL and HTTP ports
  bound to 127.0.0.1 only, a test user ``jixiao`` with SPARQL update rights (digest login
  on ``/sparql-auth`` and ``/sparql-graph-crud-auth``), the ``dba`` password changed to
  a random one before the HTTP port is used, ``ResultSetMaxRows`` raised above any answer
  of the tests (Virtuoso's default cuts answers at 10 000 rows without saying so).

Each yields a :class:`Server` (URL and the environment a jixiao client needs) and stops
its process when done. :func:`missing` says what is not installed; ``.ci/run`` sets
``JIXIAO_REQUIRE_SERVERS=1`` so the tests fail instead of skipping there.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

BACKENDS = ("embedded", "oxigraph", "virtuoso")


@dataclass
class Server:
    kind: str
    url: str
    env: dict[str, str] = field(default_factory=dict, repr=False)
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)


def _oxigraph() -> str | None:
    return shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which(
        "oxigraph"
    )


def missing(kind: str) -> str | None:
    """Why ``kind``'s server cannot run here, or None."""
    if kind == "oxigraph" and _oxigraph() is None:
        return "the oxigraph command (pip install oxigraph)"
    if kind == "virtuoso" and not (shutil.which("virtuoso-t") and shutil.which("isql-vt")):
        return "virtuoso-t and isql-vt (apt-get install virtuoso-opensource)"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str, process: subprocess.Popen[bytes], log: Path, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited ({process.returncode}): {log.read_text()[-2000:]}")
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise RuntimeError(f"server at {url} did not answer in {seconds} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=30)


@contextmanager
def oxigraph_server(root: Path | None = None) -> Iterator[Server]:
    command = _oxigraph()
    assert command, missing("oxigraph")
    with tempfile.TemporaryDirectory(prefix="jixiao-oxigraph-", dir=root) as tmp:
        port = free_port()
        log = Path(tmp) / "server.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [command, "serve", "--location", f"{tmp}/db", "--bind", f"127.0.0.1:{port}"],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait(url, process, log)
            yield Server("oxigraph", url, {"JIXIAO_STORE_KIND": "oxigraph"}, process)
        finally:
            _stop(process)


_INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
DirsAllowed = ., {d}
NumberOfBuffers = 60000
MaxDirtyBuffers = 45000
CheckpointInterval = 60
MaxClientConnections = 20
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
ServerThreads = 20
MaxClientConnections = 20
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryExecutionTime = 600
MaxQueryCostEstimationTime = 0
MaxSortedTopRows = 10000000
"""


def _isql(sql_port: int, password: str, script: str) -> None:
    done = subprocess.run(
        ["isql-vt", f"127.0.0.1:{sql_port}", "dba", password],
        input=script.encode(),
        capture_output=True,
        timeout=120,
    )
    if done.returncode != 0 or b"*** Error" in done.stdout + done.stderr:
        raise RuntimeError(f"isql: {(done.stdout + done.stderr).decode()[-2000:]}")


@contextmanager
def virtuoso_server(root: Path | None = None) -> Iterator[Server]:
    assert not missing("virtuoso"), missing("virtuoso")
    with tempfile.TemporaryDirectory(prefix="jixiao-virtuoso-", dir=root) as tmp:
        sql, http = free_port(), free_port()
        Path(tmp, "virtuoso.ini").write_text(_INI.format(d=tmp, sql=sql, http=http))
        log = Path(tmp) / "server.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                ["virtuoso-t", "-f", "-c", "virtuoso.ini"],
                cwd=tmp,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        url = f"http://127.0.0.1:{http}"
        try:
            _wait(url, process, log)
            password, dba = secrets.token_hex(12), secrets.token_hex(12)
            _isql(
                sql,
                "dba",
                f"DB.DBA.USER_CREATE ('jixiao', '{password}');\n"
                'GRANT SPARQL_SELECT TO "jixiao";\nGRANT SPARQL_UPDATE TO "jixiao";\n'
                "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('jixiao', 15);\n"
                f"DB.DBA.USER_CHANGE_PASSWORD ('dba', 'dba', '{dba}');\n",
            )
            env = {
                "JIXIAO_STORE_KIND": "virtuoso",
                "JIXIAO_STORE_USER": "jixiao",
                "JIXIAO_STORE_PASSWORD": password,
            }
            yield Server("virtuoso", url, env, process)
        finally:
            _stop(process)


@contextmanager
def server(kind: str, root: Path | None = None) -> Iterator[Server]:
    starter = {"oxigraph": oxigraph_server, "virtuoso": virtuoso_server}[kind]
    with starter(root) as running:
        yield running


def required() -> bool:
    return bool(os.environ.get("JIXIAO_REQUIRE_SERVERS"))


def clear(store: object) -> None:
    """Remove every jixiao graph, staging graph, journal and the union from a server."""
    from jixiao.graph.remote import DATA_GRAPHS, INTERNAL, RemoteStore

    assert isinstance(store, RemoteStore)
    text = (
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER(STRSTARTS(STR(?g), "{DATA_GRAPHS}") || STRSTARTS(STR(?g), "{INTERNAL}")) }}'
    )
    graphs = [row["g"].value for row in store.raw_rows(text)]
    ops = [f"DROP SILENT GRAPH <{g}>" for g in graphs]
    if store.endpoints.kind == "oxigraph":
        ops.append("DROP DEFAULT")
    if ops:
        store.update(" ;\n".join(ops))
