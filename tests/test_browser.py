"""The built site in real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

Home -> day -> paper, search (Chinese and English) -> result, the feed link, a phone-sized
viewport, JavaScript off, and XSS payloads in titles, authors and report text that must
stay text. Screenshots of every page go into the test's tmp_path.
"""

import shutil
from pathlib import Path

import pytest
from archive_data import XSS_IMG, XSS_SCRIPT, add_interests, make_store

from paperbrief.render.site import build_site
from paperbrief.serve import serve_in_thread

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')")

CHROMIUM = next((p for p in ("/usr/bin/chromium", shutil.which("chromium") or "", shutil.which("chromium-browser") or "")
                 if p and Path(p).exists()), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary (apt-get install chromium)")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _site(tmp_path, *, xss=False):
    store = make_store(tmp_path / "pb.db", xss=xss)
    add_interests(store, xss=xss)
    out = tmp_path / "site"
    build_site(store, out)
    store.close()
    return serve_in_thread(out)


@pytest.fixture
def site(tmp_path):
    server, url = _site(tmp_path)
    yield url
    server.shutdown()
    server.server_close()


@pytest.fixture
def xss_site(tmp_path):
    server, url = _site(tmp_path, xss=True)
    yield url
    server.shutdown()
    server.server_close()


def _shot(page, tmp_path, name):
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 1000
    return path


def _watch(page):
    """Collect dialogs (alert would open one) and page errors."""
    seen = {"dialogs": [], "errors": []}
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    return seen


def test_browse_home_day_paper_search_and_feed(browser, site, tmp_path):
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    seen = _watch(page)
    page.goto(site + "index.html")
    assert page.locator("h1").inner_text() == "Hugging Face 每日论文简报"
    assert page.locator("table.days tbody tr").count() == 3
    assert page.locator("svg.chart rect").count() == 5
    _shot(page, tmp_path, "1-home")

    page.click("table.days a >> text=2026-02-06")
    page.wait_for_url("**/days/2026-02-06.html")
    assert page.locator("article.paper").count() == 2
    assert page.locator("article.paper").first.locator("ol.report h4").all_inner_texts() == [
        "应用领域", "一句话核心贡献", "使用指南", "主要创新点", "实验效果"]
    _shot(page, tmp_path, "2-day")

    page.click("article.paper h2 a >> text=Fast-SAM3D")
    page.wait_for_url("**/papers/2602.05293.html")
    assert page.locator("h1").inner_text().startswith("Fast-SAM3D")
    _shot(page, tmp_path, "3-paper")

    page.fill("header.site input[name=q]", "投机解码")
    page.press("header.site input[name=q]", "Enter")
    page.wait_for_url("**/search.html?q=*")
    page.wait_for_selector("#results li")
    assert page.locator("#results li").count() == 1
    assert page.locator("#results li mark").first.inner_text() == "投机解码"
    assert "找到 1 篇相关论文" in page.locator("#status").inner_text()
    _shot(page, tmp_path, "4-search-zh")
    page.click("#results li a.hit")
    page.wait_for_url("**/papers/2602.00001.html")
    assert page.locator("h1").inner_text() == "Speculative Decoding with Draft Trees"
    _shot(page, tmp_path, "5-search-result")

    page.goto(site + "search.html?q=speculative+decoding")
    page.wait_for_selector("#results li")
    assert page.locator("#results li a.hit").first.get_attribute("href") == "papers/2602.00001.html"
    page.goto(site + "search.html?q=" + "量子纠错")
    # Playwright's expect polls from outside the page: the site's CSP (script-src 'self') forbids eval.
    sync_api.expect(page.locator("#status")).to_contain_text("没有找到")
    assert page.locator("#results li").count() == 0
    _shot(page, tmp_path, "6-search-empty")

    page.goto(site + "days/2026-02-08.html")
    with page.expect_response(lambda r: r.url.endswith("/feed.xml")) as response:
        page.click("header.site a.feed")
    feed = response.value
    assert feed.status == 200 and feed.headers["content-type"].startswith("application/atom+xml")
    assert "<feed" in feed.text() and "2026-02-08" in feed.text()
    _shot(page, tmp_path, "7-feed")
    assert seen == {"dialogs": [], "errors": []}


def test_phone_viewport_has_no_sideways_scrolling(browser, site, tmp_path):
    page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    for path in ("index.html", "days/2026-02-06.html", "papers/2602.00001.html"):
        page.goto(site + path)
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], (path, width)
    _shot(page, tmp_path, "phone-paper")


