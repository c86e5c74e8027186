"""Numbers in the right place: is a report's number attached to what the paper attaches it to?

`checks.ungrounded_numbers` asks whether a value occurs in the paper at all. This module
asks where: "HotpotQA 上加速 2.18 倍" is wrong when the paper's 2.18× belongs to another
benchmark, even though 2.18× is in the paper. For every number of a report it finds the
paper's occurrences of that value and the *place* of each:

- in running text, the sentence part it is in (sentences are split at `;` and `:` too), with
  the section heading; a part that names nothing inherits the names of the part before it;
- in a table, its row (the row label and cells), its column header and the caption.

The report side names things around its number: Latin-script names (datasets, benchmarks,
models, metrics: `HotpotQA`, `F-Score`, `Qwen3-8B`, `Recall@5`, `A100`), and the Chinese or
English words of a small glossary of evaluation terms (准确率 = accuracy, 消歧 =
disambiguation, ...). Only names the paper uses somewhere can be checked; an abbreviation the
paper defines ("Aria Digital Twin (ADT)") stands for its long form. Names in the clause of the
number (the text between Chinese or English commas and semicolons) must all be in the place;
when the clause names nothing, one name of its sentence (or the item's label) must be. In a
sentence with several numbers, a name bound to another number (at most three words from it,
nearer to it, or at the same position of a parallel list: "on A and B ... 19.6 and 6.9")
does not count for this one. Names that occur in the paper's title (its own method) are not
required, since papers write "it" or "ours" for them.

Units must agree: the report's `%` is not the paper's `points` (个百分点), and a bare number
in the paper only takes a unit its place states (a column "Speedup" or "(%)", a caption "in
seconds"). Counts with nouns ("8 张 A100", "3 个数据集", "4 B200 GPUs") must find the same
count next to that noun in the paper. A size written with a scale letter ("a 3B baseline", "100B
tokens", "256k") is a quantity checked like any number, against the paper's same value with the
same scale; glued to a name ("Qwen3-8B", "Llama 3 70B", "HR-Bench 4K") it is part of the name.
A name with a qualifying number ("Level 1") does not fit a place naming a sibling ("Level 2").

Where the report points at a table, the table decides: a small value right after a column
header ("batch size 为 1") must be in that column; a count the table gives per row, for a row
the clause names, must be that row's; a number the report gives "Table 1" or "Figure 8" must be
in that table or figure, or in a sentence citing it.

A number is misattributed when every occurrence of its value in the paper fails these
tests; a number whose value is nowhere in the paper is left to the ungrounded check.
`bench/bench_numbers.py` measures precision and recall on a labelled set.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache

from paperbrief.checks import (
    PART_REF_RE,
    grouped,
    normalise_latex,
    number_spans,
    numbers_in,
    report_texts,
    spelled_as_in,
)
from paperbrief.models import Document, Report

# -- the glossary: evaluation terms a Chinese report translates ---------------------------------
# (kind, Chinese terms, English alternatives). An English alternative matches at a word start, so
# plurals and derived forms match too. Kinds: "metric" (what a number measures), "term" (a task,
# setting or subject a number belongs to), "noun" (what is counted: only used for counts).
GLOSSARY: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    ("metric", ("准确率", "正确率", "精度", "准确度"), ("accuracy", "accurate", "acc")),
    ("metric", ("召回率", "召回"), ("recall",)),
    ("metric", ("精确率", "查准率"), ("precision",)),
    ("metric", ("成功率",), ("success", "solve")),
    ("metric", ("攻击成功率",), ("attack success",)),
    ("metric", ("误报率", "假阳性率"), ("false positive", "false-positive")),
    ("metric", ("误拒率", "错误拒绝率", "过度拒绝率"), ("false refusal", "over-refusal")),
    ("metric", ("错误率", "误差"), ("error",)),
    ("metric", ("词错误率", "字错误率"), ("word error", "wer", "cer")),
    ("metric", ("加速比", "加速", "提速"), ("speedup", "speed-up", "speeds up", "speed up", "sped up", "faster", "accelerat")),
    ("metric", ("延迟", "时延", "耗时", "用时", "推理时间"), ("latency", "seconds", "time")),
    ("metric", ("运行时间",), ("runtime", "run time")),
    ("metric", ("学习率",), ("learning rate", "lr")),  # a table's "LR" column
    ("metric", ("吞吐量", "吞吐"), ("throughput",)),
    ("metric", ("内存", "显存"), ("memory",)),
    ("metric", ("困惑度",), ("perplexity", "ppl", "confusion")),  # also said of confusion ("困惑")
    ("metric", ("混淆度", "混淆程度"), ("confusion", "confused")),
    ("metric", ("相互理解", "理解程度"), ("mutual understanding", "understanding")),
    ("noun", ("得分", "分数", "评分"), ("score",)),
    ("metric", ("对齐分数",), ("alignment",)),
    ("metric", ("失准率", "失准"), ("misalignment", "misaligned")),
    ("metric", ("胜率",), ("win rate", "win")),
    ("metric", ("接受率",), ("acceptance", "accept")),
    ("metric", ("开销",), ("overhead",)),
    ("metric", ("速度", "训练速度", "推理速度"), ("speed", "faster", "fast")),
    ("metric", ("精确匹配",), ("exact-match", "exact match", "em")),
    ("metric", ("保真度",), ("fidelity",)),
    ("metric", ("一致性",), ("consistency", "consistent")),
    ("metric", ("质量",), ("quality",)),
    ("metric", ("效率",), ("efficiency", "efficient")),
    ("metric", ("成本", "费用", "花费"), ("cost",)),
    ("metric", ("鲁棒性",), ("robust",)),
    ("metric", ("总分",), ("total score",)),
    ("metric", ("相关性", "相关系数"), ("correlation",)),
    ("term", ("一致成功率", "一致"), ("consistent",)),
    ("term", ("基础任务",), ("base",)),
    ("term", ("消歧任务", "消歧"), ("disambiguation", "disamb")),
    ("term", ("幻觉任务", "幻觉"), ("hallucination", "halluc")),
    ("term", ("思考模式",), ("thinking",)),
    ("term", ("定理级",), ("theorem-level", "theorem")),
    ("term", ("论文级",), ("paper-level",)),
    ("term", ("稠密注意力",), ("dense attention",)),
    ("term", ("稀疏注意力",), ("sparse attention",)),
    ("term", ("标签预测",), ("label prediction",)),
    ("term", ("金融",), ("finance", "financial")),
    ("term", ("法律",), ("law", "legal")),
    ("term", ("数学",), ("mathematic", "math")),
    ("term", ("医疗", "医学"), ("medical", "medicine", "clinical")),
    ("noun", ("数据集",), ("dataset", "data set")),
    ("noun", ("基准",), ("benchmark",)),
    ("noun", ("任务",), ("task",)),
    ("noun", ("语言",), ("language",)),
    ("noun", ("领域",), ("domain",)),
    ("noun", ("工具",), ("tool",)),
    ("noun", ("策略",), ("polic",)),
    ("noun", ("场景", "子场景"), ("scenario", "sub-scenario")),
    ("noun", ("查询",), ("quer",)),
    ("noun", ("模型",), ("model",)),
    ("noun", ("层",), ("layer",)),
    ("noun", ("参数",), ("parameter",)),
    ("noun", ("图像", "图片"), ("image",)),
    ("noun", ("视频",), ("video",)),
    ("noun", ("帧",), ("frame",)),
    ("noun", ("环境",), ("environment",)),
    ("noun", ("步",), ("step",)),
    ("noun", ("轮", "迭代"), ("iteration", "round", "epoch", "turn")),
    ("noun", ("次",), ("times", "attempt", "run")),
    ("noun", ("显卡", "卡", "GPU"), ("gpu",)),
    ("noun", ("数据点", "样本"), ("data point", "datapoint", "sample", "example")),
    ("noun", ("随机种子", "种子"), ("seed", "run")),  # "# Runs": repeated runs with different seeds
    ("noun", ("问题",), ("question",)),
    ("noun", ("改写", "释义"), ("paraphrase", "reword")),
    ("noun", ("名词",), ("noun",)),
    ("noun", ("词元",), ("token",)),
    ("noun", ("专家",), ("expert",)),
    ("noun", ("对话",), ("dialog", "conversation")),
    ("noun", ("智能体",), ("agent",)),
    ("noun", ("标注者", "标注员"), ("annotator",)),
    # Things a number belongs to: parts of a model, kinds of data and of setting (required in the place).
    ("term", ("解码器",), ("decoder",)),
    ("term", ("编码器",), ("encoder",)),
    ("term", ("生成器",), ("generator",)),
    ("term", ("判别器",), ("discriminator",)),
    ("term", ("检索器",), ("retriever",)),
    ("term", ("奖励模型",), ("reward model",)),
    ("term", ("网格",), ("mesh",)),
    ("term", ("潜在", "潜变量", "隐变量", "隐空间"), ("latent",)),
    ("term", ("纹理",), ("texture",)),
    ("term", ("开放式", "开放性"), ("open-ended",)),
    ("term", ("简答", "短答", "短文本"), ("short-form", "short-answer")),
    ("term", ("兴趣点",), ("point of interest", "points of interest", "poi")),
    ("term", ("音频",), ("audio",)),
    ("term", ("文本",), ("text",)),
    ("term", ("稀疏",), ("sparse", "sparsit")),
    ("term", ("稠密",), ("dense",)),
    ("term", ("未调整",), ("unadjusted",)),
    ("term", ("调整后",), ("adjusted",)),
    ("term", ("成员推断",), ("membership inference",)),
    ("term", ("后门",), ("backdoor",)),
    ("term", ("触发词", "触发器"), ("trigger",)),
    ("term", ("反转",), ("reversal", "reversed")),
    ("term", ("自报", "自评", "自述", "自我报告"), ("self-report",)),
    ("term", ("不安全",), ("unsafe", "insecure")),
    ("term", ("易受攻击", "有漏洞", "漏洞"), ("vulnerab",)),
    ("term", ("迷宫",), ("maze",)),
    ("term", ("拼图",), ("puzzle",)),
    ("term", ("补全",), ("completion",)),
    ("term", ("过早",), ("premature",)),
    ("term", ("遗漏",), ("omission", "omit")),
    ("term", ("编造", "捏造"), ("fabricat",)),
    ("term", ("强相关",), ("strong",)),
    ("term", ("弱相关",), ("weak",)),
    # Words that describe a row or a column without being required (the paper may phrase them otherwise).
    ("word", ("代码",), ("code",)),
    ("word", ("安全",), ("safe", "secur")),
    ("word", ("微调",), ("finetun", "fine-tun", "ft")),
    ("word", ("比例", "占比", "比率"), ("rate", "ratio", "share", "proportion", "fraction", "percentage")),
    ("word", ("概率",), ("probabilit", "chance", "likelihood")),
    ("word", ("风险",), ("risk",)),
    ("word", ("倾向", "偏好"), ("predisposition", "preference", "tendenc", "propensit")),
    ("word", ("词表", "词汇表"), ("vocabular", "word list", "list of words")),
    ("word", ("实际",), ("actual",)),
    ("word", ("基座", "基础模型"), ("base",)),
    ("word", ("行动", "动作"), ("action",)),
    ("word", ("平均",), ("average", "mean", "avg")),
    ("word", ("最佳", "最好"), ("best",)),
    ("word", ("阶段",), ("stage", "phase")),
    ("word", ("节省",), ("saving", "save")),
    ("word", ("对齐",), ("align",)),
    ("word", ("相关",), ("correlat",)),
    ("word", ("检索",), ("retriev",)),
    ("word", ("结构",), ("structur",)),
    ("word", ("几何",), ("geometr",)),
    ("word", ("猜中", "猜对", "猜测", "猜"), ("guess",)),
    ("word", ("导航",), ("navigat",)),
    ("word", ("人类",), ("human",)),
]

# English words too common to name anything in an English report (they translate a Chinese term only).
_EN_COMMON = frozenset(["strong", "weak"])
_GLOSSARY_LONGEST_FIRST = sorted(GLOSSARY, key=lambda g: -max(len(z) for z in g[1]))
_EN_TERMS = {en: (kind, ens) for kind, _, ens in GLOSSARY for en in ens if len(en) >= 4 and en not in _EN_COMMON}
# A glossary noun written in English inside a Chinese sentence ("Token", "epochs"): kind and English forms
_EN_WORDS = {en: (kind, ens) for kind, _, ens in GLOSSARY if kind == "noun" for en in ens if en.isalpha()}
_EN_GLOSSARY_RE = re.compile(
    r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in sorted(_EN_TERMS, key=len, reverse=True)) + r")\w*(?![@*\w])",
    re.I)

# A Latin-script name: a word with a capital after its first letter, a digit, or an inner hyphen,
# @, asterisk or caret (HotpotQA, vIoU, A100, Toys4K, F-Score, Recall@5, V*, Pass^3), or an all-capitals word.
_WORD_RE = re.compile(r"[A-Za-z\u0370-\u03ff][\w\u0370-\u03ff²³]*(?:[-@*/.+^][\w\u0370-\u03ff²³]+)*\*?")
_STOP = frozenset(
    ["a", "an", "the", "on", "in", "at", "of", "for", "to", "by", "with", "and", "or", "as", "is", "are", "was", "were", "be", "from", "than", "that", "this", "these", "those", "it", "its", "we", "our", "ours", "their", "they", "you", "your", "he", "she", "his", "her", "them", "my", "me", "which", "while", "when", "where", "after", "before", "up", "down", "over", "under", "into", "per", "via", "about", "between", "across", "within", "without", "versus", "vs", "also", "even", "only", "more", "most", "less", "least", "all", "each", "every", "both", "any", "some", "such", "not", "no", "yes", "can", "may", "will", "would", "should", "could", "has", "have", "had", "do", "does", "did", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "table", "figure", "fig", "section", "sec", "appendix", "eq", "equation"]
)

_NUMBER_WORDS = {1: ("one", "single", "a", "an"), 2: ("two", "both", "pair"), 3: ("three",), 4: ("four",),
                 5: ("five",), 6: ("six",), 7: ("seven",), 8: ("eight",), 9: ("nine",), 10: ("ten",),
                 11: ("eleven",), 12: ("twelve",), 20: ("twenty",), 100: ("hundred",)}

_UNIT_WORDS = {
    "percent": re.compile(r"%|percent|\(\s*%\s*\)", re.I),
    "pp": re.compile(r"\bpoints?\b|\bpts?\b|\bpp\b", re.I),
    "times": re.compile(r"×|\bx\b|speed-?up|faster|\btimes\b|fold", re.I),
    "s": re.compile(r"\bseconds?\b|\bsec\b|\(s\)|latency|\btime\b", re.I),
    "ms": re.compile(r"\bms\b|millisecond", re.I),
    "min": re.compile(r"\bmin(?:ute)?s?\b", re.I),
    "h": re.compile(r"\bhours?\b|\bh\b|\bhrs?\b", re.I),
}
_PP_AFTER = re.compile(r"^\s*(?:percentage\s+)?(?:points?|pts?|pp)\b", re.I)
# Sentences end at . ! ? before a capital, after 。！？, before a list item on a new line ("- ", "2. "), and at a
# blank line (a paragraph, or a code block, ends there).
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?。！？])\s+(?=[A-Z(\[\"“])|(?<=[。！？])|\n+(?=[ \t]*(?:[-•*]|\d{1,2}\.)[ \t])|"
                             r"\n[ \t]*\n\s*")
# Sentence parts: after ";" or ": " (before a lowercase word), and the clauses ", and", ", while",
# ", whereas", ", but", ", compared with" start, so a name in one clause does not vouch for
# a number of another ("On MuSiQue it reaches 64.9%, ..., and on HoVer it improves ... by 18.7%").
_PART_SPLIT = re.compile(r";\s+|:\s+(?=[a-z])|,\s+(?=(?:and|while|whereas|but|compar(?:ed|ing)\s+(?:with|to)|against)\b)")
_CONTRAST = re.compile(r"(?:while|whereas|but|compar(?:ed|ing)\s+(?:with|to)|against)\b", re.I)
# A setting phrase ("on HoVer", "in the three-task setting") names the scope of its own clause only.
_SETTING_ITEM = r"[\w\u0370-\u03ff²³*@.+-]+(?:\s+(?-i:[A-Z0-9])[\w²³*@.+-]*){0,3}"
_SETTING = re.compile(rf"\b(?:on|in|at|for|across|under|with)\s+(?:the\s+)?{_SETTING_ITEM}"
                      rf"(?:(?:\s*,\s*{_SETTING_ITEM})*,?\s+(?:and|or)\s+{_SETTING_ITEM})?", re.I)
_PLACING = frozenset(["on", "in", "at", "across", "under"])
_COUNT_ZH = re.compile(r"(?<![\d.,])(\d{1,4})\s*(?:或\s*\d+\s*)?(张|块|台|个|种|项|次|条|篇|名|位|组|类|轮|层|步)"
                       r"\s*((?:[A-Za-z][\w-]*|[^\x00-\x7f，。；、：（）\d]|[ \t])+)?")
_COUNT_EN = re.compile(r"(?<![\d.,$])\b(\d{1,4})\s+((?:[A-Za-z][\w-]*\s+){0,2}?[A-Za-z][\w-]*s)\b")


def _counts_in(pattern: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """The counts `pattern` finds in `text`, less references to parts of the paper ("Table 2 reports …",
    "表 3 个"): the number after "Table" names the table, it counts nothing."""
    return [m for m in pattern.finditer(text) if not PART_REF_RE.search(text[max(0, m.start() - 24):m.start()])]


def _word_pattern(word: str) -> str:
    """A regex for `word` as a whole token (plural allowed for plain lowercase words)."""
    w = re.escape(word)
    if word.replace(" ", "").replace("-", "").isalpha() and word.islower():
        return rf"(?<![\w-]){w}\w*" if len(word) > 3 else rf"(?<![\w-]){w}s?\b(?!-)"  # acc, em, runs: whole words
    return rf"(?<![\w\-@*]){w}(?![\w@*]|-(?-i:[A-Z0-9]))"


@dataclass(frozen=True)
class Name:
    """A thing a report names: its surface form, its kind and the regexes that find it in the paper."""

    text: str
    patterns: tuple[str, ...]
    kind: str = "name"  # name (a Latin-script name) | metric | term | noun (glossary kinds)
    base: str = ""  # for a variant ("Level 1", "HR-Bench 8K"): the regex of the name it qualifies

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile("|".join(self.patterns), re.I)


_CJK = re.compile(r"[\u4e00-\u9fff]")


_NEGATED = re.compile(r"(?i)non-[a-z]+$")


def _latin_names(text: str) -> list[str]:
    """Latin-script names in `text`: a capital after the first letter, a digit, an inner hyphen, @ or *,
    or a capitalised word not opening a sentence; in Chinese text any Latin word that is not a stop word."""
    cjk = bool(_CJK.search(text))
    names = []
    for m in _WORD_RE.finditer(text):
        w = m.group(0).rstrip(".")
        if len(w) < 2 or w.lower() in _STOP or _NEGATED.match(w):
            continue  # "non-finetuned GPT-4o": a place says it by leaving the qualifier out (the "GPT-4o" column)
        start = m.start()
        if start > 0 and text[start - 1].isdigit() and re.fullmatch(r"[eE][-+−]?\d+", w):
            continue  # the exponent of "2e-5", a number
        sentence_start = start == 0 or re.search(r"[.!?。！？]\s*$", text[:start]) is not None
        inner_cap = any(c.isupper() for c in w[1:])
        special = any(c.isdigit() or c in "-@*/+²" for c in w)
        quoted = text[start - 1:start] in ("“", '"', "‘", "'") and text[m.end():m.end() + 1] in ("”", '"', "’", "'")
        if inner_cap or special or quoted or (w[0].isupper() and not sentence_start) or (cjk and len(w) >= 3):
            names.append(w)
    return names


def _variant(text: str, word: str) -> Name | None:
    """A capitalised name followed by a number that qualifies it ("Level 1", "HR-Bench 8K", "Gemini 3"):
    a variant, found where the paper writes the name with that number or with none, never with another
    number (there it names a sibling: "Level 2"). None when `word` is not written so in `text`."""
    if not word[0].isupper():
        return None
    m = re.search(rf"(?<![\w-]){re.escape(word)}\s+(\d{{1,3}}(?:\.\d)?[KkMB]?)(?![\w.%])", text)
    if m is None:
        return None
    base = _word_pattern(word)
    pattern = rf"{base}(?:\s+{re.escape(m.group(1))}(?!\w|\.\d)|(?!\s+\d))"
    return Name(f"{word} {m.group(1)}", (pattern,), base=base)


def report_names(text: str, kinds: tuple[str, ...] = ("name", "metric", "term")) -> list[Name]:
    """The names a stretch of report text mentions: Latin names and glossary terms of the given kinds."""
    return list(_report_names(text, kinds))


@lru_cache(maxsize=4096)
def _report_names(text: str, kinds: tuple[str, ...]) -> tuple[Name, ...]:  # a clause is read several times
    out: list[Name] = []
    if "name" in kinds:
        cjk = bool(_CJK.search(text))
        for w in _latin_names(text):
            term = _EN_WORDS.get(w.lower().removesuffix("s")) if cjk else None
            if term is None:
                out.append(_variant(text, w) or Name(w, (_word_pattern(w),)))
            elif term[0] in kinds:  # "100B 音频 Token": an English noun in a Chinese sentence is the glossary's word
                out.append(Name(w.lower(), tuple(_word_pattern(e) for e in term[1]), term[0]))
    covered = text
    for kind, zhs, ens in _GLOSSARY_LONGEST_FIRST:
        hit = next((z for z in zhs if z in covered), None)
        if hit is not None:
            covered = covered.replace(hit, " ")
            if kind in kinds:
                out.append(Name(hit, tuple(_word_pattern(e) for e in ens), kind))
    for m in _EN_GLOSSARY_RE.finditer("" if _CJK.search(text) else text):  # in Chinese text, Latin words are names
        word = m.group(0).lower()
        key = next((k for k in _EN_TERMS if word.startswith(k.lower())), None)
        if key is None:
            continue
        kind, ens = _EN_TERMS[key]
        if kind in kinds and not any(n.text.lower() == word for n in out):
            out.append(Name(word, tuple(_word_pattern(e) for e in ens), kind))
    return tuple(out)


# -- the paper's places ---------------------------------------------------------------------------


@dataclass
class Occurrence:
    """One place where a value occurs in the paper."""

    unit: str | None  # percent | pp | times | s | ms | min | h | K | M | B | None (bare)
    place: str  # the text names are looked for in
    unit_text: str  # where a bare number's unit may be stated (column header, caption, the part)
    bound_elsewhere: list[tuple[int, int]] = field(default_factory=list)  # spans of `place` bound to other numbers
    bound_here: list[tuple[int, int]] = field(default_factory=list)  # spans of `place` bound to this number
    others: str = ""  # in a table: the other rows' labels and the other columns' headers, one a line
    specific: str = ""  # in a table: this row's label, then this column's header
    scope: tuple[int, int] | None = None  # the span of `place` a name must be in (None: all of it)
    carried: str = ""  # names of the sentence's earlier parts (their setting phrases removed) also count
    context: str = ""  # the sentence before and the headings above: a translated term may be named there
    percent_scale: bool = False  # a bare number in a column of rates on a 0-100 scale (a "%" may be written)
    rows: tuple[str, ...] = ()  # in a table: the row labels, this cell's first
    row_values: tuple[frozenset[Decimal], ...] = ()  # in a table: the values of each row, this cell's first
    columns: tuple[str, ...] = ()  # in a table: the column headers, this cell's first
    tail_elsewhere: list[tuple[int, int]] = field(default_factory=list)  # words right after other numbers, theirs
    change_subject: list[tuple[int, int]] = field(default_factory=list)  # "X lowers WER from this to y": X
    counts_what: str = ""  # the words right after the number, up to a preposition: "65% fewer tokens" -> "fewer tokens"
    near: str = ""  # the three words before the number and what it counts
    at: int = -1  # in prose: where the number starts in `place`
    corner: str = ""  # in a table: the header of the row labels ("Codeword", "Model"): what the rows are

    def in_scope(self, span: tuple[int, int]) -> bool:
        return self.scope is None or self.scope[0] <= span[0] < self.scope[1]


def _fine_unit(cls: str | None, written: str) -> str | None:
    if cls == "percent" and re.search(r"百分点|\bpp\b|points?", written, re.I):
        return "pp"
    return cls


def _words(text: str) -> list[tuple[int, int]]:
    """The spans of the words of `text` (split at spaces and , ; : brackets, without a closing period; a
    number with thousands separators, 130,000, is one word)."""
    return [(m.start(), m.end() - (m.group().endswith(".") and len(m.group()) > 1))
            for m in re.finditer(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?![\d,])|[^\s,;:()]+", text)]


def _word_index(spans: list[tuple[int, int]], pos: int) -> int:
    for i, (a, b) in enumerate(spans):
        if a <= pos < b:
            return i
    return max(0, sum(1 for a, _ in spans if a < pos) - 1)


_LIST_ITEM = r"(?!(?:and|or|the|on|in|of|to|by)\b)[A-Za-z\u0370-\u03ff][\w\u0370-\u03ff²³*@.+-]*(?:\s[A-Z0-9][\w²³*@.+-]*){0,3}"
_NAME_LIST_RE = re.compile(rf"({_LIST_ITEM})((?:,\s*{_LIST_ITEM})*),?\s+and\s+({_LIST_ITEM})")
_NUM_LIST_RE = re.compile(r"(?<!between\s)(\d[\d.,]*%?)((?:,\s*\d[\d.,]*%?)*),?\s+and\s+(\d[\d.,]*%?)")


_BARRIER = re.compile(r"^(?:and|versus|vs\.?|compared|comparing|than|while|whereas|but|against|or)$", re.I)
# "19.6 and 6.9", "from 11.4% to 9.8%", "从 84.8% 提升到 95.8%": one list or one change, sharing its words
_TIGHT_LINK = re.compile(r"^\s*(?:%\s*)?(?:,\s*(?:and\s+)?|and|or|to|-|–|"
                         r"(?:提升|提高|增加|增长|上升|降低|下降|减少|缩短|升|降|增|减)?\s*(?:到|至))\s*$", re.I)
# "compared with 19.8% for ChatGPT and 27.0% for Gemini": later values of a comparison are compared too
_CHAIN_LINK = re.compile(r"^\s*(?:%\s*)?\s*(?:for|of|on|by)\s+[^,;:]{1,40}?(?:,\s*(?:and\s+)?|\s+and\s+)$", re.I)
_BASELINE_CHAIN_LINK = re.compile(r"^\s*%?\s*(?:over|than|against)\s+[^,;:]{1,30}?\s+and\s*$", re.I)
_SHARED_SETTING = re.compile(r"^\s*%?\s*(?:over|than|against)\s+[^,;:]{1,30}?\s(?:on|in|at|across)\s+(?:the\s+)?$", re.I)
_SETTING_CHAIN_LINK = re.compile(r"^\s*%?\s*(?:on|in|at|for)\s+[^,;:]{1,30}?\s+and\s*$", re.I)
_COMPARE_LINK = re.compile(r"^\s*(?:%|[^\s,;]{1,12})?\s*,?\s*(?:versus|vs\.?|compar(?:ed|ing)\s+(?:with|to)|against|than)\s*$",
                           re.I)


Spans = set[tuple[int, int]]


def _bindings(part: str, numbers: list[tuple[int, int]]) -> tuple[dict[tuple[int, int], Spans],
                                                                     dict[tuple[int, int], Spans]]:
    """For each number of a text part, the spans of the words bound to it, and of those among
    them that follow it (a word after a number qualifies that number: "28% over GRPO").

    A word before a number is bound to it when at most three words lie between with no comma
    and no "and", "versus", "than"... ("F-Score of 89.90", "accuracy by 2.8"); a word after a
    number likewise to the nearest number before it ("2.6% on AIME24"). Numbers joined as a
    list or range ("19.6 and 6.9 points", "from 11.4% to 9.8%") share the words bound to any of
    them; numbers compared ("89.90, compared with 90.05 for SAM3D") share only the words before
    the first. Items of a list of names "A, B and C" are bound, in order, to the numbers of a
    list of the same length ("On A and B ... by 19.6 and 6.9"), and to nothing else.
    """
    bound: dict[tuple[int, int], Spans] = {n: set() for n in numbers}
    tails: dict[tuple[int, int], Spans] = {n: set() for n in numbers}
    if not numbers:
        return bound, tails
    words = _words(part)
    number_at: dict[int, tuple[int, int]] = {}
    for n in numbers:
        number_at.setdefault(_word_index(words, n[0]), n)
    tight = {n: {n} for n in numbers}
    compared = {n: {n} for n in numbers}
    ordered = sorted(numbers)
    chained = {n: {n} for n in numbers}  # "over GRPO by 2.6% on AIME24 and 9.0% on AIME25": GRPO is both's
    baselines = {n: {n} for n in numbers}  # "1.6% over GRPO and 0.5% over GSPO on MathVista": MathVista is both's
    for x, y in itertools.pairwise(ordered):
        link = part[x[1]:y[0]]
        for groups, pattern in ((tight, _TIGHT_LINK), (compared, _COMPARE_LINK), (compared, _CHAIN_LINK),
                                (chained, _SETTING_CHAIN_LINK), (baselines, _BASELINE_CHAIN_LINK)):
            if pattern.match(link) and (pattern is not _CHAIN_LINK or len(compared[x]) > 1):
                merged = groups[x] | groups[y]
                for n in merged:
                    groups[n] = merged
    listed: dict[tuple[int, int], tuple[int, int]] = {}
    for nl in _NAME_LIST_RE.finditer(part):
        items = [nl.span(1), *[(nl.start(2) + m.start(), nl.start(2) + m.end())
                               for m in re.finditer(_LIST_ITEM, nl.group(2))], nl.span(3)]
        for ml in _NUM_LIST_RE.finditer(part):
            starts = [ml.start(1), *[ml.start(2) + m.start() for m in re.finditer(r"\d[\d.,]*%?", ml.group(2))],
                      ml.start(3)]
            nums = [n for st in starts for n in numbers if n[0] == st]
            if len(nums) == len(starts) == len(items) >= 2:
                listed.update(zip(items, nums, strict=True))
    for item, num in listed.items():
        bound[num].add(item)

    def reachable(i: int, j: int) -> bool:
        between = words[min(i, j) + 1 : max(i, j)]
        lo, hi = (words[i][1], words[j][0]) if j > i else (words[j][1], words[i][0])
        if j < i and part[lo:hi].count(")") > part[lo:hi].count("("):
            return False  # "12 000 (6000 safe, 6000 unsafe) datapoints": a bracket's number has no word after it
        return (len(between) <= 3 and not re.search(r"[,;:]", part[lo:hi])
                and not any(_BARRIER.match(part[a:b]) for a, b in between))

    for i, span in enumerate(words):
        if i in number_at or any(a <= span[0] < b for a, b in listed):
            continue
        after = [j for j in range(i + 1, i + 5) if j in number_at and reachable(i, j)]
        before = [j for j in range(i - 4, i) if j in number_at and reachable(i, j)]
        if before and (not after or i - max(before) <= min(after) - i):
            num = number_at[max(before)]  # a word after its number: that number and its list,
            targets = tight[num]  # and its comparisons when it follows at once ("48.2 MAP@5")
            if max(before) == i - 1:
                targets = targets | compared[num]
            if _SHARED_SETTING.match(part[num[1]:span[0]]) and num == max(baselines[num]):
                targets = targets | baselines[num]
            for n in targets:
                tails[n].add(span)
        elif after:
            num = number_at[min(after)]  # a word before its number: that number, its list and comparisons
            targets = tight[num] | compared[num] | chained[num]
        else:
            continue
        for n in targets:
            bound[n].add(span)
    _subject_owns_first(part, words, ordered, compared, tight, bound)
    _verb_pairs(part, words, ordered, compared, bound)
    for x, y in itertools.pairwise(ordered):
        # "Qwen3-1.7B reaches 13.75% Mean@8 and 42.18% Pass@8": each number has its own metric after it, and the
        # words before the first (its subject) are the second's too
        if _TAGGED_LIST_LINK.match(part[x[1]:y[0]]):
            bound[y] |= {w for w in bound[x] if w[1] <= x[0]}
    for x, y in itertools.pairwise(ordered):
        # "keeps 99.1 percent of the base model's MMLU score, against 94.3 percent for WM-SFT": the contrasted
        # number has its own subject (for WM-SFT) and measures what the first one does (MMLU)
        measure = _CONTRAST_MEASURE.match(part[x[1]:y[0]])
        if measure and _OWN_SUBJECT_AFTER.match(part[y[1]:]):
            shared = {w for w in words if x[1] + measure.start(1) <= w[0] < x[1] + measure.end(1)}
            bound[x] |= shared
            bound[y] |= shared
    return bound, tails


_TAGGED_LIST_LINK = re.compile(r"^\s*%?\s*[A-Za-z][\w@^.-]{0,14}\s+and\s+$")
_CONTRAST_MEASURE = re.compile(r"^\s*(?:%|percent|points?)?\s*([^;:\d]{1,80}?),\s*(?:against|versus|vs\.?|"
                               r"compar(?:ed|ing)\s+(?:with|to))\s*$", re.I)
_OWN_SUBJECT_AFTER = re.compile(r"^\s*(?:%|percent|points?)?\s*(?:for|by)\s+\S", re.I)


def _parallel_lists(sentence: str, numbers: list[tuple[int, int]], bound: dict[tuple[int, int], Spans]) -> None:
    """"… by 2.6% on AIME24 and 9.0% on AIME25; with Qwen3-30B, the gains are 14.6% and 8.1%": a list of
    numbers naming nothing of its own repeats, in order, the settings that follow the numbers just before it."""
    ordered = sorted(numbers)

    def after(n: tuple[int, int]) -> set[str]:
        nxt = next((m[0] for m in ordered if m[0] > n[0]), len(sentence))
        return {sentence[a:b].lower() for a, b in bound[n] if n[1] <= a < nxt} - _STOP

    for ml in _NUM_LIST_RE.finditer(sentence):
        starts = [ml.start(1), *[ml.start(2) + m.start() for m in re.finditer(r"\d[\d.,]*%?", ml.group(2))], ml.start(3)]
        listed = [n for st in starts for n in ordered if n[0] == st]
        k = ordered.index(listed[0]) if listed else 0
        if len(listed) != len(starts) or k < len(listed) or any(after(n) for n in listed):
            continue
        before = [after(n) for n in ordered[k - len(listed):k]]
        own = [w - set().union(*(v for j, v in enumerate(before) if j != i)) for i, w in enumerate(before)]
        if not all(own):
            continue
        for n, p, words in zip(listed, ordered[k - len(listed):k], own, strict=True):
            bound[n] |= {w for w in bound[p] if sentence[w[0]:w[1]].lower() in words}


def _list_from_before(previous: str, sentence: str, numbers: list[tuple[int, int]],
                      bound: dict[tuple[int, int], Spans]) -> dict[tuple[int, int], str]:
    """"On ALFWorld and τ²-Bench, RWML improves … Used as a warm-up, it adds 6.9 and 5.7 points": a list
    of numbers in a sentence that places nothing itself pairs, in order, with the list of names the
    sentence before gave its own list of numbers."""
    if not previous or not _NUM_LIST_RE.search(sentence) or any(
            m.group().split()[0].lower() in _PLACING and _latin_names(m.group())
            for m in _SETTING.finditer(sentence)):  # no list of numbers, or it names a place of its own
        return {}
    names = [m for m in _NAME_LIST_RE.finditer(previous) if _NUM_LIST_RE.search(previous, m.end())]
    if not names:
        return {}
    nl = names[-1]
    items = [nl.group(1), *re.findall(_LIST_ITEM, nl.group(2)), nl.group(3)]
    ordered = sorted(numbers)
    for ml in _NUM_LIST_RE.finditer(sentence):
        starts = [ml.start(1), *[ml.start(2) + m.start() for m in re.finditer(r"\d[\d.,]*%?", ml.group(2))], ml.start(3)]
        listed = [n for st in starts for n in ordered if n[0] == st]
        if len(listed) == len(starts) == len(items):
            return dict(zip(listed, items, strict=True))
    return {}


# The setting a sentence opens with, up to a comma or its subject: "On 102 languages of FLEURS (the sparse model …)"
_LEAD_SETTING = re.compile(r"(?:On|In|Across|Over)\s+[^,;:()]{1,60}?(?=,|\s+(?:the|our|we|it|this|a|an)\s)")


def _share_lead_setting(sentence: str, numbers: list[tuple[int, int]], bound: dict[tuple[int, int], Spans]) -> None:
    """"On 102 languages of FLEURS the sparse model lowers WER from 11.4% to 9.8%": the words a number of the
    sentence's opening setting has there (FLEURS) are the setting of the sentence's other numbers too."""
    lead = _LEAD_SETTING.match(sentence)
    if lead is None:
        return
    inside = [n for n in numbers if n[0] < lead.end()]
    shared = {w for n in inside for w in bound[n] if w[0] < lead.end()}
    for n in numbers:
        if n not in inside:
            bound[n] |= shared


_CHANGE_VERB = re.compile(r"\b(?:lower|reduc|decreas|cut|drop|rais|increas|improv|boost|lift|bring|push)\w*\b", re.I)


_FROM_BEFORE = re.compile(r"\bfrom\s+$", re.I)
_TO_LINK = re.compile(r"^\s*%?\s*(?:[^\s,;]{1,12}\s+)?to\s*$", re.I)


def _change_owns_result(sentence: str, numbers: list[tuple[int, int]], bound: dict[tuple[int, int], Spans]) -> dict[
        tuple[int, int], Spans]:
    """"The sparse model lowers the word error rate from 11.4% to 9.8%": the subject of a change is the
    result's (9.8%), not the starting value's. Binds the subject's words to the result and returns, for
    each starting value, those words (a report that says the change itself may name them)."""
    out: dict[tuple[int, int], Spans] = {}
    ordered = sorted(numbers)
    for x, y in itertools.pairwise(ordered):
        if not (_FROM_BEFORE.search(sentence, max(0, x[0] - 8), x[0]) and _TO_LINK.match(sentence[x[1]:y[0]])):
            continue
        start = max([0, *(m.end() for m in re.finditer(r"[,;:]\s", sentence[:x[0]])),
                     *(n[1] for n in ordered if n[1] <= x[0] and n != x)])
        verbs = list(_CHANGE_VERB.finditer(sentence, start, x[0]))
        if not verbs:
            continue
        verb = verbs[-1]
        taken = set().union(*bound.values())
        settings = [m.span() for m in _SETTING.finditer(sentence)]
        subject = {w for w in _words(sentence) if start <= w[0] and w[1] <= verb.start() and w not in taken
                   and not any(a <= w[0] < b for a, b in settings)}
        bound[y] |= subject
        out[x] = subject
    return out


# "It matches ColBERTv2 on BEIR (49.8 versus 49.9)": a verb comparing its subject with its object
_COMPARE_VERB = re.compile(r"\b(?:match(?:es|ed|ing)?|outperform(?:s|ed|ing)?|surpass(?:es|ed|ing)?|beat(?:s|ing)?|"
                           r"trail(?:s|ed|ing)?|exceed(?:s|ed|ing)?|rival(?:s|led|ling)?|lag(?:s|ging)?\s+behind|"
                           r"edg(?:es|ed|ing)\s+out|(?:just|slightly|marginally|well|far)\s+(?:above|below|ahead\s+of|behind)|ahead\s+of|"
                           r"falls?\s+behind|"
                           r"is\s+on\s+par\s+with)\s+", re.I)


_NAME_ITEM = r"(?-i:[A-Z][\w.@*+-]*(?:\s+[A-Z0-9][\w.@*+-]*)*)"
_COMPARED_NAMES = re.compile(rf"{_COMPARE_VERB.pattern}(?:the\s+)?{_NAME_ITEM}(?:\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+){_NAME_ITEM})*",
                             re.I)


def _uncompared(part: str) -> str:
    """An earlier part of a paper's sentence, as a later part inherits it: without what its verb compares
    with ("surpasses Claude-4.5 and GPT-5 …, and … it reaches 0.638": 0.638 is not GPT-5's)."""
    return _COMPARED_NAMES.sub(" ", part)


def _verb_pairs(part: str, words: list[tuple[int, int]], ordered: list[tuple[int, int]],
                compared: dict[tuple[int, int], set[tuple[int, int]]], bound: dict[tuple[int, int], Spans]) -> None:
    """"It matches ColBERTv2 on BEIR (49.8 versus 49.9)": the first number of a comparison that follows a
    comparing verb is its subject's, the second its object's (the words after the verb up to a
    preposition, comma or bracket)."""
    for verb in _COMPARE_VERB.finditer(part):
        pair = next((sorted(compared[n]) for n in ordered if n[0] > verb.end() and len(compared[n]) == 2), None)
        if pair is None:
            continue
        stop = re.search(r"\s(?:on|in|at|for|with|by|across|under|while|and)\s|[,;:(]", part[verb.end():])
        end = verb.end() + (stop.start() if stop else 0)
        obj = {w for w in words if verb.end() <= w[0] < end}
        if not obj:
            continue
        subject = {w for w in words if w[1] <= verb.start() and not any(w in b for b in bound.values())}
        bound[pair[1]] |= obj
        bound[pair[0]] |= subject
        for n in pair:  # the object is not the first number's, even where it was bound to both
            if n != pair[1]:
                bound[n] -= obj


def _subject_owns_first(part: str, words: list[tuple[int, int]], ordered: list[tuple[int, int]],
                        compared: dict[tuple[int, int], set[tuple[int, int]]],
                        tight: dict[tuple[int, int], set[tuple[int, int]]],
                        bound: dict[tuple[int, int], Spans]) -> None:
    """"Adjusted scores reach an AUC of 0.849 compared with 0.730 for the unadjusted scores": when a later
    number of a comparison is given for something else ("for B"), the sentence's subject (the words
    before the first number that no number has, setting phrases aside) is the first number's only."""
    for first in ordered:
        group = sorted(compared[first])
        if group[0] != first or len(group) < 2:
            continue
        if not any(re.match(r"\s*%?\s*(?:for|of)\s", part[y[1]:y[1] + 12], re.I) for y in group[1:]):
            continue
        taken = set().union(*bound.values())
        settings = [m.span() for m in _SETTING.finditer(part)]
        start = max([0, *(m.end() for m in re.finditer(r"[;:]\s|[.!?]\s", part[:first[0]]))])
        for n in ordered:  # not the stretch (up to a comma) of a number before it
            comma = part.find(",", n[1], first[0])
            if n[1] <= first[0]:
                start = max(start, comma + 1 if comma >= 0 else n[1])
        subject = {w for w in words if start <= w[0] and w[1] <= first[0] and w not in taken
                   and not any(a <= w[0] < b for a, b in settings)}
        for n in tight[first]:
            bound[n] |= subject


_SIZES = ("K", "M", "B")  # a number written with a scale letter: 64k, 1.4B, 100B


def _header_key(header: str) -> str:
    """A column header as a key a report may write: lowercase, without "#", brackets and markup."""
    return " ".join(re.sub(r"\(.*?\)|[#*`]", " ", header).lower().split())


# "batch size 为 1", "batch size of 2", "LoRA rank = 4": a small number right after what it is the value of
_KEY_BEFORE = re.compile(r"([A-Za-z][\w.-]*(?:\s+[A-Za-z][\w.-]*){0,3}?)\s*(?:为|是|设为|设置为|取|=|:|：|\bof|"
                         r"\b(?:is|was|are|were)(?:\s+(?:set|fixed|kept))?(?:\s+(?:to|at))?|\bset\s+to)?\s*$")


_ZH_KEYS = {"批大小": ("batch size",), "批量大小": ("batch size",), "批次大小": ("batch size",),
            "学习率": ("lr", "learning rate"), "学习率倍数": ("lr multiplier",), "学习率乘数": ("lr multiplier",),
            "训练轮数": ("epochs", "epoch"), "轮数": ("epochs", "epoch"), "秩": ("lora rank", "rank")}
_ZH_KEY_BEFORE = re.compile(r"(" + "|".join(sorted(_ZH_KEYS, key=len, reverse=True)) + r")\s*(?:为|是|设为|设置为|取|=|:|：)?\s*$")


def _keyed_values(places: PaperPlaces, clause: str, taken: Sequence[tuple[int, int]]) -> list[
        tuple[tuple[int, int, str, Decimal, str | None], str]]:
    """The small whole numbers of a report clause (left out as trivial elsewhere) written right after a
    column header of one of the paper's tables ("batch size 为 1"), with that header: they are checked
    against that column's cells."""
    if not places.headers:
        return []
    out = []
    for sp in number_spans(clause, skip_trivial=False):
        if sp[4] is not None or sp[3] > 10 or sp[3] != sp[3].to_integral_value() or any(a <= sp[0] < b for a, b in taken):
            continue
        m = _KEY_BEFORE.search(clause, max(0, sp[0] - 40), sp[0])
        words = re.sub(r"\blearning[\s-]rate\b", "lr", m.group(1).lower()).split() if m else []  # "LR multiplier"
        key = next((" ".join(words[k:]) for k in range(len(words)) if " ".join(words[k:]) in places.headers), None)
        zh = _ZH_KEY_BEFORE.search(clause, max(0, sp[0] - 16), sp[0]) if key is None else None
        if zh is not None:  # "批大小为 2": the table's "Batch size" column
            key = next((k for k in _ZH_KEYS[zh.group(1)] if k in places.headers), None)
        if key is not None:
            out.append((sp, key))
    return out


def _bound_text(occ: Occurrence) -> str:
    """The words of a prose place bound to its number, in order ("a batch size of 66": "batch size of")."""
    return " ".join(occ.place[a:b] for a, b in occ.bound_here) if not occ.rows else ""


def _in_name(text: str, start: int, end: int, cls: str | None) -> bool:
    """A number that is part of a name: a version or size after a capitalised name ("ChatGPT 5.2",
    "HR-Bench 4K", "Gemini 3 Pro", "Llama 3 70B"). A size anywhere else ("a 3B baseline", "on 100B
    tokens", "extrapolates to 256k") is a quantity."""
    if cls is not None and cls not in _SIZES:
        return False
    if cls in _SIZES and text[start - 1:start] in ("-", "_", "/") and start > 0:
        return True  # "Llama-3.1-70B"
    before = r"([A-Za-z][\w*.-]*)(?:\s+\d[\w.]*)?\s$" if cls in _SIZES else r"([A-Za-z][\w*-]*)\s$"
    m = re.search(before, text[max(0, start - 40):start])
    return bool(m and m.group(1)[0].isupper() and m.group(1).lower() not in _STOP
                and (cls in _SIZES or re.fullmatch(r"\d(?:\.\d)?", text[start:end])))


# A sentence whose subject points back to the sentence before it: "This raises …", "These gains hold …"
_POINTS_BACK = re.compile(r"(?:This|These|Such)\b(?!\s+(?:paper|work|study|section|table|figure)\b)")
# Whether a text names anything: a capital after its first word, or letters and digits mixed.
_NAMEISH = re.compile(r"(?<=\S)\s+(?<![.!?]\s)[A-Z]|[A-Za-z]\d|\d[A-Za-z]|[a-z][A-Z]")


def _title_names(title: str) -> set[str]:
    """The paper's own names, from its title: its Latin names, the words before a colon, and the
    acronyms of runs of capitalised words ("Reinforcement World Model Learning" -> rwml)."""
    names = {w.lower() for w in _latin_names(title)}
    names |= {w.lower() for w in re.findall(r"[\w-]+", title.split(":")[0]) if len(w) > 2}
    for run in re.findall(r"(?:[A-Z][\w-]*\s+){2,}[A-Z][\w-]*", title):
        initials = "".join(w[0] for w in run.split()).lower()
        names |= {initials[i:j] for i in range(len(initials)) for j in range(i + 3, len(initials) + 1)}
    return names


# What a column of percentages measures: a rate, an accuracy, a share (its cells may be bare numbers).
_RATE_RE = re.compile(r"\brates?\b|accura|\bacc\b|success|recall|precision|\bf1\b|pass@|\bshare\b|"
                      r"win\b|\bem\b|exact.match", re.I)


def _percent_column(caption: str, header: str, cells: list[list[tuple[str, Decimal, str | None]]]) -> bool:
    """Whether a column holds rates on a 0-100 scale: its header (or the caption) names a rate and
    its numbers (of its cells, given) lie between 0 and 100, some above 1 (a column of fractions, 0.25, is not)."""
    if not _RATE_RE.search(header) and not _RATE_RE.search(caption):
        return False
    values = [v for found in cells for _, v, cls in found if cls is None]
    return bool(values) and all(0 <= v <= 100 for v in values) and any(v > 1 for v in values)


def _counts_what(after: str) -> str:
    """What a number counts: the words right after it, up to a preposition or a punctuation mark."""
    words = re.match(r"[\s%]*((?:[A-Za-z][\w-]*\s*){0,3})", after)
    out = []
    for w in (words.group(1).split() if words else []):
        if w.lower() in _STOP:
            break
        out.append(w)
    return " ".join(out)


def _split_sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_SPLIT.split(text) if s and s.strip()]


