"""Per-paper Markdown: the consistent five-section style, ungrounded marks, extract note, failures."""

from __future__ import annotations

from paperbrief.checks import check_report
from paperbrief.models import (
    ArchivedPaper,
    DayEntry,
    Document,
    Failure,
    Innovation,
    LabeledText,
    ListedPaper,
    Report,
    Section,
    Table,
    WrittenReport,
)
from paperbrief.render.day import Day, day_json
from paperbrief.render.markdown import mark_numbers, number_notes, paper_body_markdown, paper_markdown
from paperbrief.render.site.paper import paper_view
from paperbrief.render.site.templates import LABELS

REPORT = Report(
    domain="计算机视觉 - 单视图 3D 重建 (Single-View 3D Reconstruction)",
    contribution="提出无需训练的加速框架 Fast-SAM3D。",
    usage=[LabeledText(label="输入", text="单张 RGB 场景图像。"), LabeledText(label="开源状态", text="https://github.com/wlfeng0509/Fast-SAM3D")],
    innovations=[Innovation(name="模态感知的步进缓存（Modality-Aware Step Caching）", detail="区分形状与布局 Token。")],
    results=[LabeledText(label="加速性能", text="端到端最高 2.67 倍加速，推理时间从 462s 降至 230s，提升 50%。")],
)

ZH_BODY = """1. **应用领域**：
   计算机视觉 - 单视图 3D 重建 (Single-View 3D Reconstruction)

2. **一句话核心贡献**：
   提出无需训练的加速框架 Fast-SAM3D。

3. **使用指南**：
   *   **输入**：单张 RGB 场景图像。
   *   **开源状态**：https://github.com/wlfeng0509/Fast-SAM3D

4. **主要创新点**：
   *   **模态感知的步进缓存（Modality-Aware Step Caching）**：区分形状与布局 Token。

5. **实验效果**：
   *   **加速性能**：端到端最高 2.67 倍加速，推理时间从 462s 降至 230s，提升 50%。
"""


def test_chinese_body_in_the_consistent_style():
    assert paper_body_markdown(WrittenReport(report=REPORT), "zh") == ZH_BODY


def test_english_headings():
    body = paper_body_markdown(WrittenReport(report=REPORT, lang="en"), "en")
    assert body.startswith("1. **Field**:\n   计算机视觉")
    for heading in ("2. **Core contribution**:\n", "3. **How to use it**:\n", "4. **Key innovations**:\n", "5. **Results**:\n"):
        assert heading in body
    assert "   *   **输入**: 单张" in body


def test_ungrounded_numbers_are_marked_and_listed():
    written = WrittenReport(report=REPORT, ungrounded_numbers=["50%", "462s"])
    body = paper_body_markdown(written, "zh")
    assert "从 462s⚠ 降至 230s，提升 50%⚠。" in body
    assert "2.67 倍加速" in body  # grounded numbers untouched
    assert body.rstrip().endswith("> ⚠ 以下数字未能在论文原文中找到，请核对：50%、462s")
    en = paper_body_markdown(written.model_copy(update={"lang": "en"}), "en")
    assert en.rstrip().endswith("> ⚠ Numbers not found in the paper's text, please check: 50%, 462s")


def test_marks_only_whole_numbers():
    assert mark_numbers("150% and 50% and 50.5% and 2.50%", ["50%"]) == "150% and 50%⚠ and 50.5% and 2.50%"
    assert mark_numbers("从 92.5 到 92.59", ["92.5"]) == "从 92.5⚠ 到 92.59"


def test_extract_note_comes_first():
    body = paper_body_markdown(WrittenReport(report=REPORT, writer="extractive", model="extractive"), "zh")
    assert body.startswith("> 注：以下为论文原句摘录（未使用大模型），并非总结。\n\n1. **应用领域**：")  # Chinese text
    en = paper_body_markdown(WrittenReport(report=REPORT, writer="extractive", lang="en"), "en")
    assert en.startswith("> Note: this entry quotes the paper's own sentences (no language model was used); it is an extract")


def test_failed_paper_block():
    written = WrittenReport(failure=Failure(kind="wrong_language", detail="answered in English, not Chinese"))
    assert paper_body_markdown(written, "zh") == (
        "> ⚠ 未能生成本文报告：大模型没有用要求的语言作答（answered in English, not Chinese）\n")
    assert paper_body_markdown(written, "en") == (
        "> ⚠ No report for this paper: the model did not answer in the requested language "
        "(answered in English, not Chinese)\n")


