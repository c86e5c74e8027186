"""`paperbrief write`: read one paper and print its report (Markdown, or JSON with --json)."""

from __future__ import annotations

import sys
from typing import Any

import typer

from paperbrief.cli.app import (
    EXIT_CANNOT_START,
    EXIT_PAPERS_FAILED,
    app,
    check_lang,
    ensure_writable,
    err_console,
    fail,
    print_json,
    require_usable_llm,
    settings_from,
)
from paperbrief.messages import msg
from paperbrief.models import Document, WrittenReport


def written_json(written: WrittenReport, doc: Document) -> dict[str, Any]:
    """The --json object of one written paper."""
    return {
        "arxiv_id": written.arxiv_id or doc.arxiv_id,
        "title": doc.title,
        "source": written.source,
        "provenance": written.provenance,
        "lang": written.lang,
        "writer": written.writer,
        "model": written.model,
        "prompt_version": written.prompt_version,
        "report": written.report.model_dump(mode="json") if written.report else None,
        "ungrounded_numbers": written.ungrounded_numbers,
        "misattributed_numbers": written.misattributed_numbers,
        "flags": written.flags,
        "tokens_in": written.tokens_in,
        "tokens_out": written.tokens_out,
        "cached_tokens": written.cached_tokens,
        "failure": written.failure.model_dump() if written.failure else None,
        "error": written.failure.describe("en") if written.failure else None,
    }


@app.command("write")
def write_command(
    ref: str = typer.Argument(..., metavar="ID|URL|FILE", help="arXiv id, arXiv URL, or a local .html/.pdf file."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of Markdown."),
    lang: str | None = typer.Option(None, "--lang", help="Report language: zh (default) or en."),
    stream: bool = typer.Option(False, "--stream", help="Stream the LLM's answer (same result)."),
    force: bool = typer.Option(False, "--force", help="Read and write the paper again, even if stored."),
    rewrite_older: bool = typer.Option(False, "--rewrite-older-prompts",
                                       help="Write again a stored report made with an older prompt version."),
) -> None:
    """Read one paper and write its report (LLM when configured, else an extract of its sentences).

    The document and report are stored like `paperbrief run`'s: writing the same paper again (or
    running its day) reuses them and asks the LLM nothing; --force writes it again.
    """
    check_lang(lang)
    settings = settings_from(lang=lang)
    require_usable_llm(settings)
    ensure_writable(settings.home, "the data folder (PAPERBRIEF_HOME)")
    lang = lang or settings.lang

    from paperbrief.http import FetchError
    from paperbrief.readers import ReadError
    from paperbrief.render.markdown import paper_markdown
    from paperbrief.single import write_single

    try:
        result = write_single(ref, settings, lang=lang, stream=stream, force=force,
                              rewrite_older_prompts=rewrite_older,
                              on_wait=lambda aid, holder: err_console.print(
                                  msg("claims.waiting_report", "en", id=aid, holder=holder), highlight=False))
    except (ReadError, FetchError) as e:
        fail(str(e), EXIT_CANNOT_START)
    doc, written = result.doc, result.written
    if result.older_prompt:
        err_console.print(f"Reused the stored report, written with an older prompt ({written.prompt_version}); "
                          f"--rewrite-older-prompts writes it with the current one.", highlight=False)
    elif result.reused:
        err_console.print("Reused the stored report (no LLM call); --force writes it again.", highlight=False)
    if as_json:
        print_json({**written_json(written, doc), "reused": result.reused})
    else:
        sys.stdout.write(paper_markdown(doc.title, doc.arxiv_id or "", doc.source, written, lang=lang))
        sys.stdout.flush()
    if written.failed:
        fail(f"no report for {doc.arxiv_id or ref}: {written.error}", EXIT_PAPERS_FAILED)
