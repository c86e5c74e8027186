"""`paperbrief list` and `paperbrief read` end to end (typer CliRunner) against the replica."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from testdata import load_expected
from typer.testing import CliRunner

from paperbrief.cli import app
from paperbrief.dates import today_utc
from paperbrief.replica import Fault, fixtures

runner = CliRunner()
READ_FIELDS = {"arxiv_id", "title", "authors", "abstract", "sections", "tables", "figures", "footnotes",
               "references", "source", "links"}


def invoke(*args: str):
    return runner.invoke(app, list(args))


# --- list --------------------------------------------------------------------------


def test_list_prints_the_day_in_listing_order(replica_env):
    result = invoke("list", "--date", "2026-02-08")
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    items = fixtures.listing("2026-02-08")
    assert len(lines) == 47
    for line, item in zip(lines, items, strict=False):
        arxiv_id, upvotes, title = line.split("\t")
        assert arxiv_id == item["paper"]["id"]
        assert int(upvotes) == item["paper"]["upvotes"]
        assert title == " ".join(item["paper"]["title"].split())


def test_list_json(replica_env):
    result = invoke("list", "--date", "2026-02-08", "--json")
    assert result.exit_code == 0
    papers = json.loads(result.stdout)
    assert len(papers) == 47
    for key in ("arxiv_id", "title", "upvotes", "authors", "abstract", "hf_url"):
        assert key in papers[0]
    assert papers[0]["hf_url"] == f"https://huggingface.co/papers/{papers[0]['arxiv_id']}"
    assert isinstance(papers[0]["authors"], list) and papers[0]["authors"]


@pytest.mark.parametrize(
    "bad, message",
    [
        ("2026-2-8", "2026-2-8 is not a date in YYYY-MM-DD form, e.g. 2026-02-08"),
        ("2026-02-30", "2026-02-30 is not a real calendar date"),
        ((today_utc() + timedelta(days=3)).isoformat(), "is in the future"),
    ],
)
def test_bad_dates_fail_before_any_request(replica_env, bad, message):
    result = invoke("list", "--date", bad)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""
    assert replica_env.count("/") == 0


def test_weekend_is_an_empty_list_and_a_note(replica_env):
    result = invoke("list", "--date", "2026-02-07", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []
    assert "no papers listed for 2026-02-07 (weekends are empty on Hugging Face)" in result.stderr
    plain = invoke("list", "--date", "2026-02-07")
    assert plain.exit_code == 0 and plain.stdout == ""


def test_odd_items_are_warnings_on_stderr(replica_env):
    result = invoke("list", "--date", "2026-02-09", "--json")
    assert result.exit_code == 0
    papers = json.loads(result.stdout)
    ids = [p["arxiv_id"] for p in papers]
    assert "not-an-id" not in ids and len(ids) == len(set(ids))
    assert "has no paper id; skipped" in result.stderr
    assert "not an arXiv id; skipped" in result.stderr
    assert "repeats 2602.07011" in result.stderr


def test_a_day_hugging_face_does_not_have_is_a_one_line_error(replica_env):
    result = invoke("list", "--date", "2026-02-10")  # after the replica's latest day, before today
    assert result.exit_code == 2
    assert "Hugging Face has no listing for 2026-02-10 yet" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_list_survives_a_429(replica_env):
    replica_env.fault("/api/daily_papers", Fault.status(429, {"Retry-After": "0"}))
    result = invoke("list", "--date", "2026-02-08", "--json")
    assert result.exit_code == 0 and len(json.loads(result.stdout)) == 47


def test_list_without_a_date_finds_the_latest_day_with_papers(replica_env):
    hf = replica_env.services["hf"]
    today, yesterday = today_utc(), today_utc() - timedelta(days=1)
    hf.set_day(today.isoformat(), [])  # early in the day: nothing yet
    hf.set_day(yesterday.isoformat(), fixtures.listing("2026-02-08")[:3])
    hf.latest_date = today.isoformat()
    result = invoke("list", "--json")
    assert result.exit_code == 0, result.stderr
    assert [p["arxiv_id"] for p in json.loads(result.stdout)] == [
        i["paper"]["id"] for i in fixtures.listing("2026-02-08")[:3]]
    asked = [r.arg("date") for r in replica_env.requests if r.path == "/api/daily_papers"]
    assert asked == [today.isoformat(), yesterday.isoformat()]


# --- read --------------------------------------------------------------------------


def test_read_json_has_every_field(replica_env):
    result = invoke("read", "2602.05293", "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert set(doc) >= READ_FIELDS
    exp = load_expected("2602.05293")
    assert doc["source"] == "HTML" and doc["title"] == exp["title"] and doc["arxiv_id"] == "2602.05293"
    assert [s["heading"] for s in doc["sections"]] == [s["heading"] for s in exp["sections"]]
    assert {"heading", "level", "text"} <= set(doc["sections"][0])
    assert {"caption", "markdown"} <= set(doc["tables"][0]) and {"caption"} <= set(doc["figures"][0])
    assert len(doc["references"]) == exp["reference_count"]


def test_read_json_keeps_non_ascii(replica_env):
    result = invoke("read", "2602.05842", "--json")
    assert result.exit_code == 0
    assert "τ²-Bench" in result.stdout and "Zoë Müller" in result.stdout  # not \\u escapes


def test_read_plain_is_readable_markdown(replica_env):
    result = invoke("read", "2602.05293")
    assert result.exit_code == 0
    out = result.stdout
    exp = load_expected("2602.05293")
    assert out.startswith(f"# {exp['title']}\n")
    assert "source: HTML" in out and "## Abstract" in out and "## Introduction" in out
    assert "### Single-View 3D Generation" in out
    assert "## References" in out and "## Tables" in out and "| --- |" not in out


def test_read_pdf_and_abstract_sources(replica_env):
    pdf_only = fixtures.pdf_only_ids()[0]
    abstract_only = fixtures.abstract_only_ids()[0]
    assert json.loads(invoke("read", pdf_only, "--json").stdout)["source"] == "PDF"
    assert json.loads(invoke("read", abstract_only, "--json").stdout)["source"] == "ArXiv Abs"


def test_second_read_makes_no_request(replica_env):
    assert invoke("read", "2602.05293", "--json").exit_code == 0
    replica_env.reset_counts()
    assert invoke("read", "2602.05293", "--json").exit_code == 0
    assert replica_env.count("/") == 0


@pytest.mark.parametrize(
    "ref, message",
    [
        ("not-a-paper", "'not-a-paper' is not an arXiv id"),
        ("/nowhere/paper.pdf", "no such file: /nowhere/paper.pdf"),
        ("https://example.org/paper", "is not an arXiv abs/html/pdf URL"),
    ],
)
def test_read_errors_are_one_line_exit_2(replica_env, ref, message):
    result = invoke("read", ref)
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert replica_env.count("/") == 0


def test_read_when_nothing_works(replica_env):
    replica_env.services["arxiv"].remove_paper("2602.05293")
    result = invoke("read", "2602.05293")
    assert result.exit_code == 2
    assert "cannot read 2602.05293: HTML: not available (404); PDF: not available (404); abstract:" in result.stderr


def test_read_403_is_a_clear_stop(replica_env):
    replica_env.fault("/html/", Fault.status(403))
    result = invoke("read", "2602.05293")
    assert result.exit_code == 2
    assert "arXiv refused access (403); stop and wait before retrying" in result.stderr
    assert replica_env.count("/pdf/") == 0


def test_read_real_page_file(replica_env, real_page):
    result = invoke("read", str(real_page), "--json")
    doc = json.loads(result.stdout)
    assert len(doc["authors"]) == 6 and len(doc["references"]) == 48 and len(doc["tables"]) == 47
    assert any(s["appendix"] for s in doc["sections"])
    assert replica_env.count("/") == 0