def test_pages_read_fine_with_javascript_off(browser, site, tmp_path):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "days/2026-02-06.html")
    assert page.locator("article.paper").count() == 2
    assert "提出基于草稿树的投机解码" in page.locator("article.paper").first.inner_text()
    _shot(page, tmp_path, "nojs-day")
    page.click("article.paper h2 a >> text=Fast-SAM3D")  # plain links work without JS
    page.wait_for_url("**/papers/2602.05293.html")
    assert "模态感知的步进缓存" in page.locator("main").inner_text()
    page.goto(site + "search.html?q=x")
    assert "需要启用 JavaScript" in page.locator("main").inner_text()
    context.close()


def test_xss_payloads_never_run(browser, xss_site, tmp_path):
    page = browser.new_page()
    seen = _watch(page)
    for name, path in (("home", "index.html"), ("day", "days/2026-02-06.html"), ("failed", "days/2026-02-08.html"),
                       ("paper", "papers/2602.00001.html"), ("search", "search.html?q=speculative")):
        page.goto(xss_site + path)
        if name == "search":
            page.wait_for_selector("#results li")
            assert XSS_SCRIPT in page.locator("#results li a.hit").first.inner_text()
        page.wait_for_timeout(200)
        injected = page.evaluate(
            "() => ({img: document.querySelectorAll('img').length,"
            " inline: [...document.scripts].filter(s => !s.src).length,"
            " onerror: document.querySelectorAll('[onerror]').length})"
        )
        assert injected == {"img": 0, "inline": 0, "onerror": 0}, (name, injected)
        _shot(page, tmp_path, f"xss-{name}")
    page.goto(xss_site + "days/2026-02-06.html")
    assert XSS_SCRIPT in page.locator("article.paper h2").first.inner_text()
    assert XSS_IMG in page.locator("article.paper .authors").nth(1).inner_text()
    page.goto(xss_site + "days/2026-02-08.html")
    assert XSS_IMG in page.locator("article.paper .failed").first.inner_text()
    assert seen == {"dialogs": [], "errors": []}


def test_digest_page_from_the_home_page(browser, site, tmp_path):
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    seen = _watch(page)
    page.goto(site + "index.html")
    page.click("section.digests a >> text=周报 2026-W06")
    page.wait_for_url("**/digests/2026-W06.html")
    assert page.locator("h1").inner_text() == "Hugging Face Daily Papers 周报 2026-W06"
    assert page.locator("ol.themes li").count() == 3
    assert "未运行: 2026-02-02、2026-02-03、2026-02-04、2026-02-05" in page.locator("p.not-run").inner_text()
    chart = page.locator("section.chart-box svg.chart")
    assert chart.is_visible() and chart.locator("rect").count() >= 2
    assert page.locator("table.top-upvoted tbody tr").count() == 7
    _shot(page, tmp_path, "8-digest")
    page.click("ol.themes li >> nth=0 >> a >> text=2602.00001")  # a theme's citation opens the paper
    page.wait_for_url("**/papers/2602.00001.html")
    assert page.locator("h1").inner_text() == "Speculative Decoding with Draft Trees"
    page.goto(site + "days/2026-02-06.html")
    overview = page.locator("section.overview")
    assert overview.locator("h2").inner_text() == "今日速览"
    assert "9.9⚠" in overview.locator("p.overview-text").inner_text()
    overview.locator("table.index a >> text=Fast-SAM3D").click()
    page.wait_for_url("**/days/2026-02-06.html#p-2602.05293")
    _shot(page, tmp_path, "9-day-overview")
    phone = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone.goto(site + "digests/2026-W06.html")
    width = phone.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width
    _shot(phone, tmp_path, "10-digest-phone")
    assert seen == {"dialogs": [], "errors": []}
