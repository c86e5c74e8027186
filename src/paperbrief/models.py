"""The named types that flow between the pipeline's stages.

sources -> ListedPaper / DayListing
readers -> Document
writer  -> Report (the per-paper JSON schema of report-format.md) inside a WrittenReport
checks  -> fills WrittenReport.ungrounded_numbers and .flags
store / render consume all of the above.

Every model is a pydantic model so each stage boundary is validated and every
type serialises to the JSON the CLI prints.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

ReadingSource = Literal["HTML", "PDF", "ArXiv Abs"]
Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")


def as_lang(value: str) -> Lang:
    """`value` as a report language; ValueError naming the choices for anything else."""
    for lang in LANGS:
        if value == lang:
            return lang
    raise ValueError(f"language must be zh or en, not {value!r}")


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
    """The per-paper structured report: the JSON schema of report-format.md."""

    domain: str
    contribution: str
    usage: list[LabeledText] = Field(min_length=1)
    innovations: list[Innovation] = Field(min_length=1)
    results: list[LabeledText] = Field(min_length=1)


class LLMCall(BaseModel):
    """One request to a language model, as recorded for tokens, cost and debugging."""

    model: str
    prompt_version: str
    tokens_in: int = 0
    tokens_out: int = 0
    latency_s: float = 0.0
    outcome: str = "ok"  # ok | invalid | refused | empty | wrong_language | error | timeout
    error: str | None = None


class WrittenReport(BaseModel):
    """A report for one paper with its provenance and grounding results."""

    arxiv_id: str | None = None
    title: str = ""
    source: ReadingSource = "HTML"
    lang: Lang = "zh"
    writer: Literal["llm", "extractive"] = "llm"
    model: str = ""
    prompt_version: str = ""
    report: Report | None = None
    ungrounded_numbers: list[str] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)
    tokens_in: int = 0
    tokens_out: int = 0
    calls: list[LLMCall] = Field(default_factory=list)
    error: str | None = None  # set when the paper failed; report is then None

    @property
    def failed(self) -> bool:
        return self.report is None
