"""Answers of recent queries, kept by the service so that repeated queries skip the worker hop.

The key is a SHA-256 digest of the checkpoint the answer was computed on plus the whole
:class:`~api.jobs.Job` (query text, format, row cap, dataset, bindings, prefixes, base IRI):
32 bytes however long the query. (Keys used to be the jobs themselves and were not counted:
16,060 distinct queries carrying a 250 KB comment took the service from 201 MB to 4.1 GB.)
The text is hashed as sent, not normalised: two texts that differ only in comments get two
entries, but no two different queries can ever share one.

After an ingest the service moves to a new checkpoint, so no answer computed on older data
is ever served again; old entries age out. Only successful answers are kept. The budget
counts, per entry, the key, the answer's bytes and :data:`ENTRY_OVERHEAD` for the objects
around them (least recently used first out); an answer larger than an eighth of the budget
is never kept.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Any

# Bytes of Python objects per entry besides the body's bytes: the key's bytes object (65),
# the Answer (72) and its short strings (~100), the ordered dict's slot and node (~100).
ENTRY_OVERHEAD = 400


def job_key(checkpoint: str, job: object) -> bytes:
    """The cache key of ``job`` computed on ``checkpoint``: a 32-byte digest."""
    text = repr((checkpoint, job)).encode("utf-8", "backslashreplace")
    return hashlib.sha256(text).digest()


def entry_size(key: bytes, answer: Any) -> int:
    return len(key) + len(answer.body) + ENTRY_OVERHEAD


class AnswerCache:
    """A thread-safe LRU map from a bytes key to an answer with a ``body`` (bytes), bounded
    by :func:`entry_size` summed over the entries."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[bytes, Any] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: bytes) -> Any | None:
        with self._lock:
            answer = self._items.get(key)
            if answer is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return answer

    def put(self, key: bytes, answer: Any) -> None:
        if not isinstance(key, bytes):
            raise TypeError("cache keys are digests (bytes): use job_key()")
        size = entry_size(key, answer)
        if size * 8 > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= entry_size(key, old)
            self._items[key] = answer
            self._bytes += size
            while self._bytes > self.max_bytes:
                dropped_key, dropped = self._items.popitem(last=False)
                self._bytes -= entry_size(dropped_key, dropped)

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    @property
    def size_bytes(self) -> int:
        with self._lock:
            return self._bytes
