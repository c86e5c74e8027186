"""Texts written across papers: the day's overview and a digest's themes, each claim citing its papers.

The LLM is asked (through the writer's shared client and its retry/adaptation logic) for
JSON: a list of claims, each `{"text": ..., "papers": [arXiv ids]}` (themes also have a
`title`). The answer is then checked like every report:

- a cited id that is not one of the papers given is dropped and flagged `unknown_citation:<id>`;
  a claim left without a citation is flagged `uncited:<n>` (n counts from 1);
- arXiv ids written inside the text move into `papers` (so they are never read as numbers);
- every number of a claim must occur in the texts of the papers it cites (their reports and
  abstracts), with the grounding rules of `checks.py`; the others are `ungrounded_numbers`,
  marked `⚠` wherever the text is shown.

A `Synthesis` is stored in the `generated` table under a key made of its kind, subject,
language, model and inputs (the prompt version and the cited material), so the same inputs are
never paid for twice by one model, and another model writes its own; the
key is claimed in the store before the LLM is asked (paperbrief.claims, `generated_since`), so
two processes making the same synthesis at once pay for it once.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, TypedDict

from paperbrief.checks import PaperNumbers, normalise_latex, numbers_in
from paperbrief.config import Settings
from paperbrief.models import LLMCall
from paperbrief.store import Store, content_hash

_ID_IN_TEXT = re.compile(r"\s*[\[（(【]?\s*(?:arXiv:)?(\d{4}\.\d{4,5})(?:v\d+)?\s*(?:[,，、;；]\s*(?:arXiv:)?\d{4}\.\d{4,5}"
                         r"(?:v\d+)?\s*)*[\]）)】]?", re.I)
_ONE_ID = re.compile(r"\d{4}\.\d{4,5}")


class SynthesisFailed(Exception):
    """The LLM gave no usable answer; the message is one line."""


@dataclass
class Claim:
    text: str
    papers: list[str] = field(default_factory=list)
    title: str = ""  # digest themes have a short title


@dataclass
class Synthesis:
    kind: str  # llm | statistical
    claims: list[Claim] = field(default_factory=list)
    ungrounded_numbers: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    model: str = ""
    prompt_version: str = ""
    tokens_in: int = 0
    tokens_out: int = 0
    error: str = ""  # why an LLM synthesis fell back to the statistical one
    cached_tokens: int = 0  # of tokens_in, served from the endpoint's prompt cache (0 in syntheses stored before)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Synthesis:
        claims = [Claim(**c) for c in data.get("claims", [])]
        rest = {k: v for k, v in data.items() if k != "claims" and k in cls.__dataclass_fields__}
        return cls(claims=claims, **rest)

    @property
    def cited(self) -> list[str]:
        return list(dict.fromkeys(p for c in self.claims for p in c.papers))


class Spent(TypedDict):
    tokens_in: int
    tokens_out: int
    cached_tokens: int


def usage_of(calls: Sequence[LLMCall]) -> Spent:
    """The tokens a synthesis spent over its calls, as Synthesis fields."""
    return {"tokens_in": sum(c.tokens_in for c in calls), "tokens_out": sum(c.tokens_out for c in calls),
            "cached_tokens": sum(c.cached_tokens for c in calls)}


# --- checks ------------------------------------------------------------------------------------


def split_citations(text: str) -> tuple[str, list[str]]:
    """The text without the arXiv ids written in it (with their brackets), and those ids in order."""
    found: list[str] = []

    def take(m: re.Match[str]) -> str:
        found.extend(_ONE_ID.findall(m.group(0)))
        return ""

    cleaned = _ID_IN_TEXT.sub(take, text)
    cleaned = re.sub(r"\s+([,.;:!?，。；：！？、])", r"\1", cleaned)
    return re.sub(r"\s{2,}", " ", cleaned).strip(), found


def check_claims(claims: Sequence[Claim], texts: dict[str, str]) -> tuple[list[Claim], list[str], list[str]]:
    """Claims with citations cleaned and checked against `texts` (arXiv id -> what it may be quoted from).

    Returns (claims, ungrounded numbers as written, flags).
    """
    out: list[Claim] = []
    ungrounded: list[str] = []
    flags: list[str] = []
    indexes: dict[str, PaperNumbers] = {}
    for n, claim in enumerate(claims, 1):
        text, inline = split_citations(claim.text)
        cited: list[str] = []
        for raw in [*claim.papers, *inline]:
            m = _ONE_ID.search(str(raw))
            aid = m.group(0) if m else str(raw).strip()
            if aid in texts:
                if aid not in cited:
                    cited.append(aid)
            elif f"unknown_citation:{aid}" not in flags:
                flags.append(f"unknown_citation:{aid}")
        if not cited:
            flags.append(f"uncited:{n}")
        key = "\n".join(cited)
        if key not in indexes:
            indexes[key] = PaperNumbers("\n".join(normalise_latex(texts[a]) for a in cited))
        for written, value, cls in numbers_in(normalise_latex(f"{claim.title}\n{text}")):
            if not indexes[key].has(value, cls) and written not in ungrounded:
                ungrounded.append(written)
        out.append(Claim(text=text, papers=cited, title=claim.title.strip()))
    return out, ungrounded, flags


# --- asking the LLM ----------------------------------------------------------------------------


def ask(settings: Settings, messages: list[dict[str, str]], *, name: str, schema: dict[str, Any], version: str,
        key: str, lang: str) -> tuple[list[Claim], list[LLMCall]]:
    """The claims the LLM gives under `key` ("sentences" or "themes"); SynthesisFailed with the calls made.

    Uses the writer's client and retries (429/5xx, timeouts, response_format fallback); an answer that
    isn't the JSON asked for is asked for once more with the problem named.
    """
    from paperbrief.writer.llm import PaperFailed, _Caller, client_for, find_json_object
    from paperbrief.writer.prompts import RETRY_MESSAGE

    class Caller(_Caller):
        def _params(self, msgs: list[dict[str, str]]) -> dict[str, Any]:
            params = super()._params(msgs)
            if params.get("response_format", {}).get("type") == "json_schema":
                params["response_format"] = {"type": "json_schema",
                                             "json_schema": {"name": name, "schema": schema, "strict": False}}
            return params

    caller = Caller(client_for(settings), settings, lang, False)
    caller.version = version
    problem = ""
    try:
        for round_ in range(2):
            answer = caller.complete(messages)
            text = answer.content.strip()
            obj = find_json_object(text) if text else None
            items = obj.get(key) if isinstance(obj, dict) else None
            claims = _claims(items)
            if claims:
                return claims, caller.calls
            problem = (f"the answer has no JSON object with a non-empty '{key}' list of objects with text and papers"
                       if text else f"the answer is empty (finish_reason={answer.finish_reason})")
            if caller.calls:
                caller.calls[-1].outcome, caller.calls[-1].error = "invalid", problem
            if round_ == 0:
                messages = [*messages, {"role": "assistant", "content": text[:8000]},
                            {"role": "user", "content": RETRY_MESSAGE[lang].format(error=problem)}]
    except PaperFailed as e:
        raise SynthesisFailedWithCalls(str(e), caller.calls) from None
    raise SynthesisFailedWithCalls(f"LLM answer invalid twice: {problem}", caller.calls)


class SynthesisFailedWithCalls(SynthesisFailed):
    def __init__(self, message: str, calls: list[LLMCall]) -> None:
        super().__init__(message)
        self.calls = calls


def _claims(items: Any) -> list[Claim]:
    if not isinstance(items, list):
        return []
    out = []
    for it in items:
        if not isinstance(it, dict) or not isinstance(it.get("text"), str) or not it["text"].strip():
            continue
        papers = it.get("papers") or []
        if isinstance(papers, str):
            papers = [papers]
        title = it.get("title") if isinstance(it.get("title"), str) else ""
        out.append(Claim(text=" ".join(it["text"].split()), papers=[str(p) for p in papers if p], title=title or ""))
    return out


def paper_block(entries: Iterable[tuple[str, str, list[str]]]) -> str:
    """The `<papers>` block of a prompt: per paper `[id] title` and its labelled lines."""
    lines = ["<papers>"]
    for aid, title, details in entries:
        lines.append(f"[{aid}] {' '.join(title.split())}")
        lines += [" ".join(d.split()) for d in details if d.strip()]
        lines.append("")
    lines.append("</papers>")
    return "\n".join(lines)


# --- the store ---------------------------------------------------------------------------------


def generated_key(kind: str, subject: str, lang: str, model: str, inputs: Sequence[str]) -> str:
    """The stored key of a synthesis: what it is, of what, in which language, by which model, from what
    (the inputs start with the prompt version), like a paper's report key (`store.report_key`)."""
    return content_hash(kind, subject, lang, *inputs, f"model:{model}")


