"""The site's wording, its Jinja environment and the version of its templates and static files."""

from __future__ import annotations

import hashlib
from importlib import resources

from jinja2 import Environment, PackageLoader, select_autoescape

from paperbrief.langs import LANGS
from paperbrief.messages import FIELDS, field_name, msg, section
from paperbrief.render.site.safe import rich_text

FORMAT = 4  # bump when the page layout changes in a way templates alone do not show (4: failure reasons)

# The site's wording comes from the one catalog: its own `site.*` messages plus the report's
# section headings, as one dict per language for the templates.
LABELS: dict[str, dict[str, str]] = {
    lang: {**section("site", lang), **{f: field_name(f, lang) for f in FIELDS}, "colon": msg("colon", lang)}
    for lang in LANGS
}


def environment() -> Environment:
    """Jinja with autoescape on (titles, authors and LLM text always show as text) and the `rich` filter."""
    env = Environment(
        loader=PackageLoader("paperbrief", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["rich"] = rich_text
    return env


def site_version() -> str:
    """A hash of the layout format, templates and static files, so changing them rebuilds every page."""
    h = hashlib.sha1(str(FORMAT).encode())
    for folder in ("templates", "static"):
        for entry in sorted(resources.files("paperbrief").joinpath(folder).iterdir(), key=lambda e: e.name):
            if entry.is_file():
                h.update(entry.name.encode())
                h.update(entry.read_bytes())
    return h.hexdigest()[:16]


def static_file(name: str) -> bytes:
    """One of the site's static files (site.css, search.js), as shipped in the package."""
    return resources.files("paperbrief").joinpath("static", name).read_bytes()
