"""A codebase that checks itself: the files that code and docs cite exist in the repository.

Docstrings, comments and docs name files (`docs/sources.md §2`, `tests/testdata.py`) and
DEVELOPERS.md names modules; a rename or a fact kept outside the repository would leave them
pointing at nothing. These tests read every Python, Markdown and TOML file of the project.
"""

from __future__ import annotations

import re
from pathlib import Path

import paperbrief.models

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "paperbrief"
SKIP_DIRS = {".venv", "build", "dist", "__pycache__", ".git", ".pytest_cache", ".mypy_cache", ".ruff_cache"}
DATA_DIRS = (ROOT / "tests" / "data", PACKAGE / "replica" / "data")  # test data and served data, not prose
# Files outside the repository by design, found by tests/testdata.py and skipped when absent.
OUTSIDE = {"example-report-2026-02-08.md", "2501.11120v1.html"}

# A repository path: starts with one of the project's folders and ends with a file extension.
REPO_PATH = re.compile(r"(?<![\w./-])((?:docs|src|tests|scripts|bench|fixtures|\.ci)/[\w./-]*\.[a-z]+)\b")
MARKDOWN_NAME = re.compile(r"(?<![\w./<{-])([A-Za-z][\w-]*\.md)\b")


def project_files() -> list[Path]:
    found = []
    for path in ROOT.rglob("*"):
        rel = path.relative_to(ROOT)
        if SKIP_DIRS & set(rel.parts) or any(path.is_relative_to(d) for d in DATA_DIRS) or rel.parts[0].endswith(
                ".egg-info"):
            continue
        if path.is_file() and path.suffix in (".py", ".md", ".toml"):
            found.append(path)
    return found


FILES = project_files()
NAMES = {p.name for p in ROOT.rglob("*") if p.is_file() and not SKIP_DIRS & set(p.relative_to(ROOT).parts)}


def test_the_files_are_found():
    rel = {str(p.relative_to(ROOT)) for p in FILES}
    assert {"README.md", "DEVELOPERS.md", "docs/sources.md", "docs/report-format.md", "src/paperbrief/models.py",
            "tests/test_docs.py", "pyproject.toml"} <= rel


def test_cited_repository_paths_exist():
    missing = []
    for path in FILES:
        for m in REPO_PATH.finditer(path.read_text(encoding="utf-8")):
            cited = m.group(1).rstrip(".")
            if not (ROOT / cited).exists():
                missing.append(f"{path.relative_to(ROOT)} cites {cited}")
    assert missing == []


def test_cited_markdown_files_exist():
    missing = []
    for path in FILES:
        for m in MARKDOWN_NAME.finditer(path.read_text(encoding="utf-8")):
            if m.group(1) not in NAMES and m.group(1) not in OUTSIDE:
                missing.append(f"{path.relative_to(ROOT)} cites {m.group(1)}")
    assert missing == []


def test_the_product_points_nowhere_outside_the_repository():
    outside = [f"{p.relative_to(ROOT)}: {line.strip()}" for p in FILES if p.is_relative_to(PACKAGE)
               for line in p.read_text(encoding="utf-8").splitlines() if re.search(r"\.\./shared|/work/", line)]
    assert outside == []


def test_developers_md_names_modules_that_exist():
    text = (ROOT / "DEVELOPERS.md").read_text(encoding="utf-8")
    modules = {p.name for p in PACKAGE.rglob("*.py")}
    packages = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    named_modules = set(re.findall(r"(?<![\w./-])(\w+\.py)\b", text))
    named_packages = set(re.findall(r"(?<![\w./-])(\w+)/(?=[\s`(])", text))
    named_models = set(re.findall(r"\bmodels\.(\w+)", text))
    assert named_modules >= {"sources.py", "pipeline.py", "config.py", "http.py"}
    assert named_modules - modules - {p.name for p in ROOT.rglob("test_*.py")} == set()
    assert named_packages >= {"readers", "writer", "render", "cli", "replica"}
    assert named_packages - packages - {p.name for p in ROOT.iterdir() if p.is_dir()} == set()
    assert named_models >= {"Document", "WrittenReport"}
    assert {n for n in named_models if not hasattr(paperbrief.models, n)} == set()
