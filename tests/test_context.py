"""The context builder and the token estimate: what the model reads, within the budget."""

from __future__ import annotations

import pytest
from writer_docs import fixture_documents, real_page_document

from paperbrief.models import Document, Figure, Section, Table
from paperbrief.writer.context import build_context, section_kind
from paperbrief.writer.tokens import cut_to_tokens, estimate_tokens


def words(n: int, word: str) -> str:
    return " ".join(f"{word}{i % 10}" for i in range(n)) + "."


DOC = Document(
    arxiv_id="2602.05293",
    title="A Paper",
    authors=["A. Author"],
    abstract="We propose a method. " + words(60, "abs"),
    sections=[
        Section(heading="1 Introduction", text=words(400, "intro")),
        Section(heading="2 Related Work", text=words(300, "related")),
        Section(heading="3 Method", text="Figure 1 shows the method. " + words(800, "method")),
        Section(heading="3.1 Details", level=2, text=words(50, "detail")),
        Section(heading="4 Experiments", text="Table 1 shows the results. " + words(300, "exp")),
        Section(heading="5 Conclusion", text=words(40, "concl")),
        Section(heading="Acknowledgements", text=words(30, "thanks")),
        Section(heading="A Extra proofs", appendix=True, text="Table 2 lists hyperparameters. " + words(500, "appx")),
    ],
    tables=[
        Table(caption="Table 1: Main results", markdown="| Method | Acc |\n|---|---|\n| Ours | 92.59 |\n| Base | 90.10 |"),
        Table(caption="Table 2: Hyperparameters", markdown="| lr | 0.0003 |\n|---|---|"),
    ],
    figures=[Figure(caption="Figure 1: " + words(80, "fig"))],
    references=[f"Ref {i}. " + words(20, "ref") for i in range(20)],
    links=["https://github.com/example/code"],
)


# Reference counts measured once with the cl100k_base and o200k_base vocabularies (js-tiktoken).
MEASURED = [
    ("Large Language Models (LLMs) can learn sophisticated behaviors and policies, such as the ability to act as "
     "helpful and harmless assistants. We finetune LLMs on datasets that exhibit particular behaviors, such as "
     "making high-risk economic decisions.", 48, 48),
    ("提出了一种无需训练的端到端加速框架，通过识别并利用三维生成过程中结构演化、纹理细化和网格解码三个阶段的内在异构性，"
     "在保持高保真度的同时显著降低了推理延迟。", 90, 60),
    ("| Method | F-Score | vIoU | Time (s) |\n|---|---|---|---|\n| SAM3D | 92.34 | 0.548 | 462 |\n"
     "| Fast-SAM3D | 92.59 | 0.552 | 173 |", 63, 63),
]


def test_estimate_counts_cjk_words_digits_and_symbols():
    assert estimate_tokens("") == 0
    assert estimate_tokens("这是中文") == 4
    assert estimate_tokens("the cat sat") == 3
    assert estimate_tokens("internationalization") == 5  # 20 letters: 1 + 16 // 4
    assert estimate_tokens("1234567") == 3
    assert estimate_tokens("a, b!") == 4
    assert estimate_tokens("|---|") == 3


@pytest.mark.parametrize(("text", "cl100k", "o200k"), MEASURED)
def test_estimate_is_near_real_tokenizers(text, cl100k, o200k):
    est = estimate_tokens(text)
    assert 0.8 * min(cl100k, o200k) <= est <= 1.35 * max(cl100k, o200k)


def test_cut_to_tokens_stays_within_and_prefers_sentence_ends():
    text = "First sentence here. Second sentence follows now. Third one is the last of them."
    cut = cut_to_tokens(text, 12)
    assert estimate_tokens(cut) <= 12 and text.startswith(cut) and cut.endswith(".")
    assert cut_to_tokens(text, 1000) == text and cut_to_tokens(text, 0) == ""


def test_section_kinds():
    assert section_kind("References") == "refs"
    assert section_kind("7 Acknowledgments") == "refs"
    assert section_kind("Appendix A: Proofs") == "appendix"
    assert section_kind("2 Related Work") == "related"
    assert section_kind("2.1 Prior work on caching") == "related"
    assert section_kind("4 Experiments") == "body"


def test_everything_fits_a_large_budget():
    ctx = build_context(DOC, 100_000, known_links=["https://huggingface.co/example/model"])
    assert ctx.dropped == [] and not ctx.trimmed and ctx.tokens <= 100_000
    for needle in ("Title: A Paper", "Authors: A. Author", "## Abstract", "intro9", "related9", "appx9", "ref9",
                   "| Ours | 92.59 |", "Figure 1:", "https://github.com/example/code",
                   "https://huggingface.co/example/model (from the Hugging Face listing)"):
        assert needle in ctx.text, needle


def drop_order(budget: int) -> list[str]:
    ctx = build_context(DOC, budget)
    assert ctx.tokens <= budget
    return ctx.dropped


