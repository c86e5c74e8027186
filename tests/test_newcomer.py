"""Details a newcomer meets on a first try: help that reads well, a positional date, an empty day
that says so, readable report files."""

from __future__ import annotations

import os
import re
import stat

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from paperbrief.cli import app

COMMANDS = sorted(get_command(app).commands)  # type: ignore[attr-defined]


def help_of(command: str) -> str:
    result = CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_help_has_no_type_noise_and_states_each_default_once(command):
    text = help_of(command)
    assert "<bool>" not in text  # a flag takes no value
    # An option whose help already says its default does not get "[default: ...]" printed after it.
    for entry in re.split(r"\n  (?=-)", text):
        if "[default:" in entry:
            assert "default" not in entry.split("[default:")[0].lower(), entry


@pytest.mark.parametrize("command", ["run", "render", "demo", "serve"])
def test_help_shows_examples(command):
    text = help_of(command)
    assert "Examples:" in text and f"paperbrief {command}" in text.split("Examples:")[1]


def test_help_keeps_square_brackets_as_text():
    assert "[interests]" in help_of("list")


def test_run_takes_the_day_as_an_argument_and_an_empty_day_says_so(replica_env, tmp_path):
    out = tmp_path / "reports"
    result = CliRunner().invoke(app, ["run", "2026-02-07", "--out", str(out), "--no-overview"])
    assert result.exit_code == 0, result.output
    md = (out / "2026-02-07.md").read_text(encoding="utf-8")
    assert md == (
        "# Hugging Face Daily Papers Report\n**Date**: 2026-02-07\n"
        "**Source URL**: https://huggingface.co/papers/date/2026-02-07\n\n"
        "> 注：Hugging Face Daily Papers 这一天没有列出论文（周末或空白日），本日报告为空。\n\n"
        + "=" * 60 + "\n"
    )
    # `render` takes the day as an argument too, and an empty day renders in either language.
    result = CliRunner().invoke(app, ["render", "2026-02-07", "--out", str(tmp_path / "again"), "--no-overview"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "again" / "2026-02-07.md").read_text(encoding="utf-8") == md
    result = CliRunner().invoke(app, ["render", "2026-02-07", "--out", str(out), "--lang", "en", "--no-overview"])
    assert result.exit_code == 0, result.output
    assert "> Note: Hugging Face Daily Papers lists no papers for this day" in (out / "2026-02-07.en.md").read_text(
        encoding="utf-8")


def test_one_day_only(replica_env, tmp_path):
    result = CliRunner().invoke(app, ["run", "2026-02-07", "--date", "2026-02-08", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "two days given (2026-02-07 and --date 2026-02-08); give one" in result.output
    result = CliRunner().invoke(app, ["render", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "which day?" in result.output
    assert not (tmp_path / "2026-02-07.md").exists() and not (tmp_path / "2026-02-08.md").exists()


def test_report_files_are_readable_by_others_as_the_umask_allows(replica_env, tmp_path):
    out = tmp_path / "reports"
    result = CliRunner().invoke(app, ["run", "2026-02-07", "--out", str(out)])
    assert result.exit_code == 0, result.output
    umask = os.umask(0)
    os.umask(umask)
    for name in ("2026-02-07.md", "2026-02-07.json"):
        assert stat.S_IMODE((out / name).stat().st_mode) == 0o666 & ~umask  # 0644 under the usual 022, not 0600


def test_reports_kept_after_a_failed_attempt_are_named_in_the_day_files(replica_env, tmp_path, monkeypatch):
    import json

    from paperbrief.replica.llm import Answer

    monkeypatch.setenv("OPENAI_BASE_URL", replica_env.url + "/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("PAPERBRIEF_MODEL", "replica-model")
    out = tmp_path / "reports"
    first = CliRunner().invoke(app, ["run", "2026-02-08", "--limit", "3", "--out", str(out), "--no-overview"])
    assert first.exit_code == 0, first.output
    # A second run with another model whose endpoint rejects the key: every paper of it fails.
    replica_env.services["llm"].script(*[Answer.http_error(401, "Incorrect API key provided")] * 10)
    second = CliRunner().invoke(app, ["run", "2026-02-08", "--limit", "3", "--out", str(out), "--no-overview",
                                      "--model", "other-model"])
    assert second.exit_code == 1, second.output
    assert "3 failed" in second.output
    day = json.loads((out / "2026-02-08.json").read_text(encoding="utf-8"))
    assert day["counts"]["failed"] == 0 and day["counts"]["written"] == 3  # the earlier reports are still shown
    assert day["counts"]["kept_after_failure"] == 3 and day["model"] == "replica-model"
    kept = day["kept_after_failure"]
    assert [k["arxiv_id"] for k in kept] == [p["arxiv_id"] for p in day["papers"]]
    assert {k["model"] for k in kept} == {"other-model"} and {k["kept_model"] for k in kept} == {"replica-model"}
    assert kept[0]["kind"] == "endpoint_auth" and kept[0]["reason"].startswith("大模型服务拒绝了 API 密钥")
    assert all(p["failed_attempt"]["model"] == "other-model" for p in day["papers"])
    md = (out / "2026-02-08.md").read_text(encoding="utf-8")
    assert md.count("> ⚠ 最近一次生成本文报告未成功（other-model：") == 3
    assert md.count("以下保留此前由 replica-model 写成的报告。") == 3
    # Once a later attempt succeeds, the note goes.
    replica_env.services["llm"].clear()
    third = CliRunner().invoke(app, ["run", "2026-02-08", "--limit", "3", "--out", str(out), "--no-overview",
                                     "--model", "other-model"])
    assert third.exit_code == 0, third.output
    day = json.loads((out / "2026-02-08.json").read_text(encoding="utf-8"))
    assert day["counts"]["kept_after_failure"] == 0 and day["kept_after_failure"] == [] and day["model"] == "other-model"
    assert "最近一次生成本文报告未成功" not in (out / "2026-02-08.md").read_text(encoding="utf-8")