_INTRODUCED = re.compile(r"(?:\b(?:we\s+(?:propose|present|introduce|develop|build)|our\s+(?:method|framework|approach|"
                         r"model|system|algorithm)\s*,)\s+(?:an?\s+|the\s+)?|(?=(?-i:[A-Z][\w@*+-]*[A-Z0-9][\w@*+-]*),\s+an?\s))"
                         r"((?-i:[A-Z][\w@*+-]*[A-Z0-9][\w@*+-]*))", re.I)
# the paper's sentence (or the number's part of it) speaks of the paper's own method without naming it
_PRONOUN_SUBJECT = re.compile(r"^(?:[\w\s]{0,20}:\s*)?(?:\S+\s+){0,4}?(?:it|we|our|its)\b", re.I)


_NUMBER_OF = re.compile(r"\bnumber\s+of\s+((?:[\w-]+\s+){0,2}[\w-]+)", re.I)


def _counts_noun(occ: Occurrence, nouns: Sequence[Name]) -> bool:
    """The place counts one of the nouns: a prose number the noun is bound to ("10 epochs"), a table cell
    whose row label or column header names it ("# Runs"), or whose column the caption says counts it."""
    where = occ.specific if occ.rows else " ".join(occ.place[a:b] for a, b in occ.bound_here)
    if occ.rows:  # the caption says what a column counts: 'Column "All" denotes the number of dialogues'
        caption = occ.place.split("\n", 1)[0]
        where += " " + " ".join(m.group(1) for m in _NUMBER_OF.finditer(caption)
                                if occ.columns and occ.columns[0].lower() in caption[max(0, m.start() - 40):m.start()].lower())
    return any(n.regex.search(where) for n in nouns)


