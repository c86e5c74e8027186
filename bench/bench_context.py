"""How much of each paper the model reads: full-text tokens, context tokens, numbers kept.

For every HTML fixture (and the real arXiv page when present, found as tests/testdata.py
says) this prints the estimated tokens of the full text, the tokens of the context built within the
default budget (PAPERBRIEF_TOKEN_BUDGET minus the prompt) and within a small budget
(4000 by default), what was dropped, the share of the full text's numbers (from
tables and from results/experiments sections) that the context still contains, the
share of the tables the kept text cites that the context keeps ("cited"), and the
tokens spent on figure captions ("capt").

    python bench/bench_context.py [--budget N] [--small N]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

from paperbrief.checks import PaperNumbers, normalise_latex, numbers_in
from paperbrief.config import Settings
from paperbrief.models import Document
from paperbrief.readers.html import parse_html
from paperbrief.writer.context import build_context, cited_labels, label_of, section_kind
from paperbrief.writer.prompts import overhead_tokens
from paperbrief.writer.tokens import estimate_tokens

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from testdata import REAL_PAGE

RESULTS = re.compile(r"experiment|result|evaluat|benchmark|comparison|ablation", re.I)


def documents() -> list[tuple[str, Document]]:
    from paperbrief.replica import fixtures

    docs = []
    try:
        manifest = fixtures.manifest()
        for arxiv_id in fixtures.html_fixture_ids():
            path = fixtures.data_path("arxiv", "html", manifest[arxiv_id]["html"])
            if path.exists():
                docs.append((arxiv_id, parse_html(path.read_bytes(), arxiv_id=arxiv_id)))
    except FileNotFoundError:
        print("(no HTML fixtures found)", file=sys.stderr)
    if REAL_PAGE is not None:
        docs.append(("2501.11120v1*", parse_html(REAL_PAGE.read_bytes(), arxiv_id="2501.11120v1")))
    return docs


def result_numbers(doc: Document, main_only: bool = False) -> set[tuple]:
    """(value, unit class) of the numbers in the tables and in results/experiments sections.

    main_only: only the tables the main text cites (appendix tables are dropped first by design).
    """
    if main_only:
        from paperbrief.writer.context import _parts

        texts = [p.text for p in _parts(doc, ()) if p.kind == "table" and p.main]
    else:
        texts = [t.caption + "\n" + t.markdown for t in doc.tables]
    inside = False
    for s in doc.sections:
        if s.level <= 1:
            inside = bool(RESULTS.search(s.heading)) and not s.appendix and section_kind(s.heading) == "body"
        if inside or (RESULTS.search(s.heading) and not s.appendix):
            texts.append(s.text)
    return {(v, c) for t in texts for _, v, c in numbers_in(normalise_latex(t))}


def kept(numbers: set[tuple], context: str) -> float:
    if not numbers:
        return 1.0
    index = PaperNumbers(context)
    return sum(1 for v, c in numbers if index.has(v, c)) / len(numbers)


_OWN_LABEL = re.compile(r"^(?:\[|- )(?:Table|Tab\.|表|Figure|Fig\.|图)\s*[A-Z]?\d+", re.M)


def cited_tables_kept(doc: Document, context: str) -> tuple[int, int]:
    """(kept, cited): the paper's tables that the context's own text cites, and how many of them it holds."""
    labels = {label_of(t.caption): t for t in doc.tables if label_of(t.caption)}
    cited = {lab for lab in cited_labels(_OWN_LABEL.sub("", context)) if lab in labels}
    kept = sum(1 for lab in cited if f"[{labels[lab].caption.strip()}]" in context)
    return kept, len(cited)


def caption_tokens(context: str) -> int:
    """Estimated tokens of the figure captions the context holds."""
    block = context.split("## Figure captions", 1)
    return estimate_tokens(block[1].split("\n## ", 1)[0]) if len(block) == 2 else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=int, default=Settings().token_budget, help="context budget (default: the setting)")
    parser.add_argument("--small", type=int, default=4000, help="a small budget to show the trimming")
    parser.add_argument("--lang", default="zh")
    args = parser.parse_args()
    budgets = [args.budget - overhead_tokens(args.lang), args.small - overhead_tokens(args.lang)]
    docs = documents()
    print(f"budgets for the paper block: {budgets[0]} (of {args.budget}) and {budgets[1]} (of {args.small}); "
          f"prompt around it ~{overhead_tokens(args.lang)} tokens")
    header = f"{'paper':<16}{'chars':>9}{'full tok':>10}{'chars/tok':>10}{'numbers':>9}{'main':>6}"
    for b in (args.budget, args.small):
        header += f" | {'ctx@' + str(b):>10}{'kept':>6}{'main':>6}{'cited':>7}{'capt':>6}{'ms':>7}  dropped"
    print(header)
    for name, doc in docs:
        full = doc.full_text()
        full_tokens = estimate_tokens(full)
        numbers, main = result_numbers(doc), result_numbers(doc, main_only=True)
        line = f"{name:<16}{len(full):>9}{full_tokens:>10}{len(full) / max(full_tokens, 1):>10.2f}{len(numbers):>9}{len(main):>6}"
        for budget in budgets:
            t0 = time.perf_counter()
            ctx = build_context(doc, budget)
            ms = (time.perf_counter() - t0) * 1000
            dropped = ",".join(ctx.dropped) + ("+trimmed" if ctx.trimmed else "") or "-"
            k, c = cited_tables_kept(doc, ctx.text)
            cited = f"{k}/{c}" if c else "-"
            line += (f" | {ctx.tokens:>10}{kept(numbers, ctx.text):>6.0%}{kept(main, ctx.text):>6.0%}{cited:>7}"
                     f"{caption_tokens(ctx.text):>6}{ms:>7.1f}  {dropped}")
        print(line)
    print("numbers: distinct numbers of all tables and results sections; main: without the tables the main text "
          "does not cite; kept: share of them the context still contains; cited: tables the context's own text "
          "cites that it also holds; capt: tokens of figure captions in the context")
    if any(n.endswith("*") for n, _ in docs):
        print("* the real arXiv page (outside the repository; see tests/testdata.py)")


if __name__ == "__main__":
    main()
