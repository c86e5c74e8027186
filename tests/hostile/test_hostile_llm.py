"""Classes 5, 6 and 11 on the LLM side: an endpoint that streams without end, drips, answers an HTML
page or garbage, is cut off at max_output_tokens, or echoes the API key.

`paperbrief write FILE` reads a local LaTeXML page (no arXiv involved) and asks the hostile
endpoint; each case asserts the exit code, the one `Error:` line and its failure kind, and a
bound on time. The echo and control-character cases run a whole day against the replica.
"""

from __future__ import annotations

import json
import sqlite3

import pytest
from conftest import BOUND, DATE, KEY, replica_env, run_cli
from hostile_server import HostileServer as H

from paperbrief.replica import Replica

PAGE = ("<html><body><article class='ltx_document'><h1 class='ltx_title ltx_title_document'>A Hostile Test"
        "</h1><div class='ltx_abstract'><p class='ltx_p'>" + "We test hostile endpoints. " * 20 + "</p></div>"
        "<section class='ltx_section'><h2 class='ltx_title'>Intro</h2><div class='ltx_para'><p class='ltx_p'>"
        + "The method reaches 91.5 accuracy on the benchmark. " * 40 + "</p></div></section></article></body></html>")


def chunk(content: str | None = None, finish: str | None = None) -> bytes:
    delta = {"content": content} if content else {}
    event = {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": "m",
             "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    return b"data: " + json.dumps(event).encode() + b"\n\n"


def completion(content: str, finish: str = "stop", usage: dict | None = None) -> dict:
    return {"id": "c", "object": "chat.completion", "created": 0, "model": "m",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": finish}],
            "usage": usage or {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}}


@pytest.fixture
def paper_file(tmp_path):
    path = tmp_path / "2601.00001.html"
    path.write_text(PAGE, "utf-8")
    return path


@pytest.fixture
def llm_env(env_for, hostile, config):
    config.write_text("llm_retries = 1\nllm_timeout = 3\nmax_output_tokens = 256\n", "utf-8")
    return env_for(hostile.url, llm=True, OPENAI_API_KEY=KEY, PAPERBRIEF_LANG="en")


CASES = [
    ("html-page", False, H.text(200, "<html><body>Sign in</body></html>", "text/html"),
     "the LLM endpoint failed", "not a chat completion"),
    ("garbage-bytes", False, H.raw(200, b"\xff\xfe{{{garbage", "application/json"),
     "the LLM endpoint failed", "not JSON"),
    ("wrong-json", False, H.json({"hello": "world"}), "the LLM endpoint failed", "not a chat completion"),
    ("json-string", False, H.json("just a string"), "the LLM endpoint failed", "not a chat completion"),
    ("cut-off", False, H.json(completion('{"domain": "Machine Learning", "contribution": "A meth', "length")),
     "the answer was cut off (max_output_tokens)", "max_output_tokens=256"),
    ("endless-body", False, H.endless("application/json", b"{" * 4096),
     "the answer was cut off (max_output_tokens)", "stopped reading"),
    ("megabyte-of-braces", False, H.json(completion("{" * 1_000_000)),
     "did not fit the report format", "no JSON object"),
    ("endless-stream", True, H.sse([chunk("x")], then_forever=chunk("more words ")), None, None),
    ("dripping-stream", True, H.sse([chunk("x")], then_forever=chunk("y"), interval=0.5),
     "the LLM request timed out", "no answer within 3 s"),
    ("html-for-stream", True, H.text(200, "<html>no</html>", "text/html"),
     "the LLM endpoint failed", "not an event stream"),
    ("garbage-stream", True, H.sse([b"data: {not json}\n\n"]), "broke off", None),
]


@pytest.mark.parametrize("name, stream, behaviour, summary, detail", CASES, ids=[c[0] for c in CASES])
def test_a_hostile_llm_answer_is_one_line_with_its_kind(hostile, llm_env, paper_file, name, stream, behaviour,
                                                         summary, detail):
    hostile.route("/v1/chat/completions", behaviour)
    out = run_cli(["write", str(paper_file), "--lang", "en", *(["--stream"] if stream else [])], llm_env)
    line = out.one_line_error(1, "no report for 2601.00001")
    if summary is None:  # an endless stream ends by the deadline or the byte cap, whichever comes first
        assert "the LLM request timed out" in line or "the answer was cut off (max_output_tokens)" in line
    else:
        assert summary in line
    if detail:
        assert detail in line
    assert KEY not in out.stderr + out.stdout
    assert out.seconds < BOUND


def test_huge_usage_figures_from_the_endpoint_are_not_stored(hostile, llm_env, paper_file):
    report = {"domain": "Machine Learning", "contribution": "A method that reaches 91.5 accuracy.",
              "usage": [{"label": "Input", "text": "Text."}], "innovations": [{"name": "Idea", "detail": "Detail."}],
              "results": [{"label": "Accuracy", "text": "91.5 on the benchmark."}]}
    usage = {"prompt_tokens": 1e19, "completion_tokens": -3, "total_tokens": "lots"}
    hostile.route("/v1/chat/completions", H.json(completion(json.dumps(report), usage=usage)))
    out = run_cli(["write", str(paper_file), "--lang", "en", "--json"], llm_env)
    out.clean(0)
    data = json.loads(out.stdout)
    assert 0 < data["tokens_in"] < 10**6 and 0 <= data["tokens_out"] < 10**6


# -- a whole day against the replica: what the LLM says is cleaned and scrubbed before it is kept --------


def test_an_answer_that_echoes_the_key_or_holds_control_characters_is_cleaned(home, config, tmp_path):
    nasty = f"Uses key {KEY} here\u0000 and \u001b[31mred\u001b[0m \ud800 text."
    report = {"domain": "机器学习", "contribution": "论文提出了一种方法。" + nasty,
              "usage": [{"label": "输入\u0007", "text": "文本。"}],
              "innovations": [{"name": "核心方法", "detail": f"细节。{KEY}"}],
              "results": [{"label": "主要结果", "text": "论文未给出具体数字。"}]}
    with Replica() as replica:
        replica.services["llm"].script(json.dumps(report))
        env = replica_env(replica, home, config, llm=True)
        out = run_cli(["run", "--date", DATE, "--limit", "1", "--no-overview", "--out", str(tmp_path / "o")], env)
        out.clean(0)
        site = run_cli(["site", "--out", str(tmp_path / "site")], env)
        site.clean(0)
    with sqlite3.connect(home / "paperbrief.db") as db:
        bodies = [r[0] for r in db.execute("SELECT body FROM reports")]
        calls = [r[0] or "" for r in db.execute("SELECT error FROM llm_calls")]
    assert len(bodies) == 1
    stored = json.loads(bodies[0])["report"]
    assert KEY not in bodies[0] and "****" in stored["contribution"]
    assert "\x00" not in bodies[0] and "\\u0000" not in bodies[0] and "\\u001b" not in bodies[0]
    assert stored["usage"][0]["label"] == "输入"
    assert all(KEY not in c for c in calls)
    published = [p.read_text("utf-8", "replace") for p in (tmp_path / "site").rglob("*") if p.is_file()]
    published += [p.read_text("utf-8") for p in (tmp_path / "o").iterdir()]
    assert not any(KEY in text for text in published)


def test_a_password_in_the_endpoint_is_never_printed_or_stored(home, config, tmp_path):
    with Replica() as replica:
        env = replica_env(replica, home, config, llm=True,
                          OPENAI_BASE_URL="http://alice:s3cret-pass@127.0.0.1:9/v1", PAPERBRIEF_LLM_TIMEOUT="2")
        config.write_text("llm_retries = 0\n", "utf-8")
        out = run_cli(["run", "--date", DATE, "--limit", "2", "--no-overview", "--out", str(tmp_path / "o")], env)
    assert out.code in (1, 2) and "Traceback" not in out.stderr
    assert "s3cret-pass" not in out.stderr + out.stdout
    assert "alice:****@127.0.0.1:9" in out.stderr
    dump = "\n".join(sqlite3.connect(home / "paperbrief.db").iterdump())
    assert "s3cret-pass" not in dump
    for path in (tmp_path / "o").glob("*"):
        assert "s3cret-pass" not in path.read_text("utf-8")


# -- the embeddings endpoint (interests): the same deadline, cap and mapping; the ranking falls back ------


EMBEDDING_CASES = [
    ("html", H.text(200, "<html>login</html>", "text/html")),
    ("wrong-json", H.json({"data": "nope"})),
    ("strings-not-numbers", H.json({"data": [{"index": 0, "embedding": ["a", "b"]}, {"index": 1, "embedding": ["c"]}],
                                    "usage": {"prompt_tokens": 1e19}})),
    ("endless", H.endless("application/json", b"[0.1," * 2000)),
    ("drip", H.drip(b'{"data": []}' + b" " * 10_000, interval=0.3, content_type="application/json")),
]


@pytest.mark.parametrize("name, behaviour", EMBEDDING_CASES, ids=[c[0] for c in EMBEDDING_CASES])
def test_a_hostile_embeddings_endpoint_falls_back_to_lexical_similarity(hostile, tmp_path, name, behaviour):
    import time

    from paperbrief.config import Interests, Settings
    from paperbrief.rank import Candidate, rank
    from paperbrief.store import Store

    library = tmp_path / "library.bib"
    library.write_text("@article{a, title={Speculative Decoding}, eprint={2211.17192}}\n", "utf-8")
    hostile.route("/v1/embeddings", behaviour)
    settings = Settings(openai_base_url=hostile.url + "/v1", openai_api_key=KEY, embedding_model="e",
                        llm_timeout=3, home=tmp_path / "home", interests=Interests(papers=[str(library)]))
    started = time.monotonic()
    with Store(tmp_path / "pb.db") as store:
        ranking = rank(settings, [Candidate("2602.00001", "Speculative decoding with trees", "Faster decoding.")],
                       store=store)
        calls = store.query("SELECT tokens_in, outcome FROM llm_calls")
    assert ranking.method == "tfidf" and len(ranking.warnings) == 1
    assert all(0 <= r["tokens_in"] < 10**6 and r["outcome"] != "ok" for r in calls)
    assert time.monotonic() - started < BOUND
