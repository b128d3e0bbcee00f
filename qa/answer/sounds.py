"""English names as Chinese text writes them by sound (Allen -> 艾伦, Carolina -> 卡罗莱纳, Costa -> 科斯塔):
CC-CEDICT has few of them, so an English question's name is also looked for in the articles by its
consonants. Xinhua's way of writing foreign names keeps an English name's consonants in order, one
character a syllable; the vowels it changes freely. So a name and a run of characters sound alike
when their consonants, sorted into classes that transliteration keeps apart (b/p, d/t, g/k, s/z, l/r,
m, n, f/v, w), pair up one by one; an English r or h before a consonant or at the end may be unsaid
(Carter -> 卡特). Only characters CC-CEDICT writes names with are read, and only a run jieba reads as
whole names that are not everyday words (艾伦, 贾 + 里德; not 利用, 美丽, nor 吉林 for Green)."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from qa.normalize import has_cjk
from qa.records import Constraint, Question

# English spellings -> the sounds they write, each the classes it may be written with (th: 托 or 斯), longest
# first; x and qu are two sounds
_ENGLISH = [("sch", ("S",)), ("tch", ("J",)), ("ph", ("F",)), ("th", ("TS",)), ("sh", ("S",)), ("ch", ("JK",)),
            ("ck", ("K",)), ("ng", ("N",)), ("qu", ("K", "W")), ("wh", ("W",)), ("gh", ()), ("x", ("K", "S")),
            ("b", ("P",)), ("p", ("P",)), ("d", ("T",)), ("t", ("T",)), ("k", ("K",)), ("q", ("K",)), ("j", ("J",)),
            ("s", ("S",)), ("z", ("S",)), ("f", ("F",)), ("v", ("FW",)), ("w", ("W",)), ("l", ("L",)), ("r", ("L",)),
            ("m", ("M",)), ("n", ("N",)), ("h", ("H",))]
_SOFT = {"c": ("S", "K"), "g": ("J", "K")}  # before e, i, y; otherwise the second
_VOWELS = set("aeiouy")

# pinyin initials -> the English classes a transliteration writes with them (西 xi for si, 基 ji for ki, 加 jia
# for ga, 什 shi for sh)
_INITIALS = {"b": "P", "p": "P", "d": "T", "t": "T", "g": "K", "k": "K", "j": "JK", "q": "JK", "x": "SJK",
             "zh": "JS", "ch": "JS", "sh": "S", "z": "S", "c": "S", "s": "S", "f": "F", "w": "WF", "h": "HK",
             "l": "L", "r": "L", "m": "M", "n": "N"}

MIN_SOUNDS = 2  # a name of one consonant (Ada) would sound like too much


def english_sounds(word: str) -> list[tuple[str, bool]]:
    """The consonants of an English word in order: (the classes each may be written with, whether it
    may go unsaid: an r or h before a consonant or at the end). Doubled letters are one."""
    w = re.sub(r"(.)\1", r"\1", word.lower())
    out: list[tuple[str, bool]] = []
    i = 0
    while i < len(w):
        ch = w[i]
        if ch in _VOWELS or not ch.isalpha():
            i += 1
            continue
        nxt = w[i + 1:i + 2]
        if ch in _SOFT and not w.startswith(("ch", "gh"), i):
            out.append((_SOFT[ch][0] if nxt in ("e", "i", "y") else _SOFT[ch][1], False))
            i += 1
            continue
        for spelling, sounds in _ENGLISH:
            if w.startswith(spelling, i):
                i += len(spelling)
                # (an r or h before a consonant or at the end may go unsaid; a word's first h is said)
                silent = spelling in ("r", "h") and i > 1 and (i >= len(w) or w[i] not in _VOWELS)
                out += [(classes, silent) for classes in sounds]
                break
        else:
            i += 1
    return out


@lru_cache(maxsize=1)
def _name_characters() -> dict[str, str]:
    """Characters CC-CEDICT writes names with (in three names or more, :func:`qa.answer.english._dictionary`),
    each with its pinyin (the first reading)."""
    from pypinyin import Style, pinyin

    from qa.answer.english import _dictionary

    chars = sorted(c for c, n in _dictionary()[2].items() if n >= 3 and has_cjk(c))
    readings = pinyin(chars, style=Style.NORMAL, errors="ignore")
    return {c: r[0] for c, r in zip(chars, readings) if r}


@lru_cache(maxsize=1)
def _name_runs() -> re.Pattern:
    """Runs of two name characters or more (:func:`_name_characters`)."""
    return re.compile(f"[{''.join(_name_characters())}]{{2,}}")


def _syllable_sounds(syllable: str) -> list[str]:
    """The consonant classes of a pinyin syllable: its initial's, and N for a nasal final (伦 lun -> L, N)."""
    if syllable == "er":  # (尔 for a final l or r: Noble -> 诺布尔)
        return ["L"]
    out = []
    for initial in ("zh", "ch", "sh", *"bpmfdtnlgkhjqxrzcsw"):
        if syllable.startswith(initial):
            out.append(_INITIALS[initial])
            break
    if syllable.endswith(("n", "ng")) and len(syllable) > 1 and syllable not in ("n", "ng"):
        out.append("N")
    return out


