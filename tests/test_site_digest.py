"""The website's overview on day pages, digest pages linked from the home page, and digests in the feed."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from archive_data import XSS_SCRIPT, add_interests, make_store
from bs4 import BeautifulSoup

from paperbrief.render.site import build_site


def _page(out, path):
    return BeautifulSoup((out / path).read_text("utf-8"), "html.parser")


@pytest.fixture
def store(tmp_path):
    s = make_store(tmp_path / "pb.db")
    add_interests(s)
    yield s
    s.close()


def test_day_page_shows_the_overview_and_index(store, tmp_path):
    out = tmp_path / "site"
    build_site(store, out)
    day = _page(out, "days/2026-02-06.html")
    ov = day.select_one("section.overview")
    assert ov.h2.get_text() == "今日速览"
    text = ov.select_one("p.overview-text").get_text()
    assert text.startswith("推理加速是今天的主题：草稿树投机解码提速 2.1 倍，另一说法是 9.9⚠ 倍。（2602.00001）")
    assert [a["href"] for a in ov.select("p.overview-text a")] == ["#p-2602.00001", "#p-2602.05293"]
    assert "以下数字未能在所引论文的报告中找到，请核对：9.9" in ov.select_one("p.grounding").get_text()
    rows = ov.select("table.index tbody tr")
    assert [r.select_one("a")["href"] for r in rows] == ["#p-2602.00001", "#p-2602.05293"]
    assert [td.get_text() for td in rows[0].select("td")][2:4] == ["自然语言处理", "10"]
    assert day.find(id="p-2602.00001") is not None  # the anchors the overview links to exist
    # a day without an LLM overview gets the statistical one
    stat = _page(out, "days/2026-02-08.html").select_one("section.overview p.overview-text").get_text()
    assert stat.startswith("今日共 3 篇论文，1 篇有报告，1 篇未能生成报告，另有 1 篇只列出摘要。")


def test_digest_page_home_link_and_feed_entry(store, tmp_path):
    out = tmp_path / "site"
    report = build_site(store, out)
    assert "digests/2026-W06.html" in report.written
    home = _page(out, "index.html")
    link = home.select_one("section.digests a")
    assert link["href"] == "digests/2026-W06.html" and link.get_text() == "Hugging Face Daily Papers 周报 2026-W06"
    page = _page(out, "digests/2026-W06.html")
    assert page.h1.get_text() == "Hugging Face Daily Papers 周报 2026-W06"
    assert page.select_one("p.not-run").get_text() == "未运行: 2026-02-02、2026-02-03、2026-02-04、2026-02-05"
    themes = page.select("ol.themes li")
    assert [t.strong.get_text() for t in themes] == ["推理加速", "3D 与机器人", "检索"]
    assert [a["href"] for a in themes[0].select("a")] == ["../papers/2602.00001.html", "../papers/2602.03333.html"]
    top = page.select("table.top-upvoted tbody tr")
    assert len(top) == 7 and top[0].select_one("a")["href"].startswith("../papers/")
    assert page.select_one("section.chart-box svg.chart") is not None
    assert "自然语言处理" in page.select_one("table.fields").get_text()
    feed = ET.fromstring((out / "feed.xml").read_bytes())
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = feed.findall("a:entry", ns)
    assert entries[0].find("a:title", ns).text == "Hugging Face Daily Papers 周报 2026-W06"
    assert entries[0].find("a:link", ns).get("href") == "digests/2026-W06.html"
    assert "推理加速" in entries[0].find("a:content", ns).text
    assert len(entries) == 1 + 3  # the digest and the three days
    # nothing changed: nothing written; a new digest rewrites its page, the home page and the feed
    assert build_site(store, out).written == []
    from paperbrief.config import Settings
    from paperbrief.digest import build_digest, parse_period

    build_digest(Settings(), store, parse_period(month="2026-02"), "zh", use_llm=False)
    again = build_site(store, out)
    assert sorted(again.written) == ["digests/2026-02.html", "feed.xml", "index.html"]


def test_digest_text_is_escaped(tmp_path):
    store = make_store(tmp_path / "pb.db", xss=True)
    add_interests(store, xss=True)
    out = tmp_path / "site"
    build_site(store, out)
    for path in ("digests/2026-W06.html", "days/2026-02-06.html", "index.html"):
        html = (out / path).read_text("utf-8")
        assert XSS_SCRIPT not in html, path
    page = _page(out, "digests/2026-W06.html")
    assert XSS_SCRIPT in page.select_one("ol.themes li strong").get_text()
    store.close()
