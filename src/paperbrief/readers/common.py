"""What every reader shares: the error for input that is not a paper, the minimum text a paper has,
and whitespace clean-up. The HTML, PDF and abstract readers import these from here, never from
each other."""

from __future__ import annotations

import re
import unicodedata

MIN_TEXT_CHARS = 300  # abstract + section text below this is not a paper

# Whitespace of any kind (no-break, em spaces, newlines), except the HTML reader's paragraph and
# line markers (\x00, \x01), which survive until it turns them into paragraphs.
_WS = re.compile(r"[^\S\x00\x01]+")


class NotAPaper(ValueError):
    """The input is not a readable paper (an error page, a login wall, a cut-off body, garbage)."""


def clean(text: str) -> str:
    """Collapse whitespace (including no-break and em spaces) and NFC-normalise."""
    return unicodedata.normalize("NFC", _WS.sub(" ", text).strip())
