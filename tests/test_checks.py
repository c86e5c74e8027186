"""Grounding check: every normalisation form found and not found, skipped numbers, flags."""

from __future__ import annotations

from decimal import Decimal

import pytest

from paperbrief.checks import check_report, copies, numbers_in, ungrounded_numbers
from paperbrief.models import Document, Innovation, LabeledText, Report, Section, Table, WrittenReport

PAPER = Document(
    arxiv_id="2602.05293",
    title="Fast-SAM3D: 3Dfy Anything in Images but Faster",
    abstract="We propose Fast-SAM3D, a training-free framework that achieves up to $2.67\\times$ end-to-end speedup.",
    sections=[
        Section(heading="1 Introduction", text="Latency drops from 462s to 230 seconds. Memory falls by 50\\% on 1{,}024 images."),
        Section(heading="4 Experiments", text="It uses 12.5 percent fewer tokens and 3x fewer steps, 35 % less memory, 7B model, 8 hours."),
    ],
    tables=[Table(caption="Table 1: Results", markdown="| Method | F-Score | vIoU |\n|---|---|---|\n| Ours | **92.59** | 0.552 |")],
)


def report_with(text: str) -> Report:
    return Report(
        domain="计算机视觉 (Computer Vision)",
        contribution="提出 Fast-SAM3D 加速框架。",
        usage=[LabeledText(label="输入", text="单张 RGB 图像。")],
        innovations=[Innovation(name="步进缓存（Step Caching）", detail="缓存中间步骤以减少计算。")],
        results=[LabeledText(label="加速", text=text)],
    )


@pytest.mark.parametrize(
    "text",
    [
        "端到端加速 2.67×。",
        "端到端加速 2.67x。",
        "端到端加速 2.67 倍。",
        "speedup of 2.67 times",
        "a 2.67-fold speedup",
        "×2.67 faster",
        "内存减少 50%。",
        "内存减少 50 %。",
        "memory down 50 percent",
        "内存减少 50 个百分点",
        "1,024 张图像",
        "1024 张图像",
        "从 462s 降至 230s",
        "从 462 秒降至 230 秒",
        "from 462 seconds to 230 s",
        "F-Score 92.59，vIoU 0.552",
        "vIoU .552",
        "12.5% fewer tokens",
        "35% less memory",
        "3 倍步数减少",
        "a 7B model",
        "8 小时",
    ],
)
def test_number_found_in_every_form(text):
    assert ungrounded_numbers(report_with(text), PAPER.full_text()) == []


@pytest.mark.parametrize(
    ("text", "missing"),
    [
        ("端到端推理速度提升 50% 以上，从 462s 降至 231s", ["231s"]),
        ("加速 2.76 倍", ["2.76 倍"]),
        ("加速 2.67%", ["2.67%"]),  # the value is in the paper, but as a speedup, not a percentage
        ("F-Score 92.6", ["92.6"]),  # rounded is not the paper's number
        ("内存减少 51%", ["51%"]),
        ("处理 1,025 张图像", ["1,025"]),
        ("耗时 462 ms", ["462 ms"]),
        ("a 13B model", ["13B"]),
    ],
)
def test_number_not_found(text, missing):
    assert ungrounded_numbers(report_with(text), PAPER.full_text()) == missing


def test_trivial_numbers_are_skipped():
    text = "见表 3 与 Section 4.2；使用 8 张 GPU，2024 年发布；GPT-4o、ResNet-18、Qwen2.5 与 ImageNet-1K；https://github.com/x/y/tree/v2.1.0"
    assert numbers_in(text) == []


def test_numbers_as_written_are_reported_once():
    report = report_with("提升 77.7% 与 77.7%，以及 1,234")
    assert ungrounded_numbers(report, PAPER.full_text()) == ["77.7%", "1,234"]


def test_check_report_fills_fields_and_flags():
    written = WrittenReport(report=report_with("加速 2.76 倍，F-Score 92.59"), lang="zh")
    checked = check_report(written, PAPER)
    assert checked.ungrounded_numbers == ["2.76 倍"]
    assert checked.flags == []


def test_flags_empty_field_wrong_language_and_abstract_copy():
    report = Report(
        domain="Computer Vision",
        contribution="",
        usage=[LabeledText(label="Input", text="A single RGB image of a scene.")],
        innovations=[Innovation(name="Fast-SAM3D", detail=PAPER.abstract)],
        results=[LabeledText(label="Speed", text="We propose Fast-SAM3D, a training-free framework that achieves up to a large speedup.")],
    )
    flags = check_report(WrittenReport(report=report, lang="zh"), PAPER).flags
    assert "empty:contribution" in flags
    assert "wrong_language:en" in flags
    assert "copies_abstract:innovations[0]" in flags
    assert "copies_abstract:results[0]" in flags
    # the same English report is in the right language when English was asked
    assert not any(f.startswith("wrong_language") for f in check_report(WrittenReport(report=report, lang="en"), PAPER).flags)


