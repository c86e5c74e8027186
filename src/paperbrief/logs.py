"""Where paperbrief's own log lines and crash tracebacks go (`PAPERBRIEF_HOME/logs/`).

    setup_logging(home, debug=False, secrets=settings.secrets())
    path = save_crash(exc, home, secrets)        # the full traceback of an unexpected error

- On the terminal (stderr): warnings and errors of the `paperbrief` loggers, one line each,
  never a traceback (with `--debug`: every level and the tracebacks).
- In `logs/paperbrief.log` (rotated at 1 MB, 3 kept): INFO and above, with tracebacks.
- An unexpected exception is written to `logs/crash-<time>-<pid>.log`; the CLI prints one
  line pointing at it.

Every line is scrubbed of the configured secrets before it is written anywhere. A log that
can't be written (read-only or full disk) is silently skipped: logging never fails a command.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path

from paperbrief import __version__

LOG_FILE = "paperbrief.log"
_URL = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://[^\s'\"<>]+")
_installed: list[logging.Handler] = []


def logs_dir(home: Path) -> Path:
    return Path(home) / "logs"


def _scrub(text: str, secrets: Sequence[str]) -> str:
    for secret in sorted((s for s in secrets if s and len(s) >= 4), key=len, reverse=True):
        text = text.replace(secret, "****")
    return text


def one_line(text: str, limit: int = 300) -> str:
    """`text` on one line (newlines and tabs as spaces), cut to `limit` characters."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class _TerminalFormatter(logging.Formatter):
    def __init__(self, debug: bool, secrets: Sequence[str]) -> None:
        super().__init__()
        self.debug, self.secrets = debug, list(secrets)

    def format(self, record: logging.LogRecord) -> str:
        label = "Warning" if record.levelno == logging.WARNING else record.levelname.capitalize()
        text = f"{label}: {one_line(record.getMessage(), 2000)}"
        if self.debug and record.exc_info:
            text += "\n" + "".join(traceback.format_exception(*record.exc_info)).rstrip()
        return _scrub(text, self.secrets)


class _FileFormatter(logging.Formatter):
    def __init__(self, secrets: Sequence[str]) -> None:
        super().__init__("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s")
        self.secrets = list(secrets)

    def format(self, record: logging.LogRecord) -> str:
        return _scrub(super().format(record), self.secrets)


class _Stderr(logging.StreamHandler):  # type: ignore[type-arg,unused-ignore]
    """Writes to whatever sys.stderr is at the time (a live progress display may have replaced it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)

    def handleError(self, record: logging.LogRecord) -> None:
        pass


class _QuietFile(logging.handlers.RotatingFileHandler):
    """The log file, created (with its folder) only when the first line is written."""

    def _open(self):  # type: ignore[no-untyped-def,unused-ignore]
        Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True)
        return super()._open()

    def handleError(self, record: logging.LogRecord) -> None:
        pass  # a read-only or full disk must not turn a log line into a traceback


def setup_logging(home: Path | None, *, debug: bool = False, secrets: Sequence[str] = ()) -> None:
    """Install the terminal and file handlers on the `paperbrief` logger (replacing earlier ones)."""
    logger = logging.getLogger("paperbrief")
    for handler in _installed:
        logger.removeHandler(handler)
        handler.close()
    _installed.clear()
    terminal = _Stderr()
    terminal.setLevel(logging.DEBUG if debug else logging.WARNING)
    terminal.setFormatter(_TerminalFormatter(debug, secrets))
    _installed.append(terminal)
    if home is not None:
        try:
            file = _QuietFile(logs_dir(home) / LOG_FILE, maxBytes=1_000_000, backupCount=3, encoding="utf-8",
                              delay=True)
            file.setLevel(logging.DEBUG if debug else logging.INFO)
            file.setFormatter(_FileFormatter(secrets))
            _installed.append(file)
        except (OSError, ValueError):
            pass
    for handler in _installed:
        logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if debug else logging.INFO)


def mask_urls(text: str) -> str:
    """`text` with every URL shown without password, path or query (webhook URLs carry their tokens there)."""
    from paperbrief.config import mask_url

    return _URL.sub(lambda m: mask_url(m.group(0)), text)


def save_crash(error: BaseException, home: Path | None, secrets: Sequence[str] = ()) -> Path | None:
    """Write the full traceback of `error` to logs/crash-<time>-<pid>.log; its path, or None if unwritable."""
    text = mask_urls("".join(traceback.format_exception(type(error), error, error.__traceback__)))
    command = mask_urls(" ".join(sys.argv))
    header = (
        f"paperbrief {__version__} crashed at {time.strftime('%Y-%m-%d %H:%M:%S %z')}\n"
        f"command: {command}\npython: {sys.version.split()[0]} on {sys.platform}\n\n"
    )
    body = _scrub(header + text, secrets)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    folders = [logs_dir(home)] if home is not None else []
    folders.append(Path(os.environ.get("TMPDIR") or "/tmp"))
    for folder in folders:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"crash-{stamp}-{os.getpid()}.log"
            path.write_text(body, encoding="utf-8")
            return path
        except (OSError, ValueError):
            continue
    return None
