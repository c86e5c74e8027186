"""The named types that flow between the pipeline's stages.

sources -> ListedPaper / DayListing
readers -> Document
writer  -> Report (the per-paper JSON schema of docs/report-format.md) inside a WrittenReport
checks  -> fills WrittenReport.ungrounded_numbers, .misattributed_numbers and .flags
store / render consume all of the above; the store reads them back (a day's DayEntry
list; a SiteSnapshot of the whole archive for the website).

Every model is a pydantic model so each stage boundary is validated and every
type serialises to the JSON the CLI prints; the site snapshot's records alone are
plain dataclasses (see there why).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from paperbrief.langs import LANGS, Lang, as_lang

__all__ = ["LANGS", "Lang", "as_lang"]  # re-exported: the language type travels with the models

ReadingSource = Literal["HTML", "PDF", "ArXiv Abs"]

# Where a report's text came from. The reading source label of docs/report-format.md ("HTML",
# "PDF", "ArXiv Abs") is derived from it; `listing_fallback` means arXiv failed and the
# report rests on the Hugging Face abstract only, so the next run reads arXiv again.
Provenance = Literal["arxiv_html", "arxiv_pdf", "export_abstract", "listing_fallback"]
PROVENANCE_OF_SOURCE: dict[str, Provenance] = {"HTML": "arxiv_html", "PDF": "arxiv_pdf", "ArXiv Abs": "export_abstract"}
SOURCE_OF_PROVENANCE: dict[Provenance, ReadingSource] = {
    "arxiv_html": "HTML", "arxiv_pdf": "PDF", "export_abstract": "ArXiv Abs", "listing_fallback": "ArXiv Abs",
}

# Why a paper has no report. Wording for readers lives in paperbrief.messages ("failure.<kind>").
FailureKind = Literal[
    "unread",                # no text at all: arXiv failed and the listing has no abstract
    "endpoint_auth",         # the LLM endpoint rejected the API key (401/403)
    "endpoint_model",        # the endpoint does not know the model, or the URL is wrong (404)
    "endpoint_unreachable",  # the endpoint cannot be reached (connection refused, DNS, TLS)
    "endpoint_error",        # the endpoint kept failing (5xx, other 4xx, an error event)
    "rate_limited",          # the endpoint asked us to wait longer than we will
    "not_sent",              # not sent: the endpoint failed for an earlier paper of the run
    "invalid_answer",        # the answer did not fit the report schema, twice
    "empty_answer",          # the answer was empty
    "refused",               # the model refused
    "wrong_language",        # the report is in the other language
    "cut_off",               # the answer was cut off at max_output_tokens
    "timeout",               # no answer in time
    "broken_stream",         # the streamed answer broke off
    "writer_crashed",        # a bug in our writer on this paper
]
FAILURE_KINDS: tuple[str, ...] = FailureKind.__args__  # type: ignore[attr-defined]
ENDPOINT_FAILURES: frozenset[str] = frozenset({"endpoint_auth", "endpoint_model", "endpoint_unreachable"})


# --- sources ---------------------------------------------------------------


class ListedPaper(BaseModel):
    """One paper as the Hugging Face Daily Papers listing gives it."""

    arxiv_id: str
    title: str
    authors: list[str] = Field(default_factory=list)
    abstract: str = ""
    upvotes: int = 0
    hf_url: str = ""
    github_repo: str | None = None
    project_page: str | None = None
    published_at: str | None = None  # arXiv publication time (ISO-8601)
    submitted_at: str | None = None  # when it reached Daily Papers (ISO-8601)
    keywords: list[str] = Field(default_factory=list)

    def known_links(self) -> list[str]:
        """Links the listing knows for the paper (code, project page)."""
        return [u for u in (self.github_repo, self.project_page) if u]


class DayListing(BaseModel):
    """The Daily Papers of one date, in listing order, plus skipped-item warnings."""

    date: str
    papers: list[ListedPaper] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)


# --- readers ---------------------------------------------------------------


class Section(BaseModel):
    """A heading and the text directly under it (not its subsections' text)."""

    heading: str
    level: int = 1  # 1 section, 2 subsection, 3 subsubsection / paragraph
    text: str = ""
    appendix: bool = False


class Table(BaseModel):
    caption: str = ""
    markdown: str = ""


class Figure(BaseModel):
    caption: str = ""


class Document(BaseModel):
    """A paper's full text as a structured document, whichever source it came from."""

    arxiv_id: str | None = None
    title: str = ""
    authors: list[str] = Field(default_factory=list)
    abstract: str = ""
    sections: list[Section] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)
    footnotes: list[str] = Field(default_factory=list)
    references: list[str] = Field(default_factory=list)
    links: list[str] = Field(default_factory=list)  # http(s) URLs found in the text
    source: ReadingSource = "HTML"

    def full_text(self) -> str:
        """Everything a reader could check a report against, references excluded."""
        parts = [self.arxiv_id or "", self.title, self.abstract]
        for s in self.sections:
            parts.append(s.heading)
            parts.append(s.text)
        parts += [t.caption + "\n" + t.markdown for t in self.tables]
        parts += [f.caption for f in self.figures]
        parts += self.footnotes
        parts += self.links
        return "\n".join(p for p in parts if p)


