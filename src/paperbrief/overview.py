"""The day's overview ("今日速览 / Today"): an LLM paragraph of the day's themes, or a statistical one.

With an LLM endpoint, the run asks for 3–6 sentences over the day's reports, every sentence
citing the arXiv ids it rests on (checked: only papers of that day) and every number checked
against the cited reports and abstracts (`synthesis.check_claims`). The paragraph is stored
under the day's inputs (each paper's report) and the model, so a rerun or `render` reuses it and
never pays twice, another model writes its own, and it is claimed in the store before the LLM is asked, so two runs of the day at
once pay for it once; `--force` asks again. Without an LLM (or when it fails) the overview is plain
statistics: how many papers, the fields and their counts, the most upvoted, and with
interests the most relevant.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

from paperbrief.claims import holding
from paperbrief.config import Settings
from paperbrief.messages import msg
from paperbrief.search import top_domain
from paperbrief.store import Store, content_hash
from paperbrief.synthesis import (
    Claim,
    Synthesis,
    SynthesisFailed,
    SynthesisFailedWithCalls,
    ask,
    check_claims,
    generated_key,
    generated_since,
    paper_block,
    record_spent,
    save_generated,
    stored_synthesis,
    usage_of,
)

if TYPE_CHECKING:
    from paperbrief.models import LLMCall
    from paperbrief.render.day import Day

OVERVIEW_VERSION = "overview-1"
MAX_PAPERS = 60  # papers given to the LLM (by the day's order); a day rarely has more
FIELDS_SHOWN = 6

SCHEMA = {
    "type": "object",
    "required": ["sentences"],
    "properties": {
        "sentences": {
            "type": "array", "minItems": 1, "maxItems": 8,
            "items": {"type": "object", "required": ["text", "papers"],
                      "properties": {"text": {"type": "string"},
                                     "papers": {"type": "array", "items": {"type": "string"}}}},
        }
    },
}

SYSTEM = {
    "zh": (
        "你是一名研究简报编辑。下面是某一天 Hugging Face Daily Papers 上论文的报告摘要。请写一段“今日速览”："
        "3 到 6 句话，概括当天最主要的研究主题与趋势，而不是逐篇罗列。每句话都必须在 papers 字段中列出它所依据的论文 "
        "arXiv id（只能使用下面列出的 id）。只能使用所引论文报告中出现过的数字，不要编造或换算数字。"
        "只输出一个 JSON 对象，形如 {\"sentences\": [{\"text\": \"……\", \"papers\": [\"2602.05293\"]}]}，"
        "text 用简体中文撰写，不要在 text 中写 arXiv id。"
    ),
    "en": (
        "You are the editor of a research briefing. Below are short reports of the papers listed on one day of "
        "Hugging Face Daily Papers. Write the day's overview: 3 to 6 sentences on the day's main research themes and "
        "trends, not a list of papers. Every sentence must list in `papers` the arXiv ids it rests on (only ids listed "
        "below). Use only numbers that appear in the reports of the papers you cite; never invent or convert numbers. "
        "Answer with one JSON object only, shaped {\"sentences\": [{\"text\": \"...\", \"papers\": [\"2602.05293\"]}]}, "
        "text in English, without arXiv ids inside the text."
    ),
}
LABELS = {
    "zh": {"date": "日期", "field": "领域", "contribution": "贡献", "results": "结果", "abstract": "摘要"},
    "en": {"date": "Date", "field": "Field", "contribution": "Contribution", "results": "Results",
           "abstract": "Abstract"},
}


def _inputs(day: Day) -> list[str]:
    """What the LLM overview is written from: each shown paper's report (or abstract), in order."""
    parts = [OVERVIEW_VERSION]
    for e in day.entries[:MAX_PAPERS]:
        body = e.written.report.model_dump_json() if e.written.report else e.paper.abstract
        parts.append(f"{e.paper.arxiv_id}:{content_hash(e.paper.title, body)[:16]}")
    return parts


def _texts(day: Day) -> dict[str, str]:
    """What each paper of the day may be quoted from: its report and abstract (others: the abstract)."""
    from paperbrief.checks import report_texts

    texts = {p.arxiv_id: f"{p.title}\n{p.abstract}" for p in day.others}
    for e in day.entries:
        report = "\n".join(t for _, t in report_texts(e.written.report)) if e.written.report else ""
        texts[e.paper.arxiv_id] = f"{e.paper.title}\n{e.paper.abstract}\n{report}"
    return texts


