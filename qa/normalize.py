"""Normalization for matching: traditional -> simplified, full-width -> half-width, case folding.

Applied identically to indexed text and to questions; what is shown is always the original text.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Full-width ASCII block (U+FF01..U+FF5E) and the ideographic space, to their half-width forms.
_HALF = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
# Variant characters that OpenCC's t2s leaves alone but scraped traditional text uses (陜西 for 陝西).
_VARIANTS = str.maketrans({"陜": "陕", "衞": "卫", "淸": "清"})
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def normalize(text: str) -> str:
    """Matching form of ``text``: simplified script, half-width characters, case-folded."""
    return _t2s().convert(text.translate(_HALF)).translate(_VARIANTS).casefold()


@lru_cache(maxsize=1)
def _tw2sp():
    import opencc

    return opencc.OpenCC("tw2sp")


def mainland_words(text: str, known) -> str:
    """``text`` as mainland Chinese writes it (OpenCC's tw2sp: 網際網路 -> 互联网, 視訊 -> 视频, 視窗 -> 窗口) when that
    leaves fewer of its character pairs unknown to the corpus than the simplified script alone does, else
    unchanged. ``known(pair)`` is true of a normalized pair of Han characters the corpus has."""
    plain, mainland = _t2s().convert(text), _tw2sp().convert(text)
    if plain == text or plain == mainland:  # (simplified already: as written, 建立 is no Taiwan 创建)
        return text

    def unknown(s: str) -> int:
        norm = normalize(s)
        return sum(not known(norm[k:k + 2]) for k in range(len(norm) - 1) if CJK.match(norm[k]) and CJK.match(norm[k + 1]))

    return mainland if unknown(mainland) < unknown(plain) else text


def aligned(text: str) -> str:
    """:func:`normalize` of ``text`` when it keeps every character in place (script conversion is
    character for character almost always), else ``text``: for patterns whose spans are read back
    from the original (a figure or date in a traditional sentence: 3萬人, 13世紀)."""
    norm = normalize(text)
    return norm if len(norm) == len(text) else text


def has_cjk(text: str) -> bool:
    return bool(CJK.search(text))
