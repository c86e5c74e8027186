"""The report prompt: template files per language, their version, the messages and the JSON schema.

Templates live in `paperbrief/prompts/report.<lang>.txt`: a header of comment lines
(`#`, or blank), then the parts. A part starts at a line that is exactly its marker,
`=== system ===` then `=== user ===` (the user part holds the `{{paper}}` slot); a marker
mentioned inside a comment or a sentence is just text, so comments never leak into a
part. The version is "<label>+<first 8 hex of the template's SHA-256>", so editing a
template changes it.

The system part is the same bytes for every paper and comes first, so endpoints that
cache prompt prefixes (OpenAI, DeepSeek, vLLM, SGLang) reuse it across papers.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from paperbrief.langs import as_lang


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


# The per-paper JSON Schema of docs/report-format.md, as sent in response_format.
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
    return as_lang(lang)


_MARKER_RE = re.compile(r"^=== (system|user) ===$")


def parse_template(raw: str, name: str = "template") -> tuple[str, str, str | None]:
    """(system, user, label) of a template's text; ValueError naming what is wrong.

    Only whole lines that are exactly a marker start a part; header lines before the
    first marker must be comments (`#`) or blank, and are never part of the prompt.
    """
    parts: dict[str, list[str]] = {}
    current: list[str] | None = None
    label = None
    for n, line in enumerate(raw.splitlines(), 1):
        m = _MARKER_RE.match(line.rstrip())
        if m:
            if m.group(1) in parts:
                raise ValueError(f"{name} line {n}: a second '=== {m.group(1)} ===' part")
            current = parts[m.group(1)] = []
        elif current is not None:
            current.append(line)
        elif line.strip() and not line.lstrip().startswith("#"):
            raise ValueError(f"{name} line {n}: text before '=== system ===' must be a '#' comment")
        elif label is None and (lm := re.match(r"^#\s*label:\s*(\S+)", line)):
            label = lm.group(1)
    if list(parts) != ["system", "user"]:
        raise ValueError(f"{name} needs a '=== system ===' part, then a '=== user ===' part")
    system, user = ("\n".join(parts[k]).strip() for k in ("system", "user"))
    if "{{paper}}" not in user:
        raise ValueError(f"{name} has no {{{{paper}}}} slot in its user part")
    return system, user, label


@cache
def template(lang: str) -> Template:
    """The parsed prompt template of `lang` (zh or en)."""
    raw = resources.files("paperbrief.prompts").joinpath(f"report.{_check_lang(lang)}.txt").read_text("utf-8")
    system, user, label = parse_template(raw, f"prompt template report.{lang}.txt")
    label = label or f"report-{lang}"
    digest = hashlib.sha256(raw.encode("utf-8")).hexdigest()[:8]
    return Template(lang, label, f"{label}+{digest}", system, user)


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
