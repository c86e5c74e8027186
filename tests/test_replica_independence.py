"""The replica is test infrastructure: it imports nothing of the product outside `paperbrief.replica`.

A replica that used the product's own code (its number finder, its token estimate, its readers)
would agree with the code it is meant to check by construction. These tests read every replica
module's imports, and import the whole replica in a fresh interpreter to see what it loads.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import paperbrief.replica

REPLICA_DIR = Path(paperbrief.replica.__file__).resolve().parent
MODULES = sorted(REPLICA_DIR.glob("*.py"))


def imported_names(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every import of a file; relative imports resolved against paperbrief.replica."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = "paperbrief.replica" if node.level == 1 else "paperbrief"
                names.append((node.lineno, f"{base}.{node.module}" if node.module else base))
            else:
                names.append((node.lineno, node.module or ""))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("paperbrief."):
            names.append((node.lineno, node.value))  # importlib.import_module("paperbrief....") and the like
    return names


def is_product(module: str) -> bool:
    return (module == "paperbrief" or module.startswith("paperbrief.")) and not (
        module == "paperbrief.replica" or module.startswith("paperbrief.replica."))


def test_the_check_sees_a_product_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import json\nfrom paperbrief.checks import numbers_in\nfrom .. import config\n"
                   "from paperbrief.replica import fixtures\n", encoding="utf-8")
    assert [(line, m) for line, m in imported_names(bad) if is_product(m)] == [
        (2, "paperbrief.checks"), (3, "paperbrief")]


def test_no_replica_module_imports_the_product():
    assert {p.name for p in MODULES} >= {"server.py", "hf.py", "arxiv.py", "llm.py", "fixtures.py", "pdfgen.py"}
    found = [f"{p.name}:{line} imports {m}" for p in MODULES for line, m in imported_names(p) if is_product(m)]
    assert found == []


def test_importing_the_replica_loads_nothing_of_the_product():
    modules = [f"paperbrief.replica.{p.stem}" for p in MODULES if p.stem != "__init__"]
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "from paperbrief.replica import Replica\n"
        "with Replica() as r:\n"
        "    import httpx\n"
        "    body = {'messages': [{'role': 'user', 'content': '<paper>\\nTitle: T\\n\\n## Abstract\\nWe gain 2.5%.\\n</paper>'}]}\n"
        "    assert httpx.post(r.url + '/v1/chat/completions', json=body).status_code == 200\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('paperbrief'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60).stdout
    loaded = json.loads(out)
    assert "paperbrief.replica.llm" in loaded
    assert [m for m in loaded if is_product(m) and m != "paperbrief"] == []
