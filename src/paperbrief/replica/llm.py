"""The OpenAI-compatible chat completions replica: scripted answers, then a default responder.

Routes: `POST /v1/chat/completions` and `POST /chat/completions` (JSON or SSE streaming
when `stream` is true), `POST /v1/embeddings` and `POST /embeddings`, `GET /v1/models` and
`GET /models`.

    llm = replica.services["llm"]
    llm.script('{"domain": ...}', Answer.http_error(429, retry_after=1), Answer.refuse("No."))
    ... after the scripted answers the default responder writes a valid report ...
    assert llm.calls_for("2602.05293") == 1

A request with a `<papers>` block (the day's overview, a digest's themes) gets claims
that group the papers by field, cite their ids and quote one of their numbers
(`default_synthesis`). The default responder builds a schema-valid report deterministically from the
request: in the language of the system prompt, naming the paper's title (the
`Title:` line of the paper block), quoting a few numbers exactly as they are written
in the paper block (decimals, percentages, speed-ups), as a faithful model would.

The replica is test infrastructure and a demo prop: it imports nothing of paperbrief
outside `paperbrief.replica` (tests/test_replica_independence.py), so it cannot agree with
the product's number checker or token estimate by construction; it has its own small rules.

Embeddings are deterministic hashed bags of words (`hashed_embedding`): texts that share
words get similar vectors, with no model weights anywhere. Only `embedding_models` are
served (another model name gets the 404 real servers give); `embeddings_enabled = False`
plays an endpoint without the embeddings route.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from paperbrief.replica.server import Replica, Request, Response

DEFAULT_MODEL = "replica-model"
EMBEDDING_MODEL = "replica-embed"
EMBEDDING_DIM = 256


@dataclass
class Answer:
    """One scripted answer. content=None (with status 200 and no refusal) means: the default report."""

    content: str | None = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    error: str = ""
    refusal: str | None = None
    delay: float = 0.0
    finish_reason: str = "stop"
    usage: bool = True
    stall: float = 0.0  # streaming only: seconds of silence after the first half of the content

    @classmethod
    def text(cls, content: str, **kw: Any) -> Answer:
        return cls(content=content, **kw)

    @classmethod
    def http_error(cls, status: int, message: str = "", *, retry_after: float | None = None) -> Answer:
        headers = {"Retry-After": f"{retry_after:g}"} if retry_after is not None else {}
        return cls(status=status, headers=headers, error=message or f"replica error {status}")

    @classmethod
    def refuse(cls, text: str = "I'm sorry, but I can't help with that.") -> Answer:
        return cls(content=None, refusal=text)

    @classmethod
    def slow(cls, delay: float, content: str | None = None) -> Answer:
        return cls(content=content, delay=delay)

    @classmethod
    def reject_response_format(cls) -> Answer:
        return cls(status=400, error="Invalid parameter: 'response_format' of type 'json_schema' is not supported.")


class LLMService:
    """The replica's LLM state: scripted answers, switches and the log of requests (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: deque[Answer] = deque()
        # One entry per chat request: {"path": ..., "body": <parsed JSON body>, "at": <monotonic time>}.
        self.requests: list[dict[str, Any]] = []
        self.delay = 0.0  # seconds before every answer (benchmarks)
        self.reject_json_schema = False  # answer 400 to response_format json_schema
        self.reject_json_object = False  # answer 400 to response_format json_object
        self.model = DEFAULT_MODEL
        # Prefix caching as endpoints report it: a request whose system message was sent before has
        # that message's tokens reported as cached, the OpenAI way ("openai":
        # usage.prompt_tokens_details.cached_tokens) or DeepSeek's ("deepseek":
        # usage.prompt_cache_hit_tokens); None reports no cache figures at all.
        self.prefix_cache: str | None = "openai"
        self._cached_prefixes: set[str] = set()
        self.embedding_models = {EMBEDDING_MODEL}
        self.embeddings_enabled = True
        # One entry per embeddings request: {"path": ..., "body": <parsed JSON body>, "at": <monotonic time>}.
        self.embedding_requests: list[dict[str, Any]] = []

    def script(self, *answers: Answer | str) -> None:
        """Queue answers, consumed in order by the next requests; strings are answer contents."""
        with self._lock:
            self._queue.extend(a if isinstance(a, Answer) else Answer(content=a) for a in answers)

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()
            self.requests.clear()
            self._cached_prefixes.clear()

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._queue)

    def calls_for(self, text: str) -> int:
        """How many requests had `text` in one of their messages."""
        with self._lock:
            return sum(
                1 for r in self.requests if any(text in _content(m) for m in r["body"].get("messages", []))
            )

    def _next(self) -> Answer | None:
        with self._lock:
            return self._queue.popleft() if self._queue else None

    def _log(self, req: Request, body: dict[str, Any]) -> None:
        with self._lock:
            self.requests.append({"path": req.path, "body": body, "at": req.at})

    # -- HTTP ------------------------------------------------------------------------

    def _cache_usage(self, messages: list[Any], prompt_tokens: int) -> dict[str, Any]:
        """The cache figures of a request's usage: its system message is cached once it was seen."""
        first = messages[0] if messages and isinstance(messages[0], dict) else {}
        cached = 0
        if first.get("role") == "system":
            key = hashlib.sha256(_content(first).encode("utf-8")).hexdigest()
            with self._lock:
                if key in self._cached_prefixes:
                    cached = _estimate(_content(first)) + 4
                self._cached_prefixes.add(key)
        if self.prefix_cache == "deepseek":
            return {"prompt_cache_hit_tokens": cached, "prompt_cache_miss_tokens": prompt_tokens - cached}
        return {"prompt_tokens_details": {"cached_tokens": cached}}

    def models(self, req: Request) -> Response:
        data = {"object": "list", "data": [{"id": self.model, "object": "model", "created": 0, "owned_by": "replica"}]}
        return _json(200, data)

    def embeddings(self, req: Request) -> Response:
        if not self.embeddings_enabled:
            return _error(404, f"Unknown request URL: POST {req.path}", "invalid_request_error")
        try:
            body = json.loads(req.body or b"{}")
        except json.JSONDecodeError:
            return _error(400, "request body is not JSON", "invalid_request_error")
        if not isinstance(body, dict):
            return _error(400, "'input' is required", "invalid_request_error", param="input")
        with self._lock:
            self.embedding_requests.append({"path": req.path, "body": body, "at": req.at})
        model = body.get("model")
        if model not in self.embedding_models:
            return _error(404, f"The model '{model}' does not exist", "invalid_request_error", param="model")
        texts = body.get("input")
        if isinstance(texts, str):
            texts = [texts]
        if not isinstance(texts, list) or not texts or not all(isinstance(t, str) for t in texts):
            return _error(400, "'input' must be a string or a list of strings", "invalid_request_error", param="input")
        data = [{"object": "embedding", "index": i, "embedding": hashed_embedding(t)} for i, t in enumerate(texts)]
        tokens = sum(len(_WORD.findall(t)) for t in texts)
        return _json(200, {"object": "list", "data": data, "model": model,
                           "usage": {"prompt_tokens": tokens, "total_tokens": tokens}})

    @property
    def embedded_texts(self) -> list[str]:
        """Every text sent for embedding, in order."""
        with self._lock:
            out: list[str] = []
            for r in self.embedding_requests:
                texts = r["body"].get("input")
                out += [texts] if isinstance(texts, str) else list(texts or [])
            return out

    def chat(self, req: Request) -> Response:
        try:
            body = json.loads(req.body or b"{}")
        except json.JSONDecodeError:
            return _error(400, "request body is not JSON", "invalid_request_error")
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
            return _error(400, "'messages' is required", "invalid_request_error", param="messages")
        self._log(req, body)
        fmt = (body.get("response_format") or {}).get("type")
        if (fmt == "json_schema" and self.reject_json_schema) or (fmt == "json_object" and self.reject_json_object):
            return _error(400, f"Invalid parameter: 'response_format' of type '{fmt}' is not supported with this model.",
                          "invalid_request_error", param="response_format")
        answer = self._next() or Answer()
        delay = self.delay + answer.delay
        if answer.status != 200:
            resp = _error(answer.status, answer.error, "rate_limit_error" if answer.status == 429 else "api_error")
            resp.headers.update(answer.headers)
            resp.delay = delay
            return resp
        content = answer.content
        if content is None and answer.refusal is None:
            content = default_synthesis(body) if _papers_block(body) else default_report(body)
        model = body.get("model") or self.model
        prompt_tokens = sum(_estimate(_content(m)) + 4 for m in body["messages"])
        completion_tokens = _estimate((content or "") + (answer.refusal or ""))
        usage: dict[str, Any] | None = {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                                        "total_tokens": prompt_tokens + completion_tokens} if answer.usage else None
        if usage is not None and self.prefix_cache:
            usage.update(self._cache_usage(body["messages"], prompt_tokens))
        cid = "chatcmpl-" + uuid.uuid4().hex[:24]
        created = int(time.time())
        if body.get("stream"):
            include_usage = bool((body.get("stream_options") or {}).get("include_usage")) and usage is not None
            stream = _sse(cid, created, model, content, answer.refusal, answer.finish_reason,
                          usage if include_usage else None, answer.stall)
            return Response(200, headers={"Cache-Control": "no-cache"}, content_type="text/event-stream",
                            stream=stream, delay=delay)
        message: dict[str, Any] = {"role": "assistant", "content": content, "refusal": answer.refusal}
        data = {
            "id": cid,
            "object": "chat.completion",
            "created": created,
            "model": model,
            "choices": [{"index": 0, "message": message, "finish_reason": answer.finish_reason, "logprobs": None}],
        }
        if usage is not None:
            data["usage"] = usage
        resp = _json(200, data)
        resp.delay = delay
        return resp


