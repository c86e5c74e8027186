"""Outside text made safe for the site: report text as limited HTML, links only when http(s).

Titles, authors and abstracts go through Jinja's autoescape. Report text may carry inline
Markdown (bold key numbers, code, links), so it goes through markdown-it (raw HTML disabled)
and nh3 (a short list of tags, http(s) links only); plain text is escaped with its bare URLs
linked. Nothing else from the text survives.
"""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from paperbrief.render.mathtext import tidy_math

_MD = MarkdownIt("commonmark", {"html": False})
_MD_CHARS = re.compile(r"[*_`\[]")
_URL = re.compile(r"https?://[^\s<>\"'(){}\[\]（）【】「」『』，。；、！？]+")
_ALLOWED_TAGS = {"strong", "em", "code", "a", "sub", "sup"}


def rich_text(text: str | None) -> Markup:
    """LLM text as safe HTML: inline Markdown (bold, code, links) and bare URLs become markup.

    Text with Markdown characters goes through markdown-it (raw HTML disabled) and nh3;
    plain text is escaped and its http(s) URLs linked. Nothing else from the text survives.
    """
    text = tidy_math(text or "")
    if _MD_CHARS.search(text):
        def angle(m: re.Match[str]) -> str:
            url = m.group().rstrip(".,;:!?")
            return f"<{url}>" + m.group()[len(url) :]

        html = _MD.renderInline(_URL.sub(angle, text))
        return Markup(
            nh3.clean(html, tags=_ALLOWED_TAGS, attributes={"a": {"href"}}, url_schemes={"http", "https"},
                      link_rel="noopener noreferrer nofollow")
        )
    out, pos = [], 0
    for m in _URL.finditer(text):
        url = m.group().rstrip(".,;:!?")
        out.append(escape(text[pos : m.start()]))
        out.append(Markup('<a href="{0}" rel="noopener noreferrer nofollow">{0}</a>').format(url))
        pos = m.start() + len(url)
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def safe_url(url: str | None) -> str | None:
    """Only http(s) URLs are linked (never javascript: or data:)."""
    url = (url or "").strip()
    return url if re.match(r"https?://", url, re.IGNORECASE) else None
