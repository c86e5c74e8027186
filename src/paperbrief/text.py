"""The one sanitiser for text that enters paperbrief from outside (listing, readers, LLM answers, settings).

    title = clean_text(raw, max_len=TITLE_MAX, what="the title of 2601.00001")

What it guarantees for the returned string:

- it is valid Unicode: a lone surrogate (which UTF-8, SQLite and the terminal refuse) becomes U+FFFD;
- it holds no NUL, no other C0 control character, no DEL and no C1 control character (ESC
  sequences can't reach a terminal, feedgen accepts it); tab and newline are kept only with
  `keep_newlines=True` (CR and CRLF become LF), otherwise every run of whitespace is one space;
- it is at most `max_len` characters: longer text is cut, ends in "…", and a one-line warning
  says what was cut (into `warnings` when given, else the log).

Markup-looking text is text: nothing here strips or unescapes tags or entities. Escaping is the
job of whatever renders the text (the site's templates, the Markdown writer, email, chat).
"""

from __future__ import annotations

import logging
import re
from typing import Any

log = logging.getLogger(__name__)

# Caps on one field, in characters (far beyond anything real; they stop a 10 MB "title").
TITLE_MAX = 1_000
NAME_MAX = 300  # one author name, one keyword
ABSTRACT_MAX = 20_000
HEADING_MAX = 1_000
CAPTION_MAX = 10_000
SECTION_MAX = 2_000_000  # one section's text
REFERENCE_MAX = 5_000
URL_MAX = 2_000
LIST_MAX = 2_000  # authors, keywords, links, references of one paper
SETTING_MAX = 2_000  # one string setting

_SURROGATE = re.compile("[\ud800-\udfff]")
# C0 controls but tab, LF and CR; DEL; C1 controls.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_ALL = re.compile("[\x00-\x1f\x7f-\x9f]")
_WS = re.compile(r"\s+")
_CR = re.compile(r"\r\n?")


def fix_surrogates(text: str) -> str:
    """`text` with lone surrogates replaced by U+FFFD (a valid pair becomes its character)."""
    if _SURROGATE.search(text) is None:
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def strip_controls(text: str) -> str:
    """`text` without NUL, C0 (but tab, LF, CR), DEL and C1 control characters."""
    return _CONTROL.sub("", text) if _CONTROL.search(text) else text


def clean_text(
    value: Any,
    *,
    max_len: int | None = None,
    keep_newlines: bool = False,
    what: str = "a text",
    warnings: list[str] | None = None,
) -> str:
    """`value` as safe text (see the module docstring); anything but a str becomes ""."""
    if not isinstance(value, str) or not value:
        return ""
    text = fix_surrogates(value)
    if keep_newlines:
        text = _CR.sub("\n", text)
        text = strip_controls(text)
    else:
        text = _WS.sub(" ", strip_controls(text)).strip()
    if max_len is not None and len(text) > max_len:
        message = f"{what} is {len(text):,} characters long; kept the first {max_len:,}"
        if warnings is not None:
            warnings.append(message)
        else:
            log.warning(message)
        text = text[: max_len - 1].rstrip() + "…"
    return text


def clean_list(values: Any, *, max_items: int = LIST_MAX, what: str = "a list", warnings: list[str] | None = None,
               **kw: Any) -> list[str]:
    """Each string of `values` cleaned (empty ones and non-strings dropped), at most `max_items` of them."""
    if not isinstance(values, (list, tuple)):
        return []
    out = [t for t in (clean_text(v, what=f"an item of {what}", warnings=warnings, **kw) for v in values) if t]
    if len(out) > max_items:
        message = f"{what} has {len(out):,} items; kept the first {max_items:,}"
        if warnings is not None:
            warnings.append(message)
        else:
            log.warning(message)
        out = out[:max_items]
    return out


def has_controls(text: str) -> bool:
    """True when `text` holds any control character (tab and newline too) or a lone surrogate."""
    return _CONTROL_ALL.search(text) is not None or _SURROGATE.search(text) is not None


def clean_document(doc: Any) -> Any:
    """A reader's Document with every text field cleaned and capped (in place; returned for chaining)."""
    name = doc.arxiv_id or "the paper"
    doc.title = clean_text(doc.title, max_len=TITLE_MAX, what=f"the title of {name}")
    doc.authors = clean_list(doc.authors, max_len=NAME_MAX, what=f"the authors of {name}")
    doc.abstract = clean_text(doc.abstract, max_len=ABSTRACT_MAX, keep_newlines=True, what=f"the abstract of {name}")
    for s in doc.sections:
        s.heading = clean_text(s.heading, max_len=HEADING_MAX, what=f"a heading of {name}")
        s.text = clean_text(s.text, max_len=SECTION_MAX, keep_newlines=True, what=f"a section of {name}")
    for t in doc.tables:
        t.caption = clean_text(t.caption, max_len=CAPTION_MAX, what=f"a table caption of {name}")
        t.markdown = clean_text(t.markdown, max_len=SECTION_MAX, keep_newlines=True, what=f"a table of {name}")
    for f in doc.figures:
        f.caption = clean_text(f.caption, max_len=CAPTION_MAX, what=f"a figure caption of {name}")
    doc.footnotes = clean_list(doc.footnotes, max_len=CAPTION_MAX, what=f"the footnotes of {name}")
    doc.references = clean_list(doc.references, max_len=REFERENCE_MAX, what=f"the references of {name}")
    doc.links = clean_list(doc.links, max_len=URL_MAX, what=f"the links of {name}")
    return doc
