"""Grounding: check a written report against the paper it was written from.

Every number in the report's text is looked up in the paper's text
(`Document.full_text()`, which includes table Markdown and LaTeX as `$...$`).
A number matches when the paper has the same value (1,024 = 1024; 92.5 = 92.50)
with a compatible unit: the same unit class, or no unit on either side (tables
often give bare numbers). Unit classes:

- times: `2.67×`, `2.67x`, `2.67 倍`, `2.67-fold`, `2.67 times`, `$2.67\\times$`, `×2.67`
- percent: `50%`, `50 %`, `50 percent`, `50\\%`, `50 个百分点`, `50 pp`
- seconds: `462s`, `462 s`, `462 秒`, `462 sec`, `462 seconds`; likewise ms, minutes, hours
- scale suffixes K / M / B (`7B`, `128K`) are units too, so `7B` never matches a bare 7 used as `7%`.

Skipped as too common or not claims: integers 0-10 without a unit (counts, list
items), four-digit years 1900-2099 without a unit, numbers inside URLs, numbers
that are part of a name (`GPT-4o`, `ResNet-18`, `Qwen2.5`, `ImageNet-1K`, `3D`),
and references to parts of the paper (`Table 3`, `Section 4.2`, `Fig. 5`, `Eq. 2`).

Where a number stands is checked too (`places.misattributed_numbers`): a value the paper has,
but attached there to another dataset, metric, model or unit, is listed in
`misattributed_numbers`.

Flags (short codes, `code:detail`): `empty:<field>` for an empty field,
`wrong_language:<lang>` when the report's text (labels aside) is mostly in another
language than expected (for an extract: the paper's language), `copies_abstract:<field>`
for innovations or results that are copies of the abstract (most of their word 5-grams,
or CJK 8-grams, occur in it); extracts quote the paper by design and are not flagged so.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

from paperbrief.langs import CJK_CHAR, cjk_share, text_language
from paperbrief.models import Document, Report, WrittenReport

_URL_RE = re.compile(r"https?://\S+|www\.\S+")

# A number (with thousands separators and decimals), an optional unit after it.
_UNITS = (
    r"(?P<unit>\s?(?:%|％|\\%)|\s?(?:percent(?:age\s+points?)?|pp\b|个百分点|百分点)"
    r"|\s?(?:×|\\times|x\b|X\b|倍|-?fold\b|times\b)"
    r"|\s?(?:ms\b|毫秒|milliseconds?\b)"
    r"|\s?(?:s\b|秒|secs?\b|seconds?\b)"
    r"|\s?(?:min\b|mins\b|minutes?\b|分钟)"
    r"|\s?(?:h\b|hrs?\b|hours?\b|小时)"
    r"|[KkMB]\b)?"
)
_GRID_RE = re.compile(r"\d+(?:\.\d+)?\s?(?:×|\\times|[xX])\s?\d+(?:\.\d+)?")
_NUMBER_RE = re.compile(r"(?P<pre>[×xX]\s?|\\times\s?)?(?P<num>\d+(?:\.\d+)?[eE][-+−]?\d{1,3}(?!\w|\.\d)|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)" + _UNITS)
PART_REF_RE = re.compile(
    r"(?:table|tab\.|section|sec\.|§|figure|fig\.|eq\.|equation|appendix|algorithm|alg\.|line|step|stage|"
    r"表|图|第|章节|公式|附录)\s*$",
    re.I,
)

_UNIT_CLASS = {
    "%": "percent", "％": "percent", "\\%": "percent", "percent": "percent", "pp": "percent",
    "个百分点": "percent", "百分点": "percent",
    "×": "times", "\\times": "times", "x": "times", "倍": "times", "fold": "times", "times": "times",
    "ms": "ms", "毫秒": "ms", "millisecond": "ms", "milliseconds": "ms",
    "s": "s", "秒": "s", "sec": "s", "secs": "s", "second": "s", "seconds": "s",
    "min": "min", "mins": "min", "minute": "min", "minutes": "min", "分钟": "min",
    "h": "h", "hr": "h", "hrs": "h", "hour": "h", "hours": "h", "小时": "h",
    "k": "K", "m": "M", "b": "B",
}


def _unit_class(unit: str | None, pre: str | None) -> str | None:
    if pre:
        return "times"
    if not unit:
        return None
    u = unit.strip().lstrip("-")
    if u.startswith("percent"):
        return "percent"
    return _UNIT_CLASS.get(u) or _UNIT_CLASS.get(u.lower())


# Scale words after a number: "900 万" is 9,000,000, as is "9 million"; "1.2 亿" 120,000,000.
_SCALE_RE = re.compile(r"\s?(万亿|万|亿|千(?![克米瓦卡字])|(?:thousand|million|billion|trillion)\b)", re.I)
SCALES = {"千": 1000, "万": 10_000, "亿": 100_000_000, "万亿": 10**12,
          "thousand": 1000, "million": 10**6, "billion": 10**9, "trillion": 10**12}


def _value(num: str) -> Decimal | None:
    try:
        return Decimal(num.replace(",", "").replace("−", "-")).normalize()  # "1e-5", "3E−4" too
    except InvalidOperation:
        return None


_GREEK = {"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε", "zeta": "ζ",
          "eta": "η", "theta": "θ", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π",
          "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω"}
_GREEK_RE = re.compile(r"\\(" + "|".join(sorted(_GREEK, key=len, reverse=True)) + r")(?![A-Za-z])")


def normalise_latex(text: str) -> str:
    """Make LaTeX number notation plain: `2.67\\times` -> `2.67×`, `50\\%` -> `50%`, `1{,}024` -> `1,024`."""
    text = text.replace("{,}", ",").replace("\\times", "×").replace("\\%", "%")
    text = re.sub(r"\\[,;:! ]|~", " ", text)
    text = re.sub(r"\\(?:mathbf|textbf|mathrm|text|bm|boldsymbol|underline|emph)\s*", "", text)
    text = _GREEK_RE.sub(lambda m: _GREEK[m.group(1)], text)  # "\rho=0.5" is the "ρ = 0.5" a report writes
    return text.replace("{", "").replace("}", "").replace("$", " ")


def numbers_in(text: str, *, skip_trivial: bool = True) -> list[tuple[str, Decimal, str | None]]:
    """The numbers of `text` as (as written, value, unit class); trivial ones skipped if asked.

    Markdown bold (`**92.59**`, `**2.67**×`) is read through: the number is what is bold.
    """
    return [(w, v, c) for _, _, w, v, c in number_spans(text.replace("**", ""), skip_trivial=skip_trivial)]


def number_spans(text: str, *, skip_trivial: bool = True) -> list[tuple[int, int, str, Decimal, str | None]]:
    """(start, end, as written, value, unit class) of the numbers of `text`, positions in `text` itself."""
    text = _URL_RE.sub(lambda m: " " * len(m.group()), text)
    found: list[tuple[int, int, str, Decimal, str | None]] = []
    for m in _NUMBER_RE.finditer(text):
        start = m.start("num")
        before = text[max(0, start - 24) : start]
        pre = m.group("pre")
        if pre:
            ch = text[m.start() - 1] if m.start() > 0 else " "
            if (pre.strip() in ("x", "X") and (ch.isalnum() or ch == "_")) or (pre.strip() == "×" and ch.isdigit()):
                continue  # the x of a word or a size: "max2", "0x1F", "6x6 grids", "224x224"
            before = text[max(0, m.start() - 24) : m.start()]
        prev = text[m.start() - 1] if m.start() > 0 else " "
        if not pre and prev in "×xX" and m.start() >= 2 and text[m.start() - 2].isdigit():
            continue  # the second side of "20×20"
        if not pre and m.group("num").startswith(".") and prev.isdigit():
            continue  # the tail of a section or version number: "C.4.2", "3.2.1", "v1.2.3"
        if not pre and (prev.isalpha() or prev in "_.@" or (prev == "-" and re.search(r"[A-Za-z][\w.]*-$", before))):
            continue  # part of a name: GPT-4o, ResNet-18, Qwen2.5, Qwen3-32B, Recall@5, v2
        after = text[m.end() : m.end() + 1]
        unit = m.group("unit")
        if unit and unit.strip() in ("×", "x", "X", "\\times") and re.match(r"\s?\d", text[m.end():m.end() + 2]):
            # a grid or an image size, not a speed-up: "6×6 迷宫", "20×20", "224x224"; one number, its first side
            grid = _GRID_RE.match(text, m.start("num"))
            side = _value(m.group("num"))
            if grid and side is not None and not (skip_trivial and side == side.to_integral_value() and side <= 10):
                found.append((m.start("num"), grid.end(), grid.group(), side, None))
            continue
        if not unit and after and (after.isalpha() and not CJK_CHAR.match(after)):
            continue  # 3D, 4o, 2nd
        if not unit and after in (".",) and text[m.end() + 1 : m.end() + 2].isdigit():
            continue  # version strings such as 1.2.3
        value = _value(m.group("num"))
        if value is None:
            continue
        cls = _unit_class(unit, pre)
        scale = None if unit or pre else _SCALE_RE.match(text, m.end())
        if scale:  # "900 万", "9 million": the value, written with its scale word
            value = (value * SCALES[scale.group(1).lower()]).normalize()
            found.append((m.start(), scale.end(), text[m.start():scale.end()], value, None))
            continue
        if skip_trivial and cls is None:
            if PART_REF_RE.search(before):
                continue
            if value == value.to_integral_value() and "." not in m.group("num"):
                if 0 <= value <= 10:
                    continue
                if 1900 <= value <= 2099 and len(m.group("num")) == 4:
                    continue
        raw = m.group(0)
        lead = len(raw) - len(raw.lstrip())
        found.append((m.start() + lead, m.start() + len(raw.rstrip()), raw.strip(), value, cls))
    return found


SPACED_THOUSANDS_RE = re.compile(r"(?<![\d.,])\d{1,3}(?:[ \u00a0\u2009\u202f]\d{3})+(?![\d.,]?\d)")
_NUMBER_WORDS = {"eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
                 "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
                 "fifty": 50}
_SPACED_GROUP_RE = re.compile(r"\d[ \u00a0\u2009\u202f]\d{3}")  # a quick scan for the above


_SCALED = {"K": 1000, "M": 10**6, "B": 10**9}


def grouped(text: str) -> str:
    """The text with thousands grouped by spaces written with commas ("12 000" -> "12,000"), same length."""
    return SPACED_THOUSANDS_RE.sub(lambda m: re.sub(r"\s", ",", m.group()), text)


def spelled_as_in(number: str, texts: Sequence[str]) -> str:
    """`number` as `texts` write it: a "12,000" read from a `grouped` text is given back as the "12 000" the
    text has (`grouped` keeps the length, so the place maps back). Others stay as they are."""
    if "," not in number or any(number in t for t in texts):
        return number
    pattern = re.compile(rf"(?<![\d.,]){re.escape(number)}(?!\d)")
    for text in texts:
        m = pattern.search(grouped(text))
        if m:
            return text[m.start():m.end()]
    return number


_SIZE_IN_NAME_RE = re.compile(r"(?<=[A-Za-z0-9.]-)(\d+(?:\.\d+)?)([BMK])(?![\w.-])", re.I)


class PaperNumbers:
    """The numbers of a paper's text, indexed for lookup by value and unit class."""

    def __init__(self, text: str) -> None:
        self.units: dict[Decimal, set[str | None]] = {}
        text = normalise_latex(text)
        for written, value, cls in numbers_in(text, skip_trivial=False):
            self.units.setdefault(value, set()).add(cls)
            if cls in _SCALED:  # "9M" is also 9,000,000 ("900 万")
                self.units.setdefault((value * _SCALED[cls]).normalize(), set()).add(None)
            elif cls is None and _SCALE_RE.search(written):  # "9 million" is also the 9 of "9M"
                scale = _SCALE_RE.search(written)
                factor = SCALES[scale.group(1).lower()] if scale else 1
                letter = {1000: "K", 10**6: "M", 10**9: "B"}.get(factor)
                if letter:
                    self.units.setdefault((value / factor).normalize(), set()).add(letter)
        for m in _SPACED_GROUP_RE.finditer(text):  # "12 000": the paper's twelve thousand
            start = m.start()
            while start > 0 and m.start() - start < 2 and text[start - 1].isdigit():
                start -= 1
            whole = SPACED_THOUSANDS_RE.match(text, start)
            if whole:
                self.units.setdefault(Decimal(re.sub(r"\D", "", whole.group())), set()).add(None)
        for m in _SIZE_IN_NAME_RE.finditer(text):  # "Llama-953M", "Qwen3-8B": the model's size is the paper's too
            size = Decimal(m.group(1)).normalize()
            self.units.setdefault(size, set()).add(m.group(2).upper())
            self.units.setdefault((size * _SCALED[m.group(2).upper()]).normalize(), set()).add(None)
        for word, count in _NUMBER_WORDS.items():  # "twelve models"
            if (word in text or word.capitalize() in text) and re.search(rf"\b{word}\b", text, re.I):
                self.units.setdefault(Decimal(count), set()).add(None)

    def has(self, value: Decimal, cls: str | None) -> bool:
        units = self.units.get(value)
        if units is None:
            return False
        return cls is None or cls in units or None in units