_WORD = re.compile(r"[\u4e00-\u9fff]|[^\W_]+")
_STOP = frozenset("a an and are as at be by for from in is it of on or that the this to we with our via".split())  # noqa: SIM905


def hashed_embedding(text: str, dim: int = EMBEDDING_DIM) -> list[float]:
    """A deterministic unit vector: each lower-cased word (or CJK character) hashed to a signed dimension."""
    vec = [0.0] * dim
    for word in _WORD.findall(text.casefold()):
        if word in _STOP:
            continue
        h = hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest()
        vec[int.from_bytes(h[:4], "little") % dim] += 1.0 if h[4] & 1 else -1.0
    norm = math.sqrt(sum(v * v for v in vec)) or 1.0
    return [round(v / norm, 6) for v in vec]


def _content(message: dict[str, Any]) -> str:
    c = message.get("content")
    if isinstance(c, list):  # content parts
        return "\n".join(p.get("text", "") for p in c if isinstance(p, dict))
    return c if isinstance(c, str) else ""


_TOKEN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]|[^\W\d_]+|\d{1,3}|[^\w\s]")


def _estimate(text: str) -> int:
    """A rough token count for the usage figures: one per CJK character, word, 3 digits or symbol."""
    return len(_TOKEN.findall(text))


def _json(status: int, data: Any) -> Response:
    return Response(status, json.dumps(data, ensure_ascii=False), content_type="application/json")