# --- writer ----------------------------------------------------------------


class LabeledText(BaseModel):
    label: str
    text: str


class Innovation(BaseModel):
    name: str
    detail: str


class Report(BaseModel):
    """The per-paper structured report: the JSON schema of docs/report-format.md."""

    domain: str
    contribution: str
    usage: list[LabeledText] = Field(min_length=1)
    innovations: list[Innovation] = Field(min_length=1)
    results: list[LabeledText] = Field(min_length=1)


class Failure(BaseModel):
    """Why a paper has no report: a kind that code decides on, and a technical detail for people."""

    kind: FailureKind
    detail: str = ""

    def describe(self, lang: str = "en") -> str:
        """One line for a reader, in `lang`: what happened, then the detail."""
        from paperbrief.messages import describe_failure

        return describe_failure(self, lang)


class LLMCall(BaseModel):
    """One request to a language model, as recorded for tokens, cost and debugging."""

    model: str
    prompt_version: str
    tokens_in: int = 0
    tokens_out: int = 0
    cached_tokens: int = 0  # of tokens_in, served from the endpoint's prompt cache (cheaper)
    latency_s: float = 0.0
    outcome: str = "ok"  # ok | invalid | refused | empty | wrong_language | error | timeout
    error: str | None = None


class WrittenReport(BaseModel):
    """A paper's outcome: its report or why it has none (`failure`), where its text came from
    (`provenance`), who wrote it, what it cost, and what the grounding check found."""

    arxiv_id: str | None = None
    provenance: Provenance = "arxiv_html"
    lang: Lang = "zh"
    writer: Literal["llm", "extractive"] = "llm"
    model: str = ""
    prompt_version: str = ""
    report: Report | None = None
    ungrounded_numbers: list[str] = Field(default_factory=list)
    # in the paper, but not where the report puts them (another dataset, metric, model or unit)
    misattributed_numbers: list[str] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)
    tokens_in: int = 0
    tokens_out: int = 0
    cached_tokens: int = 0  # of tokens_in, served from the endpoint's prompt cache
    calls: list[LLMCall] = Field(default_factory=list)
    failure: Failure | None = None  # set when the paper failed; report is then None

    @property
    def failed(self) -> bool:
        return self.report is None

    @property
    def source(self) -> ReadingSource:
        """The reading source label of docs/report-format.md."""
        return SOURCE_OF_PROVENANCE[self.provenance]

    @property
    def error(self) -> str | None:
        """The failure as one English line (for logs and tests), or None."""
        if self.failure is None:
            return None if self.report is not None else "unknown reason"
        return self.failure.describe("en")

    @model_validator(mode="before")
    @classmethod
    def _from_older_versions(cls, data: Any) -> Any:
        """Reports stored before the typed outcome carried `source`, an English `error` sentence and
        pipeline state in `flags` (`unread`, `read_fallback`); read them into today's fields."""
        if not isinstance(data, dict) or ("error" not in data and "source" not in data):
            return data
        data = dict(data)
        flags = [f for f in data.get("flags") or [] if f not in ("unread", "read_fallback")]
        old_flags = set(data.get("flags") or [])
        source = data.pop("source", None)
        error = data.pop("error", None)
        data.pop("title", None)
        if "provenance" not in data:
            provenance = PROVENANCE_OF_SOURCE.get(source or "HTML", "arxiv_html")
            data["provenance"] = "listing_fallback" if "read_fallback" in old_flags else provenance
        if error and "failure" not in data:
            kind = "unread" if "unread" in old_flags else legacy_failure_kind(error)
            data["failure"] = {"kind": kind, "detail": error}
        data["flags"] = flags
        return data

    @model_validator(mode="after")
    def _misattributed_as_written(self) -> WrittenReport:
        """Reports checked before the place check kept the report's spelling list its "12 000" as "12,000":
        read back, every renderer gets the report's spelling (`checks.spelled_as_in`)."""
        if self.report is not None and any("," in n for n in self.misattributed_numbers):
            from paperbrief.checks import report_texts, spelled_as_in  # checks imports this module

            texts = [t.replace("**", "") for _, t in report_texts(self.report)]
            self.misattributed_numbers = list(dict.fromkeys(spelled_as_in(n, texts) for n in self.misattributed_numbers))
        return self


