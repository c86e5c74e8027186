"""`paperbrief demo`: one whole day, offline, against the local replicas, in one folder.

The demo never reads the user's configuration (neither the config file nor the environment)
and never writes to the user's folders: its settings are built here from nothing, every base
URL points at a `Replica` on 127.0.0.1 started in this process, PAPERBRIEF_HOME is inside the
demo folder, and arXiv is asked without delay. So a demo can never send a paper to the user's
real (paid) endpoint. The day is the replica's committed listing of `DEMO_DATE`.

A demo folder (`--out`, else a new temporary folder, kept so the site can be served):

    reports/<date>.md, <date>.json   the day's report (<date>.en.* with --lang en)
    site/                            the static website
    home/                            PAPERBRIEF_HOME: the store (paperbrief.db) and the download cache
    .paperbrief-demo                 marks the folder as a demo's, so a second demo may reuse it
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from paperbrief.config import DEFAULT_PRICES, Settings

DEMO_DATE = "2026-02-08"
MARKER = ".paperbrief-demo"
DEMO_API_KEY = "replica-demo-key"  # the replica accepts any key; this one is not a secret


class DemoError(Exception):
    """The demo cannot use the folder it was given."""


@dataclass(frozen=True)
class DemoFolder:
    root: Path

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def site(self) -> Path:
        return self.root / "site"


def prepare_folder(out: Path | None) -> DemoFolder:
    """The demo's folder: `out` (new, empty or a previous demo's) or a new temporary folder."""
    if out is None:
        root = Path(tempfile.mkdtemp(prefix="paperbrief-demo-"))
    else:
        root = out.expanduser().absolute()
        if root.exists() and not root.is_dir():
            raise DemoError(f"{root} is a file; give a new or empty folder for the demo")
        if root.is_dir() and any(root.iterdir()) and not (root / MARKER).exists():
            raise DemoError(f"{root} is not empty and was not made by `paperbrief demo`; give a new or empty folder")
    try:
        root.mkdir(parents=True, exist_ok=True)
        (root / MARKER).write_text("Made by `paperbrief demo`; safe to delete.\n", encoding="utf-8")
    except OSError as e:
        raise DemoError(f"cannot write to {root} ({e.strerror or e}); choose a writable folder with --out") from None
    return DemoFolder(root)


def demo_settings(folder: DemoFolder, replica_url: str, lang: str) -> Settings:
    """Settings for a demo run: defaults and the replica only; no config file, no environment."""
    from paperbrief.replica.llm import DEFAULT_MODEL

    return Settings.model_validate({
        "hf_endpoint": replica_url,
        "arxiv_url": replica_url,
        "arxiv_export_url": replica_url + "/api/query",
        "arxiv_delay": 0,
        "openai_base_url": replica_url + "/v1",
        "openai_api_key": DEMO_API_KEY,
        "model": DEFAULT_MODEL,
        "prices": {**DEFAULT_PRICES, DEFAULT_MODEL: (0.0, 0.0)},  # the stand-in costs nothing
        "lang": lang,
        "home": folder.home,
        "out": folder.reports,
    })


def bypass_proxies_for_loopback() -> None:
    """Talk to the replica directly even when the environment names an HTTP proxy (this process only)."""
    for var in ("NO_PROXY", "no_proxy"):
        hosts = [h for h in os.environ.get(var, "").split(",") if h.strip()]
        os.environ[var] = ",".join([*hosts, *(h for h in ("127.0.0.1", "localhost") if h not in hosts)])
