"""The daily run end to end: `paperbrief run` as a subprocess against the replicas of Hugging Face,
arXiv and the LLM; the day's files checked against every rule of docs/report-format.md; resume after
SIGKILL; a rerun that makes no request; render from the store; exit codes; runs and config."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC
from pathlib import Path

import jsonschema
import pytest

from paperbrief.replica import fixtures

DATE = "2026-02-08"
SEP = "=" * 60
ZH_SECTIONS = ["1. **应用领域**：", "2. **一句话核心贡献**：", "3. **使用指南**：", "4. **主要创新点**：", "5. **实验效果**："]
SCHEMA = json.loads((Path(__file__).parents[1] / "src/paperbrief/schemas/day.schema.json").read_text("utf-8"))


def expected_source(arxiv_id: str) -> str:
    """What the replica serves for a paper decides what the report must say it was read from."""
    entry = fixtures.manifest().get(arxiv_id, {})
    if entry.get("html"):
        return "HTML"
    if entry.get("pdf"):
        return "PDF"
    return "ArXiv Abs"


def listing_items(date: str = DATE) -> list[dict]:
    return fixtures.listing(date)


def cli_env(replica, home: Path, *, llm: bool = True) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PAPERBRIEF_HOME=str(home),
        HF_ENDPOINT=replica.url,
        PAPERBRIEF_ARXIV_URL=replica.url,
        PAPERBRIEF_ARXIV_EXPORT_URL=replica.url + "/api/query",
        PAPERBRIEF_ARXIV_DELAY="0",
        PYTHONUNBUFFERED="1",
    )
    if llm:
        env.update(OPENAI_BASE_URL=replica.url + "/v1", OPENAI_API_KEY="sk-test-0123456789abcdefghij",
                   PAPERBRIEF_MODEL="replica-model")
    return env


def paperbrief(args: list[str], env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "paperbrief", *args], env=env, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def check_day_markdown(md: str, date: str, papers: list[tuple[str, str]]) -> None:
    """Every rule of docs/report-format.md for the daily Markdown. `papers` = [(arxiv_id, title)] in order."""
    lines = md.split("\n")
    assert lines[0] == "# Hugging Face Daily Papers Report"
    assert lines[1] == f"**Date**: {date}"
    assert lines[2] == f"**Source URL**: https://huggingface.co/papers/date/{date}"
    assert lines[3] == ""
    if lines[4] != SEP:  # only the day's overview may stand between the header block and the first separator
        assert lines[4] in ("## 今日速览", "## Today"), lines[4]
    assert sum(1 for ln in lines if ln == SEP) == len(papers) + 1
    assert all(ln == SEP or not ln.startswith("====") for ln in lines)
    blocks = md.split("\n" + SEP + "\n")
    assert blocks[-1].strip() == "", "a separator must follow the last paper"
    body_blocks = blocks[1:-1]
    assert len(body_blocks) == len(papers)
    for block, (arxiv_id, title) in zip(body_blocks, papers, strict=False):
        blines = block.strip("\n").split("\n")
        assert blines[0] == f"## 📄 {title}"
        assert blines[1] == ""
        assert blines[2] == f"- **链接**: https://huggingface.co/papers/{arxiv_id}"
        assert blines[3] == f"- **阅读来源**: {expected_source(arxiv_id)}", arxiv_id
        positions = [block.find(h) for h in ZH_SECTIONS]
        assert all(p > 0 for p in positions), f"{arxiv_id}: missing a section heading"
        assert positions == sorted(positions), f"{arxiv_id}: sections out of order"


def report_requests(llm) -> list[dict]:
    """The LLM requests that asked for a paper's report (not for the day's overview)."""
    return [r for r in llm.requests if "<papers>" not in json.dumps(r["body"], ensure_ascii=False)]


def strip_timings(day: dict) -> dict:
    """The day without what depends on when and against which endpoint state it ran: timings, and
    how many prompt tokens the endpoint's cache served (the replica's cache outlives a run)."""
    day = json.loads(json.dumps(day))
    day.pop("timings", None)
    day.get("tokens", {}).pop("cached", None)
    for part in day.get("llm_usage", {}).values():
        part.pop("cached", None)
    day.get("overview", {}).pop("cached_tokens", None)
    return day


@pytest.fixture
def llm(replica):
    return replica.services["llm"]


def test_full_day_against_the_replicas(replica, tmp_path):
    home, out = tmp_path / "home", tmp_path / "out"
    proc = paperbrief(["run", "--date", DATE, "--out", str(out), "--jobs", "8"], cli_env(replica, home))
    assert proc.returncode == 0, proc.stderr[-3000:]
    items = listing_items()
    papers = [(it["paper"]["id"], it["paper"]["title"]) for it in items]
    assert len(papers) == 47
    md = (out / f"{DATE}.md").read_text(encoding="utf-8")
    check_day_markdown(md, DATE, papers)
    day = json.loads((out / f"{DATE}.json").read_text(encoding="utf-8"))
    jsonschema.validate(day, SCHEMA)
    assert [p["arxiv_id"] for p in day["papers"]] == [i for i, _ in papers]
    assert day["counts"]["papers"] == 47 and day["counts"]["failed"] == 0
    assert {p["arxiv_id"]: p["source"] for p in day["papers"]} == {i: expected_source(i) for i, _ in papers}
    assert day["counts"]["sources"]["ArXiv Abs"] == len(fixtures.abstract_only_ids())
    assert day["tokens"]["in"] > 0 and day["model"] == "replica-model"
    # the listing's GitHub repo reaches the writer as a known link
    with_repo = [it["paper"] for it in items if it["paper"].get("githubRepo")]
    assert with_repo, "the fixture listing should give some papers a GitHub repo"
    for p in with_repo:
        assert any(p["githubRepo"] in str(r["body"]) for r in replica.services["llm"].requests
                   if p["id"] in str(r["body"])), p["id"]
    # the summary names the sources and tokens; not on a terminal, progress is plain log lines
    assert "read from" in proc.stderr and "HTML" in proc.stderr
    assert "[47/47]" in proc.stderr
    # the API key never shows
    assert "sk-test-0123456789abcdefghij" not in proc.stderr + proc.stdout + md + json.dumps(day)
    assert not any(b"sk-test-0123456789abcdefghij" in f.read_bytes() for f in home.glob("paperbrief.db*"))

    # A rerun of the finished day makes no HTTP request and no LLM call.
    replica.reset_counts()
    before_md = md
    proc2 = paperbrief(["run", "--date", DATE, "--out", str(out)], cli_env(replica, home))
    assert proc2.returncode == 0, proc2.stderr[-2000:]
    assert replica.count("/") == 0
    assert (out / f"{DATE}.md").read_text(encoding="utf-8") == before_md
    assert "47 reused" in proc2.stderr

    # render rebuilds identical files from the store with no network at all
    env = cli_env(replica, home)
    replica.stop()
    out2 = tmp_path / "out2"
    proc3 = paperbrief(["render", "--date", DATE, "--out", str(out2)], env)
    assert proc3.returncode == 0, proc3.stderr
    assert (out2 / f"{DATE}.md").read_text(encoding="utf-8") == before_md
    assert strip_timings(json.loads((out2 / f"{DATE}.json").read_text("utf-8"))) == strip_timings(day)

    # runs lists both runs with their figures
    proc4 = paperbrief(["runs", "--json"], env)
    runs = json.loads(proc4.stdout)
    assert [r["status"] for r in runs] == ["ok", "ok"]
    assert runs[1]["stats"]["written"] == 47 and runs[0]["stats"]["reused"] == 47
    plain = paperbrief(["runs"], env).stdout.splitlines()  # piped: whole values, tab-separated
    assert plain[0].split("\t")[:4] == ["id", "date", "started", "status"] and len(plain) == 3
    assert plain[2].split("\t")[1] == DATE and plain[2].split("\t")[6] == "47"


def test_sigkill_mid_run_then_resume(replica, llm, tmp_path):
    items = listing_items()
    # Uninterrupted reference run in its own home.
    ref_out = tmp_path / "ref"
    ref = paperbrief(["run", "--date", DATE, "--out", str(ref_out), "--jobs", "4"], cli_env(replica, tmp_path / "h1"))
    assert ref.returncode == 0, ref.stderr[-2000:]

    # Interrupted run: slow answers so the kill lands mid-way.
    llm.delay = 0.25
    home, out = tmp_path / "h2", tmp_path / "out"
    replica.reset_counts()
    proc = subprocess.Popen([sys.executable, "-m", "paperbrief", "run", "--date", DATE, "--out", str(out), "--jobs", "2"],
                            env=cli_env(replica, home), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while replica.count("/v1/chat/completions") < 12 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, "the run finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (out / f"{DATE}.md").exists(), "no day file before the day is complete"
    assert not list(out.glob("*.tmp")) if out.exists() else True
    with sqlite3.connect(home / "paperbrief.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = [r[0] for r in db.execute("SELECT arxiv_id FROM reports WHERE failed = 0")]
    assert 0 < len(stored) < 47

    llm.delay = 0
    replica.reset_counts()
    llm.requests.clear()
    again = paperbrief(["run", "--date", DATE, "--out", str(out), "--jobs", "4"], cli_env(replica, home))
    assert again.returncode == 0, again.stderr[-2000:]
    titles = {it["paper"]["id"]: it["paper"]["title"] for it in items}
    for arxiv_id in stored:
        asked = [r for r in report_requests(llm) if titles[arxiv_id] in json.dumps(r["body"], ensure_ascii=False)]
        assert not asked, f"{arxiv_id} was stored before the kill but written again"
    assert len(report_requests(llm)) == 47 - len(stored)
    assert len(llm.requests) == 47 - len(stored) + 1  # and the day's overview, once the day is complete
    assert (out / f"{DATE}.md").read_text("utf-8") == (ref_out / f"{DATE}.md").read_text("utf-8")
    assert strip_timings(json.loads((out / f"{DATE}.json").read_text("utf-8"))) == strip_timings(
        json.loads((ref_out / f"{DATE}.json").read_text("utf-8")))


def test_extractive_default_without_llm(replica_env, tmp_path):
    """With no endpoint configured the run works out of the box, writing extracts."""
    from paperbrief.config import load_settings
    from paperbrief.pipeline import run_day

    settings = load_settings({"out": tmp_path / "out"})
    assert not settings.llm_configured
    ids = fixtures.html_fixture_ids()[:2] + fixtures.pdf_only_ids()[:1] + fixtures.abstract_only_ids()[:1]
    result = run_day(settings, DATE, ids=ids)
    assert not result.failed, [o.written.error for o in result.failed]
    assert {o.written.writer for o in result.outcomes} == {"extractive"}
    assert replica_env.count("/v1/") == 0
    md = result.md_path.read_text("utf-8")
    order = [it["paper"]["id"] for it in listing_items() if it["paper"]["id"] in ids]
    titles = {it["paper"]["id"]: it["paper"]["title"] for it in listing_items()}
    check_day_markdown(md, DATE, [(i, titles[i]) for i in order])
    assert md.count("摘录") >= len(ids)  # says plainly that it is an extract


def test_a_failed_paper_appears_with_its_reason_and_exit_code_1(replica, llm, tmp_path):
    first = listing_items()[0]["paper"]
    llm.script(*(["I'm sorry, but I can't help with that."] * 4))
    out = tmp_path / "out"
    proc = paperbrief(["run", "--date", DATE, "--ids", first["id"], "--out", str(out)], cli_env(replica, tmp_path / "h"))
    assert proc.returncode == 1, proc.stderr
    md = (out / f"{DATE}.md").read_text("utf-8")
    day = json.loads((out / f"{DATE}.json").read_text("utf-8"))
    jsonschema.validate(day, SCHEMA)
    assert day["counts"]["failed"] == 1 and day["papers"][0]["report"] is None and day["papers"][0]["error"]
    assert f"## 📄 {first['title']}" in md and md.count(SEP) == 2
    assert "failed" in proc.stderr


@pytest.mark.parametrize("bad", ["2026-2-8", "2026-02-30", "2999-01-01"])
def test_bad_dates_fail_before_any_request(replica, tmp_path, bad):
    proc = paperbrief(["run", "--date", bad], cli_env(replica, tmp_path / "h"))
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "Error" in proc.stderr
    assert replica.count("/") == 0


def test_default_date_is_the_most_recent_day_with_papers(replica, tmp_path):
    from datetime import datetime, timedelta

    recent = (datetime.now(UTC).date() - timedelta(days=2)).isoformat()
    items = listing_items()[:2]
    replica.services["hf"].set_day(recent, items)
    replica.services["hf"].latest_date = recent
    out = tmp_path / "out"
    proc = paperbrief(["run", "--out", str(out), "--lang", "zh"], cli_env(replica, tmp_path / "h", llm=False))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (out / f"{recent}.md").exists()


def test_render_without_a_store_is_a_clear_error(tmp_path):
    proc = paperbrief(["render", "--date", DATE], dict(os.environ, PAPERBRIEF_HOME=str(tmp_path / "empty")))
    assert proc.returncode == 2 and "paperbrief run --date 2026-02-08" in proc.stderr
    assert not (tmp_path / "empty").exists(), "render must not create a store"


def test_unreachable_listing_cannot_start(tmp_path):
    env = dict(os.environ, HF_ENDPOINT="http://127.0.0.1:9", PAPERBRIEF_HOME=str(tmp_path / "h"))
    proc = paperbrief(["run", "--date", DATE], env)
    assert proc.returncode == 2
    assert "Error" in proc.stderr and "Traceback" not in proc.stderr


def test_config_command_masks_the_key(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text('model = "deepseek-chat"\njobs = 6\n', encoding="utf-8")
    env = dict(os.environ, PAPERBRIEF_CONFIG=str(cfg), OPENAI_API_KEY="sk-secret-abcdefghijklmnop1234")
    proc = paperbrief(["config", "--json"], env)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["settings"]["model"] == "deepseek-chat" and data["settings"]["jobs"] == 6
    assert "sk-secret-abcdefghijklmnop1234" not in proc.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text("jobz = 1\n", encoding="utf-8")
    proc = paperbrief(["config"], dict(env, PAPERBRIEF_CONFIG=str(bad)))
    assert proc.returncode == 2 and "jobz" in proc.stderr


def test_force_rewrites_and_limit_restricts(replica_env, llm, tmp_path, monkeypatch):
    from paperbrief.config import load_settings
    from paperbrief.pipeline import run_day

    monkeypatch.setenv("OPENAI_BASE_URL", replica_env.url + "/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-0123456789abcdefghij")
    settings = load_settings({"out": tmp_path / "out", "model": "replica-model"})
    first = run_day(settings, DATE, limit=3)
    assert [o.paper.arxiv_id for o in first.outcomes] == [it["paper"]["id"] for it in listing_items()[:3]]
    assert len(report_requests(llm)) == 3
    day = json.loads(first.json_path.read_text("utf-8"))
    assert day["counts"]["papers"] == 3 and day["counts"]["listed"] == 47
    again = run_day(settings, DATE, limit=3)
    assert all(o.reused for o in again.outcomes) and len(report_requests(llm)) == 3
    forced = run_day(settings, DATE, limit=3, force=True)
    assert not any(o.reused for o in forced.outcomes) and len(report_requests(llm)) == 6
    # a different language is a different report, written once
    en = run_day(settings, DATE, limit=1, lang="en")
    assert len(report_requests(llm)) == 7 and en.outcomes[0].written.lang == "en"
    assert en.md_path.name == f"{DATE}.en.md" and en.json_path.name == f"{DATE}.en.json"
    assert "应用领域" in first.md_path.read_text("utf-8")  # the Chinese file is still there
    en_md = en.md_path.read_text("utf-8")
    assert "1. **Field**:" in en_md and "5. **Results**:" in en_md and "- **Read from**: " in en_md
    assert "应用领域" not in en_md


def test_ctrl_c_stops_cleanly_and_the_rerun_completes(replica, llm, tmp_path):
    llm.delay = 0.3
    home, out = tmp_path / "h", tmp_path / "out"
    env = cli_env(replica, home)
    proc = subprocess.Popen([sys.executable, "-m", "paperbrief", "run", "--date", DATE, "--out", str(out), "--jobs", "2"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while replica.count("/v1/chat/completions") < 6 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err[-2000:]
    assert "Interrupted" in err and "Traceback" not in err
    llm.delay = 0
    runs = json.loads(paperbrief(["runs", "--json"], env).stdout)
    assert runs[0]["status"] == "interrupted"
    done = paperbrief(["run", "--date", DATE, "--out", str(out)], env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads((out / f"{DATE}.json").read_text("utf-8"))["counts"]["written"] == 47


def test_a_rejected_key_stops_sending_and_says_how_to_fix_it(replica, llm, tmp_path):
    from paperbrief.replica.llm import Answer

    key = "sk-test-0123456789abcdefghij"
    llm.script(Answer.http_error(401, f"Incorrect API key provided: {key}."))
    out = tmp_path / "out"
    proc = paperbrief(["run", "--date", DATE, "--limit", "5", "--jobs", "1", "--out", str(out)],
                      cli_env(replica, tmp_path / "h"))
    assert proc.returncode == 1
    assert len(llm.requests) == 1, "after a 401 no further paper is sent"
    assert "OPENAI_API_KEY" in proc.stderr and "rejected the API key" in proc.stderr
    day = json.loads((out / f"{DATE}.json").read_text("utf-8"))
    assert day["counts"]["failed"] == 5
    assert key not in proc.stderr + proc.stdout + json.dumps(day, ensure_ascii=False)
    assert not any(key.encode() in f.read_bytes() for f in (tmp_path / "h").glob("paperbrief.db*"))


def test_text_with_markup_characters_is_printed_as_is(tmp_path):
    """Titles, paths and values are never read as Rich markup: nothing vanishes, nothing crashes."""
    env = dict(os.environ, PAPERBRIEF_HOME=str(tmp_path / "h"))
    proc = paperbrief(["read", "x[red]y[/x]"], env)
    assert proc.returncode == 2 and "x[red]y[/x]" in proc.stderr and "Traceback" not in proc.stderr
    cfg = tmp_path / "c.toml"
    cfg.write_text('[prices]\nm = [1]\n', encoding="utf-8")
    proc = paperbrief(["config"], dict(env, PAPERBRIEF_CONFIG=str(cfg)))
    assert proc.returncode == 2 and "must be [input, output]" in proc.stderr
    proc = paperbrief(["config"], dict(env, PAPERBRIEF_CONTACT="mailto:me[/x]"))
    assert proc.returncode == 0 and "mailto:me[/x]" in proc.stdout


def test_unwritable_folders_fail_before_any_request(replica, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    env = cli_env(replica, tmp_path / "h")
    proc = paperbrief(["run", "--date", DATE, "--limit", "1", "--out", str(blocker / "out")], env)
    assert proc.returncode == 2 and "cannot write to the output folder" in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = paperbrief(["run", "--date", DATE, "--limit", "1"], dict(env, PAPERBRIEF_HOME=str(blocker / "home")))
    assert proc.returncode == 2 and "PAPERBRIEF_HOME" in proc.stderr
    assert replica.count("/") == 0


def test_arxiv_down_then_back_rereads_the_papers(replica_env, tmp_path):
    """A run while arXiv fails writes from the HF abstracts, says so, stops asking arXiv after a few
    papers, and the next run (arXiv back) reads the full text instead of reusing the fallback."""
    from paperbrief.config import load_settings
    from paperbrief.pipeline import ARXIV_DOWN_AFTER, run_day
    from paperbrief.replica import Fault

    ids = fixtures.html_fixture_ids()
    settings = load_settings({"out": tmp_path / "out", "http_retries": 0})
    for prefix in ("/html/", "/pdf/", "/api/query"):
        replica_env.fault(prefix, Fault.status(503), times=50)
    stream = __import__("io").StringIO()
    from paperbrief.cli.progress import LogReporter

    down = run_day(settings, DATE, ids=ids, reporter=LogReporter(stream))
    log = stream.getvalue()
    assert not down.failed
    assert all(o.written.source == "ArXiv Abs" and o.written.provenance == "listing_fallback" for o in down.outcomes)
    assert "written from the Hugging Face abstract" in log and "not asking it again" in log
    arxiv_requests = sum(replica_env.count(p) for p in ("/html/", "/pdf/", "/api/query"))
    assert arxiv_requests == 3 * ARXIV_DOWN_AFTER, "after the limit no paper asks arXiv again"
    assert down.stats["read_fallbacks"] == sorted(ids)

    replica_env.clear_faults()
    back = run_day(settings, DATE, ids=ids)
    assert not any(o.reused for o in back.outcomes)
    assert {o.written.source for o in back.outcomes} == {"HTML"}
    assert {o.written.provenance for o in back.outcomes} == {"arxiv_html"}
    third = run_day(settings, DATE, ids=ids)
    assert all(o.reused for o in third.outcomes)


def test_reports_of_an_older_prompt_are_kept_until_asked(replica_env, llm, tmp_path, monkeypatch):
    from paperbrief.config import load_settings
    from paperbrief.pipeline import Reporter, run_day
    from paperbrief.store import Store, report_key

    class Messages(Reporter):
        def __init__(self) -> None:
            self.lines: list[str] = []

        def message(self, text: str) -> None:
            self.lines.append(text)

    monkeypatch.setenv("OPENAI_BASE_URL", replica_env.url + "/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-0123456789abcdefghij")
    settings = load_settings({"out": tmp_path / "out", "model": "replica-model"})
    first = run_day(settings, DATE, limit=2)
    current = first.outcomes[0].written.prompt_version
    # the second paper's request starts with the same system prompt: the replica reports it cached
    cached = [o.written.cached_tokens for o in first.outcomes]
    assert sorted(cached)[0] == 0 and sorted(cached)[1] > 500 and first.stats["tokens_cached"] == sum(cached)
    assert json.loads(first.json_path.read_text("utf-8"))["tokens"]["cached"] == sum(cached)
    # Make the stored reports look written by an older prompt, as after a prompt change.
    with Store(settings.db_path) as store:
        for o in first.outcomes:
            row = store.query("SELECT key, doc_hash FROM reports WHERE arxiv_id = ?", (o.paper.arxiv_id,))[0]
            store.query("DELETE FROM reports WHERE key = ?", (row["key"],))
            old = o.written.model_copy(update={"prompt_version": "report-zh-1+00000000"})
            store.save_report(report_key(row["doc_hash"], old.prompt_version, "replica-model", "zh",
                                         o.paper.known_links()), row["doc_hash"], old)
    assert len(report_requests(llm)) == 2
    reporter = Messages()
    kept = run_day(settings, DATE, limit=2, reporter=reporter)
    assert len(report_requests(llm)) == 2, "an older prompt's report must not be rewritten silently"
    assert all(o.reused and o.older_prompt for o in kept.outcomes) and kept.stats["older_prompt"] == 2
    assert [o.written.prompt_version for o in kept.outcomes] == ["report-zh-1+00000000"] * 2
    assert reporter.lines == ["2 papers keep their reports written with an older prompt version (not rewritten, so "
                              "not paid for again); add --rewrite-older-prompts to write them with the current prompt"]
    rewritten = run_day(settings, DATE, limit=2, rewrite_older_prompts=True)
    assert len(report_requests(llm)) == 4 and not any(o.reused for o in rewritten.outcomes)
    assert [o.written.prompt_version for o in rewritten.outcomes] == [current] * 2
    again = run_day(settings, DATE, limit=2)
    assert len(report_requests(llm)) == 4 and all(o.reused and not o.older_prompt for o in again.outcomes)
    md = again.md_path.read_text("utf-8")
    assert md.count("## 📄") == 2


def test_a_run_stopped_before_its_papers_does_not_become_the_days_last_run(tmp_path):
    """A run is recorded before it ranks the day (so its embeddings are its own); one stopped there (Ctrl-C,
    a library file gone meanwhile) wrote nothing: the day's files keep the order and timings of the last
    run that did."""
    from paperbrief.models import DayListing, ListedPaper
    from paperbrief.render.day import load_day
    from paperbrief.store import Store

    with Store(tmp_path / "pb.db") as store:
        store.save_listing(DayListing(date=DATE, papers=[ListedPaper(arxiv_id="2602.05293", title="T")]))
        done = store.start_run(DATE, "zh", "m", "p1")
        stats = {"papers": 1, "written": 1, "sort": "upvotes", "top": 1}
        store.finish_run(done, "ok", stats)
        stopped = store.start_run(DATE, "zh", "m", "p1")
        store.finish_run(stopped, "interrupted", {})
        day = load_day(store, DATE, "zh")
    assert day is not None and day.last_run == stats and day.run["run_id"] == done
