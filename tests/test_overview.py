"""The day's overview between the header block and the first separator: statistical without an LLM,
LLM-written with checked citations and numbers (stored, never paid twice), the index table with links to
the blocks, --top's other papers, --no-overview, both languages."""

from __future__ import annotations

import json
import os
from pathlib import Path

from rich.console import Console
from test_run import DATE, SEP, check_day_markdown, listing_items

from paperbrief.cli.progress import summary_table
from paperbrief.config import load_settings
from paperbrief.costs import cost_usd
from paperbrief.pipeline import rerender, run_day
from paperbrief.render.overview import Slugger, slug
from paperbrief.replica.llm import Answer

ITEMS = listing_items()
TITLES = {it["paper"]["id"]: it["paper"]["title"] for it in ITEMS}
UPVOTES = {it["paper"]["id"]: it["paper"]["upvotes"] for it in ITEMS}
IDS = ["2602.05293", "2601.21296", "2602.05327", "2601.22027", "2602.05842"]


def _llm(monkeypatch, replica):
    monkeypatch.setenv("OPENAI_BASE_URL", replica.url + "/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-0123456789abcdefghij")
    monkeypatch.setenv("PAPERBRIEF_MODEL", "replica-model")


def _overview_part(md: str) -> str:
    head, _, _ = md.partition("\n" + SEP + "\n")
    return head.split("\n", 4)[4]


def test_github_anchors():
    assert slug("📄 Fast-SAM3D: 3Dfy Anything in Images but Faster") == "-fast-sam3d-3dfy-anything-in-images-but-faster"
    assert slug("📄 Dr. Kernel: RL Done Right (for Triton)") == "-dr-kernel-rl-done-right-for-triton"
    assert slug("今日速览") == "今日速览" and slug("📄 τ²-Bench: 工具") == "-τ²-bench-工具"
    s = Slugger()
    assert [s("A b"), s("A b"), s("a B")] == ["a-b", "a-b-1", "a-b-2"]


def test_statistical_overview_without_an_llm(replica_env, tmp_path):
    settings = load_settings({"out": tmp_path / "out"})
    result = run_day(settings, DATE, ids=IDS)
    md = result.md_path.read_text("utf-8")
    check_day_markdown(md, DATE, [(i, TITLES[i]) for i in TITLES if i in IDS])
    part = _overview_part(md)
    assert part.startswith("## 今日速览\n\n今日共 5 篇论文，5 篇有报告。领域分布：")
    top3 = sorted(IDS, key=lambda i: -UPVOTES[i])[:3]
    assert f"点赞最多的是《{TITLES[top3[0]]}》（{UPVOTES[top3[0]]} 赞）" in part
    assert f"[{top3[0]}](#{slug('📄 ' + TITLES[top3[0]])})" in part  # cites link to the paper's block
    # the index: every paper, linked to its block, with field, upvotes and contribution (no relevance column)
    table = part.split("### 论文索引\n\n", 1)[1].strip().split("\n")
    assert table[0] == "| # | 论文 | 领域 | 点赞 | 一句话贡献 |" and len(table) == 2 + 5
    for n, aid in enumerate([i for i in TITLES if i in IDS], 1):
        cells = table[n + 1].split(" | ")
        assert cells[0] == f"| {n}" and cells[1] == f"[{TITLES[aid]}](#{slug('📄 ' + TITLES[aid])})"
        assert cells[3] == str(UPVOTES[aid])
    # every anchor of the index is the anchor of a block heading
    headings = [ln[3:] for ln in md.split("\n") if ln.startswith("## 📄 ")]
    assert {f"#{slug(h)}" for h in headings} == {c.split("](", 1)[1].split(")")[0] for c in part.split("\n")
                                                  if c.startswith("| ") and "](#" in c}
    day = json.loads(result.json_path.read_text("utf-8"))
    assert day["overview"]["kind"] == "statistical" and day["overview"]["claims"][0]["text"].startswith("今日共 5 篇")
    # --no-overview: the bare seed shape
    bare = rerender(settings, DATE, out=tmp_path / "bare", overview=False)[0].read_text("utf-8")
    assert bare.split("\n")[3:5] == ["", SEP] and "今日速览" not in bare
    assert bare.split("\n" + SEP + "\n", 1)[1] == md.split("\n" + SEP + "\n", 1)[1]  # blocks unchanged
    # English
    en = run_day(settings, DATE, ids=IDS[:2], lang="en")
    en_md = en.md_path.read_text("utf-8")
    assert _overview_part(en_md).startswith("## Today\n\n2 papers today, 2 with a report.")
    assert "| # | Paper | Field | Upvotes | Contribution |" in en_md


