"""The answer cache: bounded, least recently used out, and never serving older data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jixiao.api.cache import AnswerCache
from jixiao.api.workers import Checkpoints, Job, QueryPool
from jixiao.graph.store import open_store, replace_graph


@dataclass
class _A:
    body: bytes


def test_lru_bounded_in_bytes() -> None:
    cache = AnswerCache(max_bytes=100)
    for key in "abcd":
        cache.put(key, _A(b"x" * 12))
    assert len(cache) == 4 and cache.size_bytes == 48
    assert cache.get("a") is not None  # a is now the most recent
    for key in "efghi":
        cache.put(key, _A(b"y" * 12))
    assert cache.size_bytes <= 100
    assert cache.get("b") is None  # oldest unused went first
    assert cache.get("a") is not None
    assert cache.hits == 2 and cache.misses == 1


def test_large_answers_are_not_kept_and_replacing_counts_once() -> None:
    cache = AnswerCache(max_bytes=800)
    cache.put("big", _A(b"z" * 101))  # more than an eighth of the budget
    assert cache.get("big") is None
    cache.put("k", _A(b"1" * 50))
    cache.put("k", _A(b"2" * 60))
    assert cache.size_bytes == 60 and cache.get("k").body == b"2" * 60


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
