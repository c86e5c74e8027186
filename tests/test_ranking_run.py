"""Ranking in the daily run and in `list`: the three sort orders, --top (no LLM cost for the rest),
relevance and matches in the day JSON and the store, --sort relevance without interests, render."""

from __future__ import annotations

import json

import jsonschema
import pytest
from test_run import DATE, SCHEMA, check_day_markdown, cli_env, listing_items, paperbrief

from paperbrief.config import load_settings
from paperbrief.pipeline import RunError, rerender, run_day

ITEMS = listing_items()
TITLES = {it["paper"]["id"]: it["paper"]["title"] for it in ITEMS}
UPVOTES = {it["paper"]["id"]: it["paper"]["upvotes"] for it in ITEMS}
VIDEO = ["2602.06028", "2602.05871"]  # "video generation" in the title
VIDEO_ABSTRACT = ["2601.21037", "2602.05986", "2602.04789"]  # ... in the abstract


def expected_score(arxiv_id: str) -> float:
    return 0.6 if arxiv_id in VIDEO else 0.45 if arxiv_id in VIDEO_ABSTRACT else 0.0


def _settings(tmp_path, monkeypatch, replica=None, **overrides):
    if replica is not None:
        monkeypatch.setenv("OPENAI_BASE_URL", replica.url + "/v1")
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-0123456789abcdefghij")
        overrides.setdefault("model", "replica-model")
    return load_settings({"out": tmp_path / "out", **overrides})


def test_sort_by_upvotes_orders_blocks_and_json(replica_env, tmp_path, monkeypatch):
    ids = ["2602.05293", "2602.05327", "2601.22027", "2602.05842"]
    settings = _settings(tmp_path, monkeypatch, sort="upvotes")
    result = run_day(settings, DATE, ids=ids)
    want = sorted(ids, key=lambda i: -UPVOTES[i])
    day = json.loads(result.json_path.read_text("utf-8"))
    assert [p["arxiv_id"] for p in day["papers"]] == want and day["sort"] == "upvotes"
    assert "relevance" not in day["papers"][0] and "matched" not in day["papers"][0]  # no interests: absent
    check_day_markdown(result.md_path.read_text("utf-8"), DATE, [(i, TITLES[i]) for i in want])
    jsonschema.validate(day, SCHEMA)


def test_sort_relevance_with_top_writes_only_the_best(replica, replica_env, tmp_path, monkeypatch):
    llm = replica.services["llm"]
    monkeypatch.setenv("PAPERBRIEF_INTEREST_KEYWORDS", "video generation, 投机解码")
    monkeypatch.setenv("PAPERBRIEF_INTEREST_EXCLUDE", "world model")
    settings = _settings(tmp_path, monkeypatch, replica, sort="relevance")
    result = run_day(settings, DATE, top=3)
    # "video generation" in the title (0.6), then in the abstract (0.45); ties by upvotes, then as listed
    ranked = sorted(ITEMS, key=lambda it: (-expected_score(it["paper"]["id"]), -it["paper"]["upvotes"]))
    want = [it["paper"]["id"] for it in ranked[:3]]
    assert [o.paper.arxiv_id for o in result.outcomes] == want
    report_requests = [r for r in llm.requests if "<paper>" in json.dumps(r["body"], ensure_ascii=False)]
    assert len(report_requests) == 3  # no LLM cost for the other 44
    day = json.loads(result.json_path.read_text("utf-8"))
    jsonschema.validate(day, SCHEMA)
    assert [p["arxiv_id"] for p in day["papers"]] == want and day["top"] == 3 and day["sort"] == "relevance"
    first = day["papers"][0]
    # the replica's report names the title, so the keyword is found there too (the best place counts)
    assert first["relevance"] == 0.6 and first["matched"] == [
        {"kind": "keyword", "value": "video generation", "where": ["title", "report"], "weight": 0.6}]
    assert day["relevance_method"] == ""  # no library: no similarity
    others = day["others"]
    assert len(others) == 44 and [o["arxiv_id"] for o in others] == [it["paper"]["id"] for it in ranked[3:]]
    assert all(o["abstract"] and "\n" not in o["abstract"] for o in others)
    # "world model" in the abstract pushes a paper down (exclusions multiply)
    world = next(o for o in others if o["arxiv_id"] == "2602.02393")
    assert world["relevance"] == 0.0 and world["matched"][0]["kind"] == "exclude"
    check_day_markdown(result.md_path.read_text("utf-8"), DATE, [(i, TITLES[i]) for i in want])
    # the store keeps every listed paper's relevance and matches
    from paperbrief.rank import load_relevance
    from paperbrief.store import Store

    with Store(settings.db_path) as store:
        stored = load_relevance(store, [it["paper"]["id"] for it in ITEMS], "zh")
    assert len(stored) == 47 and stored[VIDEO[0]].score == 0.6 and stored["2602.02393"].score == 0.0

    # render rebuilds the same file from the store, with the last run's order and --top
    md = result.md_path.read_text("utf-8")
    out2 = tmp_path / "out2"
    md_path, json_path = rerender(settings, DATE, out=out2)
    assert md_path.read_text("utf-8") == md
    assert [p["arxiv_id"] for p in json.loads(json_path.read_text("utf-8"))["papers"]] == want
    # ... or with another order
    _, json_path = rerender(settings, DATE, out=out2, sort="listing", top=47)
    assert [p["arxiv_id"] for p in json.loads(json_path.read_text("utf-8"))["papers"]] == [
        i for i in TITLES if i in want]