def _alike(english: list[tuple[str, bool]], chinese: list[str]) -> bool:
    """Do the English consonants pair up with the Chinese ones, one by one, the unsaid ones skipped?"""
    @lru_cache(maxsize=None)
    def go(i: int, j: int) -> bool:
        if j == len(chinese):
            return all(silent for _, silent in english[i:])
        if i == len(english):
            return False
        classes, silent = english[i]
        if set(classes) & set(chinese[j]) and go(i + 1, j + 1):
            return True
        return silent and go(i + 1, j)
    return go(0, 0)


def written_by_sound(word: str, text: str) -> list[str]:
    """The runs of name characters in ``text`` (normalized) that sound like the English ``word``."""
    english = english_sounds(word)
    if len(english) < MIN_SOUNDS:
        return []
    table = _name_characters()
    vowel_first = word[:1].lower() in _VOWELS
    found = set()
    for m in _name_runs().finditer(text):
        run = m.group()
        sounds = [_syllable_sounds(table[c]) for c in run]
        for start in range(len(run)):
            if not sounds[start] and not vowel_first:  # (a syllable of no consonant starts only a name that does)
                continue
            chinese: list[str] = []
            for end in range(start, min(len(run), start + 2 * len(english) + 1)):
                chinese += sounds[end]
                if (end > start and sounds[end] and len(chinese) >= MIN_SOUNDS and _alike(english, chinese)
                        and _a_name(text, m.start() + start, m.start() + end + 1)):
                    found.add(run[start:end + 1])
    return sorted(found, key=len, reverse=True)


def _a_name(text: str, start: int, end: int) -> bool:
    """Is ``text[start:end]`` whole words jieba tags as names (贾 + 里德 of 贾里德·艾伦; not 利用, 美丽)?"""
    return _names_at(text[max(0, start - 8):end + 8], start - max(0, start - 8), end - max(0, start - 8))


@lru_cache(maxsize=4096)
def _names_at(window: str, start: int, end: int) -> bool:
    from qa.answer.places import gazetteer
    from qa.tokens import dictionary, posseg

    at, inside = 0, []
    for token in posseg().cut(window):
        a, b = at, at + len(token.word)
        at = b
        if b <= start or a >= end:
            continue
        if a < start or b > end:  # (cut across: not a word of its own)
            return False
        inside.append((token.word, token.flag))
    if not inside or not all(flag.startswith(_NAME_TAGS) for _, flag in inside):
        return False
    # (not words in everyday use jieba also tags so, 美丽 and 海洋 ns; nor a Chinese place, 吉林 for Green)
    common = dictionary()
    return (all(len(word) == 1 or common.get(word, 0) < COMMON_NAME for word, _ in inside)
            and not gazetteer().find(window[start:end]))


_NAME_TAGS = ("nr", "nz", "ns")
COMMON_NAME = 500  # jieba frequency from which a word is an everyday one (中山 1117, 美丽 3036; 布尔 281, 艾伦 72)


def heard(question: Question, texts: list[str]) -> Question:
    """``question`` with each English name's words also in the forms the normalized ``texts`` (articles,
    :func:`qa.answer.support.article_text`) write them by sound (Jared Allen -> 贾里德, 艾伦 where an article
    writes 贾里德·艾伦): then the support check and the corpus's vocabulary meet the name as they meet its
    dictionary renderings."""
    if has_cjk(question.text) or not any(c.kind == "name" for c in question.constraints):
        return question
    constraints = []
    for c in question.constraints:
        if c.kind == "name":
            sounded = {form for word in c.text.split() for t in texts for form in written_by_sound(word, t)}
            if sounded:
                c = Constraint(c.kind, c.text, tuple(sorted(set(c.forms) | sounded, key=lambda f: (-len(f), f))), c.year, c.month)
        constraints.append(c)
    return replace(question, constraints=tuple(constraints))