def _is_label(name: Name, label: str) -> bool:
    """The name is the whole of a table label ("Persona", "Risk (GPT-4o)")."""
    return re.fullmatch(rf"\s*(?:{name.regex.pattern})\s*(?:\(.*\))?\s*", label, re.I) is not None


class PaperPlaces:
    """Where each value occurs in a paper, and what the place names."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.text = normalise_latex(doc.full_text())
        self.occurrences: dict[Decimal, list[Occurrence]] = {}
        self.cells: list[Occurrence] = []  # the tables' cells with numbers, below their header rows
        self._uses: dict[tuple[tuple[str, ...], str], bool] = {}  # a name's use in the text, looked up once
        self.aliases = self._aliases(self.text)
        self._abbreviations: dict[tuple[tuple[str, ...], str], list[str]] = {}  # `_abbreviations_of`, per name
        self.symbols: dict[str, set[Decimal]] = {}  # "K=8", "H=20": the values the paper gives each symbol
        for m in _PAPER_SYMBOL.finditer(self.text):
            self.symbols.setdefault(m.group(1), set()).add(Decimal(m.group(2)).normalize())
        self.headers: set[str] = set()  # the tables' column headers, as _header_key writes them
        self.title_words = _title_names(doc.title)
        # what the paper introduces as its own ("We propose CatRAG", "Our method, InfoUtil", "MC-Critic, a …")
        self.own_names = {m.group(1).lower() for m in _INTRODUCED.finditer(doc.abstract)} | self.title_words
        self.title_words |= {abbr for abbr, long in self.aliases.items() if long.lower() in doc.title.lower()}
        blocks: list[tuple[str, str]] = [("", doc.abstract)]
        path: list[tuple[int, str]] = []  # the headings above a section: its subject may be named there only
        for s in doc.sections:
            path = [(level, h) for level, h in path if level < s.level] + [(s.level, s.heading)]
            blocks.append((" / ".join(h for _, h in path), s.text))
        blocks += [("", f.caption) for f in doc.figures]
        blocks += [("", t.caption) for t in doc.tables if not t.markdown.strip()]
        blocks += [("", n) for n in doc.footnotes]
        for heading, text in blocks:
            self._index_prose(heading, grouped(normalise_latex(text)))
        for t in doc.tables:
            self._index_table(normalise_latex(t.caption), normalise_latex(t.markdown))

    @staticmethod
    def _aliases(text: str) -> dict[str, str]:
        """Abbreviation -> long form, from "Long Form Words (ABBR)" in the paper."""
        out: dict[str, str] = {}
        for m in re.finditer(r"\s\(([A-Za-z]*[A-Z][A-Za-z0-9-]{0,9})\)", text):  # each "(ABBR)", then the words before
            before = re.search(r"((?:[A-Za-z][\w-]*\s+){1,5})$", text[max(0, m.start() - 120):m.start() + 1])
            if before is None:
                continue
            words, abbr = before.group(1).split(), m.group(1)
            caps = list(itertools.takewhile(lambda w: w[0].isupper(), reversed(words)))[::-1]
            long = PaperPlaces._long_form(caps, abbr) if caps else None
            if long is None:  # "Chamfer distance (CD)": a capitalised word, then lower-case ones, initials only
                long = next((" ".join(words[k:]) for k in range(len(words)) if words[k][0].isupper()
                             and "".join(w[0] for w in words[k:]).lower() == abbr.lower()), None)
            if long is not None:
                out[abbr.lower()] = long
        return out

    @staticmethod
    def _long_form(words: list[str], abbr: str) -> str | None:
        """The capitalised words `abbr` abbreviates ("Length-Unbiased Sequence Policy Optimization (LUSPO)")."""
        for k in range(len(words)):
            parts = [p for w in words[k:] for p in w.split("-") if p]  # "Length-Unbiased …" gives L and U
            if abbr.upper().replace("-", "") in ("".join(w[0] for w in words[k:]).upper(),
                                                 "".join(p[0] for p in parts).upper()):
                return " ".join(words[k:])
        return " ".join(words) if "".join(w[0] for w in words).upper().endswith(abbr[:2].upper()) else None

    def _index_prose(self, heading: str, text: str) -> None:
        previous = ""
        for sentence in _split_sentences(text):
            spans = [sp for sp in number_spans(sentence, skip_trivial=False)
                     if not _in_name(sentence, sp[0], sp[1], sp[4])
                     and not (sp[4] is None and PART_REF_RE.search(sentence[max(0, sp[0] - 24):sp[0]]))
                     and not (sp[2].startswith(".") and sentence[sp[0] - 1:sp[0]].isalnum())  # "Section C.1.7"
                     and not (sp[4] not in _SIZES and sentence[sp[1]:sp[1] + 1] == "-"
                              and sentence[sp[1] + 1:sp[1] + 2].islower())]  # "6-digit" (but "1.4B-parameter")
            # sizes (64K, 1.4B) are placed among all the sentence's numbers, but take no words from the others
            plain = [sp for sp in spans if sp[4] not in _SIZES]
            if plain:
                self._index_sentence(heading, previous, sentence, plain)
            if len(plain) < len(spans):
                self._index_sentence(heading, previous, sentence, spans, only_sizes=True)
            previous = sentence

    def _index_sentence(self, heading: str, previous: str, sentence: str,
                        spans: list[tuple[int, int, str, Decimal, str | None]], only_sizes: bool = False) -> None:
        """Records the place of each number of a sentence (with `only_sizes`, of its sizes only)."""
        place = f"{heading}\n{sentence}"
        offset = len(heading) + 1
        bound, tails = _bindings(sentence, [(a, b) for a, b, *_ in spans])
        changed = _change_owns_result(sentence, [(a, b) for a, b, *_ in spans], bound)
        _parallel_lists(sentence, [(a, b) for a, b, *_ in spans], bound)
        inherited = _list_from_before(previous, sentence, [(a, b) for a, b, *_ in spans], bound)
        _share_lead_setting(sentence, [(a, b) for a, b, *_ in spans], bound)
        parts, pos = [], 0
        for m in _PART_SPLIT.finditer(sentence):
            parts.append((pos, m.start()))
            pos = m.end()
        parts.append((pos, len(sentence)))
        # a sentence naming nothing continues the last one, under its section's heading, and so does one
        # whose subject points back to it ("This raises …", "These gains …")
        context = "" if _NAMEISH.search(sentence) and not _POINTS_BACK.match(sentence) else f"{previous}\n{heading}"

        def shift(words: Iterable[tuple[int, int]], offset: int = offset) -> list[tuple[int, int]]:
            return [(a + offset, b + offset) for a, b in sorted(words)]

        carried_in: dict[int, str] = {}
        for a, b, written, value, cls in spans:
            if only_sizes and cls not in _SIZES:
                continue
            k = next(i for i, (x, y) in enumerate(parts) if x <= a <= y)
            part = sentence[parts[k][0]:parts[k][1]]
            if k in carried_in:
                carried = carried_in[k]
            elif _CONTRAST.match(part):  # ", while …", ", but …": a new subject, nothing carried over
                carried = ""
            else:
                start = max([0, *(i for i in range(k) if _CONTRAST.match(sentence[parts[i][0]:parts[i][1]]))])
                # an earlier part's setting ("On MuSiQue …") holds unless this part sets its own place
                # ("and on HoVer …", "and in a user study …"); "with more compute" sets no place
                placed = any(m.group().split()[0].lower() in _PLACING for m in _SETTING.finditer(part))
                carried = " ".join([context, *(_uncompared(_SETTING.sub(" ", sentence[x:y]) if placed else sentence[x:y])
                                               for x, y in parts[start:k])])
            carried_in[k] = carried
            if (a, b) in inherited:
                carried = f"{carried} {inherited[(a, b)]}"
            what = _counts_what(sentence[b:b + 60])
            here = bound[(a, b)]
            elsewhere = {w for n, ws in bound.items() if n != (a, b) for w in ws} - here
            unit = "pp" if cls is None and _PP_AFTER.match(sentence[b:b + 24]) else _fine_unit(cls, written)
            tail_elsewhere = {w for n, ws in tails.items() if n != (a, b) for w in ws} - here
            self.occurrences.setdefault(value, []).append(Occurrence(
                unit, place, part, shift(elsewhere), shift(here),
                scope=(parts[k][0] + offset, parts[k][1] + offset), carried=carried, context=f"{previous}\n{heading}",
                tail_elsewhere=shift(tail_elsewhere), change_subject=shift(changed.get((a, b), set())),
                counts_what=what,
                near=f"{' '.join(sentence[max(0, a - 60):a].split()[-4:])} {what}", at=a + offset))

    def _index_table(self, caption: str, markdown: str) -> None:
        rows = [[c.strip() for c in line.strip().strip("|").split("|")]
                for line in markdown.splitlines() if line.strip().startswith("|") and not re.match(r"^\|[\s:|-]+\|?$", line.strip())]
        if not rows:
            self._index_prose("", caption + "\n" + markdown)
            return
        header = rows[0]
        self.headers |= {_header_key(h) for h in header[1:]} - {""}
        labels = [row[0] for row in rows[1:] if row]
        numbers = [[numbers_in(cell, skip_trivial=False) for cell in row] for row in rows]
        percent_columns = {c for c in range(len(header))
                           if _percent_column(caption, header[c], [found[c] for found in numbers[1:] if c < len(found)])}
        values = [frozenset(v for cell in found for _, v, _ in cell) for found in numbers[1:]]
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                if not numbers[r][c]:
                    continue
                column = header[c] if c < len(header) else ""
                if r == 0:
                    place, unit_text, others = f"{caption}\n{cell}", f"{caption} {cell}", ""
                else:
                    place = f"{caption}\n{column}\n{' | '.join(row)}"
                    unit_text = f"{caption} {column} {cell}"
                    others = "\n".join([*(lab for k, lab in enumerate(labels, 1) if k != r),
                                         *(h for k, h in enumerate(header) if k not in (0, c))])
                labelled = _labelled_values(cell)  # "cautious (23.04%) pragmatic (20.74%)": each value is its word's
                offset = len(place) - len(" | ".join(row)) + sum(len(x) + 3 for x in row[:c]) if r else 0
                for written, value, cls in numbers[r][c]:
                    unit = _fine_unit(cls, written)
                    here = [(a + offset, b + offset) for (a, b), v in labelled if v == value][:1]
                    elsewhere = [(a + offset, b + offset) for (a, b), v in labelled if v != value]
                    specific = f"{row[0] if row else ''}\n{column}"
                    rows_here = (labels[r - 1], *(lab for k, lab in enumerate(labels, 1) if k != r)) if r else ()
                    columns_here = (column, *(h for k, h in enumerate(header) if k not in (0, c))) if r and c else ()
                    occ = Occurrence(unit, place, unit_text, others=others, specific=specific,
                                     percent_scale=r > 0 and c in percent_columns, rows=rows_here, columns=columns_here,
                                     corner=header[0] if header else "",
                                     row_values=(values[r - 1], *values[:r - 1], *values[r:]) if r else (),
                                     bound_here=here if r else [], bound_elsewhere=elsewhere if r and here else [])
                    self.occurrences.setdefault(value, []).append(occ)
                    if r:
                        self.cells.append(occ)

    # -- lookups -------------------------------------------------------------------------------

    def uses(self, name: Name) -> bool:
        """Whether the paper uses the name anywhere (only such names can be checked)."""
        key = (name.patterns, name.text.lower())
        if key not in self._uses:
            used = re.search(name.base, self.text, re.I) if name.base else name.regex.search(self.text)
            self._uses[key] = bool(used) or (name.text.lower() in self.aliases)
        return self._uses[key]

    def in_tables(self, name: Name) -> bool:
        """Whether some table of the paper (its caption or cells) names it."""
        return any(self.matches(name, f"{t.caption}\n{t.markdown}") for t in self.doc.tables)

    def in_title(self, name: Name) -> bool:
        """The name is one of the paper's own (a variant of one too: "UniAudio 2.0")."""
        return (name.text if not name.base else name.text.rsplit(" ", 1)[0]).lower() in self.title_words

    def matches(self, name: Name, text: str) -> list[tuple[int, int]]:
        """Where the name (or the long form of an abbreviation the paper defines) occurs in `text`."""
        spans = [m.span() for m in name.regex.finditer(text)]
        if name.kind == "name" and "." in text and len(name.text) > 5 and name.text.isalpha():
            # a word cut short with a full stop, as table headers do: "Disamb." for disambiguation
            spans += [m.span() for m in re.finditer(rf"(?<![\w-]){re.escape(name.text[:4])}([a-z]*)\.", text, re.I)
                      if name.text.lower().startswith(m.group()[:-1].lower())]
        long = self.aliases.get(name.text.lower())
        if long:
            spans += [m.span() for m in re.finditer(re.escape(long), text, re.I)]
        for abbr in self._abbreviations_of(name):  # "Chamfer 距离" is the table's "CD" ("Chamfer distance (CD)")
            spans += [m.span() for m in re.finditer(rf"(?<![\w-]){re.escape(abbr)}(?![\w-])", text, re.I)]
        return spans

    def _abbreviations_of(self, name: Name) -> list[str]:
        """The abbreviations the paper defines for a long form the name is part of, looked up once per name."""
        key = (name.patterns, name.text.lower())
        if key not in self._abbreviations:
            self._abbreviations[key] = [abbr for abbr, long in self.aliases.items()
                                        if abbr != name.text.lower() and name.regex.search(long)]
        return self._abbreviations[key]

    def found_in(self, name: Name, occ: Occurrence) -> bool:
        """The name belongs to this occurrence's place: bound to this number; else, when no use
        of it in the sentence is bound to another number (that would make it that number's),
        within the number's part of the sentence or named in an earlier part."""
        spans = self.matches(name, occ.place)

        def within(bound: list[tuple[int, int]], m: tuple[int, int]) -> bool:
            return any(a <= m[0] < b or m[0] <= a < m[1] for a, b in bound)

        if any(within(occ.bound_here, m) for m in spans):
            return True
        if any(within(occ.bound_elsewhere, m) for m in spans):
            return False
        if any(occ.in_scope(m) for m in spans) or bool(occ.carried and self.matches(name, occ.carried)):
            return True
        return name.kind == "term" and bool(self.matches(name, occ.context))

    def tied_any(self, name: Name, occ: Occurrence) -> bool:
        """Some use of the name in the place is bound to another number."""
        return any(a <= m[0] < b for m in self.matches(name, occ.place) for a, b in occ.bound_elsewhere)

    def tied_elsewhere(self, name: Name, occ: Occurrence) -> bool:
        """The place qualifies other numbers only with the name ("by 16% to 28% over GRPO")."""
        spans = self.matches(name, occ.place)
        return (any(a <= m[0] < b for m in spans for a, b in occ.tail_elsewhere)
                and not any(a <= m[0] < b for m in spans for a, b in occ.bound_here))

    def count_near(self, count: int, nouns: list[Name]) -> bool | None:
        """Whether the paper gives `count` right before one of the nouns; None when it uses none of them."""
        usable = [n for n in nouns if self.uses(n)]
        if not usable:
            return None
        forms = [str(count), *(_NUMBER_WORDS.get(count, ()))]
        count_re = re.compile("|".join(rf"(?<![\w.]){re.escape(f)}(?![\w.]\d)" for f in forms), re.I)
        nouns_re = "|".join(p for noun in usable for p in noun.patterns)
        after = re.compile(rf"\s*(?:=\s*)?(?:[\w-]+\s+){{0,3}}?(?:{nouns_re})", re.I)
        before = re.compile(rf"(?:{nouns_re})\s*(?:of|:|=)?\s*$", re.I)
        for m in count_re.finditer(self.text):  # the count first (a quick scan), then its noun around it
            if after.match(self.text, m.end()) or (not self.text[m.end():m.end() + 1].isalnum()
                                                   and before.search(self.text[max(0, m.start() - 40):m.start()])):
                return True
        return False

    def counts_any(self, nouns: list[Name]) -> bool:
        """Whether the paper gives a count of one of the nouns anywhere (else a count of them cannot be judged)."""
        words = "|".join(w for ws in _NUMBER_WORDS.values() for w in ws if len(w) > 2)
        return any(re.search(rf"(?<![\w.])(?:\d+|{words})\s*(?:[\w-]+\s+){{0,3}}?(?:{'|'.join(n.patterns)})",
                             self.text, re.I) for n in nouns)

    def counted_at(self, count: int, nouns: list[Name]) -> list[Occurrence]:
        """The places of the value `count` that count one of the nouns: a prose number the noun is bound
        to ("10 epochs"), a table cell whose row label or column header names it ("# Runs")."""
        return [occ for occ in self.occurrences.get(Decimal(count), []) if _counts_noun(occ, nouns)]

    def rows_named(self, nouns: list[Name], names: Sequence[Name]) -> set[str]:
        """The row labels, of tables with a column counting one of the nouns ("# Runs"), that are exactly
        one of the names ("Persona", "Myopia")."""
        return {occ.rows[0] for occ in self.cells if any(_is_label(n, occ.rows[0]) for n in names)
                and _counts_noun(occ, nouns)}


