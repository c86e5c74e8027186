"""The PDF reader (pypdfium2) against the pdflatex fixtures' expected content, and on non-papers."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from testdata import load_expected

from paperbrief.readers.common import NotAPaper
from paperbrief.readers.pdf import fix_accents, parse_pdf
from paperbrief.replica import fixtures

PDF_IDS = fixtures.pdf_fixture_ids()
DATA = Path(__file__).parent / "data"


def pdf_bytes(arxiv_id: str) -> bytes:
    return fixtures.pdf_fixture(fixtures.manifest()[arxiv_id]["pdf"])


def test_there_are_pdf_fixtures_one_two_column():
    assert len(PDF_IDS) >= 2
    assert any(load_expected(i)["two_column"] for i in PDF_IDS)


@pytest.mark.parametrize("arxiv_id", PDF_IDS)
def test_fixture_extraction_matches_the_expected_file(arxiv_id):
    exp = load_expected(arxiv_id)
    doc = parse_pdf(pdf_bytes(arxiv_id), arxiv_id=arxiv_id)
    assert doc.source == "PDF" and doc.arxiv_id == arxiv_id
    assert doc.title == exp["title"]
    assert doc.authors == exp["authors"]  # names with accents composed again (L´ea -> Léa)
    assert doc.abstract.startswith(" ".join(exp["abstract_start"].split()))
    got = [(s.heading, s.level, s.appendix) for s in doc.sections if s.heading]
    assert got == [(s["heading"], s["level"], s["appendix"]) for s in exp["sections"]]
    assert len(doc.references) == exp["reference_count"]
    captions = [t.caption for t in doc.tables]
    for want in exp["table_captions"]:
        assert any(" ".join(want.split()) in c for c in captions)
    for want in exp["figure_captions"]:
        assert any(" ".join(want.split()) in f.caption for f in doc.figures)
    full = doc.full_text()
    for number in exp["table_numbers"]:
        assert number in full
    for start in exp["footnotes_start"]:
        assert any(f.startswith(start) for f in doc.footnotes)
    for link in exp["links"]:
        assert link.rstrip(".") in doc.links
    for text in exp["non_ascii"] + exp["phrases"]:
        assert text in full + " ".join(doc.authors)


@pytest.mark.parametrize("arxiv_id", PDF_IDS)
def test_no_page_numbers_or_references_in_the_sections(arxiv_id):
    doc = parse_pdf(pdf_bytes(arxiv_id))
    for s in doc.sections:
        for line in s.text.splitlines():
            assert not line.strip().isdigit(), f"page number left in {s.heading!r}"
    body = "\n".join(s.text for s in doc.sections)
    for ref in doc.references:
        assert ref[:40] not in body
    assert "\ufffe" not in body  # pdfium's soft-hyphen mark never leaks


def test_two_column_text_reads_column_by_column():
    two = [i for i in PDF_IDS if load_expected(i)["two_column"]]
    for arxiv_id in two:
        exp = load_expected(arxiv_id)
        doc = parse_pdf(pdf_bytes(arxiv_id))
        # the abstract is one run of text: its start is followed by its own continuation, not the other column
        words = " ".join(exp["abstract_start"].split()).split()
        assert " ".join(words) in doc.abstract
        intro = next(s for s in doc.sections if s.heading == "Introduction")
        assert len(intro.text) > 200


def test_running_headers_and_page_footers_are_dropped():
    # tests/data/running-headers.pdf (source alongside): 4 pages, each with the header
    # "Preprint. Under review.  Header Test Paper" and the footer "Page N"
    data = (DATA / "running-headers.pdf").read_bytes()
    raw = [p.get_textpage().get_text_range() for p in pdfium.PdfDocument(data)]
    assert all("Preprint. Under review." in page and f"Page {n}" in page for n, page in enumerate(raw, 1))
    doc = parse_pdf(data)
    full = doc.full_text()
    assert "Preprint" not in full and "Header Test Paper" not in full
    assert not any(f"Page {n}" in full for n in range(1, 5))
    assert doc.title == "Running Headers Do Not Belong in the Text"
    assert doc.authors == ["Ada Quinn", "Ben Ortiz"]
    assert [(s.heading, s.level) for s in doc.sections] == [
        ("Introduction", 1), ("Method", 1), ("Details", 2), ("Results", 1)]
    assert doc.sections[-1].text.endswith("The final accuracy is 87.5 percent.")
    assert doc.references == ["A. Author. A first reference. 2024.", "B. Author. A second reference. 2025."]


def test_garbage_and_empty_pdfs_are_not_papers():
    with pytest.raises(NotAPaper, match="not a PDF"):
        parse_pdf(b"<html>not a pdf</html>")
    with pytest.raises(NotAPaper, match="cannot be opened"):
        parse_pdf(b"%PDF-1.5\n garbage garbage garbage")
    blank = pdfium.PdfDocument.new()
    blank.new_page(612, 792)
    buf = io.BytesIO()
    blank.save(buf)
    blank.close()
    with pytest.raises(NotAPaper, match="almost no text"):
        parse_pdf(buf.getvalue())


def test_truncated_pdf_is_not_a_paper_or_is_readable_without_crashing():
    data = pdf_bytes(PDF_IDS[0])
    try:
        doc = parse_pdf(data[: len(data) // 3])
    except NotAPaper:
        return
    assert doc.title  # pdfium may recover a cut file; then it must still be a real document


def test_fix_accents():
    assert fix_accents("L´ea Moreau, Lukas Sch¨afer") == "Léa Moreau, Lukas Schäfer"
    assert fix_accents("Fran¸cois and Jos´e and ´ı") == "François and José and í"
    assert fix_accents("ˆot˜n G¨odel ˚Aberg ˇsi Yılmaz") == "ôtñ Gödel Åberg ši Yılmaz"  # a real ı stays
    assert fix_accents("plain text") == "plain text"


def test_a_real_hyphen_at_a_line_end_is_kept_and_a_syllable_break_is_joined():
    # 2602.02016 breaks "well-|tuned" (a compound the paper writes nowhere else), "pre-|conditioner"
    # (the paper has "preconditioner" elsewhere), "Dis-|tributed", "multipli-|cations" and "pretrain-|ing"
    doc = parse_pdf(pdf_bytes("2602.02016"), arxiv_id="2602.02016")
    exp = load_expected("2602.02016")
    assert doc.abstract.startswith(" ".join(exp["abstract_start"].split()))
    assert "faster than a well-tuned Distributed Shampoo" in doc.abstract
    full = doc.full_text()
    assert "welltuned" not in full
    assert any("well-tuned" in s.text for s in doc.sections)  # the sections too, not only the abstract
    for word in ("Distributed Accelerated", "multiplications", "pretraining", "preconditioner", "runtime"):
        assert word in doc.abstract + full
    for broken in ("Dis-tributed", "multipli-cations", "pretrain-ing", "pre-conditioner", "run-time"):
        assert broken not in full
    assert "inverse-root solvers" in doc.abstract  # a hyphenated form the title uses keeps its hyphen
    assert "https://github.com/dash-optim/dash" in doc.links


# per fixture: words broken at a line end by hyphenation, and compounds broken at their own hyphen
BREAKS = {
    "2601.22027": (["include", "conversations", "capabilities", "calendar"], []),
    "2602.05216": (["technical", "propositions", "generated"], ["theorem-level"]),
    "2602.05293": (["delivers", "acceleration", "heterogeneous"], ["training-free"]),
}


@pytest.mark.parametrize("arxiv_id", [i for i in BREAKS if i in PDF_IDS])
def test_syllable_breaks_are_joined_and_compounds_keep_their_hyphen(arxiv_id):
    full = parse_pdf(pdf_bytes(arxiv_id), arxiv_id=arxiv_id).full_text()
    joined, compounds = BREAKS[arxiv_id]
    for word in joined + compounds:
        assert word in full, word


def test_table_rows_stay_rows_with_their_caption_above_or_below():
    doc = parse_pdf((DATA / "tables-and-footnotes.pdf").read_bytes())
    assert [(t.caption, t.markdown) for t in doc.tables] == [
        ("Table 1: Accuracy on the held-out split.",
         "| Model | Accuracy | F1 |\n|---|---|---|\n| Baseline net | 71.25 | 0.64 |\n| Our model | 78.50 | 0.71 |"),
        ("Table 2: Training cost per model.",
         "| Model | GPU hours | Cost |\n|---|---|---|\n| Baseline net | 120 | 310 |\n| Our model | 96 | 248 |"),
    ]
    experiments = next(s.text for s in doc.sections if s.heading == "Experiments")
    assert "71.25" not in experiments and "GPU hours" not in experiments  # the cells left the running text
    # the sentence the tables interrupted goes on in the same paragraph
    assert "the cost. Our model is more accurate and cheaper" in experiments


def test_footnote_markers_leave_words_and_exponents_stay_exponents():
    doc = parse_pdf((DATA / "tables-and-footnotes.pdf").read_bytes())
    intro = next(s.text for s in doc.sections if s.heading == "Introduction")
    assert "This matters in most cases. It also matters for grids of any size." in intro
    assert doc.footnotes == ["The other cases are rare.", "We use grids of 64^3 and 32^3 cells."]


@pytest.mark.parametrize(("arxiv_id", "caption", "row"), [
    ("2602.05293", "Table 1: Reconstruction quality and speed on Toys4K.", "| Fast-SAM3D (ours) | 92.59 | 0.552 | 0.0209 | 2.67 |"),
    ("2602.05293", "Table 2: Latency in seconds of each stage", "| Total | 462 | 230 | 50% |"),
    ("2601.22027", "Table 1: Consistent success over three attempts in percent by task type.", "| Qwen3-32B | 48.2 | 27.5 | 21.3 |"),
])
def test_fixture_tables_have_their_rows(arxiv_id, caption, row):
    if arxiv_id not in PDF_IDS:
        pytest.skip(f"{arxiv_id} PDF fixture not built")
    doc = parse_pdf(pdf_bytes(arxiv_id), arxiv_id=arxiv_id)
    [table] = [t for t in doc.tables if t.caption.startswith(caption)]
    assert row in table.markdown.splitlines()
    text = doc.full_text()
    assert "grid1" not in text and "sunroof1" not in text  # footnote markers glued to words
