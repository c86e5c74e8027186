"""The SQLite store: migrations pinned, idempotent content-hashed writes, reuse keys, runs."""

import sqlite3

import pytest

from paperbrief.models import (
    DayListing,
    Document,
    Failure,
    Innovation,
    LabeledText,
    ListedPaper,
    LLMCall,
    Report,
    Section,
    WrittenReport,
)
from paperbrief.store import MIGRATIONS, OrderedPaper, Store, document_hash, report_key


def _doc(text="We propose X. It improves Y by 2.67x."):
    return Document(arxiv_id="2602.05293", title="Fast-SAM3D", abstract=text,
                    sections=[Section(heading="Introduction", level=1, text=text)], source="HTML")


def _written(failed=False):
    report = None if failed else Report(
        domain="计算机视觉", contribution="提出 Fast-SAM3D。",
        usage=[LabeledText(label="输入", text="单张图像")],
        innovations=[Innovation(name="缓存（Caching）", detail="……")],
        results=[LabeledText(label="加速", text="2.67 倍")])
    return WrittenReport(arxiv_id="2602.05293", provenance="arxiv_html", lang="zh", model="m", prompt_version="p1",
                         report=report, failure=Failure(kind="writer_crashed", detail="boom") if failed else None)


def test_migrations_are_pinned(tmp_path):
    # Migrations are append-only: shipped names never change order or disappear.
    names = [name for name, _ in MIGRATIONS]
    assert names[:3] == ["001_initial", "002_search", "003_outcome"]
    assert {"004_deliveries", "005_interests", "006_claims", "007_llm_usage", "008_period_deliveries",
            "009_claims_any", "010_call_subject", "011_day_order"} <= set(names)
    assert len(set(names)) == len(names)
    db = tmp_path / "pb.db"
    with Store(db) as s:
        applied = [r[0] for r in s.query("SELECT name FROM schema_migrations ORDER BY name")]
        assert applied == sorted(names)  # every migration applied, whatever order they landed in
        tables = {r[0] for r in s.query("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"papers", "days", "listings", "documents", "reports", "runs", "llm_calls", "schema_migrations",
            "deliveries", "day_order"} <= tables
    # Re-opening applies nothing new and keeps data.
    with Store(db) as s:
        assert s.migrate() == []
        assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_listing_round_trip_keeps_order(tmp_path):
    papers = [ListedPaper(arxiv_id=f"2602.0000{i}", title=f"T{i} τ²-Bench", authors=["A", "B"], upvotes=i,
                          hf_url=f"https://huggingface.co/papers/2602.0000{i}") for i in (3, 1, 2)]
    with Store(tmp_path / "pb.db") as s:
        s.save_listing(DayListing(date="2026-02-08", papers=papers))
        got = s.get_listing("2026-02-08")
        assert [p.arxiv_id for p in got.papers] == ["2602.00003", "2602.00001", "2602.00002"]
        assert got.papers[0].title == "T3 τ²-Bench" and got.papers[0].upvotes == 3
        assert s.get_listing("2026-02-07") is None
        assert s.days() == [("2026-02-08", 3)]
        # a second listing of the same day replaces the first
        s.save_listing(DayListing(date="2026-02-08", papers=papers[:1]))
        assert len(s.get_listing("2026-02-08").papers) == 1


def test_documents_are_content_addressed(tmp_path):
    with Store(tmp_path / "pb.db") as s:
        h1 = s.save_document(_doc())
        h2 = s.save_document(_doc())
        assert h1 == h2 == document_hash(_doc())
        assert s.query("SELECT count(*) FROM documents")[0][0] == 1
        h3 = s.save_document(_doc("Other text."))
        assert h3 != h1
        assert s.latest_document("2602.05293")[0] == h3
        [(body,)] = s.query("SELECT body FROM documents WHERE hash = ?", (h1,))
        assert Document.model_validate_json(body).abstract.startswith("We propose")


def test_report_key_changes_with_each_input():
    base = report_key("d", "p1", "m", "zh")
    assert base == report_key("d", "p1", "m", "zh")
    assert len({base, report_key("d2", "p1", "m", "zh"), report_key("d", "p2", "m", "zh"),
                report_key("d", "p1", "m2", "zh"), report_key("d", "p1", "m", "en"),
                report_key("d", "p1", "m", "zh", ["https://github.com/x/y"])}) == 6


def test_failed_reports_are_not_reused(tmp_path):
    with Store(tmp_path / "pb.db") as s:
        s.save_report("k", "d", _written(failed=True))
        assert s.get_report("k") is None
        assert s.get_report("k", include_failed=True).written.failure == Failure(kind="writer_crashed", detail="boom")
        row = s.query("SELECT failure_kind, failure_detail, provenance FROM reports WHERE key = 'k'")[0]
        assert tuple(row) == ("writer_crashed", "boom", "arxiv_html")
        s.save_report("k", "d", _written())
        got = s.get_report("k")
        assert got.written.report.results[0].text == "2.67 倍"
        assert s.latest_report("2602.05293", lang="zh").key == "k"


def test_runs_and_calls(tmp_path):
    with Store(tmp_path / "pb.db") as s:
        run = s.start_run("2026-02-08", "zh", "m", "p1")
        s.record_calls(run, "2602.05293", [LLMCall(model="m", prompt_version="p1", tokens_in=100, tokens_out=20)],
                       cost_of=lambda c: 0.5)
        s.finish_run(run, "ok", {"papers": 1, "中文": "可以"})
        [r] = s.runs()
        assert r.status == "ok" and r.stats["中文"] == "可以" and r.finished_at >= r.started_at
        assert s.query("SELECT sum(cost_usd) FROM llm_calls WHERE run_id = ?", (run,))[0][0] == 0.5


def test_a_failed_transaction_leaves_nothing(tmp_path):
    with Store(tmp_path / "pb.db") as s:
        with pytest.raises(sqlite3.IntegrityError), s.transaction() as c:
            c.execute("INSERT INTO days VALUES ('2026-02-08', 0, 0)")
            c.execute("INSERT INTO days VALUES ('2026-02-08', 0, 0)")
        assert s.days() == []


def test_003_outcome_fills_the_columns_of_reports_stored_before(tmp_path):
    """A store from before the typed outcome: English error sentences and pipeline flags become
    failure kinds and provenance columns, and the bodies are rewritten in today's shape."""
    import json
    import time

    from paperbrief.store import _split_sql

    db = tmp_path / "old.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at REAL NOT NULL)")
    for name, sql in MIGRATIONS[:2]:
        for statement in _split_sql(sql):
            conn.execute(statement)
        conn.execute("INSERT INTO schema_migrations VALUES (?, ?)", (name, time.time()))
    old = {
        "timeout": {"arxiv_id": "2602.00001", "title": "A", "source": "HTML", "lang": "zh", "report": None,
                    "flags": [], "error": "LLM request timed out: no answer within 180 s (2 tries)"},
        "unread": {"arxiv_id": "2602.00002", "title": "B", "source": "ArXiv Abs", "lang": "zh", "report": None,
                   "flags": ["unread"], "error": "could not read the paper: HTTP 503"},
        "fallback": {"arxiv_id": "2602.00003", "title": "C", "source": "ArXiv Abs", "lang": "zh",
                     "report": json.loads(_written().model_dump_json())["report"],
                     "flags": ["read_fallback", "empty:usage"], "error": None},
        "auth": {"arxiv_id": "2602.00004", "title": "D", "source": "PDF", "lang": "en", "report": None, "flags": [],
                 "error": "LLM endpoint refused the request: HTTP 401: bad key"},
    }
    for key, body in old.items():
        conn.execute("INSERT INTO reports(key, arxiv_id, doc_hash, lang, model, prompt_version, writer, failed, "
                     "error, body, created_at) VALUES (?, ?, 'd', ?, 'm', 'p', 'llm', ?, ?, ?, 0)",
                     (key, body["arxiv_id"], body["lang"], int(body["report"] is None), body["error"],
                      json.dumps(body)))
    conn.commit()
    conn.close()
    with Store(db) as s:
        rows = {r["key"]: (r["failure_kind"], r["provenance"]) for r in
                s.query("SELECT key, failure_kind, provenance FROM reports")}
        assert rows == {"timeout": ("timeout", "arxiv_html"), "unread": ("unread", "export_abstract"),
                        "fallback": (None, "listing_fallback"), "auth": ("endpoint_auth", "arxiv_pdf")}
        fallback = s.get_report("fallback").written
        assert fallback.flags == ["empty:usage"] and fallback.report is not None
        body = json.loads(s.query("SELECT body FROM reports WHERE key = 'unread'")[0]["body"])
        assert body["failure"] == {"kind": "unread", "detail": "could not read the paper: HTTP 503"}
        assert "error" not in body and "source" not in body


