"""`paperbrief list` and `paperbrief read`: the sources and readers stages."""

from __future__ import annotations

from paperbrief.cli.app import app  # noqa: F401
