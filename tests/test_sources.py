"""The Daily Papers listing over real HTTP against the HF replica, and the date checks before it."""

from __future__ import annotations

import copy
from datetime import date, timedelta

import pytest

from paperbrief.config import Settings
from paperbrief.dates import BadDate, parse_day, today_utc
from paperbrief.http import Fetcher
from paperbrief.replica import Fault, fixtures
from paperbrief.sources import SourceError, list_day


@pytest.fixture
def settings(replica, tmp_path) -> Settings:
    return Settings(
        hf_endpoint=replica.url,
        arxiv_url=replica.url,
        arxiv_export_url=replica.url + "/api/query",
        arxiv_delay=0,
        home=tmp_path / "home",
    )


@pytest.fixture
def fetcher(settings):
    with Fetcher(settings, backoff=0.01) as f:
        yield f


# --- dates -------------------------------------------------------------------------


TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    "text, message",
    [
        ("2026-2-8", "2026-2-8 is not a date in YYYY-MM-DD form, e.g. 2026-02-08"),
        ("08/02/2026", "not a date in YYYY-MM-DD form"),
        ("", "(empty) is not a date"),
        ("2026-02-30", "2026-02-30 is not a real calendar date"),
        ("2026-13-01", "is not a real calendar date"),
        ("2026-11-26", "2026-11-26 is in the future (today is 2026-11-25 UTC)"),
    ],
)
def test_bad_dates_get_a_one_line_message(text, message):
    with pytest.raises(BadDate) as e:
        parse_day(text, today=TODAY)
    assert message in str(e.value)
    assert "\n" not in str(e.value)


def test_good_dates_and_words():
    assert parse_day("2026-02-08", today=TODAY) == date(2026, 2, 8)
    assert parse_day(" 2026-11-25 ", today=TODAY) == TODAY
    assert parse_day("today", today=TODAY) == TODAY
    assert parse_day("Yesterday", today=TODAY) == date(2026, 11, 24)
    assert parse_day("2024-02-29", today=TODAY) == date(2024, 2, 29)  # a leap day is real


# --- listing -----------------------------------------------------------------------


def test_lists_the_47_papers_of_2026_02_08_in_listing_order(replica, settings, fetcher):
    listing = list_day(date(2026, 2, 8), settings, fetcher)
    items = fixtures.listing("2026-02-08")
    assert listing.date == "2026-02-08"
    assert len(listing.papers) == 47 and listing.warnings == []
    assert [p.arxiv_id for p in listing.papers] == [i["paper"]["id"] for i in items]
    first, item = listing.papers[0], items[0]["paper"]
    assert first.title == " ".join(item["title"].split())
    assert first.authors == [a["name"] for a in item["authors"]]
    assert first.upvotes == item["upvotes"]
    assert first.abstract.startswith(" ".join(item["summary"].split())[:60])
    assert first.hf_url == f"https://huggingface.co/papers/{first.arxiv_id}"  # the public page, not the endpoint
    assert first.github_repo == item.get("githubRepo")
    assert first.published_at == item["publishedAt"]
    assert first.submitted_at == items[0]["publishedAt"]
    assert first.keywords == item.get("ai_keywords", [])
    # asked with date, limit=100, p=0; one short page, so no second request
    (req,) = [r for r in replica.requests if r.path == "/api/daily_papers"]
    assert (req.arg("date"), req.arg("limit"), req.arg("p")) == ("2026-02-08", "100", "0")


def test_every_page_is_read_in_order(replica, settings, fetcher):
    base = fixtures.listing("2026-02-08")
    items = []
    for n in range(250):
        item = copy.deepcopy(base[n % len(base)])
        item["paper"]["id"] = f"2602.{10000 + n}"
        items.append(item)
    replica.services["hf"].set_day("2026-02-05", items)
    listing = list_day("2026-02-05", settings, fetcher)
    assert [p.arxiv_id for p in listing.papers] == [f"2602.{10000 + n}" for n in range(250)]
    pages = [r.arg("p") for r in replica.requests if r.path == "/api/daily_papers"]
    assert pages == ["0", "1", "2"]


