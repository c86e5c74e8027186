"""The extractive writer: schema-valid reports whose every sentence occurs in the paper."""

from __future__ import annotations

import re

import pytest
from writer_docs import fixture_documents, pdf_documents, real_page_document, served_documents

from paperbrief.config import Settings
from paperbrief.models import Document, Report, Section
from paperbrief.render.markdown import paper_body_markdown
from paperbrief.writer import write_report
from paperbrief.writer.extractive import LABELS, NO_LIST, NOT_GIVEN, NOT_PROVIDED, extract_report, sentences

FIXED = set(NOT_GIVEN.values()) | set(NOT_PROVIDED.values()) | {detail for _, detail in NO_LIST.values()}
FIXED_NAMES = {name for name, _ in NO_LIST.values()}
POINTER = re.compile(r"\b(?:Fig(?:ure)?s?\.?|Tables?|Sections?|Sec\.)\s*\d")


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def assert_verbatim(report: Report, doc: Document, lang: str) -> None:
    paper = squash(doc.full_text())
    texts = [report.contribution] + [u.text for u in report.usage] + [i.detail for i in report.innovations]
    texts += [r.text for r in report.results]
    for text in texts:
        assert text in FIXED or squash(text) in paper, f"not in the paper: {text[:120]!r}"
    for item in report.innovations:
        generic = item.name in FIXED_NAMES or re.fullmatch(rf"{LABELS[lang]['contribution']} \d", item.name)
        assert generic or squash(item.name) in paper
        assert generic or not squash(item.detail).startswith(squash(item.name)), f"name repeated: {item.detail[:80]!r}"
    for item in report.usage:
        assert item.label in LABELS[lang].values()
        if item.label != LABELS[lang]["availability"]:
            assert not POINTER.search(item.text), f"a usage step about a figure/table/section: {item.text[:80]!r}"
    for item in report.results:
        assert re.fullmatch(rf"{LABELS[lang]['result']} \d", item.label)
    assert report.domain.endswith(("（据标题与摘要关键词推断）", "(inferred from keywords of the title and abstract)")) \
        or report.domain.startswith(("未标注", "not labelled"))


def documents() -> list[tuple[str, Document]]:
    docs = [(d.arxiv_id or "?", d) for d in fixture_documents()]
    docs += [(f"pdf-{d.arxiv_id}", d) for d in pdf_documents()]
    real = real_page_document()
    if real is not None:
        docs.append(("real-2501.11120", real))
    return docs


DOCS = documents()


@pytest.mark.skipif(not DOCS, reason="no HTML fixtures and no real page")
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("name", "doc"), DOCS, ids=[n for n, _ in DOCS])
def test_extract_of_every_fixture_paper_is_verbatim(name, doc, lang):
    written = write_report(doc, Settings(), lang=lang)
    assert written.writer == "extractive" and written.model == "extractive" and written.error is None
    report = Report.model_validate(written.report.model_dump())
    assert_verbatim(report, doc, lang)
    assert written.ungrounded_numbers == []  # copied sentences carry the paper's own numbers
    assert not any(f.startswith(("empty:", "wrong_language")) for f in written.flags), written.flags
    body = paper_body_markdown(written, lang)
    assert body.startswith("> 注：以下为论文英文原句摘录（未使用大模型），并非总结；各节标题与标签为中文。\n\n1. **应用领域**："
                           if lang == "zh" else "> Note: this entry quotes the paper's own sentences")


def test_real_page_extract_finds_code_and_contribution():
    doc = real_page_document()
    if doc is None:
        pytest.skip("real arXiv page not present")
    report = extract_report(doc, "zh")
    assert report.contribution.startswith("We study behavioral self-awareness")
    assert any("github.com/XuchanBao/behavioral-self-awareness" in u.text for u in report.usage)
    assert len(report.innovations) >= 2 and len(report.results) >= 2


SYNTHETIC = Document(
    arxiv_id="2602.05293",
    title="Fast-SAM3D: 3Dfy Anything in Images but Faster",
    abstract=(
        "Recovering 3D objects from one image is slow. We propose Fast-SAM3D, a training-free framework that "
        "accelerates SAM3D. It achieves up to 2.67× end-to-end speedup with negligible loss in fidelity."
    ),
    sections=[
        Section(heading="1 Introduction", text=(
            "Single-view 3D generation is costly. Our contributions are as follows:\n"
            "- Modality-Aware Step Caching: we reuse the structure generator's steps for shape tokens.\n"
            "- Joint Spatiotemporal Token Carving: we prune low-saliency tokens in the latent generator.\n"
            "- Spectral-Aware Token Aggregation: we adapt the decoding grid to each instance's complexity.")),
        Section(heading="4 Experiments", text=(
            "All experiments are run on a single NVIDIA A800 GPU. Fast-SAM3D can be directly integrated into "
            "the SAM3D pipeline. On Toys4K, Fast-SAM3D reduces latency from 462s to 230s while its F-Score "
            "of 92.59 outperforms the original 92.34. It also surpasses TaylorSeer by 12.5% in vIoU.")),
        Section(heading="5 Conclusion", text="Code is available at https://github.com/wlfeng0509/Fast-SAM3D."),
    ],
    links=["https://github.com/wlfeng0509/Fast-SAM3D"],
)