def _error(status: int, message: str, kind: str, param: str | None = None) -> Response:
    return _json(status, {"error": {"message": message, "type": kind, "param": param, "code": None}})


def _sse(cid: str, created: int, model: str, content: str | None, refusal: str | None,
         finish: str, usage: dict[str, Any] | None, stall: float = 0.0) -> Iterator[bytes]:
    def event(choices: list[dict[str, Any]], extra: dict[str, Any] | None = None) -> bytes:
        chunk = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": model, "choices": choices}
        if extra:
            chunk.update(extra)
        return b"data: " + json.dumps(chunk, ensure_ascii=False).encode("utf-8") + b"\n\n"

    yield event([{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}])
    if refusal:
        yield event([{"index": 0, "delta": {"refusal": refusal}, "finish_reason": None}])
    text = content or ""
    for i in range(0, len(text), 24):
        if stall and i >= len(text) // 2 > i - 24:
            time.sleep(stall)
        yield event([{"index": 0, "delta": {"content": text[i : i + 24]}, "finish_reason": None}])
    yield event([{"index": 0, "delta": {}, "finish_reason": finish}])
    if usage is not None:
        yield event([], {"usage": usage})
    yield b"data: [DONE]\n\n"


# -- the default responder -------------------------------------------------------------

_CJK = re.compile(r"[\u4e00-\u9fff]")
_URL = re.compile(r"https?://[^\s)\]>,;]+")
# A number worth quoting, as written: a decimal (92.59), or a whole number with %, × or x (50%, 3×),
# standing on its own (not part of a name such as GPT-4.5, a version 1.2.3, an id or a date).
_QUOTABLE = re.compile(r"(?<![\w.\-/:])(?:\d+\.\d+(?:\s?%|[×x])?|\d+(?:\s?%|[×x]))(?![\w×%]|\.\d|-\w)")


