"""A small archive for the search, site and browser tests, written through the Store API.

Three days, Chinese and English reports over several domains, one paper with reports in
both languages, one failed paper, one paper not written yet; optionally titles, authors
and report text that carry XSS payloads.
"""

from __future__ import annotations

from pathlib import Path

from paperbrief.models import DayListing, Document, Innovation, LabeledText, ListedPaper, Report, WrittenReport
from paperbrief.store import Store, document_hash, report_key

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = "<img src=x onerror=alert(1)>"


def paper(arxiv_id: str, title: str, *, authors=("Ada Lovelace", "Alan Turing"), abstract="", github=None,
          project=None, upvotes=10) -> ListedPaper:
    return ListedPaper(arxiv_id=arxiv_id, title=title, authors=list(authors), abstract=abstract, upvotes=upvotes,
                       hf_url=f"https://huggingface.co/papers/{arxiv_id}", github_repo=github, project_page=project)


def zh_report(domain: str, contribution: str, innovation: str, result: str, code: str = "未开源") -> Report:
    return Report(
        domain=domain,
        contribution=contribution,
        usage=[LabeledText(label="输入", text="一段文本提示。"), LabeledText(label="开源状态", text=code)],
        innovations=[Innovation(name=innovation, detail="详细说明：" + innovation + "的做法与动机。")],
        results=[LabeledText(label="主要结果", text=result)],
    )


def en_report(domain: str, contribution: str, innovation: str, result: str) -> Report:
    return Report(
        domain=domain,
        contribution=contribution,
        usage=[LabeledText(label="Input", text="A text prompt."), LabeledText(label="Code", text="Not released.")],
        innovations=[Innovation(name=innovation, detail="How " + innovation + " works and why.")],
        results=[LabeledText(label="Main result", text=result)],
    )


def save(store: Store, p: ListedPaper, report: Report | None, *, lang="zh", source="HTML", error=None,
         ungrounded=(), flags=(), misattributed=()) -> None:
    doc = Document(arxiv_id=p.arxiv_id, title=p.title, abstract=p.abstract, source=source)
    doc_hash = store.save_document(doc)
    written = WrittenReport(arxiv_id=p.arxiv_id, title=p.title, source=source, lang=lang, model="test-model",
                            prompt_version="p1", report=report, error=error, ungrounded_numbers=list(ungrounded),
                            misattributed_numbers=list(misattributed), flags=list(flags), writer="llm")
    store.save_report(report_key(document_hash(doc), "p1", "test-model", lang), doc_hash, written)


