"""Numbers in the right place: a value the paper has, but attached there to something else."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from paperbrief.checks import check_report
from paperbrief.models import Document, Innovation, LabeledText, Report, Section, Table, WrittenReport
from paperbrief.places import PaperPlaces, misattributed_numbers
from paperbrief.render.markdown import paper_body_markdown

PAPER = Document(
    arxiv_id="2602.00001",
    title="FastThing: Faster Generation",
    abstract=("We present FastThing. On Toys4K it reaches an F-Score of 92.59, compared with 92.34 for SAM3D. "
              "On ALFWorld and WebShop, FastThing improves the base model by 19.6 and 6.9 points."),
    sections=[
        Section(heading="4 Experiments", text=(
            "With Qwen2.5-7B, our method improves over GRPO by 2.6% on AIME24 and 9.0% on AIME25. "
            "On HotpotQA accuracy rises by 2.8 points. All runs use 8 NVIDIA A100 GPUs. "
            "We evaluate on three datasets.")),
    ],
    tables=[Table(caption="Table 1: Speedup on MT-Bench and HumanEval.",
                  markdown="| Method | MT-Bench | HumanEval |\n|---|---|---|\n| Medusa | 1.92 | 2.05 |\n| FastThing | 2.18 | 2.41 |")],
)


def report(*results: str) -> Report:
    return Report(domain="-", contribution="-", usage=[LabeledText(label="-", text="-")],
                  innovations=[Innovation(name="-", detail="-")],
                  results=[LabeledText(label="结果", text=t) for t in results])


@pytest.mark.parametrize("text", [
    "在 Toys4K 上 F-Score 为 **92.59**，SAM3D 为 92.34。",
    "FastThing 在 MT-Bench 上加速 2.18 倍，在 HumanEval 上加速 2.41 倍。",
    "在 ALFWorld 上提升 19.6 个百分点，在 WebShop 上提升 6.9 个百分点。",
    "在 AIME24 上比 GRPO 提升 2.6%，在 AIME25 上提升 9.0%。",
    "在 HotpotQA 上准确率提升 2.8 个百分点。",
    "使用 8 张 A100 GPU，在 3 个数据集上评测。",
    "On ALFWorld, FastThing improves the base model by 19.6 points.",
])
def test_numbers_in_their_place_pass(text):
    assert misattributed_numbers(report(text), PAPER) == []


@pytest.mark.parametrize(("text", "flagged"), [
    ("在 HumanEval 上加速 **2.18** 倍。", ["2.18 倍"]),  # the table's MT-Bench column
    ("Medusa 在 MT-Bench 上加速 2.18 倍。", ["2.18 倍"]),  # FastThing's row
    ("在 WebShop 上提升 19.6 个百分点。", ["19.6 个百分点"]),  # "On ALFWorld and WebShop ... 19.6 and 6.9"
    ("在 AIME25 上比 GRPO 提升 2.6%。", ["2.6%"]),  # "2.6% on AIME24"
    ("在 ALFWorld 上 F-Score 为 92.59。", ["92.59"]),  # Toys4K's
    ("在 HotpotQA 上准确率提升 2.8%。", ["2.8%"]),  # the paper says points, not percent
    ("SAM3D 的 F-Score 为 92.59。", ["92.59"]),  # 92.59 is FastThing's; SAM3D's is 92.34
    ("使用 4 张 A100 GPU。", ["4 张"]),  # the paper counts 8
    ("在 5 个数据集上评测。", ["5 个"]),  # and three datasets
])
def test_numbers_in_the_wrong_place_are_flagged(text, flagged):
    assert misattributed_numbers(report(text), PAPER) == flagged


def test_a_number_the_paper_lacks_is_left_to_the_ungrounded_check():
    assert misattributed_numbers(report("在 MT-Bench 上加速 3.5 倍。"), PAPER) == []


def test_check_report_lists_misattributed_apart_from_ungrounded_and_not_for_extracts():
    written = WrittenReport(report=report("在 HumanEval 上加速 2.18 倍，在 MT-Bench 上加速 3.5 倍。"))
    checked = check_report(written, PAPER)
    assert checked.ungrounded_numbers == ["3.5 倍"] and checked.misattributed_numbers == ["2.18 倍"]
    extract = check_report(written.model_copy(update={"writer": "extractive"}), PAPER)
    assert extract.misattributed_numbers == []


def test_misattributed_numbers_are_marked_and_explained_in_markdown():
    written = WrittenReport(report=report("在 HumanEval 上加速 **2.18** 倍，F-Score 51%。"),
                            ungrounded_numbers=["51%"], misattributed_numbers=["2.18 倍"])
    body = paper_body_markdown(written, "zh")
    assert "在 HumanEval 上加速 **2.18** 倍⚠，F-Score 51%⚠。" in body
    assert body.rstrip().endswith(
        "> ⚠ 以下数字未能在论文原文中找到，请核对：51%\n\n"
        "> ⚠ 以下数字在论文中出现，但不在报告所说的位置（数据集、指标、模型或单位不符），请核对：2.18 倍")
    en = paper_body_markdown(written.model_copy(update={"lang": "en"}), "en")
    assert "> ⚠ Numbers the paper gives for something else (another dataset, metric, model or unit), please check: 2.18 倍" in en


def test_places_of_a_table_cell_and_of_a_sentence():
    places = PaperPlaces(PAPER)
    from decimal import Decimal

    [cell] = places.occurrences[Decimal("2.18")]
    assert cell.specific == "FastThing\nMT-Bench" and "Speedup on MT-Bench" in cell.place
    assert cell.others.splitlines() == ["Medusa", "HumanEval"]
    [prose] = places.occurrences[Decimal("2.6")]
    assert prose.unit == "percent" and "AIME24" in [prose.place[a:b] for a, b in prose.bound_here]
    assert "AIME25" in [prose.place[a:b] for a, b in prose.bound_elsewhere]


def _bench():
    path = Path(__file__).resolve().parents[1] / "bench" / "bench_numbers.py"
    spec = importlib.util.spec_from_file_location("bench_numbers", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_labelled_set_meets_the_target_where_it_was_built_and_stays_useful_on_unseen_sentences():
    """Issue 11's target (>= 90% of misattributed numbers flagged, <= 5% of correct ones) on the tuning
    set; on the sentences written after the check was built, and on the "blind" set (written before
    the last round of changes, partly about the real arXiv page), the figures measured when this
    test was last changed (docs/decisions.md) must not get worse."""
    bench = _bench()
    items = bench.load_items()
    docs = bench.read_papers({i["paper"] for i in items})
    tuning = bench.evaluate([i for i in items if i["set"] == "tuning"], docs)
    assert tuning["misattributed_recall"] >= 0.90 and tuning["correct_flagged"] <= 0.05
    assert tuning["invented_recall"] == 1.0
    earlier = bench.evaluate([i for i in items if i["set"] != "blind"], docs)
    assert earlier["counts"] == {"correct": 152, "misattributed": 103, "invented": 8}
    assert earlier["flagged"]["misattributed"] >= 90 and earlier["flagged"]["correct"] <= 5
    real_id, real_file = bench.real_page()
    blind = [i for i in items if i["set"] == "blind"]
    fixtures = bench.evaluate([i for i in blind if i["paper"] != real_id], docs)
    assert fixtures["counts"] == {"correct": 60, "misattributed": 35, "invented": 6}
    assert fixtures["flagged"]["misattributed"] >= 26 and fixtures["flagged"]["correct"] <= 8
    assert fixtures["invented_recall"] == 1.0
    if real_file is not None:  # the real arXiv page, outside the repository
        real = bench.evaluate([i for i in blind if i["paper"] == real_id], docs)
        assert real["counts"] == {"correct": 50, "misattributed": 23, "invented": 2}
        assert real["flagged"]["misattributed"] >= 6 and real["flagged"]["correct"] <= 7


def test_a_bare_number_in_a_column_of_rates_may_be_written_with_percent_but_not_a_fraction():
    paper = Document(arxiv_id="2602.00002", title="Agent", abstract="", tables=[
        Table(caption="Table 1: Success rate on Sokoban and score on 2048.",
              markdown="| Model | 2048 | Sokoban success |\n|---|---|---|\n| GPT-4o | 2415.6 | 47.0 |\n| Ours | 2611.3 | 52.0 |"),
        Table(caption="Table 2: Acceptance rate.",
              markdown="| Model | Acceptance rate |\n|---|---|\n| GPT-4o | 0.25 |\n| Ours | 0.31 |")])
    assert misattributed_numbers(report("GPT-4o 在 Sokoban 上的成功率为 47.0%，Ours 为 52.0%。"), paper) == []
    assert misattributed_numbers(report("GPT-4o 在 2048 上的得分为 2415.6%。"), paper) == ["2415.6%"]
    assert misattributed_numbers(report("GPT-4o 的接受率为 0.25%。"), paper) == ["0.25%"]
