"""Chat webhooks: each service gets the brief (a day's or a digest's) in its own idiom, split to its limits.

| kind     | message                                   | limit per message        | outside text made inert by     |
|----------|-------------------------------------------|--------------------------|--------------------------------|
| feishu   | `post` rich text (text and link elements) | 20,000 bytes of JSON     | structure: text is never parsed |
| dingtalk | `markdown`                                | 18,000 bytes of text     | markup characters → full width |
| wecom    | `markdown`                                | 4,096 bytes of text      | markup characters → full width |
| slack    | Block Kit sections + text fallback        | 50 blocks, 3,000 a block | &amp; &lt; &gt; (Slack's rule) |
| discord  | `content` with mentions disabled          | 2,000 characters         | backslash before markdown      |
| telegram | HTML parse mode                           | 4,096 characters         | &amp; &lt; &gt; &quot;         |
| webhook  | the JSON of `<date>.json` / `<period>.json` | one message            | JSON                           |

DingTalk and WeCom document no escape for their markdown, so `< > [ ] * ` & \\ | #` in titles and
report text are replaced by their full-width forms: no tag, link or `<@mention>` can be formed by
a paper's title. A long day or digest becomes several messages, each marked (i/n); nothing is cut
off except an over-long text line inside one entry (a contribution, a theme), which ends in "…".
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote_plus, urlencode, urlsplit, urlunsplit

from paperbrief.deliver.brief import Brief, Item, shorten

# Seconds between two messages to one target: each service's documented rate limit, with margin.
DEFAULT_INTERVAL = {
    "feishu": 1.0,  # 100 a minute, 5 a second per bot
    "dingtalk": 3.5,  # 20 a minute per bot (more and it is muted for 10 minutes)
    "wecom": 3.5,  # 20 a minute per bot
    "slack": 1.1,  # about 1 a second per webhook
    "discord": 2.0,  # 5 per 2 s per webhook, 30 a minute per channel
    "telegram": 3.0,  # 1 a second per chat, 20 a minute in a group
    "webhook": 0.0,
}
FEISHU_LIMIT = 20_000  # bytes of the request body
SLACK_BLOCKS = 50
SLACK_SECTION = 3000
SLACK_HEADER = 150

_FULL_WIDTH = str.maketrans({"<": "＜", ">": "＞", "[": "［", "]": "］", "*": "＊", "`": "｀", "&": "＆",
                             "\\": "＼", "|": "｜", "#": "＃"})
_DISCORD_MD = re.compile(r"([\\*_~`|<>#\[\]])")


def neutral(value: str) -> str:
    """Markdown without an escape rule (DingTalk, WeCom): markup characters as their full-width forms."""
    return value.translate(_FULL_WIDTH)


def utf8_len(value: str) -> int:
    return len(value.encode("utf-8"))


def utf16_len(value: str) -> int:
    return len(value.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class Style:
    """How one text-based service writes a brief."""

    esc: Callable[[str], str]
    link: Callable[[str, str], str]  # (already escaped label, url)
    bold: Callable[[str], str]  # already escaped text
    nl: str  # a line break inside a paper's entry
    sep: str  # between entries
    limit: int
    size: Callable[[str], int]
    wrap: Callable[[str, Brief], dict[str, Any]]


def _md_link(label: str, url: str) -> str:
    return f"[{label}]({url})"


STYLES: dict[str, Style] = {
    "dingtalk": Style(
        esc=neutral, link=_md_link, bold=lambda s: f"**{s}**", nl="\n\n", sep="\n\n", limit=18_000, size=utf8_len,
        wrap=lambda t, d: {"msgtype": "markdown", "markdown": {"title": d.heading, "text": t}},
    ),
    "wecom": Style(
        esc=neutral, link=_md_link, bold=lambda s: f"**{s}**", nl="\n", sep="\n\n", limit=4096, size=utf8_len,
        wrap=lambda t, d: {"msgtype": "markdown", "markdown": {"content": t}},
    ),
    "discord": Style(
        esc=lambda s: _DISCORD_MD.sub(r"\\\1", s), link=_md_link, bold=lambda s: f"**{s}**", nl="\n", sep="\n\n",
        limit=2000, size=len,
        # no @everyone/@here/<@id> pings from any text, and no link previews for 20 links
        wrap=lambda t, d: {"content": t, "allowed_mentions": {"parse": []}, "flags": 4},
    ),
    "telegram": Style(
        esc=lambda s: html.escape(s, quote=False), link=lambda s, u: f'<a href="{html.escape(u)}">{s}</a>',
        bold=lambda s: f"<b>{s}</b>", nl="\n", sep="\n\n", limit=4096, size=utf16_len,
        wrap=lambda t, d: {"text": t, "parse_mode": "HTML", "link_preview_options": {"is_disabled": True}},
    ),
}


def _fit(render: Callable[[str, str], Any], size: Callable[[Any], int], item: Item, budget: int) -> Any:
    """An item's entry within `budget`: shorten its text (then its title) only when it must."""
    title, body = item.title, item.body or item.failure or ""
    block = render(title, body)
    while size(block) > budget:
        over = size(block) - budget
        if len(body) > 40:
            body = shorten(body, max(40, len(body) - over - 8))
        elif len(title) > 40:
            title = shorten(title, max(40, len(title) - over - 8))
        else:
            break  # cannot get smaller: a limit far below any real entry
        block = render(title, body)
    return block


