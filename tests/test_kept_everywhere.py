"""A report kept after a failed attempt says so everywhere: the website (paper and day pages), the feed, the
e-mail (HTML and text) and every chat channel, in the same words as the day's files, for that paper only.

The day is produced the real way: a good run of three papers against the LLM replica, then a rewrite of the
first paper whose endpoint rejects the key (with another model in Chinese; with `--force` and the same model
in English, so the failed attempt is stored beside the good report as `failed:<key>`). The endpoint's error
message carries markup, so each renderer's escaping is checked on the note too.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from delivery_servers import CHATS, Mailbox, Receiver, in_chat, text_of
from markupsafe import escape
from typer.testing import CliRunner

from paperbrief.cli import app
from paperbrief.config import load_settings
from paperbrief.render.site import LABELS, build_site
from paperbrief.replica.llm import Answer
from paperbrief.store import Store

DATE = "2026-02-08"
ERROR = "<b>Bad</b> key & *stars* [x](https://evil.example/) <@here>"

# The exact sentences (messages.py: outcome.kept, outcome.kept_short) for the first paper.
NOTE = {
    "zh": f"最近一次生成本文报告未成功（other-model：大模型服务拒绝了 API 密钥（HTTP 401: {ERROR}）），"
          "以下保留此前由 replica-model 写成的报告。",
    "en": f"The latest attempt at this report failed (replica-model: the LLM endpoint rejected the API key "
          f"(HTTP 401: {ERROR})); the report below is the earlier one by replica-model.",
}
SHORT = {
    "zh": f"最近一次生成未成功（other-model：大模型服务拒绝了 API 密钥（HTTP 401: {ERROR}）），"
          "显示此前由 replica-model 写成的报告",
    "en": f"the latest attempt failed (replica-model: the LLM endpoint rejected the API key (HTTP 401: {ERROR})); "
          "showing the earlier report by replica-model",
}


# The site shows the other language's report when every attempt in its own failed (outcome.other_lang, _short).
OTHER = {
    "zh": f"本文的中文报告最近一次生成未成功（replica-model：大模型服务拒绝了 API 密钥（HTTP 401: {ERROR}）），"
          "以下为 replica-model 写成的英文报告。",
    "en": f"The latest attempt at an English report failed (replica-model: the LLM endpoint rejected the API key "
          f"(HTTP 401: {ERROR})); the report below is the Chinese one by replica-model.",
}
OTHER_SHORT = {
    "zh": f"中文报告最近一次生成未成功（replica-model：大模型服务拒绝了 API 密钥（HTTP 401: {ERROR}）），"
          "显示 replica-model 写成的英文报告",
    "en": f"the latest attempt at an English report failed (replica-model: the LLM endpoint rejected the API key "
          f"(HTTP 401: {ERROR})); showing the Chinese report by replica-model",
}


def run(*args: str) -> None:
    result = CliRunner().invoke(app, ["run", DATE, "--no-overview", *args])
    assert result.exit_code in (0, 1), result.output


def fail_first_paper(replica_env, lang: str, out) -> None:
    """The newest attempt at the first paper's report fails: the endpoint rejects the key."""
    replica_env.services["llm"].script(*[Answer.http_error(401, ERROR)] * 5)
    how = ["--model", "other-model"] if lang == "zh" else ["--force"]
    run("--limit", "1", "--lang", lang, "--out", str(out), *how)
    replica_env.services["llm"].clear()