def test_a_failed_attempt_never_replaces_a_good_report_of_the_same_key(tmp_path):
    with Store(tmp_path / "pb.db") as s:
        s.save_report("k", "d", _written())
        s.save_report("k", "d", _written(failed=True))  # e.g. --force with an endpoint that now refuses the key
        good = s.get_report("k")
        assert good is not None and good.written.report.results[0].text == "2.67 倍"
        attempt = s.get_report("failed:k", include_failed=True)
        assert attempt is not None and attempt.written.failure.kind == "writer_crashed"
        [entry] = s.query("SELECT count(*) FROM reports WHERE arxiv_id = '2602.05293'")
        assert entry[0] == 2


def test_processes_opening_a_new_store_at_once_apply_each_migration_once(tmp_path):
    """Overlapping cron jobs on a fresh home: every opener succeeds and no migration runs twice
    (it did: 'table search_fts already exists', or 'no such column arxiv_id' from a rename run twice)."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    for attempt in range(3):
        path = tmp_path / f"fresh-{attempt}.db"
        with ctx.Pool(6) as pool:
            results = pool.map(_open_store, [str(path)] * 6)
        assert results == ["ok"] * 6
        with Store(path) as store:
            names = [r[0] for r in store.query("SELECT name FROM schema_migrations")]
        assert sorted(names) == sorted(name for name, _ in MIGRATIONS)


def _open_store(path: str) -> str:
    try:
        Store(path).close()
    except Exception as e:  # the failure itself is what the test reports
        return f"{type(e).__name__}: {e}"
    return "ok"


def test_a_migration_splits_only_where_sqlite_ends_a_statement():
    """A semicolon inside a comment, a string literal or a trigger's body does not end the statement."""
    from paperbrief.store import _split_sql

    script = """-- notes; the next statement makes a table
CREATE TABLE t (a TEXT DEFAULT 'x;y');  -- trailing; comment
CREATE TRIGGER t_ins AFTER INSERT ON t BEGIN UPDATE t SET a = a || ';'; END;
-- only a comment; at the end
"""
    statements = _split_sql(script)
    assert len(statements) == 2
    assert statements[0].endswith("CREATE TABLE t (a TEXT DEFAULT 'x;y');")
    assert statements[1].startswith("-- trailing; comment\nCREATE TRIGGER") and statements[1].endswith("END;")
    conn = sqlite3.connect(":memory:")
    for statement in statements:
        conn.execute(statement)
    conn.execute("INSERT INTO t DEFAULT VALUES")
    assert conn.execute("SELECT a FROM t").fetchall() == [("x;y;",)]


def test_a_runs_day_order_is_stored_and_read_back_as_typed_papers(tmp_path):
    with Store(tmp_path / "pb.db") as s:
        run = s.start_run("2026-02-08", "zh", "m", "v1")
        other = s.start_run("2026-02-08", "en", "m", "v1")
        matched = [{"kind": "keyword", "interest": "扩散模型", "evidence": "diffusion"}]
        s.save_day_order(run, [OrderedPaper("2602.00002", True, 0.8, matched, "tfidf"),
                               OrderedPaper("2602.00001", False, 0.0, [], "tfidf")])
        s.save_day_order(other, [OrderedPaper("2602.00001", True)])
        assert s.day_order(run) == [OrderedPaper("2602.00002", True, 0.8, matched, "tfidf"),
                                    OrderedPaper("2602.00001", False, 0.0, [], "tfidf")]
        s.save_day_order(run, [OrderedPaper("2602.00001", True)])  # a second write replaces the first
        assert s.day_order(run) == [OrderedPaper("2602.00001", True, None, None, None)]
        assert s.day_order(other) == [OrderedPaper("2602.00001", True)] and s.day_order(other + 1) == []