def test_a_weekend_day_is_empty_not_an_error(settings, fetcher):
    listing = list_day("2026-02-07", settings, fetcher)
    assert listing.papers == [] and listing.warnings == []


def test_odd_items_are_skipped_with_warnings(settings, fetcher):
    listing = list_day("2026-02-09", settings, fetcher)
    raw = fixtures.listing("2026-02-09")
    ids = [p.arxiv_id for p in listing.papers]
    assert len(ids) == len(set(ids))
    assert "not-an-id" not in ids
    text = "\n".join(listing.warnings)
    assert "has no paper id" in text
    assert "'not-an-id', which is not an arXiv id" in text
    assert "repeats 2602.07011" in text
    assert len(listing.papers) + len(listing.warnings) == len(raw)
    # Hugging Face serves plain text: a title that looks like markup is kept as it is (escaping is the
    # renderer's job); only whitespace runs collapse. An empty abstract and missing optional fields are fine.
    for p in listing.papers:
        assert "  " not in p.title
    tagged = [i for i in raw if "<" in (i.get("paper", {}).get("title") or "")]
    assert tagged, "the odd day should hold a title with HTML tags"
    kept = next(p for p in listing.papers if p.arxiv_id == tagged[0]["paper"]["id"])
    assert kept.title == " ".join(tagged[0]["paper"]["title"].split())
    assert kept.title.startswith("<b>Fast</b> &amp; Robust")
    assert any(p.abstract == "" for p in listing.papers)
    minimal = next(p for p in listing.papers if p.arxiv_id == "2602.07073")
    assert minimal.github_repo is None and minimal.project_page is None and minimal.keywords == []


def test_a_day_hugging_face_does_not_have_yet_is_a_clear_error(replica, settings, fetcher):
    latest = date.fromisoformat(replica.services["hf"].latest_date)
    with pytest.raises(SourceError) as e:
        list_day(latest + timedelta(days=1), settings, fetcher)
    msg = str(e.value)
    assert f"no listing for {latest + timedelta(days=1)}" in msg and "try an earlier date" in msg
    assert "\n" not in msg


def test_bad_date_text_fails_before_any_request(replica, settings, fetcher):
    for bad in ("2026-2-8", "2026-02-30", (today_utc() + timedelta(days=1)).isoformat()):
        with pytest.raises(SourceError):
            list_day(bad, settings, fetcher)
    assert replica.count("/api/daily_papers") == 0


def test_listing_retries_a_429_then_succeeds(replica, settings, fetcher):
    replica.fault("/api/daily_papers", Fault.status(429, {"Retry-After": "0"}))
    listing = list_day("2026-02-08", settings, fetcher)
    assert len(listing.papers) == 47
    assert replica.count("/api/daily_papers") == 2


def test_listing_that_is_not_json_is_a_source_error(replica, settings, fetcher):
    replica.fault("/api/daily_papers", Fault.wrong_type("text/html; charset=utf-8"))
    with pytest.raises(SourceError, match="unexpected content type text/html"):
        list_day("2026-02-08", settings, fetcher)


def test_past_days_come_from_the_cache_recent_days_are_asked_again(replica, settings, fetcher):
    list_day("2026-02-08", settings, fetcher)
    list_day("2026-02-08", settings, fetcher)
    assert replica.count("/api/daily_papers") == 1
    today = today_utc()
    replica.services["hf"].set_day(today.isoformat(), fixtures.listing("2026-02-08")[:3])
    replica.services["hf"].latest_date = today.isoformat()
    replica.reset_counts()
    assert len(list_day(today, settings, fetcher).papers) == 3
    replica.services["hf"].set_day(today.isoformat(), fixtures.listing("2026-02-08")[:5])
    assert len(list_day(today, settings, fetcher).papers) == 5  # today's bucket grows: not cached
    assert replica.count("/api/daily_papers") == 2