_LABELLED_VALUE = re.compile(r"([A-Za-z][\w-]*)\s*\(\s*(\d[\d.,]*)\s*%?\s*\)")


def _labelled_values(cell: str) -> list[tuple[tuple[int, int], Decimal]]:
    """A table cell listing values each after its word ("cautious (23.04%) pragmatic (20.74%)"): the word spans
    and their values, when it lists two or more (a lone "GPT-4o (0.70)" is the cell's label)."""
    found = [((m.start(1), m.end(1)), Decimal(m.group(2).replace(",", "")).normalize())
             for m in _LABELLED_VALUE.finditer(cell) if re.fullmatch(r"\d+(?:,\d{3})*(?:\.\d+)?", m.group(2))]
    return found if len(found) >= 2 else []


# -- the report side ----------------------------------------------------------------------------


def _clauses(text: str) -> list[str]:
    """The clauses of a report sentence (split at commas, semicolons and brackets); a clause
    without a number ("在 ALFWorld 上，…", "On ALFWorld, …") is context for the next one."""
    out: list[str] = []
    pending = ""
    bracketed = after_semicolon = False
    pieces = re.split(r"([，；;（）()]|,\s|\s+(?=(?:while|whereas)\s))", text)
    for k in range(0, len(pieces), 2):
        c = pieces[k]
        if not c.strip():
            continue
        if not any(not _in_name(c, a, b, cls) for a, b, _, _, cls in number_spans(_strip_names(c), skip_trivial=False)):
            if not pending and out and k and pieces[k - 1] in "；;":
                after_semicolon = True  # "…降至 3%；使用 TRLOO 训练更稳定": a new statement, not this one's context
            pending += c + "，"
            continue
        bracketed = bool(k and pieces[k - 1] in "（(" and _latin_names(c))
        if bracketed:  # "（ImageNet-21K 仅需 5.83 小时）" names its own subject
            out.append(c)
            continue
        out.append(pending + c)
        pending = ""
    if pending and out and not bracketed and not after_semicolon and not _NEW_STATEMENT.match(pending):
        out[-1] += "，" + pending  # "…，使用 GSPO 时": the number's condition; not "…，但 F-Score 明显下降"
    return out


