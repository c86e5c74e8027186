"""One resolver for configuration and secrets.

Order, lowest to highest: built-in defaults < the TOML file < environment
variables < command-line flags. The TOML file is `PAPERBRIEF_CONFIG`, else
`<user config dir>/paperbrief/config.toml` (absent is fine). Unknown keys and
bad values raise ConfigError naming the key and where it came from.

Every number is finite and within a sane range (`inf`, `nan` and `1e400` are refused before
they reach a request), every string is free of control characters, and secrets (the API key
and a password inside OPENAI_BASE_URL) are shown masked: `masked()`, `endpoint_shown`,
`scrub_secrets()`; at most 4 characters of a key are ever shown.
"""

from __future__ import annotations

import ipaddress
import math
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, SecretStr, ValidationError, field_validator

from paperbrief.langs import Lang


class ConfigError(Exception):
    """A configuration problem, phrased as a one-line message for the user."""


# Prices in USD per million tokens: (input, output) or (input, output, cached input), the last for
# prompt tokens the endpoint serves from its prefix cache (counted at the input price when not
# given); overridable with [prices] in the TOML.
Price = tuple[float, float] | tuple[float, float, float]
DEFAULT_PRICES: dict[str, Price] = {
    "gpt-4o-mini": (0.15, 0.60, 0.075),
    "gpt-4o": (2.50, 10.00, 1.25),
    "gpt-4.1-mini": (0.40, 1.60, 0.10),
    "gpt-4.1": (2.00, 8.00, 0.50),
    "deepseek-chat": (0.27, 1.10, 0.07),
    "deepseek-reasoner": (0.55, 2.19, 0.14),
    "qwen-plus": (0.40, 1.20),
    "qwen-max": (1.60, 6.40),
    "moonshot-v1-32k": (1.70, 1.70),
    "kimi-k2": (0.60, 2.50),
    "glm-4-plus": (0.70, 0.70),
    "glm-4-flash": (0.0, 0.0),
    # embedding models (embedding_model): input tokens only
    "text-embedding-3-small": (0.02, 0.0),
    "text-embedding-3-large": (0.13, 0.0),
    "text-embedding-ada-002": (0.10, 0.0),
}


SortOrder = Literal["listing", "upvotes", "relevance"]


class Interests(BaseModel):
    """The reader's interests (`[interests]` in the TOML): what makes a paper relevant.

    `keywords` are phrases in Chinese or English; `authors` are names; `exclude` are phrases
    that push a paper down; `papers` are arXiv ids and/or paths of a BibTeX file or a Zotero
    CSV/BibTeX export (the reader's library).
    """

    model_config = ConfigDict(extra="forbid")

    keywords: list[str] = Field(default_factory=list)
    authors: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    papers: list[str] = Field(default_factory=list)

    @field_validator("keywords", "authors", "exclude", "papers", mode="before")
    @classmethod
    def _list(cls, value: Any) -> Any:
        if isinstance(value, str):  # environment variables and single flags: comma-separated
            value = split_list(value)
        if isinstance(value, list):
            return [v.strip() if isinstance(v, str) else v for v in value if not (isinstance(v, str) and not v.strip())]
        return value

    @property
    def configured(self) -> bool:
        """True when any interest is set (ranking by relevance is possible)."""
        return bool(self.keywords or self.authors or self.exclude or self.papers)


def split_list(value: str) -> list[str]:
    """A comma-separated list (ASCII, full-width or ideographic commas, or semicolons), items stripped."""
    return [part.strip() for part in re.split(r"[,，、;；]", value) if part.strip()]


