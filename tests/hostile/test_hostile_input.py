"""Classes 1–4 and 8 of issue 10: text that is not valid text, markup-looking text, deep nesting,
numbers out of range, and config files that are not config files.

Text enters at the listing, the HTML and PDF readers and the export API; every case checks what
reaches the store, the Markdown, the terminal and the site.
"""

from __future__ import annotations

import json
import re
import sqlite3

import pytest
from conftest import BOUND, DATE, run_cli
from hostile_server import HostileServer as H

from paperbrief.readers.html import parse_html

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
SURROGATE = re.compile("[\ud800-\udfff]")
NASTY = "A\x00B\x1b[31mRED\x1b[0m\x07bell\x9bC1\u0085\ud800lone\udfffback\x7fdel\tend"


def item(aid: str, title: str, summary: str = "An abstract about things. " * 20, **paper) -> dict:
    return {"paper": {"id": aid, "title": title, "summary": summary, "upvotes": 3,
                      "authors": [{"name": "Ada Lovelace"}], **paper}, "publishedAt": "2026-02-08T10:00:00.000Z"}


def latexml(body: str, title: str = "A Deep Paper") -> str:
    para = "<div class='ltx_para'><p class='ltx_p'>" + "Plain sentences of the paper. " * 30 + "</p></div>"
    return (f"<html><body><article class='ltx_document'><h1 class='ltx_title ltx_title_document'>{title}</h1>"
            f"<section class='ltx_section'><h2 class='ltx_title'>Intro</h2>{para}{body}</section>"
            "</article></body></html>")


def no_control(text: str) -> bool:
    return CONTROL.search(text) is None and SURROGATE.search(text) is None


# -- class 2: text that is not valid text ------------------------------------------------------------


@pytest.mark.parametrize("value, keep, expected", [
    ("a\ud800b", False, "a\ufffdb"),
    ("a\x00b\x1b[0mc", False, "ab[0mc"),
    ("x\x85y\x9bz", False, "xyz"),
    ("tab\there\r\nnew\rline", True, "tab\there\nnew\nline"),
    ("tab\there\r\nline", False, "tab here line"),
    ("\ud83d\ude00 pair", False, "\U0001F600 pair"),  # a valid surrogate pair becomes its character
    (12, False, ""),
])
def test_clean_text_makes_any_string_safe(value, keep, expected):
    from paperbrief.text import clean_text

    assert clean_text(value, keep_newlines=keep) == expected


def test_clean_text_cuts_long_text_with_a_warning():
    from paperbrief.text import clean_text

    warnings: list[str] = []
    out = clean_text("x" * 10_000_000, max_len=1000, what="the title of 2601.00001", warnings=warnings)
    assert len(out) == 1000 and out.endswith("…")
    assert warnings == ["the title of 2601.00001 is 10,000,000 characters long; kept the first 1,000"]


def test_invalid_text_everywhere_in_the_listing_never_stops_the_day(hostile, env_for, home, tmp_path):
    """Lone surrogates, NUL, ESC, BEL, C1 controls in titles, abstracts, authors and keywords."""
    papers = [
        item("2601.00001", NASTY, summary=NASTY * 50, ai_keywords=[NASTY, 5, None]),
        item("2601.00002", "Fine title", authors=[{"name": NASTY}, "Grace\x00 Hopper", 7]),
        item("2601.00003", "\x1b]0;pwned\x07Title", summary="\x1b[2J" + "Abstract text. " * 30),
    ]
    hostile.route("/api/daily_papers", H.json(papers))
    hostile.route("/", H.text(404, "not here"))
    env = env_for(hostile.url)
    out = run_cli(["run", "--date", DATE, "--out", str(home / "out")], env)
    out.clean(0)
    assert "\x1b" not in out.stderr and "\x1b" not in out.stdout
    with sqlite3.connect(home / "paperbrief.db") as db:
        texts = [t for row in db.execute("SELECT title, abstract, authors, keywords FROM papers") for t in row]
        bodies = [r[0] for r in db.execute("SELECT body FROM reports")]
    assert len(bodies) == 3
    assert all(no_control(t) for t in texts + bodies)
    assert "A B" not in texts[0] and texts[0].startswith("AB[31mRED[0mbellC1\ufffdlone\ufffdback")
    md = (home / "out" / f"{DATE}.md").read_text("utf-8")
    assert no_control(md.replace("\n", ""))
    listed = run_cli(["list", "--date", DATE], env)
    listed.clean(0)
    assert no_control(listed.stdout.replace("\n", "").replace("\t", ""))
    site = run_cli(["site", "--out", str(tmp_path / "site")], env)
    site.clean(0)
    feed = (tmp_path / "site" / "feed.xml").read_text("utf-8")
    assert "\x00" not in feed and "\x1b" not in feed


