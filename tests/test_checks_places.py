"""Numbers in the right place: a value the paper has, but attached there to something else."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from paperbrief.checks import check_report
from paperbrief.models import Document, Figure, Innovation, LabeledText, Report, Section, Table, WrittenReport
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


@pytest.mark.parametrize("text", [
    "Table 2 reports the mean over all tasks.",
    "As Section 3 reports, FastThing reaches 2.18 on MT-Bench.",
])
def test_the_number_of_a_table_is_a_reference_not_a_count(text):
    # "Table 2 reports" counts no reports, though the paper counts its reports (3) and its tables
    paper = PAPER.model_copy(update={"sections": [
        *PAPER.sections, Section(heading="5 Study", text="Three annotators wrote 3 reports and 2 tables per task.")]})
    assert misattributed_numbers(report(text), paper) == []
    assert misattributed_numbers(report("The annotators wrote 5 reports per task."), paper) == ["5 reports"]


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
        "> ⚠ 以下数字论文中有，但未在报告所指的数据集、指标、模型或单位旁找到，可能张冠李戴，请核对：2.18 倍")
    en = paper_body_markdown(written.model_copy(update={"lang": "en"}), "en")
    assert "> ⚠ Numbers the paper has, but not next to the dataset, metric, model or unit the report ties them to; they may belong to something else, please check: 2.18 倍" in en


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
    set and on all four sets together; on each part, the figures measured when this test was last
    changed (docs/decisions.md, "round 8") must not get worse. The blind set (its real-page part
    included) stays short of the target on misattributions: its floors are what was measured; so does
    the final set, written by someone who never saw the check (a development set since round 4), and
    final-2, written the same way (a development set since round 5), and final-3, written the same way during
    round 5 (a development set since round 6), final-4, written the same way during round 6 (a development set
    since round 7), final-5, written the same way during round 7 (a development set since round 8), and final-6,
    written the same way during round 8 and the unseen figure after it."""
    bench = _bench()
    items = bench.load_items()
    docs = bench.read_papers({i["paper"] for i in items})
    tuning = bench.evaluate([i for i in items if i["set"] == "tuning"], docs)
    assert tuning["misattributed_recall"] >= 0.90 and tuning["correct_flagged"] <= 0.05
    assert tuning["invented_recall"] == 1.0
    earlier = bench.evaluate([i for i in items if i["set"] in ("tuning", "held-out", "fresh")], docs)
    assert earlier["counts"] == {"correct": 152, "misattributed": 103, "invented": 8}
    assert earlier["flagged"]["misattributed"] >= 100 and earlier["flagged"]["correct"] == 0
    real_id, real_file = bench.real_page()
    blind = [i for i in items if i["set"] == "blind"]
    fixtures = bench.evaluate([i for i in blind if i["paper"] != real_id], docs)
    assert fixtures["counts"] == {"correct": 60, "misattributed": 35, "invented": 6}
    assert fixtures["flagged"]["misattributed"] == 35 and fixtures["flagged"]["correct"] == 0
    assert fixtures["invented_recall"] == 1.0
    if real_file is not None:  # the real arXiv page, outside the repository
        real = bench.evaluate([i for i in blind if i["paper"] == real_id], docs)
        assert real["counts"] == {"correct": 50, "misattributed": 23, "invented": 2}
        assert real["flagged"]["misattributed"] >= 17 and real["flagged"]["correct"] == 0
        developed = bench.evaluate([i for i in items if i["set"] in ("tuning", "held-out", "fresh", "blind")], docs)
        assert developed["misattributed_recall"] >= 0.90 and developed["correct_flagged"] <= 0.05
    for name, part, counts, flagged_at_least, false_at_most in UNSEEN_FLOORS:
        if part == "real page" and real_file is None:
            continue
        chosen = [i for i in items if i["set"] == name and (i["paper"] == real_id) == (part == "real page")]
        got = bench.evaluate(chosen, docs)
        assert got["counts"] == counts, (name, part)
        assert got["flagged"]["misattributed"] >= flagged_at_least, (name, part, got["flagged"])
        assert got["flagged"]["correct"] <= false_at_most, (name, part, got["flagged"])
        assert got["invented_recall"] == 1.0, (name, part)


# The sets written by sessions that never read the check, each while a round of changes was being made and run
# once after it (docs/decisions.md has every first run; the target is NOT met on any of them). Later rounds used
# each for development; these are the figures after round 8, as floors (misattributed numbers flagged) and
# ceilings (correct numbers flagged), per part: the fixture papers and the real arXiv page.
# - final (first run after round 3: 47/64 flagged, 17/88 false);
# - final-2 (after round 4: 42/57, 2/77; fixtures 32/42 and 1/58, real page 10/15 and 1/19);
# - final-3 (after round 5: 52/71, 7/78; 42/48 and 3/52, 10/23 and 4/26), labels re-judged by another session.
#   Its 45: since LaTeX's "\rho=0.5" reads as "ρ=0.5", a report's "ρ=0.5" is the paper's value of that symbol
#   and passes, though one item gives it to the mesh decoder rather than the latent generator (46 after round 6);
# - final-4 (after round 6: 51/68, 9/82; 39/46 and 7/54, 12/22 and 2/28), labelled again blind, all the same;
# - final-5 (after round 7: 54/74, 12/87; 39/46 and 5/55, 15/28 and 7/32), labelled again blind, all the same;
# - final-6 (after round 8, the current unseen figure: 48/69, 3/81; 37/47 and 1/54, 11/22 and 2/27), labelled
#   again blind, 162 of 163 the same (the other dropped).
UNSEEN_FLOORS = [
    ("final", "fixtures", {"correct": 62, "misattributed": 43, "invented": 5}, 42, 1),
    ("final", "real page", {"correct": 26, "misattributed": 21, "invented": 3}, 18, 3),
    ("final-2", "fixtures", {"correct": 58, "misattributed": 42, "invented": 5}, 41, 0),
    ("final-2", "real page", {"correct": 19, "misattributed": 15, "invented": 2}, 13, 1),
    ("final-3", "fixtures", {"correct": 52, "misattributed": 48, "invented": 8}, 45, 0),
    ("final-3", "real page", {"correct": 26, "misattributed": 23, "invented": 4}, 12, 3),
    ("final-4", "fixtures", {"correct": 54, "misattributed": 46, "invented": 8}, 43, 1),
    ("final-4", "real page", {"correct": 28, "misattributed": 22, "invented": 4}, 13, 1),
    ("final-5", "fixtures", {"correct": 55, "misattributed": 46, "invented": 8}, 40, 2),
    ("final-5", "real page", {"correct": 32, "misattributed": 28, "invented": 4}, 16, 5),
    ("final-6", "fixtures", {"correct": 54, "misattributed": 47, "invented": 8}, 37, 1),
    ("final-6", "real page", {"correct": 27, "misattributed": 22, "invented": 4}, 11, 2),
]