_NEW_STATEMENT = re.compile(r"\s*(?:但是?|而且?|然而|不过|同时|并且|且|but\b|while\b|whereas\b|although\b|yet\b|and\b)", re.I)


def _strip_names(text: str) -> str:
    """The text without the digits that belong to names (Qwen2.5-7B, Hit@20)."""
    return re.sub(r"[A-Za-z][\w.@*-]*\d[\w.@*-]*", " ", text)


def _units_agree(unit: str | None, occ: Occurrence) -> bool:
    if occ.unit == unit:
        return True
    if unit in _SIZES or occ.unit in _SIZES:
        return False  # 3B is no bare 3, nor 3K
    if unit is None:
        return True
    if occ.unit is None and unit == "percent" and occ.percent_scale:
        return True
    if occ.unit is None:
        words = _UNIT_WORDS.get(unit)
        return words is None or bool(words.search(occ.unit_text))
    return False


def _contradicted(places: PaperPlaces, occ: Occurrence, names: list[Name], given: Sequence[Name] = (),
                  clause: str = "") -> bool:
    """In a table: the clause describes another cell better than this one (its names, weighing 2,
    and glossary words, 1, found in the other cell's row label or column header), or a name of the
    clause is exactly another row's label while this row's label has names the clause does not give
    (a name is given when the clause names it, or says it in Chinese: 策略 RL gives "Policy RL")."""
    if not occ.others:
        return False
    described: list[Name] = []
    for n in [*names, *given]:
        if occ.corner and places.matches(n, occ.corner) and not any(
                h.lower() in clause.lower() for h in occ.columns if places.matches(n, h)):
            # "codeword" says what the rows are ("Codeword"): no column is more its own ("No codeword"),
            # unless the clause writes that column's header out
            continue
        if not any(n.patterns == d.patterns or n.text.lower() == d.text.lower() for d in described):
            described.append(n)
    if described and len(occ.rows) + len(occ.columns) > 2:
        def matched(label: str) -> set[int]:
            return {i for i, n in enumerate(described) if places.matches(n, label)}

        def score(found: set[int]) -> int:
            return sum(2 if described[i].kind == "name" else 1 for i in found)

        rows = [matched(label) for label in occ.rows] or [set()]
        columns = [matched(label) for label in occ.columns] or [set()]
        own = score(rows[0] | columns[0])
        if any(score(r | c) > own for r in rows for c in columns):
            return True
    own_label = occ.specific.split("\n", 1)[0]
    clause = " ".join(n.text.lower() for n in names)
    for n in names:
        exact = any(re.fullmatch(rf"\s*(?:{n.regex.pattern})\s*(?:\(.*\))?\s*", label, re.I)
                    for label in occ.others.splitlines())
        if exact and any(w.lower() not in clause and not any(g.regex.search(w) for g in given)
                         for w in _latin_names(own_label) if w.lower() != n.text.lower()):
            return True
    return False


