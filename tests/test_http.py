"""The HTTP client over real HTTP: retries, Retry-After, timeouts, 403 from arXiv, spacing, size cap, cache."""

from __future__ import annotations

import itertools
import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from paperbrief import __version__
from paperbrief.config import Settings
from paperbrief.http import (
    HTML_TYPES,
    PDF_TYPES,
    ArxivBlocked,
    Fetcher,
    FetchError,
    NotFound,
)
from paperbrief.replica import Fault, Replica, Response
from paperbrief.retry import retry_after_seconds

PDF_BODY = b"%PDF-1.5\n" + b"x" * 2000 + b"\n%%EOF\n"
PAGE = "<!DOCTYPE html><html><body><article class='ltx_document'>τ² ≥ 95%</article></body></html>"


@pytest.fixture
def server():
    """A bare replica (no services) whose routes play arXiv and HF paths with fixed answers."""
    with Replica(services=()) as r:
        r.route("GET", "/html/", lambda req: Response(200, PAGE, content_type="text/html; charset=utf-8"))
        r.route("GET", "/pdf/", lambda req: Response(200, PDF_BODY, content_type="application/pdf"))
        r.route("GET", "/api/daily_papers", lambda req: Response(200, "[]", content_type="application/json"))
        r.route("GET", "/big/", lambda req: Response(200, b"y" * 5000, content_type="text/plain"))
        r.route(
            "GET",
            "/stream/",
            lambda req: Response(200, content_type="text/plain", stream=(b"z" * 1000 for _ in range(5))),
        )
        yield r


def settings_for(r: Replica, tmp_path, **kw) -> Settings:
    values = dict(
        hf_endpoint=r.url,
        arxiv_url=r.url,
        arxiv_export_url=r.url + "/api/query",
        arxiv_delay=0,
        http_timeout=5,
        http_retries=3,
        home=tmp_path / "home",
    )
    values.update(kw)
    return Settings(**values)


@pytest.fixture
def fetcher(server, tmp_path):
    with Fetcher(settings_for(server, tmp_path), backoff=0.01) as f:
        yield f


def test_user_agent_names_the_tool_and_a_contact(server, fetcher):
    fetcher.get(server.url + "/html/2501.11120")
    ua = server.requests[-1].headers["user-agent"]
    assert ua == f"paperbrief/{__version__} (+{fetcher.settings.contact})"


def test_second_get_is_served_from_the_cache_without_a_request(server, fetcher, tmp_path):
    url = server.url + "/html/2501.11120"
    first = fetcher.get(url, accept=HTML_TYPES)
    second = fetcher.get(url, accept=HTML_TYPES)
    assert not first.from_cache and second.from_cache
    assert second.content == first.content and "τ²" in second.text
    assert second.content_type.startswith("text/html")
    assert server.count("/html/") == 1
    assert fetcher.requests_made == 1
    # a new Fetcher on the same home reads the same cache: still no request
    with Fetcher(fetcher.settings) as again:
        assert again.get(url).from_cache
        assert again.requests_made == 0
    assert server.count("/html/") == 1
    files = [p for p in (tmp_path / "home" / "cache").rglob("*") if p.is_file()]
    assert len(files) == 1 and not files[0].name.startswith(".tmp")


def test_cache_false_always_asks(server, fetcher):
    url = server.url + "/api/daily_papers"
    fetcher.get(url, params={"date": "2026-02-08"}, cache=False)
    fetcher.get(url, params={"date": "2026-02-08"}, cache=False)
    assert server.count("/api/daily_papers") == 2
    assert server.requests[-1].arg("date") == "2026-02-08"


def test_damaged_cache_entry_is_fetched_again(server, fetcher, tmp_path):
    url = server.url + "/pdf/2501.11120"
    fetcher.get(url)
    (entry,) = [p for p in (tmp_path / "home" / "cache").rglob("*") if p.is_file()]
    entry.write_bytes(b"not json at all")
    again = fetcher.get(url)
    assert not again.from_cache and again.content == PDF_BODY
    assert server.count("/pdf/") == 2


def test_429_with_retry_after_is_waited_out_then_succeeds(server, fetcher):
    server.fault("/html/2501.11120", Fault.status(429, {"Retry-After": "1"}))
    got = fetcher.get(server.url + "/html/2501.11120")
    assert got.status == 200
    first, second = [r for r in server.requests if r.path.startswith("/html/")]
    assert second.at - first.at >= 0.9  # the client waited as the server asked