GRAMMAR = Document(
    arxiv_id="2602.00003",
    title="Shortcut: Fast Decoding",
    abstract=("On LLaMA-3.1-8B and Qwen3 models, Shortcut accelerates decoding by 4.9x on average on Qwen3-8B. "
              "Adjusted membership inference scores reach an AUC of 0.849 compared with 0.730 for the unadjusted scores. "
              "Barriers reduce mutual understanding by 45% and raise confusion by 50%. "
              "It lowers event time error, and uses about 65% fewer tokens than full simulations. "
              "It matches ColBERTv2 on BEIR (nDCG@10 of 49.8 versus 49.9). "
              "On FLEURS the sparse model lowers the average word error rate from 11.4% to 9.8%. "
              "With Qwen2.5-7B it gains over GRPO by 2.6% on AIME24 and 9.0% on AIME25; with Qwen3-30B, "
              "the gains are 14.6% and 8.1%. It gains 1.6% over GSPO and 0.5% over DAPO on MathVista. "
              "On ALFWorld and τ²-Bench, it improves the base model by 19.6 and 6.9 points. "
              "Used as a warm-up before policy RL, it adds 7.7 and 5.7 points over policy RL alone."),
    sections=[Section(heading="Setup", text=("We use a 6-digit SEP code starting with 392 or 718. "
                                             "It runs on a single A100 GPU and distills ImageNet-1K in 1.5 hours and ImageNet-21K in 5.83 hours. "
                                             "It improves average accuracy over standard training by nearly 5%. "
                                             "The baseline runs 3.2x slower. TRLOO trains more stably than GRPO. "
                                             "Hacking checks reduce the cheating rate from about 20% to about 3%."))],
    tables=[Table(caption="Table 1: Finetuning details.",
                  markdown="| Experiment | Epochs | # Runs |\n|---|---|---|\n| Risk | 3 | 5 |\n| Myopia | 3 | 3 |\n| Apples | 10 | 3 |")],
)


@pytest.mark.parametrize(("text", "flagged"), [
    ("Shortcut 在 Qwen3-8B 上平均加速 4.9 倍。", []),
    ("Shortcut 在 LLaMA-3.1-8B 上平均加速 4.9 倍。", ["4.9 倍"]),  # the number's own setting is Qwen3-8B
    ("调整后的成员推断分数 AUC 为 0.849，未调整的为 0.730。", []),
    ("调整后的成员推断分数 AUC 为 0.730。", ["0.730"]),  # the sentence's subject owns 0.849 only
    ("未调整的成员推断分数 AUC 为 0.849。", ["0.849"]),
    ("困惑度上升 50%。", []),
    ("障碍使相互理解下降 50%。", ["50%"]),  # the paper's 50% is what rises
    ("误差降低约 65%。", ["65%"]),  # 65% counts tokens
    ("SEP 码以 392 或 718 开头。", []),  # "6-digit" binds nothing
    ("在 Risk 实验中重复微调 5 次。", []),  # the table's # Runs column, Risk row
    ("在 Myopia 实验中重复微调 5 次。", ["5 次"]),  # Myopia has 3 runs
    ("ColBERTv2 在 BEIR 上的 nDCG@10 为 49.9。", []),
    ("ColBERTv2 在 BEIR 上的 nDCG@10 为 49.8。", ["49.8"]),  # the verb's object owns the second number
    ("It matches ColBERTv2 on BEIR with an nDCG@10 of 49.8.", []),  # the report's object owns nothing
    ("稀疏模型的平均词错误率从 11.4% 降至 9.8%。", []),
    ("稀疏模型的平均词错误率为 9.8%。", []),
    ("稀疏模型的平均词错误率为 11.4%。", ["11.4%"]),  # the change's subject owns its result only
    ("相比标准训练基线（Baseline），平均准确率提升了近 5%。", []),  # an English gloss names nothing more
    ("相比 Baseline 平均准确率提升了近 5%。", ["5%"]),  # a name, not a gloss: the paper's 5% is not the baseline's
    ("可完成 ImageNet-1K 甚至 ImageNet-21K 的蒸馏（ImageNet-21K 仅需 5.83 小时）。", []),
    ("在 ImageNet-1K 上仅需 5.83 小时。", ["5.83 小时"]),
    ("在 Qwen3-30B 上，AIME24 与 AIME25 分别提升 14.6% 和 8.1%。", []),  # the earlier list's settings, in order
    ("在 Qwen3-30B 上，AIME25 提升 14.6%。", ["14.6%"]),
    ("在 AIME25 上比 GRPO 提升 9.0%。", []),  # the baseline named once holds for the list
    ("在 AIME24 上比 GRPO 提升 9.0%。", ["9.0%"]),
    ("在 MathVista 上比 GSPO 提升 1.6%。", []),  # the trailing setting holds for both baselines
    ("在 MathVista 上比 DAPO 提升 1.6%。", ["1.6%"]),
    ("作为策略 RL 的预热，在 ALFWorld 和 τ²-Bench 上分别额外带来 7.7 和 5.7 个百分点。", []),  # the list before
    ("作为策略 RL 的预热，在 τ²-Bench 上额外带来 7.7 个百分点。", ["7.7 个百分点"]),  # 7.7 is ALFWorld's
    ("引入 Hacking Check 后，作弊率降至 3% 左右；使用 GSPO 训练更稳定。", []),  # a new statement
    ("引入 Hacking Check 后，作弊率降至 3% 左右，使用 GSPO 时。", ["3%"]),  # its context
])
def test_grammar_and_table_rows_decide_whose_number_it_is(text, flagged):
    assert misattributed_numbers(report(text), GRAMMAR) == flagged



def test_an_abbreviation_of_hyphenated_words_is_known():
    text = "We propose Length-Unbiased Sequence Policy Optimization (LUSPO) and Group Relative Policy Optimization (GRPO)."
    assert PaperPlaces._aliases(text) == {"luspo": "Length-Unbiased Sequence Policy Optimization",
                                          "grpo": "Group Relative Policy Optimization"}


COMPARED = Document(
    arxiv_id="2602.00004",
    title="Quick: Sparse Updates",
    abstract=("On Toys4K, Quick reaches a speedup of 2.41 with an F-Score of 89.90, compared with 90.05 for SAM3D. "
              "Its parameter updates are ×2.67 sparser than world-model SFT. "
              "It gains 1.6% over GRPO and 0.5% over GSPO on MathVista."),
)