def test_extractive_report_is_checked_against_the_papers_language():
    report = report_with("It uses 12.5 percent fewer tokens and 3x fewer steps, 35 % less memory, 7B model, 8 hours.")
    report.domain = "Computer Vision (inferred from keywords of the title and abstract)"
    report.contribution = "We propose Fast-SAM3D, a training-free framework."
    report.usage[0].text = "Latency drops from 462s to 230 seconds."
    report.innovations[0].detail = "Memory falls by 50% on 1,024 images."
    written = WrittenReport(report=report, lang="zh", writer="extractive")
    assert check_report(written, PAPER).flags == []


def test_copies_needs_enough_text():
    assert not copies("We propose", PAPER.abstract)
    assert copies("We propose Fast-SAM3D, a training-free framework that achieves up to", PAPER.abstract)


def test_failed_report_passes_through():
    written = WrittenReport(error="LLM refused: no")
    assert check_report(written, PAPER) == written


def test_extract_with_chinese_labels_and_abstract_sentences_is_not_flagged():
    report = Report(
        domain="自然语言处理 (Natural Language Processing)（据标题与摘要关键词推断）",
        contribution="We propose Fast-SAM3D, a training-free framework that achieves up to $2.67\\times$ end-to-end speedup.",
        usage=[LabeledText(label="开源状态", text="论文未提供")],
        innovations=[Innovation(name="贡献 1", detail="论文未给出")],
        results=[LabeledText(label="结果 1", text="We propose Fast-SAM3D, a training-free framework that achieves up to 2.67× end-to-end speedup.")],
    )
    written = WrittenReport(report=report, lang="zh", writer="extractive")
    assert check_report(written, PAPER).flags == []
    # the same text from a language model is flagged (and its Chinese fixed phrases make it mostly Chinese)
    flags = check_report(written.model_copy(update={"writer": "llm", "lang": "en"}), PAPER).flags
    assert flags == ["wrong_language:zh", "copies_abstract:results[0]"]


@pytest.mark.parametrize(("text", "missing"), [
    ("F-Score **92.59**，加速 **2.67×**", []),
    ("加速 **2.67**× 与 **2.67** 倍", []),
    ("内存减少 **51%**", ["51%"]),
    ("加速 **2.76**×", ["2.76×"]),
])
def test_bold_numbers_are_checked(text, missing):
    assert ungrounded_numbers(report_with(text), PAPER.full_text()) == missing


def test_thousands_grouped_with_spaces_and_counts_in_words_are_found():
    paper = "We keep 12 000 (6000 safe, 6000 unsafe) datapoints and evaluate twelve models on 1 234 567 tokens."
    report = report_with("保留 12,000 个数据点，评测 12 个模型，共 1,234,567 个词元；另有 13 个模型和 12,001 个数据点。")
    assert ungrounded_numbers(report, paper) == ["13", "12,001"]


def test_report_numbers_are_read_with_spaced_thousands_and_scale_words():
    paper = "The corpus holds over 9 million theorems, 1.2 billion tokens, a 5M-entry index and 12,000 proofs."
    report = report_with("包含超过 900 万条定理、12 亿个词元、500 万条索引和 12 000 条证明；另有 13 000 条和 800 万条。")
    assert ungrounded_numbers(report, paper) == ["13 000", "800 万"]
    english = report_with("It holds 9 million theorems and 12 000 proofs, not 12 million.")
    assert ungrounded_numbers(english, paper) == ["12 million"]


def test_a_size_written_with_x_is_not_a_number():
    assert numbers_in("On maze navigation with 6x6 grids at 224x224 pixels, max2 and 0x1F; 2.5x faster, ×3") == [
        ("2.5x", Decimal("2.5"), "times"), ("×3", Decimal("3"), "times")]


def test_a_model_size_the_paper_writes_in_a_name_is_grounded():
    """"953M 参数的 Llama 模型" is the paper's "Llama-953M"; a size it never gives is still reported."""
    paper = "We train Llama-953M and Qwen3-8B on 4 GPUs; Pythia-1.4b is the baseline."
    assert ungrounded_numbers(report_with("实验用的是 953M 参数的 Llama 模型，以及 8B 的 Qwen3。"), paper) == []
    assert ungrounded_numbers(report_with("Pythia 有 1.4B 参数，约 14 亿。"), paper) == []
    assert ungrounded_numbers(report_with("实验用的是 950M 参数的 Llama 模型。"), paper) == ["950M"]


def test_a_grid_size_is_one_number_not_a_speedup():
    """"6×6 迷宫" and "20×20" are sizes, read as one number (their first side; 6 is trivial), not speed-ups."""
    assert numbers_in("在 6×6 迷宫、20×20 网格和 224x224 图像上，加速 2.1×，用 8× A100。") == [
        ("20×20", Decimal("20"), None), ("2.1×", Decimal("2.1"), "times"), ("8×", Decimal("8"), "times")]
    paper = "On 6x6 mazes, the finetuned Wan 2.2 reaches an exact match of 98.0%."
    assert ungrounded_numbers(report_with("在 6×6 迷宫导航上，微调后的 Wan 2.2 精确匹配率达 98.0%。"), paper) == []