def test_503_then_success(server, fetcher):
    server.fault("/pdf/", Fault.status(503))
    got = fetcher.get(server.url + "/pdf/2501.11120", accept=PDF_TYPES)
    assert got.content == PDF_BODY
    assert server.count("/pdf/") == 2


def test_persistent_500_gives_up_after_the_retries(server, fetcher):
    server.fault("/pdf/", Fault.status(500), times=10)
    with pytest.raises(FetchError) as e:
        fetcher.get(server.url + "/pdf/2501.11120")
    assert e.value.status == 500
    assert "gave up after 4 attempts" in str(e.value)
    assert server.count("/pdf/") == 4  # http_retries=3 -> 4 attempts


def test_retry_after_longer_than_the_limit_fails_at_once(server, fetcher):
    server.fault("/api/daily_papers", Fault.status(429, {"Retry-After": "3600"}))
    with pytest.raises(FetchError, match="wait 3600 s"):
        fetcher.get(server.url + "/api/daily_papers")
    assert server.count("/api/daily_papers") == 1


def test_retry_after_parses_seconds_http_dates_and_hf_ratelimit():
    assert retry_after_seconds({"retry-after": "7"}) == 7.0
    when = datetime.now(UTC) + timedelta(seconds=30)
    secs = retry_after_seconds({"retry-after": format_datetime(when, usegmt=True)})
    assert secs is not None and 25 <= secs <= 31
    assert retry_after_seconds({"ratelimit": '"api";r=0;t=55'}) == 55.0
    assert retry_after_seconds({}) is None


def test_404_is_not_found_and_remembered(server, fetcher):
    with pytest.raises(NotFound) as e:
        fetcher.get(server.url + "/nothing/here")
    assert e.value.status == 404
    with pytest.raises(NotFound):
        fetcher.get(server.url + "/nothing/here")
    assert server.count("/nothing/") == 1


def test_other_4xx_is_a_fetch_error_without_retries(server, fetcher):
    server.fault("/api/daily_papers", Fault.status(400, body='{"error": "bad date"}'))
    with pytest.raises(FetchError) as e:
        fetcher.get(server.url + "/api/daily_papers")
    assert e.value.status == 400 and not isinstance(e.value, NotFound)
    assert b"bad date" in e.value.body
    assert server.count("/api/daily_papers") == 1


def test_403_from_arxiv_stops_every_later_arxiv_request(server, fetcher):
    server.fault("/html/2501.11120", Fault.status(403, body="Access denied"))
    with pytest.raises(ArxivBlocked, match=r"arXiv refused access \(403\)"):
        fetcher.get(server.url + "/html/2501.11120")
    before = server.count("/")
    with pytest.raises(ArxivBlocked):
        fetcher.get(server.url + "/pdf/2501.11120")
    with pytest.raises(ArxivBlocked):
        fetcher.get(server.url + "/api/query", params={"id_list": "2501.11120"})
    assert server.count("/") == before  # failed fast, nothing sent
    assert fetcher.arxiv_blocked
    # Hugging Face is another site: still reachable
    assert fetcher.get(server.url + "/api/daily_papers").status == 200


def test_403_from_hugging_face_is_not_an_arxiv_block(server, fetcher):
    server.fault("/api/daily_papers", Fault.status(403))
    with pytest.raises(FetchError) as e:
        fetcher.get(server.url + "/api/daily_papers")
    assert not isinstance(e.value, ArxivBlocked) and e.value.status == 403
    assert not fetcher.arxiv_blocked
    assert fetcher.get(server.url + "/html/2501.11120").status == 200


def test_slow_answer_past_the_timeout_is_retried(server, tmp_path):
    server.fault("/html/", Fault.slow(1.5))
    with Fetcher(settings_for(server, tmp_path, http_timeout=0.3), backoff=0.01) as f:
        got = f.get(server.url + "/html/2501.11120")
    assert got.status == 200
    assert server.count("/html/") == 2


def test_timeout_on_every_attempt_is_a_fetch_error(server, tmp_path):
    server.fault("/html/", Fault.slow(1.0), times=2)
    with (Fetcher(settings_for(server, tmp_path, http_timeout=0.2, http_retries=1), backoff=0.01) as f,
          pytest.raises(FetchError, match=r"no answer within 0\.2 s") as e):
        f.get(server.url + "/html/2501.11120")
    assert e.value.status is None