def _groups(sizes: list[int], budget: int, sep: int, last_extra: int) -> list[list[int]]:
    """Greedy packing of entries (by size) into messages of at most `budget`; the last message must also
    hold `last_extra` (the footer), else the footer gets a message of its own."""
    groups: list[list[int]] = [[]]
    used = 0
    for i, s in enumerate(sizes):
        if groups[-1] and used + sep + s > budget:
            groups.append([])
            used = 0
        used += (sep if groups[-1] else 0) + s
        groups[-1].append(i)
    if last_extra and groups[-1] and used + sep + last_extra > budget:
        groups.append([])
    return groups


def _lines(item: Item, title: str, body: str, *, esc: Callable[[str], str], bold: Callable[[str], str],
           link: Callable[[str, str], str]) -> list[str]:
    """An entry as lines of marked-up text (a text-based service's `esc`, `bold` and `link`, Slack's too)."""
    lines = []
    name = (link(esc(title), item.url) if item.url else bold(esc(title))) if title else ""
    number = bold(f"{item.n}.") if item.n is not None else ""
    if number or name:
        lines.append(" ".join(p for p in (number, name) if p))
    if item.failure:
        lines.append(esc("⚠ " + body))
    else:
        if item.meta:
            lines.append(esc(item.meta))
        if item.note:
            lines.append(esc("⚠ " + item.note))
        if body:
            lines.append(esc(body))
        lines += [esc("⚠ " + check) for check in item.checks]
    if item.links:
        lines.append(" · ".join(link(esc(label), url) for label, url in item.links))
    return lines


def _text_messages(kind: str, d: Brief) -> list[dict[str, Any]]:
    st = STYLES[kind]

    def head(i: int, n: int) -> str:
        return st.bold(st.esc(d.heading + d.part(i, n))) + st.nl + st.esc(d.summary)

    foot = " · ".join(st.link(st.esc(label), url) for label, url in d.links)

    def entry(item: Item) -> Callable[[str, str], str]:
        def render(title: str, body: str) -> str:
            block = st.nl.join(_lines(item, title, body, esc=st.esc, bold=st.bold, link=st.link))
            return st.bold(st.esc(item.heading)) + st.sep + block if item.heading else block

        return render

    sep = st.size(st.sep)
    budget = st.limit - st.size(head(999, 999)) - sep
    blocks = [_fit(entry(item), st.size, item, budget) for item in d.items]
    groups = _groups([st.size(b) for b in blocks], budget, sep, st.size(foot))
    n = len(groups)
    out = []
    for i, g in enumerate(groups, 1):
        parts = [head(i, n), *(blocks[j] for j in g)]
        if i == n:
            parts.append(foot)
        out.append(st.wrap(st.sep.join(parts), d))
    return out


def _slack_escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack_link(label: str, url: str) -> str:
    return f"<{url}|{label}>"


