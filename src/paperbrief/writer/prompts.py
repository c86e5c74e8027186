"""The report prompt: template files per language, their version, the messages and the JSON schema.

Templates live in `paperbrief/prompts/report.<lang>.txt`: comment lines, then a
`=== system ===` part and a `=== user ===` part with a `{{paper}}` slot. The version
is "<label>+<first 8 hex of the template's SHA-256>", so editing a template changes it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

LANGS = ("zh", "en")


def _items(first: str, second: str) -> dict[str, Any]:
    """A non-empty array of objects with two required string fields."""
    return {
        "type": "array",
        "minItems": 1,
        "items": {
            "type": "object",
            "required": [first, second],
            "additionalProperties": False,
            "properties": {first: {"type": "string"}, second: {"type": "string"}},
        },
    }


# The per-paper JSON Schema of report-format.md, as sent in response_format.
REPORT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["domain", "contribution", "usage", "innovations", "results"],
    "additionalProperties": False,
    "properties": {
        "domain": {"type": "string"},
        "contribution": {"type": "string"},
        "usage": _items("label", "text"),
        "innovations": _items("name", "detail"),
        "results": _items("label", "text"),
    },
}

RETRY_MESSAGE = {
    "zh": "你上一次的回答不符合要求：{error}\n请重新回答：只输出一个符合上述结构的 JSON 对象，用简体中文撰写。",
    "en": "Your previous answer was not valid: {error}\nAnswer again with only one JSON object in the shape above, in English.",
}


@dataclass(frozen=True)
class Template:
    lang: str
    label: str
    version: str
    system: str
    user: str


def _check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"unknown report language {lang!r}; use zh or en")
    return lang


@cache
def template(lang: str) -> Template:
    """The parsed prompt template of `lang` (zh or en)."""
    raw = resources.files("paperbrief.prompts").joinpath(f"report.{_check_lang(lang)}.txt").read_text("utf-8")
    m = re.search(r"^#\s*label:\s*(\S+)", raw, re.M)
    label = m.group(1) if m else f"report-{lang}"
    digest = hashlib.sha256(raw.encode("utf-8")).hexdigest()[:8]
    body = raw.split("=== system ===", 1)[1]
    system, user = body.split("=== user ===", 1)
    if "{{paper}}" not in user:
        raise ValueError(f"prompt template report.{lang}.txt has no {{{{paper}}}} slot")
    return Template(lang, label, f"{label}+{digest}", system.strip(), user.strip())


def prompt_version(lang: str) -> str:
    """The version of the `lang` prompt: changes whenever its template changes."""
    return template(lang).version


def fence_paper(text: str) -> str:
    """Neutralise anything in the paper that could close or reopen the <paper> delimiter."""
    return re.sub(r"<\s*(/?)\s*paper\s*>", lambda m: f"‹{m.group(1)}paper›", text, flags=re.I)


def build_messages(paper_context: str, lang: str) -> list[dict[str, str]]:
    """The chat messages asking for the report of the paper whose context is given."""
    t = template(lang)
    return [
        {"role": "system", "content": t.system},
        {"role": "user", "content": t.user.replace("{{paper}}", fence_paper(paper_context))},
    ]


def overhead_tokens(lang: str) -> int:
    """Estimated tokens of the prompt around the paper (system + user template)."""
    from paperbrief.writer.tokens import estimate_tokens

    t = template(lang)
    return estimate_tokens(t.system) + estimate_tokens(t.user) + 16
