"""Offline token estimate for budgeting the context (no tokenizer is downloaded).

The estimate counts, per run of characters:

- CJK ideographs, kana and Hangul: 1 token per character;
- a Latin word: 1 token up to 7 letters, then 1 more per further 4 letters started;
- a digit run: 1 token per 3 digits (GPT-4-class vocabularies split numbers in groups of 3);
- a run of punctuation or symbols: 1 token per 2 characters started;
- whitespace: free.

Calibration (done once, offline, with the cl100k_base and o200k_base vocabularies that
the js-tiktoken npm package ships, on the real arXiv page (see tests/testdata.py) and the Chinese
example report): estimate / real tokens is 1.06-1.17 on English prose (errs high, so a
context built within the budget fits), 1.03 on table Markdown, 0.88-0.90 on reference
lists (which are dropped first), and on Chinese 0.87-0.95 against cl100k and 1.15-1.29
against o200k (Chinese-first vocabularies such as DeepSeek's and Qwen's sit near o200k).
`tests/test_context.py` keeps a few of those measured counts as reference points.
"""

from __future__ import annotations

import re

from paperbrief.langs import CJK, HANGUL

_CJK = CJK + HANGUL  # Hangul syllables cost about a token each, like ideographs
_TOKEN_RE = re.compile(
    rf"(?P<cjk>[{_CJK}])|(?P<word>[^\W\d_{_CJK}]+(?:'[^\W\d_]+)?)|(?P<digits>\d+)|(?P<other>[^\w\s{_CJK}]+|_+)"
)


def _cost(m: re.Match[str]) -> int:
    kind, n = m.lastgroup, len(m.group())
    if kind == "word":
        return 1 if n <= 7 else 1 + (n - 4) // 4  # 8-11 letters: 2, 12-15: 3, ...
    if kind == "digits":
        return (n + 2) // 3
    if kind == "other":
        return (n + 1) // 2
    return 1


def estimate_tokens(text: str) -> int:
    """Estimated number of tokens of `text` for a GPT-4-class BPE tokenizer."""
    if not text:
        return 0
    return sum(_cost(m) for m in _TOKEN_RE.finditer(text))


def cut_to_tokens(text: str, budget: int) -> str:
    """The longest prefix of `text` within `budget` estimated tokens, cut at a sentence or word end."""
    if budget <= 0:
        return ""
    if estimate_tokens(text) <= budget:
        return text
    n = 0
    end = 0
    for m in _TOKEN_RE.finditer(text):
        cost = _cost(m)
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
