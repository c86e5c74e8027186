"""Delivery targets: `mailto:ADDRESS[,ADDRESS...]` and `KIND:URL` for the chat services and plain webhooks.

A target's URL is a secret (webhook URLs carry the bot's token), so a target is known to the
ledger by a hash (`Target.id`) and shown everywhere by a masked label (`Target.label`); its
secret pieces are listed so any error text can be scrubbed of them before it is printed or stored.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from paperbrief.config import TARGET_KINDS, Settings, mask_target, mask_url

CHAT_KINDS = tuple(k for k in TARGET_KINDS if k != "mailto")
SIGNED_KINDS = {"feishu": "PAPERBRIEF_FEISHU_SECRET", "dingtalk": "PAPERBRIEF_DINGTALK_SECRET"}
_ADDRESS = re.compile(r"[^@\s,;<>\"()\[\]]+@[^@\s,;<>\"()\[\]]+")

EXAMPLES = {
    "mailto": "mailto:you@example.com,team@example.com",
    "feishu": "feishu:https://open.feishu.cn/open-apis/bot/v2/hook/<token>",
    "dingtalk": "dingtalk:https://oapi.dingtalk.com/robot/send?access_token=<token>",
    "wecom": "wecom:https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=<key>",
    "slack": "slack:https://hooks.slack.com/services/<T>/<B>/<token>",
    "discord": "discord:https://discord.com/api/webhooks/<id>/<token>",
    "telegram": "telegram:https://api.telegram.org/bot<token>/sendMessage?chat_id=<chat id>",
    "webhook": "webhook:https://example.com/paperbrief-hook",
}


class BadTarget(ValueError):
    """A target that cannot be used as written; the message masks its secrets and shows the right form."""


@dataclass(frozen=True)
class Target:
    kind: str  # one of TARGET_KINDS
    address: str  # the webhook URL, or one e-mail address

    @property
    def id(self) -> str:
        """The ledger's key: the address for e-mail, a hash of the URL for webhooks (never the URL)."""
        if self.kind == "mailto":
            return f"mailto:{self.address.lower()}"
        return f"{self.kind}:{hashlib.sha256(self.address.encode('utf-8')).hexdigest()}"

    @property
    def label(self) -> str:
        """How the target is shown: the URL's scheme and host, then a short fingerprint to tell targets apart."""
        if self.kind == "mailto":
            return f"mailto:{self.address}"
        return f"{self.kind}:{mask_url(self.address)} ({self.id.split(':', 1)[1][:6]})"

    @property
    def secrets(self) -> list[str]:
        """Pieces of the address that must never be printed or stored: the URL, its path parts and query values."""
        if self.kind == "mailto":
            return []
        parts = urlsplit(self.address)
        pieces = [p for p in parts.path.split("/") if p] + [v for vs in parse_qs(parts.query).values() for v in vs]
        # tokens, keys and ids look like tokens; words such as "webhook" or "sendMessage" are not secrets
        tokens = [p for p in pieces if len(p) >= 20 or (len(p) >= 6 and any(c.isdigit() for c in p))]
        return sorted({self.address, parts.path + ("?" + parts.query if parts.query else ""), *tokens},
                      key=len, reverse=True)


def parse_target(text: str) -> list[Target]:
    """The targets one `--to` value names (a mailto with several addresses gives one per address)."""
    text = text.strip()
    kind, sep, rest = text.partition(":")
    kind = kind.lower()
    shown = mask_target(text)
    if not sep or kind not in TARGET_KINDS:
        raise BadTarget(
            f"unknown target {shown!r}: write mailto:ADDRESS or KIND:URL with KIND one of {', '.join(CHAT_KINDS)}"
        )
    if kind == "mailto":
        addresses = [a.strip() for a in rest.split(",") if a.strip()]
        if not addresses:
            raise BadTarget(f"no address in {shown!r}: write {EXAMPLES['mailto']}")
        for a in addresses:
            if not _ADDRESS.fullmatch(a):
                raise BadTarget(f"{a!r} in {shown!r} is not an e-mail address: write {EXAMPLES['mailto']}")
        return [Target("mailto", a) for a in addresses]
    url = rest.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in url):
        raise BadTarget(f"{shown!r} needs the full http(s) webhook URL the service gives: {EXAMPLES[kind]}")
    if "secret=" in parts.fragment:
        env = SIGNED_KINDS.get(kind, "the service's secret setting")
        raise BadTarget(f"{shown!r}: the signing secret does not go in the URL; set {env} instead")
    if parts.fragment:
        raise BadTarget(f"{shown!r}: a webhook URL has no #fragment; write {EXAMPLES[kind]}")
    if kind == "telegram" and (not parts.path.endswith("/sendMessage") or "chat_id" not in parse_qs(parts.query)):
        raise BadTarget(f"{shown!r}: Telegram needs the bot's sendMessage URL with chat_id: {EXAMPLES['telegram']}")
    return [Target(kind, url)]


def parse_targets(texts: list[str]) -> list[Target]:
    """Every target of several `--to` values, in order, each once."""
    seen: dict[str, Target] = {}
    for text in texts:
        for target in parse_target(text):
            seen.setdefault(target.id, target)
    return list(seen.values())


def settings_problem(settings: Settings, targets: list[Target]) -> str | None:
    """What is missing in the settings to reach these targets (SMTP for e-mail), or None."""
    if any(t.kind == "mailto" for t in targets):
        missing = [env for env, value in (("PAPERBRIEF_SMTP_URL", settings.smtp), ("PAPERBRIEF_SMTP_FROM",
                                                                              settings.smtp_from)) if not value]
        if missing:
            return (
                f"e-mail needs {' and '.join(missing)} (or smtp_url / smtp_from in {settings.config_file}), "
                "e.g. PAPERBRIEF_SMTP_URL=smtps://me%40example.com:app-password@smtp.example.com:465 "
                "PAPERBRIEF_SMTP_FROM=me@example.com"
            )
    return None