def report_texts(report: Report) -> Iterable[tuple[str, str]]:
    """(field path, text) for every text of the report."""
    yield "domain", report.domain
    yield "contribution", report.contribution
    for i, u in enumerate(report.usage):
        yield f"usage[{i}].label", u.label
        yield f"usage[{i}].text", u.text
    for i, n in enumerate(report.innovations):
        yield f"innovations[{i}].name", n.name
        yield f"innovations[{i}].detail", n.detail
    for i, r in enumerate(report.results):
        yield f"results[{i}].label", r.label
        yield f"results[{i}].text", r.text


@functools.lru_cache(maxsize=4)
def paper_numbers(paper_text: str) -> PaperNumbers:
    """The value index of a paper's text, built once for the reports checked against the same text
    (a paper's Chinese and English reports, a re-check): indexing a long paper costs ~40 ms."""
    return PaperNumbers(paper_text)


def ungrounded_numbers(report: Report, paper_text: str) -> list[str]:
    """The numbers of the report (as written there) that the paper's text does not contain."""
    index = paper_numbers(paper_text)
    missing: list[str] = []
    for _, text in report_texts(report):
        plain = text.replace("**", "")
        for a, b, _, value, cls in number_spans(grouped(plain)):  # "12 000" is one number, as written
            written = plain[a:b]
            if not index.has(value, cls) and written not in missing:
                missing.append(written)
    return missing


