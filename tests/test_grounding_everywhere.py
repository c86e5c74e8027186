"""Numbers to check say so in every chat channel, as in the day's Markdown and the e-mail, for that paper only.

The day is produced the real way against the replica: the first paper (Fast-SAM3D) gets a report that gives
SAM3D the F-Score of 92.59, which the paper's table gives Fast-SAM3D (misattributed), and a 99.97% the paper
never writes (ungrounded); the next two papers get the replica's own reports, whose numbers are the paper's.
"""

from __future__ import annotations

import json

import pytest
from delivery_servers import CHATS, Mailbox, Receiver, in_chat, text_of
from markupsafe import escape
from typer.testing import CliRunner

from paperbrief.cli import app
from paperbrief.deliver.brief import day_brief
from paperbrief.deliver.channels import build_messages
from paperbrief.models import DayEntry, Innovation, LabeledText, ListedPaper, Report, WrittenReport
from paperbrief.render.day import Day

DATE = "2026-02-08"
FIRST = "2602.05293"

REPORT = {
    "zh": {"domain": "计算机视觉 - 3D 生成", "contribution": "提出无需训练的加速框架 Fast-SAM3D，端到端最高加速 2.67 倍。",
           "usage": [{"label": "输入", "text": "单张图像。"}],
           "innovations": [{"name": "步进缓存", "detail": "缓存中间结果以减少计算。"}],
           "results": [{"label": "重建质量", "text": "在 Toys4K 上，SAM3D 的 F-Score 为 92.59，另在 Objaverse 上达到 99.97%。"}]},
    "en": {"domain": "Computer Vision - 3D Generation",
           "contribution": "Fast-SAM3D, a training-free framework that makes 3D generation from one image faster.",
           "usage": [{"label": "Input", "text": "A single image."}],
           "innovations": [{"name": "Step caching", "detail": "Caches intermediate results to save computation."}],
           "results": [{"label": "Quality", "text": "On Toys4K, SAM3D reaches an F-Score of 92.59, and 99.97% on "
                                                    "Objaverse."}]},
}
# The exact sentences (messages.py: flag.ungrounded, flag.misattributed), as the e-mail shows them too.
UNGROUNDED = {"zh": "⚠ 以下数字未能在论文原文中找到，请核对：99.97%",
              "en": "⚠ Numbers not found in the paper's text, please check: 99.97%"}
MISATTRIBUTED = {
    "zh": "⚠ 以下数字论文中有，但未在报告所指的数据集、指标、模型或单位旁找到，可能张冠李戴，请核对：92.59",
    "en": "⚠ Numbers the paper has, but not next to the dataset, metric, model or unit the report ties them to; they "
          "may belong to something else, please check: 92.59",
}


def run(*args: str) -> None:
    result = CliRunner().invoke(app, ["run", DATE, "--no-overview", *args])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_chat_says_which_numbers_to_check(replica_env, tmp_path, monkeypatch, lang):
    monkeypatch.setenv("OPENAI_BASE_URL", replica_env.url + "/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("PAPERBRIEF_MODEL", "replica-model")
    monkeypatch.setenv("PAPERBRIEF_SEND_INTERVAL", "0")
    out = tmp_path / "reports"
    replica_env.services["llm"].script(json.dumps(REPORT[lang], ensure_ascii=False))
    run("--limit", "1", "--lang", lang, "--out", str(out))
    run("--limit", "3", "--lang", lang, "--out", str(out))  # the first paper's report is reused
    day = json.loads((out / f"{DATE if lang == 'zh' else DATE + '.en'}.json").read_text("utf-8"))
    ids = [p["arxiv_id"] for p in day["papers"]]
    assert ids[0] == FIRST
    assert [(p["ungrounded_numbers"], p["misattributed_numbers"], p["flags"]) for p in day["papers"]] == [
        (["99.97%"], ["92.59"], []), ([], [], []), ([], [], [])]

    receiver, mailbox = Receiver(), Mailbox()
    try:
        monkeypatch.setenv("PAPERBRIEF_SMTP_URL", f"smtp://127.0.0.1:{mailbox.port}")
        monkeypatch.setenv("PAPERBRIEF_SMTP_FROM", "pb@example.com")
        args = ["send", "--date", DATE, "--lang", lang, "--to", "mailto:reader@example.com"]
        for kind in CHATS:
            args += ["--to", f"{kind}:{receiver.url(kind)}"]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
        for kind in CHATS:
            whole = "\n".join(text_of(kind, r.json) for r in receiver.of(kind))
            ungrounded, misattributed = in_chat(kind, UNGROUNDED[lang]), in_chat(kind, MISATTRIBUTED[lang])
            assert whole.count(ungrounded) == 1 and whole.count(misattributed) == 1, (kind, whole)
            assert whole.count("⚠") == 2, kind  # no other paper has a number to check
            # under the first paper's contribution, before the second paper
            contribution = whole.index(in_chat(kind, REPORT[lang]["contribution"]))
            second = whole.index(f"https://huggingface.co/papers/{ids[1]}")
            assert contribution < whole.index(ungrounded) < whole.index(misattributed) < second, kind

        # the e-mail says it in the same words
        html = mailbox.parsed(0).get_body(("html",)).get_content()
        assert html.count(str(escape(UNGROUNDED[lang]))) == 1 and html.count(str(escape(MISATTRIBUTED[lang]))) == 1
    finally:
        receiver.close()
        mailbox.close()


@pytest.mark.parametrize(("lang", "lines"), [
    ("zh", ("⚠ 以下数字论文中有，但未在报告所指的数据集、指标、模型或单位旁找到，可能张冠李戴，请核对：12 000",
            "⚠ “实验效果”第 1 条几乎照抄摘要", "⚠ “使用指南”一节为空")),
    ("en", ("⚠ Numbers the paper has, but not next to the dataset, metric, model or unit the report ties them to; "
            "they may belong to something else, please check: 12 000",
            "⚠ Results item 1 nearly copies the abstract", "⚠ the “How to use it” section is empty")),
])
def test_a_chat_entry_lists_the_grounding_flags_and_keeps_the_reports_spelling(lang, lines):
    report = Report(domain="-", contribution="-", usage=[LabeledText(label="-", text="")],
                    innovations=[Innovation(name="-", detail="-")],
                    results=[LabeledText(label="-", text="12 000 tokens/s")])
    written = WrittenReport(report=report, lang=lang, misattributed_numbers=["12,000"],
                            flags=["copies_abstract:results[0]", "empty:usage[0].text"])
    brief = day_brief(Day(date=DATE, lang=lang, entries=[
        DayEntry(paper=ListedPaper(arxiv_id=FIRST, title="T"), written=written)]))
    assert [item.checks for item in brief.items] == [tuple(line.removeprefix("⚠ ") for line in lines)]
    for kind in CHATS:
        whole = "\n".join(text_of(kind, m) for m in build_messages(kind, brief, {}))
        assert all(whole.count(in_chat(kind, line)) == 1 for line in lines), (kind, whole)