def test_llm_overview_cites_the_days_papers_and_is_stored(replica, replica_env, tmp_path, monkeypatch):
    _llm(monkeypatch, replica)
    llm = replica.services["llm"]
    Path(os.environ["PAPERBRIEF_CONFIG"]).write_text('[prices]\n"replica-model" = [2.0, 8.0, 0.5]\n', "utf-8")
    settings = load_settings({"out": tmp_path / "out"})
    result = run_day(settings, DATE, ids=IDS)
    overview_requests = [r for r in llm.requests if "<papers>" in json.dumps(r["body"], ensure_ascii=False)]
    assert len(overview_requests) == 1 and len(llm.requests) == 6
    sent = json.dumps(overview_requests[0]["body"], ensure_ascii=False)
    assert all(f"[{i}]" in sent for i in IDS)
    day = json.loads(result.json_path.read_text("utf-8"))
    ov = day["overview"]
    assert ov["kind"] == "llm" and ov["model"] == "replica-model" and ov["flags"] == []
    assert ov["claims"] and all(set(c["papers"]) <= set(IDS) and c["papers"] for c in ov["claims"])
    assert ov["ungrounded_numbers"] == []
    md = result.md_path.read_text("utf-8")
    check_day_markdown(md, DATE, [(i, TITLES[i]) for i in TITLES if i in IDS])
    part = _overview_part(md)
    cited = ov["claims"][0]["papers"][0]
    assert f"[{cited}](#{slug('📄 ' + TITLES[cited])})" in part
    with __import__("paperbrief.store", fromlist=["Store"]).Store(settings.db_path) as store:
        calls = store.query("SELECT prompt_version, run_id FROM llm_calls WHERE prompt_version = 'overview-1'")
    assert len(calls) == 1 and calls[0]["run_id"] == result.run_id
    # the day's totals count the overview's tokens and cost too, and show them apart
    with __import__("paperbrief.store", fromlist=["Store"]).Store(settings.db_path) as store:
        ov_call = store.query("SELECT tokens_in, tokens_out, cached_tokens FROM llm_calls "
                              "WHERE prompt_version = 'overview-1'")[0]
    assert ov_call["tokens_in"] > 0 and (ov["tokens_in"], ov["tokens_out"], ov["cached_tokens"]) == tuple(ov_call)
    usage = day["llm_usage"]
    assert usage["reports"]["in"] == sum(p["tokens_in"] for p in day["papers"]) and usage["reports"]["in"] > 0
    ov_cost = cost_usd(settings.prices, "replica-model", *ov_call)
    assert ov_cost and usage["overview"] == {"in": ov_call["tokens_in"], "out": ov_call["tokens_out"],
                                             "cached": ov_call["cached_tokens"], "cost_usd": ov_cost}
    assert day["tokens"] == {k: usage["reports"][k] + usage["overview"][k] for k in ("in", "out", "cached")}
    assert day["cost_usd"] == round(usage["reports"]["cost_usd"] + ov_cost, 6) and usage["reports"]["cost_usd"] > 0
    assert result.stats["overview"] == {"tokens_in": ov_call["tokens_in"], "tokens_out": ov_call["tokens_out"],
                                        "tokens_cached": ov_call["cached_tokens"], "cost_usd": ov_cost}
    assert result.stats["tokens_in"] == usage["reports"]["in"] + ov_call["tokens_in"]
    assert result.stats["cost_usd"] == day["cost_usd"]
    console = Console(record=True, width=200)
    console.print(summary_table(result))
    summary = console.export_text()
    assert f"(overview {ov_call['tokens_in']:,} / {ov_call['tokens_out']:,})" in summary
    assert f"${day['cost_usd']:.4f} (overview ${ov_cost:.4f})" in summary
    with __import__("paperbrief.store", fromlist=["Store"]).Store(settings.db_path) as store:
        assert store.runs(limit=1)[0].stats["tokens_in"] == result.stats["tokens_in"]  # `paperbrief runs` too
    # a rerun and render reuse it: no LLM call, same file; the rerun itself spent nothing
    llm.requests.clear()
    again = run_day(settings, DATE, ids=IDS)
    assert llm.requests == [] and again.md_path.read_text("utf-8") == md
    assert json.loads(again.json_path.read_text("utf-8"))["tokens"] == day["tokens"]
    assert again.stats["tokens_in"] == 0 and "overview" not in again.stats
    assert rerender(settings, DATE, out=tmp_path / "r")[0].read_text("utf-8") == md
    # --force writes the reports and the overview again
    run_day(settings, DATE, ids=IDS, force=True)
    assert len(llm.requests) == 6