def report_language_ok(text: str, lang: str) -> bool:
    """True unless `text` is mostly in the other language (Chinese reports keep English terms)."""
    share = cjk_share(text)
    return share >= 0.4 if lang == "zh" else share <= 0.3


def _grams(text: str) -> set[str]:
    if CJK_CHAR.search(text) and cjk_share(text) >= 0.5:
        chars = re.sub(r"\s+", "", text)
        return {chars[i : i + 8] for i in range(max(len(chars) - 7, 0))}
    words = re.findall(r"\w+", text.lower())
    return {" ".join(words[i : i + 5]) for i in range(max(len(words) - 4, 0))}


def copies(text: str, source: str, threshold: float = 0.6) -> bool:
    """True when most n-grams of `text` (at least 4 of them) occur in `source`."""
    grams = _grams(text)
    if len(grams) < 4:
        return False
    src = _grams(source)
    return len(grams & src) / len(grams) >= threshold


def report_flags(report: Report, doc: Document, expected_lang: str, *, extract: bool = False) -> list[str]:
    """The flags of a report; an extract (the paper's own sentences) is not flagged for copying the abstract."""
    flags: list[str] = []
    for path, text in report_texts(report):
        if not text.strip():
            flags.append(f"empty:{path}")
    # Language is judged on the written text, not on labels, nor (for an extract) its fixed phrases.
    texts = [t for path, t in report_texts(report) if not path.endswith("label")]
    if extract:
        texts = [t for path, t in report_texts(report)
                 if not path.endswith((".label", ".name")) and path != "domain" and not CJK_CHAR.search(t)]
    if texts and not report_language_ok("\n".join(texts), expected_lang):
        flags.append(f"wrong_language:{'en' if expected_lang == 'zh' else 'zh'}")
    if doc.abstract and not extract:
        for i, n in enumerate(report.innovations):
            if copies(n.detail, doc.abstract):
                flags.append(f"copies_abstract:innovations[{i}]")
        for i, r in enumerate(report.results):
            if copies(r.text, doc.abstract):
                flags.append(f"copies_abstract:results[{i}]")
    return flags


def check_report(written: WrittenReport, doc: Document) -> WrittenReport:
    """Fill `ungrounded_numbers`, `misattributed_numbers` and `flags` of a written report (a copy;
    failed reports pass through). An extract quotes the paper's own sentences, so where its
    numbers stand is the paper's doing: only a language model's report is checked by place."""
    if written.report is None:
        return written
    from paperbrief.places import misattributed_numbers

    paper = doc.full_text()
    expected: str = written.lang
    if written.writer == "extractive":
        expected = text_language(doc.abstract or paper[:4000])  # an extract is in the paper's language
    ungrounded = ungrounded_numbers(written.report, paper)
    misplaced: list[str] = []
    if written.writer == "llm":
        misplaced = [n for n in misattributed_numbers(written.report, doc) if n not in ungrounded]
    return written.model_copy(
        update={
            "ungrounded_numbers": ungrounded,
            "misattributed_numbers": misplaced,
            "flags": report_flags(written.report, doc, expected, extract=written.writer == "extractive"),
        }
    )