def fill(store: Store, *, xss: bool = False) -> None:
    """The three days 2026-02-06 .. 2026-02-08."""
    evil = f" {XSS_SCRIPT} {XSS_IMG}" if xss else ""
    spec = paper("2602.00001", "Speculative Decoding with Draft Trees" + evil,
                 abstract="We accelerate LLM inference with speculative decoding over draft trees.",
                 github="https://github.com/example/draft-trees")
    sam = paper("2602.05293", "Fast-SAM3D: 3Dfy Anything in Images but Faster",
                authors=("Wei Feng", "李明" + (XSS_IMG if xss else "")),
                abstract="A training-free framework that speeds up SAM3D, a diffusion-based 3D generator, by up to 2.67x.")
    store.save_listing(DayListing(date="2026-02-06", papers=[spec, sam]))
    save(store, spec, zh_report(
        "自然语言处理 - 大模型推理加速",
        "提出基于草稿树的投机解码（Speculative Decoding）方法，在不损失质量的前提下把大模型推理速度提高 2.1 倍。"
        + (XSS_SCRIPT if xss else ""),
        "草稿树验证（Draft Tree Verification）", "在 MT-Bench 上加速 2.1 倍，接受率 0.78。",
        code="代码已开源：https://github.com/example/draft-trees"),
        ungrounded=["3.5"], flags=["number not found in paper: 3.5"])
    save(store, spec, en_report("Natural Language Processing - LLM Inference",
                                "A speculative decoding method with draft trees that makes LLM inference 2.1x faster.",
                                "Draft tree verification", "2.1x speedup on MT-Bench."), lang="en")
    save(store, sam, zh_report(
        "计算机视觉 - 单视图 3D 重建 (Single-View 3D Reconstruction)",
        "提出无需训练的加速框架 Fast-SAM3D，端到端推理最高加速 2.67 倍。",
        "模态感知的步进缓存（Modality-Aware Step Caching）", "在 Toys4K 上 F-Score 达到 92.59。"),
        misattributed=["92.59"])

    robot = paper("2602.01111", "Diffusion Policies for Dexterous Robot Manipulation",
                  abstract="Diffusion policies learn dexterous manipulation from demonstrations.")
    rag = paper("2602.02222", "Retrieval-Augmented Generation at Scale",
                abstract="We study retrieval augmented generation over a billion documents.")
    store.save_listing(DayListing(date="2026-02-07", papers=[robot, rag]))
    save(store, robot, zh_report("机器人学 - 模仿学习", "用扩散策略从少量示范中学习灵巧操作。",
                                 "动作分块扩散（Action Chunk Diffusion）", "在 12 个真实任务上成功率 85%。"),
         source="PDF")
    save(store, rag, en_report("Natural Language Processing - Retrieval",
                               "Scales retrieval-augmented generation to a billion documents.",
                               "Sharded dense retrieval", "Answers 12% more questions correctly on NQ."),
         lang="en", source="ArXiv Abs")

    medusa = paper("2602.03333", "Medusa Heads: Parallel Decoding for Large Language Models",
                   abstract="Extra decoding heads predict several tokens at once.")
    failed = paper("2602.04444", "A Paper That Could Not Be Read" + evil,
                   abstract="This paper's PDF was corrupt.")
    pending = paper("2602.05555", "Vision Transformers Need Registers Again",
                    abstract="We revisit register tokens in vision transformers.")
    store.save_listing(DayListing(date="2026-02-08", papers=[medusa, failed, pending]))
    save(store, medusa, zh_report("自然语言处理 - 推理加速", "在模型上增加多个解码头，一次预测多个词元，实现并行解码。",
                                  "多头并行解码（Multi-Head Parallel Decoding）", "推理速度提升 2.3 倍。"))
    save(store, failed, None, error="LLM call timed out after 3 retries" + (XSS_IMG if xss else ""),
         source="ArXiv Abs")


def add_day(store: Store, date: str = "2026-02-09") -> ListedPaper:
    """One more day with one paper and its report."""
    p = paper("2602.09999", "Mixture of Experts Routing Without Auxiliary Loss",
              abstract="A routing method for mixture-of-experts models.")
    store.save_listing(DayListing(date=date, papers=[p]))
    save(store, p, zh_report("自然语言处理 - 混合专家模型", "提出无需辅助损失的混合专家路由方法。",
                             "无损路由（Loss-Free Routing）", "在同等计算量下困惑度降低 3%。"))
    return p


def make_store(path: Path, *, xss: bool = False) -> Store:
    store = Store(path)
    fill(store, xss=xss)
    return store


def add_interests(store: Store, *, xss: bool = False) -> None:
    """An LLM overview of 2026-02-06 (one number not in its reports) and the digest of 2026-W06 with LLM themes."""
    from datetime import date

    from paperbrief.config import Settings
    from paperbrief.digest import build_digest, parse_period, save_digest
    from paperbrief.synthesis import Claim, Synthesis, generated_key, save_generated

    evil = XSS_SCRIPT if xss else ""
    overview = Synthesis(kind="llm", model="test-model", ungrounded_numbers=["9.9"], claims=[
        Claim(text="推理加速是今天的主题：草稿树投机解码提速 2.1 倍，另一说法是 9.9 倍。" + evil, papers=["2602.00001"]),
        Claim(text="3D 生成也变快了。", papers=["2602.05293"])])
    save_generated(store, generated_key("overview", "2026-02-06", "zh", "test-model", ["test"]), "overview", "2026-02-06", "zh",
                   overview)
    digest = build_digest(Settings(), store, parse_period(week="2026-W06"), "zh", use_llm=False,
                          today=date(2026, 2, 10))
    digest.synthesis = Synthesis(kind="llm", model="test-model", claims=[
        Claim(title="推理加速" + evil, text="投机解码与多头解码让推理更快，最高 2.1 倍。", papers=["2602.00001", "2602.03333"]),
        Claim(title="3D 与机器人", text="Fast-SAM3D 与扩散策略。", papers=["2602.05293", "2602.01111"]),
        Claim(title="检索", text="十亿文档的检索增强生成。", papers=["2602.02222"])])
    save_digest(store, digest)
