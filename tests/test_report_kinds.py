"""Reports that fit the paper: method, no-method (analysis), negative-result and benchmark papers.

The LLM replica's default responder follows the prompt it is sent (its usage labels per kind of
paper, bold key numbers, the limitations label), so these tests show that the prompt asks for the
right shape and that the rest of the pipeline (checks, Markdown, site) takes it as it comes.
"""

from __future__ import annotations

import pytest
from writer_docs import fixture_documents, real_page_document

from paperbrief.config import Settings
from paperbrief.models import Document, Section, Table
from paperbrief.render.markdown import paper_body_markdown
from paperbrief.replica import Replica
from paperbrief.writer import write_report

METHOD_LABELS = {"zh": ["输入", "输出", "流程/使用方式", "硬件与成本", "开源状态"],
                 "en": ["Input", "Output", "Workflow", "Hardware and cost", "Availability"]}
OTHER_LABELS = {"zh": ["研究对象", "数据", "结论", "硬件与成本", "开源状态"],
                "en": ["Subject", "Data", "Findings", "Hardware and cost", "Availability"]}

ANALYSIS = Document(
    arxiv_id="2601.00001",
    title="Do Language Models Know What They Learned?",
    authors=["A. Author"],
    abstract=("We study whether language models can describe behaviours they were fine-tuned to show. "
              "We find that models fine-tuned on risky choices call themselves risk-seeking in 80.5% of cases."),
    sections=[
        Section(heading="1 Introduction", text="Models learn policies from data. We ask whether they can name them."),
        Section(heading="4 Results", text="Self-reports match the trained behaviour in 80.5% of cases, against 12.5% for the base model."),
    ],
)

NEGATIVE = Document(
    arxiv_id="2601.00002",
    title="Lookahead Decoding Does Not Help Small Models",
    authors=["B. Author"],
    abstract=("We propose LookDec, a decoding method that plans two tokens ahead. "
              "On GSM8K LookDec does not improve over greedy decoding: it reaches 41.2 accuracy against 43.5."),
    sections=[
        Section(heading="3 Experiments", text="LookDec reaches 41.2 accuracy on GSM8K; greedy decoding reaches 43.5."),
        Section(heading="5 Limitations", text="We test only models below 2B parameters."),
    ],
    tables=[Table(caption="Table 1: GSM8K accuracy", markdown="| Decoding | Acc |\n|---|---|\n| Greedy | 43.5 |\n| LookDec | 41.2 |")],
)

BENCHMARK = Document(
    arxiv_id="2601.00003",
    title="ToolBench-Lite: A Benchmark for Tool Calls",
    authors=["C. Author"],
    abstract=("We introduce ToolBench-Lite, a benchmark of 1,200 tool-calling tasks. "
              "The best model solves 38.5% of the tasks."),
    sections=[Section(heading="4 Evaluation", text="GPT-4o solves 38.5% of the tasks and a 7B model 12.25%.")],
    links=["https://github.com/example/toolbench-lite"],
)


@pytest.fixture(scope="module")
def llm_replica():
    with Replica(services=("llm",)) as r:
        yield r


def write(r: Replica, doc: Document, lang: str = "zh"):
    settings = Settings(openai_base_url=r.url + "/v1", openai_api_key="sk-kinds-0123456789", model="replica-model",
                        llm_retries=0)
    written = write_report(doc, settings, lang=lang)
    assert written.report is not None and not written.failed
    assert written.ungrounded_numbers == [] and written.flags == []
    return written


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_method_paper_gets_method_labels_and_bold_numbers(llm_replica, lang):
    method = NEGATIVE.model_copy(update={"sections": NEGATIVE.sections[:1], "abstract": NEGATIVE.abstract.split(" On ")[0]
                                         + " It is 2.5× faster than beam search."})
    report = write(llm_replica, method, lang).report
    assert [u.label for u in report.usage] == METHOD_LABELS[lang]
    assert len(report.innovations) == 2 and all("Proposed Method" in i.name or "Empirical" in i.name
                                                 for i in report.innovations)
    assert "**2.5×**" in report.results[0].text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_method_paper_gets_subject_data_findings_and_no_invented_names(llm_replica, lang):
    written = write(llm_replica, ANALYSIS, lang)
    report = written.report
    assert [u.label for u in report.usage] == OTHER_LABELS[lang]
    assert [i.name for i in report.innovations] == (["主要发现"] if lang == "zh" else ["Main finding"])
    assert "proposes a new method" not in report.contribution and "提出了一种新方法" not in report.contribution
    assert "**80.5%**" in report.results[0].text
    md = paper_body_markdown(written, lang)
    assert "**80.5%**" in md and "⚠" not in md


def test_negative_result_is_reported_as_such_with_limitations_last(llm_replica):
    report = write(llm_replica, NEGATIVE).report
    assert [r.label for r in report.results] == ["主要结果", "负面结果", "局限"]
    assert "没有超过基线" in report.results[1].text
    assert not any("超越" in r.text for r in report.results)
    report = write(llm_replica, NEGATIVE, "en").report
    assert [r.label for r in report.results] == ["Main results", "Negative result", "Limitations"]


def test_benchmark_paper_is_not_a_method_paper(llm_replica):
    report = write(llm_replica, BENCHMARK).report
    assert [u.label for u in report.usage] == OTHER_LABELS["zh"]
    assert report.usage[-1].text == "代码地址：https://github.com/example/toolbench-lite"
    assert "**38.5%**" in report.results[0].text


def test_benchmark_fixture_and_real_analysis_paper(llm_replica):
    docs = [d for d in fixture_documents() if d.arxiv_id == "2601.22027"]  # CAR-bench, a benchmark
    real = real_page_document()  # "Tell me about yourself": an analysis paper, no method
    if real is not None:
        docs.append(real)
    if not docs:
        pytest.skip("neither the CAR-bench fixture nor the real page is present")
    for doc in docs:
        report = write(llm_replica, doc).report
        assert [u.label for u in report.usage] == OTHER_LABELS["zh"], doc.arxiv_id
