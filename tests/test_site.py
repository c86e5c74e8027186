"""The static site: pages and their content, the feed, incremental rebuilds, safe rendering."""

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter

import pytest
from archive_data import XSS_IMG, XSS_SCRIPT, add_day, make_store, paper, save, zh_report
from bs4 import BeautifulSoup

from paperbrief.models import DayListing
from paperbrief.render.chart import domain_series, svg_chart
from paperbrief.render.search_index import shard_of
from paperbrief.render.site import MANIFEST, build_site, rich_text, site_is_stale

ATOM = "{http://www.w3.org/2005/Atom}"
INDEX_FILES = re.compile(r"^(index\.html|feed\.xml|search/.*)$")


@pytest.fixture
def store(tmp_path):
    s = make_store(tmp_path / "pb.db")
    yield s
    s.close()


def soup(path):
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_build_writes_every_page(store, tmp_path):
    out = tmp_path / "site"
    report = build_site(store, out)
    assert report.days == 3 and report.papers == 7 and report.skipped == 0
    for path in ["index.html", "search.html", "feed.xml", "static/site.css", "static/search.js", "search/meta.json",
                 "days/2026-02-06.html", "days/2026-02-07.html", "days/2026-02-08.html", "papers/2602.00001.html",
                 "papers/2602.05555.html", MANIFEST]:
        assert (out / path).is_file(), path
    assert sorted(p.name for p in (out / "papers").iterdir()) == sorted(
        f"{i}.html" for i in ("2602.00001", "2602.05293", "2602.01111", "2602.02222", "2602.03333", "2602.04444",
                              "2602.05555"))


def test_home_lists_days_newest_first_with_counts_and_a_chart(store, tmp_path):
    out = tmp_path / "site"
    build_site(store, out)
    page = soup(out / "index.html")
    rows = [[td.get_text(strip=True) for td in tr.find_all("td")] for tr in page.select("table.days tbody tr")]
    assert rows == [["2026-02-08", "3", "1", "1"], ["2026-02-07", "2", "2", ""], ["2026-02-06", "2", "2", ""]]
    assert [a["href"] for a in page.select("table.days a")] == [f"days/2026-02-0{d}.html" for d in (8, 7, 6)]
    svg = page.select_one("svg.chart")
    assert svg is not None and len(svg.find_all("rect")) == 5  # one segment per (day, domain) with papers
    tips = {t.get_text() for t in svg.select("rect > title")}
    assert "2026-02-06 · 自然语言处理: 1" in tips and "2026-02-07 · 机器人学: 1" in tips
    legend = [li.get_text(strip=True) for li in page.select("ul.legend li")]
    assert "计算机视觉" in legend and "自然语言处理" in legend


def test_every_page_links_the_feed(store, tmp_path):
    out = tmp_path / "site"
    build_site(store, out)
    for path in [*out.glob("*.html"), *out.glob("days/*.html"), *out.glob("papers/*.html")]:
        page = soup(path)
        link = page.find("link", rel="alternate", type="application/atom+xml")
        assert link is not None, path
        assert (path.parent / link["href"]).resolve() == (out / "feed.xml").resolve()
        assert page.find("a", href=link["href"]) is not None  # a visible link too
        assert page.find("meta", attrs={"http-equiv": "Content-Security-Policy"}) is not None


def test_day_page_shows_each_paper_with_source_flags_links_and_failures(store, tmp_path):
    out = tmp_path / "site"
    build_site(store, out)
    day6 = soup(out / "days/2026-02-06.html")
    arts = day6.select("article.paper")
    assert [a["id"] for a in arts] == ["p-2602.00001", "p-2602.05293"]
    spec = arts[0]
    assert spec.h2.get_text(strip=True) == "Speculative Decoding with Draft Trees"
    assert spec.h2.a["href"] == "../papers/2602.00001.html"
    assert "Ada Lovelace, Alan Turing" in spec.select_one(".authors").get_text()
    hrefs = {a.get_text(strip=True): a["href"] for a in spec.select(".links a")}
    assert hrefs == {"arXiv 摘要页": "https://arxiv.org/abs/2602.00001",
                     "Hugging Face": "https://huggingface.co/papers/2602.00001",
                     "PDF": "https://arxiv.org/pdf/2602.00001", "代码": "https://github.com/example/draft-trees"}
    assert [h.get_text() for h in spec.select("ol.report h4")] == ["应用领域", "一句话核心贡献", "使用指南", "主要创新点", "实验效果"]
    assert "阅读来源: HTML" in spec.select_one(".meta").get_text()
    grounding = spec.select_one(".grounding").get_text()
    assert "3.5" in grounding and "原文中未找到的数字" in grounding
    assert spec.select_one('ol.report a[href="https://github.com/example/draft-trees"]') is not None

    day7 = (out / "days/2026-02-07.html").read_text(encoding="utf-8")
    assert "阅读来源: PDF" in day7 and "阅读来源: ArXiv Abs" in day7 and "英文报告" in day7
    day8 = soup(out / "days/2026-02-08.html")
    failed = day8.select_one('[id="p-2602.04444"]')
    assert "未能生成报告" in failed.get_text() and "LLM call timed out after 3 retries" in failed.get_text()
    pending = day8.select_one('[id="p-2602.05555"]')
    assert "尚未生成报告" in pending.get_text() and "register tokens" in pending.get_text()
    assert "共 3 篇论文，已写 1 篇，失败 1 篇。" in day8.get_text()


