"""Find and load the committed replica fixtures (HF listings, arXiv pages, PDFs).

The files live in `replica/data/` and are made by `scripts/make_fixtures.py`:

    data/hf/<date>.json                 Daily Papers listing of a day (JSON array of items)
    data/arxiv/manifest.json            arxiv id -> {"html": file|"template"|null, "pdf": file|"generated"|null,
                                                     "version": N, "base_href": bool, "categories": [...]}
    data/arxiv/html/<id>.html           raw LaTeXML output (the replica adds arXiv's chrome)
    data/arxiv/html/template.html       LaTeXML page with placeholder tokens, filled per paper
    data/arxiv/pdf/<id>.pdf             pdflatex output

What a reader should find in each fixture paper (the test oracles) is test data, kept in
`tests/data/expected/`, not here.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def data_path(*parts: str) -> Path:
    """The path of a file under the replica's data folder."""
    return DATA_DIR.joinpath(*parts)


@cache
def _manifest() -> dict[str, dict]:
    return json.loads(data_path("arxiv", "manifest.json").read_text(encoding="utf-8"))


def manifest() -> dict[str, dict]:
    """arxiv id -> {"html": file | "template" | None, "pdf": file | "generated" | None, "version": N, ...} (a copy)."""
    return {k: dict(v) for k, v in _manifest().items()}


def html_fixture_ids() -> list[str]:
    """Ids whose HTML is a hand-written LaTeXML fixture (not the filled-in template)."""
    return sorted(k for k, v in _manifest().items() if v.get("html") not in (None, "template"))


def template_ids() -> list[str]:
    """Ids whose HTML is the LaTeXML template filled with the listing's metadata."""
    return sorted(k for k, v in _manifest().items() if v.get("html") == "template")


def pdf_fixture_ids() -> list[str]:
    """Ids whose PDF is a committed pdflatex fixture file."""
    return sorted(k for k, v in _manifest().items() if v.get("pdf") not in (None, "generated"))


def generated_pdf_ids() -> list[str]:
    """Ids whose PDF the replica writes from the listing metadata (replica/pdfgen.py)."""
    return sorted(k for k, v in _manifest().items() if v.get("pdf") == "generated")


def pdf_only_ids() -> list[str]:
    """Ids with a PDF but no HTML (the reader must fall back to the PDF)."""
    return sorted(k for k, v in _manifest().items() if v.get("pdf") and not v.get("html"))


def abstract_only_ids() -> list[str]:
    """Ids with neither HTML nor PDF (the reader must fall back to the abstract)."""
    return sorted(k for k, v in _manifest().items() if not v.get("pdf") and not v.get("html"))


def listing_dates() -> list[str]:
    """The dates that have a committed Daily Papers listing, oldest first."""
    return sorted(p.stem for p in data_path("hf").glob("*.json"))


def listing(date: str) -> list[dict]:
    """The committed Daily Papers items of `date` (a fresh copy); [] when there is no file."""
    path = data_path("hf", f"{date}.json")
    if not path.exists():
        return []
    return json.loads(path.read_text(encoding="utf-8"))


def html_fixture(name: str) -> str:
    """The raw LaTeXML HTML of a fixture file named in the manifest (or "template.html")."""
    return data_path("arxiv", "html", name).read_text(encoding="utf-8")


def pdf_fixture(name: str) -> bytes:
    return data_path("arxiv", "pdf", name).read_bytes()