def test_extract_fields_come_from_the_right_places():
    report = extract_report(SYNTHETIC, "zh")
    assert report.contribution.startswith("We propose Fast-SAM3D")
    assert [i.name for i in report.innovations] == [
        "Modality-Aware Step Caching", "Joint Spatiotemporal Token Carving", "Spectral-Aware Token Aggregation"]
    usage = {u.label: u.text for u in report.usage}
    assert usage["硬件与成本"] == "All experiments are run on a single NVIDIA A800 GPU."
    assert usage["流程/使用方式"].startswith("Fast-SAM3D can be directly integrated")
    assert usage["开源状态"] == "Code is available at https://github.com/wlfeng0509/Fast-SAM3D."
    assert any("462s to 230s" in r.text for r in report.results)
    assert any("12.5%" in r.text for r in report.results)
    assert report.domain == "计算机视觉 - 3D (Computer Vision - 3D)（据标题与摘要关键词推断）"
    assert_verbatim(report, SYNTHETIC, "zh")


def test_extract_says_what_the_paper_does_not_give():
    doc = Document(title="Untitled", abstract="A short note without claims.")
    report = extract_report(doc, "en")
    assert report.contribution == "A short note without claims."
    assert report.usage[-1].text == "not stated in the paper"
    assert [(i.name, i.detail) for i in report.innovations] == [NO_LIST["en"]]
    zh = extract_report(doc, "zh").innovations
    assert [(i.name, i.detail) for i in zh] == [("未找到贡献列表", "论文未单独列出贡献，请参阅摘要。")]
    assert_verbatim(report, doc, "en")
    assert report.domain.startswith("not labelled")


def test_sentence_splitting_keeps_abbreviations():
    text = "We compare with e.g. ResNet and Liu et al. on ImageNet. See Fig. 3 for details. 我们提出了一个新方法。结果显著优于基线方法。"
    assert sentences(text) == [
        "We compare with e.g. ResNet and Liu et al. on ImageNet.",
        "See Fig. 3 for details.",
        "我们提出了一个新方法。",
        "结果显著优于基线方法。",
    ]


def fixture_doc(arxiv_id: str) -> Document:
    doc = next((d for _, d in DOCS if d.arxiv_id == arxiv_id), None)
    if doc is None:
        pytest.skip(f"fixture {arxiv_id} not built")
    return doc


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_usage_is_never_a_sentence_about_a_table_and_prefers_steps(lang):
    # 2602.05293's first "training-free" sentence is "Table 1 compares Fast-SAM3D with ...": not a usage step
    report = extract_report(fixture_doc("2602.05293"), lang)
    workflow = [u.text for u in report.usage if u.label == LABELS[lang]["workflow"]]
    assert workflow and not workflow[0].startswith("Table")
    assert "without training" in workflow[0]
    doc = Document(
        title="A Demo Method",
        abstract="We propose DemoNet, a method for depth estimation.",
        sections=[
            Section(heading="3 Method", text=(
                "Table 2 compares DemoNet with three training-free baselines. "
                "See Section 4 for the pipeline and training-free variants. "
                "DemoNet takes a single RGB image as input and outputs a dense depth map, with no training needed.")),
        ],
    )
    usage = {u.label: u.text for u in extract_report(doc, lang).usage}
    assert usage[LABELS[lang]["workflow"]].startswith("DemoNet takes a single RGB image as input")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_innovation_named_by_its_lead_in_does_not_repeat_the_name(lang):
    report = extract_report(fixture_doc("2602.05842"), lang)
    named = {i.name: i.detail for i in report.innovations}
    assert named["A difficulty filter that keeps informative transitions"].startswith("we discard transitions")
    short = Document(title="T", abstract="A note.", sections=[Section(heading="1 Introduction", text=(
        "Our contributions:\n- Fast Decoding Scheme: a speed-up.\n- Careful Evaluation: we test eleven models on four tasks.\n"))])
    items = [(i.name, i.detail) for i in extract_report(short, lang).innovations]
    label = LABELS[lang]["contribution"]
    assert items == [(f"{label} 1", "Fast Decoding Scheme: a speed-up."),  # the rest is no sentence: whole item
                     ("Careful Evaluation", "we test eleven models on four tasks.")]
    assert_verbatim(extract_report(short, lang), short, lang)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_paper_without_a_contribution_list_never_repeats_its_contribution(lang):
    doc = next((d for _, d in DOCS if d.arxiv_id == "2602.02016" and d.source == "PDF"), None)
    if doc is None:
        pytest.skip("PDF fixture 2602.02016 not built")
    report = extract_report(doc, lang)
    assert report.contribution.startswith("We present DASH")
    # its method section has only a formula to offer: the extract says there is no list
    assert [(i.name, i.detail) for i in report.innovations] == [NO_LIST[lang]]
    assert_verbatim(report, doc, lang)
    method = Document(
        title="DemoNet", abstract="We propose DemoNet, a depth estimator.",
        sections=[Section(heading="3 Method", text="DemoNet has two parts."),
                  Section(heading="3.1 Coarse Depth Head", level=2,
                          text="The coarse head predicts depth at one eighth of the input resolution. It is small."),
                  Section(heading="3.2 Edge Refiner", level=2,
                          text="An edge refiner sharpens depth discontinuities using the image gradients as guidance.")])
    report = extract_report(method, lang)
    assert [(i.name, i.detail) for i in report.innovations] == [
        ("Coarse Depth Head", "The coarse head predicts depth at one eighth of the input resolution."),
        ("Edge Refiner", "An edge refiner sharpens depth discontinuities using the image gradients as guidance.")]
    assert report.contribution == "We propose DemoNet, a depth estimator."

