"""E-mail: the day's full report, or a week's or month's digest, as one message per address, sent with the
standard library.

The message is multipart/alternative: the day's (or digest's) Markdown as the plain-text part and an
HTML part rendered with the website's own safe text rendering (`render.site.safe.rich_text` /
`safe_url`), with inline styles only, no scripts and no remote images (templates `email.html` for a
day, `email_brief.html` for a digest, both inside `email_base.html`). Headers are encoded for any language
(RFC 2047 for a Chinese subject). SMTP comes from `smtp_url`: `smtps://` is TLS from the start;
`smtp://` upgrades with STARTTLS whenever the server offers it, and refuses to send a password
in the clear to anything but this machine.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import smtplib
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, make_msgid, parseaddr
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import unquote, urlsplit

from jinja2 import Environment, FunctionLoader, Template, select_autoescape

from paperbrief.config import Settings
from paperbrief.deliver.brief import Brief, text
from paperbrief.messages import FIELDS, describe_failed, describe_kept, describe_notes, field_name, msg
from paperbrief.render.day import Day, source_label
from paperbrief.render.markdown import extract_note, number_notes
from paperbrief.render.site.safe import rich_text, safe_url

AUTHORS_SHOWN = 8


class MailError(Exception):
    """An SMTP problem, phrased with its fix; never contains the password."""


@cache
def _template(name: str) -> Template:
    def load(file: str) -> str:
        return resources.files("paperbrief.deliver").joinpath(file).read_text(encoding="utf-8")

    env = Environment(loader=FunctionLoader(load), autoescape=select_autoescape(default=True,
                      default_for_string=True), trim_blocks=True, lstrip_blocks=True)
    env.filters["rich"] = rich_text
    return env.get_template(name)


def _render(name: str, brief: Brief, **values: Any) -> str:
    """An e-mail's HTML: the brief's heading, summary and links, then `name`'s content, then the footer."""
    lang = brief.lang
    return _template(name).render(
        html_lang="zh-CN" if lang == "zh" else "en", subject=brief.subject, heading=brief.heading,
        summary=brief.summary, links=brief.links, footer=text(lang, "email_footer"), **values,
    )


def email_html(day: Day, brief: Brief) -> str:
    """The day's full report as an e-mail's HTML: the website's safe rendering, inline styles only."""
    lang = day.lang
    papers = []
    for item, e in zip(brief.items, day.entries, strict=True):
        w = e.written
        authors = ", ".join(e.paper.authors[:AUTHORS_SHOWN])
        if len(e.paper.authors) > AUTHORS_SHOWN:
            authors += (" " if lang == "en" else "") + text(lang, "email_authors_more", n=len(e.paper.authors))
        aid = e.paper.arxiv_id
        links = [(text(lang, "link_abs"), f"https://arxiv.org/abs/{aid}"), (text(lang, "link_hf"), item.url),
                 (text(lang, "link_pdf"), f"https://arxiv.org/pdf/{aid}")]
        for key, url in (("link_code", safe_url(e.paper.github_repo)), ("link_project", safe_url(e.paper.project_page))):
            if url:
                links.append((text(lang, key), url))
        warnings = ["⚠ " + note for note in number_notes(w, lang)] + describe_notes(w, lang)
        papers.append({
            "n": item.n,
            "anchor": re.sub(r"[^A-Za-z0-9.-]", "-", aid),
            "title": e.paper.title,
            "url": item.url,
            "authors": authors,
            "links": links,
            "source": source_label(e, lang),
            "note": extract_note(w, lang).removeprefix("> ") if w.writer == "extractive" and w.report else "",
            "report": w.report,
            "failure": describe_failed(w, lang) if w.report is None else "",
            "kept": describe_kept(w, e.failed_attempt, lang),
            "warnings": warnings,
        })
    return _render("email.html", brief, papers=papers, h=[field_name(f, lang) for f in FIELDS],
                   colon=msg("colon", lang), read_from=text(lang, "email_read_from"),
                   grounding=text(lang, "email_grounding"))


def brief_html(brief: Brief) -> str:
    """A brief (a week's or a month's digest) as an e-mail's HTML: every entry, safe text, inline styles only."""
    return _render("email_brief.html", brief, items=brief.items)


def build_email(brief: Brief, plain: str, *, sender: str, to: str, html: str) -> EmailMessage:
    """One message to one address: text (the day's or the digest's Markdown) and HTML alternatives."""
    msg = EmailMessage(policy=SMTP)
    msg["Subject"] = brief.subject
    name, addr = parseaddr(sender)
    msg["From"] = Address(display_name=name, addr_spec=addr) if name else addr
    msg["To"] = to
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = make_msgid("paperbrief", domain=addr.rpartition("@")[2] or None)
    msg["Content-Language"] = "zh-CN" if brief.lang == "zh" else "en"
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(plain, charset="utf-8")
    msg.add_alternative(html, subtype="html", charset="utf-8")
    return msg


