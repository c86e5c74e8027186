"""Simple inline LaTeX reads as Unicode in reports; anything complex stays LaTeX."""

import pytest

from paperbrief.render.mathtext import tidy_math


@pytest.mark.parametrize("raw, shown", [
    (r"up to 2.67$\times$ end-to-end speedup", "up to 2.67× end-to-end speedup"),
    (r"accuracy $\geq 95\%$ on $\tau^{2}$-Bench", "accuracy ≥ 95% on τ²-Bench"),
    (r"$\pi$-Distill reaches $0.42\pm 0.03$", "π-Distill reaches 0.42± 0.03"),
    (r"cost $\times 2.67$", "cost × 2.67"),
    (r"$10^{5}$ steps and $x_{1}$", "10⁵ steps and x₁"),
    (r"we use $\mathrm{F1}$", "we use F1"),
])
def test_simple_spans_become_unicode(raw, shown):
    assert tidy_math(raw) == shown


@pytest.mark.parametrize("raw", [
    r"loss $\frac{1}{N}\sum_i x_i$ here",
    r"$\mathcal{L}_{\text{KL}}$",
    "costs $5 and $6 in total",  # dollars, not math
    "plain text without math",
])
def test_complex_or_non_math_stays(raw):
    assert tidy_math(raw) == raw


def test_report_markdown_and_site_show_unicode():
    from paperbrief.models import Innovation, LabeledText, Report, WrittenReport
    from paperbrief.render.markdown import paper_body_markdown
    from paperbrief.render.site import rich_text

    w = WrittenReport(report=Report(domain="CV", contribution=r"Up to 2.67$\times$ faster.",
                                    usage=[LabeledText(label="输入", text="图像")],
                                    innovations=[Innovation(name="A", detail="B")],
                                    results=[LabeledText(label="加速", text=r"$\geq 95\%$")]))
    md = paper_body_markdown(w)
    assert "2.67×" in md and "≥ 95%" in md and "$" not in md
    assert "2.67×" in str(rich_text(r"Up to 2.67$\times$ faster."))
