"""Weekly and monthly digests from the store: ISO week edges (a week across two months and two years),
days not run named, top papers, fields against the previous period with a chart, recurring methods and
benchmarks, the LLM's themes (citations and numbers checked, stored, --force), both languages, the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date

import pytest

from paperbrief.config import Interests, Settings
from paperbrief.digest import BadPeriod, DigestError, build_digest, load_digest, parse_period
from paperbrief.models import DayListing, Document, Innovation, LabeledText, ListedPaper, Report, WrittenReport
from paperbrief.render.digest import digest_markdown, digest_message, write_digest_files
from paperbrief.replica.llm import Answer
from paperbrief.store import Store, document_hash, report_key

TODAY = date(2026, 1, 20)


def test_periods_and_their_edges():
    w01 = parse_period(week="2026-W01")
    assert (w01.key, w01.start, w01.end) == ("2026-W01", date(2025, 12, 29), date(2026, 1, 4))  # two months, two years
    assert w01.previous().key == "2025-W52" and w01.previous().start == date(2025, 12, 22)
    assert parse_period(week="2026-w53").start == date(2026, 12, 28)  # 2026 has 53 ISO weeks
    with pytest.raises(BadPeriod, match="2025 has no week 53"):
        parse_period(week="2025-W53")
    feb = parse_period(month="2024-02")
    assert (feb.start, feb.end, len(feb.days())) == (date(2024, 2, 1), date(2024, 2, 29), 29)
    jan = parse_period(month="2026-01")
    assert jan.previous().key == "2025-12" and jan.previous().end == date(2025, 12, 31)
    for bad in ({"week": "2026-6"}, {"month": "2026-13"}, {"month": "26-02"}, {}, {"week": "2026-W06", "month": "2026-02"}):
        with pytest.raises(BadPeriod):
            parse_period(**bad)


def _report(domain: str, innovation: str, result: str, lang: str = "zh") -> Report:
    label = "主要结果" if lang == "zh" else "Main result"
    return Report(domain=domain, contribution=f"{domain} 的一项工作。" if lang == "zh" else f"A work on {domain}.",
                  usage=[LabeledText(label="输入" if lang == "zh" else "Input", text="文本" if lang == "zh" else "Text")],
                  innovations=[Innovation(name=innovation, detail="……")],
                  results=[LabeledText(label=label, text=result)])


def _add_day(store: Store, day: str, papers: list[tuple[ListedPaper, Report | None]], lang: str = "zh") -> None:
    store.save_listing(DayListing(date=day, papers=[p for p, _ in papers]))
    for p, report in papers:
        if report is None:
            continue
        doc = Document(arxiv_id=p.arxiv_id, title=p.title, abstract=p.abstract)
        h = store.save_document(doc)
        store.save_report(report_key(document_hash(doc), "p1", "m", lang), h,
                          WrittenReport(arxiv_id=p.arxiv_id, title=p.title, lang=lang, model="m", prompt_version="p1",
                                        report=report))


def _paper(aid: str, title: str, upvotes: int, abstract: str = "") -> ListedPaper:
    return ListedPaper(arxiv_id=aid, title=title, upvotes=upvotes, abstract=abstract or f"We study {title.lower()}.")


def make_store(path) -> Store:
    """2025-W52 (previous week) and 2026-W01 (2025-12-29 .. 2026-01-04), some days not run."""
    store = Store(path)
    _add_day(store, "2025-12-23", [
        (_paper("2512.00001", "Old Vision Paper", 5), _report("计算机视觉 - 检测", "检测头（Detection Head）", "COCO 上 AP 为 50.1。")),
        (_paper("2512.00002", "Old NLP Paper", 7), _report("自然语言处理 - 翻译", "翻译（Translation）", "BLEU 30.2。")),
        (_paper("2512.00003", "Another Old NLP Paper", 3), _report("自然语言处理 - 摘要", "摘要（Summaries）", "ROUGE 40.3。")),
    ])
    _add_day(store, "2025-12-29", [
        (_paper("2512.10001", "Speculative Decoding with Draft Trees", 120),
         _report("自然语言处理 - 推理加速", "投机解码（Speculative Decoding）", "在 MMLU 上准确率 71.5%，加速 2.1 倍。")),
        (_paper("2512.10002", "Fast 3D Generation", 90),
         _report("计算机视觉 - 3D 生成", "步进缓存（Step Caching）", "在 Toys4K 上 F-Score 为 92.59。")),
    ])
    _add_day(store, "2025-12-31", [
        (_paper("2512.10003", "Medusa Heads for Parallel Decoding", 40),
         _report("自然语言处理 - 推理加速", "投机解码（Speculative Decoding）", "MMLU 准确率 70.2%，GSM8K 上 55.0%。")),
        (_paper("2512.10004", "A Robot Learns to Fold", 60, "Diffusion policies fold laundry."),
         _report("机器人学 - 灵巧操作", "动作分块（Action Chunking）", "在 GSM8K 风格的规划任务上成功率 85%。")),
        (_paper("2512.10005", "Not Written Yet", 200), None),
    ])
    _add_day(store, "2026-01-02", [
        (_paper("2601.00001", "Video Generation at Length", 75, "Long video generation with diffusion."),
         _report("计算机视觉 - 视频生成", "上下文强制（Context Forcing）", "在 VBench 上得分 84.3。")),
        (_paper("2512.10001", "Speculative Decoding with Draft Trees", 130), None),  # listed again, more upvotes
    ])
    return store


def test_week_across_two_years_from_the_store(tmp_path):
    store = make_store(tmp_path / "pb.db")
    settings = Settings()
    d = build_digest(settings, store, parse_period(week="2026-W01"), "zh", use_llm=False, today=TODAY)
    assert d.days_run == ["2025-12-29", "2025-12-31", "2026-01-02"]
    assert d.not_run == ["2025-12-30", "2026-01-01", "2026-01-03", "2026-01-04"] and d.not_yet == []
    assert d.papers == 6 and d.written == 5
    assert [(p.arxiv_id, p.upvotes) for p in d.top_upvoted] == [
        ("2512.10005", 200), ("2512.10001", 130), ("2512.10002", 90), ("2601.00001", 75), ("2512.10004", 60),
        ("2512.10003", 40)]
    assert d.top_upvoted[0].field == "" and d.top_upvoted[1].field == "自然语言处理"
    assert d.top_upvoted[1].date == "2025-12-29"  # the first day it was listed on
    assert d.top_relevant is None  # no interests
    assert [(m.field, m.count, m.previous, m.change) for m in d.fields] == [
        ("自然语言处理", 2, 2, 0), ("计算机视觉", 2, 1, 1), ("机器人学", 1, 0, 1)]
    assert [(r.name, r.papers) for r in d.methods] == [("Speculative Decoding", ["2512.10001", "2512.10003"])]
    assert [(r.name, sorted(r.papers)) for r in d.benchmarks] == [
        ("GSM8K", ["2512.10003", "2512.10004"]), ("MMLU", ["2512.10001", "2512.10003"])]
    md = digest_markdown(d, chart_file="2026-W01.svg")
    assert md.startswith("# Hugging Face Daily Papers 周报 2026-W01\n**时间范围**: 2025-12-29 – 2026-01-04\n")
    assert "**未运行**: 2025-12-30、2026-01-01、2026-01-03、2026-01-04" in md
    assert "## 本周要点\n\n（未配置大模型，没有要点总结；以下为统计。）" in md
    assert "| 计算机视觉 | 2 | 1 | +1 |" in md and "![各领域论文数：上周 2025-W52 与 本周 2026-W01](2026-W01.svg)" in md
    assert "- **方法**：Speculative Decoding（2 篇）" in md and "GSM8K（2 篇）、MMLU（2 篇）" in md
    assert digest_message(d) == ("Hugging Face Daily Papers 周报 2026-W01", digest_markdown(d))  # for delivery
    md_path, json_path, svg_path = write_digest_files(d, tmp_path / "out")
    assert md_path.name == "2026-W01.md" and json_path.name == "2026-W01.json"
    svg = svg_path.read_text("utf-8")
    assert svg.startswith("<svg") and "2025-W52" in svg and "自然语言处理: 2" in svg
    data = json.loads(json_path.read_text("utf-8"))
    assert data["not_run"] == d.not_run and data["fields"][1]["change"] == 1 and data["synthesis"]["kind"] == "statistical"
    store.close()


def test_month_in_english_with_relevance_and_days_to_come(tmp_path):
    store = Store(tmp_path / "pb.db")
    _add_day(store, "2026-02-02", [
        (_paper("2602.00001", "Speculative Decoding at Scale", 10),
         _report("Natural Language Processing - Inference", "Draft Trees", "2.1x faster on MT-Bench.", "en")),
        (_paper("2602.00002", "World Models for Robots", 30, "A world model for robot manipulation."),
         _report("Robotics - Manipulation", "Latent Dynamics", "Success rate 85% on LIBERO.", "en")),
    ], lang="en")
    settings = Settings(interests=Interests(keywords=["speculative decoding"], exclude=["robot"]))
    d = build_digest(settings, store, parse_period(month="2026-02"), "en", use_llm=False, today=date(2026, 2, 3))
    assert d.not_run == ["2026-02-01", "2026-02-03"] and d.not_yet[0] == "2026-02-04" and len(d.not_yet) == 25
    assert [(p.arxiv_id, p.relevance, p.matched) for p in d.top_relevant] == [
        ("2602.00001", 0.6, ["speculative decoding"]), ("2602.00002", 0.0, [])]
    md = digest_markdown(d)
    assert md.startswith("# Hugging Face Daily Papers, month 2026-02\n")
    assert "**Not run**: 2026-02-01, 2026-02-03" in md and "**Not yet**: 2026-02-04" in md
    assert "### By relevance to your interests" in md and "| 1 | [Speculative Decoding at Scale]" in md
    assert "| Natural Language Processing | 1 | 0 | +1 |" in md
    assert "## Key themes this month" in md
    out = tmp_path / "out"
    assert write_digest_files(d, out)[0].name == "2026-02.en.md"
    with pytest.raises(DigestError, match="nothing stored for 2026-03"):
        build_digest(settings, store, parse_period(month="2026-03"), "en", use_llm=False)
    store.close()


def test_llm_themes_cite_the_periods_papers_are_checked_and_stored(tmp_path, replica):
    llm = replica.services["llm"]
    store = make_store(tmp_path / "pb.db")
    settings = Settings(openai_base_url=replica.url + "/v1", model="replica-model")
    period = parse_period(week="2026-W01")
    d = build_digest(settings, store, period, "zh", today=TODAY)
    assert d.synthesis.kind == "llm" and 3 <= len(d.synthesis.claims) <= 6
    period_ids = {"2512.10001", "2512.10002", "2512.10003", "2512.10004", "2512.10005", "2601.00001"}
    assert all(c.papers and set(c.papers) <= period_ids for c in d.synthesis.claims)
    assert d.synthesis.flags == [] and d.synthesis.ungrounded_numbers == []
    assert len(llm.requests) == 1
    sent = llm.requests[0]["body"]["messages"]
    assert "2026-W01 这一周（2025-12-29 至 2026-01-04）" in sent[0]["content"]
    assert "[2512.10001] Speculative Decoding with Draft Trees" in sent[1]["content"]
    assert "2512.10005" not in sent[1]["content"]  # no report: nothing to cite from
    md = digest_markdown(d)
    first = d.synthesis.claims[0]
    assert f"1. **{first.title}**：" in md and f"[{first.papers[0]}](https://huggingface.co/papers/{first.papers[0]})" in md
    # stored: the same inputs are never paid twice; --force asks again
    again = build_digest(settings, store, period, "zh", today=TODAY)
    assert len(llm.requests) == 1 and again.synthesis.claims == d.synthesis.claims
    assert load_digest(store, "2026-W01", "zh").synthesis.claims == d.synthesis.claims
    build_digest(settings, store, period, "zh", today=TODAY, force=True)
    assert len(llm.requests) == 2
    # a new day in the period changes the inputs: the digest is rebuilt with it
    _add_day(store, "2026-01-03", [(_paper("2601.00002", "New Paper", 1), _report("机器人学 - 导航", "导航（Navigation）", "成功率 70%。"))])
    rebuilt = build_digest(settings, store, period, "zh", today=TODAY)
    assert rebuilt.papers == 7 and "2026-01-03" in rebuilt.days_run and len(llm.requests) == 3
    store.close()


def test_ungrounded_numbers_and_unknown_citations_in_themes_are_flagged(tmp_path, replica):
    llm = replica.services["llm"]
    llm.script(json.dumps({"themes": [
        {"title": "推理加速", "text": "投机解码在 MMLU 上达到 71.5%，另一说法是提升 99.9%。", "papers": ["2512.10001"]},
        {"title": "3D 与视频", "text": "3D 生成 F-Score 为 92.59。", "papers": ["2512.10002", "2699.99999"]},
        {"title": "机器人", "text": "机器人折衣服。", "papers": ["2512.10004"]},
    ]}, ensure_ascii=False))
    store = make_store(tmp_path / "pb.db")
    settings = Settings(openai_base_url=replica.url + "/v1", model="replica-model")
    d = build_digest(settings, store, parse_period(week="2026-W01"), "zh", today=TODAY)
    assert d.synthesis.ungrounded_numbers == ["99.9%"] and d.synthesis.flags == ["unknown_citation:2699.99999"]
    assert d.synthesis.claims[1].papers == ["2512.10002"]
    md = digest_markdown(d)
    assert "提升 99.9%⚠" in md and "71.5%⚠" not in md
    assert "> ⚠ 以下数字未能在所引论文的报告中找到，请核对：99.9%" in md
    assert "> ⚠ 要点引用了不属于这段时间的论文 2699.99999，已删去。" in md


def test_a_failing_llm_leaves_the_figures_and_asks_again_next_time(tmp_path, replica):
    llm = replica.services["llm"]
    llm.script(Answer.http_error(400, "bad request"))
    store = make_store(tmp_path / "pb.db")
    settings = Settings(openai_base_url=replica.url + "/v1", model="replica-model")
    d = build_digest(settings, store, parse_period(week="2026-W01"), "zh", today=TODAY)
    assert d.synthesis.kind == "statistical" and "HTTP 400" in d.synthesis.error
    assert "> 注：大模型未能写出要点（" in digest_markdown(d)
    assert build_digest(settings, store, parse_period(week="2026-W01"), "zh", today=TODAY).synthesis.kind == "llm"


def test_digest_command(tmp_path):
    home = tmp_path / "home"
    make_store(home / "paperbrief.db").close()
    env = dict(os.environ, PAPERBRIEF_HOME=str(home))

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "paperbrief", "digest", *args], env=env, capture_output=True,
                              text=True, timeout=120, stdin=subprocess.DEVNULL)

    out = tmp_path / "out"
    ok = cli("--week", "2026-W01", "--out", str(out))
    assert ok.returncode == 0, ok.stderr
    assert (out / "2026-W01.md").exists() and (out / "2026-W01.json").exists() and (out / "2026-W01.svg").exists()
    assert "not run: 2025-12-30, 2026-01-01, 2026-01-03, 2026-01-04" in ok.stderr
    en = cli("--month", "2025-12", "--lang", "en", "--out", str(out), "--json")
    assert en.returncode == 0, en.stderr
    assert json.loads(en.stdout)["period"] == "2025-12" and (out / "2025-12.en.md").exists()
    for args, message in ((["--week", "2026-6"], "not an ISO week"), ([], "exactly one of --week"),
                          (["--month", "2027-01"], "nothing stored for 2027-01"),
                          (["--month", "2026-01", "--lang", "fr"], "--lang must be zh or en")):
        bad = cli(*args)
        assert bad.returncode == 2 and message in bad.stderr and bad.stderr.count("\n") == 1, (args, bad.stderr)
    env["PAPERBRIEF_HOME"] = str(tmp_path / "empty")
    assert "no database" in cli("--week", "2026-W01").stderr


def test_digest_command_says_what_it_paid_and_records_its_calls_under_the_period(tmp_path, replica):
    """`paperbrief digest` prints the tokens and cost of the LLM calls it made (the run summary's figures);
    the calls are stored with subject digest:<period>:<lang> (no run makes them), so they can be counted."""
    from paperbrief.costs import cost_usd, total_cost

    home = tmp_path / "home"
    make_store(home / "paperbrief.db").close()
    config = tmp_path / "config.toml"
    config.write_text('[prices]\n"replica-model" = [2.0, 8.0, 0.5]\n', "utf-8")
    env = dict(os.environ, PAPERBRIEF_HOME=str(home), PAPERBRIEF_CONFIG=str(config), PAPERBRIEF_MODEL="replica-model",
               OPENAI_BASE_URL=replica.url + "/v1", OPENAI_API_KEY="sk-test-0123456789abcdefghij")

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "paperbrief", "digest", *args], env=env, capture_output=True,
                              text=True, timeout=120, stdin=subprocess.DEVNULL)

    first = cli("--week", "2026-W01", "--out", str(tmp_path / "out"))
    assert first.returncode == 0, first.stderr
    assert len(replica.services["llm"].requests) == 1
    with Store(home / "paperbrief.db") as store:
        rows = store.query("SELECT run_id, subject, model, tokens_in, tokens_out, cached_tokens, cost_usd "
                           "FROM llm_calls")
    assert [(r["run_id"], r["subject"], r["model"]) for r in rows] == [(None, "digest:2026-W01:zh", "replica-model")]
    r = rows[0]
    cost = cost_usd({"replica-model": (2.0, 8.0, 0.5)}, "replica-model", r["tokens_in"], r["tokens_out"],
                    r["cached_tokens"])
    assert r["tokens_in"] > 0 and cost and r["cost_usd"] == cost == total_cost([cost])
    assert f"tokens in / out: {r['tokens_in']:,} / {r['tokens_out']:,}; estimated cost: ${cost:.4f}\n" in first.stderr
    # the same week again reuses the stored themes: nothing asked, nothing paid, and it says so
    again = cli("--week", "2026-W01", "--out", str(tmp_path / "out"))
    assert again.returncode == 0, again.stderr
    assert len(replica.services["llm"].requests) == 1
    assert "tokens in / out: 0 / 0; estimated cost: $0.0000\n" in again.stderr
    # a model without a price: the cost is unknown, never $0
    config.write_text("", "utf-8")
    forced = cli("--week", "2026-W01", "--out", str(tmp_path / "out"), "--force")
    assert forced.returncode == 0, forced.stderr
    assert len(replica.services["llm"].requests) == 2
    assert "; estimated cost: unknown (no price for this model)\n" in forced.stderr


def test_the_digests_themes_are_stored_per_model(tmp_path, replica):
    """The same model reuses the period's themes (one call over two digests); another model asks again
    (the reports are the same); --force asks again with the model given."""
    llm = replica.services["llm"]
    store = make_store(tmp_path / "pb.db")
    period = parse_period(week="2026-W01")
    first = Settings(openai_base_url=replica.url + "/v1", model="replica-model")
    d = build_digest(first, store, period, "zh", today=TODAY)
    assert build_digest(first, store, period, "zh", today=TODAY).synthesis.claims == d.synthesis.claims
    assert len(llm.requests) == 1
    second = Settings(openai_base_url=replica.url + "/v1", model="replica-model-2")
    d2 = build_digest(second, store, period, "zh", today=TODAY)
    assert len(llm.requests) == 2 and llm.requests[1]["body"]["model"] == "replica-model-2"
    assert d2.synthesis.kind == "llm" and d2.synthesis.model == "replica-model-2"
    assert build_digest(second, store, period, "zh", today=TODAY).synthesis.model == "replica-model-2"
    assert len(llm.requests) == 2
    assert load_digest(store, "2026-W01", "zh").synthesis.model == "replica-model-2"
    # back to the first model: its stored themes are reused, not paid again
    assert build_digest(first, store, period, "zh", today=TODAY).synthesis.claims == d.synthesis.claims
    assert len(llm.requests) == 2
    build_digest(second, store, period, "zh", today=TODAY, force=True)
    assert len(llm.requests) == 3
    assert store.query("SELECT count(*) FROM claims")[0][0] == 0
    store.close()