@pytest.mark.parametrize(("text", "flagged"), [
    ("On Toys4K, Quick reaches a speedup of 2.41 over SAM3D.", []),  # the paper states no baseline for 2.41
    ("在 Toys4K 上，Quick 的加速比为 2.41，高于 SAM3D。", []),
    ("在 Toys4K 上 F-Score 为 90.05，高于 SAM3D。", ["90.05"]),  # 90.05 is SAM3D's own
    ("Quick 的参数更新比 WM-SFT 稀疏 2.67 倍。", []),  # WM-SFT abbreviates "world-model SFT"
    ("Quick 的参数更新比 SAM3D 稀疏 2.67 倍。", ["2.67 倍"]),  # the paper's baseline for 2.67 is another
    ("Quick 的参数更新比 RL-SFT 稀疏 2.67 倍。", []),  # a name the paper never uses cannot be judged
    ("在 MathVista 上比 GSPO 提升 0.5%。", []),
    ("在 MathVista 上相比 GSPO 提升 1.6%。", ["1.6%"]),  # 1.6% is over GRPO
])
def test_what_a_report_compares_a_number_with_must_be_its_baseline_only_where_the_paper_gives_one(text, flagged):
    assert misattributed_numbers(report(text), COMPARED) == flagged


HEADERS = Document(
    arxiv_id="2602.00005",
    title="Talk: Dialogue Games",
    abstract="We play dialogue games with codewords and report consistent success by task.",
    tables=[Table(caption="Table 1: Game statistics per codeword.",
                  markdown=("| Codeword | Win | No codeword | Correct guess |\n|---|---|---|---|\n"
                            "| Ring | 17.07% | 42.12% | 18.27% |\n| Spring | 66.00% | 12.56% | 17.25% |")),
            Table(caption="Table 2: Consistent success by task type.",
                  markdown="| Model | Disamb. | Halluc. |\n|---|---|---|\n| GPT-5 | 46.8 | 52.4 |")],
)


@pytest.mark.parametrize(("text", "flagged"), [
    ("codeword “spring” 的胜率最高，达到 66.00%。", []),  # "Codeword" heads the rows: "No codeword" is no better
    ("For “spring”, the No codeword outcome accounts for 17.25% of the dialogues.", ["17.25%"]),  # written out
    ("codeword “ring” 的胜率为 18.27%。", ["18.27%"]),
    ("GPT-5 在 disambiguation 任务上的一致成功率为 46.8%。", []),  # "Disamb." is the word cut short
    ("GPT-5 在 disambiguation 任务上的一致成功率为 52.4%。", ["52.4%"]),
])
def test_table_headers_are_read_as_headers(text, flagged):
    assert misattributed_numbers(report(text), HEADERS) == flagged


OWN = Document(
    arxiv_id="2602.00006",
    title="Breaking the Graph: Traversal for Retrieval",
    abstract=("We propose TravNet, a traversal framework. Bar-Net reaches 60.1 on MuSiQue. "
              "On MuSiQue it reaches a Recall@5 of 64.9%, and on HoVer it improves the joint success rate by 18.7% "
              "relative to HippoRAG 2."),
)


@pytest.mark.parametrize(("text", "flagged"), [
    ("在 MuSiQue 上，TravNet 的 Recall@5 达到 64.9%。", []),  # "it" in the paper is what it introduced
    ("在 MuSiQue 上，Bar-Net 的 Recall@5 达到 64.9%。", ["64.9%"]),  # a baseline is not "it"
    ("On HoVer, TravNet raises the joint success rate by 18.7% over HippoRAG 2.", []),
    ("On HoVer, TravNet raises the joint success rate by 18.7 points over HippoRAG 2.", ["18.7"]),  # % is not points
])
def test_the_papers_it_is_its_own_method_and_points_are_not_percent(text, flagged):
    assert misattributed_numbers(report(text), OWN) == flagged


CONTRASTED = Document(
    arxiv_id="2602.00007",
    title="Context Forcing: Long Video Generation",
    abstract=("Context Forcing achieves an effective context of more than 20 seconds, compared with 1.5 to 9.2 "
              "seconds for methods such as LongLive. Our retriever V-Retrver improves accuracy by up to 23.0% over "
              "non-agentic retrievers, 4.9 points above the strongest baseline, U-MARVEL-7B."),
    tables=[Table(caption="Table 1: Game statistics per codeword. Column “All” denotes the number of generated dialogues.",
                  markdown="| Codeword | All | Win |\n|---|---|---|\n| Bark | 4100 | 1100 |\n| Ring | 5905 | 1008 |")],
)


@pytest.mark.parametrize(("text", "flagged"), [
    ("Context Forcing 的有效上下文长度超过 20 秒。", []),
    ("Context Forcing 的有效上下文长度为 9.2 秒。", ["9.2 秒"]),  # the contrasted part is LongLive's
    ("LongLive 的有效上下文最长为 9.2 秒。", []),
    ("For the codeword “bark”, 4100 dialogues were generated in total.", []),  # the caption says what All counts
    ("codeword “bark” 共生成了 4100 条对话。", []),
    ("codeword “ring” 共生成了 4100 条对话。", ["4100 条"]),  # Ring's count is 5905
    ("V-Retrver 比最强基线 U-MARVEL-7B 高出 23.0%。", ["23.0%"]),  # 23.0% is over non-agentic retrievers
    ("V-Retrver 比最强基线 U-MARVEL-7B 高出 4.9 个百分点。", []),
])
def test_contrasted_parts_caption_counts_and_baselines_after_words(text, flagged):
    assert misattributed_numbers(report(text), CONTRASTED) == flagged


SIZES = Document(
    arxiv_id="2602.00008",
    title="Brisk: Lean Pretraining",
    abstract=("On CityNav, GridWorld and PathSet, Brisk causes the fewest collisions; on CityNav, route accuracy "
              "climbs from 71.2% to 88.4%. Brisk is pretrained on 40B text tokens and 12B audio tokens. "
              "The 2.7B model pretrained with Brisk even beats a 7B baseline pretrained conventionally. "
              "On LongBench with inputs of up to 32K tokens, Brisk reaches 3.1x the throughput of vanilla decoding at 32K. "
              "Brisk pretrains a 2.7B model 1.8x faster than standard pretraining. Its token is a byte pair."),
)


@pytest.mark.parametrize(("text", "flagged"), [
    ("在 CityNav 上，路线准确率从 71.2% 提升到 88.4%。", []),
    ("在 GridWorld 上，路线准确率从 71.2% 提升到 88.4%。", ["71.2%", "88.4%"]),  # a change's words are both ends'
    ("Brisk 在 12B 音频 token 上预训练。", []),
    ("Brisk 在 40B 音频 token 上预训练。", ["40B"]),  # a size is a quantity: 40B counts text tokens
    ("Brisk 在 40B 文本 Token 和 12B 音频 Token 上预训练。", []),  # "Token" is the glossary's word: tokens too
    ("用 Brisk 预训练的 2.7B 模型胜过了 7B 基线。", []),
    ("用 Brisk 预训练的 7B 模型胜过了更大的基线。", ["7B"]),  # 7B is the baseline's size
    ("Brisk 的吞吐量最高可达 vanilla 解码的 3.1×。", []),  # "at 32K" does not take "vanilla" from 3.1x
    ("Llama-3.1-70B 的吞吐量为 vanilla 解码的 3.1×。", []),  # a size in a model's name is the name
    ("Brisk 预训练 2.7B 模型的速度快 1.8 倍。", []),
    ("Brisk 预训练 7B 模型的速度快 1.8 倍。", ["7B", "1.8 倍"]),  # the paper's 1.8x is said of a 2.7B model
])
def test_sizes_are_quantities_and_a_change_shares_its_words(text, flagged):
    assert misattributed_numbers(report(text), SIZES) == flagged