def test_paper_page(store, tmp_path):
    out = tmp_path / "site"
    build_site(store, out)
    page = soup(out / "papers/2602.05293.html")
    assert page.h1.get_text() == "Fast-SAM3D: 3Dfy Anything in Images but Faster"
    assert page.select_one(".listed a")["href"] == "../days/2026-02-06.html"
    assert "模态感知的步进缓存（Modality-Aware Step Caching）" in page.get_text()
    assert "diffusion-based 3D generator" in page.select_one("details.abstract").get_text()
    assert "李明" in page.select_one(".authors").get_text()
    grounding = page.select_one(".grounding").get_text(" ", strip=True)
    assert "未在所指对象旁找到的数字: 92.59" in grounding and "原文中未找到的数字" not in grounding
    assert page.select_one(".badge.ok") is None


def test_english_site(store, tmp_path):
    out = tmp_path / "site-en"
    build_site(store, out, lang="en", base_url="https://example.org/briefs")
    page = soup(out / "days/2026-02-06.html")
    assert page.html["lang"] == "en"
    heads = [h.get_text() for h in page.select('[id="p-2602.00001"] ol.report h4')]
    assert heads == ["Field", "Core contribution", "How to use it", "Key innovations", "Results"]
    # The English report is chosen for the paper that has both languages.
    assert "A speculative decoding method with draft trees" in page.select_one('[id="p-2602.00001"]').get_text()
    assert "report in Chinese" in page.select_one('[id="p-2602.05293"]').get_text()
    assert page.find("link", rel="canonical")["href"] == "https://example.org/briefs/days/2026-02-06.html"
    feed = ET.parse(out / "feed.xml").getroot()
    links = [e.find(f"{ATOM}link").get("href") for e in feed.findall(f"{ATOM}entry")]
    assert links[0] == "https://example.org/briefs/days/2026-02-08.html"


def test_feed_parses_and_has_one_entry_per_day(store, tmp_path):
    out = tmp_path / "site"
    build_site(store, out)
    root = ET.parse(out / "feed.xml").getroot()
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == [
        "2026-02-08 · 3 篇论文", "2026-02-07 · 2 篇论文", "2026-02-06 · 2 篇论文"]
    content = entries[2].find(f"{ATOM}content")
    assert content.get("type") == "html"
    body = BeautifulSoup(content.text, "html.parser")
    assert [a["href"] for a in body.find_all("a")] == ["papers/2602.00001.html", "papers/2602.05293.html"]
    assert "自然语言处理" in body.get_text()
    assert {e.find(f"{ATOM}id").text for e in entries} == {f"urn:paperbrief:day:zh:2026-02-0{d}" for d in (6, 7, 8)}
    assert len(build_site(store, out, feed_days=2) and ET.parse(out / "feed.xml").getroot().findall(f"{ATOM}entry")) == 2


def test_rebuild_without_changes_writes_nothing(store, tmp_path):
    out = tmp_path / "site"
    first = build_site(store, out)
    mtimes = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file() and p.name != MANIFEST}
    second = build_site(store, out)
    assert second.written == [] and second.removed == [] and second.skipped == len(first.written)
    assert {p: p.stat().st_mtime_ns for p in mtimes} == mtimes


def test_adding_a_day_rewrites_only_that_day_and_the_index_pages(store, tmp_path):
    out = tmp_path / "site"
    build_site(store, out)
    add_day(store)
    report = build_site(store, out)
    pages = [p for p in report.written if not INDEX_FILES.match(p)]
    assert sorted(pages) == ["days/2026-02-09.html", "papers/2602.09999.html"]
    assert "index.html" in report.written and "feed.xml" in report.written
    assert "2026-02-09" in (out / "index.html").read_text(encoding="utf-8")