def _slack_messages(d: Brief) -> list[dict[str, Any]]:
    def entry(item: Item) -> Callable[[str, str], dict[str, Any]]:
        def render(title: str, body: str) -> dict[str, Any]:
            lines = _lines(item, title, body, esc=_slack_escape, bold=lambda s: f"*{s}*", link=_slack_link)
            if item.heading:
                lines[:0] = [f"*{_slack_escape(item.heading)}*", ""]
            return {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)}}

        return render

    sections = [_fit(entry(item), lambda b: len(b["text"]["text"]), item, SLACK_SECTION) for item in d.items]
    foot = {"type": "context", "elements": [{"type": "mrkdwn", "text": " · ".join(
        _slack_link(_slack_escape(label), url) for label, url in d.links)}]}
    # a header, the summary and the entries; the last message also the footer
    groups = _groups([1] * len(sections), SLACK_BLOCKS - 2, 0, 1)
    n = len(groups)
    out = []
    for i, g in enumerate(groups, 1):
        title = d.heading + d.part(i, n)
        blocks: list[dict[str, Any]] = [
            {"type": "header", "text": {"type": "plain_text", "text": shorten(title, SLACK_HEADER)}},
            {"type": "section", "text": {"type": "mrkdwn", "text": _slack_escape(d.summary)}},
            *(sections[j] for j in g),
        ]
        if i == n:
            blocks.append(foot)
        out.append({"text": _slack_escape(f"{title}: {d.summary}"), "blocks": blocks})
    return out