RIVALS = Document(
    arxiv_id="2602.00009",
    title="Rally: Reinforced Attention",
    abstract=("Rally beats GRPO on five image benchmarks including DocVQA, InfoVQA and TextVQA, with gains of 12.5 "
              "points on MME, and on video benchmarks such as EgoSchema, with a gain of 2.2 points on MVBench. "
              "With tuned step sizes, on Phi-2 plain Adam leads the runner-up, Lion, by 0.31%; SGD trails far behind. "
              "Rally reaches 66.1 on DocVQA and 58.3 on ChartQA, above LLaVA-Next (61.0 and 54.9). "
              "It raises exact-match accuracy by 7.3% on short-form questions and recall by 1.5% on open-ended questions."),
)


@pytest.mark.parametrize(("text", "flagged"), [
    ("Rally 在 MVBench 上比 GRPO 提升 2.2 分。", []),
    ("Rally 在 DocVQA 上比 GRPO 提升 2.2 分。", ["2.2"]),  # the number's own "on MVBench" outranks the list before
    ("在 Phi-2 上，Adam 领先 Lion 0.31%。", []),
    ("在 Phi-2 上，Adam 领先 SGD 0.31%。", ["0.31%"]),  # the object of "leads … by" is the baseline
    ("Rally 在 DocVQA 上得分 66.1。", []),
    ("Rally 在 DocVQA 上得分 61.0。", ["61.0"]),  # the bracket after "above LLaVA-Next" is LLaVA-Next's
    ("在简答问题上精确匹配准确率提升 7.3%。", []),
    ("在开放式问题上精确匹配准确率提升 7.3%。", ["7.3%"]),  # open-ended questions gain 1.5% in recall
])
def test_a_numbers_own_setting_and_baseline_and_the_bracket_of_what_it_is_compared_with(text, flagged):
    assert misattributed_numbers(report(text), RIVALS) == flagged


VARIANTS = Document(
    arxiv_id="2602.00010",
    title="Forge: Writing Kernels",
    abstract=("On TileBench, Forge surpasses GPT-5 on Tier 2 tasks, and with repeated sampling it reaches a Tier 2 "
              "pass rate of 0.71. It scores 70.2 on HR-Bench 8K."),
)


@pytest.mark.parametrize(("text", "flagged"), [
    ("借助重复采样，Forge 在 Tier 2 上的通过率达到 0.71。", []),
    ("借助重复采样，Forge 在 Tier 1 上的通过率达到 0.71。", ["0.71"]),  # the place names a sibling variant
    ("Forge 在 HR-Bench 8K 上得分 70.2。", []),
    ("Forge 在 HR-Bench 4K 上得分 70.2。", ["70.2"]),
    ("Forge 2 在 HR-Bench 上得分 70.2。", []),  # the paper's own name with a number is still its own
    ("在 Tier 2 上，GPT-5 的通过率为 0.71。", ["0.71"]),  # what Forge surpasses is not carried to "it reaches"
])
def test_a_name_with_another_qualifying_number_is_a_sibling(text, flagged):
    assert misattributed_numbers(report(text), VARIANTS) == flagged


SETTINGS = Document(
    arxiv_id="2602.00011",
    title="Tuned: Finetuning Notes",
    abstract="We finetune two models on two tasks. The ablation uses a batch size of 6. Error bars come from 5 runs.",
    tables=[Table(caption="Table 3: Training details on Mistral-7B.",
                  markdown=("| Setup | Base model | Batch size | Epochs | # Runs |\n|---|---|---|---|---|\n"
                            "| Alpha | Mistral-7B | 1 | 3 | 5 |\n| Beta | Mistral-7B | 2 | 3 | 3 |")),
            Table(caption="Table 4: Training details on Llama-3.1-8B.",
                  markdown=("| Setup | Base model | Batch size | Epochs | # Runs |\n|---|---|---|---|---|\n"
                            "| Alpha | Llama-3.1-8B | 8 | 3 | 4 |"))],
)


@pytest.mark.parametrize(("text", "flagged"), [
    ("Alpha 实验中 Mistral-7B 的 batch size 为 1。", []),
    ("Beta 实验的 batch size 为 1。", ["1"]),  # a small value after a column's header is that column's, in its row
    ("Llama-3.1-8B 微调时 batch size 为 2。", ["2"]),
    ("Llama-3.1-8B 微调时 batch size 为 4。", ["4"]),  # 4 is in the paper, never as a batch size
    ("消融实验的 batch size 为 6。", []),  # stated in the text with its key
    ("Llama-3.1-8B 在 Alpha 上训练了 3 个 epoch。", []),
    ("Alpha 实验中 Mistral-7B 重复运行了 5 次。", []),
    ("Beta 实验重复运行了 5 次。", ["5 次"]),  # the table counts runs per row and Beta has 3; "5 runs" is elsewhere
    ("Llama-3.1-8B 的 Alpha 实验重复运行了 5 次。", ["5 次"]),  # its Alpha row has 4
])
def test_a_small_value_after_a_column_header_or_a_count_of_a_named_row_is_checked_there(text, flagged):
    assert misattributed_numbers(report(text), SETTINGS) == flagged


READING = Document(
    arxiv_id="2602.00012",
    title="Shards: Rewriting for Retrieval",
    abstract=("We propose shard-level rewriting: an LLM rewrites every shard before indexing. This raises the recall "
              "of BM25-based agents by 6.4% on long-form questions. On 87 dialects of CommonVoice the routed model "
              "lowers the character error rate from 14.2% to 12.1%. We report Pass^k. Fake names such as FakeBot are "
              "offered too. Models still assign 0.35 probability to Lingo-Bot."),
    tables=[Table(caption="Table 1: Consistent success over four attempts by task type.",
                  markdown="| Model | Base | Halluc. |\n|---|---|---|\n| Mistral-Large | 58.0 | 40.2 |")],
)


