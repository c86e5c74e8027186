"""Weekly and monthly digests, built from the store: `paperbrief digest --week 2026-W06 | --month 2026-02`.

A digest gathers every paper listed on the period's stored days (each once, with its best
upvote count and its report in the digest's language) and gives:

- the top papers by upvotes, and by relevance when interests are configured (computed
  offline: stored embeddings or TF-IDF);
- the fields (top-level `domain` of the reports) with their counts against the previous
  period of the same kind, and an SVG chart of both;
- recurring methods (innovation names, Hugging Face's keywords) and benchmarks/datasets
  (benchmark-like names in the results) found in at least two papers;
- an LLM synthesis ("本周要点" / "Key themes"): 3–6 themes, each citing its papers, numbers
  checked against the cited reports (`synthesis.check_claims`); stored under its inputs and the
  model, so the same period with the same reports is never paid for twice by one model (another
  model writes its own), also by two `digest`s at once
  (claimed in the store before the LLM is asked; `force` asks again). No run makes a digest: its LLM
  calls are stored with subject `digest:<period>:<lang>` (migration 010_call_subject);
- the days of the period that were never run, by name.

Weeks are ISO weeks (Monday to Sunday; 2026-W01 starts on 2025-12-29), months calendar months.
"""

from __future__ import annotations

import dataclasses
import json
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from paperbrief.claims import holding
from paperbrief.config import Settings
from paperbrief.models import LLMCall, Report, WrittenReport
from paperbrief.search import top_domain
from paperbrief.store import Store, content_hash
from paperbrief.synthesis import (
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

DIGEST_VERSION = "digest-1"
TOP_PAPERS = 10
SYNTHESIS_PAPERS = 40  # papers the LLM sees: the most upvoted (and most relevant) of the period
RECURRING_MIN = 2  # a method or benchmark "recurs" when at least this many papers name it
RECURRING_SHOWN = 12

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class BadPeriod(ValueError):
    """A --week or --month the user typed that can't be used; one line."""


class DigestError(Exception):
    """The digest can't be made (no store, nothing stored for the period); one line."""


@dataclass(frozen=True)
class Period:
    key: str  # 2026-W06 | 2026-02
    kind: str  # week | month
    start: date
    end: date  # inclusive

    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]

    def previous(self) -> Period:
        if self.kind == "week":
            return week_period(self.start - timedelta(days=7))
        last = self.start - timedelta(days=1)
        return month_period(last.year, last.month)


def week_period(day: date) -> Period:
    """The ISO week holding `day`."""
    year, week, _ = day.isocalendar()
    start = date.fromisocalendar(year, week, 1)
    return Period(f"{year}-W{week:02d}", "week", start, start + timedelta(days=6))


def month_period(year: int, month: int) -> Period:
    start = date(year, month, 1)
    end = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    return Period(f"{year}-{month:02d}", "month", start, end)


