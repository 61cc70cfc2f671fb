"""Who gets the next free query worker: fair between clients, bounded per client.

Without it two slow queries from one client took both workers and every other client's
uncached query waited for the whole time limit. Now a client (its remote address, set per
request in :data:`CLIENT`) runs at most ``per_client`` queries at once (by default one fewer
than there are workers, so a worker is always left for somebody else), has at most
``queue_per_client`` more waiting (beyond that: 429), and waiting clients are served in
turn, one query each, so a client's queue never delays another client's first query.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, OrderedDict, deque
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from jixiao.api.jobs import QueryError

CLIENT: ContextVar[str] = ContextVar("jixiao_client", default="")


@dataclass
class _Ticket:
    client: str
    worker: Any = None


class FairGate:
    """Hands idle workers (any objects) to waiting clients; thread-safe."""

    def __init__(self, per_client: int, queue_per_client: int) -> None:
        if per_client < 1 or queue_per_client < 0:
            raise ValueError("per_client must be at least 1, queue_per_client at least 0")
        self.per_client = per_client
        self.queue_per_client = queue_per_client
        self._cond = threading.Condition()
        self._idle: list[Any] = []
        self._waiting: OrderedDict[str, deque[_Ticket]] = OrderedDict()  # order = turn
        self._running: Counter[str] = Counter()

    def put(self, worker: Any) -> None:
        """``worker`` is idle (new, or done with its job)."""
        with self._cond:
            self._idle.append(worker)
            self._dispatch()

    def release(self, client: str) -> None:
        """One of ``client``'s queries is over (call once per :meth:`take`)."""
        with self._cond:
            self._running[client] -= 1
            if self._running[client] <= 0:
                del self._running[client]
            self._dispatch()

    def take(self, client: str, timeout: float) -> Any:
        """An idle worker for ``client`` within ``timeout`` seconds: 503 when none came free,
        429 when the client already has its fill of queries waiting."""
        deadline = time.monotonic() + timeout
        with self._cond:
            queue = self._waiting.get(client)
            if queue is not None and len(queue) >= self.queue_per_client:
                raise QueryError(
                    429,
                    "too_many_queries",
                    f"this client already has {len(queue)} queries waiting; "
                    "wait for an answer before sending more",
                    headers={"Retry-After": "2"},
                )
            ticket = _Ticket(client)
            self._waiting.setdefault(client, deque()).append(ticket)
            self._dispatch()
            while ticket.worker is None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self._forget(ticket)
                    raise QueryError(
                        503,
                        "busy",
                        "all query workers are busy; try again",
                        headers={"Retry-After": "5"},
                    )
                self._cond.wait(remaining)
            return ticket.worker

    def drain(self) -> list[Any]:
        """Take every idle worker out (at shutdown)."""
        with self._cond:
            idle, self._idle = self._idle, []
            return idle

    def running(self, client: str) -> int:
        with self._cond:
            return self._running[client]

    def _forget(self, ticket: _Ticket) -> None:
        queue = self._waiting.get(ticket.client)
        if queue is not None and ticket in queue:
            queue.remove(ticket)
            if not queue:
                del self._waiting[ticket.client]

    def _dispatch(self) -> None:
        """Give idle workers to the first clients in turn that may run one more query."""
        while self._idle:
            chosen = next(
                (c for c in self._waiting if self._running[c] < self.per_client),
                None,
            )
            if chosen is None:
                return
            queue = self._waiting[chosen]
            ticket = queue.popleft()
            if queue:
                self._waiting.move_to_end(chosen)  # its next query waits for the others
            else:
                del self._waiting[chosen]
            ticket.worker = self._idle.pop()
            self._running[chosen] += 1
            self._cond.notify_all()