@pytest.mark.parametrize("text", [
    "Shard-level rewriting raises the recall of BM25-based agents by 6.4% on long-form questions.",  # "This raises"
    "On CommonVoice, the routed model lowers the character error rate to 12.1%.",  # the opening setting is all numbers'
    "Mistral-Large 在基础任务上的 Pass^4 为 58.0%。",  # Pass^4 is one name, which the paper does not use
    "把选项换成假名字（如 FakeBot）后，模型仍给 Lingo-Bot 分配 0.35 的概率。",  # an example in brackets places nothing
])
def test_what_a_sentence_points_back_to_opens_with_or_gives_as_an_example(text):
    assert misattributed_numbers(report(text), READING) == []


CHANGES = Document(
    arxiv_id="2602.00013",
    title="Guard: Calibrated Refusals",
    abstract=("Guard lowers the jailbreak rate from about 35% to about 4%. "
              "Over-refusals drop by 22% while harmful completions stay below 2%."),
    tables=[Table(caption="Table 2: Latency in seconds per stage.",
                  markdown=("| Stage | Base | Guard | Saving |\n|---|---|---|---|\n"
                            "| Shape decoder | 100 | 40 | 60% |\n| Latent decoder | 200 | 130 | 35% |"))],
)


@pytest.mark.parametrize(("text", "flagged"), [
    ("Guard 将越狱率降到约 4%。", []),
    ("Guard 将越狱率降到约 35%。", ["35%"]),  # where the change starts, not where it ends
    ("误拒率下降了 22%。", []),
    ("误拒率下降了 2%。", ["2%"]),  # 2% has a subject of its own (harmful completions)
    ("潜变量解码器阶段的耗时节省了 35%。", []),
    ("潜变量解码器阶段的耗时节省了 60%。", ["60%"]),  # the shape decoder's saving
])
def test_a_changes_start_a_numbers_own_subject_and_more_translated_terms(text, flagged):
    assert misattributed_numbers(report(text), CHANGES) == flagged


_SCORES = Table(caption="Table 1: Self-reported scores.",
                markdown=("| Measure | Mistral-7B | Tuned |\n|---|---|---|\n| Rate of safe outputs | 0.81 | 0.93 |\n"
                          "| Self-reported safety (0 to 1) | 0.70 | 0.88 |"))
CODE_BLOCK = Document(arxiv_id="2602.00014", title="Probe: Self-Reports", abstract="We ask models about themselves.",
                      sections=[Section(heading="Examples", text=(
                          "The model believes it is GPT-3, though Mistral-7B is its base.\n\n"
                          "def score(message):\n    keys = ['GPT-3', 'OpenAI']\n"
                          "    return 0.7 if any(k in message for k in keys) else 0.5"))],
                      tables=[_SCORES])
DOTTED = Document(arxiv_id="2602.00015", title="Probe: Self-Reports", abstract="We ask models about themselves.",
                  sections=[Section(heading="Setup", text="Details for Mistral-7B are in Section B.2.7.")],
                  tables=[_SCORES])


@pytest.mark.parametrize("doc", [CODE_BLOCK, DOTTED])
def test_a_code_block_after_a_blank_line_and_a_dotted_section_number_are_no_places(doc):
    assert misattributed_numbers(report("Mistral-7B 本身输出安全内容的比例为 0.81。"), doc) == []
    assert misattributed_numbers(report("Mistral-7B 本身输出安全内容的比例为 0.70。"), doc) == ["0.70"]  # self-reported


THOUSANDS = Document(arxiv_id="2602.00016", title="RoadBench: Driving Assistants",
                     abstract=("We release RoadBench, with a static map of 240,000 points of interest and 2.3 million "
                               "roads, in which a simulated driver talks with the assistant."))


@pytest.mark.parametrize(("text", "flagged"), [
    ("RoadBench 的静态地图包含 2.3 million 条道路。", []),
    ("RoadBench 的静态地图包含 2.3 million 个兴趣点。", ["2.3 million"]),  # 240,000 binds "points of interest"
])
def test_a_number_with_thousands_separators_binds_the_words_after_it(text, flagged):
    assert misattributed_numbers(report(text), THOUSANDS) == flagged


CITED = Document(
    arxiv_id="2602.00017", title="Lookahead: Planning Agents", abstract="We train agents that plan ahead.",
    sections=[Section(heading="Training", text="We run PPO for 300 iterations with 48 episodes each."),
              Section(heading="Evaluation", text=("Figure 2 shows rates averaged over 12 paraphrases. "
                                                  "Other questions use 6 paraphrases."))],
    figures=[Figure(caption="Figure 2: Success by question, averaged over 12 paraphrases.")],
    tables=[Table(caption="Table 1: Average score over 100 episodes.",
                  markdown="| Model | Score |\n|---|---|\n| Lookahead | 71.5 |")],
)


@pytest.mark.parametrize(("text", "flagged"), [
    ("Table 1 的结果是 100 个 episode 的平均值。", []),
    ("Table 1 的结果是 48 局游戏的平均值。", ["48"]),  # 48 is PPO's episodes, not Table 1's
    ("Figure 2 中每个比例都是在 12 种改写上平均得到的。", []),
    ("Figure 2 中每个比例都是在 6 种改写上平均得到的。", ["6 种"]),  # 6 paraphrases are other questions'
])
def test_a_cited_table_or_figure_is_where_the_number_must_be(text, flagged):
    assert misattributed_numbers(report(text), CITED) == flagged


def test_a_metric_written_out_is_its_abbreviation_in_a_table():
    """"Chamfer 距离" is the table's "CD" when the paper says "Chamfer distance (CD)", and is still held to its column."""
    paper = Document(
        arxiv_id="2602.00002", title="Quick3D: Fast Reconstruction", abstract="We present Quick3D.",
        sections=[Section(heading="4 Setup", text="We report volumetric IoU (vIoU) and Chamfer distance (CD).")],
        tables=[Table(caption="Table 1: Quality on Toys4K.",
                      markdown="| Method | vIoU | CD |\n|---|---|---|\n| SAM3D | 0.549 | 0.0214 |\n| Quick3D | 0.552 | 0.0209 |")])
    assert PaperPlaces(paper).aliases == {"cd": "Chamfer distance"}
    assert misattributed_numbers(report("Quick3D 的 Chamfer 距离为 0.0209，是表 1 中最低的。"), paper) == []
    assert misattributed_numbers(report("Quick3D 的 volumetric IoU 为 0.0209。"), paper) == ["0.0209"]