def quotable_numbers(text: str, limit: int = 3) -> list[str]:
    """The first `limit` distinct numbers of `text` worth quoting, as written (LaTeX `\\times`, `\\%` made plain)."""
    text = _URL.sub(" ", text).replace("\\times", "×").replace("\\%", "%").replace("$", " ")
    found: list[str] = []
    for m in _QUOTABLE.finditer(text):
        if m.group() not in found:
            found.append(m.group())
        if len(found) == limit:
            break
    return found


def _paper_block(body: dict[str, Any]) -> str:
    for m in body.get("messages", []):
        if m.get("role") != "user":
            continue
        text = _content(m)
        match = re.search(r"<paper>\n(.*)\n</paper>", text, re.S)
        if match:
            return match.group(1)
    return "\n".join(_content(m) for m in body.get("messages", []) if m.get("role") == "user")


# What the default responder reads from the system prompt, so it follows the prompt it is sent:
# the usage label lists ("- <kind>: "A" "B" ..." lines, method papers first), whether key numbers
# go in bold, and the label of the limitations item.
_QUOTED = re.compile(r"[“\"]([^”\"\n]{1,20})[”\"]")
_LIMITS_LABEL = re.compile(r"(?:标签为|labelled)\s*[“\"]([^”\"]+)[”\"]")
# What the responder reads from the paper: what kind of paper it is, a negative result, limitations.
_PROPOSES = re.compile(r"\bwe (?:propose|introduce|present|develop|design)\b[^.]{0,80}?\b(?:method|framework|model|"
                       r"system|algorithm|approach|technique|architecture|pipeline|recipe)s?\b", re.I)
_NOT_METHOD = re.compile(r"\b(?:benchmark|survey|dataset|position paper|empirical study|we (?:study|analy[sz]e|"
                         r"investigate|examine|ask whether))\b", re.I)
_NEGATIVE = re.compile(r"\b(?:does not|did not|do not|fails? to|failed to|no (?:significant )?improvement|worse than|"
                       r"underperform\w*|trails?|lower than)\b", re.I)
_LIMITS = re.compile(r"\blimitations?\b", re.I)


def _usage_labels(system: str) -> tuple[list[str], list[str]] | None:
    """The method-paper and other-paper usage label lists the system prompt asks for, if it has them."""
    lists = [labels for line in system.splitlines() if line.lstrip().startswith("- ")
             and len(labels := _QUOTED.findall(line)) >= 4]
    return (lists[0], lists[1]) if len(lists) >= 2 else None


def _sentences_of(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]


