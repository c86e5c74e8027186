"""A digest's files: `<period>.md`, `<period>.json` and `<period>.svg` (`.en.*` in English).

The Markdown: a header block (period, days run and not run), the LLM themes ("本周要点" /
"Key themes", numbers not found in the cited reports marked `⚠`), the top papers by upvotes
(and by relevance), the fields against the previous period (a table and the SVG chart), and
the recurring methods, benchmarks and datasets.
"""

from __future__ import annotations

import json
from pathlib import Path

from paperbrief.digest import Digest, FieldMove, Recurring
from paperbrief.files import write_atomic
from paperbrief.messages import msg
from paperbrief.render.chart import OTHER_COLOUR, PALETTE, Series, svg_chart
from paperbrief.render.markdown import mark_numbers
from paperbrief.render.overview import cited, notes_markdown

HF_PAPERS = "https://huggingface.co/papers"
CHART_FIELDS = 8

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


def period_labels(d: Digest) -> tuple[str, str]:
    """How the previous period and this one are named ("上周 2026-W05", "本周 2026-W06")."""
    return (f"{msg(f'digest.prev_{d.kind}', d.lang)} {d.previous}", f"{msg(f'digest.this_{d.kind}', d.lang)} {d.period}")


def digest_chart(d: Digest) -> str:
    prev, cur = period_labels(d)
    series = field_series(d.fields, prev, cur, msg("overview.other_field", d.lang))
    return svg_chart(series, title=msg("digest.chart", d.lang, prev=prev, cur=cur), width=480, height=240)


def digest_markdown(d: Digest, *, chart_file: str | None = None) -> str:
    lang = d.lang

    def t(key: str, **kw: object) -> str:
        return msg(f"digest.{key}", lang, **kw)

    sep, colon = msg("list_sep", lang), msg("colon", lang)
    head = [f"# {t('title_' + d.kind, period=d.period)}",
            f"**{t('period')}**: {d.start} – {d.end}",
            f"**{t('days')}**: {t('days_value', run=len(d.days_run), total=len(d.days_run) + len(d.not_run))}"]
    if d.not_run:
        head.append(f"**{t('not_run')}**: {sep.join(d.not_run)}")
    if d.not_yet:
        head.append(f"**{t('not_yet')}**: {sep.join(d.not_yet)}")
    head.append(f"**{t('papers')}**: {t('papers_value', papers=d.papers, written=d.written)}")
    out = ["\n".join(head)]

    # themes
    s = d.synthesis
    themes = [f"## {t('themes_' + d.kind)}"]
    if s.kind == "llm" and s.claims:
        lines = []
        for i, c in enumerate(s.claims, 1):
            text = cited(mark_numbers(c.text, s.ungrounded_numbers), c.papers, lang, lambda a: f"{HF_PAPERS}/{a}")
            title = mark_numbers(c.title, s.ungrounded_numbers)
            lines.append(f"{i}. **{title}**{colon}{text}" if title else f"{i}. {text}")
        themes.append("\n".join(lines))
    elif not s.error:
        themes.append(t("no_themes"))
    notes = notes_markdown(s, lang, "digest")
    if notes:
        themes.append("\n".join(notes))
    out.append("\n\n".join(themes))

    # top papers
    paper_col, field_col, upvotes_col, rel_col, contribution_col = (
        msg(f"overview.col_{k}", lang) for k in ("paper", "field", "upvotes", "relevance", "contribution"))
    top = [f"## {t('top')}", f"### {t('by_upvotes')}"]
    rows = [f"| # | {paper_col} | {t('col_date')} | {field_col} | {upvotes_col} | {contribution_col} |",
            "|---:|---|---|---|---:|---|"]
    for i, p in enumerate(d.top_upvoted, 1):
        rows.append(f"| {i} | [{_cell(p.title)}]({HF_PAPERS}/{p.arxiv_id}) | {p.date} | {_cell(p.field) or '—'} "
                    f"| {p.upvotes} | {_cell(_cut(p.contribution)) or '—'} |")
    top.append("\n".join(rows))
    if d.top_relevant is not None:
        top.append(f"### {t('by_relevance')}")
        rows = [f"| # | {paper_col} | {rel_col} | {t('col_matched')} | {upvotes_col} | {contribution_col} |",
                "|---:|---|---:|---|---:|---|"]
        for i, p in enumerate(d.top_relevant, 1):
            rows.append(f"| {i} | [{_cell(p.title)}]({HF_PAPERS}/{p.arxiv_id}) | {p.relevance or 0:.2f} "
                        f"| {_cell(sep.join(p.matched)) or '—'} | {p.upvotes} | {_cell(_cut(p.contribution)) or '—'} |")
        top.append("\n".join(rows))
    out.append("\n\n".join(top))

    # fields against the previous period
    fields = [f"## {t('fields')}"]
    if d.fields:
        prev, cur = period_labels(d)
        rows = [f"| {field_col} | {cur} | {prev} | {t('col_change')} |", "|---|---:|---:|---:|"]
        rows += [f"| {_cell(m.field)} | {m.count} | {m.previous} | {m.change:+d} |" for m in d.fields]
        fields.append("\n".join(rows))
        if chart_file:
            fields.append(f"![{t('chart', prev=prev, cur=cur)}]({chart_file})")
    out.append("\n\n".join(fields))

    def names(items: list[Recurring]) -> str:
        return sep.join(t("recurring_item", name=r.name, n=len(r.papers)) for r in items) if items else t("none")

    out.append(f"## {t('recurring')}\n\n- **{t('methods')}**{colon}{names(d.methods)}\n"
               f"- **{t('benchmarks')}**{colon}{names(d.benchmarks)}")
    return "\n\n".join(out) + "\n"


def write_digest_files(d: Digest, out: Path) -> tuple[Path, Path, Path]:
    """Write `<period>.md`, `.json` and `.svg` (`<period>.en.*` in English) into `out`; returns their paths."""
    stem = digest_stem(d.period, d.lang)
    md_path, json_path, svg_path = out / f"{stem}.md", out / f"{stem}.json", out / f"{stem}.svg"
    write_atomic(svg_path, digest_chart(d) + "\n")
    write_atomic(md_path, digest_markdown(d, chart_file=svg_path.name))
    write_atomic(json_path, json.dumps(d.to_json(), ensure_ascii=False, indent=2) + "\n")
    return md_path, json_path, svg_path


def digest_message(d: Digest) -> tuple[str, str]:
    """A digest as a message for delivery (email, chat): its subject line and its Markdown body.

    The hook for `paperbrief send --week/--month`: `load_digest` (or `build_digest`) then this.
    """
    return msg(f"digest.title_{d.kind}", d.lang, period=d.period), digest_markdown(d)
