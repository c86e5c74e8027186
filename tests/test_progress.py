"""Progress: a rich display on a terminal, plain log lines elsewhere, and the summary table."""

import io

from rich.console import Console

from paperbrief.cli.progress import LiveReporter, LogReporter, summary_table
from paperbrief.config import load_settings
from paperbrief.pipeline import run_day
from paperbrief.replica import fixtures

DATE = "2026-02-08"


def _ids():
    return fixtures.html_fixture_ids()[:2] + fixtures.abstract_only_ids()[:1]


def test_live_display_on_a_terminal(replica_env, tmp_path):
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, width=80, color_system=None)
    settings = load_settings({"out": tmp_path / "out"})
    with LiveReporter(console, settings) as reporter:
        result = run_day(settings, DATE, ids=_ids(), reporter=reporter)
    text = buf.getvalue()
    assert "47 papers listed, running 3" in text
    assert "3/3" in text and "ok 3" in text and "failed 0" in text
    # usable at 80 columns: the bars and their figures fit on one line each
    import re
    lines = [re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", ln) for ln in re.split(r"[\r\n]", text)]
    assert max(len(ln) for ln in lines) <= 80
    assert any(ln.startswith("write") and "3/3" in ln and "ok 3" in ln for ln in lines)
    table = io.StringIO()
    Console(file=table, width=120, color_system=None).print(summary_table(result))
    out = table.getvalue()
    assert "HTML 2 · PDF 0 · ArXiv Abs 1" in out and "3: 3 newly written, 0 reused, 0 failed" in out


def test_plain_lines_elsewhere(replica_env, tmp_path):
    stream = io.StringIO()
    settings = load_settings({"out": tmp_path / "out"})
    run_day(settings, DATE, ids=_ids(), reporter=LogReporter(stream))
    lines = stream.getvalue().splitlines()
    assert lines[0].endswith("writer: extractive (no LLM endpoint)")
    assert lines[1].endswith("2026-02-08: 47 papers listed (running 3)")
    assert sum("written" in ln for ln in lines) == 3
    assert not any("\x1b[" in ln for ln in lines)  # no terminal control codes in logs
    # a second run reuses everything and says so
    stream2 = io.StringIO()
    run_day(settings, DATE, ids=_ids(), reporter=LogReporter(stream2))
    assert stream2.getvalue().count("reused") == 3


class _Events(LogReporter):
    def __init__(self):
        super().__init__(io.StringIO())
        self.events = []

    def started(self, model, endpoint):
        self.events.append(("started", model, endpoint))

    def read(self, paper, source, seconds, error=None):
        self.events.append(("read", paper.arxiv_id))

    def written(self, outcome):
        self.events.append(("written", outcome.paper.arxiv_id))


def test_a_paper_is_reported_written_before_the_last_paper_is_read(replica_env, tmp_path, monkeypatch):
    # arXiv is read one paper at a time with a delay; a paper read early is written (and said so)
    # while later papers are still being read, not after the whole day has been read.
    monkeypatch.setenv("PAPERBRIEF_ARXIV_DELAY", "0.4")
    ids = fixtures.html_fixture_ids()[:3]
    settings = load_settings({"out": tmp_path / "out"})
    events = _Events()
    run_day(settings, DATE, ids=ids, reporter=events)
    order = [e for e in events.events if e[0] in ("read", "written")]
    assert events.events[0] == ("started", "extractive", None)
    last_read = max(i for i, e in enumerate(order) if e[0] == "read")
    first_written = min(i for i, e in enumerate(order) if e[0] == "written")
    assert first_written < last_read, order
    assert sorted(e[1] for e in order if e[0] == "written") == sorted(ids)


def test_summary_names_the_writer_and_counts_papers_not_sent_once(replica_env, tmp_path, monkeypatch):
    from paperbrief.replica.llm import Answer

    monkeypatch.setenv("OPENAI_BASE_URL", replica_env.url + "/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-0123456789")
    monkeypatch.setenv("PAPERBRIEF_MODEL", "replica-model")
    replica_env.services["llm"].script(Answer.http_error(401, "Incorrect API key provided"))
    stream = io.StringIO()
    settings = load_settings({"out": tmp_path / "out", "jobs": 1})
    result = run_day(settings, DATE, ids=fixtures.html_fixture_ids()[:3], reporter=LogReporter(stream))
    log = stream.getvalue()
    host = replica_env.url.removeprefix("http://")
    assert f"writer: replica-model at {host}" in log
    assert log.count("rejected the API key") == 1  # said once by the run, not per paper
    assert log.count("FAILED: the LLM endpoint refused or can't be reached (see above)") == 3
    table = io.StringIO()
    Console(file=table, width=80, color_system=None).print(summary_table(result))
    out = table.getvalue()
    assert f"replica-model at {host}" in out and "3 papers not written" in out and out.count("rejected") == 1
    assert max(len(line) for line in out.splitlines()) <= 80
    assert [o.written.failure.kind for o in result.outcomes] == ["endpoint_auth", "not_sent", "not_sent"]
