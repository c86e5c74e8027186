"""Run the local replicas as a server: `python -m paperbrief.replica [--port N] [--llm-delay S]`.

For demos and benchmarks: it prints the environment to point paperbrief at it,
then serves Hugging Face, arXiv and an OpenAI-compatible LLM on 127.0.0.1
until interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading

from paperbrief.replica.server import Replica


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m paperbrief.replica", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--llm-delay", type=float, default=0.0, help="seconds the LLM waits before answering")
    args = parser.parse_args(argv)
    replica = Replica().start(args.port)
    llm = replica.services.get("llm")
    if llm is not None and args.llm_delay:
        llm.delay = args.llm_delay  # type: ignore[attr-defined]
    url = replica.url
    print(f"export HF_ENDPOINT={url}", flush=True)
    print(f"export PAPERBRIEF_ARXIV_URL={url}", flush=True)
    print(f"export PAPERBRIEF_ARXIV_EXPORT_URL={url}/api/query", flush=True)
    print(f"export OPENAI_BASE_URL={url}/v1", flush=True)
    print("export OPENAI_API_KEY=replica", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with contextlib.suppress(KeyboardInterrupt):
        stop.wait()
    replica.stop()
    sys.exit(0)


if __name__ == "__main__":
    main()