def test_overview_flags_unknown_citations_and_ungrounded_numbers(replica, replica_env, tmp_path, monkeypatch):
    _llm(monkeypatch, replica)
    llm = replica.services["llm"]
    answer = {"sentences": [
        {"text": "Fast-SAM3D 把 3D 生成提速 2.67 倍，但另一篇论文说提速 50%。", "papers": ["2602.05293"]},
        {"text": "数据集蒸馏也有进展 [2601.21296]，还有一篇不属于今天的论文。", "papers": ["2699.00001"]},
        {"text": "这句话没有引用。", "papers": []},
    ]}
    llm.script(*[Answer() for _ in IDS[:2]], json.dumps(answer, ensure_ascii=False))
    settings = load_settings({"out": tmp_path / "out", "jobs": 1})
    result = run_day(settings, DATE, ids=IDS[:2])
    ov = json.loads(result.json_path.read_text("utf-8"))["overview"]
    assert ov["kind"] == "llm"
    assert ov["flags"] == ["unknown_citation:2699.00001", "uncited:3"]
    assert ov["ungrounded_numbers"] == ["50%"]  # 2.67 倍 is in Fast-SAM3D's report; 50% is not
    assert [c["papers"] for c in ov["claims"]] == [["2602.05293"], ["2601.21296"], []]
    assert ov["claims"][1]["text"] == "数据集蒸馏也有进展，还有一篇不属于今天的论文。"  # the id moved to papers
    part = _overview_part(result.md_path.read_text("utf-8"))
    assert "提速 50%⚠" in part and "2.67 倍⚠" not in part
    assert "> ⚠ 以下数字未能在所引论文的报告中找到，请核对：50%" in part
    assert "> ⚠ 速览引用了不属于当天的论文 2699.00001，已删去。" in part
    assert "> ⚠ 有 1 句没有引用任何当天的论文。" in part
    assert "2699.00001](" not in part


def test_a_failing_overview_falls_back_to_statistics_and_says_so(replica, replica_env, tmp_path, monkeypatch):
    _llm(monkeypatch, replica)
    llm = replica.services["llm"]
    llm.script(Answer(), "no JSON here", "still no JSON")
    settings = load_settings({"out": tmp_path / "out", "jobs": 1})
    result = run_day(settings, DATE, ids=IDS[:1])
    ov = json.loads(result.json_path.read_text("utf-8"))["overview"]
    assert ov["kind"] == "statistical" and "LLM answer invalid twice" in ov["error"]
    part = _overview_part(result.md_path.read_text("utf-8"))
    assert part.startswith("## 今日速览\n\n今日共 1 篇论文") and "> 注：大模型未能写出速览（" in part
    # the failed answers are recorded; nothing is stored, so the next run asks again
    llm.requests.clear()
    run_day(settings, DATE, ids=IDS[:1])
    assert len(llm.requests) == 1


