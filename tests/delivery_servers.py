"""Local receivers for delivery tests: a webhook server that answers like each chat service, and SMTP servers
(plain, STARTTLS with login, implicit TLS) from aiosmtpd. Everything listens on 127.0.0.1."""

from __future__ import annotations

import base64
import email
import email.policy
import hashlib
import hmac
import json
import re
import shutil
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

# What each service answers when a message is accepted.
OK_ANSWERS: dict[str, Any] = {
    "feishu": {"code": 0, "msg": "success", "data": {}},
    "dingtalk": {"errcode": 0, "errmsg": "ok"},
    "wecom": {"errcode": 0, "errmsg": "ok"},
    "slack": "ok",
    "discord": None,  # built per request: the message with its id
    "telegram": None,
    "webhook": "",
}


@dataclass
class Answer:
    status: int = 200
    body: Any = None  # dict -> JSON, str -> text, None -> the service's OK answer
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Received:
    kind: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    at: float
    raw_query: str = ""

    @property
    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


class Receiver:
    """Webhook receiver: `url(kind, token)` gives a URL; answers come from `script` (per kind), else OK."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.script: dict[str, list[Answer]] = {}
        self._lock = threading.Lock()
        self._ids = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                receiver._handle(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, kind: str, token: str = "tok-0123456789abcdef") -> str:
        if kind == "telegram":
            return f"{self.base}/telegram/bot{token}/sendMessage?chat_id=-100123"
        if kind == "dingtalk":
            return f"{self.base}/dingtalk/robot/send?access_token={token}"
        if kind == "wecom":
            return f"{self.base}/wecom/cgi-bin/webhook/send?key={token}"
        return f"{self.base}/{kind}/hook/{token}"

    def then(self, kind: str, *answers: Answer) -> None:
        with self._lock:
            self.script.setdefault(kind, []).extend(answers)

    def of(self, kind: str) -> list[Received]:
        return [r for r in self.received if r.kind == kind]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        kind = parts.path.split("/")[1]
        body = h.rfile.read(int(h.headers.get("content-length") or 0))
        with self._lock:
            self.received.append(Received(kind, parts.path, parse_qs(parts.query), dict(h.headers.items()), body,
                                          time.monotonic(), parts.query))
            queue = self.script.get(kind) or []
            answer = queue.pop(0) if queue else Answer()
            self._ids += 1
            mid = self._ids
        if answer.delay:
            time.sleep(answer.delay)
        data = answer.body
        if data is None:
            data = OK_ANSWERS.get(kind)
            if kind == "discord":
                data = {"id": f"d{mid}", "content": "..."}
            elif kind == "telegram":
                data = {"ok": True, "result": {"message_id": mid}}
        raw = data.encode() if isinstance(data, str) else json.dumps(data).encode()
        try:
            h.send_response(answer.status)
            h.send_header("Content-Type", "text/plain" if isinstance(data, str) else "application/json")
            for k, v in answer.headers.items():
                h.send_header(k, v)
            h.send_header("Content-Length", str(len(raw)))
            h.end_headers()
            h.wfile.write(raw)
        except OSError:
            pass  # the client gave up (a timeout test)


# --- the documented signature recipes, written out independently of the product ----------------


def feishu_signature_ok(payload: dict, secret: str) -> bool:
    ts = payload["timestamp"]
    key = f"{ts}\n{secret}".encode()
    expected = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    return payload["sign"] == expected and abs(int(ts) - time.time()) < 3600


def dingtalk_signature_ok(query: dict[str, list[str]], raw_query: str, secret: str) -> bool:
    ts = query["timestamp"][0]
    mac = hmac.new(secret.encode(), f"{ts}\n{secret}".encode(), hashlib.sha256).digest()
    expected = base64.b64encode(mac).decode()
    # sent URL-encoded: the raw query carries the quoted form, parse_qs gives it back decoded
    sign_raw = next(p.split("=", 1)[1] for p in raw_query.split("&") if p.startswith("sign="))
    return query["sign"][0] == expected and unquote(sign_raw) == expected and abs(int(ts) / 1000 - time.time()) < 3600


# --- SMTP -----------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Mailbox:
    """An SMTP server keeping what it receives (aiosmtpd), optionally with STARTTLS + login, or implicit TLS."""

    def __init__(self, *, tls: str = "", cert: tuple[Path, Path] | None = None, users: dict[str, str] | None = None,
                 refuse: set[str] | None = None) -> None:
        import ssl

        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult

        self.messages: list[dict[str, Any]] = []
        self.logins: list[str] = []
        refuse = refuse or set()
        box = self

        class Handler:
            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
                if address in refuse:
                    return "550 5.1.1 no such user"
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, server, session, envelope):
                box.messages.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos),
                                     "data": envelope.original_content or envelope.content,
                                     "tls": server.transport.get_extra_info("ssl_object") is not None})
                return "250 Message accepted"

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = users is not None and users.get(auth_data.login.decode()) == auth_data.password.decode()
            if ok:
                box.logins.append(auth_data.login.decode())
            return AuthResult(success=ok, handled=False)  # aiosmtpd answers 235 or 535 itself

        context = None
        if cert:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(str(cert[0]), str(cert[1]))
        kwargs: dict[str, Any] = {}
        if tls == "starttls":
            kwargs.update(tls_context=context)
        elif tls == "implicit":
            kwargs.update(ssl_context=context)
        if users is not None:
            kwargs.update(authenticator=authenticator, auth_require_tls=True)
        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, **kwargs)
        if tls == "implicit":
            self._start_implicit()
        else:
            self.controller.start()

    def _start_implicit(self) -> None:
        # Controller.start() checks the server by a plain connection, which an implicit-TLS server drops.
        import contextlib

        with contextlib.suppress(Exception):
            self.controller.start()

    def parsed(self, i: int = -1) -> email.message.EmailMessage:
        return email.message_from_bytes(self.messages[i]["data"], policy=email.policy.default)  # type: ignore[return-value]

    def close(self) -> None:
        self.controller.stop()


def make_cert(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1/localhost (openssl), trusted by pointing SSL_CERT_FILE at it."""
    if shutil.which("openssl") is None:
        import pytest

        pytest.skip("openssl is not installed")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                   check=True, capture_output=True)
    return cert, key


