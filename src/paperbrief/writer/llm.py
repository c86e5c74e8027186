"""The LLM writer: ask an OpenAI-compatible chat completions endpoint for the report JSON.

One `openai.OpenAI` client per endpoint (thread-safe, shared by the daily run's
threads). The request asks for JSON with `response_format` json_schema; an endpoint
that rejects it (HTTP 400 naming response_format) gets JSON mode, then no
response_format, and the working mode is remembered per client. Retries on 429/5xx,
timeouts and dropped connections are ours (the SDK's are off) and honour
Retry-After. The answer is parsed tolerantly, validated as `models.Report`, and asked
for once more with the validation error when invalid. Every HTTP attempt is
recorded as an `LLMCall`.

Hostile endpoints: every attempt has a wall-clock deadline (`llm_timeout`) and a byte cap
derived from `max_output_tokens` (`answer_byte_cap`), enforced in the network layer
(`http.limited`), so an endless or dripping stream is stopped ("timeout" or "cut_off"). An
answer that is not a chat completion (an HTML page, garbage JSON) is an "endpoint_error",
never an AttributeError. Usage figures are bounded, the report's text is cleaned like all
text that enters (`text.clean_text`) and scrubbed of the configured secrets before it is
stored or published.
"""

from __future__ import annotations

import json
import re
import threading
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import openai
from pydantic import ValidationError

from paperbrief.checks import report_language_ok
from paperbrief.config import Settings
from paperbrief.http import Limits, limit_client, limited
from paperbrief.langs import LANG_NAMES, cjk_share
from paperbrief.models import (
    PROVENANCE_OF_SOURCE,
    Document,
    Failure,
    FailureKind,
    LLMCall,
    Report,
    WrittenReport,
    as_lang,
)
from paperbrief.retry import backoff_seconds, retry_after_seconds
from paperbrief.writer.context import build_context
from paperbrief.writer.prompts import REPORT_SCHEMA, RETRY_MESSAGE, build_messages, overhead_tokens, prompt_version
from paperbrief.writer.tokens import estimate_tokens

MODES = ("json_schema", "json_object", "none")
MAX_RETRY_AFTER = 120.0  # seconds; a server asking for longer is treated as a failure
MAX_TOKENS_FIGURE = 10**9  # a usage figure beyond this (or not an int) is upstream garbage, not a count
FIELD_MAX = 10_000  # characters of one report field
MAX_JSON_TRIES = 64  # parse attempts when looking for the report's object in prose


def answer_byte_cap(settings: Settings) -> int:
    """Bytes we read for one answer: generous for max_output_tokens (streamed events carry ~200 bytes of
    framing per token), so only an endless or runaway answer reaches it."""
    return max(1 << 20, settings.max_output_tokens * 512)


class PaperFailed(Exception):
    """This paper cannot be written: a failure kind for code and a one-line detail for people."""

    def __init__(self, kind: FailureKind, detail: str) -> None:
        super().__init__(detail)
        self.failure = Failure(kind=kind, detail=detail)


class _StreamBroken(Exception):
    """A streamed answer stopped in the middle (a read timeout or a dropped connection)."""

    def __init__(self, error: Exception, *, timeout: bool = False) -> None:
        super().__init__(f"{type(error).__name__}: {error}")
        self.timeout = timeout or "timeout" in type(error).__name__.lower()


class _TooLarge(Exception):
    """The answer ran past `answer_byte_cap` (an endless stream, a runaway answer): reading stopped."""


class _NotAnAnswer(Exception):
    """The endpoint's 200 answer is not a chat completion (an HTML page, garbage, the wrong JSON)."""


@dataclass
class _EndpointState:
    """What we learned about an endpoint: which response_format and parameters it accepts."""

    mode: str = "json_schema"
    stream_usage: bool = True
    token_param: str = "max_tokens"
    temperature: bool = True
    lock: threading.Lock = field(default_factory=threading.Lock)