def test_top_lists_the_other_papers_in_the_overview(replica_env, tmp_path, monkeypatch):
    monkeypatch.setenv("PAPERBRIEF_INTEREST_KEYWORDS", "agents")
    settings = load_settings({"out": tmp_path / "out", "sort": "upvotes"})
    result = run_day(settings, DATE, ids=IDS, top=2)
    md = result.md_path.read_text("utf-8")
    best = sorted(IDS, key=lambda i: -UPVOTES[i])
    check_day_markdown(md, DATE, [(i, TITLES[i]) for i in best[:2]])
    part = _overview_part(md)
    assert "| # | 论文 | 领域 | 点赞 | 相关度 | 一句话贡献 |" in part
    others = part.split("### 其余论文（未撰写报告，按 --top 省略）\n\n", 1)[1].strip().split("\n")
    assert len(others) == 3
    for line, aid in zip(others, best[2:], strict=True):
        assert line.startswith(f"- [{TITLES[aid]}](https://huggingface.co/papers/{aid}) · 点赞 {UPVOTES[aid]} · 相关度 ")
        assert " — " in line and line.split(" — ", 1)[1]
    assert "今日共 5 篇论文，2 篇有报告，另有 3 篇只列出摘要。" in part


def test_the_overview_is_stored_per_model(replica, replica_env, tmp_path, monkeypatch):
    """Like a paper's report, the overview's key names the model: the same model reuses it (one call over
    two runs), another model writes its own (even over reports that read the same), `render` shows the one
    the day's model wrote, and --force writes it again."""
    from paperbrief.store import Store

    _llm(monkeypatch, replica)
    llm = replica.services["llm"]

    def overview_calls() -> int:
        return sum("<papers>" in json.dumps(r["body"], ensure_ascii=False) for r in llm.requests)

    settings = load_settings({"out": tmp_path / "out"})
    run_day(settings, DATE, ids=IDS[:2])
    run_day(settings, DATE, ids=IDS[:2])
    assert overview_calls() == 1
    other = load_settings({"out": tmp_path / "out", "model": "replica-model-2"})
    result = run_day(other, DATE, ids=IDS[:2])
    assert overview_calls() == 2
    day = json.loads(result.json_path.read_text("utf-8"))
    assert day["overview"]["kind"] == "llm" and day["overview"]["model"] == "replica-model-2"
    run_day(other, DATE, ids=IDS[:2])
    assert overview_calls() == 2
    md = result.md_path.read_text("utf-8")
    assert rerender(other, DATE, out=tmp_path / "r")[0].read_text("utf-8") == md  # no LLM: the stored one
    run_day(other, DATE, ids=IDS[:2], force=True)
    assert overview_calls() == 3
    with Store(settings.db_path) as store:
        rows = store.query("SELECT model, prompt_version FROM generated WHERE kind = 'overview' ORDER BY created_at")
        claims = store.query("SELECT count(*) FROM claims")[0][0]
    assert [tuple(r) for r in rows] == [("replica-model", "overview-1"), ("replica-model-2", "overview-1")]
    assert claims == 0  # every claim released


def test_a_synthesis_stored_before_keys_named_the_model_is_reused_by_its_own_model_only(tmp_path):
    from paperbrief.store import Store, content_hash
    from paperbrief.synthesis import Claim, Synthesis, generated_key, save_generated, stored_synthesis

    inputs = ["overview-1", "2602.05293:0123456789abcdef"]
    with Store(tmp_path / "pb.db") as store:
        older = Synthesis(kind="llm", claims=[Claim("A theme.", ["2602.05293"])], model="m1", prompt_version="overview-1")
        save_generated(store, content_hash("overview", DATE, "zh", *inputs), "overview", DATE, "zh", older)
        assert stored_synthesis(store, "overview", DATE, "zh", ["m1"], inputs) == older
        assert stored_synthesis(store, "overview", DATE, "zh", ["m2"], inputs) is None
        assert stored_synthesis(store, "overview", DATE, "zh", ["m1"], [*inputs, "2602.05327:x"]) is None
        newer = Synthesis(kind="llm", claims=[Claim("Another.", ["2602.05293"])], model="m2", prompt_version="overview-1")
        save_generated(store, generated_key("overview", DATE, "zh", "m2", inputs), "overview", DATE, "zh", newer)
        assert stored_synthesis(store, "overview", DATE, "zh", ["m2", "m1"], inputs) == newer
        assert stored_synthesis(store, "overview", DATE, "zh", ["m3", "m1"], inputs) == older