def test_a_new_report_rewrites_its_paper_and_day_only(store, tmp_path):
    out = tmp_path / "site"
    build_site(store, out)
    save(store, store.get_paper("2602.05555"), zh_report("计算机视觉 - 表征学习", "为视觉 Transformer 引入寄存器词元。",
                                                        "寄存器词元（Register Tokens）", "提升 0.8 个点。"))
    report = build_site(store, out)
    pages = sorted(p for p in report.written if not INDEX_FILES.match(p))
    assert pages == ["days/2026-02-08.html", "papers/2602.05555.html"]
    assert "寄存器词元" in (out / "papers/2602.05555.html").read_text(encoding="utf-8")


def test_a_deleted_page_is_written_again_and_a_language_switch_rewrites_all(store, tmp_path):
    out = tmp_path / "site"
    build_site(store, out)
    (out / "days/2026-02-07.html").unlink()
    assert build_site(store, out).written == ["days/2026-02-07.html"]
    switched = build_site(store, out, lang="en")
    assert "days/2026-02-06.html" in switched.written and "papers/2602.00001.html" in switched.written


def test_a_day_that_disappears_has_its_page_removed(store, tmp_path):
    out = tmp_path / "site"
    build_site(store, out)
    store.save_listing(DayListing(date="2026-02-08", papers=[paper("2602.03333", "Medusa Heads")]))
    report = build_site(store, out)
    assert "papers/2602.04444.html" in report.removed and not (out / "papers/2602.04444.html").exists()


def test_store_staleness(store, tmp_path):
    out = tmp_path / "site"
    assert site_is_stale(store, out)
    build_site(store, out)
    assert not site_is_stale(store, out)
    add_day(store)
    assert site_is_stale(store, out)


