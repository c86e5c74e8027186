"""Embeddings are paid once per text, also by two processes (or threads) at once, and a run counts
what they cost in its totals. Against the replica's `/v1/embeddings`, which logs every text sent."""

from __future__ import annotations

import threading
import time
from array import array

from test_interests import LIBRARY_BIB

from paperbrief.claims import LEASE_S, new_holder
from paperbrief.config import Interests, Settings, load_settings
from paperbrief.costs import cost_usd, total_cost
from paperbrief.embeddings import embed, text_key
from paperbrief.replica import Fault
from paperbrief.replica.llm import hashed_embedding
from paperbrief.store import Store

TEXTS = [f"Paper {i}: speculative decoding for video generation, variant {i}" for i in range(12)]


def f32(vector: list[float]) -> list[float]:
    return array("f", vector).tolist()


def _settings(replica) -> Settings:
    return Settings(openai_base_url=replica.url + "/v1", openai_api_key="sk-test-0123456789abcdefghij",
                    embedding_model="replica-embed")


def test_two_threads_embedding_overlapping_texts_at_once_pay_for_each_text_once(tmp_path, replica):
    llm = replica.services["llm"]
    replica.fault("/v1/embeddings", Fault.slow(2.0), times=4)  # both ask while the other's batch is in flight
    settings = _settings(replica)
    db = tmp_path / "pb.db"
    Store(db).close()  # migrated once, before the threads open it
    results: dict[str, list[list[float]]] = {}
    errors: list[BaseException] = []

    def work(name: str, texts: list[str]) -> None:
        try:
            with Store(db) as store:
                results[name] = embed(settings, store, texts)
        except BaseException as e:  # reported by the assertion below
            errors.append(e)

    threads = [threading.Thread(target=work, args=("a", TEXTS[:8])), threading.Thread(target=work, args=("b", TEXTS[4:]))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert sorted(llm.embedded_texts) == sorted(TEXTS)  # every text sent exactly once
    # the vectors asked for, or read back from the store (as float32) when the other thread asked
    assert [f32(v) for v in results["a"]] == [f32(hashed_embedding(t)) for t in TEXTS[:8]]
    assert [f32(v) for v in results["b"]] == [f32(hashed_embedding(t)) for t in TEXTS[4:]]
    with Store(db) as store:
        assert store.query("SELECT count(*) FROM claims")[0][0] == 0, "claims are released"
        assert store.query("SELECT count(*) FROM embeddings")[0][0] == len(TEXTS)


def test_texts_claimed_by_a_dead_holder_are_embedded_at_once(tmp_path, replica):
    import subprocess
    import sys

    llm = replica.services["llm"]
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    owner = new_holder("embedding").rsplit(":", 2)[0] + f":{dead.pid}:embedding-1"
    with Store(tmp_path / "pb.db") as store:
        with store.transaction() as c:  # a process killed while it embedded TEXTS[0]
            c.execute("INSERT INTO claims(key, subject, kind, owner, claimed_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                      (f"embedding:replica-embed:{text_key(TEXTS[0])}", "replica-embed", "embedding", owner,
                       time.time(), time.time() + LEASE_S))
        started = time.monotonic()
        got = embed(_settings(replica), store, TEXTS[:2])
        assert [f32(v) for v in got] == [f32(hashed_embedding(t)) for t in TEXTS[:2]]
    assert time.monotonic() - started < 10
    assert llm.embedded_texts == TEXTS[:2]


PRICES = {"replica-model": (1.0, 2.0), "replica-embed": (0.5, 0.0)}


def _run_settings(tmp_path, replica, monkeypatch, **more) -> Settings:
    """Settings of a run against the replica: LLM, embeddings, a library of interests and prices."""
    library = tmp_path / "library.bib"
    library.write_text(LIBRARY_BIB, encoding="utf-8")
    monkeypatch.setenv("OPENAI_BASE_URL", replica.url + "/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-0123456789abcdefghij")
    return load_settings({"out": tmp_path / "out", "model": "replica-model", "embedding_model": "replica-embed",
                          "interests": Interests(papers=[str(library)]), "prices": PRICES, **more})