def day_overview(settings: Settings, store: Store, day: Day, *, use_llm: bool, force: bool = False,
                 since: float | None = None, run_id: int | None = None, spent: list[LLMCall] | None = None,
                 on_wait: Callable[[str | None], None] | None = None) -> Synthesis:
    """The day's overview: stored LLM one, a new LLM one (when `use_llm`), else the statistical one.

    A new one is claimed in the store first (paperbrief.claims): while another process writes the
    same overview, this one waits (telling `on_wait(holder)` once) and reuses it. With `force`, only
    an overview stored at or after `since` (default: now) is reused. The LLM calls made now
    (answered or not) are recorded under `run_id` and appended to `spent`.
    """
    written = [e for e in day.entries if e.written.report is not None]
    inputs = _inputs(day)
    key = generated_key("overview", day.date, day.lang, settings.model, inputs)
    if not force:
        # without an LLM (render, send) also the one the model of the day's reports wrote
        models = [settings.model] if use_llm else [settings.model, *(e.written.model for e in written)]
        stored = stored_synthesis(store, "overview", day.date, day.lang, models, inputs)
        if stored is not None:
            return stored
    if not use_llm or not written:
        return statistical_overview(day)
    since = (time.time() if since is None else since) if force else 0.0
    with holding(store, key, subject=day.date, kind="overview", done=generated_since(key, since),
                 on_wait=on_wait) as stored:
        return stored if stored is not None else _llm_overview(settings, store, day, key, run_id, spent)


def _llm_overview(settings: Settings, store: Store, day: Day, key: str, run_id: int | None,
                  spent: list[LLMCall] | None) -> Synthesis:
    """Ask the LLM for the day's overview (this process holds its claim), check it and store it."""
    lang = day.lang if day.lang in SYSTEM else "zh"
    L = LABELS[lang]
    block = paper_block(
        (e.paper.arxiv_id, e.paper.title,
         [f"{L['field']}: {e.written.report.domain}", f"{L['contribution']}: {e.written.report.contribution}",
          f"{L['results']}: " + " ".join(f"{r.label}: {r.text}" for r in e.written.report.results[:3])]
         if e.written.report else [f"{L['abstract']}: {e.paper.abstract[:600]}"])
        for e in day.entries[:MAX_PAPERS]
    )
    messages = [{"role": "system", "content": SYSTEM[lang]},
                {"role": "user", "content": f"{L['date']}: {day.date}\n\n{block}"}]
    try:
        claims, calls = ask(settings, messages, name="day_overview", schema=SCHEMA, version=OVERVIEW_VERSION,
                            key="sentences", lang=lang)
    except SynthesisFailed as e:
        record_spent(settings, store, e.calls if isinstance(e, SynthesisFailedWithCalls) else [], run_id=run_id,
                     spent=spent)
        fallback = statistical_overview(day)
        fallback.error = str(e)
        return fallback
    record_spent(settings, store, calls, run_id=run_id, spent=spent)
    checked, ungrounded, flags = check_claims(claims, _texts(day))
    synthesis = Synthesis(kind="llm", claims=checked, ungrounded_numbers=ungrounded, flags=flags,
                          model=settings.model, prompt_version=OVERVIEW_VERSION, **usage_of(calls))
    save_generated(store, key, "overview", day.date, day.lang, synthesis)
    return synthesis


# --- statistics ------------------------------------------------------------------------------

def _join(items: list[str], sep: str, last: str) -> str:
    return items[0] if len(items) == 1 else sep.join(items[:-1]) + last + items[-1]


def statistical_overview(day: Day) -> Synthesis:
    """Counts, fields, the most upvoted and (with interests) the most relevant papers of the day."""
    lang = day.lang

    def t(key: str, **kw: object) -> str:
        return msg(f"overview.{key}", lang, **kw)

    sep = msg("list_sep", lang)
    entries = day.entries
    written = [e for e in entries if e.written.report is not None]
    failed = len(entries) - len(written)
    total = len(entries) + len(day.others)
    claims = [Claim(t("stat_count", total=total, written=len(written),
                      failed=t("stat_failed", n=failed) if failed else "",
                      others=t("stat_others", n=len(day.others)) if day.others else ""))]
    fields: Counter[str] = Counter()
    for e in written:
        assert e.written.report is not None
        fields[top_domain(e.written.report.domain) or t("other_field")] += 1
    if fields:
        ranked = sorted(fields.items(), key=lambda kv: (-kv[1], kv[0]))
        items = [t("stat_field", name=name, n=n) for name, n in ranked[:FIELDS_SHOWN]]
        rest = sum(n for _, n in ranked[FIELDS_SHOWN:])
        if rest:
            items.append(t("stat_field", name=t("other_field"), n=rest))
        claims.append(Claim(t("stat_fields", items=sep.join(items))))
    papers = [e.paper for e in entries] + list(day.others)
    top = sorted(papers, key=lambda p: -p.upvotes)[:3]
    if top and top[0].upvotes > 0:
        items = [t("stat_top_item", title=p.title, n=p.upvotes) for p in top]
        claims.append(Claim(t("stat_top", items=_join(items, sep, t("stat_and"))), [p.arxiv_id for p in top]))
    if day.relevance:
        scored = [(p, day.relevance[p.arxiv_id]) for p in papers if p.arxiv_id in day.relevance]
        best = sorted((x for x in scored if x[1].score > 0), key=lambda x: -x[1].score)[:3]
        if best:
            items = [t("stat_relevant_item", title=p.title, score=r.score,
                       why=sep.join(dict.fromkeys(m.value for m in r.matched if m.kind != "exclude")) or "—")
                     for p, r in best]
            claims.append(Claim(t("stat_relevant", items=_join(items, sep, t("stat_and"))),
                                [p.arxiv_id for p, _ in best]))
    return Synthesis(kind="statistical", claims=claims)