class Settings(BaseModel):
    """Every setting paperbrief has. Field names are the TOML keys."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)
    _config_file: Path | None = PrivateAttr(default=None)  # the TOML file these settings were read with

    # sources and readers
    hf_endpoint: str = "https://huggingface.co"
    arxiv_url: str = "https://arxiv.org"
    arxiv_export_url: str = "https://export.arxiv.org/api/query"
    # Every number has an upper bound and must be finite (allow_inf_nan=False): inf or 1e400 from a
    # file or the environment would pass `gt=0` and then break every request.
    arxiv_delay: float = Field(3.0, ge=0, le=600, allow_inf_nan=False)  # arXiv asks for 3 s between requests
    http_timeout: float = Field(30.0, gt=0, le=3600, allow_inf_nan=False)  # per connect/read/write
    http_deadline: float = Field(300.0, gt=0, le=86400, allow_inf_nan=False)  # one download attempt, in total
    http_retries: int = Field(4, ge=0, le=20)
    max_download_mb: float = Field(50.0, gt=0, le=10000, allow_inf_nan=False)
    contact: str = Field("https://github.com/paperbrief/paperbrief", max_length=500)
    home: Path = Field(default_factory=lambda: Path(platformdirs.user_data_dir("paperbrief")))

    # writer
    openai_base_url: str | None = None
    openai_api_key: SecretStr | None = None
    model: str = Field("gpt-4o-mini", max_length=200)
    lang: Lang = "zh"
    token_budget: int = Field(24000, ge=1000, le=10_000_000)  # context tokens; fits a 32k model with room to answer
    max_output_tokens: int = Field(4096, ge=256, le=1_000_000)
    llm_timeout: float = Field(180.0, gt=0, le=86400, allow_inf_nan=False)  # one answer, in total
    llm_retries: int = Field(3, ge=0, le=20)
    temperature: float = Field(0.2, ge=0, le=2, allow_inf_nan=False)

    # daily run
    jobs: int = Field(4, ge=1, le=64)
    out: Path = Path("reports")
    prices: dict[str, Price] = Field(default_factory=lambda: dict(DEFAULT_PRICES))

    # interests, ranking and digests
    interests: Interests = Field(default_factory=Interests)
    sort: SortOrder = "listing"
    embedding_model: str | None = None  # served at <openai_base_url>/embeddings; unset: lexical similarity

    # delivery (paperbrief send, run --send)
    send_to: list[SecretStr] = Field(default_factory=list)  # targets; webhook URLs carry tokens
    smtp_url: SecretStr | None = None  # smtp://user:pass@host:port or smtps://...
    smtp_from: str | None = None
    feishu_secret: SecretStr | None = None
    dingtalk_secret: SecretStr | None = None
    site_url: str | None = None  # where the website is published, for links to the full report
    send_interval: float | None = Field(None, ge=0, le=600)  # seconds between messages; None = each service's limit

    @field_validator("hf_endpoint", "arxiv_url", "arxiv_export_url", "openai_base_url", "site_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        _no_controls(value)
        try:
            parts = urlsplit(value)
            parts.port  # noqa: B018  (raises ValueError for a port that is not a number)
        except ValueError:
            raise ValueError("must be an http:// or https:// URL, e.g. https://huggingface.co") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http:// or https:// URL, e.g. https://huggingface.co")
        return value.rstrip("/") if parts.path in ("", "/") else value

    @field_validator("send_to", mode="before")
    @classmethod
    def _targets(cls, value: Any) -> Any:
        """`PAPERBRIEF_SEND_TO` is one comma-separated string; the TOML key a list of strings."""
        if isinstance(value, str):
            return split_targets(value)
        return value

    @field_validator("smtp_url")
    @classmethod
    def _smtp_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        parts = urlsplit(value.get_secret_value())
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("must be smtp://user:password@host:port (STARTTLS when offered) or smtps://... "
                             "(TLS from the start), e.g. smtps://me%40example.com:app-password@smtp.example.com:465")
        try:
            parts.port  # noqa: B018  (raises on a bad port)
        except ValueError:
            raise ValueError("has a bad port; write smtp://host:587 or smtps://host:465") from None
        return value

    @field_validator("smtp_from")
    @classmethod
    def _smtp_from(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if "@" not in value or "\n" in value or "\r" in value:
            raise ValueError("must be an e-mail address, e.g. paperbrief@example.com or 'Paper Brief <pb@example.com>'")
        return value.strip()

    @field_validator("model", "contact")
    @classmethod
    def _plain_text(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must not be empty")
        return _no_controls(value)

    @field_validator("embedding_model")
    @classmethod
    def _optional_text(cls, value: str | None) -> str | None:
        return None if value is None else cls._plain_text(value)

    @field_validator("openai_api_key")
    @classmethod
    def _key_text(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        key = value.get_secret_value().strip()  # a trailing newline from a .env file is a common slip
        if not key or any(ch.isspace() or ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in key) or not key.isascii():
            raise ValueError("must be one word of printable ASCII (no spaces, newlines or control characters)")
        return SecretStr(key)

    @field_validator("home", "out", mode="before")
    @classmethod
    def _path_text(cls, value: Any) -> Any:
        if isinstance(value, (str, Path)):
            text = str(value)
            if not text.strip():
                raise ValueError("must not be empty")
            _no_controls(text)
        return value

    @field_validator("prices")
    @classmethod
    def _price_values(cls, value: dict[str, Price]) -> dict[str, Price]:
        for name, pair in value.items():
            if not all(math.isfinite(x) and 0 <= x <= 100_000 for x in pair):
                raise ValueError(f"prices.{name} must be numbers from 0 to 100000 (USD per million tokens)")
        return value

    @property
    def llm_configured(self) -> bool:
        """True when an LLM endpoint is set; otherwise the extractive writer is used."""
        return bool(self.openai_base_url) or self.openai_api_key is not None

    def key_problem(self) -> str | None:
        """Why the LLM endpoint can't be used as configured (a hosted endpoint without a key), or None.

        Local servers (Ollama, vLLM, llama.cpp on localhost or a private address) need no key.
        """
        if not self.openai_base_url or self.api_key:
            return None
        host = (urlsplit(self.openai_base_url).hostname or "").lower()
        if host in ("localhost", "host.docker.internal") or host.endswith((".local", ".lan", ".internal")):
            return None
        try:
            if ipaddress.ip_address(host).is_private or ipaddress.ip_address(host).is_loopback:
                return None
        except ValueError:
            pass
        return (
            f"no API key for the LLM endpoint {self.endpoint_shown}: set OPENAI_API_KEY in the environment, "
            f"or openai_api_key in {self.config_file}; or unset OPENAI_BASE_URL to write extracts without an LLM"
        )

    @property
    def config_file(self) -> Path:
        return self._config_file or config_path()

    @property
    def api_key(self) -> str:
        return self.openai_api_key.get_secret_value() if self.openai_api_key else ""

    @property
    def db_path(self) -> Path:
        return self.home / "paperbrief.db"

    @property
    def cache_dir(self) -> Path:
        return self.home / "cache"

    def price(self, model: str) -> Price | None:
        return self.prices.get(model)

    @property
    def smtp(self) -> str:
        return self.smtp_url.get_secret_value() if self.smtp_url else ""

    def secret_of(self, name: str) -> str:
        """The value of a secret setting (feishu_secret, dingtalk_secret, ...), '' when unset."""
        value = getattr(self, name)
        return value.get_secret_value() if isinstance(value, SecretStr) else ""

    @property
    def targets(self) -> list[str]:
        """The configured delivery targets (`send_to`), as written."""
        return [t.get_secret_value() for t in self.send_to]

    def masked(self) -> dict[str, Any]:
        """The effective settings with every secret masked, for `paperbrief config`."""
        data = self.model_dump(mode="json")
        key = self.api_key
        data["openai_api_key"] = mask_secret(key) if key else None
        if self.openai_base_url:
            data["openai_base_url"] = mask_url(self.openai_base_url, keep_path=True)
        data["smtp_url"] = mask_url(self.smtp) if self.smtp else None
        for name in ("feishu_secret", "dingtalk_secret"):
            data[name] = "****" if self.secret_of(name) else None
        data["send_to"] = [mask_target(t) for t in self.targets]
        return data

    @property
    def endpoint_shown(self) -> str:
        """The LLM endpoint as it may be printed or stored: a password in it masked."""
        return mask_url(self.openai_base_url, keep_path=True) if self.openai_base_url else "https://api.openai.com/v1"

    def secrets(self) -> list[str]:
        """Every secret value these settings hold: the API key, passwords inside OPENAI_BASE_URL and the
        SMTP URL, the chat signing secrets, and the tokens of webhook targets (their whole URLs)."""
        found = [self.api_key, self.secret_of("feishu_secret"), self.secret_of("dingtalk_secret")]
        for url in (self.openai_base_url or "", self.smtp):
            try:
                password = urlsplit(url).password if url else None
            except ValueError:
                password = None
            if password:
                found.append(password)
        for target in self.targets:
            kind, _, rest = target.partition(":")
            if kind.lower() != "mailto" and "://" in rest:
                found.append(rest.strip())
        return [s for s in found if s]

    def scrub_secrets(self, text: str) -> str:
        """`text` with every secret of these settings replaced by ****."""
        for secret in sorted(self.secrets(), key=len, reverse=True):
            if len(secret) >= 4:
                text = text.replace(secret, "****")
        return text


def mask_secret(value: str) -> str:
    """A secret as it may be shown: "****" and at most its last 4 characters (none for a short one)."""
    if len(value) < 20:
        return "****"
    return "****" + value[-4:]


def _no_controls(value: str) -> str:
    from paperbrief.text import has_controls

    if has_controls(value):
        raise ValueError("must not contain control characters (newlines, tabs, NUL, escapes)")
    return value


def mask_url(url: str, *, keep_path: bool = False) -> str:
    """A URL with its password, path and query hidden: `smtp://me:****@host:465`, `https://host/…`
    (`keep_path`: the path stays, as for an LLM endpoint's `/v1`)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "****"
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host + (f":{port}" if port else "")
    if parts.username is not None:
        netloc = parts.username + (":****" if parts.password is not None else "") + "@" + netloc
    rest = "/…" if parts.path.strip("/") or parts.query or parts.fragment else ""
    if keep_path:
        rest = parts.path + ("?…" if parts.query else "")
    return f"{parts.scheme}://{netloc}{rest}"


def mask_target(target: str) -> str:
    """A delivery target for display: `mailto:` addresses as they are, webhook URLs without their tokens."""
    kind, sep, rest = target.partition(":")
    if not sep or kind.lower() == "mailto" or "://" not in rest:
        return target
    return f"{kind}:{mask_url(rest.strip())}"


TARGET_KINDS = ("mailto", "feishu", "dingtalk", "wecom", "slack", "discord", "telegram", "webhook")


def split_targets(text: str) -> list[str]:
    """Split `PAPERBRIEF_SEND_TO`: comma-separated targets, where a piece that does not start with a
    target kind continues the one before (`mailto:a@x.com,b@y.com` is one target with two addresses)."""
    out: list[str] = []
    for piece in text.split(","):
        piece = piece.strip()
        if not piece:
            continue
        kind = piece.partition(":")[0].lower()
        if out and (kind not in TARGET_KINDS or ":" not in piece):
            out[-1] += "," + piece
        else:
            out.append(piece)
    return out


# Environment variables and the setting each one sets.
ENV_VARS: dict[str, str] = {
    "HF_ENDPOINT": "hf_endpoint",
    "PAPERBRIEF_ARXIV_URL": "arxiv_url",
    "PAPERBRIEF_ARXIV_EXPORT_URL": "arxiv_export_url",
    "PAPERBRIEF_ARXIV_DELAY": "arxiv_delay",
    "PAPERBRIEF_HTTP_TIMEOUT": "http_timeout",
    "PAPERBRIEF_HTTP_DEADLINE": "http_deadline",
    "PAPERBRIEF_HOME": "home",
    "PAPERBRIEF_CONTACT": "contact",
    "OPENAI_BASE_URL": "openai_base_url",
    "OPENAI_API_KEY": "openai_api_key",
    "PAPERBRIEF_MODEL": "model",
    "PAPERBRIEF_LANG": "lang",
    "PAPERBRIEF_TOKEN_BUDGET": "token_budget",
    "PAPERBRIEF_LLM_TIMEOUT": "llm_timeout",
    "PAPERBRIEF_JOBS": "jobs",
    "PAPERBRIEF_OUT": "out",
    "PAPERBRIEF_SORT": "sort",
    "PAPERBRIEF_EMBEDDING_MODEL": "embedding_model",
    # `[interests]` keys: comma-separated lists, each replacing the file's list
    "PAPERBRIEF_INTEREST_KEYWORDS": "interests.keywords",
    "PAPERBRIEF_INTEREST_AUTHORS": "interests.authors",
    "PAPERBRIEF_INTEREST_EXCLUDE": "interests.exclude",
    "PAPERBRIEF_INTEREST_PAPERS": "interests.papers",
    "PAPERBRIEF_HTTP_RETRIES": "http_retries",
    "PAPERBRIEF_SEND_TO": "send_to",
    "PAPERBRIEF_SMTP_URL": "smtp_url",
    "PAPERBRIEF_SMTP_FROM": "smtp_from",
    "PAPERBRIEF_FEISHU_SECRET": "feishu_secret",
    "PAPERBRIEF_DINGTALK_SECRET": "dingtalk_secret",
    "PAPERBRIEF_SITE_URL": "site_url",
    "PAPERBRIEF_SEND_INTERVAL": "send_interval",
}

SECRET_KEYS = frozenset({"openai_api_key", "smtp_url", "feishu_secret", "dingtalk_secret", "send_to"})


def config_path(env: Mapping[str, str] | None = None) -> Path:
    source: Mapping[str, str] = os.environ if env is None else env
    if source.get("PAPERBRIEF_CONFIG"):
        return Path(source["PAPERBRIEF_CONFIG"]).expanduser()
    return Path(platformdirs.user_config_dir("paperbrief")) / "config.toml"


def _read_toml(path: Path, required: bool) -> dict[str, Any]:
    if not path.exists():
        if required:
            raise ConfigError(f"config file {path} does not exist; create it or unset PAPERBRIEF_CONFIG")
        return {}
    if path.is_dir():
        raise ConfigError(f"config file {path} is a directory, not a file; point PAPERBRIEF_CONFIG at a .toml file")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as e:
        raise ConfigError(
            f"config file {path} is not UTF-8 text (byte {e.object[e.start]:#04x} at offset {e.start}); "
            "save it as UTF-8"
        ) from None
    except OSError as e:
        raise ConfigError(f"cannot read config file {path} ({e.strerror or e}); check its permissions") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"config file {path} is not valid TOML ({e}); fix the file") from None
    # Allow both flat keys and a [paperbrief] table.
    if "paperbrief" in data and isinstance(data["paperbrief"], dict):
        data = {**{k: v for k, v in data.items() if k != "paperbrief"}, **data["paperbrief"]}
    if "prices" in data:
        prices = data["prices"]
        if not isinstance(prices, dict):
            raise ConfigError(f"config file {path}: 'prices' must be a table of model = [input, output]")
        merged: dict[str, Price] = dict(DEFAULT_PRICES)
        for name, pair in prices.items():
            if not (isinstance(pair, list) and len(pair) in (2, 3)
                    and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in pair)
                    and all(x >= 0 for x in pair)):
                raise ConfigError(
                    f"config file {path}: prices.{name} must be [input, output] or [input, output, cached input] "
                    f"in USD per million tokens"
                )
            merged[name] = (float(pair[0]), float(pair[1])) if len(pair) == 2 else (
                float(pair[0]), float(pair[1]), float(pair[2]))
        data["prices"] = merged
    if "interests" in data:
        interests = data["interests"]
        if not isinstance(interests, dict):
            raise ConfigError(f"config file {path}: 'interests' must be a table ([interests] with keywords, authors, "
                              "exclude, papers)")
        unknown = sorted(set(interests) - set(Interests.model_fields))
        if unknown:
            raise ConfigError(f"unknown key 'interests.{unknown[0]}' in config file {path}; known keys: "
                              f"{', '.join(Interests.model_fields)}")
        papers = interests.get("papers")
        if isinstance(papers, list):  # library files are relative to the config file's folder
            interests["papers"] = [_relative_to(path.parent, p) if isinstance(p, str) else p for p in papers]
    return data


