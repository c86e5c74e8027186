"""Flags read as sentences on the site, in the reader's language."""

import pytest

from paperbrief.render.flags import describe_flag


@pytest.mark.parametrize("flag, lang, text", [
    ("empty:usage", "zh", "“使用指南”一节为空"),
    ("empty:results", "en", "the “results” section is empty"),
    ("copies_abstract:innovations[1]", "zh", "“主要创新点”第 2 条几乎照抄摘要"),
    ("copies_abstract:results[0]", "en", "results item 1 nearly copies the abstract"),
    ("wrong_language:en", "zh", "报告大部分不是中文"),
    ("read_fallback", "zh", "arXiv 暂时无法读取，本条依据 Hugging Face 上的摘要撰写，下次运行会重新读取全文"),
    ("something_new", "en", "something_new"),
])
def test_describe_flag(flag, lang, text):
    assert describe_flag(flag, lang) == text
