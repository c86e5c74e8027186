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
        Section(heading="3 Method", text=words(800, "method")),
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
        size[p.kind] = size.get(p.kind, 0) + p.tokens + 1
    full = build_context(DOC, 100_000).full_tokens
    assert full == sum(size.values())
    budget = full - size["refs"]
    assert drop_order(budget) == ["refs"]
    ctx = build_context(DOC, budget)
    assert "thanks" not in ctx.text and "appx1" in ctx.text  # acknowledgements go with the references
    assert drop_order(budget - 1) == ["refs", "appendix"]
    ctx = build_context(DOC, budget - 1)
    assert "Table 2: Hyperparameters" not in ctx.text  # cited only by the appendix
    assert "Table 1: Main results" in ctx.text and "related1" in ctx.text and not ctx.trimmed
    budget -= size["appendix"]
    assert drop_order(budget - 1) == ["refs", "appendix", "related"]
    budget -= size["related"]
    assert drop_order(budget - 1) == ["refs", "appendix", "related", "figures"]
    assert not build_context(DOC, budget - size["figures"]).trimmed
    assert build_context(DOC, budget - size["figures"] - 1).trimmed


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