def test_reports_stored_before_the_typed_outcome_read_as_typed():
    old = {"arxiv_id": "2602.05293", "title": "T", "source": "ArXiv Abs", "lang": "zh", "report": None,
           "flags": ["read_fallback"], "error": "LLM request timed out: no answer within 180 s (2 tries)"}
    w = WrittenReport.model_validate(old)
    assert w.failure == Failure(kind="timeout", detail="LLM request timed out: no answer within 180 s (2 tries)")
    assert w.provenance == "listing_fallback" and w.source == "ArXiv Abs" and w.flags == []
    unread = WrittenReport.model_validate({"source": "ArXiv Abs", "flags": ["unread"],
                                          "error": "could not read the paper: HTTP 500"})
    assert unread.failure.kind == "unread" and unread.provenance == "export_abstract"


def test_paper_block_header():
    md = paper_markdown("Fast-SAM3D: 3Dfy Anything in Images but Faster", "2602.05293", "HTML", WrittenReport(report=REPORT))
    assert md == (
        "## 📄 Fast-SAM3D: 3Dfy Anything in Images but Faster\n\n"
        "- **链接**: https://huggingface.co/papers/2602.05293\n"
        "- **阅读来源**: HTML\n\n" + ZH_BODY
    )
    en = paper_markdown("T", "2602.05293", "ArXiv Abs", WrittenReport(report=REPORT), lang="en")
    assert "- **Link**: https://huggingface.co/papers/2602.05293\n- **Read from**: ArXiv Abs\n\n1. **Field**:" in en


def test_multiline_text_stays_inside_its_bullet():
    report = REPORT.model_copy(update={"results": [LabeledText(label="结果", text="第一行\n第二行")]})
    assert "   *   **结果**：第一行 第二行\n" in paper_body_markdown(WrittenReport(report=report), "zh")


def test_link_drops_the_version_and_a_local_file_has_none():
    md = paper_markdown("T", "2501.11120v1", "HTML", WrittenReport(report=REPORT))
    assert "- **链接**: https://huggingface.co/papers/2501.11120\n" in md
    assert "链接" not in paper_markdown("T", "", "HTML", WrittenReport(report=REPORT))


def test_failure_reason_leads_in_chinese_for_chinese_reports():
    from paperbrief.models import WrittenReport
    from paperbrief.render.markdown import paper_body_markdown

    timeout = Failure(kind="timeout", detail="no answer within 180 s (2 tries)")
    w = WrittenReport(lang="zh", failure=timeout)
    assert paper_body_markdown(w, "zh").strip() == "> ⚠ 未能生成本文报告：大模型请求超时（no answer within 180 s (2 tries)）"
    w_en = WrittenReport(lang="en", failure=timeout)
    assert "大模型" not in paper_body_markdown(w_en, "en")


def test_bold_numbers_render_and_are_marked_inside_the_bold():
    report = REPORT.model_copy(update={"results": [LabeledText(label="效果", text="加速 **2.76**×，F-Score **92.59**，内存 **51%**")]})
    body = paper_body_markdown(WrittenReport(report=report, ungrounded_numbers=["2.76×", "51%"]), "zh")
    assert "   *   **效果**：加速 **2.76**×⚠，F-Score **92.59**，内存 **51%⚠**\n" in body


def test_grounding_flags_and_the_listing_fallback_are_said_as_on_the_site():
    """The Markdown (and so the e-mail's text part) tells what the website and the e-mail's HTML tell:
    each grounding flag in a `> ⚠` line after the numbers, and a report resting on the listing's abstract
    first in the body."""
    from paperbrief.messages import describe_notes

    w = WrittenReport(report=REPORT, provenance="listing_fallback", flags=["empty:usage", "copies_abstract:results[0]"],
                      ungrounded_numbers=["462s"])
    body = paper_body_markdown(w, "zh")
    assert body.startswith("> 注：arXiv 暂时无法读取，本条依据 Hugging Face 上的摘要撰写，下次运行会重新读取全文\n\n1. **应用领域**")
    assert body.endswith("> ⚠ 以下数字未能在论文原文中找到，请核对：462s\n\n> ⚠ “使用指南”一节为空\n\n"
                         "> ⚠ “实验效果”第 1 条几乎照抄摘要\n")
    en = paper_body_markdown(w.model_copy(update={"lang": "en"}), "en")
    assert en.startswith("> Note: arXiv could not be read, so this was written from the Hugging Face abstract; "
                         "the next run reads the full text again\n\n1. **Field**")
    assert en.endswith("> ⚠ the “How to use it” section is empty\n\n> ⚠ Results item 1 nearly copies the abstract\n")
    # the same sentences as the site's and the e-mail's notes
    assert describe_notes(w, "en") == ["the “How to use it” section is empty", "Results item 1 nearly copies the abstract",
                                       "arXiv could not be read, so this was written from the Hugging Face abstract; "
                                       "the next run reads the full text again"]
    assert "> ⚠" not in paper_body_markdown(WrittenReport(report=REPORT), "zh")