def load_generated(store: Store, key: str) -> Synthesis | None:
    rows = store.query("SELECT body FROM generated WHERE key = ?", (key,))
    return Synthesis.from_json(json.loads(rows[0]["body"])) if rows else None


def stored_synthesis(store: Store, kind: str, subject: str, lang: str, models: Iterable[str],
                     inputs: Sequence[str]) -> Synthesis | None:
    """The synthesis stored for these inputs by the first of `models` that wrote one; also one stored
    before keys named the model, when its own `model` field is one of them."""
    wanted = list(dict.fromkeys(models))
    for model in wanted:
        found = load_generated(store, generated_key(kind, subject, lang, model, inputs))
        if found is not None:
            return found
    older = load_generated(store, content_hash(kind, subject, lang, *inputs))  # keys of round 4 and before
    return older if older is not None and older.model in wanted else None


def generated_since(key: str, since: float) -> Callable[[sqlite3.Connection], Synthesis | None]:
    """The claim's `done` (paperbrief.claims) for a synthesis: the one stored under `key` at or after `since`."""

    def done(c: sqlite3.Connection) -> Synthesis | None:
        row = c.execute("SELECT body FROM generated WHERE key = ? AND created_at >= ?", (key, since)).fetchone()
        return Synthesis.from_json(json.loads(row["body"])) if row is not None else None

    return done


