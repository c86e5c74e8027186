"""Delivery end to end: `paperbrief send`, `sent` and `run --send` as subprocesses against a stored day,
a local SMTP server and local webhook receivers that answer like each chat service."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from delivery_servers import (
    Answer,
    Mailbox,
    Receiver,
    dingtalk_signature_ok,
    feishu_signature_ok,
    make_cert,
    text_of,
)

DATE = "2026-02-08"
WEEK = "2026-W06"  # 2026-02-02 .. 2026-02-08
KINDS = ("feishu", "dingtalk", "wecom", "slack", "discord", "telegram", "webhook")
FEISHU_SECRET = "feishu-signing-secret-1234"
DINGTALK_SECRET = "SECdingtalk-signing-secret-5678"
SMTP_PASSWORD = "smtp-pass-9f8e7d"


def paperbrief(args: list[str], env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "paperbrief", *args], env=env, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def replica_env(replica, home: Path) -> dict[str, str]:
    return dict(os.environ, PAPERBRIEF_HOME=str(home), HF_ENDPOINT=replica.url, PAPERBRIEF_ARXIV_URL=replica.url,
                PAPERBRIEF_ARXIV_EXPORT_URL=replica.url + "/api/query", PAPERBRIEF_ARXIV_DELAY="0",
                PAPERBRIEF_SEND_INTERVAL="0")


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """One run of the full replica day (47 papers, extracts) into a store that each test copies."""
    from paperbrief.replica import Replica

    base = tmp_path_factory.mktemp("stored")
    config = base / "empty.toml"
    config.write_text("", encoding="utf-8")
    with Replica() as replica:
        env = replica_env(replica, base / "home")
        env["PAPERBRIEF_CONFIG"] = str(config)
        proc = paperbrief(["run", "--date", DATE, "--out", str(base / "out")], env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return base


@pytest.fixture
def home(stored, tmp_path):
    dest = tmp_path / "home"
    shutil.copytree(stored / "home", dest, ignore=shutil.ignore_patterns("cache"))
    return dest


@pytest.fixture
def env(home):
    return dict(os.environ, PAPERBRIEF_HOME=str(home), PAPERBRIEF_SEND_INTERVAL="0")


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def mailbox():
    box = Mailbox()
    yield box
    box.close()


def ledger(env) -> list[dict]:
    proc = paperbrief(["sent", "--json"], env)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def day_titles(stored) -> list[tuple[str, str]]:
    data = json.loads((stored / "out" / f"{DATE}.json").read_text("utf-8"))
    return [(p["arxiv_id"], p["title"]) for p in data["papers"]]


# --- targets and settings -------------------------------------------------------------------------


def test_targets_are_parsed_masked_and_split():
    from paperbrief.config import split_targets
    from paperbrief.deliver.targets import BadTarget, parse_target, parse_targets

    assert split_targets("mailto:a@x.com,b@y.org, slack:https://hooks.slack.com/services/T/B/abc,"
                         "feishu:https://open.feishu.cn/open-apis/bot/v2/hook/xyz") == [
        "mailto:a@x.com,b@y.org", "slack:https://hooks.slack.com/services/T/B/abc",
        "feishu:https://open.feishu.cn/open-apis/bot/v2/hook/xyz"]
    mail = parse_target("mailto:a@x.com, b@y.org")
    assert [(t.kind, t.address, t.label) for t in mail] == [("mailto", "a@x.com", "mailto:a@x.com"),
                                                             ("mailto", "b@y.org", "mailto:b@y.org")]
    [slack] = parse_target("slack:https://hooks.slack.com/services/T0/B0/secretTOKEN123")
    assert "secretTOKEN123" not in slack.label and slack.label.startswith("slack:https://hooks.slack.com/… (")
    assert "secretTOKEN123" not in slack.id and slack.id.startswith("slack:")
    assert parse_targets(["slack:https://hooks.slack.com/services/T0/B0/secretTOKEN123"] * 2) == [slack]
    for bad, words in [
        ("sms:+123", "unknown target"),
        ("slack:hooks.slack.com/x", "full http(s) webhook URL"),
        ("feishu:https://open.feishu.cn/open-apis/bot/v2/hook/abc#secret=s3cr3t", "PAPERBRIEF_FEISHU_SECRET"),
        ("telegram:https://api.telegram.org/botTOKEN/sendMessage", "chat_id"),
        ("mailto:", "no address"),
        ("mailto:not-an-address", "not an e-mail address"),
    ]:
        with pytest.raises(BadTarget) as e:
            parse_target(bad)
        assert words in str(e.value)
        assert "s3cr3t" not in str(e.value) and "TOKEN" not in str(e.value)


def test_config_masks_every_delivery_secret(tmp_path):
    env = dict(os.environ, PAPERBRIEF_SMTP_URL=f"smtps://me%40example.com:{SMTP_PASSWORD}@smtp.example.com:465",
               PAPERBRIEF_SMTP_FROM="Paper Brief <me@example.com>", PAPERBRIEF_FEISHU_SECRET=FEISHU_SECRET,
               PAPERBRIEF_DINGTALK_SECRET=DINGTALK_SECRET,
               PAPERBRIEF_SEND_TO="mailto:a@x.com,b@y.org,slack:https://hooks.slack.com/services/T/B/slackTOKEN99")
    proc = paperbrief(["config", "--json"], env)
    assert proc.returncode == 0, proc.stderr
    for secret in (SMTP_PASSWORD, FEISHU_SECRET, DINGTALK_SECRET, "slackTOKEN99"):
        assert secret not in proc.stdout + proc.stderr
    settings = json.loads(proc.stdout)["settings"]
    assert settings["smtp_url"] == "smtps://me%40example.com:****@smtp.example.com:465"
    assert settings["send_to"] == ["mailto:a@x.com,b@y.org", "slack:https://hooks.slack.com/…"]
    assert settings["feishu_secret"] == settings["dingtalk_secret"] == "****"
    bad = paperbrief(["config"], dict(env, PAPERBRIEF_SMTP_URL=f"http://me:{SMTP_PASSWORD}@smtp.example.com"))
    assert bad.returncode == 2 and "smtp_url" in bad.stderr and SMTP_PASSWORD not in bad.stderr


def test_bad_target_or_missing_smtp_sends_nothing(env, receiver):
    slack = f"slack:{receiver.url('slack')}"
    proc = paperbrief(["send", "--to", slack, "--to", "carrier-pigeon:coo"], env)
    assert proc.returncode == 2 and "unknown target" in proc.stderr
    proc = paperbrief(["send", "--to", slack, "--to", "mailto:reader@example.com"], env)
    assert proc.returncode == 2 and "PAPERBRIEF_SMTP_URL" in proc.stderr and "PAPERBRIEF_SMTP_FROM" in proc.stderr
    proc = paperbrief(["send"], env)
    assert proc.returncode == 2 and "--to" in proc.stderr and "PAPERBRIEF_SEND_TO" in proc.stderr
    proc = paperbrief(["send", "--to", slack, "--date", "2026-02-07"], env)
    assert proc.returncode == 2 and "paperbrief run --date 2026-02-07" in proc.stderr
    assert receiver.received == [] and ledger(env) == []
    for p in (proc,):
        assert "Traceback" not in p.stderr


# --- e-mail ---------------------------------------------------------------------------------------


def test_email_is_multipart_with_safe_html_and_a_chinese_subject(env, mailbox, stored):
    env.update(PAPERBRIEF_SMTP_URL=f"smtp://127.0.0.1:{mailbox.port}", PAPERBRIEF_SMTP_FROM="简报 <pb@example.com>")
    proc = paperbrief(["send", "--to", "mailto:alice@example.com,bob@example.org"], env)
    assert proc.returncode == 0, proc.stderr
    assert [m["to"] for m in mailbox.messages] == [["alice@example.com"], ["bob@example.org"]]
    raw = mailbox.messages[0]["data"]
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")  # headers are pure ASCII (RFC 2047 encoded words)
    assert "Subject: Hugging Face =?utf-8?b?" in head and "From: =?utf-8?b?" in head
    msg = mailbox.parsed(0)
    assert msg["Subject"] == f"Hugging Face 每日论文 {DATE}：47 篇"
    assert msg["From"].addresses[0].display_name == "简报" and msg["To"] == "alice@example.com"
    assert msg.get_content_type() == "multipart/alternative" and msg["Message-ID"]
    text = msg.get_body(("plain",)).get_content().replace("\r\n", "\n")  # lines end in CRLF on the wire
    day_file = (stored / "out" / f"{DATE}.md").read_text("utf-8")
    assert text == day_file  # the day's Markdown, as the run wrote it
    html = msg.get_body(("html",)).get_content()
    check_safe_html(html)
    for _aid, title in day_titles(stored):
        assert escape_html(title) in html
    assert "alice@example.com" in proc.stdout and "bob@example.org" in proc.stdout
    ids = {row["message_ids"][0] for row in ledger(env)}
    assert ids == {m["Message-ID"] for m in (mailbox.parsed(0), mailbox.parsed(1))}

    again = paperbrief(["send", "--to", "mailto:alice@example.com,bob@example.org"], env)
    assert again.returncode == 0 and len(mailbox.messages) == 2
    assert "already sent" in again.stdout and "Nothing new to send" in again.stderr


def test_email_over_starttls_with_login_and_over_implicit_tls(env, tmp_path):
    cert = make_cert(tmp_path)
    env["SSL_CERT_FILE"] = str(cert[0])
    box = Mailbox(tls="starttls", cert=cert, users={"me@example.com": SMTP_PASSWORD})
    try:
        env.update(PAPERBRIEF_SMTP_URL=f"smtp://me%40example.com:{SMTP_PASSWORD}@localhost:{box.port}",
                   PAPERBRIEF_SMTP_FROM="me@example.com")
        proc = paperbrief(["send", "--to", "mailto:reader@example.com", "--lang", "zh"], env)
        assert proc.returncode == 0, proc.stderr
        assert box.logins == ["me@example.com"] and box.messages[0]["tls"] is True
        wrong = paperbrief(["send", "--to", "mailto:other@example.com"],
                           dict(env, PAPERBRIEF_SMTP_URL=f"smtp://me%40example.com:wrong-{SMTP_PASSWORD}@localhost:{box.port}"))
        assert wrong.returncode == 1 and "refused the login" in wrong.stderr and "PAPERBRIEF_SMTP_URL" in wrong.stderr
        assert SMTP_PASSWORD not in wrong.stderr + wrong.stdout
    finally:
        box.close()
    box = Mailbox(tls="implicit", cert=cert)
    try:
        env.update(PAPERBRIEF_SMTP_URL=f"smtps://localhost:{box.port}")
        proc = paperbrief(["send", "--to", "mailto:third@example.com"], env)
        assert proc.returncode == 0, proc.stderr
        assert box.messages[0]["tls"] is True and box.messages[0]["to"] == ["third@example.com"]
    finally:
        box.close()


def test_a_refused_address_fails_alone_and_is_retried(env):
    box = Mailbox(refuse={"gone@example.com"})
    try:
        env.update(PAPERBRIEF_SMTP_URL=f"smtp://127.0.0.1:{box.port}", PAPERBRIEF_SMTP_FROM="pb@example.com")
        proc = paperbrief(["send", "--to", "mailto:ok@example.com,gone@example.com"], env)
        assert proc.returncode == 1
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and "mailto:gone@example.com" in lines[0] and "550" in lines[0]
        assert [m["to"] for m in box.messages] == [["ok@example.com"]]
        again = paperbrief(["send", "--to", "mailto:ok@example.com,gone@example.com"], env)
        assert again.returncode == 1 and len(box.messages) == 1  # ok@ not sent twice; gone@ tried again
    finally:
        box.close()


# --- chat channels --------------------------------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def escape_html(text: str) -> str:
    import html

    return html.escape(text, quote=False)


def check_safe_html(html: str) -> None:
    """No script, style sheet, frame, form or image; no event handler; links only to http(s)."""
    parser = _Tags()
    parser.feed(html)
    tags = {t for t, _ in parser.tags}
    assert not tags & {"script", "style", "img", "iframe", "object", "embed", "form", "link", "svg", "math", "base"}
    for tag, attrs in parser.tags:
        assert not any(a.startswith("on") for a in attrs), (tag, attrs)
        assert "src" not in attrs
        if "href" in attrs:
            assert attrs["href"].startswith(("https://", "http://", "#")), attrs


def check_limits(kind: str, payload: dict, body: bytes) -> None:
    if kind == "feishu":
        assert len(body) <= 20_000
    elif kind == "dingtalk":
        assert len(payload["markdown"]["text"].encode()) <= 18_000
    elif kind == "wecom":
        assert len(payload["markdown"]["content"].encode()) <= 4096
    elif kind == "discord":
        assert len(payload["content"]) <= 2000
    elif kind == "telegram":
        assert len(payload["text"].encode("utf-16-le")) // 2 <= 4096
    elif kind == "slack":
        assert len(payload["blocks"]) <= 50 and payload["text"]
        assert all(len(b["text"]["text"]) <= 3000 for b in payload["blocks"] if b["type"] == "section")


def test_every_channel_gets_the_whole_day_in_its_idiom_within_its_limits(env, receiver, stored):
    env.update(PAPERBRIEF_FEISHU_SECRET=FEISHU_SECRET, PAPERBRIEF_DINGTALK_SECRET=DINGTALK_SECRET,
               PAPERBRIEF_SITE_URL="https://briefs.example.org/daily/")
    args = ["send", "--date", DATE]
    for kind in KINDS:
        args += ["--to", f"{kind}:{receiver.url(kind)}"]
    proc = paperbrief(args, env)
    assert proc.returncode == 0, proc.stderr
    papers = day_titles(stored)
    for kind in KINDS:
        got = receiver.of(kind)
        assert got, kind
        for r in got:
            assert r.headers["Content-Type"] == "application/json" and r.headers["User-Agent"].startswith("paperbrief/")
            check_limits(kind, r.json, r.body)
        if kind == "webhook":
            assert len(got) == 1 and got[0].json == json.loads((stored / "out" / f"{DATE}.json").read_text("utf-8"))
            continue
        texts = [text_of(kind, r.json) for r in got]
        whole = "\n".join(texts)
        # every paper, once, in listing order (never silently truncated), with its link
        positions = [whole.find(f"https://huggingface.co/papers/{aid}") for aid, _ in papers]
        assert all(p >= 0 for p in positions) and positions == sorted(positions), kind
        assert all(whole.count(f"https://huggingface.co/papers/{aid}") == 1 for aid, _ in papers), kind
        assert "https://briefs.example.org/daily/days/2026-02-08.html" in texts[-1]
        assert f"https://huggingface.co/papers/date/{DATE}" in texts[-1]
        n = len(got)
        if n > 1:
            for i, t in enumerate(texts, 1):
                assert f"（{i}/{n}）" in (t if kind != "feishu" else next(iter(got[i - 1].json["content"]["post"].values()))["title"])
    assert len(receiver.of("discord")) > 3 and len(receiver.of("wecom")) > 1 and len(receiver.of("telegram")) > 1
    # the idioms
    feishu = receiver.of("feishu")[0].json
    assert feishu["msg_type"] == "post" and feishu_signature_ok(feishu, FEISHU_SECRET)
    assert {e["tag"] for row in feishu["content"]["post"]["zh_cn"]["content"] for e in row} == {"text", "a"}
    for r in receiver.of("dingtalk"):
        assert r.json["msgtype"] == "markdown" and r.query["access_token"] == ["tok-0123456789abcdef"]
        assert dingtalk_signature_ok(r.query, r.raw_query, DINGTALK_SECRET)
    assert all(r.json["msgtype"] == "markdown" for r in receiver.of("wecom"))
    slack = receiver.of("slack")[0].json
    assert slack["blocks"][0]["type"] == "header" and slack["text"].startswith("Hugging Face 每日论文")
    for r in receiver.of("discord"):
        assert r.json["allowed_mentions"] == {"parse": []} and r.query["wait"] == ["true"]
    for r in receiver.of("telegram"):
        assert r.json["chat_id"] == "-100123" and r.json["parse_mode"] == "HTML" and "chat_id" not in r.query
    rows = ledger(env)
    assert {r["kind"] for r in rows} == set(KINDS) and all(r["status"] == "delivered" for r in rows)
    discord = next(r for r in rows if r["kind"] == "discord")
    assert discord["messages"] == discord["messages_total"] == len(receiver.of("discord"))
    assert len(discord["message_ids"]) == len(receiver.of("discord")) and discord["message_ids"][0].startswith("d")


def test_english_day_gets_english_messages(receiver, stored, tmp_path):
    from paperbrief.replica import Replica

    with Replica() as replica:
        env = replica_env(replica, tmp_path / "h")
        assert paperbrief(["run", "--date", DATE, "--lang", "en", "--limit", "3", "--out", str(tmp_path / "o")],
                          env).returncode == 0
    proc = paperbrief(["send", "--lang", "en", "--to", f"telegram:{receiver.url('telegram')}"], env)
    assert proc.returncode == 0, proc.stderr
    text = receiver.of("telegram")[0].json["text"]
    assert text.startswith("<b>Hugging Face Daily Papers · 2026-02-08</b>\n3 papers") and "Field: " in text


def test_retries_500_then_ok_and_honours_retry_after(env, receiver):
    receiver.then("slack", Answer(500, "oops"))
    receiver.then("discord", Answer(429, {"message": "rate limited", "retry_after": 1}, {"Retry-After": "1"}))
    proc = paperbrief(["send", "--to", f"slack:{receiver.url('slack')}", "--to", f"discord:{receiver.url('discord')}"],
                      env)
    assert proc.returncode == 0, proc.stderr
    assert len(receiver.of("slack")) == 2  # the 500, then the message again
    d = receiver.of("discord")
    assert d[0].body == d[1].body and d[1].at - d[0].at >= 0.95  # waited as asked before sending again


def test_a_200_with_an_error_code_is_a_failure_and_is_retried_next_time(env, receiver):
    errors = {
        "feishu": Answer(200, {"code": 19021, "msg": "sign match fail or timestamp is not within one hour"}),
        "dingtalk": Answer(200, {"errcode": 310000, "errmsg": "sign not match"}),
        "wecom": Answer(200, {"errcode": 93000, "errmsg": "invalid webhook url"}),
        "slack": Answer(200, {"ok": False, "error": "channel_is_archived"}),
        "telegram": Answer(400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}),
        "discord": Answer(404, {"message": "Unknown Webhook", "code": 10015}),
    }
    for kind, answer in errors.items():
        receiver.then(kind, answer)
    targets = [f"{kind}:{receiver.url(kind)}" for kind in [*errors, "webhook"]]
    args = ["send"] + [a for t in targets for a in ("--to", t)]
    proc = paperbrief(args, env)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == len(errors)
    fixes = {"feishu": "PAPERBRIEF_FEISHU_SECRET", "dingtalk": "PAPERBRIEF_DINGTALK_SECRET", "wecom": "webhook key",
             "slack": "channel_is_archived", "telegram": "chat not found", "discord": "webhook was deleted"}
    for kind, fix in fixes.items():
        [line] = [ln for ln in lines if f"{kind}:" in ln]
        assert fix in line and "tok-0123456789abcdef" not in line, line
    assert "sent  webhook:" in proc.stdout
    by_kind = {r["kind"]: r for r in ledger(env)}
    assert by_kind["webhook"]["status"] == "delivered"
    assert all(by_kind[k]["status"] == "failed" and by_kind[k]["error"] for k in errors)
    # the services are fixed: the next send retries exactly the failed targets
    before = len(receiver.received)
    again = paperbrief(args, env)
    assert again.returncode == 0, again.stderr
    assert {r.kind for r in receiver.received[before:]} == set(errors)
    assert "already sent" in again.stdout  # the webhook


def test_timeouts_are_retried_then_reported(env, receiver):
    env.update(PAPERBRIEF_HTTP_TIMEOUT="0.5", PAPERBRIEF_HTTP_RETRIES="1")
    receiver.then("slack", Answer(delay=2.0))  # no answer in time, then fine
    proc = paperbrief(["send", "--to", f"slack:{receiver.url('slack')}"], env)
    assert proc.returncode == 0, proc.stderr
    assert len(receiver.of("slack")) == 2
    receiver.then("wecom", Answer(delay=2.0), Answer(delay=2.0))
    proc = paperbrief(["send", "--to", f"wecom:{receiver.url('wecom')}"], env)
    assert proc.returncode == 1
    assert "no answer within 0.5 s" in proc.stderr and "PAPERBRIEF_HTTP_TIMEOUT" in proc.stderr


def test_messages_are_spaced(env, receiver):
    env["PAPERBRIEF_SEND_INTERVAL"] = "0.3"
    proc = paperbrief(["send", "--to", f"discord:{receiver.url('discord')}"], env)
    assert proc.returncode == 0, proc.stderr
    times = [r.at for r in receiver.of("discord")]
    assert len(times) > 3 and all(b - a >= 0.3 for a, b in itertools.pairwise(times))


def test_a_send_cut_off_halfway_resumes_at_the_next_message(env, receiver):
    receiver.then("discord", Answer(), Answer(), Answer(400, {"message": "Invalid Form Body", "code": 50035}))
    target = f"discord:{receiver.url('discord')}"
    proc = paperbrief(["send", "--to", target], env)
    assert proc.returncode == 1 and "message 3 of" in proc.stderr
    first = [r.body for r in receiver.of("discord")]
    again = paperbrief(["send", "--to", target], env)
    assert again.returncode == 0, again.stderr
    bodies = [r.body for r in receiver.of("discord")]
    assert bodies[3] == first[2]  # the refused message is sent again, then the rest
    accepted = bodies[:2] + bodies[3:]
    assert len(accepted) == len(set(accepted))  # and none twice
    [row] = [r for r in ledger(env) if r["status"] == "delivered"]
    assert row["messages"] == row["messages_total"] == len(accepted)


def test_force_and_send_updates(env, receiver, home):
    target = f"wecom:{receiver.url('wecom')}"
    assert paperbrief(["send", "--to", target], env).returncode == 0
    n = len(receiver.received)
    skip = paperbrief(["send", "--to", target], env)
    assert skip.returncode == 0 and len(receiver.received) == n and "already sent" in skip.stdout
    force = paperbrief(["send", "--to", target, "--force"], env)
    assert force.returncode == 0 and len(receiver.received) == 2 * n
    # the day changes: a report is rewritten
    import sqlite3

    with sqlite3.connect(home / "paperbrief.db") as db:
        key, body = db.execute("SELECT key, body FROM reports ORDER BY created_at LIMIT 1").fetchone()
        data = json.loads(body)
        data["report"]["contribution"] = "改写后的核心贡献。"
        db.execute("UPDATE reports SET body = ?, created_at = created_at + 1 WHERE key = ?", (json.dumps(data), key))
    changed = paperbrief(["send", "--to", target], env)
    assert changed.returncode == 0 and len(receiver.received) == 2 * n
    assert "--send-updates" in changed.stdout
    update = paperbrief(["send", "--to", target, "--send-updates"], env)
    assert update.returncode == 0 and len(receiver.received) > 2 * n
    newest = receiver.received[2 * n].json["markdown"]["content"]
    assert "（更新）" in newest.splitlines()[0] and "改写后的核心贡献" in "".join(
        r.json["markdown"]["content"] for r in receiver.received[2 * n:])
    assert paperbrief(["send", "--to", target, "--send-updates"], env).returncode == 0
    assert "already sent" in paperbrief(["send", "--to", target], env).stdout


def test_kill_9_between_two_targets_loses_and_repeats_nothing(env, receiver):
    receiver.then("telegram", Answer(delay=30))
    targets = ["--to", f"slack:{receiver.url('slack')}", "--to", f"telegram:{receiver.url('telegram')}"]
    env["PAPERBRIEF_SEND_INTERVAL"] = "0"
    proc = subprocess.Popen([sys.executable, "-m", "paperbrief", "send", *targets], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not receiver.of("telegram") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert receiver.of("telegram"), "the send never reached the second target"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert len(receiver.of("slack")) == 1
    rows = {r["kind"]: r for r in ledger(env)}
    assert rows["slack"]["status"] == "delivered" and rows["telegram"]["status"] == "sending"
    again = paperbrief(["send", *targets], env)
    assert again.returncode == 0, again.stderr
    assert len(receiver.of("slack")) == 1
    telegram = next(r for r in ledger(env) if r["kind"] == "telegram" and r["status"] == "delivered")
    # the message in flight at the kill is sent again (the service never answered it), then the rest
    assert len(receiver.of("telegram")) == 1 + telegram["messages_total"]
    assert receiver.of("telegram")[0].body == receiver.of("telegram")[1].body
    assert "already sent" in again.stdout and "sent  telegram:" in again.stdout


def test_run_send_delivers_after_the_run_and_fails_loudly(tmp_path, receiver, mailbox):
    from paperbrief.replica import Replica

    with Replica() as replica:
        env = replica_env(replica, tmp_path / "h")
        env.update(PAPERBRIEF_SEND_TO=f"mailto:reader@example.com,slack:{receiver.url('slack')}",
                   PAPERBRIEF_SMTP_URL=f"smtp://127.0.0.1:{mailbox.port}", PAPERBRIEF_SMTP_FROM="pb@example.com")
        bad = paperbrief(["run", "--date", DATE, "--limit", "2", "--send"], dict(env, PAPERBRIEF_SEND_TO="fax:123"))
        assert bad.returncode == 2 and "send_to" in bad.stderr and replica.count("/") == 0
        receiver.then("slack", Answer(404, "no_service"))
        out = str(tmp_path / "o")
        proc = paperbrief(["run", "--date", DATE, "--limit", "2", "--send", "--out", out], env)
        assert proc.returncode == 3, proc.stderr[-1500:]
        assert len(mailbox.messages) == 1 and "retries them" in proc.stderr
        again = paperbrief(["run", "--date", DATE, "--limit", "2", "--send", "--out", out], env)
        assert again.returncode == 0, again.stderr[-1500:]
        assert len(mailbox.messages) == 1 and len(receiver.of("slack")) == 2
        assert mailbox.parsed(0)["Subject"] == f"Hugging Face 每日论文 {DATE}：2 篇"


def test_sent_lists_the_ledger(env, receiver):
    assert paperbrief(["sent"], env).stderr.startswith("Nothing sent yet")
    paperbrief(["send", "--to", f"slack:{receiver.url('slack')}"], env)
    rows = ledger(env)
    assert len(rows) == 1 and rows[0]["date"] == DATE and rows[0]["lang"] == "zh" and rows[0]["status"] == "delivered"
    table = paperbrief(["sent", "--date", DATE], env)
    assert table.returncode == 0 and "slack:http://127.0.0.1:" in table.stdout and "delivered" in table.stdout
    assert "tok-0123456789abcdef" not in table.stdout


# --- weekly and monthly digests --------------------------------------------------------------------


def make_digest(env, out: Path, *period: str, replica=None) -> dict:
    """`paperbrief digest` for `period` (themes by the replica's LLM when given); returns the digest JSON."""
    if replica is not None:
        env = dict(env, OPENAI_BASE_URL=replica.url + "/v1", OPENAI_API_KEY="sk-test-0123456789abcdefghij",
                   PAPERBRIEF_MODEL="replica-model")
    proc = paperbrief(["digest", *period, "--out", str(out)], env)
    assert proc.returncode == 0, proc.stderr
    stem = period[1] + ("" if "en" not in period else ".en")
    return json.loads((out / f"{stem}.json").read_text("utf-8"))


def test_a_digest_is_sent_by_email_and_to_chats_exactly_once(env, home, receiver, mailbox, tmp_path):
    from paperbrief.digest import load_digest
    from paperbrief.render.digest import digest_message
    from paperbrief.replica import Replica
    from paperbrief.store import Store

    out = tmp_path / "digests"
    with Replica() as replica:
        data = make_digest(env, out, "--week", WEEK, replica=replica)
    claims = data["synthesis"]["claims"]
    assert data["synthesis"]["kind"] == "llm" and claims and data["papers"] == 47
    env.update(PAPERBRIEF_SMTP_URL=f"smtp://127.0.0.1:{mailbox.port}", PAPERBRIEF_SMTP_FROM="简报 <pb@example.com>",
               PAPERBRIEF_SITE_URL="https://briefs.example.org/daily/")
    args = ["send", "--week", WEEK, "--to", "mailto:reader@example.com"]
    for kind in ("telegram", "discord", "webhook"):
        args += ["--to", f"{kind}:{receiver.url(kind)}"]
    proc = paperbrief(args, env)
    assert proc.returncode == 0, proc.stderr
    page, week_page = f"https://briefs.example.org/daily/digests/{WEEK}.html", f"https://huggingface.co/papers/week/{WEEK}"

    # the e-mail: the digest's Markdown as text, its safe HTML, a subject naming the week and the count
    with Store(home / "paperbrief.db") as store:
        title, markdown = digest_message(load_digest(store, WEEK, "zh"))
    [mail] = mailbox.messages
    assert mail["to"] == ["reader@example.com"]
    msg = mailbox.parsed(0)
    assert msg["Subject"] == f"{title}：47 篇" == f"Hugging Face Daily Papers 周报 {WEEK}：47 篇"
    assert msg.get_body(("plain",)).get_content().replace("\r\n", "\n") == markdown
    html = msg.get_body(("html",)).get_content()
    check_safe_html(html)
    assert page in html and week_page in html and f"<h1 style=\"font-size:22px;line-height:1.3;margin:8px 0 4px;\">{title}</h1>" in html
    for p in data["top_upvoted"]:
        assert f'<a href="https://huggingface.co/papers/{p["arxiv_id"]}" style="color:#0b57d0;">{escape_html(p["title"])}</a>' in html
    assert all(escape_html(c["title"]) in html for c in claims)

    # the chats: every theme with its papers, every top paper once in order, footer links; within limits
    for kind in ("telegram", "discord"):
        got = receiver.of(kind)
        for r in got:
            check_limits(kind, r.json, r.body)
        texts = [text_of(kind, r.json) for r in got]
        whole = "\n".join(texts)
        assert texts[0].startswith(("<b>" if kind == "telegram" else "**") + title)
        assert all(c["title"] in whole for c in claims)
        cites = [a for c in claims for a in c["papers"]]
        top = [p["arxiv_id"] for p in data["top_upvoted"]]
        for aid in set(cites) | set(top):  # a theme's citations, then the top list: nothing dropped or repeated
            assert whole.count(f"https://huggingface.co/papers/{aid}") == cites.count(aid) + top.count(aid), (kind, aid)
        ends = [whole.rfind(f"https://huggingface.co/papers/{aid}") for aid in top]
        assert ends == sorted(ends) and page in texts[-1] and week_page in texts[-1]
        for i, t in enumerate(texts, 1):
            assert len(texts) == 1 or f"（{i}/{len(texts)}）" in t.splitlines()[0]
    assert len(receiver.of("discord")) > 1  # split at 2,000 characters, never cut
    [hook] = receiver.of("webhook")
    assert hook.json == json.loads((out / f"{WEEK}.json").read_text("utf-8"))  # the digest as its file has it

    # the ledger: one delivery per target, of the week
    rows = ledger(env)
    assert len(rows) == 4 and all(r["status"] == "delivered" for r in rows)
    assert {(r["scope"], r["period"], r["date"], r["lang"]) for r in rows} == {("week", WEEK, None, "zh")}
    table = paperbrief(["sent", "--week", WEEK], env)
    assert table.returncode == 0 and table.stdout.count(f"\t{WEEK}\t") == 4

    # exactly once: a second send sends nothing; the day is another delivery; --force sends again
    first_time = [(r.kind, r.body) for r in receiver.received]
    n = len(receiver.received)
    again = paperbrief(args, env)
    assert again.returncode == 0 and len(receiver.received) == n and len(mailbox.messages) == 1
    assert again.stdout.count("already sent") == 4 and f"Nothing new to send for {WEEK} (zh)." in again.stderr
    day = paperbrief(["send", "--to", f"telegram:{receiver.url('telegram')}"], env)
    assert day.returncode == 0 and "sent  telegram:" in day.stdout
    assert paperbrief(["sent", "--date", DATE, "--json"], env).stdout.count('"scope": "day"') == 1
    n = len(receiver.received)
    force = paperbrief([*args, "--force"], env)
    assert force.returncode == 0 and len(mailbox.messages) == 2
    assert [(r.kind, r.body) for r in receiver.received[n:]] == first_time  # the same messages again


def test_a_changed_digest_needs_send_updates_and_a_missing_one_names_the_fix(env, home, receiver, tmp_path):
    import sqlite3

    target = f"wecom:{receiver.url('wecom')}"
    for args, words in ((["--week", WEEK], f"`paperbrief digest --week {WEEK}` first"),
                        (["--month", "2026-02", "--lang", "en"], "`paperbrief digest --month 2026-02 --lang en` first"),
                        (["--week", "2026-6"], "not an ISO week"),
                        (["--week", WEEK, "--date", DATE], "not several")):
        proc = paperbrief(["send", *args, "--to", target], env)
        assert proc.returncode == 2 and words in proc.stderr and proc.stderr.count("\n") == 1, proc.stderr
        assert "Traceback" not in proc.stderr
    assert receiver.received == [] and ledger(env) == []

    out = tmp_path / "digests"
    data = make_digest(env, out, "--week", WEEK)  # no LLM: the figures only
    assert paperbrief(["send", "--week", WEEK, "--to", target], env).returncode == 0
    n = len(receiver.received)
    make_digest(env, out, "--week", WEEK, "--force")  # made again from the same store: the same digest
    same = paperbrief(["send", "--week", WEEK, "--to", target], env)
    assert same.returncode == 0 and "already sent" in same.stdout and len(receiver.received) == n
    # a report of the week is rewritten: the digest made again has changed since it was sent
    first = data["top_upvoted"][0]["arxiv_id"]
    with sqlite3.connect(home / "paperbrief.db") as db:
        key, body = db.execute("SELECT key, body FROM reports WHERE arxiv_id = ?", (first,)).fetchone()
        changed_report = json.loads(body)
        changed_report["report"]["contribution"] = "改写后的核心贡献。"
        db.execute("UPDATE reports SET body = ?, created_at = created_at + 1 WHERE key = ?",
                   (json.dumps(changed_report), key))
    assert make_digest(env, out, "--week", WEEK)["top_upvoted"][0]["contribution"] == "改写后的核心贡献。"
    changed = paperbrief(["send", "--week", WEEK, "--to", target], env)
    assert changed.returncode == 0 and len(receiver.received) == n
    assert "the digest has changed since" in changed.stdout and "--send-updates" in changed.stdout
    update = paperbrief(["send", "--week", WEEK, "--to", target, "--send-updates"], env)
    assert update.returncode == 0 and len(receiver.received) > n
    sent_now = [r.json["markdown"]["content"] for r in receiver.received[n:]]
    assert "（更新）" in sent_now[0].splitlines()[0] and "改写后的核心贡献" in "".join(sent_now)
    assert "already sent" in paperbrief(["send", "--week", WEEK, "--to", target], env).stdout
    # a month is its own delivery, in its own words
    make_digest(env, out, "--month", "2026-02", "--lang", "en")
    month = paperbrief(["send", "--month", "2026-02", "--lang", "en", "--to", target, "--json"], env)
    assert month.returncode == 0, month.stderr
    result = json.loads(month.stdout)
    assert (result["period"], result["scope"], result["targets"][0]["status"]) == ("2026-02", "month", "delivered")
    text = receiver.received[-1].json["markdown"]["content"]
    assert text.startswith("**Hugging Face Daily Papers, month 2026-02") and "Top papers by upvotes" in "".join(
        r.json["markdown"]["content"] for r in receiver.received[-result["targets"][0]["messages"]:])
    assert {(r["scope"], r["period"]) for r in ledger(env)} == {("week", WEEK), ("month", "2026-02")}


# --- hostile titles and secrets -------------------------------------------------------------------

XSS = [
    '<script>alert("x")</script> Fast Models',
    '<img src=x onerror=alert(1)> & Friends',
    '[click me](javascript:alert(1)) <@all> <at id=all></at> @everyone <!channel>',
    '**bold** `code` </b><a href="https://evil.example/">link</a> <font color="red">red</font>',
]


def hostile_home(tmp_path, themes=None) -> dict[str, str]:
    """A stored day of len(XSS) papers whose titles and report text are as hostile as they come (whatever the
    listing or the LLM let through); with `themes(ids)`, its week's digest with the LLM answering those themes."""
    import sqlite3

    from paperbrief.replica import Replica

    with Replica() as replica:
        env = replica_env(replica, tmp_path / "h")
        out = tmp_path / "o"
        assert paperbrief(["run", "--date", DATE, "--limit", str(len(XSS)), "--out", str(out)], env).returncode == 0
        ids = [p["arxiv_id"] for p in json.loads((out / f"{DATE}.json").read_text("utf-8"))["papers"]]
        with sqlite3.connect(tmp_path / "h" / "paperbrief.db") as db:
            for i, (aid, title) in enumerate(zip(ids, XSS, strict=True)):
                db.execute("UPDATE papers SET title = ? WHERE arxiv_id = ?", (title, aid))
                db.execute("UPDATE listings SET upvotes = ? WHERE arxiv_id = ?", (1000 - i, aid))  # a digest's top
                key, body = db.execute("SELECT key, body FROM reports WHERE arxiv_id = ?", (aid,)).fetchone()
                data = json.loads(body)
                data["report"]["contribution"] = title
                data["report"]["domain"] = XSS[3]
                db.execute("UPDATE reports SET body = ? WHERE key = ?", (json.dumps(data), key))
        if themes is not None:
            replica.services["llm"].script(json.dumps({"themes": themes(ids)}))
            llm = dict(env, OPENAI_BASE_URL=replica.url + "/v1", OPENAI_API_KEY="sk-test-0123456789abcdefghij",
                       PAPERBRIEF_MODEL="replica-model")
            made = paperbrief(["digest", "--week", WEEK, "--out", str(out)], llm)
            assert made.returncode == 0, made.stderr
    return env


def check_inert(receiver, mailbox, *, titles_in_webhook) -> None:
    """No channel's payload and no e-mail HTML carries live markup, a mention or a foreign link."""
    ours = ("https://huggingface.co/papers/",)
    for kind in KINDS:
        assert receiver.of(kind), kind
        for r in receiver.of(kind):
            payload = r.json
            if kind == "webhook":
                assert sorted(titles_in_webhook(payload)) == sorted(XSS)  # data, as stored: the consumer escapes
                continue
            text = text_of(kind, payload)
            if kind in ("dingtalk", "wecom"):
                assert "<" not in text and ">" not in text and "](javascript" not in text
                links = [m for m in __import__("re").findall(r"\]\(([^)]*)\)", text)]
                assert all(u.startswith(ours) for u in links)
            if kind == "telegram":
                parser = _Tags()
                parser.feed(text)
                assert {t for t, _ in parser.tags} <= {"a", "b"}
                assert all(a["href"].startswith("https://huggingface.co/") for t, a in parser.tags if t == "a")
            if kind == "slack":
                import re

                assert all(m.startswith("<https://huggingface.co/") for m in re.findall(r"<[^>]*>", text))
            if kind == "discord":
                assert payload["allowed_mentions"] == {"parse": []}
            if kind == "feishu":
                elements = [e for row in next(iter(payload["content"]["post"].values()))["content"] for e in row]
                assert {e["tag"] for e in elements} == {"text", "a"}
                assert all(e["href"].startswith("https://huggingface.co/") for e in elements if e["tag"] == "a")
        whole = "\n".join(text_of(kind, r.json) for r in receiver.of(kind))
        if kind == "telegram":
            assert "&lt;script&gt;" in whole
        if kind == "slack":
            assert "&lt;@all&gt;" in whole and "&lt;!channel&gt;" in whole
        if kind == "discord":
            assert "\\[click me\\]" in whole and "\\<script" in whole
        if kind == "feishu":
            assert any(e["tag"] == "a" and e["text"] == XSS[0] for r in receiver.of(kind)
                       for row in next(iter(r.json["content"]["post"].values()))["content"] for e in row)
    html = mailbox.parsed(0).get_body(("html",)).get_content()
    check_safe_html(html)
    assert "&lt;script&gt;" in html and "&lt;font" in html and "&lt;/a&gt;" in html
    parser = _Tags()
    parser.feed(html)
    assert {t for t, _ in parser.tags} <= {"html", "head", "meta", "title", "body", "div", "h1", "h2", "p", "ol", "ul",
                                           "li", "a", "strong", "em", "code", "br", "span", "sub", "sup"}


def send_everywhere(env, receiver, mailbox, *extra: str) -> subprocess.CompletedProcess:
    env.update(PAPERBRIEF_SMTP_URL=f"smtp://127.0.0.1:{mailbox.port}", PAPERBRIEF_SMTP_FROM="pb@example.com")
    args = ["send", *extra, "--to", "mailto:reader@example.com"]
    return paperbrief(args + [a for k in KINDS for a in ("--to", f"{k}:{receiver.url(k)}")], env)


def test_titles_with_markup_stay_text_in_every_channel_and_the_email(tmp_path, receiver, mailbox):
    env = hostile_home(tmp_path)
    proc = send_everywhere(env, receiver, mailbox)
    assert proc.returncode == 0, proc.stderr
    check_inert(receiver, mailbox, titles_in_webhook=lambda day: [p["title"] for p in day["papers"]])


def test_a_digest_with_markup_in_titles_and_themes_stays_text_everywhere(tmp_path, receiver, mailbox):
    env = hostile_home(tmp_path, themes=lambda ids: [
        {"title": XSS[0], "text": XSS[2], "papers": [ids[0]]},
        {"title": XSS[3], "text": XSS[1], "papers": [ids[1], ids[2]]},
        {"title": "<b>ok</b>", "text": "[x](https://evil.example/) <a href='https://evil.example/'>x</a>",
         "papers": [ids[3]]}])
    proc = send_everywhere(env, receiver, mailbox, "--week", WEEK)
    assert proc.returncode == 0, proc.stderr
    check_inert(receiver, mailbox, titles_in_webhook=lambda d: [p["title"] for p in d["top_upvoted"][:len(XSS)]])
    claims = receiver.of("webhook")[0].json["synthesis"]["claims"]
    assert [c["title"] for c in claims] == [XSS[0], XSS[3], "<b>ok</b>"]  # the themes were sent (as text)
    assert "&lt;b&gt;ok&lt;/b&gt;" in "".join(text_of("telegram", r.json) for r in receiver.of("telegram"))


def test_secrets_never_reach_output_or_the_store(env, receiver, home):
    env.update(PAPERBRIEF_FEISHU_SECRET=FEISHU_SECRET, PAPERBRIEF_DINGTALK_SECRET=DINGTALK_SECRET)
    token = "TOPSECRETtoken0123456789"
    receiver.then("feishu", Answer(200, {"code": 19021, "msg": f"bad sign for {token}"}))
    targets = [f"{k}:{receiver.url(k, token)}" for k in ("feishu", "dingtalk", "telegram")]
    outputs = []
    for args in (["send"] + [a for t in targets for a in ("--to", t)], ["sent"], ["sent", "--json"],
                 ["send", "--json"] + [a for t in targets for a in ("--to", t)]):
        p = paperbrief(args, env)
        outputs.append(p.stdout + p.stderr)
    text = "\n".join(outputs)
    assert "bad sign for ****" in text
    data = b"".join(p.read_bytes() for p in home.iterdir() if p.name.startswith("paperbrief.db"))
    for secret in (token, FEISHU_SECRET, DINGTALK_SECRET):
        assert secret not in text
        assert secret.encode() not in data


# --- the recipe ------------------------------------------------------------------------------------


def test_workflow_example_passes_actionlint_and_uses_the_readme_commands():
    root = Path(__file__).resolve().parents[1]
    workflow = root / "docs" / "examples" / "github-actions-daily.yml"
    exe = shutil.which("actionlint") or str(Path(sys.executable).parent / "actionlint")
    if not Path(exe).exists():
        pytest.skip("actionlint is not installed (pip install -e '.[dev]')")
    proc = subprocess.run([exe, "-no-color", str(workflow)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    text = workflow.read_text("utf-8")
    readme = (root / "README.md").read_text("utf-8")
    assert "paperbrief run --send" in text and "paperbrief site" in text
    assert "actions/deploy-pages" in text and "secrets.PAPERBRIEF_SEND_TO" in text
    commands = [line.strip().removeprefix("run: ").split("  #")[0].strip() for line in text.splitlines()
                if line.strip().startswith(("run: paperbrief", "paperbrief "))]
    assert commands == ["paperbrief run --send", 'paperbrief site --out site --base-url "$PAPERBRIEF_SITE_URL"']
    assert all(c in readme for c in commands)
    for name in ("paperbrief.service", "paperbrief.timer"):
        assert (root / "docs" / "examples" / name).exists() and f"docs/examples/{name}" in readme
    assert "docs/examples/github-actions-daily.yml" in readme[: readme.index("## Configuration")]  # the quick start
