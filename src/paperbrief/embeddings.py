"""Embeddings from the configured endpoint's `/v1/embeddings`, stored once per text and model.

OpenAI, Ollama, vLLM and llama.cpp all serve the OpenAI embeddings API; the model is
`embedding_model`. Texts (a paper's title and abstract, a library entry's) are keyed by
their sha256, so a text is embedded once per model and every later run reads the vector
from SQLite. Requests go through the writer's shared client (`writer.llm.client_for`) in
batches, each recorded in `llm_calls` (prompt version `embeddings`) with its tokens (the
endpoint's `usage.prompt_tokens`) and cost (the embedding model's input price, when configured);
a run counts them in its totals. Texts are claimed in the store before they are sent
(paperbrief.claims), so two processes ranking the same papers at once pay for each text once.
An endpoint that doesn't serve embeddings (or the model) raises EmbeddingsUnavailable, and
the caller falls back to the lexical similarity.
"""

from __future__ import annotations

import sqlite3
import time
from array import array
from collections.abc import Sequence
from typing import Any

from paperbrief.config import Settings
from paperbrief.models import LLMCall
from paperbrief.store import Store, content_hash

BATCH = 64
PROMPT_VERSION = "embeddings"


class EmbeddingsUnavailable(Exception):
    """The endpoint can't give embeddings (no endpoint, no such route or model, unreachable)."""


def text_key(text: str) -> str:
    return content_hash(text)


def stored_vectors(store: Store, model: str, keys: Sequence[str]) -> dict[str, list[float]]:
    """The stored vectors of these text keys for `model` (missing keys are absent)."""
    found: dict[str, list[float]] = {}
    unique = list(dict.fromkeys(keys))
    for i in range(0, len(unique), 500):
        batch = unique[i : i + 500]
        rows = store.query(
            f"SELECT text_hash, vector FROM embeddings WHERE model = ? AND text_hash IN ({','.join('?' * len(batch))})",
            [model, *batch],
        )
        for r in rows:
            vec = array("f")
            vec.frombytes(r["vector"])
            found[r["text_hash"]] = vec.tolist()
    return found


def save_vectors(store: Store, model: str, items: Sequence[tuple[str, str | None, Sequence[float]]]) -> None:
    """Store (text key, arXiv id or None, vector) for `model`."""
    now = time.time()
    with store.transaction() as c:
        c.executemany(
            "INSERT OR REPLACE INTO embeddings(model, text_hash, arxiv_id, dim, vector, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(model, key, aid, len(vec), array("f", vec).tobytes(), now) for key, aid, vec in items],
        )