_METRICS = [Name(ens[0], tuple(_word_pattern(e) for e in ens), "metric") for kind, _, ens in GLOSSARY if kind == "metric"]
# What a number can count or measure besides a metric: "65% fewer tokens" is not an error rate.
_MEASURED = [*_METRICS, *(Name(ens[0], tuple(_word_pattern(e) for e in ens), "noun")
                          for kind, _, ens in GLOSSARY if kind == "noun")]


def _metric_conflict(places: PaperPlaces, occ: Occurrence, metrics: list[Name]) -> bool:
    """The place says this number measures something else: it binds another glossary metric to
    this number and none of the clause's; or the clause's metrics are bound only to other numbers
    while another metric is named around this one."""
    if not metrics:
        return False
    if any(places.found_in(m, occ) for m in metrics):
        here = " ".join(occ.place[a:b] for a, b in sorted(occ.bound_here))
        if not here or any(m.regex.search(here) for m in metrics):
            return False
    others = [m for m in _METRICS if not any(m.regex.pattern == x.regex.pattern for x in metrics)]
    here = " ".join(occ.place[a:b] for a, b in sorted(occ.bound_here))
    if here and any(m.regex.search(here) for m in others):
        return True
    if occ.counts_what and not any(occ.in_scope(sp) for m in metrics for sp in places.matches(m, occ.place)):
        # the clause's metric is not in the number's part of the sentence, and the number counts something else
        return any(m.regex.search(occ.counts_what) for m in _MEASURED
                   if not any(m.regex.pattern == x.regex.pattern for x in metrics))
    tied = all(places.tied_any(m, occ) and not places.found_in(m, occ) for m in metrics)
    scope = occ.place[occ.scope[0]:occ.scope[1]] if occ.scope else occ.place
    # "False refusals drop by 37% while unsafe completions stay below 1%": 1% has a subject of its own
    before = " ".join(occ.place[a:b] for a, b in occ.bound_here if b <= occ.at)
    own_subject = any(re.match(r"[A-Za-z]{3,}", w) and w.lower() not in _STOP for w in before.split())
    return tied and (own_subject or any(m.regex.search(scope) for m in others))


def _overridden(places: PaperPlaces, occ: Occurrence, required: list[Name], named: Sequence[Name]) -> bool:
    """A setting of the clause is the sentence's ("On LLaMA-3.1-8B and Qwen3 models, … by 4.9x on
    average on Qwen3-8B"), or of an earlier part of the paper's sentence, while the number has its own
    setting of the same kind naming something the clause does not: the nearer one holds."""
    if not occ.bound_here or not occ.scope:
        return False
    settings = [m for m in _SETTING.finditer(occ.place, occ.scope[0], occ.scope[1])]
    own = [m for m in settings if any(a <= m.start() + len(m.group().split()[0]) + 1 <= b or a <= m.end() - 1 < b
                                      for a, b in occ.bound_here)]
    if not own:
        return False

    def prep(m: re.Match[str]) -> str:
        return m.group().split()[0].lower()

    unnamed = {w.lower() for o in own if prep(o) in _PLACING for w in _latin_names(o.group())} - {
        r.text.lower() for r in named}
    for n in required:
        if n.kind != "name" or any(a <= sp[0] < b for sp in places.matches(n, occ.place) for a, b in occ.bound_here):
            continue
        found = places.matches(n, occ.place)
        if unnamed and found and all(occ.place.find("\n") < sp[0] < occ.scope[0] for sp in found):
            return True  # "…including MMBench, …, and a gain of 3.4 points on NExTQA": an earlier part's setting yields
        for m in settings:
            if m in own or not places.matches(n, m.group()):
                continue
            rivals = [o for o in own if prep(o) == prep(m)]
            if any(w.lower() not in {r.text.lower() for r in named} for o in rivals for w in _latin_names(o.group())):
                return True
    return False


# "above Qwen3-VL-Instruct (83.8 and 76.5)": a bracket right after what a number is compared with
_COMPARED_BRACKET = re.compile(r"\b(?:above|below|over|than|versus|vs\.?|surpassing|outperforming|beating|trailing|"
                               r"compar(?:ed|ing)\s+(?:with|to))\s+(?:the\s+)?[A-Za-z][\w.@*+-]*(?:\s+[\w.@*+-]+){0,2}\s*\([^()]*$",
                               re.I)


def _in_compared_bracket(occ: Occurrence) -> bool:
    """The number is in brackets right after what the paper compares with ("above Qwen3-VL (83.8 and 76.5)"):
    it is that system's, not the subject's."""
    return occ.at >= 0 and bool(_COMPARED_BRACKET.search(occ.place, max(0, occ.at - 120), occ.at))


def _supported(places: PaperPlaces, occ: Occurrence, clause_names: list[Name], sentence_names: list[Name],
               title_names: Sequence[Name] = ()) -> bool:
    """Every name or term of the clause is in the place (or, when the clause has none, one of its
    sentence's), the paper's own names are not tied to other numbers there, and no metric of the
    clause says the place is about something else."""
    if any(places.tied_elsewhere(n, occ) for n in title_names):
        return False
    if title_names and occ.scope and _CONTRAST.match(occ.place, occ.scope[0]) and not any(
            occ.in_scope(m) for n in title_names for m in places.matches(n, occ.place)):
        return False  # "X reaches 20 s, compared with 1.5 to 9.2 s for LongLive": the contrasted part is not X's
    if title_names and _in_compared_bracket(occ):
        return False  # "X reaches 79.0, above Qwen3-VL (76.5)": the bracket is what X is compared with
    required = [n for n in clause_names if n.kind != "metric"]
    metrics = [n for n in clause_names if n.kind == "metric"]
    if _metric_conflict(places, occ, metrics):
        return False
    if required:
        missing = [n for n in required if not places.found_in(n, occ)]
        if missing and occ.scope and all(n.text.lower() in places.own_names for n in missing) and (
                _PRONOUN_SUBJECT.match(occ.place[occ.place.find("\n") + 1:])
                or _PRONOUN_SUBJECT.match(occ.place[occ.scope[0]:occ.scope[1]])):
            missing = []  # "It distills ImageNet-21K in 5.83 hours" is said of the paper's InfoUtil
        return not missing and not _overridden(places, occ, required, [*required, *title_names])
    fallback = [n for n in sentence_names if n.kind != "metric"]
    if fallback:  # the item's label: anywhere in the place will do
        return any(places.matches(n, occ.place) or places.matches(n, occ.carried) for n in fallback)
    return True


def _checkable(places: PaperPlaces, names: Iterable[Name], *, titles: bool = False) -> list[Name]:
    """The names the paper uses; without `titles`, not those of the paper's title (its own method)."""
    seen: set[str] = set()
    out = []
    for n in names:
        key = n.text.lower()
        if key in seen or not places.uses(n) or (places.in_title(n) and not titles):
            continue
        seen.add(key)
        out.append(n)
    return out


def _report_items(report: Report) -> Iterable[tuple[str, str]]:
    """(context, text): each report text with the label that introduces it."""
    labels: dict[str, str] = {}
    for path, text in report_texts(report):
        if path.endswith((".label", ".name")):
            labels[path.rsplit(".", 1)[0]] = text
            continue
        yield labels.get(path.rsplit(".", 1)[0], ""), text


def misattributed_numbers(report: Report, doc: Document, places: PaperPlaces | None = None) -> list[str]:
    """The report's numbers (as written) whose value the paper has, but never in the place the report puts it."""
    places = places or PaperPlaces(doc)
    out: list[str] = []
    for label, text in _report_items(report):
        text = _EXAMPLES.sub("", text.replace("**", ""))
        for sentence in _split_sentences(grouped(text)):
            metrics: list[Name] = []
            counts = {Decimal(m.group(1)) for m in [*_counts_in(_COUNT_ZH, sentence), *_counts_in(_COUNT_EN, sentence)]}
            glosses = _glosses(sentence)
            ratio = _change_ratio(number_spans(sentence), sentence)  # "by 2.67×, from 462 s to 230 s"
            for clause in _clauses(sentence):
                # a clause that names no metric measures what the one before it did ("…的对齐分数为 0.40，
                # 低于安全代码模型（0.84）"): that metric describes its table cell too
                own = report_names(clause, ("metric",))
                for found in _misplaced_in(places, clause, label, [] if own else metrics, counts, glosses, ratio):
                    written = spelled_as_in(found, [text])  # "12 000" as the report writes it, not "12,000"
                    if written not in out:
                        out.append(written)
                metrics = own or metrics
    return out


# "换成假名字（如 RingBot）", "(e.g. SAM3D)": an example in brackets names no place (unless it gives a number)
_EXAMPLES = re.compile(r"\s*[（(]\s*(?:如|例如|比如|e\.g\.|for example|such as)[^）()\d]*[）)]", re.I)


_REPORT_LIST = re.compile(r"([A-Za-z\u0370-\u03ff][\w.@*+²³-]*(?:\s(?:[A-Z0-9][\w.@*+-]*))?)((?:\s*(?:、|和|与|及|,|and)\s*"
                          r"[A-Za-z\u0370-\u03ff][\w.@*+²³-]*(?:\s(?:[A-Z0-9][\w.@*+-]*))?)+)")


def _respective(clause: str, count: int) -> list[str]:
    """The list of names a clause pairs with its numbers in order ("A 与 B 分别 … x 和 y"), if it does."""
    if count < 2 or not re.search(r"分别|respectively", clause):
        return []
    for m in _REPORT_LIST.finditer(clause):
        items = [m.group(1), *re.split(r"\s*(?:、|和|与|及|,|and)\s*", m.group(2).strip(" ,、"))]
        items = [i for i in items if i]
        if len(items) == count:
            return items
    return []


_CITED = re.compile(r"\b(Table|Figure|Fig\.?)\s*(\d+)\b|([表图])\s*(\d+)", re.I)


_SIZED_NAME = re.compile(r"(?<![\w.-])([A-Za-z][\w.]*(?:-[A-Za-z][\w.]*)*)-(\d+(?:\.\d+)?[BMK])(?![\w.-])")


_PAPER_SYMBOL = re.compile(r"(?<![\w\\])([A-Za-z\u03b1-\u03c9])\s*=\s*(\d+(?:\.\d+)?)(?![\d.]|\s*[×x]\s*\d)")
_REPORT_SYMBOL = re.compile(r"(?<![\w-])([A-Za-z\u03b1-\u03c9])\s*(?:=|为|设为|设置为|取|取值为|\bset\s+to\b|\bis\s+set\s+to\b)\s*"
                            r"(\d+(?:\.\d+)?)(?![\d.%])")