@pytest.fixture
def good_day(replica_env, tmp_path, monkeypatch):
    """Three papers written by replica-model in `lang`; returns their ids in listing order."""
    monkeypatch.setenv("OPENAI_BASE_URL", replica_env.url + "/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("PAPERBRIEF_MODEL", "replica-model")
    monkeypatch.setenv("PAPERBRIEF_SEND_INTERVAL", "0")

    def make(lang: str) -> list[str]:
        run("--limit", "3", "--lang", lang, "--out", str(tmp_path / "reports"))
        stem = DATE if lang == "zh" else f"{DATE}.en"
        day = json.loads((tmp_path / "reports" / f"{stem}.json").read_text("utf-8"))
        assert day["counts"]["written"] == 3 and day["kept_after_failure"] == []
        return [p["arxiv_id"] for p in day["papers"]]

    return make


def store() -> Store:
    return Store(load_settings().db_path)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_site_and_the_feed_say_a_report_was_kept(good_day, replica_env, tmp_path, lang):
    ids = good_day(lang)
    site = tmp_path / "site"
    with store() as s:
        build_site(s, site, lang=lang, workers=1)
    before = feed_entry(site, "updated")
    fail_first_paper(replica_env, lang, tmp_path / "reports")
    day_md = (tmp_path / "reports" / f"{DATE if lang == 'zh' else DATE + '.en'}.md").read_text("utf-8")
    assert day_md.count("> ⚠ " + NOTE[lang].replace("<b>", "\\<b>").replace("</b>", "\\</b>")) == 1

    with store() as s:
        rebuilt = build_site(s, site, lang=lang, workers=1)
    # Only the kept paper's report gained a note: its page and its day's page (and the whole-site files) change.
    pages = [p for p in rebuilt.written if p.startswith(("papers/", "days/"))]
    assert sorted(pages) == sorted([f"papers/{ids[0]}.html", f"days/{DATE}.html"])

    shown = str(escape("⚠ " + NOTE[lang]))
    assert "&lt;b&gt;Bad&lt;/b&gt; key &amp; *stars*" in shown
    kept_page = (site / "papers" / f"{ids[0]}.html").read_text("utf-8")
    assert kept_page.count(f'<div class="kept" role="note"><p>{shown}</p></div>') == 1 and "<b>Bad" not in kept_page
    # the note sits above the kept report, which is still shown
    assert kept_page.index(shown) < kept_page.index('<ol class="report">')
    for pid in ids[1:]:
        page = (site / "papers" / f"{pid}.html").read_text("utf-8")
        assert 'class="kept"' not in page and "HTTP 401" not in page
    day_page = (site / "days" / f"{DATE}.html").read_text("utf-8")
    assert day_page.count('class="kept"') == 1 and day_page.count(shown) == 1
    first, second = (day_page.index(f'id="p-{pid}"') for pid in ids[:2])
    assert first < day_page.index(shown) < second
    lead = {"zh": "已写 3 篇，失败 0 篇", "en": "3 written, 0 failed"}[lang]
    assert lead in day_page  # the kept report counts as written, as in the day's files

    entry = feed_entry(site)
    assert feed_entry(site, "updated") > before  # the entry changed: feed readers see it again
    assert entry.count("⚠") == 1 and entry.count(str(escape(SHORT[lang]))) == 1 and "<b>Bad" not in entry
    item = next(li for li in entry.split("<li>") if f"papers/{ids[0]}.html" in li)
    assert str(escape(SHORT[lang])) in item

    # A later attempt that succeeds: the note goes from the pages and the feed.
    how = ["--model", "other-model"] if lang == "zh" else ["--force"]
    run("--limit", "1", "--lang", lang, "--out", str(tmp_path / "reports"), *how)
    with store() as s:
        again = build_site(s, site, lang=lang, workers=1)
    assert f"papers/{ids[0]}.html" in again.written and f"days/{DATE}.html" in again.written
    for path in (f"papers/{ids[0]}.html", f"days/{DATE}.html"):
        assert 'class="kept"' not in (site / path).read_text("utf-8")
    assert "⚠" not in feed_entry(site)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_site_says_when_it_shows_the_other_language_because_its_own_failed(good_day, replica_env, tmp_path,
                                                                               lang):
    other = "en" if lang == "zh" else "zh"
    ids = good_day(other)  # three reports in the other language only
    replica_env.services["llm"].script(*[Answer.http_error(401, ERROR)] * 5)
    run("--limit", "1", "--lang", lang, "--out", str(tmp_path / "reports"))  # the first paper fails in `lang`
    replica_env.services["llm"].clear()
    site = tmp_path / "site"
    with store() as s:
        build_site(s, site, lang=lang, workers=1)

    shown = str(escape("⚠ " + OTHER[lang]))
    assert "&lt;b&gt;Bad&lt;/b&gt; key &amp; *stars*" in shown
    badge = f'<span class="badge lang">{escape(LABELS[lang]["other_lang"])}</span>'
    page = (site / "papers" / f"{ids[0]}.html").read_text("utf-8")
    assert page.count(f'<div class="kept" role="note"><p>{shown}</p></div>') == 1 and "<b>Bad" not in page
    assert page.count(badge) == 1 and page.index(shown) < page.index('<ol class="report">')
    for pid in ids[1:]:  # shown in the other language too, but nothing failed in this one
        page = (site / "papers" / f"{pid}.html").read_text("utf-8")
        assert page.count(badge) == 1 and 'class="kept"' not in page and "HTTP 401" not in page
    day_page = (site / "days" / f"{DATE}.html").read_text("utf-8")
    assert day_page.count('class="kept"') == 1 and day_page.count(shown) == 1
    first, second = (day_page.index(f'id="p-{pid}"') for pid in ids[:2])
    assert first < day_page.index(shown) < second
    entry = feed_entry(site)
    assert entry.count("⚠") == 1 and entry.count(str(escape(OTHER_SHORT[lang]))) == 1 and "<b>Bad" not in entry

    # The attempt in the site's language succeeds: its own report is shown, with no note.
    run("--limit", "1", "--lang", lang, "--out", str(tmp_path / "reports"))
    with store() as s:
        build_site(s, site, lang=lang, workers=1)
    page = (site / "papers" / f"{ids[0]}.html").read_text("utf-8")
    assert 'class="kept"' not in page and badge not in page and '<ol class="report">' in page
    assert 'class="kept"' not in (site / "days" / f"{DATE}.html").read_text("utf-8") and "⚠" not in feed_entry(site)


def feed_entry(site, field: str = "content") -> str:
    """The HTML content (or another field's text) of the feed's entry for DATE."""
    atom = "{http://www.w3.org/2005/Atom}"
    root = ET.fromstring((site / "feed.xml").read_bytes())
    [entry] = [e for e in root.iter(f"{atom}entry") if e.findtext(f"{atom}id", "").endswith(DATE)]
    return entry.findtext(f"{atom}{field}") or ""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_delivery_says_a_report_was_kept(good_day, replica_env, tmp_path, monkeypatch, lang):
    ids = good_day(lang)
    fail_first_paper(replica_env, lang, tmp_path / "reports")
    receiver, mailbox = Receiver(), Mailbox()
    try:
        monkeypatch.setenv("PAPERBRIEF_SMTP_URL", f"smtp://127.0.0.1:{mailbox.port}")
        monkeypatch.setenv("PAPERBRIEF_SMTP_FROM", "pb@example.com")
        args = ["send", "--date", DATE, "--lang", lang, "--to", "mailto:reader@example.com"]
        for kind in (*CHATS, "webhook"):
            args += ["--to", f"{kind}:{receiver.url(kind)}"]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
        for kind in CHATS:
            whole = "\n".join(text_of(kind, r.json) for r in receiver.of(kind))
            note = in_chat(kind, "⚠ " + NOTE[lang])
            assert whole.count(note) == 1, (kind, whole)
            assert whole.count("⚠") == 1, kind  # no other paper has a note
            first, second = (whole.index(f"https://huggingface.co/papers/{pid}") for pid in ids[:2])
            assert first < whole.index(note) < second, kind
            if kind != "feishu":
                assert "<b>Bad" not in whole and "<@here>" not in whole, kind
        [day] = [r.json for r in receiver.of("webhook")]
        assert [k["arxiv_id"] for k in day["kept_after_failure"]] == [ids[0]]
        assert day["kept_after_failure"][0]["reason"] in NOTE[lang]

        message = mailbox.parsed(0)
        html = message.get_body(("html",)).get_content()
        shown = str(escape("⚠ " + NOTE[lang]))
        assert html.count(shown) == 1 and "<b>Bad" not in html
        assert html.index(f'id="p-{ids[0]}"') < html.index(shown) < html.index(f'id="p-{ids[1]}"')
        plain = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
        assert plain.count("> ⚠ " + NOTE[lang].replace("<b>", "\\<b>").replace("</b>", "\\</b>")) == 1
    finally:
        receiver.close()
        mailbox.close()