def embed(settings: Settings, store: Store, texts: Sequence[str], arxiv_ids: Sequence[str | None] | None = None,
          *, run_id: int | None = None, offline: bool = False, spent: list[LLMCall] | None = None) -> list[list[float]]:
    """The embedding of every text, from the store when known, else from the endpoint (then stored).

    Texts to embed are claimed first (paperbrief.claims, kind `embedding`): texts another process is
    embedding now are waited for and read from the store, never paid for twice. The calls made are
    recorded under `run_id` and appended to `spent`. `offline`: from the store only
    (EmbeddingsUnavailable when one is missing).
    """
    from paperbrief.claims import POLL_S, Heartbeat, claim_many, new_holder

    model = settings.embedding_model
    if not model or not settings.llm_configured:
        raise EmbeddingsUnavailable("no embedding_model or no LLM endpoint configured")
    ids = list(arxiv_ids) if arxiv_ids is not None else [None] * len(texts)
    keys = [text_key(t) for t in texts]
    known = stored_vectors(store, model, keys)
    todo: dict[str, tuple[str, str | None]] = {}
    for key, text, aid in zip(keys, texts, ids, strict=True):
        if key not in known and key not in todo:
            todo[key] = (text, aid)
    if todo and offline:
        raise EmbeddingsUnavailable(f"{len(todo)} texts have no stored embedding for '{model}' (no network here)")
    if not todo:
        return [known[k] for k in keys]
    prefix = f"embedding:{model}:"  # a claim's key: the model and the text's key

    def stored(c: sqlite3.Connection, claim_keys: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for i in range(0, len(claim_keys), 500):
            batch = [k.removeprefix(prefix) for k in claim_keys[i : i + 500]]
            found.update(prefix + r[0] for r in c.execute(
                f"SELECT text_hash FROM embeddings WHERE model = ? AND text_hash IN ({','.join('?' * len(batch))})",
                [model, *batch]))
        return found

    owner = new_holder("embedding")
    with Heartbeat(store, owner, None):  # renews this call's claims; releases them at the end
        while todo:
            mine, _ = claim_many(store, [prefix + k for k in todo], owner, stored=stored, subject=model,
                                 kind="embedding")
            pending = [(k.removeprefix(prefix), todo[k.removeprefix(prefix)]) for k in mine]
            for i in range(0, len(pending), BATCH):
                batch = pending[i : i + BATCH]
                vectors = _request(settings, store, [text for _, (text, _) in batch], run_id, spent)
                save_vectors(store, model, [(key, aid, vec) for (key, (_, aid)), vec in zip(batch, vectors, strict=True)])
                known.update({key: vec for (key, _), vec in zip(batch, vectors, strict=True)})
            known.update(stored_vectors(store, model, [k for k in todo if k not in known]))  # others' meanwhile
            todo = {k: v for k, v in todo.items() if k not in known}
            if todo:  # held by another process: wait for its vectors (or its claims to lapse)
                time.sleep(POLL_S)
    return [known[k] for k in keys]


def _request(settings: Settings, store: Store, texts: list[str], run_id: int | None,
             spent: list[LLMCall] | None = None) -> list[list[float]]:
    import openai

    from paperbrief.http import limited
    from paperbrief.writer.llm import client_for, scrub, token_count

    model = settings.embedding_model or ""
    client = client_for(settings)
    call = LLMCall(model=model, prompt_version=PROMPT_VERSION)
    started = time.monotonic()
    cap = (1 << 20) + len(texts) * 4096 * 32  # bytes: a float as JSON text, a generous dimension
    try:
        with limited(seconds=settings.llm_timeout, max_bytes=cap):  # no endless or dripping answer
            resp: Any = client.embeddings.create(model=model, input=texts, encoding_format="float")
        data = sorted(resp.data, key=lambda d: d.index)
    except (ValueError, UnicodeError, AttributeError, TypeError) as e:  # a 200 that is not an embeddings list
        call.outcome, call.error = "error", f"the answer is not a list of embeddings ({type(e).__name__})"
        _record(settings, store, run_id, call, started, spent)
        raise EmbeddingsUnavailable(f"the endpoint {settings.endpoint_shown} {call.error}") from None
    except openai.APIStatusError as e:
        call.outcome, call.error = "error", scrub(f"HTTP {e.status_code}: {e.message}", settings)
        _record(settings, store, run_id, call, started, spent)
        raise EmbeddingsUnavailable(
            f"the endpoint {settings.endpoint_shown} gave no embeddings for model '{model}' ({call.error})") from None
    except (openai.APIConnectionError, openai.APITimeoutError) as e:
        call.outcome, call.error = "error", scrub(f"{type(e).__name__}: {e}", settings)
        _record(settings, store, run_id, call, started, spent)
        raise EmbeddingsUnavailable(f"cannot reach {settings.endpoint_shown} for embeddings ({call.error})") from None
    if len(data) != len(texts) or any(not d.embedding for d in data):
        call.outcome, call.error = "invalid", f"{len(data)} embeddings for {len(texts)} texts"
        _record(settings, store, run_id, call, started, spent)
        raise EmbeddingsUnavailable(f"the endpoint answered {call.error}")
    try:
        vectors = [list(map(float, d.embedding)) for d in data]
    except (ValueError, TypeError) as e:
        call.outcome, call.error = "invalid", f"an embedding is not a list of numbers ({type(e).__name__})"
        _record(settings, store, run_id, call, started, spent)
        raise EmbeddingsUnavailable(f"the endpoint answered {call.error}") from None
    usage = getattr(resp, "usage", None)
    call.tokens_in = token_count(getattr(usage, "prompt_tokens", None)) or 0  # 1e19 or "lots" is not a count
    _record(settings, store, run_id, call, started, spent)
    return vectors


def _record(settings: Settings, store: Store, run_id: int | None, call: LLMCall, started: float,
            spent: list[LLMCall] | None) -> None:
    from paperbrief.costs import usage_cost

    call.latency_s = round(time.monotonic() - started, 3)
    store.record_calls(run_id, None, [call], cost_of=lambda c: usage_cost(settings.prices, c))
    if spent is not None:
        spent.append(call)
