"""How well the number check tells a right number in the wrong place from a right one.

Reads the labelled report sentences of tests/data/number-places.json (correct, misattributed
and invented numbers about the replica's fixture papers: a "tuning" set used while building
the check, a "held-out" set written afterwards (its first result is in docs/decisions.md; one
round of general fixes followed), and a "fresh" set written after that round and never used to
change the check), and a "blind" set written from the papers before a further round and recorded at
its first run (a part of it is about the real arXiv page, read from outside the repository as
tests/testdata.py finds it, and skipped when it is absent), and a "final" set written by someone who
never read the check, while round 3 was made (its first run after round 3 is the honest figure for text
the check had not seen; round 4 used it for development, docs/decisions.md), and a "final-2" set written
the same way during round 4 and run once after it (its first run was the unseen figure; round 5 used it,
and "final", for development), and a "final-3" set written the same way during round 5, its labels
re-judged by another session, whose first run after round 5 was the unseen figure (round 6 used it), and a
"final-4" set written the same way during round 6, labelled again blind by another session, whose first run
after round 6 was the unseen figure (round 7 used it), a "final-5" set written and labelled the same way
during round 7 (round 8 used it), and a "final-6" set written and labelled the same way during round 8, whose
first run after it is the current unseen figure), reads each paper from the replica
as `paperbrief read` would, runs the grounding check on a one-sentence report, and prints:

- recall: the share of misattributed numbers flagged (misattributed or ungrounded), and of
  invented ones flagged;
- the false-flag rate: the share of correct numbers flagged at all;
- precision of the `misattributed` flag: the share of numbers it flags that are labelled so;
- for each set and for all of them;
- the CPU time to index each paper's places (the real page is the large one) and to check the items;
- with --show, every item the check gets wrong.

    python bench/bench_numbers.py [--show]

Target (issue 11): at least 90% of misattributed numbers flagged with at most 5% of correct
numbers flagged.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from paperbrief.checks import ungrounded_numbers
from paperbrief.models import Document, Innovation, LabeledText, Report
from paperbrief.places import PaperPlaces, misattributed_numbers

ROOT = Path(__file__).resolve().parents[1]
LABELLED = ROOT / "tests" / "data" / "number-places.json"
SETS = ("tuning", "held-out", "fresh", "blind", "final", "final-2", "final-3", "final-4", "final-5", "final-6")


def load_items() -> list[dict[str, Any]]:
    return json.loads(LABELLED.read_text("utf-8"))["items"]


def real_page() -> tuple[str, Path | None]:
    """The real arXiv page's id and file (None when this machine does not have it), as tests/testdata.py finds it."""
    sys.path.insert(0, str(ROOT / "tests"))
    import testdata

    return testdata.REAL_PAGE_ID.split("v")[0], testdata.REAL_PAGE


def read_papers(ids: set[str]) -> dict[str, Document]:
    """The papers as the replica serves them, read with the product's reader; the real arXiv page
    read with the HTML reader from its file, when this machine has it (its items are skipped otherwise)."""
    from paperbrief.config import Settings
    from paperbrief.readers import read
    from paperbrief.readers.html import parse_html
    from paperbrief.replica import Replica

    docs: dict[str, Document] = {}
    real_id, real_file = real_page()
    if real_id in ids and real_file is not None:
        docs[real_id] = parse_html(real_file.read_bytes(), arxiv_id=real_id)
    with tempfile.TemporaryDirectory() as home, Replica(services=("arxiv",)) as r:
        settings = Settings(arxiv_url=r.url, arxiv_export_url=r.url + "/api/query", arxiv_delay=0, home=Path(home))
        for arxiv_id in sorted(ids - {real_id}):
            docs[arxiv_id] = read(arxiv_id, settings)
    return docs


def one_sentence_report(text: str) -> Report:
    return Report(domain="-", contribution="-", usage=[LabeledText(label="-", text="-")],
                  innovations=[Innovation(name="-", detail="-")], results=[LabeledText(label="结果", text=text)])


_LEADING_NUMBER = re.compile(r"\d[\d,]*(?: \d{3})*(?:\.\d+)?")


def _value(written: str) -> str | None:
    """The leading number of an item or a flag, without thousands separators ("12 000 条" -> "12000")."""
    m = _LEADING_NUMBER.match(written.replace("**", "").lstrip("~约≈ "))
    return m.group().replace(",", "").replace(" ", "") if m else None


def _flagged(number: str, found: list[str]) -> bool:
    """Whether the check flagged the item's number: the same spelling, or the same leading value written with
    other words after it (the item's "64 次迭代" flagged as "64 次", "16000+ 个" as "16000")."""
    plain = number.replace("**", "")
    if any(plain == f or plain.startswith(f + " ") or f.startswith(plain) for f in found):
        return True
    value = _value(plain)
    return value is not None and any(_value(f) == value for f in found)