def _relative_to(folder: Path, entry: str) -> str:
    """A library path relative to `folder` made absolute; arXiv ids and absolute paths as they are."""
    from paperbrief.interests import looks_like_arxiv_id

    entry = entry.strip()
    if not entry or looks_like_arxiv_id(entry):
        return entry
    p = Path(entry).expanduser()
    return str(p if p.is_absolute() else folder / p)


def _set(values: dict[str, Any], origin: dict[str, str], key: str, value: Any, where: str) -> None:
    """Set a setting; `interests.keywords`-style keys replace one key of the `[interests]` table."""
    if "." in key:
        table, sub = key.split(".", 1)
        current = values.get(table)
        merged = dict(current) if isinstance(current, dict) else {}
        if isinstance(current, BaseModel):
            merged = current.model_dump()
        merged[sub] = value
        values[table] = merged
    else:
        values[key] = value
    origin[key] = where


def load_settings(
    overrides: dict[str, Any] | None = None,
    env: dict[str, str] | None = None,
) -> Settings:
    """Resolve settings: defaults < TOML file < environment < overrides (flags).

    `overrides` entries whose value is None are ignored, so CLI options can be
    passed straight through.
    """
    env = dict(os.environ) if env is None else env
    path = config_path(env)
    values: dict[str, Any] = {}
    origin: dict[str, str] = {}

    for key, value in _read_toml(path, required=bool(env.get("PAPERBRIEF_CONFIG"))).items():
        if key not in Settings.model_fields:
            raise ConfigError(
                f"unknown key '{key}' in config file {path}; known keys: {', '.join(sorted(Settings.model_fields))}"
            )
        values[key] = value
        origin[key] = f"config file {path}"

    for var, key in ENV_VARS.items():
        if var in env:
            raw = env[var]
            if raw == "" and key in ("openai_base_url", "openai_api_key", "embedding_model", "smtp_url", "smtp_from",
                                     "feishu_secret", "dingtalk_secret", "site_url", "send_interval"):
                continue  # empty means unset, as the openai SDK treats it
            _set(values, origin, key, raw, f"environment variable {var}")

    for key, value in (overrides or {}).items():
        if value is None:
            continue
        if key.split(".")[0] not in Settings.model_fields:
            raise ConfigError(f"unknown setting '{key}'")
        _set(values, origin, key, value, "command-line flag")

    try:
        settings = Settings(**values)
    except ValidationError as e:
        err = e.errors()[0]
        loc = [str(x) for x in err["loc"] if not isinstance(x, int)]
        key = ".".join(loc[:2]) if loc[:1] == ["interests"] else (loc[0] if loc else "?")
        where = origin.get(key) or origin.get(key.split(".")[0], "default")
        shown = values.get(key.split(".")[0])
        if key.startswith("interests.") and isinstance(shown, dict):
            shown = shown.get(key.split(".", 1)[1])
        if key.split(".")[0] in SECRET_KEYS:
            shown = "****"
        elif key == "openai_base_url" and isinstance(shown, str):
            shown = mask_url(shown, keep_path=True)
        if isinstance(shown, str) and len(shown) > 80:
            shown = shown[:77] + "..."
        msg = str(err["msg"]).removeprefix("Value error, ")
        if isinstance(shown, (dict, list)):
            raise ConfigError(f"bad value for '{key}' (from {where}): {msg}") from None
        if err.get("type") in ("finite_number", "float_parsing") and isinstance(values.get(key), (str, float)):
            msg = "must be a finite number" + (f" ({msg})" if err.get("type") != "finite_number" else "")
        raise ConfigError(f"bad value for '{key}' ({shown!r}, from {where}): {msg}") from None
    settings.home = Path(settings.home).expanduser()
    settings._config_file = path
    return settings
