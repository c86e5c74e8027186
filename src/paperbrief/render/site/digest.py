"""A page per stored digest (week or month), the home page's list of them, and their feed entries.

Citations link to the paper's page on the site (or on Hugging Face for a paper the site lacks);
the chart is `render.digest.digest_chart`, inline SVG with every text escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from paperbrief.digest import Digest, stored_digests
from paperbrief.messages import msg, section
from paperbrief.render.site.overview import HF_PAPERS, notes, sentences
from paperbrief.store import Store


@dataclass
class DigestPage:
    path: str  # digests/<period>.html
    period: str
    title: str
    updated: float
    html: bytes
    summary: str  # the feed entry's text


def digest_pages(store: Store, env: Any, L: dict[str, str], lang: str, base_url: str,
                 site_papers: set[str]) -> list[DigestPage]:
    """Every stored digest in `lang` as a page (newest period first)."""
    digests = sorted(stored_digests(store, lang), key=lambda d: (d.end, d.kind == "week"), reverse=True)
    template = env.get_template("digest.html")
    pages = []
    for d in digests:
        path = f"digests/{d.period}.html"
        view = digest_view(d, site_papers)
        html = template.render(L=L, D=section("digest", lang), O=section("overview", lang), root="../", d=d, v=view,
                               canonical=f"{base_url}{path}" if base_url else None).encode("utf-8")
        summary = " ".join(f"{c['title']}：{c['text']}" if lang == "zh" and c["title"] else
                           f"{c['title']}: {c['text']}" if c["title"] else c["text"] for c in view["themes"])
        pages.append(DigestPage(path, d.period, view["title"], d.created_at, html,
                                summary or msg("digest.papers_value", lang, papers=d.papers, written=d.written)))
    return pages


def digest_view(d: Digest, site_papers: set[str]) -> dict[str, Any]:
    from paperbrief.render.digest import digest_chart, field_series

    def link(aid: str) -> str:
        return f"../papers/{aid}.html" if aid in site_papers else f"{HF_PAPERS}/{aid}"

    lang = d.lang
    prev = f"{msg(f'digest.prev_{d.kind}', lang)} {d.previous}"
    cur = f"{msg(f'digest.this_{d.kind}', lang)} {d.period}"
    return {
        "title": msg(f"digest.title_{d.kind}", lang, period=d.period),
        "themes_heading": msg(f"digest.themes_{d.kind}", lang),
        "themes": sentences(d.synthesis, link) if d.synthesis.kind == "llm" else [],
        "notes": notes(d.synthesis, lang, "digest"),
        "no_themes": d.synthesis.kind != "llm" and not d.synthesis.error,
        "link": link,
        "prev": prev,
        "cur": cur,
        "chart": Markup(digest_chart(d)) if d.fields else None,
        "legend": list(field_series(d.fields, prev, cur, msg("overview.other_field", lang)).colours.items()),
        "sep": msg("list_sep", lang),
    }
