"""The README documents every command, and CI runs exactly the README's install and test commands."""

from pathlib import Path

from typer.main import get_command

from paperbrief.cli import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_command_is_documented():
    commands = sorted(get_command(app).commands)  # type: ignore[attr-defined]
    assert {"list", "read", "write", "run", "render", "runs", "config", "search", "site", "serve"} <= set(commands)
    missing = [c for c in commands if f"paperbrief {c}" not in README]
    assert not missing, f"README does not show: {missing}"


def test_ci_runs_the_readme_commands():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    install = 'pip install -e ".[dev]"'
    assert install in README and install in ci
    assert "\n    pytest\n" in README and "\npytest\n" in ci
