"""Offline token estimate for budgeting the context (no tokenizer is downloaded).

The estimate counts, per run of characters:

- CJK ideographs, kana and Hangul: 1 token per character;
- Latin words (letters, apostrophes): 1 token for up to 4 letters, then 1 more per
  further 4 letters (a 5.5-letter average English word gives ~1.3 tokens, i.e. about
  0.75 words per token, about 4 characters per token with its space);
- digit runs: 1 token per 3 digits (BPE vocabularies of GPT-4-class models split
  numbers into groups of up to three digits);
- any other visible character (punctuation, symbols, LaTeX backslashes): 1 token;
- whitespace: free.

Calibration: the ratios are OpenAI's published rules of thumb for English
(~4 characters or ~0.75 words per token) and the measured behaviour of the
cl100k/o200k, DeepSeek and Qwen vocabularies on Chinese text (between ~0.7 and
~1.3 tokens per character; 1.0 is the middle). `bench/bench_context.py` prints the
estimate beside each fixture's character count. The estimate is meant to err a
little high on English prose (symbol-heavy text such as tables and LaTeX counts
every symbol), so a context built within the budget fits the real window.
"""

from __future__ import annotations

import re

_CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_TOKEN_RE = re.compile(rf"(?P<cjk>[{_CJK}])|(?P<word>[^\W\d_{_CJK}]+(?:'[^\W\d_]+)?)|(?P<digits>\d+)|(?P<other>\S)")


def estimate_tokens(text: str) -> int:
    """Estimated number of tokens of `text` for a GPT-4-class BPE tokenizer."""
    if not text:
        return 0
    n = 0
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup
        if kind == "word":
            n += 1 + (len(m.group()) - 1) // 4
        elif kind == "digits":
            n += (len(m.group()) + 2) // 3
        else:
            n += 1
    return n


def cut_to_tokens(text: str, budget: int) -> str:
    """The longest prefix of `text` within `budget` estimated tokens, cut at a sentence or word end."""
    if budget <= 0:
        return ""
    if estimate_tokens(text) <= budget:
        return text
    n = 0
    end = 0
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup
        cost = 1 + (len(m.group()) - 1) // 4 if kind == "word" else (len(m.group()) + 2) // 3 if kind == "digits" else 1
        if n + cost > budget:
            break
        n += cost
        end = m.end()
    prefix = text[:end]
    # Prefer ending at a sentence boundary when one is in the last 40 % of the prefix.
    cut = max(prefix.rfind(". "), prefix.rfind("。"), prefix.rfind("\n"))
    if cut >= int(len(prefix) * 0.6):
        prefix = prefix[: cut + 1]
    return prefix.rstrip()