def test_a_ten_megabyte_title_is_cut_with_a_warning(hostile, env_for):
    hostile.route("/api/daily_papers", H.json([item("2601.00001", "T" * 10_000_000)]))
    out = run_cli(["list", "--date", DATE, "--json"], env_for(hostile.url))
    out.clean(0)
    (paper,) = json.loads(out.stdout)
    assert len(paper["title"]) == 1000
    assert "the title of 2601.00001 is 10,000,000 characters long; kept the first 1,000" in out.stderr


def test_control_characters_in_an_arxiv_page_never_reach_the_text(hostile, env_for):
    page = latexml("<div class='ltx_para'><p class='ltx_p'>bad\x01marker\x02and\x1b[31mescape\x0c"
                   "</p></div>", title="Title\x1b[2J\x07").encode() + b"\xff\xfe invalid utf-8"
    hostile.route("/html/2601.00001", H.raw(200, page + b"</html>", "text/html"))
    out = run_cli(["read", "2601.00001", "--json"], env_for(hostile.url))
    out.clean(0)
    doc = json.loads(out.stdout)
    assert doc["title"] == "Title[2J"
    flat = json.dumps(doc, ensure_ascii=False)
    assert no_control(flat.replace("\\n", ""))
    assert "badmarkerand[31mescape" in doc["sections"][0]["text"]


# -- class 3: markup-looking text is text ---------------------------------------------------------


def test_markup_looking_text_is_kept_and_escaped_where_rendered(hostile, env_for, home, tmp_path):
    title = "Why x<y & the <think> tag matter"
    summary = "The model emits <think> … </think> before answering, and x<y holds. " * 5
    hostile.route("/api/daily_papers", H.json([item("2601.00001", title, summary=summary)]))
    hostile.route("/", H.text(404, "not here"))
    env = env_for(hostile.url)
    listed = run_cli(["list", "--date", DATE, "--json"], env)
    (paper,) = json.loads(listed.stdout)
    assert paper["title"] == title and paper["abstract"] == summary.strip()
    out = run_cli(["run", "--date", DATE, "--out", str(home / "out")], env)
    out.clean(0)
    md = (home / "out" / f"{DATE}.md").read_text("utf-8")
    assert "## 📄 Why x<y & the \\<think> tag matter" in md  # a Markdown viewer shows <think>
    data = json.loads((home / "out" / f"{DATE}.json").read_text("utf-8"))
    assert data["papers"][0]["title"] == title  # the JSON keeps the text as it is
    run_cli(["site", "--out", str(tmp_path / "site")], env).clean(0)
    page = (tmp_path / "site" / "papers" / "2601.00001.html").read_text("utf-8")
    assert "Why x&lt;y &amp; the &lt;think&gt; tag matter" in page and "<think>" not in page


# -- class 1: recursion in the HTML walk --------------------------------------------------------


NESTINGS = {
    "spans": ("<span>", "</span>"),
    "lists": ("<ul class='ltx_itemize'><li class='ltx_item'>item ", "</li></ul>"),
    "tables": ("<table class='ltx_tabular'><tr><td>cell ", "</td></tr></table>"),
    "figures": ("<figure class='ltx_figure'><figcaption>caption ", "</figcaption></figure>"),
    "notes": ("<span class='ltx_note ltx_role_footnote'><span class='ltx_note_content'>note ", "</span></span>"),
    "listings": ("<div class='ltx_listing'><div class='ltx_listingline'>line ", "</div></div>"),
    "sections": ("<section class='ltx_subsection'><h3 class='ltx_title'>Sub</h3><div class='ltx_para'>"
                 "<p class='ltx_p'>text</p></div>", "</section>"),
}


@pytest.mark.parametrize("shape", sorted(NESTINGS))
@pytest.mark.parametrize("depth", [120, 450])
def test_deeply_nested_pages_are_read_without_recursion(shape, depth):
    open_, close = NESTINGS[shape]
    doc = parse_html(latexml(open_ * depth + "deep words here" + close * depth))
    text = "\n".join(s.text for s in doc.sections) + " ".join(t.markdown for t in doc.tables)
    text += " ".join(f.caption for f in doc.figures) + " ".join(doc.footnotes)
    assert "Plain sentences of the paper." in text


@pytest.mark.parametrize("shape", sorted(NESTINGS))
def test_absurd_nesting_is_refused_in_one_line_not_a_traceback_flood(hostile, env_for, shape, home):
    open_, close = NESTINGS[shape]
    hostile.route("/api/daily_papers", H.json([item("2601.00001", "Deep"), item("2601.00002", "Deeper")]))
    hostile.route("/html/2601.00001", H.text(200, latexml(open_ * 600 + "x" + close * 600), "text/html"))
    hostile.route("/html/2601.00002", H.text(200, latexml(open_ * 50_000 + "x" + close * 50_000), "text/html"))
    hostile.route("/", H.text(404, "not here"))
    out = run_cli(["run", "--date", DATE, "--out", str(home / "out")], env_for(hostile.url))
    out.clean(0)
    assert len(out.stderr.splitlines()) < 30, out.stderr
    assert "RecursionError" not in out.stderr
    assert out.seconds < BOUND
    read = run_cli(["read", "2601.00002"], env_for(hostile.url))
    read.one_line_error(2, "nests elements over 2,000 deep")