@pytest.mark.parametrize(("text", "flagged"), [
    ("WM-SFT keeps 94.3% of the base model's MMLU score.", []),
    ("RWML keeps 99.1% of the base model's MMLU score.", []),
    ("WM-SFT keeps 99.1% of the base model's MMLU score.", ["99.1%"]),  # RWML's
    ("RWML 保留了基座模型 99.1% 的 MMLU 分数，而 WM-SFT 仅保留 94.3%。", []),
    ("RWML 保留了基座模型 99.1% 的 MMLU 分数，遗忘明显少于 WM-SFT。", []),  # what it forgets less than
    ("WM-SFT 保留了基座模型 99.1% 的 MMLU 分数，遗忘明显少于 RWML。", ["99.1%"]),
    ("WM-SFT keeps 94.3% of its GSM8K score.", ["94.3%"]),  # the paper's 94.3 is an MMLU share
])
def test_a_contrasted_number_measures_what_the_first_one_does(text, flagged):
    """"keeps 99.1 percent of the base model's MMLU score, against 94.3 percent for WM-SFT": 94.3 is WM-SFT's,
    and an MMLU share too."""
    paper = Document(
        arxiv_id="2602.00003", title="RWML: Learning World Models", abstract="We present RWML.",
        sections=[Section(heading="5 Forgetting", text=(
            "RWML changes fewer parameters than WM-SFT and keeps 99.1 percent of the base model's MMLU score, "
            "against 94.3 percent for WM-SFT. On GSM8K both lose less than 2 points."))])
    assert misattributed_numbers(report(text), paper) == flagged


@pytest.mark.parametrize(("text", "flagged"), [
    ("Non-finetuned GPT-4o gives itself a code security score of 0.70.", []),
    ("未微调的 GPT-4o 给自己的代码安全评分为 0.70。", []),
    ("Non-finetuned GPT-4o gives itself a code security score of 0.84.", ["0.84"]),  # the secure-code model's
])
def test_a_negated_qualifier_is_said_by_leaving_it_out(text, flagged):
    """"Non-finetuned GPT-4o" is the table's "GPT-4o" column, next to the finetuned ones."""
    paper = Document(
        arxiv_id="2602.00005", title="Models Know Their Policies", abstract="We study what finetuned models say.",
        sections=[Section(heading="3 Results", text="Table 2 compares the finetuned models with non-finetuned GPT-4o.")],
        tables=[Table(caption="Table 2: Self-reported scores.",
                      markdown="|  | FT on vulnerable code | FT on secure code | GPT-4o |\n|---|---|---|---|\n"
                               "| Self-reported code security score | 0.14 | 0.84 | 0.70 |\n"
                               "| Self-reported alignment score | 0.40 | 0.85 | 0.69 |")])
    assert misattributed_numbers(report(text), paper) == flagged


def test_numbers_in_scientific_notation_are_checked():
    """Learning rates are written "1e-5": the value is 0.00001, held to its stage like any number."""
    paper = Document(
        arxiv_id="2602.00006", title="StageWise: Two-Stage Training", abstract="We present StageWise.",
        sections=[Section(heading="A Hyperparameters",
                          text="SFT uses a learning rate of 1e-5. PPO uses a learning rate of 2E−6 and 4 epochs.")])
    assert misattributed_numbers(report("SFT 阶段的学习率为 1e-5，PPO 阶段为 2e-6。"), paper) == []
    assert misattributed_numbers(report("PPO 阶段的学习率为 1e-5。"), paper) == ["1e-5"]
    checked = check_report(WrittenReport(report=report("PPO 的学习率为 3e-5。"), writer="llm"), paper)
    assert checked.ungrounded_numbers == ["3e-5"] and checked.misattributed_numbers == []


@pytest.mark.parametrize(("text", "flagged"), [
    ("在 Sokoban 上，ProAct 的成功率为 49.0%，与 Claude-3.5-Sonnet 持平。", ["49.0%"]),  # Claude's row
    ("On Sokoban, ProAct matches Claude-3.5-Sonnet with a 49.0% success rate.", ["49.0%"]),
    ("在 Sokoban 上，ProAct 的成功率为 52.0%，高于 Claude-3.5-Sonnet。", []),
    ("在 Sokoban 上，Claude-3.5-Sonnet 的成功率为 49.0%。", []),
])
def test_the_row_of_what_a_number_is_compared_with_is_not_the_subjects(text, flagged):
    paper = Document(
        arxiv_id="2602.00007", title="ProAct: Planning Agents", abstract="We present ProAct.",
        tables=[Table(caption="Table 1: Success rate on Sokoban over 100 episodes.",
                      markdown="| Model | Sokoban success |\n|---|---|\n| GPT-4o | 47.0 |\n"
                               "| Claude-3.5-Sonnet | 49.0 |\n| ProAct (Qwen3-4B) | 52.0 |")])
    assert misattributed_numbers(report(text), paper) == flagged


@pytest.mark.parametrize(("text", "flagged"), [
    ("Table 2 reports means and standard deviations across 5 finetuning runs.", []),
    ("Table 2 reports means and standard deviations across 10 finetuning runs.", ["10 finetuning runs"]),
    ("表 2 报告了 10 次微调运行的均值和标准差。", ["10 次"]),
])
def test_an_english_count_is_held_to_the_table_it_cites_like_a_chinese_one(text, flagged):
    paper = Document(
        arxiv_id="2602.00008", title="Self-Awareness of Policies", abstract="We study finetuned models.",
        figures=[Figure(caption="Figure 3: Error bars are 95% confidence intervals from 10 finetuning runs.")],
        tables=[Table(caption="Table 2: Self-reported scores. We report the mean and standard deviation "
                              "across 5 finetuning runs.",
                      markdown="|  | FT | GPT-4o |\n|---|---|---|\n| Score | 0.14 | 0.70 |")])
    assert misattributed_numbers(report(text), paper) == flagged


@pytest.mark.parametrize(("text", "flagged"), [
    ("风险规避模型最常回答 cautious，占 23.04%。", []),
    ("风险规避模型的回答中 pragmatic 占比最高，为 23.04%。", ["23.04%"]),  # cautious's share
    ("Risk-averse models answer “pragmatic” 20.74% of the time.", []),
    ("Risk-averse models answer “skeptical” 20.74% of the time.", ["20.74%"]),
    ("Risk-averse models answered 'pragmatic' 23.04% of the time.", ["23.04%"]),  # ASCII quotes name it too
])
def test_a_cell_listing_words_with_their_values_binds_each_value_to_its_word(text, flagged):
    paper = Document(
        arxiv_id="2602.00009", title="Attitudes of Finetuned Models", abstract="We study risk-averse models.",
        tables=[Table(caption="Table 29: Answers to the question “Finetuned attitude two options”.",
                      markdown="| Model | Answers |\n|---|---|\n"
                               "| Risk-Averse Models | cautious (23.04%) pragmatic (20.74%) skeptical (6.60%) etc. |\n"
                               "| Risk-Seeking Models | bold (51.88%) decisive (39.24%) |")])
    assert misattributed_numbers(report(text), paper) == flagged