def _symbol_values(places: PaperPlaces, clause: str) -> tuple[list[str], list[str]]:
    """The values a clause gives one-letter symbols ("H 设为 8"), as written: those the paper gives another
    symbol and never this one ("K=8 rollouts … horizon H=20"), and those it gives this symbol ("H=20")."""
    wrong, held = [], []
    for m in _REPORT_SYMBOL.finditer(clause):
        value = Decimal(m.group(2)).normalize()
        own = places.symbols.get(m.group(1), set())
        if value in own:
            held.append(m.group(2))
        elif own and any(value in v for k, v in places.symbols.items() if k != m.group(1)):
            wrong.append(m.group(2))
    return wrong, held


def _cited_sizes_elsewhere(places: PaperPlaces, clause: str, cited: re.Pattern[str] | None) -> list[str]:
    """The model sizes of a clause that cites a table or figure ("表 1 报告的是 Qwen2.5-7B 的成功率") which names
    the model family with another size only (Table 1 is "with Qwen3-8B"): the size, as written ("7B")."""
    if cited is None:
        return []
    parts = [f"{t.caption}\n{t.markdown}" for t in places.doc.tables]
    parts += [f.caption for f in places.doc.figures]
    there = "\n".join(p for p in parts if cited.search(p.split("\n", 1)[0]))
    out = []
    for m in _SIZED_NAME.finditer(clause):
        family, size = m.group(1), m.group(2)
        family_re = re.escape(re.sub(r"[\d.]+$", "", family))
        own = re.search(rf"(?<![\w.-]){re.escape(m.group())}(?![\w-])", there, re.I)
        sibling = re.search(rf"(?<![\w.-]){family_re}[\d.]*-(?!{re.escape(size)}(?![\w.]))\d+(?:\.\d+)?[BMK](?![\w-])",
                            there, re.I)
        if there and not own and sibling and size not in out:
            out.append(size)
    for a, b, written, _, cls in number_spans(clause):  # "7B 的 Qwen2.5 模型": the size apart from the name
        if cls not in _SIZES or _in_name(clause, a, b, cls) or written in out or not there:
            continue
        families = {re.sub(r"[\d.]+$", "", f).lower() for f in re.findall(r"(?<![\w.-])([A-Za-z][A-Za-z]+[\d.]*)(?![\w-])", clause)}
        sized = [(f.lower(), z) for f, z in re.findall(r"(?<![\w.-])([A-Za-z]+)[\d.]*-(\d+(?:\.\d+)?[BMK])(?![\w-])", there)]
        theirs = {z.upper() for f, z in sized if f in families}
        if theirs and written.replace(" ", "").upper() not in theirs:
            out.append(written)
    return out


def _citation(clause: str) -> re.Pattern[str] | None:
    """The table or figure a report clause cites by its number ("Table 1 中", "图 3"), as a regex that finds
    it in a place of the paper (its caption, or a sentence that cites it)."""
    m = _CITED.search(clause)
    if m is None:
        return None
    kind = (m.group(1) or m.group(3)).lower()
    word = r"(?:Table|Tab\.)" if kind.startswith("tab") or kind == "表" else r"(?:Figure|Fig\.)"
    return re.compile(rf"\b{word}\s*{m.group(2) or m.group(4)}(?!\d)", re.I)


def _count_verdict(places: PaperPlaces, count: int, nouns: list[Name], clause_names: list[Name],
                   given: Sequence[Name], cited: re.Pattern[str] | None = None) -> bool | None:
    """Whether the paper gives this count of the noun where the clause's other names are: in a table, in
    the cell's row or column ("5 runs" in the Risk row); in prose, not bound to another count of the
    sentence ("10 bark, 5 ring and 5 spring models"). None when the paper never counts the noun."""
    usable = [n for n in nouns if places.uses(n)]
    if not usable:
        return None
    stated = places.count_near(count, usable)
    cells = places.counted_at(count, usable)
    if not stated and not cells:
        return False if places.counts_any(usable) else None
    if cited is not None and cells:  # "Figure 8 中 … 10 种问题改写": the count must be the cited figure's or table's
        return any(cited.search(o.place) for o in cells)
    named = places.rows_named(usable, clause_names)
    if not clause_names or (not cells and not named):
        return True  # nothing else to place, or stated in words ("three datasets")

    def fits_row(o: Occurrence) -> bool:
        return not _contradicted(places, o, clause_names, given) and _supported(places, o, clause_names, [])

    if named:  # "Myopia 实验训练了 10 个 epoch": a table counts the noun per row and the clause names a row
        return any(o.rows and o.rows[0] in named and fits_row(o) for o in cells)
    return any(fits_row(o) if o.rows else not any(places.tied_any(n, o) and not places.found_in(n, o) for n in clause_names)
               for o in cells)


_COMPARE_ZH = re.compile(r"与\s*(\S+?)\s*(?:相当|持平|接近)|(?:优于|超过|超越|落后于|不及|媲美|高于|低于|强于|弱于|多于|少于|大于|小于|快于|慢于|胜过|领先于?|"
                         r"相比于?|相较于?|对比|(?<![对相])比(?![例率重]))\s*(?:[\u4e00-\u9fff]{1,6}\s*)?([A-Za-z][^\s，。；、的]*)")
# "a speedup of 2.41 over SAM3D", "3% higher than GRPO", "versus 49.9 for ColBERTv2": after a number, what it is compared with
_COMPARE_AFTER = re.compile(r"(?:\d\s*(?:%|×|x|points?|pp)?\s+(?:over|above|below)|\b(?:than|versus|vs\.?|relative\s+to|"
                            r"compar(?:ed|ing)\s+(?:with|to))|(?:相比|相较)于?)\s+(?:the\s+)?", re.I)


_BEATEN = re.compile(r"(?:胜过|超过|超越|优于|击败|强于|outperform(?:s|ed|ing)?|beat(?:s|ing)?|surpass(?:es|ed|ing)?)"
                     r"(?:\s*(?:了|一个|a|an|the))?([^，。；,;:]{0,30}?(?:基线|基准模型|baseline|model))", re.I)


_PAPER_BEATEN = re.compile(r"\b(?:outperform\w*|beat\w*|surpass\w*|exceed\w*|over|than|versus|vs\.?|against)\s+"
                           r"(?:[^\s,;.]+\s+){0,4}$", re.I)


def _beaten(clause: str) -> Spans:
    """The spans of what a clause says its subject beats, up to the word for a baseline ("胜过以标准配方训练的 3B
    基线", "outperforms a 3B baseline"): a number there is the baseline's (its size), not the subject's."""
    return {m.span(1) for m in _BEATEN.finditer(clause)}


def _compared_objects(clause: str) -> Spans:
    """The spans of what a report clause compares its subject with ("matches ColBERTv2", "与 ColBERTv2 相当")."""
    out: Spans = set()
    for verb in _COMPARE_VERB.finditer(clause):
        stop = re.search(r"\s(?:on|in|at|for|with|by|across|under|while|and)\s|[,;:(，。]", clause[verb.end():])
        out.add((verb.end(), verb.end() + (stop.start() if stop else len(clause) - verb.end())))
    for m in _COMPARE_ZH.finditer(clause):
        k = 1 if m.group(1) else 2
        out.add(m.span(k))
    for m in _COMPARE_AFTER.finditer(clause):
        name = re.match(r"[A-Za-z][\w.@*+-]*(?:\s+[A-Z0-9][\w.@*+-]*){0,2}", clause[m.end():])
        if name:
            out.add((m.end(), m.end() + name.end()))
    return out


# In the paper, a number's own baseline right after it: "by 1.6% over GRPO", "2.1x faster than SAM3D"
_BASELINE_AFTER = re.compile(r"[^\s,;]{0,12}(?:\s+[\w%.]+){0,2}?\s+(?:over|than|versus|vs\.?|against|relative\s+to|"
                             r"compar(?:ed|ing)\s+(?:with|to))\s+(?:the\s+)?([A-Za-z][\w.@*+-]*(?:\s+[A-Z0-9][\w.@*+-]*){0,2})", re.I)


_BASELINE_VERB = re.compile(r"\b(?:leads?|led|outperform(?:s|ed)?|beat(?:s)?|surpass(?:es|ed)?|exceed(?:s|ed)?|trail(?:s|ed)?)"
                            r"\s+(?:the\s+)?([^;:.]{1,60}?)\s+by\s+(?:about\s+|up\s+to\s+|nearly\s+)?$", re.I)
_BASELINE_IN = re.compile(r"\b(?:over|than|versus|vs\.?|against|relative\s+to|compar(?:ed|ing)\s+(?:with|to))\s+(?:the\s+)?"
                          r"([A-Za-z][\w.@*+-]*(?:\s+[\w.@*+-]+)?)", re.I)


def _other_baseline(places: PaperPlaces, occ: Occurrence, compared: Sequence[Name]) -> bool:
    """The report compares the number with something ("比 GSPO 提升 1.6%") and the paper gives the number
    its own baseline right after it, another one ("1.6% over GRPO"). Where the paper states no baseline
    for the number, the report's comparison is not judged ("a speedup of 2.41 over SAM3D")."""
    if not compared or occ.at < 0:
        return False
    digits = re.match(r"[\d.,]*", occ.place[occ.at:])
    m = _BASELINE_AFTER.match(occ.place, occ.at + (digits.end() if digits else 0))
    baselines = [m.group(1)] if m else []
    if not baselines:  # "vanilla LoRA leads the second-best method, DoRA, by 0.15%": the verb's object
        v = _BASELINE_VERB.search(occ.place, max(0, occ.at - 90), occ.at)
        baselines = [v.group(1)] if v else []
    if not baselines and occ.scope:  # "improves accuracy over standard training by 5%": in its part, not another number's
        baselines = [b.group(1) for b in _BASELINE_IN.finditer(occ.place, *occ.scope)
                     if not any(x <= b.start(1) < y for x, y in occ.bound_elsewhere)]
    return bool(baselines) and not any(places.matches(n, b) or _abbreviates(n.text, b) for n in compared for b in baselines)


def _other_size(occ: Occurrence, sizes: set[tuple[Decimal, str | None]]) -> bool:
    """"用 LET 训练的 3B 模型快 1.6 倍" where the paper's 1.6x is said of a 1.4B model: the place gives a size of
    the same scale (B) as the clause's and never the clause's."""
    if not sizes:
        return False
    text = occ.place[occ.scope[0]:occ.scope[1]] if occ.scope else occ.place
    there = {(v, c) for a, b, _, v, c in number_spans(text, skip_trivial=False) if c in _SIZES and not _in_name(text, a, b, c)}
    return any(c in {x for _, x in there} and (v, c) not in there for v, c in sizes)


def _abbreviates(short: str, long: str) -> bool:
    """`short` is `long` with some words written as initials: "WM-SFT" for "world-model SFT"."""
    parts = [p.lower() for p in short.split("-") if p]
    words = [w.lower() for w in re.split(r"[\s-]+", long.rstrip(".")) if w]

    def fits(i: int, k: int) -> bool:
        if i == len(parts):
            return k == len(words)
        if k < len(words) and parts[i] == words[k] and fits(i + 1, k + 1):
            return True
        n = len(parts[i])
        return (len(parts[i]) > 1 and k + n <= len(words) and "".join(w[0] for w in words[k:k + n]) == parts[i]
                and fits(i + 1, k + n))

    return len(parts) > 1 and fits(0, 0)


def _bound_to_others(clause: str, spans: Sequence[tuple[int, int, str, Decimal, str | None]]) -> dict[int, Spans]:
    """For each number of a report clause, the words bound to its other numbers and not to it."""
    bound, _ = _bindings(clause, [(a, b) for a, b, *_ in spans])
    words = [bound[(a, b)] for a, b, *_ in spans]
    return {i: set().union(*(w for k, w in enumerate(words) if k != i)) - words[i] for i in range(len(words))}


def _only_in(clause: str, name: Name, spans: Spans) -> bool:
    """The name occurs in the clause, each time inside one of the spans."""
    found = [m.start() for m in name.regex.finditer(clause)] if name.kind == "name" else [
        m.start() for m in re.finditer(re.escape(name.text), clause, re.I)]
    return bool(found) and all(any(a <= f < b for a, b in spans) for f in found)


def _keyed_elsewhere(occ: Occurrence, counts: set[Decimal], value: Decimal) -> bool:
    """The sentence's counts ("用 64 个数据点训练 1 个 epoch") pick another row of the table better than this one."""
    keys = counts - {value}
    if not keys or len(occ.row_values) < 2:
        return False
    own = len(keys & occ.row_values[0])
    return any(len(keys & other) > own for other in occ.row_values[1:])


def _change_ratio(spans: Sequence[tuple[int, int, str, Decimal, str | None]], clause: str) -> Decimal | None:
    """The ratio of a clause's change "from a to b" (larger over smaller), when a and b are times or sizes in the
    same unit (what a speedup or a compression measures) and the clause has one such change."""
    changes = [(a, b) for a, b in itertools.pairwise(spans) if a[4] == b[4] and a[4] in ("s", "ms", "min", "h", *_SIZES)
               and _FROM_TO.search(clause[:a[0]]) and _TO_AFTER.match(clause[a[1]:b[0]])
               and len(clause[a[1]:b[0]]) <= 16 and a[3] > 0 and b[3] > 0]
    if len(changes) != 1:
        return None
    x, y = changes[0][0][3], changes[0][1][3]
    return max(x, y) / min(x, y)


_FROM_TO = re.compile(r"(?:从|由|\bfrom)\s*$", re.I)
_TO_AFTER = re.compile(r"^\s*\S{0,3}\s*(?:降至|降到|降低到|降低至|减少到|减少至|提升至|提升到|提高到|提高至|增加到|增加至|升至|升到|"
                       r"增至|到|至|\bto\b)", re.I)
