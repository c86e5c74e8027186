"""A digest's files: `<period>.md`, `<period>.json` and `<period>.svg` (`.en.*` in English).

The Markdown: a header block (period, days run and not run), the LLM themes ("本周要点" /
"Key themes", numbers not found in the cited reports marked `⚠`), the top papers by upvotes
(and by relevance), the fields against the previous period (a table and the SVG chart), and
the recurring methods, benchmarks and datasets.
"""

from __future__ import annotations

import json
from pathlib import Path

from paperbrief.digest import Digest, FieldMove
from paperbrief.files import write_atomic
from paperbrief.render.chart import OTHER_COLOUR, PALETTE, Series, svg_chart
from paperbrief.render.markdown import MARK, mark_numbers

HF_PAPERS = "https://huggingface.co/papers"
CHART_FIELDS = 8

TEXT = {
    "zh": {
        "title": {"week": "Hugging Face Daily Papers 周报 {period}", "month": "Hugging Face Daily Papers 月报 {period}"},
        "period": "时间范围",
        "days": "已运行",
        "days_value": "{run} / {total} 天",
        "not_run": "未运行",
        "not_yet": "尚未到来",
        "papers": "论文",
        "papers_value": "{papers} 篇，其中 {written} 篇有中文报告",
        "themes": {"week": "本周要点", "month": "本月要点"},
        "no_themes": "（未配置大模型，没有要点总结；以下为统计。）",
        "themes_failed": "> 注：大模型未能写出要点（{error}）。",
        "ungrounded": "> {mark} 以下数字未能在所引论文的报告中找到，请核对：{numbers}",
        "unknown": "> {mark} 要点引用了不属于这段时间的论文 {ids}，已删去。",
        "uncited": "> {mark} 有 {n} 个要点没有引用任何论文。",
        "top": "热门论文",
        "by_upvotes": "按点赞",
        "by_relevance": "按与你的兴趣的相关度",
        "columns": "| # | 论文 | 日期 | 领域 | 点赞 | 一句话贡献 |",
        "rel_columns": "| # | 论文 | 相关度 | 匹配 | 点赞 | 一句话贡献 |",
        "fields": "领域变化",
        "field_columns": "| 领域 | {cur} | {prev} | 变化 |",
        "this": {"week": "本周", "month": "本月"},
        "prev": {"week": "上周", "month": "上月"},
        "chart": "各领域论文数：{prev} 与 {cur}",
        "recurring": "反复出现的方法、基准与数据集",
        "methods": "方法",
        "benchmarks": "基准与数据集",
        "n_papers": "{n} 篇",
        "none": "无（没有在两篇以上论文中出现的名称）",
        "other": "其他",
        "sep": "、",
        "cite_open": "（",
        "cite_close": "）",
        "colon": "：",
        "no_report": "—",
    },
    "en": {
        "title": {"week": "Hugging Face Daily Papers, week {period}", "month": "Hugging Face Daily Papers, month {period}"},
        "period": "Period",
        "days": "Days run",
        "days_value": "{run} of {total}",
        "not_run": "Not run",
        "not_yet": "Not yet",
        "papers": "Papers",
        "papers_value": "{papers}, {written} with an English report",
        "themes": {"week": "Key themes this week", "month": "Key themes this month"},
        "no_themes": "(No LLM configured, so no themes; the figures follow.)",
        "themes_failed": "> Note: the LLM could not write the themes ({error}).",
        "ungrounded": "> {mark} Numbers not found in the reports of the cited papers, please check: {numbers}",
        "unknown": "> {mark} The themes cited papers not of this period ({ids}); they were removed.",
        "uncited": "> {mark} {n} themes cite no paper.",
        "top": "Top papers",
        "by_upvotes": "By upvotes",
        "by_relevance": "By relevance to your interests",
        "columns": "| # | Paper | Date | Field | Upvotes | Contribution |",
        "rel_columns": "| # | Paper | Relevance | Matched | Upvotes | Contribution |",
        "fields": "Fields",
        "field_columns": "| Field | {cur} | {prev} | Change |",
        "this": {"week": "This week", "month": "This month"},
        "prev": {"week": "Last week", "month": "Last month"},
        "chart": "Papers per field: {prev} and {cur}",
        "recurring": "Recurring methods, benchmarks and datasets",
        "methods": "Methods",
        "benchmarks": "Benchmarks and datasets",
        "n_papers": "{n} papers",
        "none": "none (no name appears in two or more papers)",
        "other": "Other",
        "sep": ", ",
        "cite_open": " (",
        "cite_close": ")",
        "colon": ": ",
        "no_report": "—",
    },
}


def _t(lang: str) -> dict:
    return TEXT[lang if lang in TEXT else "zh"]


def _cell(text: str) -> str:
    return " ".join((text or "").split()).replace("|", "\\|")


