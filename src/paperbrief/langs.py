"""The report languages and the one definition of "CJK text" every module uses.

`Lang` is the type of a report language; `as_lang` is the one check of a language a
user or a config file gives. `CJK` is the character class of Chinese/Japanese
ideographs and kana (all of Unicode's ideograph blocks, the supplementary planes
included); `HANGUL` is kept apart because it is not Chinese but costs tokens like CJK.
"""

from __future__ import annotations

import re
from typing import Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
LANG_NAMES: dict[Lang, str] = {"zh": "Chinese", "en": "English"}

# Kana, CJK extension A, unified ideographs, compatibility ideographs, extensions B and later.
CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
HANGUL = "\uac00-\ud7af"
CJK_CHAR = re.compile(f"[{CJK}]")
CJK_RUN = re.compile(f"[{CJK}]+")

_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_URL = re.compile(r"https?://\S+|www\.\S+")


def as_lang(value: str) -> Lang:
    """`value` as a report language; ValueError naming the choices for anything else."""
    for lang in LANGS:
        if value == lang:
            return lang
    raise ValueError(f"language must be zh or en, not {value!r}")


def cjk_share(text: str) -> float:
    """Share of CJK characters among CJK characters plus Latin words (0 = all English, 1 = all Chinese)."""
    text = _URL.sub(" ", text)
    cjk = len(CJK_CHAR.findall(text))
    latin = len(_LATIN_WORD.findall(text))
    return cjk / (cjk + latin) if cjk + latin else 0.5


def text_language(text: str) -> Lang:
    """"zh" when the text is mostly Chinese, else "en"."""
    return "zh" if cjk_share(text) >= 0.5 else "en"