def test_dropped_connection_is_retried(server, fetcher):
    server.fault("/pdf/", Fault.drop())
    assert fetcher.get(server.url + "/pdf/2501.11120").content == PDF_BODY
    assert server.count("/pdf/") == 2


def test_truncated_body_is_never_returned(server, fetcher):
    server.fault("/pdf/", Fault.truncate(), times=4)
    with pytest.raises(FetchError, match="cut off"):
        fetcher.get(server.url + "/pdf/2501.11120")
    # nothing half-written was cached: the next call downloads the whole file
    got = fetcher.get(server.url + "/pdf/2501.11120")
    assert got.content == PDF_BODY and not got.from_cache


def test_wrong_content_type_is_refused_and_not_cached(server, fetcher):
    server.fault("/pdf/", Fault.wrong_type("text/html; charset=utf-8"))
    with pytest.raises(FetchError, match="unexpected content type text/html"):
        fetcher.get(server.url + "/pdf/2501.11120", accept=PDF_TYPES)
    got = fetcher.get(server.url + "/pdf/2501.11120", accept=PDF_TYPES)
    assert got.mime == "application/pdf" and not got.from_cache


def test_size_cap_from_content_length_and_while_streaming(server, tmp_path):
    with Fetcher(settings_for(server, tmp_path, max_download_mb=0.002), backoff=0.01) as f:  # ~2 KB
        with pytest.raises(FetchError, match=r"larger than 0\.002 MB"):
            f.get(server.url + "/big/file")
        with pytest.raises(FetchError, match="larger than"):
            f.get(server.url + "/stream/file")  # chunked: no Content-Length to check up front
    assert server.count("/big/") == 1 and server.count("/stream/") == 1  # not retried


def test_arxiv_requests_are_spaced_and_one_at_a_time(server, tmp_path):
    # behaviour check: the starts of consecutive arXiv requests, as the server saw them, are >= delay apart
    delay = 0.3
    with Fetcher(settings_for(server, tmp_path, arxiv_delay=delay)) as f:
        threads = [
            threading.Thread(target=f.get, args=(f"{server.url}/html/2501.1112{i}",), kwargs={"cache": False})
            for i in range(4)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        f.get(server.url + "/api/daily_papers")  # HF is not spaced with arXiv
    starts = sorted(r.at for r in server.requests if r.path.startswith("/html/"))
    assert len(starts) == 4
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    # without the gate the four threads would arrive within milliseconds of each other; the slack
    # covers the server recording a request a little late on a busy machine
    assert min(gaps) >= delay * 0.8, gaps
    assert starts[-1] - starts[0] >= 3 * delay - 0.03, gaps


def test_is_arxiv_tells_sites_apart():
    s = Settings(hf_endpoint="https://huggingface.co", arxiv_url="https://arxiv.org",
                 arxiv_export_url="https://export.arxiv.org/api/query")
    with Fetcher(s) as f:
        assert f.is_arxiv("https://arxiv.org/html/2501.11120")
        assert f.is_arxiv("https://export.arxiv.org/api/query?id_list=2501.11120")
        assert not f.is_arxiv("https://huggingface.co/api/daily_papers?date=2026-02-08")
    shared = Settings(hf_endpoint="http://127.0.0.1:9", arxiv_url="http://127.0.0.1:9",
                      arxiv_export_url="http://127.0.0.1:9/api/query")
    with Fetcher(shared) as f:
        assert f.is_arxiv("http://127.0.0.1:9/pdf/2501.11120")
        assert not f.is_arxiv("http://127.0.0.1:9/api/daily_papers")


def test_forget_drops_the_cached_copy(server, fetcher):
    url = server.url + "/html/2501.11120"
    fetcher.get(url)
    fetcher.forget(url)
    assert not fetcher.get(url).from_cache
    assert server.count("/html/") == 2


def test_concurrent_gets_of_one_url_leave_one_whole_cache_entry(server, fetcher, tmp_path):
    url = server.url + "/pdf/2501.11120"
    results = []
    threads = [threading.Thread(target=lambda: results.append(fetcher.get(url, accept=PDF_TYPES))) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 6 and all(r.content == PDF_BODY for r in results)
    files = [p for p in (tmp_path / "home" / "cache").rglob("*") if p.is_file()]
    assert len(files) == 1
    assert fetcher.get(url).from_cache