def _cut(text: str, n: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def digest_stem(period: str, lang: str) -> str:
    return period if lang == "zh" else f"{period}.{lang}"


def field_series(fields: list[FieldMove], prev_label: str, cur_label: str, other: str) -> Series:
    """Two stacked bars (the previous period, this one) of the top fields, the rest as `other`."""
    ranked = sorted(fields, key=lambda m: (-(m.count + m.previous), m.field))
    keep = ranked[:CHART_FIELDS]
    rest = ranked[CHART_FIELDS:]
    domains = [m.field for m in keep]
    counts = {m.field: [m.previous, m.count] for m in keep}
    colours = {d: PALETTE[i % len(PALETTE)] for i, d in enumerate(domains)}
    if rest:
        domains.append(other)
        counts[other] = [sum(m.previous for m in rest), sum(m.count for m in rest)]
        colours[other] = OTHER_COLOUR
    return Series([prev_label, cur_label], "period", domains, counts, colours)


def digest_chart(d: Digest) -> str:
    t = _t(d.lang)
    prev, cur = f"{t['prev'][d.kind]} {d.previous}", f"{t['this'][d.kind]} {d.period}"
    return svg_chart(field_series(d.fields, prev, cur, t["other"]), title=t["chart"].format(prev=prev, cur=cur),
                     width=480, height=240)


def digest_markdown(d: Digest, *, chart_file: str | None = None) -> str:
    t = _t(d.lang)
    out = [f"# {t['title'][d.kind].format(period=d.period)}",
           f"**{t['period']}**: {d.start} – {d.end}",
           f"**{t['days']}**: {t['days_value'].format(run=len(d.days_run), total=len(d.days_run) + len(d.not_run))}",
           ]
    if d.not_run:
        out.append(f"**{t['not_run']}**: {t['sep'].join(d.not_run)}")
    if d.not_yet:
        out.append(f"**{t['not_yet']}**: {t['sep'].join(d.not_yet)}")
    out.append(f"**{t['papers']}**: {t['papers_value'].format(papers=d.papers, written=d.written)}")
    out = ["\n".join(out)]

    # themes
    s = d.synthesis
    themes = [f"## {t['themes'][d.kind]}"]
    if s.kind == "llm" and s.claims:
        lines = []
        for i, c in enumerate(s.claims, 1):
            text = mark_numbers(c.text, s.ungrounded_numbers)
            title = mark_numbers(c.title, s.ungrounded_numbers)
            cites = t["sep"].join(f"[{a}]({HF_PAPERS}/{a})" for a in c.papers)
            cited = f"{t['cite_open']}{cites}{t['cite_close']}" if c.papers else ""
            lines.append(f"{i}. **{title}**{t['colon']}{text}{cited}" if title else f"{i}. {text}{cited}")
        themes.append("\n".join(lines))
        notes = []
        if s.ungrounded_numbers:
            notes.append(t["ungrounded"].format(mark=MARK, numbers=t["sep"].join(s.ungrounded_numbers)))
        unknown = [f.split(":", 1)[1] for f in s.flags if f.startswith("unknown_citation:")]
        if unknown:
            notes.append(t["unknown"].format(mark=MARK, ids=t["sep"].join(unknown)))
        uncited = [f for f in s.flags if f.startswith("uncited:")]
        if uncited:
            notes.append(t["uncited"].format(mark=MARK, n=len(uncited)))
        if notes:
            themes.append("\n".join(notes))
    elif s.error:
        themes.append(t["themes_failed"].format(error=_cut(s.error, 160)))
    else:
        themes.append(t["no_themes"])
    out.append("\n\n".join(themes))

    # top papers
    top = [f"## {t['top']}", f"### {t['by_upvotes']}"]
    rows = [t["columns"], "|---:|---|---|---|---:|---|"]
    for i, p in enumerate(d.top_upvoted, 1):
        rows.append(f"| {i} | [{_cell(p.title)}]({HF_PAPERS}/{p.arxiv_id}) | {p.date} | {_cell(p.field) or t['no_report']} "
                    f"| {p.upvotes} | {_cell(_cut(p.contribution)) or t['no_report']} |")
    top.append("\n".join(rows))
    if d.top_relevant is not None:
        top.append(f"### {t['by_relevance']}")
        rows = [t["rel_columns"], "|---:|---|---:|---|---:|---|"]
        for i, p in enumerate(d.top_relevant, 1):
            rows.append(f"| {i} | [{_cell(p.title)}]({HF_PAPERS}/{p.arxiv_id}) | {p.relevance or 0:.2f} "
                        f"| {_cell(t['sep'].join(p.matched)) or '—'} | {p.upvotes} "
                        f"| {_cell(_cut(p.contribution)) or t['no_report']} |")
        top.append("\n".join(rows))
    out.append("\n\n".join(top))

    # fields
    fields = [f"## {t['fields']}"]
    if d.fields:
        rows = [t["field_columns"].format(cur=f"{t['this'][d.kind]} ({d.period})",
                                          prev=f"{t['prev'][d.kind]} ({d.previous})"), "|---|---:|---:|---:|"]
        for m in d.fields:
            rows.append(f"| {_cell(m.field)} | {m.count} | {m.previous} | {m.change:+d} |")
        fields.append("\n".join(rows))
        if chart_file:
            fields.append(f"![{t['chart'].format(prev=d.previous, cur=d.period)}]({chart_file})")
    out.append("\n\n".join(fields))

    # recurring names
    def names(items: list) -> str:
        if not items:
            return t["none"]
        return t["sep"].join(f"{r.name}（{t['n_papers'].format(n=len(r.papers))}）" if d.lang == "zh"
                             else f"{r.name} ({t['n_papers'].format(n=len(r.papers))})" for r in items)

    out.append(f"## {t['recurring']}\n\n- **{t['methods']}**{t['colon']}{names(d.methods)}\n"
               f"- **{t['benchmarks']}**{t['colon']}{names(d.benchmarks)}")
    return "\n\n".join(out) + "\n"


def write_digest_files(d: Digest, out: Path) -> tuple[Path, Path, Path]:
    """Write `<period>.md`, `.json` and `.svg` (`<period>.en.*` in English) into `out`; returns their paths."""
    stem = digest_stem(d.period, d.lang)
    md_path, json_path, svg_path = out / f"{stem}.md", out / f"{stem}.json", out / f"{stem}.svg"
    write_atomic(svg_path, digest_chart(d) + "\n")
    write_atomic(md_path, digest_markdown(d, chart_file=svg_path.name))
    write_atomic(json_path, json.dumps(d.to_json(), ensure_ascii=False, indent=2) + "\n")
    return md_path, json_path, svg_path
