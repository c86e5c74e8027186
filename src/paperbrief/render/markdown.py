"""Markdown of one paper: the five numbered sections of docs/report-format.md, in one consistent style.

Numbers the grounding check could not find in the paper, or found only attached to
something else, get a trailing `⚠` (e.g. `50%⚠`) and are listed in a one-line note per
kind at the end of the body, followed by one line per grounding flag (as the website and
the e-mail list them). An extractive report starts with a note saying it is an extract, not
a summary, and one written from the listing's abstract (arXiv could not be read) says so; a
failed paper gets a short block saying what failed and why.

Text is text: a title or report that says `<think>` would vanish in a Markdown viewer (it is
read as an HTML tag), so tag-like `<` and entity-like `&` outside math are backslash-escaped
(`\\<think>` shows as `<think>`); `x<y` and `a & b` stay as they are.
"""

from __future__ import annotations

import re

from paperbrief.langs import LANGS, text_language
from paperbrief.messages import describe_failed, describe_flag, field_name, msg
from paperbrief.models import WrittenReport
from paperbrief.render.mathtext import tidy_math

HF_PAPERS = "https://huggingface.co/papers"
MARK = "⚠"

FIELDS = ("domain", "contribution", "usage", "innovations", "results")
HEAD_COLON = {"zh": "：", "en": ":"}


def _lang(lang: str) -> str:
    return lang if lang in LANGS else "zh"


def _one_line(text: str) -> str:
    return re.sub(r"\s*\n\s*", " ", text).strip()


_MATH_SPAN = re.compile(r"(\$\$.+?\$\$|\$[^$\n]+\$)")
# what CommonMark reads as raw HTML: <tag ...>, </tag>, <!...>, <?...>
_TAG_LIKE = re.compile(r"<(?=/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|![^<>]*>|\?[^<>]*>)")
_ENTITY_LIKE = re.compile(r"&(?=#?[A-Za-z0-9]+;)")


def md_safe(text: str) -> str:
    """`text` for a Markdown line: tag-like `<` and entity-like `&` escaped, math spans untouched."""
    if "<" not in text and "&" not in text:
        return text
    parts = _MATH_SPAN.split(text)
    return "".join(
        p if i % 2 else _ENTITY_LIKE.sub(r"\\&", _TAG_LIKE.sub(r"\\<", p)) for i, p in enumerate(parts)
    )


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


def number_notes(written: WrittenReport, lang: str = "zh") -> list[str]:
    """The sentences that list a report's numbers not found in the paper, then those found only next to
    something else (each kind as the report writes them); every renderer shows these."""
    lang = _lang(lang)
    sep = msg("list_sep", lang)
    return [msg(key, lang, numbers=sep.join(found)) for key, found in (
        ("flag.ungrounded", written.ungrounded_numbers), ("flag.misattributed", written.misattributed_numbers)) if found]


def extract_note(written: WrittenReport, lang: str = "zh") -> str:
    """The line that opens an extract; a Chinese one says when the quoted sentences are English."""
    lang = _lang(lang)
    report = written.report
    quoted = " ".join([report.contribution, *(r.text for r in report.results)]) if report else ""
    english = lang == "zh" and bool(quoted) and text_language(quoted) == "en"
    return msg("md.extract_en" if english else "md.extract", lang)


def paper_body_markdown(written: WrittenReport, lang: str = "zh") -> str:
    """The per-paper body: five numbered sections, or a short failure block."""
    lang = _lang(lang)
    report = written.report
    if report is None:
        return msg("md.warning", lang, note=md_safe(describe_failed(written, lang))) + "\n"
    h = [field_name(f, lang) for f in FIELDS]
    c, hc = msg("colon", lang), HEAD_COLON[lang]
    nums = written.ungrounded_numbers + written.misattributed_numbers

    def txt(s: str) -> str:
        return md_safe(mark_numbers(tidy_math(_one_line(s)), nums))

    def bullets(items: list[tuple[str, str]]) -> str:
        return "\n".join(f"   *   **{md_safe(_one_line(label))}**{c}{txt(text)}" for label, text in items)

    blocks = [
        f"1. **{h[0]}**{hc}\n   {txt(report.domain)}",
        f"2. **{h[1]}**{hc}\n   {txt(report.contribution)}",
        f"3. **{h[2]}**{hc}\n" + bullets([(u.label, u.text) for u in report.usage]),
        f"4. **{h[3]}**{hc}\n" + bullets([(i.name, i.detail) for i in report.innovations]),
        f"5. **{h[4]}**{hc}\n" + bullets([(r.label, r.text) for r in report.results]),
    ]
    if written.provenance == "listing_fallback":
        blocks.insert(0, msg("md.note", lang, note=msg("provenance.listing_fallback", lang)))
    if written.writer == "extractive":
        blocks.insert(0, extract_note(written, lang))
    blocks += [msg("md.warning", lang, note=note) for note in number_notes(written, lang)]
    blocks += [msg("md.warning", lang, note=md_safe(describe_flag(f, lang))) for f in written.flags]
    return "\n\n".join(blocks) + "\n"


def paper_markdown(title: str, arxiv_id: str, source: str, written: WrittenReport, lang: str = "zh",
                   note: str = "") -> str:
    """One paper's block of the daily file: title, link, reading source, an optional note line, body."""
    lang = _lang(lang)
    page_id = re.sub(r"v\d+$", "", arxiv_id.strip())  # Hugging Face pages have no version suffix
    link = f"- **{msg('md.link', lang)}**: {HF_PAPERS}/{page_id}\n" if page_id else ""  # a local file has no page
    return (
        f"## 📄 {md_safe(_one_line(title))}\n\n"
        f"{link}"
        f"- **{msg('md.source', lang)}**: {source}\n\n"
        + (f"{note}\n\n" if note else "")
        + paper_body_markdown(written, lang)
    )