def test_a_run_counts_its_embeddings_in_its_totals(tmp_path, replica_env, monkeypatch):
    prices = PRICES
    settings = _run_settings(tmp_path, replica_env, monkeypatch)
    from paperbrief.pipeline import run_day

    result = run_day(settings, "2026-02-08", ids=["2602.05293", "2602.05327"], overview=False)
    with Store(settings.db_path) as store:
        rows = store.query("SELECT tokens_in, cost_usd, run_id FROM llm_calls WHERE prompt_version = 'embeddings'")
        reports_in = store.query("SELECT sum(tokens_in) FROM llm_calls WHERE prompt_version != 'embeddings'")[0][0]
        stored_stats = store.runs(limit=1)[0].stats
    assert rows and all(r["run_id"] == result.run_id for r in rows)
    embedded_in = sum(r["tokens_in"] for r in rows)
    assert embedded_in > 0 and [r["cost_usd"] for r in rows] == [cost_usd(prices, "replica-embed", r["tokens_in"], 0)
                                                                 for r in rows]
    cost = total_cost(r["cost_usd"] for r in rows)  # each call's cost, summed the one way
    assert cost and cost > 0
    assert result.stats["embeddings"] == {"tokens_in": embedded_in, "tokens_out": 0, "tokens_cached": 0,
                                          "cost_usd": cost}
    assert result.stats["tokens_in"] == reports_in + embedded_in
    reports_cost = total_cost(cost_usd(prices, o.written.model, o.written.tokens_in, o.written.tokens_out,
                                       o.written.cached_tokens) for o in result.outcomes)
    assert result.stats["cost_usd"] == total_cost([reports_cost, cost])
    assert stored_stats["embeddings"] == result.stats["embeddings"]  # `paperbrief runs` shows the same
    assert stored_stats["tokens_in"] == result.stats["tokens_in"]


def test_a_days_json_totals_are_what_its_run_paid_embeddings_included(tmp_path, replica_env, monkeypatch):
    """With --top and --sort relevance the run embeds before it writes (and again after): the day's JSON
    counts every embeddings call of the day's runs, so its totals are the run's; all are under the run's id."""
    import json

    from paperbrief.pipeline import rerender, run_day

    prices = PRICES
    settings = _run_settings(tmp_path, replica_env, monkeypatch, sort="relevance")
    result = run_day(settings, "2026-02-08", top=2)
    with Store(settings.db_path) as store:
        rows = store.query("SELECT tokens_in, run_id FROM llm_calls WHERE prompt_version = 'embeddings'")
    assert len(rows) >= 2 and {r["run_id"] for r in rows} == {result.run_id}  # before the writing too
    embedded_in = sum(r["tokens_in"] for r in rows)
    embedded_cost = total_cost(cost_usd(prices, "replica-embed", r["tokens_in"], 0) for r in rows)
    assert result.stats["embeddings"]["tokens_in"] == embedded_in and embedded_in > 0
    day = json.loads(result.json_path.read_text("utf-8"))
    assert day["llm_usage"]["embeddings"] == {"in": embedded_in, "out": 0, "cached": 0, "cost_usd": embedded_cost}
    s = result.stats
    assert day["tokens"] == {"in": s["tokens_in"], "out": s["tokens_out"], "cached": s["tokens_cached"]}
    assert day["cost_usd"] == s["cost_usd"] and day["cost_usd"] is not None and day["cost_usd"] > embedded_cost
    assert len(day["papers"]) == 2 and day["relevance_method"] == "embedding:replica-embed"
    # the day's files rebuilt from the store, and a rerun that pays nothing, show the same totals
    again = run_day(settings, "2026-02-08", top=2)
    assert again.stats["tokens_in"] == 0 and again.stats["cost_usd"] == 0.0
    rerun = json.loads(again.json_path.read_text("utf-8"))
    rendered = json.loads(rerender(settings, "2026-02-08", out=tmp_path / "r")[1].read_text("utf-8"))
    for other in (rerun, rendered):
        assert (other["tokens"], other["cost_usd"], other["llm_usage"]) == (day["tokens"], day["cost_usd"],
                                                                           day["llm_usage"])