def text_of(kind: str, payload: dict) -> str:
    """The text a chat service shows of one message (a plain webhook's JSON as text)."""
    if kind == "dingtalk":
        return payload["markdown"]["text"]
    if kind == "wecom":
        return payload["markdown"]["content"]
    if kind == "discord":
        return payload["content"]
    if kind == "telegram":
        return payload["text"]
    if kind == "slack":
        return "\n".join(b["text"]["text"] if "text" in b else b["elements"][0]["text"] for b in payload["blocks"])
    if kind == "feishu":
        rows = next(iter(payload["content"]["post"].values()))["content"]
        return "\n".join("".join(e["text"] + (f" ({e['href']})" if "href" in e else "") for e in row) for row in rows)
    return json.dumps(payload, ensure_ascii=False)


CHATS = ("feishu", "dingtalk", "wecom", "slack", "discord", "telegram")
_FULL_WIDTH = str.maketrans({"<": "＜", ">": "＞", "[": "［", "]": "］", "*": "＊", "`": "｀", "&": "＆",
                             "\\": "＼", "|": "｜", "#": "＃"})


def in_chat(kind: str, text: str) -> str:
    """`text` as each service's message must carry it (its own escaping)."""
    if kind in ("dingtalk", "wecom"):
        return text.translate(_FULL_WIDTH)
    if kind in ("slack", "telegram"):
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if kind == "discord":
        return re.sub(r"([\\*_~`|<>#\[\]])", r"\\\1", text)
    return text  # feishu: text elements are never parsed
