"""Grounding and reading flags (`empty:usage`, `copies_abstract:results[1]`, `read_fallback`, ...)
as one short sentence a reader understands, in Chinese or English."""

from __future__ import annotations

import re

FIELDS = {
    "zh": {"domain": "应用领域", "contribution": "一句话核心贡献", "usage": "使用指南", "innovations": "主要创新点",
           "results": "实验效果"},
    "en": {"domain": "field", "contribution": "core contribution", "usage": "how to use it",
           "innovations": "key innovations", "results": "results"},
}
TEXT = {
    "zh": {
        "empty": "“{field}”一节为空",
        "wrong_language": "报告大部分不是中文",
        "wrong_language_en": "报告大部分是中文而非英文",
        "copies_abstract": "“{field}”第 {n} 条几乎照抄摘要",
        "read_fallback": "arXiv 暂时无法读取，本条依据 Hugging Face 上的摘要撰写，下次运行会重新读取全文",
        "unread": "未能读取论文",
    },
    "en": {
        "empty": "the “{field}” section is empty",
        "wrong_language": "the report is mostly not in English",
        "wrong_language_en": "the report is mostly not in English",
        "copies_abstract": "{field} item {n} nearly copies the abstract",
        "read_fallback": "arXiv could not be read, so this was written from the Hugging Face abstract; "
                         "the next run reads the full text again",
        "unread": "the paper could not be read",
    },
}


def describe_flag(flag: str, lang: str = "zh") -> str:
    """One readable sentence for a flag; unknown flags are shown as they are."""
    lang = lang if lang in TEXT else "zh"
    t, fields = TEXT[lang], FIELDS[lang]
    kind, _, arg = flag.partition(":")
    m = re.match(r"(\w+)(?:\[(\d+)\])?", arg)
    field = fields.get(m.group(1), m.group(1)) if m else arg
    if kind == "empty":
        return t["empty"].format(field=field)
    if kind == "wrong_language":
        return t["wrong_language_en"] if (lang == "en" or arg == "zh") else t["wrong_language"]
    if kind == "copies_abstract" and m:
        return t["copies_abstract"].format(field=field, n=int(m.group(2) or 0) + 1)
    if kind in ("read_fallback", "unread"):
        return t[kind]
    return flag
