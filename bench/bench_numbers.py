"""How well the number check tells a right number in the wrong place from a right one.

Reads the labelled report sentences of tests/data/number-places.json (correct, misattributed
and invented numbers about the replica's fixture papers: a "tuning" set used while building
the check, a "held-out" set written afterwards (its first result is in docs/decisions.md; one
round of general fixes followed), and a "fresh" set written after that round and never used to
change the check), reads each paper from the replica
as `paperbrief read` would, runs the grounding check on a one-sentence report, and prints:

- recall: the share of misattributed numbers flagged (misattributed or ungrounded), and of
  invented ones flagged;
- the false-flag rate: the share of correct numbers flagged at all;
- precision of the `misattributed` flag: the share of numbers it flags that are labelled so;
- for the tuning set, the held-out set and both;
- with --show, every item the check gets wrong.

    python bench/bench_numbers.py [--show]

Target (issue 11): at least 90% of misattributed numbers flagged with at most 5% of correct
numbers flagged.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from paperbrief.checks import ungrounded_numbers
from paperbrief.models import Document, Innovation, LabeledText, Report
from paperbrief.places import PaperPlaces, misattributed_numbers

LABELLED = Path(__file__).resolve().parents[1] / "tests" / "data" / "number-places.json"


def load_items() -> list[dict[str, Any]]:
    return json.loads(LABELLED.read_text("utf-8"))["items"]


def read_papers(ids: set[str]) -> dict[str, Document]:
    """The papers as the replica serves them, read with the product's reader."""
    from paperbrief.config import Settings
    from paperbrief.readers import read
    from paperbrief.replica import Replica

    docs: dict[str, Document] = {}
    with tempfile.TemporaryDirectory() as home, Replica(services=("arxiv",)) as r:
        settings = Settings(arxiv_url=r.url, arxiv_export_url=r.url + "/api/query", arxiv_delay=0, home=Path(home))
        for arxiv_id in sorted(ids):
            docs[arxiv_id] = read(arxiv_id, settings)
    return docs


def one_sentence_report(text: str) -> Report:
    return Report(domain="-", contribution="-", usage=[LabeledText(label="-", text="-")],
                  innovations=[Innovation(name="-", detail="-")], results=[LabeledText(label="结果", text=text)])


def _flagged(number: str, found: list[str]) -> bool:
    plain = number.replace("**", "")
    return any(plain == f or plain.startswith(f + " ") or f.startswith(plain) for f in found)


def evaluate(items: list[dict[str, Any]], docs: dict[str, Document]) -> dict[str, Any]:
    """Per-label counts of flagged items, the headline figures, and the items judged wrongly."""
    places = {pid: PaperPlaces(doc) for pid, doc in docs.items()}
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
    print(f"reading {len(docs)} papers from the replica: {t1 - t0:.2f} s")
    for name, subset in (("tuning", [i for i in items if i.get("set") == "tuning"]),
                         ("held-out", [i for i in items if i.get("set") == "held-out"]),
                         ("fresh", [i for i in items if i.get("set") == "fresh"]),
                         ("all", items)):
        t1 = time.perf_counter()
        result = evaluate(subset, docs)
        t2 = time.perf_counter()
        c, f = result["counts"], result["flagged"]
        print(f"\n{name} set: {len(subset)} numbers ({c.get('correct', 0)} correct, "
              f"{c.get('misattributed', 0)} misattributed, {c.get('invented', 0)} invented), checked in "
              f"{(t2 - t1) * 1000:.0f} ms")
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
