"""The answer cache: bounded (keys and answers), least recently used out, and never
serving older data."""

from __future__ import annotations

import gc
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from jixiao.api.cache import ENTRY_OVERHEAD, AnswerCache, job_key
from jixiao.api.workers import Answer, Checkpoints, Job, QueryPool
from jixiao.graph.store import open_store, replace_graph


@dataclass
class _A:
    body: bytes


def _k(name: str) -> bytes:
    return name.encode()


def test_lru_bounded_in_bytes() -> None:
    entry = 1 + 12 + ENTRY_OVERHEAD
    cache = AnswerCache(max_bytes=8 * entry + 10)
    for key in "abcd":
        cache.put(_k(key), _A(b"x" * 12))
    assert len(cache) == 4 and cache.size_bytes == 4 * entry
    assert cache.get(_k("a")) is not None  # a is now the most recent
    for key in "efghi":
        cache.put(_k(key), _A(b"y" * 12))
    assert len(cache) == 8 and cache.size_bytes <= cache.max_bytes
    assert cache.get(_k("b")) is None  # oldest unused went first
    assert cache.get(_k("a")) is not None
    assert cache.hits == 2 and cache.misses == 1


def test_large_answers_are_not_kept_and_replacing_counts_once() -> None:
    cache = AnswerCache(max_bytes=8 * (ENTRY_OVERHEAD + 101))
    cache.put(_k("big"), _A(b"z" * 101))  # with its key, more than an eighth of the budget
    assert cache.get(_k("big")) is None
    cache.put(_k("k"), _A(b"1" * 50))
    cache.put(_k("k"), _A(b"2" * 60))
    assert cache.size_bytes == 1 + 60 + ENTRY_OVERHEAD and cache.get(_k("k")).body == b"2" * 60


@given(st.lists(st.tuples(st.integers(0, 300_000), st.integers(0, 5_000)), min_size=1, max_size=60))
def test_the_bound_holds_with_huge_keys(sizes: list[tuple[int, int]]) -> None:
    """Keys count: a cache of 64 KiB never accounts more, whatever the keys' sizes."""
    cache = AnswerCache(max_bytes=64 * 1024)
    for i, (key_size, body_size) in enumerate(sizes):
        key = str(i).encode().ljust(key_size, b"#")
        cache.put(key, _A(b"r" * body_size))
        assert cache.size_bytes <= cache.max_bytes
        assert cache.size_bytes == sum(
            len(k) + len(a.body) + ENTRY_OVERHEAD for k, a in cache._items.items()
        )


def test_queries_with_huge_comments_cost_their_digest_only() -> None:
    """The issue's attack: distinct 250 KB queries. Keys are digests, and the memory the
    cache holds stays within its bound (measured, not only accounted)."""
    budget = 256 * 1024
    cache = AnswerCache(max_bytes=budget)
    answer = Answer("solutions", "json", b'{"head":{"vars":[]},"results":{"bindings":[]}}')
    comment = "#" + "x" * 250_000 + "\n"
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        for i in range(400):  # 100 MB of query text in all
            job = Job(query=f"{comment}SELECT * {{ ?s ?p {i} }}", fmt="json", row_cap=10)
            cache.put(job_key("ckpt", job), answer)
        del job
        gc.collect()
        held = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    assert len(cache) == 400 and len(next(iter(cache._items))) == 32
    assert cache.size_bytes <= budget
    assert held <= budget, held


def test_job_key_tells_jobs_and_checkpoints_apart() -> None:
    job = Job(query="SELECT * { ?s ?p ?o }", fmt="json", row_cap=10)
    keys = {
        job_key("a", job),
        job_key("b", job),
        job_key("a", Job(query="SELECT * { ?s ?p ?o }", fmt="csv", row_cap=10)),
        job_key("a", Job(query="SELECT * { ?s ?p ?o } ", fmt="json", row_cap=10)),
    }
    assert len(keys) == 4 and job_key("a", job) in keys and job_key("a", job) == job_key("a", job)


def test_pool_answers_repeats_from_cache_until_the_data_changes(tmp_path: Path) -> None:
    store = open_store(tmp_path / "store")
    replace_graph(
        store, "https://example.org/g", '<https://example.org/s> <https://example.org/p> "一" .\n'
    )
    checkpoints = Checkpoints(tmp_path / "ckpt")
    checkpoints.create(store)
    cache = AnswerCache(1 << 20)
    pool = QueryPool(1, checkpoints, cache=cache)
    try:
        job = Job(query="SELECT ?o WHERE { ?s ?p ?o }", fmt="csv", row_cap=100)
        first = pool.run(job, 30)
        assert first.body.decode().split() == ["o", "一"]
        assert pool.cached(job) is first and pool.run(job, 30) is first and cache.hits == 2
        replace_graph(
            store,
            "https://example.org/g",
            '<https://example.org/s> <https://example.org/p> "二" .\n',
        )
        checkpoints.create(store)  # what the service does after each committed ingest
        assert pool.cached(job) is None  # kept answers belong to the old checkpoint
        after = pool.run(job, 30)
        assert after.body.decode().split() == ["o", "二"]
        other = Job(query="SELECT ?o WHERE { ?s ?p ?o }", fmt="json", row_cap=100)
        assert pool.run(other, 30).fmt == "json"  # the format is part of the key
    finally:
        pool.close()