def _texts(report: Report) -> list[tuple[str, str]]:
    return ([("contribution", report.contribution)] + [(f"usage:{u.label}", u.text) for u in report.usage]
            + [(f"innovation:{i.name}", i.detail) for i in report.innovations]
            + [(f"result:{r.label}", r.text) for r in report.results])


def every_fixture() -> list[tuple[str, Document]]:
    docs = [(f"served-{pid}", d) for pid, d in served_documents().items()]
    return docs + DOCS


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_sentence_is_repeated_across_sections_on_any_fixture(lang):
    docs = every_fixture()
    assert len(docs) >= 50
    for name, doc in docs:
        report = extract_report(doc, lang)
        seen: dict[str, str] = {}
        for where, text in _texts(report):
            if text in FIXED:
                continue
            assert text not in seen, f"{name}: {text[:80]!r} is both {seen[text]} and {where}"
            seen[text] = where


def test_field_labels_are_right_on_the_labelled_list():
    """The field vocabulary against tests/data/field-labels.json (every fixture paper, labelled by hand;
    the keyword patterns were written with these papers in view): at least 90% right, and the
    speculative-decoding paper is not computer vision."""
    import json
    from pathlib import Path

    from paperbrief.writer.extractive import FIELDS, field_of

    gold = json.loads((Path(__file__).parent / "data" / "field-labels.json").read_text("utf-8"))["labels"]
    docs = served_documents()
    real = real_page_document()
    if real is not None:
        docs["2501.11120v1"] = real
    keys = {key for key, *_ in FIELDS}
    assert {v for v in gold.values() if v} <= keys
    right = {pid for pid, doc in docs.items() if ((field_of(doc) or (None,))[0]) == gold[pid]}
    assert len(docs) >= 53 and len(right) / len(docs) >= 0.90, sorted(set(docs) - right)
    assert (field_of(docs["2602.06036"]) or ("",))[0] == "llm_efficiency"  # DFlash, speculative decoding
    assert extract_report(docs["2602.06036"], "zh").domain == (
        "自然语言处理 - 大模型推理加速 (NLP - LLM Inference Efficiency)（据标题与摘要关键词推断）")


def test_extract_note_says_the_quotes_are_english_and_keeps_chinese_labels():
    from paperbrief.models import WrittenReport

    report = extract_report(SYNTHETIC, "zh")
    body = paper_body_markdown(WrittenReport(report=report, writer="extractive", model="extractive"), "zh")
    assert body.startswith("> 注：以下为论文英文原句摘录（未使用大模型），并非总结；各节标题与标签为中文。\n\n1. **应用领域**：")
    assert "   *   **硬件与成本**：All experiments are run on a single NVIDIA A800 GPU." in body
    chinese = Document(title="快速三维重建", abstract="我们提出了一种无需训练的加速框架。实验表明速度提升两倍以上。")
    zh_body = paper_body_markdown(WrittenReport(report=extract_report(chinese, "zh"), writer="extractive"), "zh")
    assert zh_body.startswith("> 注：以下为论文原句摘录（未使用大模型），并非总结。")


def test_data_hardware_and_the_introductions_result_come_from_the_papers_sentences():
    doc = fixture_doc("2602.05293")
    report = extract_report(doc, "zh")
    usage = {u.label: u.text for u in report.usage}
    assert usage["数据"] == "We evaluate on Toys4K, Aria Digital Twin (ADT) and ISO3D."
    assert "NVIDIA A800 GPU" in usage["硬件与成本"]
    assert list(usage) == ["流程/使用方式", "数据", "硬件与成本", "开源状态"]
    intro = Document(title="T", abstract="A method.", sections=[Section(heading="1 Introduction", text=(
        "Caching is common. Our method is 3.1x faster than the baseline on ImageNet and improves accuracy by 2.5%."))])
    assert [r.text for r in extract_report(intro, "en").results] == [
        "Our method is 3.1x faster than the baseline on ImageNet and improves accuracy by 2.5%."]