def parse_period(week: str | None = None, month: str | None = None) -> Period:
    """`--week 2026-W06` or `--month 2026-02` (exactly one) as a Period; BadPeriod otherwise."""
    if bool(week) == bool(month):
        raise BadPeriod("give exactly one of --week (e.g. 2026-W06) or --month (e.g. 2026-02)")
    if week:
        m = _WEEK.match(week.strip().upper())
        if not m:
            raise BadPeriod(f"{week!r} is not an ISO week; write it like 2026-W06")
        try:
            start = date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
        except ValueError:
            raise BadPeriod(f"{week} does not exist: {m.group(1)} has no week {int(m.group(2))}") from None
        return week_period(start)
    assert month is not None
    m = _MONTH.match(month.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise BadPeriod(f"{month!r} is not a month; write it like 2026-02")
    return month_period(int(m.group(1)), int(m.group(2)))


# --- what a digest holds ----------------------------------------------------------------------


@dataclass
class DigestPaper:
    arxiv_id: str
    title: str
    date: str  # the first day of the period it was listed on
    upvotes: int
    field: str = ""  # top-level domain of its report, "" without one
    contribution: str = ""  # the report's one-sentence contribution, "" without one
    relevance: float | None = None
    matched: list[str] = dataclasses.field(default_factory=list)  # the interests that matched


@dataclass
class FieldMove:
    field: str
    count: int
    previous: int

    @property
    def change(self) -> int:
        return self.count - self.previous


@dataclass
class Recurring:
    name: str
    papers: list[str]  # arXiv ids


@dataclass
class Digest:
    period: str
    kind: str
    lang: str
    start: str
    end: str
    previous: str
    days_run: list[str]
    not_run: list[str]
    not_yet: list[str]  # days of the period after today (UTC)
    papers: int  # distinct papers listed in the period
    written: int  # of which have a report in the digest's language
    top_upvoted: list[DigestPaper]
    top_relevant: list[DigestPaper] | None  # None without interests
    fields: list[FieldMove]
    methods: list[Recurring]
    benchmarks: list[Recurring]
    synthesis: Synthesis
    inputs: str = ""  # fingerprint of what the digest was made from
    created_at: float = 0.0

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["synthesis"] = self.synthesis.to_json()
        for f, move in zip(data["fields"], self.fields, strict=True):
            f["change"] = move.change
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Digest:
        d = dict(data)
        d["top_upvoted"] = [DigestPaper(**p) for p in d["top_upvoted"]]
        d["top_relevant"] = None if d.get("top_relevant") is None else [DigestPaper(**p) for p in d["top_relevant"]]
        d["fields"] = [FieldMove(f["field"], f["count"], f["previous"]) for f in d["fields"]]
        d["methods"] = [Recurring(**r) for r in d["methods"]]
        d["benchmarks"] = [Recurring(**r) for r in d["benchmarks"]]
        d["synthesis"] = Synthesis.from_json(d["synthesis"])
        return cls(**{k: v for k, v in d.items() if k in cls.__dataclass_fields__})


# --- reading the store -------------------------------------------------------------------------


@dataclass
class _Paper:
    arxiv_id: str
    title: str
    abstract: str
    authors: list[str]
    keywords: list[str]
    date: str
    upvotes: int
    report: Report | None = None


def _listed(store: Store, period: Period) -> dict[str, _Paper]:
    papers: dict[str, _Paper] = {}
    for r in store.query(
        "SELECT l.date, l.upvotes, p.arxiv_id, p.title, p.abstract, p.authors, p.keywords FROM listings l "
        "JOIN papers p USING (arxiv_id) WHERE l.date BETWEEN ? AND ? ORDER BY l.date, l.position",
        (period.start.isoformat(), period.end.isoformat()),
    ):
        p = papers.get(r["arxiv_id"])
        if p is None:
            papers[r["arxiv_id"]] = _Paper(r["arxiv_id"], r["title"], r["abstract"] or "", json.loads(r["authors"]),
                                           json.loads(r["keywords"] or "[]"), r["date"], r["upvotes"] or 0)
        else:
            p.upvotes = max(p.upvotes, r["upvotes"] or 0)
    return papers


_BEST = (
    "SELECT arxiv_id, {what} FROM (SELECT arxiv_id, body, row_number() OVER ("
    "PARTITION BY arxiv_id ORDER BY created_at DESC, rowid DESC) AS rn FROM reports "
    "WHERE lang = ? AND failed = 0 AND arxiv_id IN ({marks})) WHERE rn = 1"
)


def _reports(store: Store, ids: list[str], lang: str) -> dict[str, Report]:
    out: dict[str, Report] = {}
    for i in range(0, len(ids), 500):
        batch = ids[i : i + 500]
        for r in store.query(_BEST.format(what="body", marks=",".join("?" * len(batch))), [lang, *batch]):
            written = WrittenReport.model_validate_json(r["body"])
            if written.report is not None:
                out[r["arxiv_id"]] = written.report
    return out


def _domains(store: Store, ids: list[str], lang: str) -> dict[str, str]:
    out: dict[str, str] = {}
    what = "json_extract(body, '$.report.domain') AS domain"
    for i in range(0, len(ids), 500):
        batch = ids[i : i + 500]
        for r in store.query(_BEST.format(what=what, marks=",".join("?" * len(batch))), [lang, *batch]):
            if r["domain"]:
                out[r["arxiv_id"]] = r["domain"]
    return out


def _stored_days(store: Store, period: Period) -> set[str]:
    rows = store.query("SELECT date FROM days WHERE date BETWEEN ? AND ?",
                       (period.start.isoformat(), period.end.isoformat()))
    return {r["date"] for r in rows}


# --- recurring names ---------------------------------------------------------------------------------

_PAREN = re.compile(r"[（(]([^（）()]{3,80})[）)]")
_BENCH = re.compile(r"(?<![\w-])((?:[A-Za-zτ][\w²³.+]*[A-Z0-9²][\w²³.+]*|[A-Z][a-z]+[A-Z][\w]*)(?:-[\w²³]+)*)(?![\w-])")
_NOT_BENCH = frozenset("""
gpu gpus cpu tpu llm llms vlm vlms mllm mllms ai api apis sota rl rlhf cnn rnn nlp cv ml dl fps flops gflops tflops
a100 h100 h800 a800 v100 rtx 4090 3090 fp16 bf16 fp8 int8 int4 kv id ids url urls pdf html json yaml ui ux io
ppo grpo dpo sft lora qlora moe vae gan vit bert gpt gpt-4 gpt-4o gpt-3.5 qwen llama mistral 3d 2d 1d 4d
""".split())  # noqa: SIM905


def _norm_name(name: str) -> str:
    return " ".join(name.replace("-", " ").split()).casefold()


def _methods_of(p: _Paper) -> set[tuple[str, str]]:
    """(normalised, as written) method names of a paper: its innovations' English names and HF keywords."""
    out: set[tuple[str, str]] = set()
    if p.report is not None:
        for inn in p.report.innovations:
            m = _PAREN.search(inn.name)
            name = m.group(1).strip() if m else inn.name.strip(" *")
            if name and not re.search(r"[\u4e00-\u9fff]", name) and len(name) <= 80:
                out.add((_norm_name(name), name))
    for kw in p.keywords:
        if len(kw) >= 4 and " " in kw.strip():  # single HF keywords are too generic ("images", "faster")
            out.add((_norm_name(kw), kw.strip()))
    return out


def _benchmarks_of(p: _Paper) -> set[tuple[str, str]]:
    if p.report is None:
        return set()
    text = " ".join(f"{r.label} {r.text}" for r in p.report.results)
    out: set[tuple[str, str]] = set()
    for m in _BENCH.finditer(text):
        name = m.group(1).rstrip(".")
        key = name.casefold()
        if len(name) < 3 or key in _NOT_BENCH or re.fullmatch(r"[\d.,x×%]+", name) or name.isdigit():
            continue
        out.add((key, name))
    return out


def _recurring(papers: list[_Paper], names_of: Any) -> list[Recurring]:
    found: dict[str, tuple[str, list[str]]] = {}
    for p in papers:
        for key, shown in names_of(p):
            entry = found.setdefault(key, (shown, []))
            if p.arxiv_id not in entry[1]:
                entry[1].append(p.arxiv_id)
    common = [Recurring(shown, ids) for shown, ids in found.values() if len(ids) >= RECURRING_MIN]
    common.sort(key=lambda r: (-len(r.papers), r.name.casefold()))
    return common[:RECURRING_SHOWN]


# --- building ----------------------------------------------------------------------------------------


def build_digest(settings: Settings, store: Store, period: Period, lang: str, *, use_llm: bool = True,
                 force: bool = False, today: date | None = None,
                 on_wait: Callable[[str | None], None] | None = None, spent: list[LLMCall] | None = None) -> Digest:
    """The digest of `period` in `lang`: stored when made from the same inputs (unless `force`), else built.

    `use_llm=False` builds everything but the LLM synthesis (a statistical one instead). The LLM
    synthesis is claimed before it is asked for (paperbrief.claims): while another process writes
    the same one, this one waits (telling `on_wait(holder)` once) and reuses it. The LLM calls made now
    (answered or not) are stored with subject `digest:<period>:<lang>` and appended to `spent`. Raises
    DigestError when no day of the period is stored.
    """
    from paperbrief.dates import today_utc

    started = time.time()  # with `force`, a synthesis stored after this (by another process) is reused

    today = today or today_utc()
    listed = _listed(store, period)
    run = sorted(_stored_days(store, period))
    if not run:
        raise DigestError(f"nothing stored for {period.key} ({period.start} to {period.end}): run "
                          f"`paperbrief run --date D` for its days first")
    ids = list(listed)
    reports = _reports(store, ids, lang)
    for aid, report in reports.items():
        listed[aid].report = report
    inputs = content_hash(DIGEST_VERSION, lang, *run, *(f"{aid}:{listed[aid].upvotes}:"
                                                          f"{content_hash(reports[aid].model_dump_json())[:12] if aid in reports else ''}"
                                                          for aid in ids), settings.interests.model_dump_json())[:20]
    if not force:
        stored = load_digest(store, period.key, lang)
        # with an LLM, only themes the configured model wrote (another model writes its own)
        if stored is not None and stored.inputs == inputs and (
                not use_llm or (stored.synthesis.kind == "llm" and stored.synthesis.model == settings.model)):
            return stored
    days = [d.isoformat() for d in period.days()]
    not_run = [d for d in days if d not in run and date.fromisoformat(d) <= today]
    not_yet = [d for d in days if date.fromisoformat(d) > today]
    papers = list(listed.values())

    relevance = _relevance(settings, store, papers) if settings.interests.configured else None

    def view(p: _Paper) -> DigestPaper:
        r = relevance.get(p.arxiv_id) if relevance else None
        return DigestPaper(p.arxiv_id, p.title, p.date, p.upvotes,
                           top_domain(p.report.domain) if p.report else "",
                           " ".join(p.report.contribution.split()) if p.report else "",
                           r.score if r else (0.0 if relevance is not None else None),
                           list(dict.fromkeys(m.value for m in r.matched if m.kind != "exclude")) if r else [])

    by_upvotes = sorted(papers, key=lambda p: (-p.upvotes, p.date, p.arxiv_id))
    top_relevant = None
    if relevance is not None:
        ranked = sorted(papers, key=lambda p: (-(relevance[p.arxiv_id].score if p.arxiv_id in relevance else 0.0),
                                               -p.upvotes, p.date))
        top_relevant = [view(p) for p in ranked[:TOP_PAPERS]]

    # fields against the previous period
    previous = period.previous()
    prev_ids = list(_listed(store, previous))
    prev_fields = Counter(top_domain(d) for d in _domains(store, prev_ids, lang).values())
    cur_fields = Counter(top_domain(p.report.domain) for p in papers if p.report)
    cur_fields.pop("", None)
    prev_fields.pop("", None)
    moves = [FieldMove(f, cur_fields.get(f, 0), prev_fields.get(f, 0)) for f in set(cur_fields) | set(prev_fields)]
    moves.sort(key=lambda m: (-m.count, -m.previous, m.field))

    digest = Digest(
        period=period.key, kind=period.kind, lang=lang, start=period.start.isoformat(), end=period.end.isoformat(),
        previous=previous.key, days_run=run, not_run=not_run, not_yet=not_yet, papers=len(papers),
        written=len(reports), top_upvoted=[view(p) for p in by_upvotes[:TOP_PAPERS]], top_relevant=top_relevant,
        fields=moves, methods=_recurring(papers, _methods_of), benchmarks=_recurring(papers, _benchmarks_of),
        synthesis=Synthesis(kind="statistical"), inputs=inputs, created_at=time.time(),
    )
    chosen = by_upvotes[:SYNTHESIS_PAPERS]
    if relevance is not None and top_relevant:
        extra = [listed[p.arxiv_id] for p in top_relevant if listed[p.arxiv_id] not in chosen]
        chosen = chosen[: SYNTHESIS_PAPERS - len(extra)] + extra
    digest.synthesis = _synthesis(settings, store, period, lang, [p for p in chosen if p.report], listed,
                                  use_llm=use_llm, since=started if force else None, on_wait=on_wait, spent=spent)
    save_digest(store, digest)
    return digest


def _relevance(settings: Settings, store: Store, papers: list[_Paper]) -> dict[str, Any]:
    from paperbrief.rank import Candidate, rank, report_text

    candidates = [Candidate(p.arxiv_id, p.title, p.abstract, p.authors, report_text(p.report)) for p in papers]
    return rank(settings, candidates, store=store, offline=True).scores


SCHEMA = {
    "type": "object",
    "required": ["themes"],
    "properties": {
        "themes": {
            "type": "array", "minItems": 3, "maxItems": 6,
            "items": {"type": "object", "required": ["title", "text", "papers"],
                      "properties": {"title": {"type": "string"}, "text": {"type": "string"},
                                     "papers": {"type": "array", "items": {"type": "string"}}}},
        }
    },
}
SYSTEM = {
    "zh": (
        "你是一名研究简报编辑。下面是 Hugging Face Daily Papers 在{span}中最受关注的论文的报告摘要。"
        "请总结这段时间的要点：3 到 6 个主题，每个主题给出简短的标题（title）和一两句说明（text），"
        "并在 papers 中列出它所依据的论文 arXiv id（只能使用下面列出的 id，每个主题至少一篇）。"
        "只能使用所引论文报告中出现过的数字，不要编造或换算数字。只输出一个 JSON 对象，形如 "
        "{{\"themes\": [{{\"title\": \"……\", \"text\": \"……\", \"papers\": [\"2602.05293\"]}}]}}，"
        "用简体中文撰写，不要在 text 中写 arXiv id。"
    ),
    "en": (
        "You are the editor of a research briefing. Below are short reports of the most noticed papers of Hugging "
        "Face Daily Papers in {span}. Summarise the period: 3 to 6 themes, each with a short title and one or two "
        "sentences of text, listing in `papers` the arXiv ids it rests on (only ids listed below, at least one per "
        "theme). Use only numbers that appear in the reports of the papers you cite; never invent or convert "
        "numbers. Answer with one JSON object only, shaped {{\"themes\": [{{\"title\": \"...\", \"text\": \"...\", "
        "\"papers\": [\"2602.05293\"]}}]}}, in English, without arXiv ids inside the text."
    ),
}
SPAN = {"zh": {"week": "{key} 这一周（{start} 至 {end}）", "month": "{key} 这个月"},
        "en": {"week": "the week {key} ({start} to {end})", "month": "the month {key}"}}
LABELS = {"zh": ("领域", "贡献", "结果"), "en": ("Field", "Contribution", "Results")}


def _synthesis(settings: Settings, store: Store, period: Period, lang: str, chosen: list[_Paper],
               listed: dict[str, _Paper], *, use_llm: bool, since: float | None,
               on_wait: Callable[[str | None], None] | None, spent: list[LLMCall] | None) -> Synthesis:
    """The LLM themes (stored, or asked for under a claim); `since`: with --force, reuse only one stored since."""
    if not chosen or not use_llm:
        return Synthesis(kind="statistical")
    inputs = [DIGEST_VERSION, *(f"{p.arxiv_id}:{content_hash(p.report.model_dump_json())[:12]}"
                                for p in chosen if p.report)]
    if since is None:  # not --force: themes this model wrote from these inputs before
        stored = stored_synthesis(store, "digest", period.key, lang, [settings.model], inputs)
        if stored is not None:
            return stored
    key = generated_key("digest", period.key, lang, settings.model, inputs)
    with holding(store, key, subject=period.key, kind="digest", done=generated_since(key, since or 0.0),
                 on_wait=on_wait) as stored:
        return stored if stored is not None else _llm_synthesis(settings, store, period, lang, chosen, listed, key,
                                                                spent)


def _llm_synthesis(settings: Settings, store: Store, period: Period, lang: str, chosen: list[_Paper],
                   listed: dict[str, _Paper], key: str, spent: list[LLMCall] | None) -> Synthesis:
    """Ask the LLM for the period's themes (this process holds the claim), check them and store them."""
    from paperbrief.checks import report_texts

    field_l, contribution_l, results_l = LABELS[lang]
    block = paper_block(
        (p.arxiv_id, p.title, [f"{field_l}: {p.report.domain}", f"{contribution_l}: {p.report.contribution}",
                               f"{results_l}: " + " ".join(f"{r.label}: {r.text}" for r in p.report.results[:2])])
        for p in chosen if p.report
    )
    span = SPAN[lang][period.kind].format(key=period.key, start=period.start, end=period.end)
    messages = [{"role": "system", "content": SYSTEM[lang].format(span=span)}, {"role": "user", "content": block}]

    subject = f"digest:{period.key}:{lang}"  # no run makes a digest: its calls are counted by this
    try:
        claims, calls = ask(settings, messages, name="digest_themes", schema=SCHEMA, version=DIGEST_VERSION,
                            key="themes", lang=lang)
    except SynthesisFailed as e:
        record_spent(settings, store, e.calls if isinstance(e, SynthesisFailedWithCalls) else [], subject=subject,
                     spent=spent)
        return Synthesis(kind="statistical", error=str(e))
    record_spent(settings, store, calls, subject=subject, spent=spent)
    texts = {}
    for aid, p in listed.items():
        report = "\n".join(t for _, t in report_texts(p.report)) if p.report else ""
        texts[aid] = f"{p.title}\n{p.abstract}\n{report}"
    checked, ungrounded, flags = check_claims(claims, texts)
    synthesis = Synthesis(kind="llm", claims=checked, ungrounded_numbers=ungrounded, flags=flags, model=settings.model,
                          prompt_version=DIGEST_VERSION, **usage_of(calls))
    save_generated(store, key, "digest", period.key, lang, synthesis)
    return synthesis


# --- the store ----------------------------------------------------------------------------------------


def save_digest(store: Store, digest: Digest) -> None:
    with store.transaction() as c:
        c.execute("INSERT OR REPLACE INTO digests(period, lang, body, created_at) VALUES (?, ?, ?, ?)",
                  (digest.period, digest.lang, json.dumps(digest.to_json(), ensure_ascii=False), digest.created_at))


def load_digest(store: Store, period: str, lang: str) -> Digest | None:
    rows = store.query("SELECT body FROM digests WHERE period = ? AND lang = ?", (period, lang))
    return Digest.from_json(json.loads(rows[0]["body"])) if rows else None


def stored_digests(store: Store, lang: str | None = None) -> list[Digest]:
    """Every stored digest (in `lang` if given), newest period first."""
    sql = "SELECT body FROM digests" + (" WHERE lang = ?" if lang else "") + " ORDER BY period DESC"
    return [Digest.from_json(json.loads(r["body"])) for r in store.query(sql, (lang,) if lang else ())]
