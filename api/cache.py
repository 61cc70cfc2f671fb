"""Answers of recent queries, kept by the service so that repeated queries skip the worker hop.

The key is the checkpoint the answer was computed on plus the whole :class:`~api.workers.Job`
(query text, format, row cap, dataset, bindings, prefixes, base IRI). After an ingest the
service moves to a new checkpoint, so no answer computed on older data is ever served again;
old entries age out. Only successful answers are kept; the size is bounded in bytes (least
recently used first out) and an answer larger than an eighth of the budget is never kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any


class AnswerCache:
    """A thread-safe LRU map from a hashable key to an answer with a ``body`` (bytes)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            answer = self._items.get(key)
            if answer is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return answer

    def put(self, key: Hashable, answer: Any) -> None:
        size = len(answer.body)
        if size * 8 > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._items[key] = answer
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self._bytes -= len(dropped.body)

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    @property
    def size_bytes(self) -> int:
        with self._lock:
            return self._bytes