def test_relevance_without_interests_is_a_clear_error(replica, tmp_path):
    env = cli_env(replica, tmp_path / "h")
    for args in (["run", "--date", DATE, "--sort", "relevance"], ["list", "--date", DATE, "--sort", "relevance"]):
        proc = paperbrief(args, env)
        assert proc.returncode == 2, proc.stderr
        assert "--sort relevance needs interests" in proc.stderr and "[interests]" in proc.stderr
        assert proc.stderr.count("\n") == 1
    assert replica.count("/") == 0  # stopped before any request
    with pytest.raises(RunError, match="needs interests"):
        run_day(load_settings({"sort": "relevance"}), DATE)
    bad = paperbrief(["run", "--date", DATE, "--sort", "random"], env)
    assert bad.returncode == 2 and "--sort must be listing, upvotes or relevance" in bad.stderr


def test_list_shows_upvotes_and_relevance_and_sorts(replica, tmp_path):
    env = cli_env(replica, tmp_path / "h", llm=False)
    plain = paperbrief(["list", "--date", DATE, "--sort", "upvotes"], env)
    assert plain.returncode == 0, plain.stderr
    rows = [ln.split("\t") for ln in plain.stdout.splitlines()]
    assert [r[1] for r in rows] == [str(u) for u in sorted(UPVOTES.values(), reverse=True)]
    assert all(len(r) == 3 for r in rows)  # id, upvotes, title: no relevance without interests
    ranked = paperbrief(["list", "--date", DATE, "--sort", "relevance", "-k", "video generation", "--json"], env)
    assert ranked.returncode == 0, ranked.stderr
    data = json.loads(ranked.stdout)
    assert [p["arxiv_id"] for p in data[:2]] == VIDEO and data[0]["relevance"] == 0.6
    assert data[0]["matched"][0]["value"] == "video generation" and data[2]["relevance"] == 0.45
    assert [p["relevance"] for p in data].count(0.0) == 47 - 5
    table = paperbrief(["list", "--date", DATE, "--keyword", "video generation"], env)
    first = table.stdout.splitlines()[0].split("\t")
    assert first == [ITEMS[0]["paper"]["id"], str(ITEMS[0]["paper"]["upvotes"]), "0.00", ITEMS[0]["paper"]["title"]]
    video_row = next(ln for ln in table.stdout.splitlines() if ln.startswith(VIDEO[0]))
    assert video_row.split("\t")[2] == "0.60"


def test_a_missing_library_file_stops_the_run_before_any_work(replica, tmp_path):
    env = cli_env(replica, tmp_path / "h")
    proc = paperbrief(["run", "--date", DATE, "--papers", str(tmp_path / "nope.bib")], env)
    assert proc.returncode == 2 and "library file" in proc.stderr and "does not exist" in proc.stderr
    assert replica.count("/v1/") == 0


def _ranked(day: dict, part: str) -> list[tuple[str, float, list]]:
    return [(p["arxiv_id"], p["relevance"], p["matched"]) for p in day.get(part, [])]


