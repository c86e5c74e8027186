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
    console = Console(file=buf, force_terminal=True, width=120, color_system=None)
    settings = load_settings({"out": tmp_path / "out"})
    with LiveReporter(console, settings) as reporter:
        result = run_day(settings, DATE, ids=_ids(), reporter=reporter)
    text = buf.getvalue()
    assert "47 papers listed, running 3" in text
    assert "3/3" in text and "ok 3" in text and "failed 0" in text
    table = io.StringIO()
    Console(file=table, width=120, color_system=None).print(summary_table(result))
    out = table.getvalue()
    assert "HTML 2 · PDF 0 · ArXiv Abs 1" in out and "3: 3 newly written, 0 reused, 0 failed" in out


def test_plain_lines_elsewhere(replica_env, tmp_path):
    stream = io.StringIO()
    settings = load_settings({"out": tmp_path / "out"})
    run_day(settings, DATE, ids=_ids(), reporter=LogReporter(stream))
    lines = stream.getvalue().splitlines()
    assert lines[0].endswith("2026-02-08: 47 papers listed (running 3)")
    assert sum("written" in ln for ln in lines) == 3
    assert not any("\x1b[" in ln for ln in lines)  # no terminal control codes in logs
    # a second run reuses everything and says so
    stream2 = io.StringIO()
    run_day(settings, DATE, ids=_ids(), reporter=LogReporter(stream2))
    assert stream2.getvalue().count("reused") == 3