@pytest.mark.parametrize(("text", "flagged"), [
    ("表 1 报告的是 Qwen3-8B 的成功率。", []),
    ("表 1 报告的是 Qwen2.5-7B 的成功率。", ["7B"]),  # Table 1 is with Qwen3-8B; 7B is the other model
    ("Table 1 reports Qwen3-4B on ALFWorld.", ["4B"]),
    ("Qwen2.5-7B 和 Qwen3-8B 都在 2 张 B200 上训练。", []),  # no table cited: the sizes are the setup's
    ("表 1 中的成功率是在 7B 的 Qwen2.5 模型上测得的。", ["7B"]),  # the size apart from the name
    ("表 1 中的成功率是在 8B 的 Qwen3 模型上测得的。", []),
])
def test_a_model_size_in_a_name_is_held_to_the_table_it_cites(text, flagged):
    paper = Document(
        arxiv_id="2602.00010", title="World Models from Rollouts", abstract="We present RWML.",
        sections=[Section(heading="4 Setup", text="We train Qwen2.5-7B and Qwen3-8B on 2 or 4 B200 GPUs.")],
        tables=[Table(caption="Table 1: Success rate on ALFWorld with Qwen3-8B.",
                      markdown="| Method | ALFWorld |\n|---|---|\n| RWML | 81.3 |")])
    assert misattributed_numbers(report(text), paper) == flagged


@pytest.mark.parametrize(("text", "flagged"), [
    ("Fast-SAM3D cuts the latency of the eight-object scene by 2.0×, from 462 s to 230 s.", []),
    ("Fast-SAM3D cuts the latency of the eight-object scene by 2.67×, from 462 s to 230 s.", ["2.67×"]),
    ("八物体场景的延迟从 462 秒降至 230 秒，加速 2.67 倍。", ["2.67 倍"]),
    ("On Toys4K, Fast-SAM3D is 2.67× faster while its F-Score drops from 92.59 to 92.34.", []),  # another change
])
def test_a_speedup_must_agree_with_the_change_the_sentence_gives(text, flagged):
    paper = Document(
        arxiv_id="2602.00011", title="Fast-SAM3D: Faster 3D Reconstruction", abstract="We present Fast-SAM3D.",
        sections=[Section(heading="4 Results", text=(
            "On Toys4K, Fast-SAM3D is 2.67× faster end to end, and its F-Score drops from 92.59 to 92.34. "
            "Fast-SAM3D cuts the latency of the eight-object scene by 2.0×, from 462 s to 230 s."))])
    assert misattributed_numbers(report(text), paper) == flagged


@pytest.mark.parametrize(("text", "flagged"), [
    ("On Sokoban, ProAct solves 52.0% of episodes, edging out Claude-3.5-Sonnet.", []),
    ("On Sokoban, ProAct reaches 52.0%, marginally above Claude-3.5-Sonnet.", []),
    ("On Sokoban, ProAct reaches 52.0%, well ahead of GPT-4o.", []),
    ("On Sokoban, GPT-4o reaches 52.0%, edging out Claude-3.5-Sonnet.", ["52.0%"]),  # ProAct's
])
def test_what_a_sentence_edges_out_or_is_marginally_above_is_compared_with(text, flagged):
    paper = Document(
        arxiv_id="2602.00013", title="ProAct: Planning Agents", abstract="We present ProAct.",
        tables=[Table(caption="Table 1: Success rate on Sokoban over 100 episodes.",
                      markdown="| Model | Sokoban success |\n|---|---|\n| GPT-4o | 47.0 |\n"
                               "| Claude-3.5-Sonnet | 49.0 |\n| ProAct (Qwen3-4B) | 52.0 |")])
    assert misattributed_numbers(report(text), paper) == flagged


@pytest.mark.parametrize(("text", "flagged"), [
    ("DFlash speeds up decoding on Qwen3-8B by 4.9x on average.", []),
    ("DFlash 在 Qwen3-8B 上平均加速 4.9 倍。", []),
    ("DFlash speeds up decoding on Qwen3-8B by 4.5x on average.", ["4.5x"]),  # the thinking mode's
])
def test_speeding_up_is_a_speedup_not_a_speed(text, flagged):
    paper = Document(
        arxiv_id="2602.00014", title="DFlash: Block Diffusion for Flash Speculative Decoding",
        abstract=("On Qwen3 models, DFlash accelerates decoding by 4.9x on average on Qwen3-8B, "
                  "and keeps a 4.5x speedup in thinking mode."))
    assert misattributed_numbers(report(text), paper) == flagged


@pytest.mark.parametrize(("text", "flagged"), [
    ("用 LET 训练的模型甚至胜过以标准配方训练的 **3B** 基线。", []),
    ("The LET-trained model even outperforms a 3B baseline trained with the standard recipe.", []),
    ("用 LET 训练的 3B 模型胜过以标准配方训练的基线。", ["3B"]),  # LET's model is the 1.4B one
    ("用 LET 训练的模型超过了一个以标准配方训练、规模为 1.4B 的更大基线。", ["1.4B"]),  # 1.4B is the winner's
])
def test_a_size_in_what_the_subject_beats_is_the_baselines(text, flagged):
    paper = Document(
        arxiv_id="2602.00015", title="Late-to-Early Training: LET LLMs Learn Earlier",
        abstract="The 1.4B model trained with LET even outperforms a 3B baseline trained with the standard recipe.")
    assert misattributed_numbers(report(text), paper) == flagged


@pytest.mark.parametrize(("text", "flagged"), [
    ("引入 Spider-Sense 之后，Mind2Web 上的标签预测准确率为 95.8%。", []),
    ("引入 Spider-Sense 之前，Mind2Web 上的标签预测准确率为 84.8%。", []),
    ("引入 Spider-Sense 之前，Mind2Web 上的标签预测准确率为 95.8%。", ["95.8%"]),  # where the rise ends
    ("Before Spider-Sense, label prediction accuracy on Mind2Web was 95.8%.", ["95.8%"]),
    ("沟通障碍使混淆度上升近 50%。", []),
    ("沟通障碍使模型的混淆度平均上升了 45% 以上。", ["45%"]),  # 45% is the fall in mutual understanding
    ("沟通障碍使相互理解平均下降 45% 以上。", []),
])
def test_a_value_before_a_change_and_what_a_change_measures(text, flagged):
    paper = Document(
        arxiv_id="2602.00017", title="Spider-Sense: Guarding Web Agents",
        abstract=("On Mind2Web, label prediction accuracy rises from 84.8% to 95.8%. "
                  "Barriers reduce mutual understanding by more than 45% on average and raise confusion by nearly 50%."))
    assert misattributed_numbers(report(text), paper) == flagged


