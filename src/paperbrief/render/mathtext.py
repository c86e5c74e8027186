"""Simple inline LaTeX as plain Unicode for readers: `2.67$\\times$` -> `2.67×`, `$\\geq 95\\%$` -> `≥ 95%`.

Documents keep math as its LaTeX (`$alttext$`), which is right for the writer and the
grounding check but reads badly in a report. Only short spans made of numbers, words and
a known set of symbols are rewritten; anything more (fractions, sums, matrices) stays LaTeX.
"""

from __future__ import annotations

import re

SYMBOLS = {
    r"\times": "×", r"\%": "%", r"\pm": "±", r"\mp": "∓", r"\geq": "≥", r"\ge": "≥", r"\leq": "≤",
    r"\le": "≤", r"\neq": "≠", r"\approx": "≈", r"\sim": "~", r"\simeq": "≃", r"\rightarrow": "→",
    r"\to": "→", r"\leftarrow": "←", r"\Rightarrow": "⇒", r"\cdot": "·", r"\circ": "°", r"\degree": "°",
    r"\infty": "∞", r"\ll": "≪", r"\gg": "≫", r"\uparrow": "↑", r"\downarrow": "↓",
    r"\alpha": "α", r"\beta": "β", r"\gamma": "γ", r"\delta": "δ", r"\epsilon": "ε", r"\varepsilon": "ε",
    r"\theta": "θ", r"\lambda": "λ", r"\mu": "μ", r"\pi": "π", r"\rho": "ρ", r"\sigma": "σ", r"\tau": "τ",
    r"\phi": "φ", r"\varphi": "φ", r"\omega": "ω", r"\Delta": "Δ", r"\Omega": "Ω", r"\ell": "ℓ",
    r"\,": " ", r"\;": " ", r"\!": "", r"\ ": " ", "~": " ",
}
SUPERSCRIPT = str.maketrans("0123456789+-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻")
SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")

# Pandoc's rule for inline math: no space just inside either dollar, no digit right after the closing one
# (so "costs $5 and $6" is money, not math).
_SPAN = re.compile(r"(?<![\\$])\$(?=\S)([^$\n]{0,79}[^\s$\\])\$(?![$\d])")
_COMMAND = re.compile(r"\\[A-Za-z]+|\\[%,;! ]")
_WRAPPER = re.compile(r"\\(?:mathrm|text|textbf|mathbf|textit|mathit|operatorname)\{([^{}]*)\}")


def _symbol(m: re.Match[str]) -> str:
    return SYMBOLS.get(m.group(0), m.group(0))


def _plain(body: str) -> str | None:
    """The span as plain text, or None when it is more than simple symbols."""
    text = _WRAPPER.sub(r"\1", body)
    text = _COMMAND.sub(_symbol, text)
    text = text.replace("~", " ")
    text = re.sub(r"\^\{([0-9+\-]+)\}|\^([0-9])", lambda m: (m.group(1) or m.group(2)).translate(SUPERSCRIPT), text)
    text = re.sub(r"_\{([0-9]+)\}|_([0-9])", lambda m: (m.group(1) or m.group(2)).translate(SUBSCRIPT), text)
    text = re.sub(r"\{([^{}]*)\}", r"\1", text)
    if re.search(r"[\\^_{}]", text):
        return None
    return re.sub(r"\s+", " ", text).strip()


def tidy_math(text: str) -> str:
    """Rewrite the simple inline math spans of `text` as Unicode; leave the rest untouched."""
    if "$" not in text:
        return text

    def repl(m: re.Match[str]) -> str:
        plain = _plain(m.group(1))
        return m.group(0) if plain is None else plain

    return _SPAN.sub(repl, text)