# -- class 4: numbers out of range ---------------------------------------------------------------


@pytest.mark.parametrize("var, value, needle", [
    ("PAPERBRIEF_LLM_TIMEOUT", "1e400", "'llm_timeout' ('1e400', from environment variable PAPERBRIEF_LLM_TIMEOUT): "
                                        "must be a finite number"),
    ("PAPERBRIEF_HTTP_TIMEOUT", "inf", "'http_timeout' ('inf'"),
    ("PAPERBRIEF_HTTP_TIMEOUT", "nan", "'http_timeout' ('nan'"),
    ("PAPERBRIEF_HTTP_TIMEOUT", "1e9", "less than or equal to 3600"),
    ("PAPERBRIEF_HTTP_DEADLINE", "-1", "greater than 0"),
    ("PAPERBRIEF_ARXIV_DELAY", "-0.5", "greater than or equal to 0"),
    ("PAPERBRIEF_TOKEN_BUDGET", "1e400", "'token_budget'"),
    ("PAPERBRIEF_JOBS", "99999999999999999999", "'jobs'"),
])
def test_numbers_out_of_range_in_the_environment_are_one_line(hostile, env_for, var, value, needle):
    out = run_cli(["list", "--date", DATE], env_for(hostile.url, **{var: value}))
    out.one_line_error(2, needle)
    assert hostile.count() == 0, "nothing is asked of the network with a bad setting"


@pytest.mark.parametrize("toml, needle", [
    ("http_timeout = inf\n", "'http_timeout' (inf, from config file"),
    ("llm_timeout = nan\n", "'llm_timeout'"),
    ("max_download_mb = 1e300\n", "'max_download_mb'"),
    ("temperature = -inf\n", "'temperature'"),
    ("jobs = 1e30\n", "'jobs'"),
    ("[prices]\nm = [1e400, 1]\n", "prices.m must be numbers from 0 to 100000"),
    ("[prices]\nm = [true, 1]\n", "prices.m must be [input, output]"),
])
def test_numbers_out_of_range_in_the_config_file_are_one_line(hostile, env_for, config, toml, needle):
    config.write_text(toml, "utf-8")
    out = run_cli(["config"], env_for(hostile.url))
    out.one_line_error(2, needle)


def test_numbers_from_upstream_are_bounded_before_the_store(hostile, env_for, home):
    body = json.dumps([item("2601.00001", "Big", upvotes=1e19), item("2601.00002", "Negative", upvotes=-1),
                       item("2601.00003", "Huge int", upvotes=10**30)])
    hostile.route("/api/daily_papers", H.raw(200, body.encode(), "application/json"))
    hostile.route("/", H.text(404, "not here"))
    out = run_cli(["run", "--date", DATE, "--out", str(home / "out")], env_for(hostile.url))
    out.clean(0)
    with sqlite3.connect(home / "paperbrief.db") as db:
        assert db.execute("SELECT arxiv_id, upvotes FROM listings ORDER BY arxiv_id").fetchall() == [
            ("2601.00001", 0), ("2601.00002", 0), ("2601.00003", 0)]


# -- class 8: config files ---------------------------------------------------------------------


def test_a_config_file_that_is_not_utf8_is_one_line(hostile, env_for, config):
    config.write_bytes(b"model = '\xff\xfe\x00'\n")
    run_cli(["config"], env_for(hostile.url)).one_line_error(2, "is not UTF-8 text", "save it as UTF-8")


def test_a_config_file_that_is_a_directory_is_one_line(hostile, env_for, tmp_path):
    folder = tmp_path / "cfgdir"
    folder.mkdir()
    out = run_cli(["run", "--date", DATE], {**env_for(hostile.url), "PAPERBRIEF_CONFIG": str(folder)})
    out.one_line_error(2, "is a directory, not a file")


def test_an_unreadable_config_file_is_one_line(hostile, env_for, config):
    import os

    if os.geteuid() == 0:
        pytest.skip("root reads any file")
    config.chmod(0)
    run_cli(["config"], env_for(hostile.url)).one_line_error(2, "cannot read config file")


@pytest.mark.parametrize("toml, needle", [
    ('model = ""\n', "'model'"),
    ('model = "gpt\\n4"\n', "must not contain control characters"),
    ('contact = "me\\r\\nX-Injected: 1"\n', "'contact'"),
    ('openai_api_key = "sk-abc def"\n', "'openai_api_key' ('****'"),
    ('out = ""\n', "'out'"),
    ('openai_base_url = "http://u:pw@host:notaport/v1"\n', "'openai_base_url' ('http://u:****@host/v1'"),
])
def test_bad_strings_in_the_config_file_are_one_line(hostile, env_for, config, toml, needle):
    config.write_text(toml, "utf-8")
    run_cli(["config"], env_for(hostile.url)).one_line_error(2, needle)
