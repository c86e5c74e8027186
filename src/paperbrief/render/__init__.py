"""Rendering: per-paper and daily Markdown (markdown.py), the day's files (day.py), and the other outputs."""


def page_name(arxiv_id: str) -> str:
    """The site's file name (without .html) of a paper's page: old-style ids (hep-th/9901001) have a
    slash, which would put the page one folder deeper and break its relative links, so it becomes "_"
    (no arXiv id has one). static/search.js applies the same rule."""
    return arxiv_id.replace("/", "_")
