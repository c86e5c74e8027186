"""The extractive writer: fill the report schema with the paper's own sentences (no LLM).

Every text field is one sentence (or list item, or the part of an item after its
"Name:" lead-in) copied verbatim from the paper, whitespace collapsed, or a short fixed
phrase ("论文未给出" / "not stated in the paper", NO_LIST); labels are fixed words. The field (domain) is a fixed label chosen from
keywords of the title and abstract, said to be inferred, or "未标注".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from paperbrief.langs import CJK, CJK_CHAR
from paperbrief.models import Document, Innovation, LabeledText, Report
from paperbrief.writer.context import section_kind

NOT_GIVEN = {"zh": "论文未给出", "en": "not stated in the paper"}
NOT_PROVIDED = {"zh": "论文未提供", "en": "not stated in the paper"}
# (name, detail) of the one innovation written when the paper lists no contributions at all
NO_LIST = {
    "zh": ("未找到贡献列表", "论文未单独列出贡献，请参阅摘要。"),
    "en": ("no contribution list found", "The paper has no separate list of contributions; see the abstract."),
}

LABELS = {
    "zh": {
        "input": "输入", "output": "输出", "workflow": "流程/使用方式", "data": "数据", "hardware": "硬件与成本",
        "availability": "开源状态", "contribution": "贡献", "result": "结果",
    },
    "en": {
        "input": "Input", "output": "Output", "workflow": "Workflow", "data": "Data", "hardware": "Hardware and cost",
        "availability": "Availability", "contribution": "Contribution", "result": "Result",
    },
}

# The field vocabulary: (key, Chinese label, English label, weighted keyword patterns of the title
# and abstract). The label with the highest score wins (a title hit counts three times); its
# accuracy on the fixture papers is measured by tests/test_writer_extractive.py against the
# hand-labelled tests/data/field-labels.json.
FIELDS: list[tuple[str, str, str, list[tuple[str, int]]]] = [
    ("llm_efficiency", "自然语言处理 - 大模型推理加速", "NLP - LLM Inference Efficiency", [
        (r"speculative decoding|draft (?:model|tokens?)|kv[- ]cache|decoding (?:speed|throughput)", 4),
        (r"(?:llm|language model)s? inference|inference (?:of|for) (?:llms?|language models?)|dllms?\b", 3),
        (r"\b(?:accelerat\w*|throughput|latency|speed(?:s|ing)? up)\b", 1)]),
    ("llm_rl", "大模型后训练 / 强化学习", "LLM Post-training / Reinforcement Learning", [
        (r"\bgrpo\b|\brlvr\b|\bgspo\b|\bdapo\b|\bppo\b|policy (?:optimi[sz]ation|mirror descent|gradient)", 3),
        (r"reinforcement learning|post-train\w*|\breward(?:s| hacking| model)?\b|\brlhf\b", 2)]),
    ("agents", "智能体", "AI Agents", [
        (r"\bagents?\b|\bagentic\b|multi-agent", 2), (r"tool(?:s| calls?| use)\b|interactive environments?", 1)]),
    ("retrieval", "信息检索 / 检索增强生成", "Information Retrieval / RAG", [
        (r"retriev\w*|\brag\b|\bbm25\b|search engines?|semantic search|rerank\w*", 3)]),
    ("safety", "AI 安全与对齐", "AI Safety and Alignment", [
        (r"misalign\w*|\balignment\b|\bsafety\b|\bunsafe\b|refus\w*|jailbreak\w*|prompt injection|backdoors?|"
         r"\bprivacy\b|\bdefen[cs]es?\b|\battacks?\b|oversight|self-awareness|contextual integrity", 3)]),
    ("multimodal", "多模态学习", "Multimodal Learning", [
        (r"multimodal|vision-language|\bvlms?\b|\bmllms?\b|image-text", 3)]),
    ("video", "计算机视觉 - 视频", "Computer Vision - Video", [(r"\bvideos?\b|\bframes?\b|\bmotion\b", 2)]),
    ("cv3d", "计算机视觉 - 3D", "Computer Vision - 3D", [
        (r"\b3d\b|\bmesh(?:es)?\b|point clouds?|\bnerf\b|gaussian splatting|3dfy", 3)]),
    ("cv", "计算机视觉", "Computer Vision", [
        (r"\bimages?\b|vision transformers?|\bvit\b|segmentation|object detection|imagenet|dense prediction", 2),
        (r"\bvisual\b|\bvision\b|\bpixels?\b", 1)]),
    ("speech", "语音与音频", "Speech and Audio", [
        (r"\bspeech\b|\baudio\b|\bmusic\b|\bvoice\b|acoustic|speech recognition|\btts\b|\bcodecs?\b", 3)]),
    ("robotics", "机器人 / 具身智能", "Robotics / Embodied AI", [
        (r"robot\w*|humanoids?|manipulation|embodied|locomotion|human-object interaction", 3)]),
    ("ml_systems", "机器学习 - 优化与系统", "Machine Learning - Optimisation and Systems", [
        (r"optimi[sz]ers?\b|shampoo|\badam\b|precondition\w*|second-order|distributed training|"
         r"gpu kernels?|triton|quantization|convergence", 3)]),
    ("science", "AI for Science", "AI for Science", [
        (r"biolog\w*|protein|molecul\w*|genom\w*|chemistry|drug discovery|\bcells?\b|clinical|epidemic\w*", 3)]),
    ("nlp", "自然语言处理 - 大语言模型", "NLP - Large Language Models", [
        (r"language models?|\bllms?\b|pre-?training|fine-?tun\w*|long[- ]context|position(?:al)? (?:embedding|encoding)|"
         r"\brope\b|\blora\b|tokeni[sz]\w*", 1)]),
    ("graph", "图学习", "Graph Learning", [(r"\bgnns?\b|graph neural|node classification|link prediction", 3)]),
    ("ml", "机器学习", "Machine Learning", [(r"benchmarks? should|variance|dataset distillation|machine learning", 1)]),
]


_ABBREV = r"(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bet al\.)(?<!\bFig\.)(?<!\bEq\.)(?<!\bvs\.)(?<!\bSec\.)(?<!\bTab\.)(?<!\bNo\.)(?<!\bcf\.)(?<!\bDr\.)(?<!\bMr\.)(?<!\bMs\.)(?<!\bSt\.)(?<!\bProf\.)"
_SPLIT_RE = re.compile(_ABBREV + rf"(?<=[.!?])\s+(?=[A-Z(\[\"“\u0370-\u03ff{CJK}])|(?<=[。！？])")
_BULLET_RE = re.compile(r"^\s*(?:[-*•●◦▪]|\(?\d{1,2}[.)]|\(?[a-z][.)]|\(?[ivx]{1,4}\))\s+")

_CONTRIB_RE = re.compile(
    r"\b(we|this (?:paper|work|study))\s+(?:\w+\s+){0,2}?(propose|introduce|present|develop|design|build|"
    r"release|construct|contribute|formulate|offer|show|demonstrate)s?\b|我们提出|本文提出",
    re.I,
)
_RESULT_RE = re.compile(
    r"outperform|surpass|improv|achiev|exceed|beat|better than|faster|speed-?up|state-of-the-art|sota|"
    r"reduc|gain|compared (?:to|with)|relative to|higher|lower|boost|accelerat|提升|优于|超过",
    re.I,
)
_HARDWARE_RE = re.compile(
    r"\b(?:[AHVLTB]\d{2,3}|RTX\s?\d{3,4}|GTX\s?\d{3,4}|A6000|4090|3090|TPU\s?v?\d*|GPUs?(?! kernels?)|NPUs?|"
    r"Ascend|GPU[- ]hours|GB of memory|VRAM)\b|\b(?:fine-?tuned|trained|run) (?:through|via) (?:the |an? )?(?:\w+ )?API\b"
)
# A sentence saying what the method is trained or evaluated on (the data a reader would need)
_DATA_RE = re.compile(
    r"\b(?:we (?:evaluate|test|train|benchmark|experiment)\w*(?: \w+){0,3} on|(?:evaluated|tested|trained|"
    r"fine-tuned|pretrained) on|on the [A-Z][\w-]+ (?:dataset|benchmark)|datasets?:|benchmarks?:)"
    # ... and names data: a dataset-like name (ImageNet-1K, Toys4K, MuSiQue) or the words dataset/benchmark
    r"(?=.*(?:(?-i:\b[A-Z][\w-]*\d|\b[A-Z][a-z]+[A-Z]\w*|\b[A-Z]{2,}\b)|datasets?|benchmarks?))",
    re.I,
)
_METHOD_HEADING_RE = re.compile(r"method|approach|framework|design|architecture|model|algorithm|our\b", re.I)
_WORKFLOW_RE = re.compile(
    r"training-free|plug-and-play|without (?:any )?(?:additional )?(?:training|fine-tuning)|can be (?:directly )?"
    r"(?:applied|integrated|plugged)|drop-in|plugs? into|fine-tun(?:e|ed|ing)\b|we train|is trained|"
    r"takes? .{1,60} as inputs?|^given\b|\bgiven an? \w+|\boutputs?\b|\bproduces?\b|\bpipeline\b|\bfirst\b.{1,80}\bthen\b",
    re.I,
)
# Words of a usage step that only count as a tie-breaker (a step of some pipeline, maybe not this one's)
_WEAK_WORKFLOW_RE = re.compile(r"^(?:pipeline|outputs?|produces?)$", re.I)
# A sentence about a figure, table, section, equation or appendix is not a usage step
_POINTER_RE = re.compile(r"\b(?:Fig(?:ure)?s?\.?|Tables?|Tab\.|Sections?|Sec\.|§|Eq(?:uation)?s?\.?|Appendix|Algorithm)\s*~?\(?[A-Z]?\d+")
_INPUT_RE = re.compile(r"\b(?:takes? (?:as input|an? (?:single )?\w+ (?:as input|and (?:produces|outputs|generates)))|given an? (?:single )?\w+(?: \w+)?, (?:our|the) (?:model|method|framework|system))", re.I)
_WEAK_CONTRIB_RE = re.compile(
    r"\bwe\s+(?:\w+\s+){0,2}?(study|investigate|explore|define|create|collect|curate|finetune|fine-tune|train|"
    r"extend|identify|analy[sz]e|evaluate|find|observe)s?\b",
    re.I,
)
_FINDING_RE = re.compile(r"\b(we (?:find|show|observe|demonstrate)|results? (?:show|demonstrate|indicate|suggest)|experiments? (?:show|demonstrate))\b", re.I)
_REF_NUM_RE = re.compile(r"\b(?:Fig(?:ure)?s?\.?|Tables?|Tab\.|Sections?|Sec\.|Eq(?:uation)?s?\.?|Appendix)\s*~?[A-Z]?\d+(?:\.\d+)*|\(\d{4}[a-z]?\)|\d{4}[a-z]?\)|et al\.,? \d{4}")
_CODE_URL_RE = re.compile(r"https?://(?:www\.)?(?:github\.com|gitlab\.com|huggingface\.co|hf\.co|[\w.-]+\.github\.io)/\S*", re.I)
_NUMBER_RE = re.compile(r"(?<![A-Za-z\d\-])\d")  # a number, not a digit inside a name (SAM3D, Qwen3-4B)
_RESULTS_HEADING_RE = re.compile(r"experiment|result|evaluat|benchmark|comparison|ablation|conclusion|discussion|analysis", re.I)
_INTRO_HEADING_RE = re.compile(r"introduction|引言|概述", re.I)


def clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def sentences(text: str) -> list[str]:
    """The sentences of `text` (and list items, one per line), whitespace collapsed, verbatim otherwise."""
    out: list[str] = []
    for line in text.splitlines():
        line = _BULLET_RE.sub("", line, count=1)
        for s in _SPLIT_RE.split(line):
            s = clean(s or "")
            if len(s) >= (6 if CJK_CHAR.search(s) else 12):
                out.append(s)
    return out


def _list_items(text: str) -> list[str]:
    items = []
    for line in text.splitlines():
        if _BULLET_RE.match(line):
            item = clean(_BULLET_RE.sub("", line, count=1))
            if len(item) >= 20:
                items.append(item)
    return items


def field_of(doc: Document) -> tuple[str, str, str] | None:
    """(key, Chinese label, English label) of the field whose keywords score highest in the title
    (three times) and abstract, or None when none occurs."""
    title, abstract = doc.title.lower(), doc.abstract.lower()
    best, best_score = None, 0
    for key, zh, en, patterns in FIELDS:
        score = sum(w * (3 * len(re.findall(p, title)) + len(re.findall(p, abstract))) for p, w in patterns)
        if score > best_score:
            best, best_score = (key, zh, en), score
    return best


def _domain(doc: Document, lang: str) -> str:
    """The field label, said to be inferred from keywords, or "not labelled"."""
    found = field_of(doc)
    if found is None:
        return "未标注（论文未给出关键词）" if lang == "zh" else "not labelled (the paper gives no keywords)"
    _, zh, en = found
    if lang == "zh":
        return f"{zh} ({en})（据标题与摘要关键词推断）"
    return f"{en} (inferred from keywords of the title and abstract)"


def _sections(doc: Document, pattern: re.Pattern[str]) -> list[str]:
    """Texts of the non-appendix sections whose heading (or parent heading) matches `pattern`."""
    out, inside = [], False
    for s in doc.sections:
        if s.appendix or section_kind(s.heading) != "body":
            inside = False if s.level <= 1 else inside
            continue
        if s.level <= 1:
            inside = bool(pattern.search(s.heading))
        if inside or pattern.search(s.heading):
            out.append(s.text)
    return out


def _plain(sentence: str) -> bool:
    """A sentence a reader can take as prose: no display math, and mostly letters."""
    if "$" in sentence or re.search(r"[=∼∑∫∈∀∃→⇒∂∇]", sentence):
        return False
    visible = [c for c in sentence if not c.isspace()]
    return sum(c.isalpha() for c in visible) >= 0.7 * len(visible)


def _first(candidates: Iterable[str], pattern: re.Pattern[str], used: set[str]) -> str | None:
    for s in candidates:
        if s not in used and pattern.search(s) and _plain(s):
            used.add(s)
            return s
    return None


def _name_of(item: str) -> str | None:
    """A short name an item gives itself, e.g. "Modality-Aware Step Caching: ..." -> the part before ':'."""
    m = re.match(r"^([A-Z][^:：.]{2,60})[:：]\s", item)
    if m and len(m.group(1).split()) <= 8:
        return m.group(1).strip()
    return None


def _innovation(item: str, n: int, lang: str) -> Innovation:
    """An innovation from a list item: "Name: rest" -> (Name, rest) when the rest reads as a sentence, else the whole item."""
    name = _name_of(item)
    if name:
        rest = clean(re.sub(r"^[^:：]*[:：]", "", item, count=1))
        if len(rest.split()) >= 4 and len(rest) >= 20 and rest[-1:] in ".!?。！？":
            return Innovation(name=name, detail=rest)
    return Innovation(name=f"{LABELS[lang]['contribution']} {n}", detail=item)


def _usage_step(candidates: Iterable[str], used: set[str]) -> str | None:
    """The sentence that best says how the method is used (input, steps, training-free, fine-tuning), if any."""
    best, best_score = None, 0
    for s in candidates:
        if s in used or _POINTER_RE.search(s) or not _plain(s):
            continue
        hits = {m.group(0).lower() for m in _WORKFLOW_RE.finditer(s)}
        score = sum(1 if _WEAK_WORKFLOW_RE.match(h) else 2 for h in hits)
        if score > best_score:
            best, best_score = s, score
    if best:
        used.add(best)
    return best


def _result_score(s: str) -> int:
    """2 for a number (not a figure/table/section/year reference), 2 for a comparison word, 1 for % or ×."""
    plain = _REF_NUM_RE.sub(" ", s)
    score = 2 if _NUMBER_RE.search(plain) else 0
    score += 2 if _RESULT_RE.search(s) else 0
    score += 1 if re.search(r"\d(?:\.\d+)?\s?(?:%|×|x\b)", plain) else 0
    score += 1 if _FINDING_RE.search(s) else 0
    return score


def _method_leads(doc: Document, used: set[str]) -> list[tuple[str, str]]:
    """(heading, first sentence) of each subsection of the method sections: what a paper without a
    contribution list says it does, part by part."""
    leads: list[tuple[str, str]] = []
    parent = False
    for s in doc.sections:
        if s.appendix or section_kind(s.heading) != "body":
            parent = False if s.level <= 1 else parent
            continue
        heading = re.sub(r"^\s*(?:[A-Z]|\d+)(?:\.\d+)*\.?\s+", "", s.heading).strip()
        if s.level <= 1:
            parent = bool(_METHOD_HEADING_RE.search(heading)) and not _RESULTS_HEADING_RE.search(heading)
            continue  # the method section's own text says what the subsections are, not one of them
        if not parent:
            continue
        lead = next((x for x in sentences(s.text) if x not in used and not _POINTER_RE.search(x)
                     and len(x.split()) >= 8 and _plain(x)), None)
        if lead and heading:
            leads.append((heading, lead))
    return leads


def extract_report(doc: Document, lang: str = "zh", known_links: Sequence[str] = ()) -> Report:
    """A report made of the paper's own sentences, with fixed labels in `lang`."""
    L = LABELS[lang]
    used: set[str] = set()
    abstract = sentences(doc.abstract)
    intro_text = "\n".join(_sections(doc, _INTRO_HEADING_RE))
    intro = sentences(intro_text)
    body = [x for s in doc.sections if not s.appendix and section_kind(s.heading) == "body" for x in sentences(s.text)]
    results_text = _sections(doc, _RESULTS_HEADING_RE)
    result_sents = [x for t in results_text for x in sentences(t)]

    contribution = (
        _first(abstract, _CONTRIB_RE, used)
        or _first(intro, _CONTRIB_RE, used)
        or (abstract[0] if abstract else None)
        or (body[0] if body else NOT_GIVEN[lang])
    )
    used.add(contribution)

    # innovations: the introduction's contribution list, else contribution-like sentences, else the
    # lead sentence of each subsection of the method (named by its heading); never the contribution again
    items = [i for i in _list_items(intro_text) if i not in used]
    if not items:
        items = [s for s in intro + abstract if s not in used and _CONTRIB_RE.search(s)]
    if len(items) < 2:
        items += [s for s in intro + abstract if s not in used and s not in items and _WEAK_CONTRIB_RE.search(s)
                  and not _FINDING_RE.search(s)]
    innovations: list[Innovation] = []
    for n, item in enumerate(dict.fromkeys(items[:4]), 1):
        used.add(item)
        innovations.append(_innovation(item, n, lang))
    if not innovations:
        for heading, lead in _method_leads(doc, used)[:3]:
            used.add(lead)
            innovations.append(Innovation(name=heading, detail=lead))
    if not innovations:
        innovations.append(Innovation(name=NO_LIST[lang][0], detail=NO_LIST[lang][1]))

    # usage
    usage: list[LabeledText] = []
    everything = abstract + body
    steps = [s for s in everything if not _POINTER_RE.search(s)]
    for key, pattern in (("input", _INPUT_RE), ("hardware", _HARDWARE_RE), ("workflow", _WORKFLOW_RE),
                         ("data", _DATA_RE)):
        found = _usage_step(everything, used) if key == "workflow" else _first(steps, pattern, used)
        if found:
            usage.append(LabeledText(label=L[key], text=found))
    order = [L["input"], L["workflow"], L["data"], L["hardware"]]
    usage.sort(key=lambda u: order.index(u.label))
    code_sentence = _first(everything + sentences("\n".join(doc.footnotes)), _CODE_URL_RE, used)
    if code_sentence:
        usage.append(LabeledText(label=L["availability"], text=code_sentence))
    else:
        urls = [u for u in [*doc.links, *known_links] if _CODE_URL_RE.match(u)]
        usage.append(LabeledText(label=L["availability"], text=urls[0] if urls else NOT_PROVIDED[lang]))

    # results: numbered comparison sentences from experiments/conclusion and the introduction's results
    # sentence, then the abstract
    result_sents += [x for x in intro if x not in result_sents]
    ranked = sorted(
        ((s, _result_score(s)) for s in dict.fromkeys(result_sents) if s not in used),
        key=lambda x: -x[1],
    )
    picked = [s for s, score in ranked if score >= 4][:4]
    if len(picked) < 2:  # the abstract's and conclusion's findings, with or without numbers
        findings = [s for s in dict.fromkeys(abstract + result_sents) if s not in used and s not in picked
                    and (_result_score(s) >= 4 or _FINDING_RE.search(s))]
        picked += findings[: 3 - len(picked)]
    if not picked:
        picked = [s for s, score in ranked if score >= 2][:2]
    position = {s: i for i, s in enumerate(result_sents + abstract)}
    picked.sort(key=lambda s: position.get(s, 0))
    results = [LabeledText(label=f"{L['result']} {n}", text=s) for n, s in enumerate(picked, 1)]
    if not results:
        results.append(LabeledText(label=f"{L['result']} 1", text=NOT_GIVEN[lang]))

    return Report(
        domain=_domain(doc, lang),
        contribution=contribution,
        usage=usage,
        innovations=innovations,
        results=results,
    )