def _is_local(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Mailer:
    """One SMTP session for a send, opened on the first message."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        url = urlsplit(settings.smtp)
        self.implicit_tls = url.scheme == "smtps"
        self.host = url.hostname or ""
        self.port = url.port or (465 if self.implicit_tls else 25)
        self.user = unquote(url.username or "")
        self.password = unquote(url.password or "")
        self.where = f"{url.scheme}://{self.host}:{self.port}"
        self.sender = parseaddr(settings.smtp_from or "")[1]
        self._conn: smtplib.SMTP | None = None
        self._broken: MailError | None = None
        self._talking: smtplib.SMTP | None = None  # the session a deadline may cut
        self._expired = False

    @contextlib.contextmanager
    def _deadline(self) -> Iterator[None]:
        """Bound one exchange (connect and login, or one message) by `http_deadline` in total: a server
        that drips its replies a line at a time never trips the per-read timeout, so it is cut off."""
        def cut() -> None:
            self._expired = True
            sock = getattr(self._talking, "sock", None)
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

        self._expired = False
        timer = threading.Timer(self.settings.http_deadline, cut)
        timer.daemon = True
        timer.start()
        try:
            yield
        finally:
            timer.cancel()

    def _seen(self, conn: Any) -> None:
        """A session's socket exists (before the greeting is read): from now on the deadline can cut it."""
        self._talking = conn

    def _too_slow(self) -> MailError:
        return MailError(f"the SMTP server {self.where} took longer than {self.settings.http_deadline:g} s (it "
                         "answers too slowly or without end); the next send retries")

    def _connect(self) -> smtplib.SMTP:
        timeout = self.settings.http_timeout
        context = ssl.create_default_context()
        try:
            conn: smtplib.SMTP
            if self.implicit_tls:
                conn = _TlsSession(self._seen, self.host, self.port, timeout=timeout, context=context)
            else:
                conn = _Session(self._seen, self.host, self.port, timeout=timeout)
            conn.ehlo()
            if not self.implicit_tls and conn.has_extn("starttls"):
                conn.starttls(context=context)
                conn.ehlo()
            encrypted = self.implicit_tls or isinstance(conn.sock, ssl.SSLSocket)
            if self.user:
                if not encrypted and not _is_local(self.host):
                    conn.close()
                    raise MailError(f"the SMTP server {self.where} offers no STARTTLS, so the password would travel "
                                    "unencrypted: use smtps:// (port 465) or a server that offers STARTTLS")
                conn.login(self.user, self.password)
            return conn
        except smtplib.SMTPAuthenticationError as e:
            raise MailError(f"the SMTP server {self.where} refused the login ({_reply(e)}): check the user and "
                            "password in PAPERBRIEF_SMTP_URL (many providers want an app password)") from None
        except ssl.SSLError as e:
            raise MailError(f"TLS with {self.where} failed ({e.reason or e}): use smtps:// for port 465 and "
                            "smtp:// (STARTTLS) for port 587") from None
        except (OSError, smtplib.SMTPException) as e:
            if self._expired:
                raise self._too_slow() from None
            raise MailError(f"cannot talk to the SMTP server {self.where} ({_describe(e)}): check the host and port "
                            "in PAPERBRIEF_SMTP_URL; the next send retries") from None

    def send(self, msg: EmailMessage, to: str) -> str:
        """Send one message; returns its Message-ID. Raises MailError with the fix."""
        if self._broken is not None:
            raise self._broken
        if self._conn is None:
            try:
                with self._deadline():
                    self._conn = self._connect()
            except MailError as e:
                self._broken = e
                raise
        try:
            self._talking = self._conn
            with self._deadline():
                self._conn.send_message(msg, from_addr=self.sender, to_addrs=[to])
        except smtplib.SMTPRecipientsRefused as e:
            reply = "; ".join(f"{code} {_text(resp)}" for code, resp in e.recipients.values())
            raise MailError(f"the SMTP server refused the address {to} ({reply}): check it") from None
        except smtplib.SMTPSenderRefused as e:
            raise MailError(f"the SMTP server refused the sender {self.sender} ({e.smtp_code} {_text(e.smtp_error)}): "
                            "check PAPERBRIEF_SMTP_FROM (it must be an address the account may send from)") from None
        except (OSError, smtplib.SMTPException) as e:
            self.close()
            if self._expired:
                raise self._too_slow() from None
            raise MailError(f"the SMTP server {self.where} failed while sending ({_describe(e)}); "
                            "the next send retries") from None
        return str(msg["Message-ID"])

    def close(self) -> None:
        if self._conn is not None:
            self._talking = self._conn
            try:
                with self._deadline():
                    self._conn.quit()
            except (OSError, smtplib.SMTPException):
                self._conn.close()
            self._conn = None


class _ReportsSocket:
    """Mixed into smtplib's sessions: the socket is reported as soon as it is connected (before the greeting
    is read), so a deadline can cut even a server that drips its greeting."""

    sock: socket.socket | None

    def __init__(self, seen: Callable[[Any], None], *args: Any, **kw: Any) -> None:
        self._seen = seen
        super().__init__(*args, **kw)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        sock: socket.socket = super()._get_socket(host, port, timeout)  # type: ignore[misc]
        self.sock = sock
        self._seen(self)
        return sock


class _Session(_ReportsSocket, smtplib.SMTP):
    pass


class _TlsSession(_ReportsSocket, smtplib.SMTP_SSL):
    pass


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _reply(e: smtplib.SMTPResponseException) -> str:
    return f"{e.smtp_code} {_text(e.smtp_error)}".strip()


def _describe(e: BaseException) -> str:
    if isinstance(e, smtplib.SMTPResponseException):
        return _reply(e)
    if isinstance(e, (socket.timeout, TimeoutError)):
        return "no answer in time"
    if isinstance(e, ConnectionRefusedError):
        return "connection refused"
    if isinstance(e, socket.gaierror):
        return "unknown host"
    return f"{type(e).__name__}: {e}"