# How the English failure sentences of stored reports map to kinds (read once, when an older
# report is loaded; nothing writes these sentences any more).
_LEGACY_FAILURES: tuple[tuple[str, FailureKind], ...] = (
    ("could not read the paper", "unread"),
    ("not sent:", "not_sent"),
    ("LLM answer invalid twice", "invalid_answer"),
    ("LLM refused", "refused"),
    ("LLM returned an empty answer", "empty_answer"),
    ("LLM answered in", "wrong_language"),
    ("LLM request timed out", "timeout"),
    ("LLM answer broke off", "broken_stream"),
    ("cannot reach the LLM endpoint", "endpoint_unreachable"),
    ("LLM endpoint refused the request: HTTP 401", "endpoint_auth"),
    ("LLM endpoint refused the request: HTTP 403", "endpoint_auth"),
    ("LLM endpoint refused the request: HTTP 404", "endpoint_model"),
    ("LLM endpoint asked to retry", "rate_limited"),
    ("LLM endpoint", "endpoint_error"),
)


def legacy_failure_kind(error: str) -> FailureKind:
    for prefix, kind in _LEGACY_FAILURES:
        if error.startswith(prefix):
            return kind
    return "writer_crashed"



# --- the store's view of a day ---------------------------------------------


class DayEntry(BaseModel):
    """One paper of a stored day: how it was listed and its outcome in one language."""

    paper: ListedPaper
    written: WrittenReport
    # The newest attempt in this language, when it failed and `written` is an earlier, successful
    # report kept from before (another model, prompt or document): the day's files, the e-mail and
    # the chat messages say so (messages.describe_kept), as the website does from the snapshot's
    # `ChosenReport.failed_attempt`.
    failed_attempt: WrittenReport | None = None

    @property
    def read_ok(self) -> bool:
        """False when no text at all could be read (the failure kind `unread`)."""
        return not (self.written.failure is not None and self.written.failure.kind == "unread")


# --- the store's view of the archive (the website) -------------------------------------
# Plain frozen dataclasses, not pydantic models: a snapshot of a year's archive holds
# 100,000 papers read from our own store, and validating them would cost several times the
# reading (the site is rebuilt after every run).


@dataclass(frozen=True, slots=True)
class FailedAttempt:
    """The newest attempt at a paper's report in the site's language, when it failed and its pages show a
    successful report instead: an earlier one in that language (as `DayEntry.failed_attempt`: the pages say it
    was kept), or the other language's when none in the site's succeeded (the pages say that too)."""

    key: str
    created_at: float


@dataclass(frozen=True, slots=True)
class ChosenReport:
    """The report a paper's pages show (successful first, then in the site's language, newest), without its body."""

    key: str
    lang: str
    failed: bool
    created_at: float
    failed_attempt: FailedAttempt | None = None  # the newest attempt in the site's language failed: shown instead


@dataclass(frozen=True, slots=True)
class ReportSummary:
    """What pages about the whole archive show of a chosen report: the home chart, the feed, the site's search."""

    domain: str
    contribution: str
    innovation_names: str  # the innovations' names, space-separated
    results: str  # each result's label and text, space-separated


@dataclass(frozen=True, slots=True)
class ArchivedPaper:
    """A listed paper as the site shows it: the listing's metadata, the days it was listed, its chosen report."""

    arxiv_id: str
    title: str
    authors: tuple[str, ...]
    abstract: str
    hf_url: str
    github_repo: str | None
    project_page: str | None
    upvotes: int  # on its newest listing
    dates: tuple[str, ...]  # the days it was listed, newest first
    report: ChosenReport | None  # None while it has no report at all

    @property
    def written(self) -> bool:
        return self.report is not None and not self.report.failed

    @property
    def failed(self) -> bool:
        return self.report is not None and self.report.failed


@dataclass(frozen=True, slots=True)
class SiteSnapshot:
    """Every listed day and paper of the store, with the report each paper's pages show in `lang`."""

    lang: str
    papers: dict[str, ArchivedPaper]  # newest listing first
    days: dict[str, tuple[str, ...]]  # every stored day: its papers' ids in listing order
    fetched: dict[str, float]  # every stored day: when its listing was stored (epoch seconds)

    def counts(self, day: str) -> tuple[int, int]:
        """(written, failed) among the papers of a day."""
        papers = [self.papers[pid] for pid in self.days[day]]
        return sum(p.written for p in papers), sum(p.failed for p in papers)
