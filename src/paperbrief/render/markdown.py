"""Markdown of one paper: the five numbered sections of report-format.md, in one consistent style.

Numbers the grounding check could not find in the paper get a trailing `⚠`
(e.g. `50%⚠`) and are listed in a one-line note at the end of the body. An
extractive report starts with a note saying it is an extract, not a summary; a
failed paper gets a short block saying what failed and why.
"""

from __future__ import annotations

import re

from paperbrief.models import WrittenReport
from paperbrief.render.mathtext import tidy_math

HF_PAPERS = "https://huggingface.co/papers"
MARK = "⚠"

HEADINGS = {
    "zh": ("应用领域", "一句话核心贡献", "使用指南", "主要创新点", "实验效果"),
    "en": ("Field", "Core contribution", "How to use it", "Key innovations", "Results"),
}
COLON = {"zh": "：", "en": ": "}
HEAD_COLON = {"zh": "：", "en": ":"}
TEXT = {
    "zh": {
        "link": "链接",
        "source": "阅读来源",
        "extract": "> 注：本条为论文原句摘录（未使用大模型），并非总结。",
        "ungrounded": "> ⚠ 以下数字未能在论文原文中找到，请核对：{numbers}",
        "sep": "、",
        "failed": "> ⚠ 未能生成本文报告：{error}",
        "unknown": "原因不明",
    },
    "en": {
        "link": "Link",
        "source": "Read from",
        "extract": "> Note: this entry quotes the paper's own sentences (no language model was used); it is an extract, not a summary.",
        "ungrounded": "> ⚠ Numbers not found in the paper's text, please check: {numbers}",
        "sep": ", ",
        "failed": "> ⚠ No report for this paper: {error}",
        "unknown": "unknown reason",
    },
}


# The writer's failure reasons are English one-liners (they also go to logs); a Chinese report
# leads with what happened in Chinese and keeps the technical detail after it.
FAILURE_ZH = (
    ("could not read the paper", "未能读取论文"),
    ("not sent:", "大模型服务不可用，本文未发送"),
    ("LLM answer invalid twice", "大模型两次返回的内容都不符合报告格式"),
    ("LLM refused", "大模型拒绝作答"),
    ("LLM returned an empty answer", "大模型返回了空内容"),
    ("LLM answered in", "大模型没有用要求的语言作答"),
    ("LLM request timed out", "大模型请求超时"),
    ("LLM answer broke off", "大模型的回答中途中断"),
    ("cannot reach the LLM endpoint", "无法连接大模型服务"),
    ("LLM endpoint refused the request", "大模型服务拒绝了请求"),
    ("LLM endpoint", "大模型服务出错"),
    ("writer crashed", "撰写时程序出错"),
)


def explain_failure(error: str, lang: str) -> str:
    """The failure reason for a reader: in Chinese reports, a Chinese summary before the detail."""
    if _lang(lang) != "zh":
        return error
    for prefix, zh in FAILURE_ZH:
        if error.startswith(prefix):
            return f"{zh}（{error}）"
    return error


def _lang(lang: str) -> str:
    return lang if lang in HEADINGS else "zh"


def _one_line(text: str) -> str:
    return re.sub(r"\s*\n\s*", " ", text).strip()


def mark_numbers(text: str, numbers: list[str]) -> str:
    """Append MARK to each occurrence of the given numbers (as written) in `text`.

    A number written bold with its unit outside (`**2.67**×`) is found as `2.67×` too.
    """
    if not numbers:
        return text

    def alternative(n: str) -> str:
        m = re.match(r"^(.*\d)(.+)$", n, re.S)
        return re.escape(m.group(1)) + r"(?:\*\*)?" + re.escape(m.group(2)) if m else re.escape(n)

    alternatives = "|".join(alternative(n) for n in sorted(set(numbers), key=len, reverse=True))
    pattern = re.compile(rf"(?<![\d.,])(?:{alternatives})(?![\d%％×倍]|[.,]\d)")
    return pattern.sub(lambda m: m.group(0) + MARK, text)


def paper_body_markdown(written: WrittenReport, lang: str = "zh") -> str:
    """The per-paper body: five numbered sections, or a short failure block."""
    lang = _lang(lang)
    t = TEXT[lang]
    report = written.report
    if report is None:
        return t["failed"].format(error=explain_failure(_one_line(written.error or t["unknown"]), lang)) + "\n"
    h, c, hc = HEADINGS[lang], COLON[lang], HEAD_COLON[lang]
    nums = written.ungrounded_numbers

    def txt(s: str) -> str:
        return mark_numbers(tidy_math(_one_line(s)), nums)

    def bullets(items: list[tuple[str, str]]) -> str:
        return "\n".join(f"   *   **{_one_line(label)}**{c}{txt(text)}" for label, text in items)

    blocks = [
        f"1. **{h[0]}**{hc}\n   {txt(report.domain)}",
        f"2. **{h[1]}**{hc}\n   {txt(report.contribution)}",
        f"3. **{h[2]}**{hc}\n" + bullets([(u.label, u.text) for u in report.usage]),
        f"4. **{h[3]}**{hc}\n" + bullets([(i.name, i.detail) for i in report.innovations]),
        f"5. **{h[4]}**{hc}\n" + bullets([(r.label, r.text) for r in report.results]),
    ]
    if written.writer == "extractive":
        blocks.insert(0, t["extract"])
    if nums:
        blocks.append(t["ungrounded"].format(numbers=t["sep"].join(nums)))
    return "\n\n".join(blocks) + "\n"


def paper_markdown(title: str, arxiv_id: str, source: str, written: WrittenReport, lang: str = "zh") -> str:
    """One paper's block of the daily file: title, link, reading source, body."""
    lang = _lang(lang)
    t = TEXT[lang]
    page_id = re.sub(r"v\d+$", "", arxiv_id.strip())  # Hugging Face pages have no version suffix
    link = f"- **{t['link']}**: {HF_PAPERS}/{page_id}\n" if page_id else ""  # a local file has no page
    return (
        f"## 📄 {_one_line(title)}\n\n"
        f"{link}"
        f"- **{t['source']}**: {source}\n\n"
        f"{paper_body_markdown(written, lang)}"
    )
