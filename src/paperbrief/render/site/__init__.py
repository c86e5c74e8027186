"""The static website: home page with a domain chart, a page per day and per paper, search, feed.

`build_site(store, out)` renders everything from the store with Jinja (autoescape on, so
titles, authors and LLM text always show as text), into relative links that work on any
static host or sub-path (GitHub Pages). Builds are incremental: each page's inputs are
hashed and kept in `<out>/.paperbrief-site.json`; a page whose hash is unchanged (and whose
file exists) is not rewritten. Home page, feed and search index are rebuilt in memory and
written only when their bytes differ.

One module per kind of page (`home`, `day`, `paper`, `search_page`, `feed`), as datasette
has one view per page; `build` decides what to render, `workers` renders many pages in
forked processes, `manifest` keeps the build's bookkeeping, `safe` makes outside text safe,
`templates` holds the wording and the Jinja environment.
"""

from __future__ import annotations

from paperbrief.render.site.build import BuildReport, build_site
from paperbrief.render.site.manifest import MANIFEST, read_manifest, site_is_stale
from paperbrief.render.site.safe import rich_text, safe_url
from paperbrief.render.site.templates import FORMAT, LABELS

__all__ = ["FORMAT", "LABELS", "MANIFEST", "BuildReport", "build_site", "read_manifest", "rich_text", "safe_url",
           "site_is_stale"]
