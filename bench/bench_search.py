"""Benchmark the archive: search latency, full site build, incremental rebuild after one new day.

Fills a fresh store with N synthetic papers and reports (default 100,000 over 365 days;
Chinese reports with English terms, a dozen fields; 2% failed, 1% kept after a newer attempt failed),
bulk-inserted through the store's
tables in one transaction, then prints:
- the time to build the FTS index (search.refresh_index) from nothing,
- search latency p50 / p95 / max over a fixed set of Chinese, English and mixed queries
  (target p95 < 50 ms),
- the full site build time (target < 60 s) and its size,
- the incremental rebuild after one more day is stored (refresh + build) and what it wrote.

    python bench/bench_search.py               # 100,000 papers (a few minutes on 2 cores)
    python bench/bench_search.py --papers 5000 # quick look
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from paperbrief.models import DayListing, Failure, Innovation, LabeledText, ListedPaper, Report, WrittenReport
from paperbrief.render.site import build_site
from paperbrief.search import refresh_index, search
from paperbrief.store import Store, report_key

FIELDS = {
    "自然语言处理": ["大模型推理加速", "检索增强生成", "指令微调", "长上下文建模", "机器翻译", "代码生成"],
    "计算机视觉": ["单视图 3D 重建", "图像生成", "视频理解", "目标检测", "语义分割", "新视角合成"],
    "多模态学习": ["视觉语言模型", "语音语言模型", "图文检索", "文档理解"],
    "机器人学": ["模仿学习", "灵巧操作", "导航", "世界模型"],
    "强化学习": ["基于人类反馈的强化学习", "离线强化学习", "多智能体"],
    "机器学习理论": ["泛化理论", "优化", "缩放定律"],
    "语音处理": ["语音合成", "语音识别"],
    "AI 安全": ["越狱攻击", "对齐", "可解释性"],
    "推荐系统": ["序列推荐", "生成式推荐"],
    "科学计算": ["蛋白质设计", "天气预报", "分子生成"],
    "智能体": ["工具调用", "网页智能体", "软件工程智能体"],
    "高效机器学习": ["量化", "剪枝", "知识蒸馏", "混合专家模型"],
}
ZH_TERMS = ["投机解码", "扩散模型", "注意力机制", "稀疏激活", "奖励模型", "思维链", "检索器", "视觉编码器", "潜在空间",
            "位置编码", "对比学习", "自回归生成", "策略梯度", "键值缓存", "低秩适配", "偏好优化", "蒙特卡洛树搜索",
            "神经辐射场", "高斯泼溅", "词元剪枝", "多头注意力", "状态空间模型", "课程学习", "数据合成", "自我反思"]
EN_TERMS = ["Speculative Decoding", "Diffusion Transformer", "Mixture of Experts", "Chain-of-Thought", "LoRA",
            "Direct Preference Optimization", "Gaussian Splatting", "KV Cache", "Vision-Language Model", "RLHF",
            "State Space Model", "Flow Matching", "Tool Use", "Reward Model", "Test-Time Scaling", "Agent",
            "Retrieval-Augmented Generation", "Contrastive Learning", "Token Pruning", "World Model"]
BENCHES = ["MMLU", "GSM8K", "MATH", "HumanEval", "SWE-bench", "ImageNet", "COCO", "MT-Bench", "AlpacaEval",
           "LongBench", "Toys4K", "ScanNet", "LIBERO", "WebArena", "τ²-Bench"]
TITLE_WORDS = ["Efficient", "Scalable", "Robust", "Unified", "Adaptive", "Towards", "Learning", "Reasoning",
               "Generation", "Benchmark", "Understanding", "Alignment", "Training-Free", "Fast", "Sparse", "Dense",
               "Multimodal", "Long-Context", "Self-Supervised", "Zero-Shot", "Agents", "Models", "Language",
               "Vision", "3D", "Video", "Policy", "Reward", "Planning", "Memory", "Retrieval", "Decoding"]
QUERIES = ["投机解码", "speculative decoding", "扩散模型", "diffusion transformer", "强化学习 reward", "视觉语言模型",
           "benchmark", "3D 重建", "mixture of experts", "多模态", "agent", "键值缓存 KV", "高斯泼溅", "GSM8K",
           "量子纠错", "模型", "reasoning", "Transformer 注意力", "τ²-Bench", "蛋白质设计"]


def synthetic_report(rng: random.Random) -> tuple[str, Report]:
    top = rng.choice(list(FIELDS))
    sub = rng.choice(FIELDS[top])
    zh, en = rng.sample(ZH_TERMS, 3), rng.sample(EN_TERMS, 3)
    bench = rng.sample(BENCHES, 2)
    n = lambda: f"{rng.uniform(1, 99):.1f}"  # noqa: E731
    report = Report(
        domain=f"{top} - {sub} ({en[0]})",
        contribution=f"提出一种基于{zh[0]}（{en[0]}）的{sub}方法，结合{zh[1]}与{en[1]}，在 {bench[0]} 上把性能提升 {n()}%，"
                     f"同时将推理延迟降低 {n()}%。",
        usage=[LabeledText(label="输入", text=f"文本提示与可选的图像，经{zh[2]}编码。"),
               LabeledText(label="输出", text=f"{sub}的结果以及对应的置信度。"),
               LabeledText(label="硬件要求", text=f"单张 A100 GPU，显存约 {rng.randint(16, 80)} GB。"),
               LabeledText(label="开源状态", text=f"代码已开源：https://github.com/example/{rng.randint(1, 10**6)}")],
        innovations=[Innovation(name=f"{zh[i]}（{en[i]}）", detail=f"将{zh[i]}引入{sub}，解决了{zh[(i + 1) % 3]}在长序列上"
                                f"效率低的问题，并通过{en[(i + 2) % 3]}进一步稳定训练。") for i in range(3)],
        results=[LabeledText(label=b, text=f"在 {b} 上达到 {n()}，比最强基线高 {n()} 个百分点。") for b in bench],
    )
    return f"{' '.join(rng.sample(TITLE_WORDS, 4))} with {en[0]}", report


def fill(store: Store, papers: int, days: int, seed: int = 42) -> list[str]:
    """Bulk-insert papers, listings and reports for `days` days ending yesterday; returns the dates."""
    rng = random.Random(seed)
    kept_rng = random.Random(seed + 1)  # its own stream: the papers and reports are the same as without it
    end = date(2026, 2, 8)
    dates = [(end - timedelta(days=days - 1 - i)).isoformat() for i in range(days)]
    per_day = [papers // days + (1 if i < papers % days else 0) for i in range(days)]
    now = time.time()
    n = 0
    with store.transaction() as c:
        for d, count in zip(dates, per_day, strict=False):
            c.execute("INSERT INTO days(date, fetched_at, paper_count) VALUES (?, ?, ?)", (d, now, count))
            for pos in range(count):
                n += 1
                aid = f"{d[2:4]}{d[5:7]}.{n:05d}"
                title, report = synthetic_report(rng)
                authors = [f"Author {rng.randint(1, 5000)}" for _ in range(rng.randint(2, 12))]
                abstract = f"We study {title.lower()}. " * 4
                c.execute(
                    "INSERT INTO papers(arxiv_id, title, authors, abstract, hf_url, github_repo, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (aid, title, json.dumps(authors), abstract, f"https://huggingface.co/papers/{aid}",
                     f"https://github.com/example/{n}", now),
                )
                c.execute("INSERT INTO listings(date, position, arxiv_id, upvotes) VALUES (?, ?, ?, ?)",
                          (d, pos, aid, rng.randint(0, 200)))
                failed = rng.random() < 0.02
                written = WrittenReport(arxiv_id=aid, title=title, source=rng.choice(["HTML", "HTML", "HTML", "PDF",
                                        "ArXiv Abs"]), lang="zh", model="bench-model", prompt_version="p1",
                                        report=None if failed else report, error="LLM timed out" if failed else None,
                                        ungrounded_numbers=["12.5"] if rng.random() < 0.1 else [])
                key = report_key(f"doc-{aid}", "p1", "bench-model", "zh")
                c.execute(
                    "INSERT INTO reports(key, arxiv_id, doc_hash, lang, model, prompt_version, writer, failed, error, "
                    "body, created_at) VALUES (?, ?, ?, 'zh', 'bench-model', 'p1', 'llm', ?, ?, ?, ?)",
                    (key, aid, f"doc-{aid}", int(failed), written.error, written.model_dump_json(), now),
                )
                if not failed and kept_rng.random() < 0.01:  # a newer attempt failed: the report is kept, and says so
                    attempt = written.model_copy(update={"report": None, "model": "other-model",
                                                         "failure": Failure(kind="timeout", detail="no answer")})
                    c.execute(
                        "INSERT INTO reports(key, arxiv_id, doc_hash, lang, model, prompt_version, writer, failed, "
                        "failure_kind, failure_detail, body, created_at) VALUES (?, ?, ?, 'zh', 'other-model', 'p1', "
                        "'llm', 1, 'timeout', 'no answer', ?, ?)",
                        (f"failed:{key}", aid, f"doc-{aid}", attempt.model_dump_json(), now + 1),
                    )
    return dates


def add_one_day(store: Store, day: str, count: int, seed: int = 7) -> None:
    """One more day through the Store API, as the daily run stores it."""
    rng = random.Random(seed)
    papers = [ListedPaper(arxiv_id=f"2602.9{i:04d}", title=synthetic_report(rng)[0], authors=["A", "B"],
                          hf_url=f"https://huggingface.co/papers/2602.9{i:04d}") for i in range(count)]
    store.save_listing(DayListing(date=day, papers=papers))
    for p in papers:
        _, report = synthetic_report(rng)
        written = WrittenReport(arxiv_id=p.arxiv_id, title=p.title, lang="zh", model="bench-model",
                                prompt_version="p1", report=report)
        store.save_report(report_key(f"doc-{p.arxiv_id}", "p1", "bench-model", "zh"), f"doc-{p.arxiv_id}", written)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--papers", type=int, default=100_000)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--repeat", type=int, default=5, help="times each query is run")
    ap.add_argument("--dir", type=Path, default=None, help="work folder (default: a temporary one, removed)")
    args = ap.parse_args()

    work = args.dir or Path(tempfile.mkdtemp(prefix="pb-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        store = Store(work / "bench.db")
        t = time.perf_counter()
        dates = fill(store, args.papers, args.days)
        print(f"filled store: {args.papers} papers over {args.days} days in {time.perf_counter() - t:.1f} s")

        t = time.perf_counter()
        indexed = refresh_index(store)
        print(f"FTS index from nothing: {indexed} documents in {time.perf_counter() - t:.1f} s; "
              f"database {(work / 'bench.db').stat().st_size / 2**20:.0f} MiB")

        times, counts = [], {}
        for q in QUERIES:
            search(store, q)  # warm
            for _ in range(args.repeat):
                t = time.perf_counter()
                hits = search(store, q, limit=20)
                times.append((time.perf_counter() - t) * 1000)
            counts[q] = len(hits)
        filtered = []
        for q in QUERIES[:5]:
            t = time.perf_counter()
            search(store, q, date_from=dates[len(dates) // 2], domain="自然语言处理")
            filtered.append((time.perf_counter() - t) * 1000)
        times.sort()
        p50 = statistics.median(times)
        p95 = times[int(0.95 * (len(times) - 1))]
        print(f"search latency over {len(QUERIES)} queries x {args.repeat}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
              f"max {times[-1]:.1f} ms (target p95 < 50 ms) {'OK' if p95 < 50 else 'SLOW'}")
        print(f"  with date + domain filters: max {max(filtered):.1f} ms; hits per query: "
              + ", ".join(f"{q}={n}" for q, n in counts.items()))

        site = work / "site"
        t = time.perf_counter()
        report = build_site(store, site)
        full = time.perf_counter() - t
        size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
        index_size = sum(p.stat().st_size for p in (site / "search").rglob("*") if p.is_file())
        print(f"full site build: {full:.1f} s (target < 60 s) {'OK' if full < 60 else 'SLOW'}; "
              f"{len(report.written)} files, {size / 2**20:.0f} MiB, search index {index_size / 2**20:.1f} MiB")

        t = time.perf_counter()
        again = build_site(store, site)
        print(f"rebuild with nothing changed: {time.perf_counter() - t:.1f} s, wrote {len(again.written)} files")

        per_day = max(1, args.papers // args.days)
        add_one_day(store, (date.fromisoformat(dates[-1]) + timedelta(days=1)).isoformat(), per_day)
        t = time.perf_counter()
        refreshed = refresh_index(store)
        t_index = time.perf_counter() - t
        inc = build_site(store, site)
        total = time.perf_counter() - t
        pages = [p for p in inc.written if p.startswith(("days/", "papers/"))]
        print(f"incremental rebuild after one new day ({per_day} papers): {total:.1f} s "
              f"(index refresh {t_index:.2f} s for {refreshed} documents); wrote {len(inc.written)} files "
              f"({len(pages)} day/paper pages, {len(inc.written) - len(pages)} index/feed/search files), "
              f"kept {inc.skipped}")
        store.close()
    finally:
        if args.dir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