def latest_generated(store: Store, kind: str, subject: str, lang: str) -> Synthesis | None:
    """The newest stored synthesis of this kind (overview, digest) for a subject (a day, a period) in `lang`."""
    rows = store.query("SELECT body FROM generated WHERE kind = ? AND subject = ? AND lang = ? "
                       "ORDER BY created_at DESC LIMIT 1", (kind, subject, lang))
    return Synthesis.from_json(json.loads(rows[0]["body"])) if rows else None


def generated_times(store: Store, kind: str, lang: str) -> dict[str, float]:
    """Per subject: when its newest synthesis of this kind in `lang` was stored."""
    return {r["subject"]: r["t"] or 0.0 for r in store.query(
        "SELECT subject, max(created_at) AS t FROM generated WHERE kind = ? AND lang = ? GROUP BY subject", (kind, lang))}


def record_spent(settings: Settings, store: Store, calls: Sequence[LLMCall], *, run_id: int | None = None,
                 subject: str | None = None, spent: list[LLMCall] | None = None) -> None:
    """Store a synthesis's LLM calls (answered or not) with their cost, under `run_id` or, made outside a
    run, `subject`; and add them to `spent`."""
    from paperbrief.costs import usage_cost

    store.record_calls(run_id, None, calls, cost_of=lambda c: usage_cost(settings.prices, c), subject=subject)
    if spent is not None:
        spent.extend(calls)


def save_generated(store: Store, key: str, kind: str, subject: str, lang: str, synthesis: Synthesis) -> None:
    with store.transaction() as c:
        c.execute(
            "INSERT OR REPLACE INTO generated(key, kind, subject, lang, model, prompt_version, body, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (key, kind, subject, lang, synthesis.model, synthesis.prompt_version,
             json.dumps(synthesis.to_json(), ensure_ascii=False), time.time()),
        )