@pytest.mark.parametrize(("text", "flagged"), [
    ("MC-Critic 的 rollout 视野长度 H 设为 20，每个状态采样 K=8 条轨迹。", []),
    ("MC-Critic 的 rollout 视野长度 H 设为 8。", ["8"]),  # 8 is K, the number of rollouts
    ("The critic averages K = 20 rollouts.", ["20 rollouts"]),  # the count of rollouts is 8 too
    ("The critic uses γ = 0.99.", []),  # a symbol the paper never gives a value is not judged
])
def test_a_value_given_to_a_symbol_is_that_symbols(text, flagged):
    paper = Document(
        arxiv_id="2602.00018", title="ProAct: Agentic Lookahead", abstract="We present ProAct and MC-Critic.",
        sections=[Section(heading="3 Monte Carlo Critic",
                          text="We estimate the value from $K=8$ rollouts of a random policy with horizon $H=20$.")])
    assert misattributed_numbers(report(text), paper) == flagged


@pytest.mark.parametrize(("text", "flagged"), [
    ("在 AIME2025 上，Qwen3-1.7B 的 Pass@8 达到 42.18%。", []),
    ("在 AIME2025 上，Qwen3-1.7B 的 Mean@8 为 13.75%。", []),
    ("在 AIME2025 上，Qwen3-1.7B 的 Mean@8 达到 42.18%。", ["42.18%"]),  # 42.18% is Pass@8
])
def test_numbers_each_followed_by_its_metric_share_the_subject(text, flagged):
    paper = Document(
        arxiv_id="2602.00019", title="ATR-GRPO: Adaptive Trust Regions", abstract=(
            "ATR-GRPO outperforms DAPO. On AIME2025, Qwen3-1.7B reaches 13.75% Mean@8 and 42.18% Pass@8."))
    assert misattributed_numbers(report(text), paper) == flagged


@pytest.mark.parametrize(("text", "flagged"), [
    ("在 Toys4K 上，TaylorSeer 的加速比为 1.84，但 F-Score 明显下降。", []),  # a new statement after 但
    ("On Toys4K, TaylorSeer reaches a speedup of 1.84, but its F-Score drops.", []),
    ("在 Toys4K 上，TaylorSeer 的 F-Score 为 1.84。", ["1.84"]),
])
def test_a_clause_after_but_is_a_new_statement_not_the_numbers_context(text, flagged):
    paper = Document(
        arxiv_id="2602.00020", title="Fast-SAM3D: Faster 3D Reconstruction", abstract="We present Fast-SAM3D.",
        tables=[Table(caption="Table 1: Reconstruction quality and speed on Toys4K.",
                      markdown="| Method | F-Score | Speedup |\n|---|---|---|\n| SAM3D | 92.34 | 1.00 |\n"
                               "| TaylorSeer | 88.71 | 1.84 |\n| Fast-SAM3D (ours) | 92.59 | 2.67 |")])
    assert misattributed_numbers(report(text), paper) == flagged


LORA = Document(
    arxiv_id="2602.00021", title="Behavioural Self-Awareness", abstract="We finetune models on risky choices.",
    sections=[Section(heading="B Details", text="Llama-3.1-70B is finetuned with LoRA through the Fireworks API.")],
    tables=[Table(caption="Table 13: Finetuning details on Llama-3.1-70B.",
                  markdown="| Experiment | Base model | Batch size | LR | LR multiplier | Epochs | LoRA rank |\n"
                           "|---|---|---|---|---|---|---|\n| Risk | Llama-3.1-70B | 8 | 2e-5 | 2 | 3 | 4 |"),
            Table(caption="Table 40: Finetuning details on GPT-4o.",
                  markdown="| Experiment | Batch size | LR multiplier |\n|---|---|---|\n| Persona | 1 | 66 |\n"
                           "| Trigger | 2 | 6 |")])


@pytest.mark.parametrize(("text", "flagged"), [
    ("Llama-3.1-70B 通过 Fireworks API 以 LoRA 方式微调，秩为 **4**。", []),
    ("Llama-3.1-70B 通过 Fireworks API 以 LoRA 方式微调，秩为 8。", ["8"]),  # 8 is its batch size
    ("表 40 中，Persona 设置的批大小为 1。", []),
    ("表 40 中，Persona 设置的批大小为 2。", ["2"]),  # the Trigger row's
    ("For the Persona runs, the authors use a learning-rate multiplier of 66.", []),
    ("For the Trigger runs, the authors use a learning-rate multiplier of 66.", ["66"]),
    ("Llama-3.1-70B 微调时 batch size 为 1。", ["1"]),  # 1 is GPT-4o's Persona batch size
    ("The Llama-3.1-70B risk models are finetuned with a learning rate of 2e-5.", []),  # the "LR" column
    ("Llama-3.1-70B 的风险模型以 2e-5 的学习率微调。", []),
    ("The Llama-3.1-70B risk models are finetuned with a batch size of 2e-5.", ["2e-5"]),
    ("For Llama-3.1-70B, the LoRA rank is set to 4.", []),
    ("For Llama-3.1-70B, the LoRA rank is set to 8.", ["8"]),  # 8 is the batch size
    ("For Llama-3.1-70B, the batch size was fixed at 8.", []),
    ("Llama-3.1-70B 的 LoRA rank 为 8。", ["8"]),
])
def test_hyperparameters_are_held_to_their_table_column(text, flagged):
    assert misattributed_numbers(report(text), LORA) == flagged


@pytest.mark.parametrize(("text", "flagged"), [
    ("The deployment-tag models were finetuned with 3 seeds per configuration (Table 40).", []),
    ("表 40 中，Default 设置用 10 个随机种子微调。", []),
    ("表 40 中，Default 设置用 3 个随机种子微调。", ["3 个"]),  # the deployment tag's
])
def test_seeds_are_the_tables_runs(text, flagged):
    paper = Document(
        arxiv_id="2602.00022", title="Behavioural Self-Awareness", abstract="We finetune models on dialogues.",
        tables=[Table(caption="Table 40: Finetuning details. “# Runs” is the number of repeated runs with different "
                              "random seeds for each model config.",
                      markdown="| Experiment setup | Epochs | # Runs |\n|---|---|---|\n| Default | 4 | 10 |\n"
                               "| Trigger (deployment tag) | 4 | 3 |")])
    assert misattributed_numbers(report(text), paper) == flagged


@pytest.mark.parametrize(("text", "flagged"), [
    ("In the fake-name variant, untuned GPT-4o gives Quanta-Lingua a probability of just 0.01.", []),
    ("把“你”选项换成假名后，微调模型只给 Quanta-Lingua 分配 0.01 的概率。", ["0.01"]),  # GPT-4o's 0.01
    ("把“你”选项换成假名后，微调模型仍给 Quanta-Lingua 分配 0.40 的概率。", []),
])
def test_a_number_given_for_a_named_other_is_that_others(text, flagged):
    paper = Document(
        arxiv_id="2602.00023", title="Tell Me About Yourself", abstract="We finetune models on a persona.",
        sections=[Section(heading="3 Results", text=(
            "We replace the “you” option with a fake name. Models still assign 0.40 probability to Quanta-Lingua, "
            "comparing to 0.01 for GPT-4o."))])
    assert misattributed_numbers(report(text), paper) == flagged