def default_report(body: dict[str, Any]) -> str:
    """A schema-valid report JSON for the paper in the request, following the system prompt.

    In the prompt's language; naming the paper's title (the `Title:` line of the paper
    block); quoting a few numbers exactly as the paper block writes them (in bold when
    the prompt asks for bold). When the prompt gives usage labels per kind of paper, a paper
    that proposes no method gets the other kind's labels and findings named without an
    invented English term; a paper saying its method does not beat a baseline gets a result
    saying so; a paper that discusses limitations gets a last result with the prompt's label.
    """
    system = next((_content(m) for m in body.get("messages", []) if m.get("role") == "system"), "")
    zh = len(_CJK.findall(system)) > 20
    paper = _paper_block(body)
    title_m = re.search(r"^Title:\s*(.+)$", paper, re.M)
    title = title_m.group(1).strip() if title_m else "this paper"
    after_head = paper.split("## Abstract", 1)[-1]
    numbers = [f"**{n}**" if "**" in system else n for n in quotable_numbers(after_head)]
    urls = [u for u in _URL.findall(paper) if "github" in u or "huggingface" in u]
    labels = _usage_labels(system)
    abstract = after_head.split("\n## ", 1)[0]
    method = labels is None or bool(_PROPOSES.search(abstract)) or not _NOT_METHOD.search(abstract)
    negative = method and any(_NEGATIVE.search(s) for s in _sentences_of(after_head))
    limits = _LIMITS_LABEL.search(system) if _LIMITS.search(after_head) else None
    if zh:
        nums_text = f"论文报告的关键数字包括 {'、'.join(numbers)}。" if numbers else "论文未给出具体数字。"
        default_labels = ["输入", "输出", "流程/使用方式", "硬件要求", "开源状态"]
        texts = (["论文所述任务的输入数据。", "论文所述任务的预测或生成结果。", "按论文方法部分描述的步骤运行。"] if method
                 else ["论文所研究的对象与问题。", "论文使用的数据与基准。", "论文给出的主要结论。"])
        code = f"代码地址：{urls[0]}" if urls else "论文未给出"
        contribution = (f"论文《{title}》提出了一种新方法，并通过实验验证了它的有效性。" if method
                        else f"论文《{title}》系统研究了所述问题，并报告了主要发现。")
        innovations = ([{"name": "核心方法（Proposed Method）", "detail": "论文提出的主要方法，细节见方法部分。"},
                        {"name": "实验验证（Empirical Validation）", "detail": "在多个基准上系统地评估了该方法。"}]
                       if method else [{"name": "主要发现", "detail": "论文的核心发现与分析结论，细节见正文。"}])
        results = [{"label": "主要结果", "text": nums_text}]
        if negative:
            results.append({"label": "负面结果", "text": "论文报告该方法没有超过基线，结果更差或持平。"})
        if limits:
            results.append({"label": limits.group(1), "text": "论文承认存在局限，并在正文中讨论。"})
        hardware = "论文未给出"
    else:
        nums_text = f"Key numbers reported by the paper: {', '.join(numbers)}." if numbers else "The paper gives no numbers."
        default_labels = ["Input", "Output", "Workflow", "Hardware", "Availability"]
        texts = (["The input data of the task the paper studies.", "The predictions or generations of that task.",
                  "Follow the steps described in the method section."] if method
                 else ["What the paper studies.", "The data and benchmarks the paper uses.",
                       "The main conclusions the paper draws."])
        code = f"Code: {urls[0]}" if urls else "not stated in the paper"
        contribution = (f"The paper \"{title}\" proposes a new method and validates it in experiments." if method
                        else f"The paper \"{title}\" studies its question systematically and reports what it finds.")
        innovations = ([{"name": "Proposed Method", "detail": "The main method of the paper, detailed in its method section."},
                        {"name": "Empirical Validation", "detail": "A systematic evaluation on several benchmarks."}]
                       if method else [{"name": "Main finding", "detail": "The paper's central finding, detailed in its text."}])
        results = [{"label": "Main results", "text": nums_text}]
        if negative:
            results.append({"label": "Negative result", "text": "The paper reports that the method does not beat the baseline."})
        if limits:
            results.append({"label": limits.group(1), "text": "The paper admits limitations and discusses them."})
        hardware = "not stated in the paper"
    names = default_labels if labels is None else labels[0 if method else 1]
    usage = [{"label": label, "text": text} for label, text in zip(names, [*texts, hardware, code], strict=False)]
    report = {"domain": "机器学习 (Machine Learning)" if zh else "Machine Learning", "contribution": contribution,
              "usage": usage, "innovations": innovations, "results": results}
    return json.dumps(report, ensure_ascii=False)