def _feishu_messages(d: Brief) -> list[dict[str, Any]]:
    locale = "zh_cn" if d.lang == "zh" else "en_us"

    def text(value: str) -> dict[str, str]:
        return {"tag": "text", "text": value}

    def link_row(links: tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
        row: list[dict[str, str]] = []
        for label, url in links:
            row += [*([text(" · ")] if row else []), {"tag": "a", "text": label, "href": url}]
        return row

    def entry(item: Item) -> Callable[[str, str], list[list[dict[str, str]]]]:
        def render(title: str, body: str) -> list[list[dict[str, str]]]:
            rows = [[text(item.heading)], [text("")]] if item.heading else []
            first = [text(f"{item.n}. ")] if item.n is not None else []
            if title:
                first.append({"tag": "a", "text": title, "href": item.url} if item.url else text(title))
            if first:
                rows.append(first)
            if item.failure:
                rows.append([text("⚠ " + body)])
            else:
                if item.meta:
                    rows.append([text(item.meta)])
                if item.note:
                    rows.append([text("⚠ " + item.note)])
                if body:
                    rows.append([text(body)])
                rows += [[text("⚠ " + check)] for check in item.checks]
            if item.links:
                rows.append(link_row(item.links))
            return [*rows, [text("")]]

        return render

    def message(title: str, rows: list[list[dict[str, str]]]) -> dict[str, Any]:
        return {"msg_type": "post", "content": {"post": {locale: {"title": title, "content": rows}}}}

    def size(value: Any) -> int:
        return utf8_len(json.dumps(value, ensure_ascii=False))

    links = link_row(d.links)
    first = [[text(d.summary)], [text("")]]
    overhead = size(message(d.heading + d.part(999, 999), first)) + 200  # + timestamp and sign
    budget = FEISHU_LIMIT - overhead
    entries = [_fit(entry(item), size, item, budget) for item in d.items]
    groups = _groups([size(e) + 2 for e in entries], budget, 0, size([links]) + 2)
    n = len(groups)
    out = []
    for i, g in enumerate(groups, 1):
        rows = [row for j in g for row in entries[j]]
        out.append(message(d.heading + d.part(i, n), [*first, *rows, *([links] if i == n else [])]))
    return out


def build_messages(kind: str, brief: Brief, data: dict[str, Any]) -> list[dict[str, Any]]:
    """The JSON payloads to send to a `kind` target, in order (before signing); `data` is what a plain
    webhook gets (the day's or the digest's JSON, as in its file)."""
    if kind == "webhook":
        return [data]
    if kind == "slack":
        return _slack_messages(brief)
    if kind == "feishu":
        return _feishu_messages(brief)
    return _text_messages(kind, brief)


# --- sending -----------------------------------------------------------------------


def feishu_sign(secret: str, timestamp: int) -> str:
    """Feishu/Lark: HMAC-SHA256 keyed with "timestamp\\nsecret" over an empty message, base64."""
    key = f"{timestamp}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode("ascii")


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk: HMAC-SHA256 keyed with the secret over "timestamp\\nsecret", base64 (URL-encode it to send)."""
    mac = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode("ascii")


def _with_query(url: str, extra: list[tuple[str, str]], drop: tuple[str, ...] = ()) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in drop] + extra
    return urlunsplit(parts._replace(query=urlencode(query, quote_via=quote_plus)))


def request(kind: str, url: str, payload: dict[str, Any], secret: str = "") -> tuple[str, bytes]:
    """The URL and body for one message: signed when the bot has a secret, in the service's shape."""
    if kind == "feishu" and secret:
        ts = int(time.time())
        payload = {"timestamp": str(ts), "sign": feishu_sign(secret, ts), **payload}
    elif kind == "dingtalk" and secret:
        ts = int(time.time() * 1000)
        url = _with_query(url, [("timestamp", str(ts)), ("sign", dingtalk_sign(secret, ts))])
    elif kind == "telegram":  # chat_id travels in the body, next to the text
        chat = dict(parse_qsl(urlsplit(url).query)).get("chat_id", "")
        payload = {"chat_id": chat, **payload}
        url = _with_query(url, [], drop=("chat_id",))
    elif kind == "discord" and "wait=" not in urlsplit(url).query:
        url = _with_query(url, [("wait", "true")])  # answer with the message (and its id)
    return url, json.dumps(payload, ensure_ascii=False).encode("utf-8")


# Fixes for the error codes each service documents (a 200 answer can still be a failure).
HINTS = {
    "feishu": {19021: "the signature was rejected: check PAPERBRIEF_FEISHU_SECRET and this machine's clock",
               19022: "this machine's IP address is not on the bot's allow-list",
               19024: "the message lacks the bot's custom keyword: remove the keyword rule or use the signature",
               9499: "the bot rejected the message format", 11232: "sending too fast: raise send_interval"},
    "dingtalk": {310000: "rejected by the bot's security settings: check PAPERBRIEF_DINGTALK_SECRET, its keywords "
                         "or IP allow-list, and this machine's clock",
                 300001: "the access_token in the URL is wrong or the bot was removed",
                 130101: "sending too fast: raise send_interval", 410100: "sending too fast: raise send_interval"},
    "wecom": {93000: "the webhook key is wrong or the bot was removed", 45009: "sending too fast: raise send_interval",
              40058: "the message is too long for the bot"},
}
STATUS_HINTS = {
    400: "the service rejected the message",
    401: "the token in the URL is wrong",
    403: "the bot has no right to post there (removed, or blocked)",
    404: "the webhook URL is wrong or the webhook was deleted",
    410: "the webhook was deleted",
    413: "the message is too large for the service",
}


def _hint(kind: str, code: Any) -> str:
    return HINTS[kind].get(code, "see the message") if isinstance(code, int) else "see the message"


def _json(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None


def _snippet(body: bytes) -> str:
    text = re.sub(r"\s+", " ", body.decode("utf-8", "replace")).strip()
    return text[:160]


def check_answer(kind: str, status: int, body: bytes) -> tuple[str | None, str | None]:
    """(message id or None, None) for a message the service accepted; (None, error with its fix) otherwise."""
    data = _json(body)
    obj = data if isinstance(data, dict) else {}
    if not 200 <= status < 300:
        detail = obj.get("description") or obj.get("message") or obj.get("msg") or obj.get("errmsg") or obj.get(
            "error") or _snippet(body)
        fix = STATUS_HINTS.get(status, "the service answered with an error")
        return None, f"HTTP {status}" + (f" ({detail})" if detail else "") + f": {fix}; check the target's URL"
    if kind == "feishu":
        code = obj.get("code", obj.get("StatusCode"))
        if code != 0:
            msg = obj.get("msg") or obj.get("StatusMessage") or _snippet(body)
            return None, f"Feishu answered code {code} ({msg}): {_hint('feishu', code)}"
        return None, None
    if kind in ("dingtalk", "wecom"):
        code = obj.get("errcode")
        if code != 0:
            name = "DingTalk" if kind == "dingtalk" else "WeCom"
            msg = obj.get("errmsg") or _snippet(body)
            return None, f"{name} answered errcode {code} ({msg}): {_hint(kind, code)}"
        return None, None
    if kind == "slack":
        if isinstance(data, dict) and data.get("ok") is False:
            return None, f"Slack answered ok: false ({obj.get('error') or 'no reason'}): check the webhook URL"
        return (str(obj["ts"]) if obj.get("ts") else None), None
    if kind == "telegram":
        if obj.get("ok") is not True:
            return None, (f"Telegram answered ok: false ({obj.get('description') or _snippet(body)}): "
                          "check the bot token and chat_id")
        result = obj.get("result")
        return (str(result["message_id"]) if isinstance(result, dict) and "message_id" in result else None), None
    if kind == "discord":
        return (str(obj["id"]) if obj.get("id") else None), None
    return None, None
