"""The README: its first screen is for a user, it documents every command, and CI runs exactly
the install and check commands of its Development section."""

import re
from pathlib import Path

from typer.main import get_command

from paperbrief.cli import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
CHECK_COMMANDS = re.compile(r"^(?:pip install|ruff|mypy|pytest)\b")


def sections() -> dict[str, str]:
    """Level-2 sections by heading (code blocks included; headings inside fenced blocks ignored)."""
    found: dict[str, str] = {}
    heading, fenced = "", False
    for line in README.splitlines():
        fenced ^= line.startswith("```")
        if not fenced and line.startswith("## "):
            heading = line[3:].strip()
            found[heading] = ""
        elif heading:
            found[heading] += line + "\n"
    return found


def indented_commands(text: str) -> list[str]:
    """The 4-space-indented code lines of a section, comments stripped."""
    return [line[4:].split("  #")[0].strip() for line in text.splitlines() if line.startswith("    ") and line.strip()]


def test_every_command_is_documented():
    commands = sorted(get_command(app).commands)  # type: ignore[attr-defined]
    assert {"list", "read", "write", "run", "render", "runs", "config", "search", "site", "serve", "demo"} <= set(
        commands)
    missing = [c for c in commands if f"paperbrief {c}" not in README]
    assert not missing, f"README does not show: {missing}"


def test_the_first_screen_is_for_a_user():
    headings = list(sections())
    assert headings[:3] == ["Install", "See it work: `paperbrief demo`", "Set up with your own endpoint"]
    assert headings[-1] == "Development"
    first = README[: README.index("## Set up with your own endpoint")]
    install = indented_commands(sections()["Install"])
    # Not on PyPI: the README must not tell a user to install a name that finds nothing (or someone else's package).
    assert "pipx install ." in install and "uv tool install ." in sections()["Install"]
    assert not any(re.search(r"install paperbrief\b", line) for line in install)
    assert "paperbrief demo" in indented_commands(sections()["See it work: `paperbrief demo`"])
    assert '-e ".[dev]"' not in first and "pytest" not in first  # the contributor's commands come later


def test_ci_runs_exactly_the_readme_install_and_check_commands():
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    ci_commands = [line for line in ci if CHECK_COMMANDS.match(line)]
    readme = [c for c in indented_commands(sections()["Development"]) if CHECK_COMMANDS.match(c)]
    assert readme == ['pip install -e ".[dev]"', "ruff check .", "mypy", "pytest"]
    assert ci_commands == readme


def test_scripts_check_runs_the_same_checks():
    script = (ROOT / "scripts" / "check").read_text(encoding="utf-8").splitlines()
    assert [line.split()[0] for line in script if re.match(r"^(?:ruff|mypy|pytest)\b", line)] == ["ruff", "mypy", "pytest"]
    assert "scripts/check" in sections()["Development"]