# A paper whose table gives Medusa 12,000 tokens/s on MT-Bench and FastThing 20,000.
THROUGHPUT = Document(
    arxiv_id="2602.00001", title="FastThing", abstract="We present FastThing.",
    sections=[Section(heading="4 Experiments", text="We train on 12,000 images from COCO.")],
    tables=[Table(caption="Table 1: Throughput (tokens/s) on MT-Bench and HumanEval.",
                  markdown="| Method | MT-Bench | HumanEval |\n|---|---|---|\n| Medusa | 12,000 | 15,000 |\n"
                           "| FastThing | 20,000 | 24,000 |")],
)


def test_misattributed_and_ungrounded_numbers_keep_the_reports_spelling():
    """"12 000" (Medusa's, given to FastThing) is listed and marked as the report writes it, like the ungrounded
    "13 500", in the Markdown, the e-mail's and chat's sentences, the website and the JSON."""
    text = "FastThing 在 MT-Bench 上吞吐量为 12 000 tokens/s，在 HumanEval 上为 13 500 tokens/s。"
    report = REPORT.model_copy(update={"results": [LabeledText(label="吞吐量", text=text)]})
    written = check_report(WrittenReport(report=report, writer="llm"), THROUGHPUT)
    # the check itself lists the number as the report writes it, so every consumer of the record gets "12 000"
    assert written.ungrounded_numbers == ["13 500"] and written.misattributed_numbers == ["12 000"]
    body = paper_body_markdown(written, "zh")
    assert "吞吐量为 12 000⚠ tokens/s，在 HumanEval 上为 13 500⚠ tokens/s。" in body
    assert body.rstrip().endswith(
        "> ⚠ 以下数字未能在论文原文中找到，请核对：13 500\n\n"
        "> ⚠ 以下数字论文中有，但未在报告所指的数据集、指标、模型或单位旁找到，可能张冠李戴，请核对：12 000")
    assert number_notes(written, "en") == [
        "Numbers not found in the paper's text, please check: 13 500",
        "Numbers the paper has, but not next to the dataset, metric, model or unit the report ties them to; "
        "they may belong to something else, please check: 12 000"]
    listed = ListedPaper(arxiv_id="2602.00001", title="FastThing")
    view = paper_view(ArchivedPaper("2602.00001", "FastThing", (), "", "", None, None, 0, (), None), written,
                      LABELS["zh"], "zh")
    assert view["ungrounded"] == ["13 500"] and view["misattributed"] == ["12 000"]
    assert day_json(Day(date="2026-02-08", lang="zh", entries=[DayEntry(paper=listed, written=written)]),
                    {})["papers"][0]["misattributed_numbers"] == ["12 000"]


def test_a_stored_report_gives_back_only_numbers_the_report_spells_with_spaces():
    """Reports checked before the place check kept the report's spelling were stored with "12,000"; read
    back, they list the report's spelling (every renderer shows what the record holds)."""
    report = REPORT.model_copy(update={"results": [LabeledText(label="r", text="从 112 000 到 **1,500** 再到 12 000。")]})

    def as_written(numbers: list[str], report: Report | None) -> list[str]:
        stored = WrittenReport(report=report, misattributed_numbers=numbers).model_dump_json()
        return WrittenReport.model_validate_json(stored).misattributed_numbers

    assert as_written(["12,000", "1,500", "112,000", "3,000", "2.67 倍"], report) == [
        "12 000", "1,500", "112 000", "3,000", "2.67 倍"]
    assert as_written(["12,000"], None) == ["12,000"]