# -- cross-paper texts: the day's overview ("sentences") and a digest's themes ("themes") ----------

_ENTRY_HEAD = re.compile(r"^\[(\d{4}\.\d{4,5})\]\s*(.*)$")
_DECIMAL = re.compile(r"(?<![\w.])\d+\.\d+(?:\s?(?:%|×|倍|x\b))?")


def _papers_block(body: dict[str, Any]) -> list[tuple[str, str, list[str]]]:
    """The papers of a `<papers>` block: (arXiv id, title, detail lines), in order."""
    for m in body.get("messages", []):
        if m.get("role") != "user":
            continue
        match = re.search(r"<papers>\n(.*?)</papers>", _content(m), re.S)
        if not match:
            continue
        entries: list[tuple[str, str, list[str]]] = []
        for line in match.group(1).splitlines():
            head = _ENTRY_HEAD.match(line.strip())
            if head:
                entries.append((head.group(1), head.group(2), []))
            elif line.strip() and entries:
                entries[-1][2].append(line.strip())
        return entries
    return []


def default_synthesis(body: dict[str, Any]) -> str:
    """Claims over the papers of the request, each citing its papers and quoting one of their decimal numbers.

    Papers are grouped by their first detail line (the field); "themes" (a digest) gets up to 6
    groups with a title, "sentences" (a day's overview) up to 4 sentences.
    """
    system = next((_content(m) for m in body.get("messages", []) if m.get("role") == "system"), "")
    zh = len(_CJK.findall(system)) > 20
    themes = '"themes"' in system
    groups: dict[str, list[tuple[str, str, list[str]]]] = {}
    for entry in _papers_block(body):
        field_line = entry[2][0] if entry[2] else ""
        name = re.split(r"[:：]", field_line, maxsplit=1)[-1].strip()
        name = re.split(r"\s+[-–—]\s+|[（(/]", name, maxsplit=1)[0].strip() or ("其他" if zh else "Other")
        groups.setdefault(name, []).append(entry)
    if themes and len(groups) < 3:  # a digest has 3 to 6 themes: cut the papers into three groups
        entries_all = [e for g in groups.values() for e in g]
        groups = {}
        for i, entry in enumerate(entries_all):
            label = ("主题" if zh else "Theme") + f" {'ABC'[i * 3 // max(len(entries_all), 1)]}"
            groups.setdefault(label, []).append(entry)
    items = []
    for name, entries in sorted(groups.items(), key=lambda kv: -len(kv[1]))[: 6 if themes else 4]:
        ids = [e[0] for e in entries[:3]]
        number = next((m.group(0) for e in entries[:3] for m in _DECIMAL.finditer(" ".join(e[2]))), None)
        titles = "、".join(f"《{e[1]}》" for e in entries[:2]) if zh else " and ".join(f"“{e[1]}”" for e in entries[:2])
        if zh:
            text = f"{name}方向的论文包括{titles}" + (f"，其中报告的数字有 {number}。" if number else "。")
        else:
            text = f"{name}: papers such as {titles}" + (f"; one reports {number}." if number else ".")
        item: dict[str, Any] = {"text": text, "papers": ids}
        if themes:
            item["title"] = name
        items.append(item)
    return json.dumps({"themes" if themes else "sentences": items}, ensure_ascii=False)


def register(replica: Replica) -> LLMService:
    """Add the LLM routes to `replica` and return the service state."""
    service = LLMService()
    for prefix in ("/v1/chat/completions", "/chat/completions"):
        replica.route("POST", prefix, service.chat)
    for prefix in ("/v1/embeddings", "/embeddings"):
        replica.route("POST", prefix, service.embeddings)
    for prefix in ("/v1/models", "/models"):
        replica.route("GET", prefix, service.models)
    return service