def test_drop_order_references_appendix_related_figures():
    from paperbrief.writer.context import _parts

    size: dict[str, int] = {}
    for p in _parts(DOC, ()):
        key = p.label or p.kind
        size[key] = size.get(key, 0) + p.tokens + 1
    full = build_context(DOC, 100_000).full_tokens
    assert full == sum(size.values())
    budget = full - size["refs"]
    assert drop_order(budget) == ["refs"]
    ctx = build_context(DOC, budget)
    assert "thanks" not in ctx.text and "appx1" in ctx.text  # acknowledgements go with the references
    assert drop_order(budget - 1) == ["refs", "appendix"]
    ctx = build_context(DOC, budget - 1)
    assert "Table 2: Hyperparameters" in ctx.text  # it still fits, though its citing text is gone
    budget -= size["appendix"]
    assert drop_order(budget - 1) == ["refs", "appendix", "uncited"]
    ctx = build_context(DOC, budget - 1)
    assert "Table 2: Hyperparameters" not in ctx.text  # cited only by the dropped appendix
    assert "Table 1: Main results" in ctx.text and "related1" in ctx.text and not ctx.trimmed
    budget -= size["T2"]
    assert drop_order(budget - 1) == ["refs", "appendix", "uncited", "related"]
    budget -= size["related"]
    assert drop_order(budget - 1) == ["refs", "appendix", "uncited", "related", "figures"]
    ctx = build_context(DOC, budget - size["F1"] - size["figures_head"])
    assert not ctx.trimmed and "Figure 1:" not in ctx.text and "## Figure captions" not in ctx.text
    assert build_context(DOC, budget - size["F1"] - size["figures_head"] - 1).trimmed


def test_cited_appendix_table_is_kept_ahead_of_uncited_material():
    """Appendix prose says where the details are; that table stays, uncited examples and captions go first."""
    doc = DOC.model_copy(update={
        "sections": [*DOC.sections[:7],
                     Section(heading="A Training details", appendix=True,
                             text="Model versions and hyperparameters are in Table 12. " + words(150, "setup")),
                     Section(heading="B Examples", appendix=True, text=words(300, "example"))],
        "tables": [*DOC.tables[:1],
                   Table(caption="Table 12: Model versions", markdown="| model | gpt-4o-2024-05-13 |\n|---|---|\n| lr | 2e-5 |"),
                   Table(caption="Table 13: Example answers", markdown="| q | a |\n|---|---|\n" + "| why | " + words(200, "ans") + " |")],
        "figures": [Figure(caption="Figure 1: " + words(30, "fig")),
                    Figure(caption="Figure 7: " + words(400, "uncitedfig"))],
    })
    from paperbrief.writer.context import _parts

    size: dict[str, int] = {}
    for p in _parts(doc, ()):
        size[p.label or p.kind] = size.get(p.label or p.kind, 0) + p.tokens + 1
    full = build_context(doc, 100_000)
    assert full.dropped == [] and "Table 13" in full.text
    budget = full.full_tokens - size["refs"] - size["F7"] - size["T13"]
    ctx = build_context(doc, budget)
    assert ctx.dropped == ["refs", "uncited"] and not ctx.trimmed
    assert "Table 13: Example answers" not in ctx.text and "Figure 7:" not in ctx.text  # cited by nothing
    assert "Table 12: Model versions" in ctx.text and "gpt-4o-2024-05-13" in ctx.text  # the appendix cites it
    assert "example9" in ctx.text and "Figure 1:" in ctx.text
    tight = build_context(doc, budget - 1)
    assert tight.dropped == ["refs", "uncited", "appendix"] and not tight.trimmed
    assert "Model versions and hyperparameters are in Table 12." in tight.text and "Table 12: Model versions" in tight.text
    assert "example9" not in tight.text


def test_citations_and_labels():
    from paperbrief.writer.context import cited_labels, label_of

    assert label_of("Table 12: Model versions") == "T12" and label_of("Fig. 3. Overview") == "F3"
    assert label_of("图 2：流程") == "F2" and label_of("Tab. A1 Hyperparameters") == "TA1" and label_of("Overview") == ""
    assert cited_labels("see Tables 2 and 4, Figs. 1-3, Figure~5 and 表 6") == {"T2", "T4", "F1", "F3", "F5", "T6"}


def test_tight_budget_trims_longest_sections_and_keeps_results_tables():
    ctx = build_context(DOC, 1500)
    assert ctx.trimmed and ctx.tokens <= 1500
    assert "| Ours | 92.59 |" in ctx.text and "## Abstract" in ctx.text and "https://github.com/example/code" in ctx.text
    assert "concl9" in ctx.text  # the short conclusion is kept whole
    assert "method9" in ctx.text and ctx.text.count("method") < 800  # the long method section is cut
    assert "### 3.1 Details" in ctx.text


@pytest.mark.parametrize("budget", [1000, 2500, 4000, 8000, 24000])
def test_budget_is_respected_on_real_papers(budget):
    docs = fixture_documents()
    real = real_page_document()
    if real is not None:
        docs.append(real)
    if not docs:
        pytest.skip("no HTML fixtures and no real page")
    for doc in docs:
        ctx = build_context(doc, budget)
        assert ctx.tokens <= budget, (doc.arxiv_id, ctx.tokens)
        assert doc.title in ctx.text
