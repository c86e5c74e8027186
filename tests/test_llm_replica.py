"""The OpenAI-compatible LLM replica over real HTTP: routes, JSON and SSE shapes, scripts, default report."""

from __future__ import annotations

import json

import httpx
import openai
import pytest

from paperbrief.checks import ungrounded_numbers
from paperbrief.models import Report
from paperbrief.replica import Replica
from paperbrief.replica.llm import Answer

PAPER_PROMPT = (
    "Write the report.\n\n<paper>\nTitle: A Faster Thing\narXiv: 2602.05293\n\n## Abstract\n"
    "We reach 92.59 F-Score and a 2.67× speedup, 50% less memory.\n</paper>\n"
)


@pytest.fixture
def llm_replica():
    with Replica(services=("llm",)) as r:
        yield r


def chat(r: Replica, body: dict, path: str = "/v1/chat/completions") -> httpx.Response:
    return httpx.post(r.url + path, json=body, timeout=10)


def messages(system: str = "You write reports.") -> list[dict]:
    return [{"role": "system", "content": system}, {"role": "user", "content": PAPER_PROMPT}]


def test_models_and_both_chat_paths(llm_replica):
    models = httpx.get(llm_replica.url + "/v1/models").json()
    assert models["object"] == "list" and models["data"][0]["id"] == "replica-model"
    for path in ("/v1/chat/completions", "/chat/completions"):
        data = chat(llm_replica, {"model": "m", "messages": messages()}, path).json()
        assert data["object"] == "chat.completion" and data["model"] == "m"
        assert data["choices"][0]["finish_reason"] == "stop"
        assert data["usage"]["prompt_tokens"] > 0 and data["usage"]["completion_tokens"] > 0
        Report.model_validate_json(data["choices"][0]["message"]["content"])
    assert llm_replica.services["llm"].calls_for("A Faster Thing") == 2


def test_default_report_language_title_and_grounded_numbers(llm_replica):
    zh = chat(llm_replica, {"model": "m", "messages": messages("你是一名严谨的科研助理，为中文读者撰写单篇论文的结构化研读报告，只输出 JSON 对象。")}).json()
    en = chat(llm_replica, {"model": "m", "messages": messages()}).json()
    zh_report = Report.model_validate_json(zh["choices"][0]["message"]["content"])
    en_report = Report.model_validate_json(en["choices"][0]["message"]["content"])
    assert "A Faster Thing" in zh_report.contribution and "A Faster Thing" in en_report.contribution
    assert "论文" in zh_report.contribution and "论文" not in en_report.contribution
    for report in (zh_report, en_report):
        assert "92.59" in report.results[0].text and "2.67×" in report.results[0].text
        assert ungrounded_numbers(report, PAPER_PROMPT) == []


def test_streaming_is_server_sent_events(llm_replica):
    llm_replica.services["llm"].script('{"a": "streamed answer of some length to split into chunks"}')
    body = {"model": "m", "messages": messages(), "stream": True, "stream_options": {"include_usage": True}}
    with httpx.stream("POST", llm_replica.url + "/v1/chat/completions", json=body, timeout=10) as resp:
        assert resp.headers["content-type"].startswith("text/event-stream")
        events = [line[len("data: "):] for line in resp.iter_lines() if line.startswith("data: ")]
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])
    assert text == '{"a": "streamed answer of some length to split into chunks"}'
    assert len([c for c in chunks if c["choices"] and c["choices"][0]["delta"].get("content")]) > 1
    assert [c["choices"][0]["finish_reason"] for c in chunks if c["choices"]][-1] == "stop"
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"]["completion_tokens"] > 0


def test_script_is_consumed_in_order_then_default(llm_replica):
    llm = llm_replica.services["llm"]
    llm.script("first", Answer.http_error(429, "slow down", retry_after=2), Answer.refuse("No."), "fourth")
    assert llm.pending == 4
    body = {"model": "m", "messages": messages()}
    assert chat(llm_replica, body).json()["choices"][0]["message"]["content"] == "first"
    limited = chat(llm_replica, body)
    assert limited.status_code == 429 and limited.headers["retry-after"] == "2"
    assert limited.json()["error"]["message"] == "slow down"
    refused = chat(llm_replica, body).json()["choices"][0]["message"]
    assert refused["refusal"] == "No." and refused["content"] is None
    assert chat(llm_replica, body).json()["choices"][0]["message"]["content"] == "fourth"
    Report.model_validate_json(chat(llm_replica, body).json()["choices"][0]["message"]["content"])
    assert len(llm.requests) == 5 and llm.requests[0]["body"]["model"] == "m"
    assert llm.requests[0]["path"] == "/v1/chat/completions"


def test_rejecting_response_format_and_bad_requests(llm_replica):
    llm = llm_replica.services["llm"]
    llm.reject_json_schema = True
    schema = {"type": "json_schema", "json_schema": {"name": "r", "schema": {"type": "object"}}}
    resp = chat(llm_replica, {"model": "m", "messages": messages(), "response_format": schema})
    assert resp.status_code == 400 and resp.json()["error"]["param"] == "response_format"
    ok = chat(llm_replica, {"model": "m", "messages": messages(), "response_format": {"type": "json_object"}})
    assert ok.status_code == 200
    assert httpx.post(llm_replica.url + "/v1/chat/completions", content=b"not json").status_code == 400
    assert chat(llm_replica, {"model": "m"}).status_code == 400


def test_openai_sdk_talks_to_the_replica(llm_replica):
    client = openai.OpenAI(base_url=llm_replica.url + "/v1", api_key="not-needed", max_retries=0)
    resp = client.chat.completions.create(model="m", messages=messages())
    Report.model_validate_json(resp.choices[0].message.content)
    with client.chat.completions.create(model="m", messages=messages(), stream=True,
                                        stream_options={"include_usage": True}) as stream:
        chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    Report.model_validate_json(text)
    assert chunks[-1].usage is not None and chunks[-1].usage.prompt_tokens > 0
