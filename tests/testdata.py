"""Test data that is not the replica's: the readers' oracles and the real arXiv page.

- `tests/data/expected/<id>.expected.json`: what a reader should find in the replica's fixture
  paper `<id>` (written by `scripts/make_fixtures.py` from the LaTeX source, checked against the
  generated HTML). The replica serves the papers; these files judge the readers.
- The real arXiv HTML page (2501.11120v1) lives outside the repository and is never copied into
  it: `$PAPERBRIEF_REAL_PAGE`, else `shared/data/arxiv-html/2501.11120v1.html` in the first
  folder above the repository that has it. Tests that need it skip when it is absent.
- The reference daily report (docs/report-format.md) is found the same way:
  `$PAPERBRIEF_EXAMPLE_REPORT`, else `shared/reference/example-report-2026-02-08.md`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXPECTED_DIR = ROOT / "tests" / "data" / "expected"
REAL_PAGE_ID = "2501.11120v1"


def expected_ids() -> list[str]:
    """Ids that have an `<id>.expected.json` oracle."""
    return sorted(p.name.removesuffix(".expected.json") for p in EXPECTED_DIR.glob("*.expected.json"))


def load_expected(arxiv_id: str) -> dict:
    """What a reader should extract from the replica's fixture of `arxiv_id`."""
    path = EXPECTED_DIR / f"{arxiv_id}.expected.json"
    if not path.exists():
        raise FileNotFoundError(f"no expected file for {arxiv_id}; known: {', '.join(expected_ids())}")
    return json.loads(path.read_text(encoding="utf-8"))


def _outside_file(env_var: str, *relative: str) -> Path | None:
    """`$env_var` if set (None when it names no file), else `relative` under the first folder above the repo."""
    env = os.environ.get(env_var)
    if env:
        return Path(env) if Path(env).is_file() else None
    for folder in ROOT.parents:
        candidate = folder.joinpath(*relative)
        if candidate.is_file():
            return candidate
    return None


REAL_PAGE: Path | None = _outside_file("PAPERBRIEF_REAL_PAGE", "shared", "data", "arxiv-html", f"{REAL_PAGE_ID}.html")
"""The real arXiv page, or None when this machine does not have it."""
EXAMPLE_REPORT: Path | None = _outside_file("PAPERBRIEF_EXAMPLE_REPORT", "shared", "reference",
                                            "example-report-2026-02-08.md")
"""The reference daily report, or None when this machine does not have it."""