_clients: dict[tuple[str | None, str, float], openai.OpenAI] = {}
_states: weakref.WeakKeyDictionary[openai.OpenAI, _EndpointState] = weakref.WeakKeyDictionary()
_registry_lock = threading.Lock()


def client_for(settings: Settings) -> openai.OpenAI:
    """The shared client of the settings' endpoint (created once, thread-safe)."""
    key = (settings.openai_base_url, settings.api_key, settings.llm_timeout)
    with _registry_lock:
        client = _clients.get(key)
        if client is None:
            http_client = openai.DefaultHttpxClient()
            limit_client(http_client)  # deadlines and byte caps (http.limited) reach its sockets
            client = openai.OpenAI(
                base_url=settings.openai_base_url,
                api_key=settings.api_key or "not-needed",
                timeout=settings.llm_timeout,
                max_retries=0,
                http_client=http_client,
            )
            _clients[key] = client
        return client


def _state(client: openai.OpenAI) -> _EndpointState:
    with _registry_lock:
        state = _states.get(client)
        if state is None:
            state = _states[client] = _EndpointState()
        return state


def scrub(text: str, settings: Settings) -> str:
    """One line of error text with the secrets (and anything key-like) removed."""
    text = settings.scrub_secrets(text)
    text = re.sub(r"\b(sk|key|api)[-_][A-Za-z0-9_\-*]{6,}", r"\1-****", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= 200 else text[:199] + "…"


def _error_message(e: openai.APIStatusError) -> str:
    body = e.body
    if isinstance(body, dict):
        err = body.get("error", body)
        if isinstance(err, dict) and err.get("message"):
            return str(err["message"])
        if isinstance(err, str):
            return err
    return e.message or ""


# -- parsing the answer --------------------------------------------------------------

_FENCE_RE = re.compile(r"```(?:json|JSON)?\s*\n?(.*?)```", re.S)
_REFUSAL_RE = re.compile(
    r"\b(I\s*(?:can(?:no|')t|am unable|won't|'m unable|'m sorry|am sorry|apologi[sz]e)|sorry, but|as an ai)\b"
    r"|抱歉|无法(?:完成|提供|帮助|满足)|不能(?:帮助|提供|完成)|我不能",
    re.I,
)


def find_json_object(text: str) -> dict[str, Any] | None:
    """The report's JSON object in `text` (code fences and prose around it are ignored).

    The first outermost object that has a "domain" key (or wraps one, as {"report": {...}})
    wins; else the first outermost object, so validation can say what is missing.
    """
    candidates = [m.group(1) for m in _FENCE_RE.finditer(text)] + [text]
    decoder = json.JSONDecoder()
    first: dict[str, Any] | None = None
    tries = 0  # each failed attempt costs up to len(text): a bound keeps a 1 MB answer linear, not quadratic
    for chunk in candidates:
        pos = chunk.find("{")
        while pos != -1 and tries < MAX_JSON_TRIES:
            tries += 1
            try:
                obj, end = decoder.raw_decode(chunk, pos)
            except (json.JSONDecodeError, RecursionError):
                pos = chunk.find("{", pos + 1)
                continue
            if isinstance(obj, dict):
                if "domain" in obj:
                    return obj
                if len(obj) == 1 and isinstance(inner := next(iter(obj.values())), dict) and "domain" in inner:
                    return inner
                first = first or obj
            pos = chunk.find("{", end)
    return first


def _validation_reason(e: ValidationError) -> str:
    parts = []
    for err in e.errors()[:4]:
        loc = ".".join(str(x) for x in err["loc"]) or "report"
        parts.append(f"{loc}: {err['msg']}")
    return "; ".join(parts)


def report_language(report: Report) -> str:
    from paperbrief.checks import report_texts

    return "\n".join(t for path, t in report_texts(report) if not path.endswith("label"))


def clean_report(report: Report, settings: Settings) -> Report:
    """The report's text as safe text (`text.clean_text`, capped) with the configured secrets scrubbed:
    an answer that echoes the API key (or a URL password) never reaches the store or the site."""
    from paperbrief.text import NAME_MAX, clean_text

    def fix(value: str, limit: int) -> str:
        return settings.scrub_secrets(clean_text(value, max_len=limit, keep_newlines=True, what="a report field"))

    data = report.model_dump()
    for key, value in data.items():
        if isinstance(value, str):
            data[key] = fix(value, FIELD_MAX)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    for k, v in item.items():
                        if isinstance(v, str):
                            item[k] = fix(v, NAME_MAX if k in ("label", "name") else FIELD_MAX)
    return Report.model_validate(data)


def token_count(value: Any) -> int | None:
    """A token count from the endpoint, or None when it is not a sane non-negative int."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_TOKENS_FIGURE:
        return None
    return value


def _text(value: Any) -> str:
    """Text from the endpoint (content, refusal, finish reason): only a str counts; lone surrogates fixed."""
    from paperbrief.text import fix_surrogates

    return fix_surrogates(value) if isinstance(value, str) else ""


def _shape(resp: Any) -> str:
    """What came back instead of a chat completion, for the failure's detail."""
    if isinstance(resp, (str, bytes)):
        snippet = " ".join((resp.decode("utf-8", "replace") if isinstance(resp, bytes) else resp).split())[:60]
        return f"the answer is text, not a chat completion ({snippet!r})"
    return f"the answer is not a chat completion (a {type(resp).__name__} without usable choices)"


# -- one chat completion with transport retries ---------------------------------------


@dataclass
class _Answer:
    content: str = ""
    refusal: str | None = None
    finish_reason: str | None = None
    cached_tokens: int = 0  # prompt tokens the endpoint served from its prefix cache


def usage_cached_tokens(usage: Any) -> int:
    """The prompt tokens an endpoint served from its cache, as OpenAI (prompt_tokens_details.cached_tokens)
    or DeepSeek (prompt_cache_hit_tokens) report them; 0 when it says nothing."""
    details = getattr(usage, "prompt_tokens_details", None)
    value = getattr(details, "cached_tokens", None)
    if value is None:
        value = getattr(usage, "prompt_cache_hit_tokens", None)
    if value is None and isinstance(details, dict):
        value = details.get("cached_tokens")
    return value if isinstance(value, int) and value > 0 else 0


class _Caller:
    """Makes the chat completion requests of one paper and records them."""

    def __init__(self, client: openai.OpenAI, settings: Settings, lang: str, stream: bool) -> None:
        self.client = client
        self.settings = settings
        self.state = _state(client)
        self.stream = stream
        self.version = prompt_version(lang)
        self.calls: list[LLMCall] = []

    def _params(self, messages: list[dict[str, str]]) -> dict[str, Any]:
        s, st = self.settings, self.state
        params: dict[str, Any] = {"model": s.model, "messages": messages, st.token_param: s.max_output_tokens}
        if st.temperature:
            params["temperature"] = s.temperature
        if st.mode == "json_schema":
            params["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "paper_report", "schema": REPORT_SCHEMA, "strict": False},
            }
        elif st.mode == "json_object":
            params["response_format"] = {"type": "json_object"}
        if self.stream:
            params["stream"] = True
            if st.stream_usage:
                params["stream_options"] = {"include_usage": True}
        return params

    def _adapt(self, message: str) -> bool:
        """Adjust the request to what a 400 says the endpoint rejects. True if something changed."""
        low = message.lower()
        st = self.state
        with st.lock:
            if ("response_format" in low or "json_schema" in low or "json mode" in low) and st.mode != "none":
                st.mode = MODES[MODES.index(st.mode) + 1]
                return True
            if "stream_options" in low and st.stream_usage:
                st.stream_usage = False
                return True
            if "max_tokens" in low and "max_completion_tokens" in low and st.token_param == "max_tokens":
                st.token_param = "max_completion_tokens"
                return True
            if "temperature" in low and st.temperature:
                st.temperature = False
                return True
        return False

    def _send(self, messages: list[dict[str, str]]) -> tuple[_Answer, int | None, int | None]:
        """One request, bounded by the deadline and the byte cap (see the module docstring)."""
        cap = answer_byte_cap(self.settings)
        with limited(seconds=self.settings.llm_timeout, max_bytes=cap) as lim:
            try:
                return self._request(messages, lim, cap)
            except _TooLarge:
                raise
            except Exception as e:
                if lim.exceeded:
                    raise _TooLarge(f"the answer grew past {cap:,} bytes; stopped reading") from None
                if lim.expired and isinstance(e, _StreamBroken):
                    e.timeout = True
                raise

    def _request(self, messages: list[dict[str, str]], lim: Limits, cap: int) -> tuple[_Answer, int | None, int | None]:
        params = self._params(messages)
        if not self.stream:
            try:
                resp = self.client.chat.completions.create(**params)
            except (ValueError, UnicodeError) as e:  # a 200 body the SDK can't decode as JSON
                raise _NotAnAnswer(f"the answer is not JSON ({type(e).__name__})") from e
            try:
                usage = getattr(resp, "usage", None)
                tin, tout = token_count(getattr(usage, "prompt_tokens", None)), token_count(getattr(usage, "completion_tokens", None))
                if not isinstance(resp.choices, list):
                    raise TypeError("no choices")
                if not resp.choices:
                    return _Answer(), tin, tout
                choice = resp.choices[0]
                msg = choice.message
                answer = _Answer(_text(msg.content), _text(getattr(msg, "refusal", None)) or None,
                                 _text(choice.finish_reason) or None, token_count(usage_cached_tokens(usage)) or 0)
            except (AttributeError, TypeError, IndexError, KeyError) as e:
                raise _NotAnAnswer(_shape(resp)) from e
            return answer, tin, tout
        content: list[str] = []
        refusal: list[str] = []
        size = events = 0
        finish = None
        tin = tout = None
        cached = 0
        with self.client.chat.completions.create(**params) as chunks:
            try:
                for chunk in chunks:
                    events += 1
                    if lim.deadline is not None and time.monotonic() > lim.deadline:
                        lim.expired = True
                        raise _StreamBroken(TimeoutError(f"no complete answer within {self.settings.llm_timeout:g} s"),
                                            timeout=True)
                    usage = getattr(chunk, "usage", None)
                    if usage:
                        tin, tout = token_count(getattr(usage, "prompt_tokens", None)), token_count(
                            getattr(usage, "completion_tokens", None))
                        cached = token_count(usage_cached_tokens(usage)) or 0
                    for choice in getattr(chunk, "choices", None) or ():
                        delta = choice.delta
                        if delta is not None:
                            if delta.content:
                                content.append(_text(delta.content))
                                size += len(content[-1])
                            if getattr(delta, "refusal", None):
                                refusal.append(_text(delta.refusal))
                        if choice.finish_reason:
                            finish = _text(choice.finish_reason)
                    if size > cap:  # a transport without the network-level cap
                        raise _TooLarge(f"the answer grew past {cap:,} characters; stopped reading")
            except (openai.APIError, _TooLarge, _StreamBroken):
                raise
            except (AttributeError, TypeError) as e:  # events that are not chat completion chunks
                raise _NotAnAnswer(f"the stream's events are not chat completion chunks ({type(e).__name__})") from e
            except Exception as e:  # the transport's own errors surface raw while iterating
                raise _StreamBroken(e) from e
        if not events:  # a 200 that carried no event at all: an HTML page or anything else, not a stream
            raise _NotAnAnswer("the answer carried no chat completion events (not an event stream)")
        return _Answer("".join(content), "".join(refusal) or None, finish, cached), tin, tout

    def complete(self, messages: list[dict[str, str]]) -> _Answer:
        """One answer, retrying transient failures; raises PaperFailed with the reason."""
        s = self.settings
        attempts = 0
        timeouts = 0
        adaptations = 0
        while True:
            started = time.monotonic()
            call = LLMCall(model=s.model, prompt_version=self.version)
            wait: float | None = None
            try:
                answer, tin, tout = self._send(messages)
            except _TooLarge as e:  # not retried: the same request would run away again
                call.outcome, call.error = "invalid", str(e)
                self._record(call, started, messages)
                raise PaperFailed("cut_off", f"{e} (max_output_tokens={s.max_output_tokens})") from None
            except _NotAnAnswer as e:  # not retried: the endpoint (or something in its place) answers nonsense
                call.outcome, call.error = "error", scrub(str(e), s)
                self._record(call, started, messages)
                raise PaperFailed("endpoint_error", f"{call.error}; check OPENAI_BASE_URL (it usually ends in /v1)") from None
            except (openai.APITimeoutError, _StreamBroken) as e:
                if isinstance(e, _StreamBroken) and not e.timeout:
                    call.outcome, call.error = "error", scrub(f"the streamed answer broke off: {e}", s)
                    if attempts >= s.llm_retries:
                        self._record(call, started, messages)
                        raise PaperFailed("broken_stream", call.error) from None
                    self._record(call, started, messages)
                    attempts += 1
                    time.sleep(backoff_seconds(attempts, jitter=0))
                    continue
                call.outcome, call.error = "timeout", f"no answer within {s.llm_timeout:g} s"
                timeouts += 1
                if timeouts > 1 or attempts >= s.llm_retries:
                    self._record(call, started, messages)
                    tries = "1 attempt" if attempts == 0 else f"{attempts + 1} attempts"
                    raise PaperFailed("timeout", f"no answer within {s.llm_timeout:g} s ({tries})") from None
            except openai.APIStatusError as e:
                detail = scrub(_error_message(e), s)
                call.outcome, call.error = "error", f"HTTP {e.status_code}: {detail}"
                status = e.status_code
                if status == 400 and adaptations < 6 and self._adapt(detail):
                    adaptations += 1
                    self._record(call, started, messages)
                    continue  # not a retry: the request changed
                if status not in (408, 409, 429) and status < 500:
                    self._record(call, started, messages)
                    kind: FailureKind = ("endpoint_auth" if status in (401, 403)
                                         else "endpoint_model" if status == 404 else "endpoint_error")
                    raise PaperFailed(kind, f"HTTP {status}: {detail}") from None
                wait = retry_after_seconds(e.response.headers)
                if attempts >= s.llm_retries:
                    self._record(call, started, messages)
                    raise PaperFailed("endpoint_error", f"failed {attempts + 1} times, last HTTP {status}: {detail}") from None
                if wait is not None and wait > MAX_RETRY_AFTER:
                    self._record(call, started, messages)
                    raise PaperFailed("rate_limited", f"asked to retry after {wait:g} s (HTTP {status})") from None
            except openai.APIConnectionError as e:
                call.outcome, call.error = "error", scrub(f"connection failed: {e.__cause__ or e}", s)
                if attempts >= s.llm_retries:
                    self._record(call, started, messages)
                    raise PaperFailed("endpoint_unreachable", f"{s.endpoint_shown}: {call.error}") from None
            except openai.APIResponseValidationError as e:  # a 200 whose body the SDK can't read as JSON
                call.outcome, call.error = "error", scrub(f"the answer is not JSON: {e}", s)
                self._record(call, started, messages)
                raise PaperFailed("endpoint_error", f"{call.error}; check OPENAI_BASE_URL (it usually ends in /v1)") from None
            except openai.APIError as e:  # e.g. an error event inside a stream
                call.outcome, call.error = "error", scrub(str(e), s)
                if attempts >= s.llm_retries:
                    self._record(call, started, messages)
                    raise PaperFailed("endpoint_error", call.error or "") from None
            else:
                call.tokens_in = tin if tin is not None else -1
                call.tokens_out = tout if tout is not None else estimate_tokens(answer.content + (answer.refusal or ""))
                call.cached_tokens = answer.cached_tokens
                self._record(call, started, messages)
                return answer
            self._record(call, started, messages)
            attempts += 1
            time.sleep(wait if wait is not None else backoff_seconds(attempts))

    def _record(self, call: LLMCall, started: float, messages: list[dict[str, str]]) -> None:
        call.latency_s = round(time.monotonic() - started, 3)
        if call.tokens_in == -1 or (call.outcome == "ok" and not call.tokens_in):
            call.tokens_in = sum(estimate_tokens(m["content"]) + 4 for m in messages)
        self.calls.append(call)


# -- the writer -----------------------------------------------------------------------


def _fail_last(caller: _Caller, outcome: str, kind: FailureKind, reason: str) -> None:
    if caller.calls:
        caller.calls[-1].outcome = outcome
        caller.calls[-1].error = reason
    raise PaperFailed(kind, reason)


def _ask(caller: _Caller, doc: Document, settings: Settings, lang: str, known_links: Sequence[str]) -> Report:
    budget = max(settings.token_budget - overhead_tokens(lang), 500)
    context = build_context(doc, budget, known_links)
    messages = build_messages(context.text, lang)
    for round_ in range(2):
        answer = caller.complete(messages)
        text = answer.content.strip()
        if answer.refusal:
            _fail_last(caller, "refused", "refused", scrub(answer.refusal, settings)[:120])
        if not text:
            _fail_last(caller, "empty", "empty_answer", f"finish_reason={answer.finish_reason}")
        obj = find_json_object(text)
        if obj is None:
            if _REFUSAL_RE.search(text[:300]):
                _fail_last(caller, "refused", "refused", scrub(text, settings)[:120])
            problem = "the answer contains no JSON object"
        else:
            try:
                report = Report.model_validate(obj)
            except ValidationError as e:
                problem = "the JSON does not match the report schema: " + _validation_reason(e)
            else:
                if not report_language_ok(report_language(report), lang):
                    got = "Chinese" if cjk_share(report_language(report)) > 0.5 else "English"
                    _fail_last(caller, "wrong_language", "wrong_language",
                               f"answered in {got}, not {LANG_NAMES[as_lang(lang)]}")
                return report
        if answer.finish_reason == "length":  # asking again with the same limit is cut off again
            _fail_last(caller, "invalid", "cut_off",
                       f"{problem}; the answer stopped at max_output_tokens={settings.max_output_tokens}")
        caller.calls[-1].outcome = "invalid"
        caller.calls[-1].error = problem
        if round_ == 0:
            messages = [
                *messages,
                {"role": "assistant", "content": text[:8000]},
                {"role": "user", "content": RETRY_MESSAGE[lang].format(error=problem)},
            ]
    raise PaperFailed("invalid_answer", problem)


def write_llm(
    doc: Document,
    settings: Settings,
    *,
    lang: str = "zh",
    known_links: Sequence[str] = (),
    client: openai.OpenAI | None = None,
    stream: bool = False,
) -> WrittenReport:
    """The LLM-written report of `doc`; a failed paper comes back with report=None and `error`."""
    caller = _Caller(client or client_for(settings), settings, lang, stream)
    written = WrittenReport(
        arxiv_id=doc.arxiv_id,
        provenance=PROVENANCE_OF_SOURCE[doc.source],
        lang=as_lang(lang),
        writer="llm",
        model=settings.model,
        prompt_version=caller.version,
    )
    try:
        written.report = clean_report(_ask(caller, doc, settings, lang, known_links), settings)
    except PaperFailed as e:
        written.failure = e.failure
    except Exception as e:
        written.failure = Failure(kind="writer_crashed", detail=scrub(f"{type(e).__name__}: {e}", settings))
    written.calls = caller.calls
    written.tokens_in = sum(c.tokens_in for c in caller.calls)
    written.tokens_out = sum(c.tokens_out for c in caller.calls)
    written.cached_tokens = sum(c.cached_tokens for c in caller.calls)
    return written