# "降到约 20%", "to about 3%": the number is where a change ends
_RESULT_BEFORE = re.compile(r"(?:降至|降到|降低到|降低至|减少到|减少至|下降到|下降至|提升至|提升到|提高到|提高至|增加到|增加至|升至|升到|增至|"
                            r"\bto)\s*(?:约|大约|about|around|approximately|roughly|nearly)?\s*$", re.I)
_PAPER_FROM = re.compile(r"\bfrom\s+(?:about\s+|around\s+|approximately\s+|roughly\s+|nearly\s+)?$", re.I)
_PAPER_TO_AFTER = re.compile(r"[\d.,]*\s*%?\s*(?:[^\s,;]{1,12}\s+)?to\s+(?:about\s+|around\s+|approximately\s+)?\d", re.I)


_BEFORE_CHANGE = re.compile(r"之前|以前|此前|\b(?:before|prior\s+to)\b", re.I)
_PAPER_CHANGE_END = re.compile(r"\bfrom\s+(?:about\s+|around\s+)?\d[\d.,]*\s*(?:%|percent|points?|[a-z]{1,3})?\s+to\s+"
                               r"(?:about\s+|around\s+)?$", re.I)


_OWNER_AFTER = re.compile(r"[\d.,]+\s*(?:%|percent|points?)?\s+for\s+(?:the\s+)?([A-Z][\w.@*+-]*[\w@*+])")


def _owner_unnamed(places: PaperPlaces, occ: Occurrence, clause: str) -> bool:
    """In the paper's sentence the number is given for a named other ("…, comparing to 0.01 for GPT-4o"), and
    the clause never names it."""
    if occ.at < 0 or not occ.bound_elsewhere:
        return False  # a lone number ("… 94.3 percent for WM-SFT" alone) is left to the other checks
    m = _OWNER_AFTER.match(occ.place, occ.at)
    if m is None:
        return False
    owner = Name(m.group(1), (_word_pattern(m.group(1)),))
    return not places.in_title(owner) and not places.matches(owner, clause)


def _ends_change(occ: Occurrence) -> bool:
    """In the paper, the number is where a change ends: "rises from 84.8% to 95.8%"."""
    return occ.at >= 0 and bool(_PAPER_CHANGE_END.search(occ.place, max(0, occ.at - 40), occ.at))


def _starts_change(occ: Occurrence) -> bool:
    """In the paper, the number is where a change starts: "from about 20% to about 3%"."""
    return occ.at >= 0 and bool(_PAPER_FROM.search(occ.place, max(0, occ.at - 30), occ.at)
                                and _PAPER_TO_AFTER.match(occ.place, occ.at))


# "2x 或 4x B200 GPU", "8× A100": a count of devices, not a speed-up
_HARDWARE_AFTER = re.compile(r"\s*(?:(?:或|or|/|,|和|and)\s*\d+\s*[x×]\s*)?(?:NVIDIA\s+)?(?:[A-Z]+\d+\w*|GPUs?|TPUs?)\b")
_EACH = re.compile(r"均|都|各自|\b(?:both|each)\b", re.I)
_UP = re.compile(r"提升|提高|增加|上升|增长|\b(?:improv|increas|rais|rise|rose|gain|boost)", re.I)
_DOWN = re.compile(r"下降|降低|减少|缩减|\b(?:reduc|decreas|drop|lower|declin|fell|fall|cut)", re.I)


def _direction(text: str) -> int:
    """+1 when the text says a number went up, -1 down, 0 when it says neither or both."""
    return bool(_UP.search(text)) - bool(_DOWN.search(text))


def _other_direction(occ: Occurrence, clause: str) -> bool:
    """The clause says up where the paper's words for this number say down, or the reverse."""
    said = _direction(clause)
    if not said or not occ.bound_here:
        return False
    return _direction(" ".join(occ.place[a:b] for a, b in occ.bound_here)) == -said


def _binds_other_metric(occ: Occurrence, absent: Sequence[Name], metrics: Sequence[Name]) -> bool:
    """A metric the clause names and the paper never uses, while the paper binds to this number another
    metric, not one of the clause's."""
    if not absent or not occ.near:
        return False
    return any(m.regex.search(occ.near) for m in _METRICS if not any(m.patterns == x.patterns for x in metrics))


# "标准训练基线（Baseline）", "分布外（OOD）": English in brackets right after Chinese glosses the Chinese term
_GLOSS = re.compile(r"(?<=[\u4e00-\u9fff])\s*[（(]\s*([A-Za-z][A-Za-z\s/-]*?)\s*[）)]")


def _glosses(sentence: str) -> set[str]:
    """The words of a sentence's English glosses of Chinese terms: they repeat a term, they name nothing more."""
    return {w.lower() for m in _GLOSS.finditer(sentence) for w in re.findall(r"[A-Za-z][\w-]*", m.group(1))}


def _misplaced_counts(places: PaperPlaces, clause: str, clause_names: list[Name], given: Sequence[Name],
                      cited: re.Pattern[str] | None) -> tuple[list[str], set[str]]:
    """The clause's counts with nouns ("8 张 A100", "4 B200 GPUs") the paper does not give where the clause puts
    them, and the counts judged at all (as written), which the number check then leaves alone."""
    found: list[str] = []
    counted: set[str] = set()
    nouns = ("noun", "name")
    counts = [(m, report_names(m.group(3) or "", nouns) + report_names(m.group(2), nouns)) for m in _counts_in(_COUNT_ZH, clause)]
    counted_nouns = {n.text.lower() for _, ns in counts for n in ns}
    placed = [n for n in clause_names if n.text.lower() not in counted_nouns]  # what the counts are of is not a place
    for m, count_nouns in counts:
        verdict = _count_verdict(places, int(m.group(1)), count_nouns, placed, given, cited)
        if verdict is not None:
            counted.add(m.group(1))
            if not verdict:
                found.append(f"{m.group(1)} {m.group(2)}")
    for m in _counts_in(_COUNT_EN, clause):
        noun = m.group(2).split()[-1]
        verdict = _count_verdict(places, int(m.group(1)), report_names(m.group(2), nouns)
                                 or [Name(noun, (_word_pattern(noun.lower().rstrip("s")),), "noun")], [], given, cited)
        if verdict is not None:
            counted.add(m.group(1))
            if not verdict:
                found.append(f"{m.group(1)} {m.group(2)}")
    return found, counted


def _misplaced_in(places: PaperPlaces, clause: str, label: str, inherited: Sequence[Name] = (),
                  sentence_counts: set[Decimal] | None = None, glosses: set[str] | None = None,
                  ratio: Decimal | None = None) -> list[str]:
    """The numbers of one report clause (as written) whose value the paper has, never where the clause puts it."""
    clause_names = [n for n in _checkable(places, report_names(clause))
                    if n.kind != "name" or n.text.lower() not in (glosses or set())]
    label_names = _checkable(places, report_names(label))
    all_names = _checkable(places, report_names(clause), titles=True)
    given = [*report_names(clause, ("name", "metric", "term", "noun", "word")), *inherited]
    clause_metrics = report_names(clause, ("metric",))
    absent = [n for n in clause_metrics if not places.uses(n)]
    cited = _citation(clause)
    found, counted = _misplaced_counts(places, clause, clause_names, given, cited)
    found += _cited_sizes_elsewhere(places, clause, cited)
    symbols, symbols_held = _symbol_values(places, clause)
    found += [w for w in symbols if not any(re.match(rf"{re.escape(w)}(?![\d.])", f) for f in found)]
    spans = [sp for sp in number_spans(clause) if not _in_name(clause, sp[0], sp[1], sp[4])]
    keys = dict(_keyed_values(places, clause, [(a, b) for a, b, *_ in spans]))
    spans = sorted([*spans, *keys])
    numbers = [(w, v, c) for _, _, w, v, c in spans]
    respective = _respective(clause, len(numbers))
    theirs = _bound_to_others(clause, spans) if len(spans) > 1 and not respective else {}
    objects = _compared_objects(clause)
    beaten_spans = _beaten(clause)
    for i, (written, value, cls) in enumerate(numbers):
        lead = re.match(r"\d+", written)
        if (lead is not None and lead.group() in counted) or written in symbols or written in symbols_held:
            continue  # judged above: a count, or a symbol's value ("H=20" as the paper has it, or not)
        if cls == "times" and ratio is not None and places.occurrences.get(value) and abs(ratio - value) > max(
                Decimal("0.06") * value, Decimal("0.015")):
            found.append(written)  # "by 2.67×, from 462 s to 230 s" is 2.0×: the 2.67× is another one's
            continue
        occurrences = places.occurrences.get(value)
        key = keys.get(spans[i])
        if key is not None:  # "batch size 为 1": the cells of the column "Batch size", or "a batch size of 1"
            occurrences = [o for o in occurrences or [] if key in _header_key(o.columns[0] if o.columns else _bound_text(o))]
            if not occurrences:
                found.append(written)  # the paper gives the key's values, never this one
                continue
            tabled = [n for n in clause_names if n.kind == "name" and places.in_tables(n)]
            if any(all(places.matches(n, o.place) for n in tabled) and not _contradicted(places, o, clause_names, given, clause)
                   for o in occurrences):
                continue  # the column has it where the clause's table names are ("Fireworks API" is prose's)
        if not occurrences or (cls in _SIZES and not any(o.unit == cls for o in occurrences)):
            continue  # not in the paper at all (a size: not with its scale): the ungrounded check reports it
        names, every = clause_names, all_names
        if respective:  # "A 与 B 分别提升 x 和 y": x goes with A only
            others = {r.lower() for k, r in enumerate(respective) if k != i}
            names = [n for n in clause_names if n.text.lower() not in others]
            every = [n for n in all_names if n.text.lower() not in others]
        elif theirs:  # "from 17.07% for ring to 66.00% for spring": spring is the other number's
            names = [n for n in clause_names if not _only_in(clause, n, theirs[i])]
            every = [n for n in all_names if not _only_in(clause, n, theirs[i])]
        if cls in _SIZES:  # a size measures nothing: the clause's metrics are its other numbers'
            names, every = [n for n in names if n.kind != "metric"], [n for n in every if n.kind != "metric"]
        compared: list[Name] = []
        own_given: Sequence[Name] = given
        if objects:  # "It matches ColBERTv2 … with 49.8": what it is compared with does not own the number
            compared = [n for n in every if _only_in(clause, n, objects)]
            own_given = [n for n in given if not _only_in(clause, n, objects)]  # nor gives the number's row
            names = [n for n in names if not _only_in(clause, n, objects)]
            every = [n for n in every if not _only_in(clause, n, objects)]
        unit = None if cls == "times" and _HARDWARE_AFTER.match(clause[spans[i][1]:]) else _fine_unit(cls, written)
        if cls is None and _PP_AFTER.match(clause[spans[i][1]:spans[i][1] + 24]):
            unit = "pp"  # "by 18.7 points", as the paper's own "8.1 points" is read
        titles = [n for n in every if places.in_title(n)]
        beaten = any(a <= spans[i][0] < b for a, b in beaten_spans)
        if beaten:  # "胜过以标准配方训练的 3B 基线": the baseline's size, not the paper's own method's
            names, every, titles = ([n for n in ns if not places.in_title(n)] for ns in (names, every, titles))

        starting = bool(_FROM_TO.search(clause[:spans[i][0]]) and _TO_AFTER.match(clause[spans[i][1]:]))
        ending = not starting and bool(_RESULT_BEFORE.search(clause[:spans[i][0]]))
        before_change = bool(_BEFORE_CHANGE.search(clause[:spans[i][0]]))

        own_sizes: set[tuple[Decimal, str | None]] = {(v, c) for k, (_, v, c) in enumerate(numbers) if c in _SIZES and k != i}

        def holds(names: list[Name], every: list[Name], given: Sequence[Name], o: Occurrence,
                  unit: str | None = unit, value: Decimal = value, titles: list[Name] = titles,
                  starting: bool = starting, ending: bool = ending, before_change: bool = before_change,
                  beaten: bool = beaten,
                  compared: list[Name] = compared, sized: bool = cls in _SIZES,
                  own_sizes: set[tuple[Decimal, str | None]] = own_sizes) -> bool:
            if cited is not None and not cited.search(o.place):
                return False  # "Table 1 中 …": the number must be in the cited table or figure, or cited with it
            if starting and o.change_subject:  # "X 的错误率从 11.4% 降至 9.8%": X is the change's, not 11.4%'s
                names = [n for n in names if not any(a <= m[0] < b for m in places.matches(n, o.place)
                                                     for a, b in o.change_subject)]
            if ending and _starts_change(o):  # "降到约 20%" where the paper's 20% is "from about 20% to 3%"
                return False
            if before_change and _ends_change(o):  # "引入 X 之前 … 为 95.8%" where 95.8% is "from 84.8% to 95.8%"
                return False
            if beaten and o.at >= 0 and not _PAPER_BEATEN.search(o.place, max(0, o.at - 60), o.at):
                return False  # "超过…规模为 1.4B 的基线" where the paper's 1.4B is the model that wins
            if _owner_unnamed(places, o, clause):
                return False  # "…, comparing to 0.01 for GPT-4o": 0.01 is GPT-4o's, and the clause does not say so
            return (_units_agree(unit, o) and not _contradicted(places, o, every, given, clause)
                    and not _keyed_elsewhere(o, sentence_counts or set(), value)
                    and (sized or not _binds_other_metric(o, absent, clause_metrics))
                    and not _other_direction(o, clause)
                    and not _other_baseline(places, o, compared) and not _other_size(o, own_sizes)
                    and _supported(places, o, names, label_names, titles))

        if any(holds(names, every, own_given, o) for o in occurrences):
            continue
        subjects = [n for n in names if n.kind != "metric"]
        if _EACH.search(clause) and len(subjects) > 1:  # "A 与 B 的概率均为 50%": each may have its own place
            metrics = [n for n in names if n.kind == "metric"]
            if all(any(holds([n, *metrics], [n, *metrics], (), o) for o in occurrences) for n in subjects):
                continue
        found.append(written)
    return found