def test_render_and_send_rebuild_exactly_the_day_a_run_with_ids_and_top_wrote(replica_env, tmp_path, monkeypatch):
    """`run --ids … --top N` with a library embeds only those papers. `render` used to rank the whole listing
    again offline (TF-IDF, as the others have no embedding) and chose papers that have no report: a day file
    with no papers. The run records the day it wrote; render and send rebuild exactly that from the store."""
    from test_embeddings import _run_settings

    from paperbrief.deliver.parcel import day_parcel
    from paperbrief.store import Store

    settings = _run_settings(tmp_path, replica_env, monkeypatch, sort="relevance")
    ids = ["2602.05293", "2602.05327", "2602.06028"]
    result = run_day(settings, DATE, ids=ids, top=2)
    written = [o.paper.arxiv_id for o in result.outcomes]
    day = json.loads(result.json_path.read_text("utf-8"))
    papers = [p["arxiv_id"] for p in day["papers"]]
    assert len(written) == 2 and sorted(papers) == sorted(written)
    assert [o["arxiv_id"] for o in day["others"]] == [i for i in ids if i not in written]
    assert day["relevance_method"] == "embedding:replica-embed"

    from paperbrief.rank import load_relevance

    with Store(settings.db_path) as store:
        before = load_relevance(store, TITLES, "zh")
    md_path, json_path = rerender(settings, DATE, out=tmp_path / "again")
    assert md_path.read_text("utf-8") == result.md_path.read_text("utf-8")
    with Store(settings.db_path) as store:  # nothing ranked again: the relevance the site shows is the run's
        assert load_relevance(store, TITLES, "zh") == before
    rendered = json.loads(json_path.read_text("utf-8"))
    assert [p["arxiv_id"] for p in rendered["papers"]] == papers
    assert _ranked(rendered, "papers") == _ranked(day, "papers") and _ranked(rendered, "others") == _ranked(day, "others")
    assert rendered["relevance_method"] == day["relevance_method"] and rendered["top"] == 2
    with Store(settings.db_path) as store:  # `paperbrief send` builds the day the same way
        parcel = day_parcel(settings, store, DATE, "zh")
    assert [e.paper.arxiv_id for e in parcel.day.entries] == papers
    assert [p.arxiv_id for p in parcel.day.others] == [o["arxiv_id"] for o in day["others"]]

    # another --top ranks the papers the run arranged, by the relevance it recorded
    _, json_path = rerender(settings, DATE, out=tmp_path / "one", top=1)
    one = json.loads(json_path.read_text("utf-8"))
    assert [p["arxiv_id"] for p in one["papers"]] == papers[:1]
    assert sorted(o["arxiv_id"] for o in one["others"]) == sorted(set(ids) - {papers[0]})

    # ... also when many runs of other days came after it
    with Store(settings.db_path) as store:
        for _ in range(210):
            store.finish_run(store.start_run("2026-02-09", "zh", "replica-model", "v"), "ok", {"papers": 0})
    _, json_path = rerender(settings, DATE, out=tmp_path / "later")
    assert _ranked(json.loads(json_path.read_text("utf-8")), "papers") == _ranked(day, "papers")

    # a day written before runs recorded it is ranked offline again, but the papers with reports keep their blocks
    with Store(settings.db_path) as store, store.transaction() as c:
        c.execute("DELETE FROM day_order")
    _, json_path = rerender(settings, DATE, out=tmp_path / "older")
    older = json.loads(json_path.read_text("utf-8"))
    assert sorted(p["arxiv_id"] for p in older["papers"]) == sorted(written)
    assert len(older["others"]) == len(ITEMS) - 2


def test_with_top_the_papers_written_keep_their_blocks_when_their_reports_lower_their_relevance(
        replica, replica_env, tmp_path, monkeypatch):
    """Relevance is computed again once the reports are written (their text counts). An excluded phrase
    in every report ('新方法', the replica's) pushes the written papers below unwritten ones: the day still
    shows the papers the run chose and wrote, not papers with no report (which used to vanish)."""
    monkeypatch.setenv("PAPERBRIEF_INTEREST_KEYWORDS", "video generation")
    monkeypatch.setenv("PAPERBRIEF_INTEREST_EXCLUDE", "新方法")
    settings = _settings(tmp_path, monkeypatch, replica, sort="relevance")
    result = run_day(settings, DATE, top=2, overview=False)
    written = [o.paper.arxiv_id for o in result.outcomes]
    assert written == VIDEO
    day = json.loads(result.json_path.read_text("utf-8"))
    assert sorted(p["arxiv_id"] for p in day["papers"]) == sorted(VIDEO)
    assert all(p["relevance"] < 0.45 for p in day["papers"])  # lowered by the exclusion, still shown
    assert [o["arxiv_id"] for o in day["others"]][:3] == VIDEO_ABSTRACT  # listed, never dropped
    assert len(day["others"]) == len(ITEMS) - 2
    _, json_path = rerender(settings, DATE, out=tmp_path / "again", overview=False)
    assert [p["arxiv_id"] for p in json.loads(json_path.read_text("utf-8"))["papers"]] == [
        p["arxiv_id"] for p in day["papers"]]