def evaluate(items: list[dict[str, Any]], docs: dict[str, Document],
             places: dict[str, PaperPlaces] | None = None) -> dict[str, Any]:
    """Per-label counts of flagged items, the headline figures, and the items judged wrongly
    (items about a paper not in `docs`, the real page on a machine without it, are left out)."""
    items = [i for i in items if i["paper"] in docs]
    places = places or {pid: PaperPlaces(doc) for pid, doc in docs.items() if any(i["paper"] == pid for i in items)}
    counts: Counter[str] = Counter()
    flagged: Counter[str] = Counter()
    misattributed_flags: Counter[str] = Counter()
    wrong: list[tuple[str, dict[str, Any], list[str], list[str]]] = []
    for item in items:
        doc = docs[item["paper"]]
        report = one_sentence_report(item["text"])
        ungrounded = ungrounded_numbers(report, doc.full_text())
        misplaced = [n for n in misattributed_numbers(report, doc, places[item["paper"]]) if n not in ungrounded]
        is_flagged = _flagged(item["number"], ungrounded) or _flagged(item["number"], misplaced)
        label = item["label"]
        counts[label] += 1
        flagged[label] += is_flagged
        if _flagged(item["number"], misplaced):
            misattributed_flags[label] += 1
        if is_flagged != (label != "correct"):
            wrong.append((label, item, ungrounded, misplaced))
    all_misattributed_flags = sum(misattributed_flags.values())
    return {
        "counts": dict(counts),
        "flagged": dict(flagged),
        "misattributed_recall": flagged["misattributed"] / max(counts["misattributed"], 1),
        "invented_recall": flagged["invented"] / max(counts["invented"], 1),
        "correct_flagged": flagged["correct"] / max(counts["correct"], 1),
        "misattributed_precision": misattributed_flags["misattributed"] / max(all_misattributed_flags, 1),
        "wrong": wrong,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print every item the check gets wrong")
    args = parser.parse_args()
    items = load_items()
    t0 = time.perf_counter()
    docs = read_papers({i["paper"] for i in items})
    t1 = time.perf_counter()
    real_id, _real_file = real_page()
    print(f"reading {len(docs)} papers (the replica's, and the real arXiv page: "
          f"{'yes' if real_id in docs else 'absent, its items skipped'}): {t1 - t0:.2f} s")
    places: dict[str, PaperPlaces] = {}
    cpu: dict[str, float] = {}
    for pid, doc in docs.items():
        c0 = time.process_time()
        places[pid] = PaperPlaces(doc)
        cpu[pid] = time.process_time() - c0
    fixtures = [t for pid, t in cpu.items() if pid != real_id]
    print(f"indexing places (CPU): {sum(fixtures) * 1000:.0f} ms for {len(fixtures)} fixture papers "
          f"(at most {max(fixtures) * 1000:.0f} ms)" + (f", {cpu[real_id] * 1000:.0f} ms for the real page "
                                                         f"({len(docs[real_id].full_text()):,} characters)"
                                                         if real_id in cpu else ""))
    for name, subset in [*((s, [i for i in items if i.get("set") == s]) for s in SETS), ("all", items)]:
        t1 = time.process_time()
        result = evaluate(subset, docs, places)
        t2 = time.process_time()
        c, f = result["counts"], result["flagged"]
        subset = [i for i in subset if i["paper"] in docs]
        print(f"\n{name} set: {len(subset)} numbers ({c.get('correct', 0)} correct, "
              f"{c.get('misattributed', 0)} misattributed, {c.get('invented', 0)} invented), checked in "
              f"{(t2 - t1) * 1000:.0f} ms of CPU")
        print(f"  misattributed numbers flagged (recall): {f.get('misattributed', 0):>3}/{c.get('misattributed', 0):<3} "
              f"{result['misattributed_recall']:6.1%}   target >= 90%")
        if c.get("invented"):
            print(f"  invented numbers flagged (recall):      {f.get('invented', 0):>3}/{c.get('invented', 0):<3} "
                  f"{result['invented_recall']:6.1%}")
        print(f"  correct numbers flagged (false flags):  {f.get('correct', 0):>3}/{c.get('correct', 0):<3} "
              f"{result['correct_flagged']:6.1%}   target <= 5%")
        print(f"  precision of the misattributed flag:            {result['misattributed_precision']:6.1%}")
        if args.show and name != "all":
            for label, item, ungrounded, misplaced in result["wrong"]:
                print(f"    [{label}] {item['paper']} {item['number']!r}: {item['text']}  "
                      f"(ungrounded {ungrounded}, misattributed {misplaced})")


if __name__ == "__main__":
    main()