def test_outside_text_is_escaped_everywhere(tmp_path):
    s = make_store(tmp_path / "pb.db", xss=True)
    out = tmp_path / "site"
    build_site(s, out)
    for path in [*out.glob("*.html"), *out.glob("days/*.html"), *out.glob("papers/*.html"), out / "feed.xml"]:
        text = path.read_text(encoding="utf-8")
        assert "<script>alert" not in text and "<img src=x" not in text, path
    day = (out / "days/2026-02-06.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in day and "&lt;img src=x onerror=alert(1)&gt;" in day
    page = soup(out / "days/2026-02-06.html")
    assert XSS_SCRIPT in page.select_one('[id="p-2602.00001"] h2').get_text()
    assert XSS_IMG in page.select_one('[id="p-2602.05293"] .authors').get_text()
    assert page.find("img") is None and [t.get("src") for t in page.find_all("script")] == []
    # The feed's HTML content is escaped once more inside the XML: parse it and check again.
    feed = ET.parse(out / "feed.xml").getroot()
    html = "".join(e.find(f"{ATOM}content").text for e in feed.findall(f"{ATOM}entry"))
    inner = BeautifulSoup(html, "html.parser")
    assert inner.find("script") is None and inner.find("img") is None and XSS_SCRIPT in inner.get_text()
    s.close()


def test_links_only_ever_point_to_http(store, tmp_path):
    evil = paper("2602.07777", "Evil links", github="javascript:alert(1)", project="data:text/html,<b>x</b>")
    store.save_listing(DayListing(date="2026-02-10", papers=[evil]))
    out = tmp_path / "site"
    build_site(store, out)
    text = (out / "papers/2602.07777.html").read_text(encoding="utf-8")
    assert "javascript:" not in text and "data:text" not in text


def test_rich_text_keeps_emphasis_and_links_and_drops_html():
    html = str(rich_text("**加速 2.67 倍** <b>x</b> [点我](javascript:alert(1)) 见 https://github.com/a/b。"))
    assert "<strong>加速 2.67 倍</strong>" in html
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert 'href="javascript' not in html and "<a" not in html.split("见")[0]
    assert '<a href="https://github.com/a/b"' in html and "b</a>。" in html
    plain = str(rich_text("代码：https://github.com/x/y。<script>"))
    assert plain == ('代码：<a href="https://github.com/x/y" rel="noopener noreferrer nofollow">'
                     "https://github.com/x/y</a>。&lt;script&gt;")


def test_search_index_holds_tokens_in_their_shards(store, tmp_path):
    out = tmp_path / "site"
    build_site(store, out)
    meta = json.loads((out / "search/meta.json").read_text(encoding="utf-8"))
    docs = json.loads((out / "search/d/0.json").read_text(encoding="utf-8"))
    assert meta["docs"] == len(docs) == 7
    for token, arxiv_id in (("投机", "2602.00001"), ("speculative", "2602.00001"), ("registers", "2602.05555"),
                            ("diffusion", "2602.05293")):  # from the abstract of a Chinese report
        shard = json.loads((out / f"search/t/{shard_of(token, meta['shards'])}.json").read_text(encoding="utf-8"))
        title, body = shard[token]
        found = {docs[n][0] for postings in (title, body) for n in _undelta(postings)}
        assert arxiv_id in found, token


def _undelta(deltas):
    n, out = 0, []
    for d in deltas:
        n += d
        out.append(n)
    return out


def test_chart_groups_long_ranges_by_week_and_folds_small_domains():
    from datetime import date, timedelta

    per_day = {}
    for i in range(200):
        d = (date(2025, 1, 1) + timedelta(days=i)).isoformat()
        per_day[d] = Counter({f"领域{j}": 1 for j in range(i % 12)})
    series = domain_series(per_day, top=8, other="其他")
    mondays = {(date.fromisoformat(d) - timedelta(days=date.fromisoformat(d).weekday())).isoformat() for d in per_day}
    assert series.unit == "week" and series.buckets == sorted(mondays)
    assert series.domains[-1] == "其他" and len(series.domains) == 9
    assert sum(map(sum, series.counts.values())) == sum(sum(c.values()) for c in per_day.values())
    svg = svg_chart(series, title="<t>")
    ET.fromstring(svg)  # well-formed XML
    assert "&lt;t&gt;" in svg


def test_forked_workers_write_the_same_pages(store, tmp_path, monkeypatch):
    import paperbrief.render.site.workers as site_mod

    serial = tmp_path / "serial"
    build_site(store, serial, workers=1)
    monkeypatch.setattr(site_mod, "PARALLEL_FROM", 1)
    parallel = tmp_path / "parallel"
    report = build_site(store, parallel, workers=2)
    assert len(report.written) == len(build_site(store, tmp_path / "again", workers=1).written)
    files = sorted(p.relative_to(serial) for p in serial.rglob("*") if p.is_file() and p.name != MANIFEST)
    assert files == sorted(p.relative_to(parallel) for p in parallel.rglob("*") if p.is_file() and p.name != MANIFEST)
    assert all((serial / f).read_bytes() == (parallel / f).read_bytes() for f in files)


def test_site_snapshot_is_typed_and_picks_the_report_each_paper_shows(store):
    from paperbrief.models import ArchivedPaper, ReportSummary, SiteSnapshot

    add_day(store, "2026-02-09")
    store.save_listing(DayListing(date="2026-02-09", papers=[paper("2602.00001", "Speculative Decoding, again",
                                                                   upvotes=42)]))
    zh, en = store.site_snapshot("zh"), store.site_snapshot("en")
    assert isinstance(zh, SiteSnapshot) and zh.lang == "zh"
    assert zh.days == {"2026-02-09": ("2602.00001",), "2026-02-08": ("2602.03333", "2602.04444", "2602.05555"),
                       "2026-02-07": ("2602.01111", "2602.02222"), "2026-02-06": ("2602.00001", "2602.05293")}
    spec = zh.papers["2602.00001"]
    assert isinstance(spec, ArchivedPaper)
    assert spec.dates == ("2026-02-09", "2026-02-06") and spec.upvotes == 42
    assert spec.title == "Speculative Decoding, again" and spec.authors == ("Ada Lovelace", "Alan Turing")
    # Successful first, then in the site's language: the paper with both shows each site its own.
    assert spec.report is not None and spec.report.lang == "zh" and en.papers["2602.00001"].report.lang == "en"
    assert en.papers["2602.05293"].report.lang == "zh"  # no English report: the Chinese one, marked other_lang
    failed, pending = zh.papers["2602.04444"], zh.papers["2602.05555"]
    assert failed.failed and not failed.written and pending.report is None and not pending.failed
    assert zh.counts("2026-02-08") == (1, 1) and zh.counts("2026-02-06") == (2, 0)
    summaries = store.report_summaries("zh")
    assert set(summaries) >= set(zh.papers) - {"2602.04444", "2602.05555"} and "2602.04444" not in summaries
    assert summaries["2602.05293"] == ReportSummary(
        domain="计算机视觉 - 单视图 3D 重建 (Single-View 3D Reconstruction)",
        contribution="提出无需训练的加速框架 Fast-SAM3D，端到端推理最高加速 2.67 倍。",
        innovation_names="模态感知的步进缓存（Modality-Aware Step Caching）", results="主要结果 在 Toys4K 上 F-Score 达到 92.59。")
    reports = store.written_reports([spec.report.key, "no-such-key"])
    assert list(reports) == [spec.report.key] and reports[spec.report.key].report is not None
