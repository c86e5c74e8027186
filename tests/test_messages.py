"""The one message catalog: both languages have the same keys, failures and flags read as sentences."""

import re
import string

import pytest

from paperbrief.messages import MESSAGES, describe_failure, describe_flag, msg
from paperbrief.models import FAILURE_KINDS, Failure


def test_both_languages_have_the_same_keys_and_placeholders():
    assert MESSAGES["zh"].keys() == MESSAGES["en"].keys()
    for key in MESSAGES["zh"]:
        fields = [{f for _, f, _, _ in string.Formatter().parse(MESSAGES[lang][key]) if f} for lang in ("zh", "en")]
        if key != "site.month":  # "2026 年 2 月" / "February 2026": the month as a number or a name
            assert fields[0] == fields[1], key


def test_every_failure_kind_has_wording():
    for kind in FAILURE_KINDS:
        for lang in ("zh", "en"):
            assert msg(f"failure.{kind}", lang)
    assert not any(re.search(r"[\u4e00-\u9fff]", MESSAGES["en"][k]) for k in MESSAGES["en"] if k.startswith("failure."))
    assert all(re.search(r"[\u4e00-\u9fff]", MESSAGES["zh"][k]) for k in MESSAGES["zh"]
               if k.startswith("failure.") and k not in ("failure.with_detail",))


def test_failure_reads_summary_then_detail():
    f = Failure(kind="timeout", detail="no answer within 180 s (2 attempts)")
    assert describe_failure(f, "zh") == "大模型请求超时（no answer within 180 s (2 attempts)）"
    assert describe_failure(f, "en") == "the LLM request timed out (no answer within 180 s (2 attempts))"
    assert describe_failure(Failure(kind="refused"), "zh") == "大模型拒绝作答"
    assert describe_failure(None, "en") == "unknown reason"
    assert f.describe("zh") == describe_failure(f, "zh")


@pytest.mark.parametrize("flag, lang, text", [
    ("empty:usage", "zh", "“使用指南”一节为空"),
    ("empty:results", "en", "the “Results” section is empty"),
    ("copies_abstract:innovations[1]", "zh", "“主要创新点”第 2 条几乎照抄摘要"),
    ("copies_abstract:results[0]", "en", "Results item 1 nearly copies the abstract"),
    ("wrong_language:en", "zh", "报告大部分不是中文"),
    ("wrong_language:zh", "en", "the report is mostly not in English"),
    ("something_new", "en", "something_new"),
])
def test_describe_flag(flag, lang, text):
    assert describe_flag(flag, lang) == text


def test_render_and_pipeline_parse_no_english_messages():
    """Decisions read typed fields: no stage tests a string against the wording of a failure."""
    import ast
    from pathlib import Path

    from paperbrief.models import _LEGACY_FAILURES

    prefixes = (*(p for p, _ in _LEGACY_FAILURES), "HTTP 40", "read_fallback")
    root = Path(__file__).resolve().parents[1] / "src" / "paperbrief"
    files = [root / "pipeline.py", *sorted((root / "render").rglob("*.py")), *sorted((root / "cli").rglob("*.py")),
             *sorted((root / "deliver").rglob("*.py"))]
    for path in files:
        tested: list[str] = []
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Compare) and any(isinstance(op, ast.In | ast.NotIn) for op in node.ops):
                tested += [n.value for n in [node.left] if isinstance(n, ast.Constant) and isinstance(n.value, str)]
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in (
                    "startswith", "search", "match", "compile", "endswith"):
                tested += [n.value for arg in node.args for n in ast.walk(arg)
                           if isinstance(n, ast.Constant) and isinstance(n.value, str)]
        found = [t for t in tested if t.startswith(prefixes) or any(p in t for p in prefixes)]
        assert not found, f"{path.name} tests text against failure wording: {found}"
