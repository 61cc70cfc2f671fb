"""What the command modules share: exit statuses, errors, and opening the store.

Exit statuses of every command (``jixiao --help`` and the README list them):
0 done; 1 ``validate --fail-on`` found findings at or above the level; 2 usage (an unknown
option, a bad value, an unknown query name, a malformed query or setting); 3 runtime (no
store, the store locked by another process, an unreadable file, a failed write).

A command raises :class:`UsageError` or :class:`RuntimeFailure`; :func:`api.cli.main`
prints ``jixiao COMMAND: message`` on one line and exits with the error's status.

Read-only commands open the store with :func:`reading_store`: when another process (a
running ``jixiao serve``) holds the store's lock they read the newest of the checkpoints
that process keeps for its query workers instead — pyoxigraph 0.5 has no secondary mode,
and opening a store read-only while another process writes it is undefined behaviour.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from jixiao.graph.store import DEFAULT_STORE, store_path

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_RUNTIME = 0, 1, 2, 3
EXIT_CODES = (
    (EXIT_OK, "done"),
    (EXIT_FINDINGS, "validate --fail-on: findings at or above the level"),
    (EXIT_USAGE, "usage: unknown option, bad value, unknown query, malformed query or setting"),
    (EXIT_RUNTIME, "runtime: no store, store locked by another process, unreadable file"),
)
STORE_HELP = f"store directory or SPARQL server URL (default $JIXIAO_STORE or ./{DEFAULT_STORE})"
_CHECKPOINT = re.compile(r"ckpt-(\d+)")


class CommandError(Exception):
    """A command that cannot go on: its one-line message and exit status."""

    status = EXIT_RUNTIME


class UsageError(CommandError):
    status = EXIT_USAGE


class RuntimeFailure(CommandError):
    status = EXIT_RUNTIME


def run_command(args: argparse.Namespace) -> int:
    """Run a parsed command (its ``func``); an error is one line on stderr,
    ``jixiao COMMAND: message``, and its exit status."""
    from jixiao.api.settings import SettingsError

    try:
        return int(args.func(args))
    except CommandError as error:
        print(f"jixiao {args.command}: {error}", file=sys.stderr)
        return error.status
    except SettingsError as error:
        print(f"jixiao {args.command}: {error}", file=sys.stderr)
        return EXIT_USAGE


def is_locked(error: OSError) -> bool:
    """Whether opening a store failed because another process holds its RocksDB lock."""
    text = str(error)
    return "LOCK" in text and ("unavailable" in text or "lock" in text.lower())


def in_use(path: Path, advice: str) -> RuntimeFailure:
    return RuntimeFailure(
        f"the store at {path} is in use by another process (is `jixiao serve` running on "
        f"it?); {advice}"
    )


def open_writable(store: str | os.PathLike[str] | None, advice: str) -> ox.Store:
    """The store at ``store`` read-write (created if missing), for commands that write;
    :class:`RuntimeFailure` naming ``advice`` when a running server holds it."""
    from jixiao.graph.backend import store_spec
    from jixiao.graph.store import open_store

    spec = store_spec(store)
    if isinstance(spec, str):  # a SPARQL server: no lock to share, its own errors
        try:
            return open_store(spec)
        except OSError as error:
            raise RuntimeFailure(f"cannot open the store at {spec}: {error}") from None
    path = store_path(store)
    try:
        opened = open_store(path)
    except OSError as error:
        if is_locked(error):
            raise in_use(path, advice) from None
        raise RuntimeFailure(f"cannot open the store at {path}: {error}") from None
    warn_outdated(opened, path)
    return opened


def warn_outdated(store: ox.Store, path: object) -> None:
    """Say on stderr when the store's prepared facts were written by an older jixiao
    (:func:`graph.prepared.outdated_layout`): lists read from them are wrong until
    ``jixiao check --fix`` has prepared them again."""
    from jixiao.graph.prepared import outdated_layout

    if outdated_layout(store):
        print(
            f"jixiao: the prepared facts in {path} were written by an older jixiao; the lists "
            "read from them are wrong until `jixiao check --fix` has run once",
            file=sys.stderr,
        )


def checkpoint_root(store: Path) -> Path:
    """Where ``jixiao serve`` on ``store`` keeps its checkpoints (``JIXIAO_CHECKPOINTS``)."""
    from jixiao.api.settings import from_env

    return from_env().with_overrides(store=store).checkpoint_root


def newest_checkpoint(root: Path) -> Path | None:
    """The most recent complete checkpoint under ``root`` (``ckpt-<ns>``), or None."""
    if not root.is_dir():
        return None
    found = [(int(m.group(1)), p) for p in root.iterdir() if (m := _CHECKPOINT.fullmatch(p.name))]
    return max(found)[1] if found else None


def _private_copy(root: Path) -> Path | None:
    """Hard links to the newest checkpoint's files in a directory of our own under
    ``root``, so that the server may remove its checkpoint while we read. A checkpoint
    removed while we link is retried with the next newest."""
    for _ in range(5):
        newest = newest_checkpoint(root)
        if newest is None:
            return None
        target = root / f"cli-{os.getpid()}-{time.time_ns()}"
        try:
            target.mkdir()
            for item in newest.iterdir():
                os.link(item, target / item.name)
            return target
        except FileNotFoundError:
            shutil.rmtree(target, ignore_errors=True)
    return None


@contextmanager
def reading_store(store: str | os.PathLike[str] | None, command: str) -> Iterator[ox.Store]:
    """The existing store at ``store`` for a command that only reads. If a running server
    holds it, its newest checkpoint opened read-only (said on stderr). Errors are
    :class:`RuntimeFailure`."""
    with reading(store, command) as (opened, _):
        yield opened


@contextmanager
def reading(
    store: str | os.PathLike[str] | None, command: str
) -> Iterator[tuple[ox.Store, Path | None]]:
    """:func:`reading_store`, and the checkpoint copy read (None: the store itself)."""
    from jixiao.graph.backend import store_spec
    from jixiao.graph.store import open_existing

    spec = store_spec(store)
    if isinstance(spec, str):  # a SPARQL server answers reads beside any writer
        try:
            yield open_existing(spec), None
        except OSError as error:
            raise RuntimeFailure(f"cannot open the store at {spec}: {error}") from None
        return
    path = store_path(store)
    if not path.is_dir():
        raise RuntimeFailure(f"no store at {path} (run `jixiao ingest` first)")
    try:
        primary = open_existing(path)
    except OSError as error:
        if not is_locked(error):
            raise RuntimeFailure(f"cannot open the store at {path}: {error}") from None
    else:
        yield primary, None
        return
    root = checkpoint_root(path)
    copy = _private_copy(root)
    if copy is None:
        raise in_use(path, f"it has no checkpoint under {root} to read; stop it or query its API")
    print(
        f"jixiao {command}: the store at {path} is in use by another process (jixiao serve); "
        f"reading its newest checkpoint under {root} read-only",
        file=sys.stderr,
    )
    try:
        try:
            opened = ox.Store.read_only(str(copy))
        except OSError as error:
            raise RuntimeFailure(f"cannot open the checkpoint {copy}: {error}") from None
        yield opened, copy
    finally:
        shutil.rmtree(copy, ignore_errors=True)  # our hard links only; the store keeps its inodes
