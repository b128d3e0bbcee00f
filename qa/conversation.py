"""Follow-up questions without an LLM: a short follow-up that names a new subject inherits the
previous question's predicate (``桂林的破案率是多少`` + ``那白城呢？`` -> ``白城的破案率是多少``)."""

from __future__ import annotations

import logging
import re
from typing import Sequence

from qa.answer.question import CHATTER, MAX_QUESTION_CHARS, analyze
from qa.normalize import has_cjk
from qa.tokens import posseg, tagged, tokenize

log = logging.getLogger(__name__)

MAX_HISTORY = 50  # earlier questions an API call may send (only the last one drives a rewrite)

_FOLLOW_UP_ZH = re.compile(r"^\s*(?:那么?|还有|那个|再问一下|换成|如果是|至于)?\s*(?P<subject>.{1,12}?)\s*(?:呢|怎么样|如何|的呢)?\s*[？?。!！]*\s*$")
_FOLLOW_UP_EN = re.compile(r"^\s*(?:and|what about|how about)\s+(?P<subject>[^?]{1,40}?)\s*\??\s*$", re.IGNORECASE)
_MARKERS_ZH = re.compile(r"^\s*(那|那么|还有|至于|换成|如果是)|呢\s*[？?]?\s*$")
# Entity parts of speech from jieba: place, person, organization, other proper noun.
_ENTITY_TAGS = ("ns", "nr", "nt", "nz")
_CAPITALIZED = re.compile(r"(?<=\s)[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)*")


def _entities(text: str) -> list[tuple[int, int]]:
    """Character spans of place, person and organization names in ``text``."""
    if not has_cjk(text):  # English: capitalized words after the first
        return [(m.start(), m.end()) for m in _CAPITALIZED.finditer(text)][-1:]
    return [(start, end) for start, end, _, flag in tagged(text) if flag.startswith(_ENTITY_TAGS)]


def _follow_up_subject(question: str) -> str | None:
    q = question.strip()
    m = _FOLLOW_UP_EN.match(q)
    if m:
        return m.group("subject")
    if len(q) > 14 or not _MARKERS_ZH.search(q):
        return None
    m = _FOLLOW_UP_ZH.match(q)
    subject = _FILLER.sub("", m.group("subject")).strip() if m else ""
    if not subject or all(w in CHATTER for w in tokenize(subject, bigrams=False)):
        return None  # (还有呢, 还有别的吗: names nothing new)
    return subject


# What a follow-up's subject carries that says nothing of what it asks (白城那边呢, 2022年的呢).
_FILLER = re.compile(r"^(?:呢|的)+$|(?:那边|这边|那里|这里|方面|的情况|的)+$|^(?:(?:in|of|for|the|about|during)\b\s*)+$",
                     re.IGNORECASE)
_TIME = ("year",)
_NOUN_TAGS = ("n", "vn", "j")
_NOUN_ENDS = ("k", "zg", "ng")  # a suffix jieba cuts off a noun (网格 / 员) still belongs to it
_COUNTED_BY = re.compile(r"(多少|几)[个名位人件起次条项家所部台辆座只种批户]$")


def rewrite(question: str, history: Sequence[str]) -> str:
    """The query to search for ``question`` given the earlier questions of the conversation (oldest
    first). An earlier question that was itself a follow-up is read as it was rewritten (桂林的破案率是多少,
    那白城呢, 那商洛呢 -> 商洛的破案率是多少)."""
    if not history or not (_follow_up_subject(question) or _BACK_ZH.search(question) or _BACK_EN.search(question)):
        return question
    previous = history[0][:MAX_QUESTION_CHARS]  # (as long as a question may be)
    for earlier in history[1:]:
        previous = _after(earlier[:MAX_QUESTION_CHARS], previous)
    rewritten = _after(question, previous)
    if rewritten != question:
        log.info("follow-up %r rewritten as %r", question, rewritten)
    return rewritten


def _after(question: str, previous: str) -> str:
    """``question`` as a whole question after ``previous``: a follow-up rewritten, a place pointed back to named."""
    named = _place_pointed_to(question, previous)  # (那里的群众安全感是多少: not 那 + a follow-up 里的…; 那里呢: 桂林呢)
    return _rewrite_after(named, previous) if _follow_up_subject(named) else named


# A whole question that points back to the place asked before (该市有多少名网格员, 那里的群众安全感是多少, 他们走访了多少群众,
# What is its clearance rate?): not to a person (他 alone), nor 其它 (others).
_BACK_ZH = re.compile(r"该(?:市|县|区|省|地区?|城市|局)|这个城市|那个城市|这座城市|那座城市|那里|那儿|这里|当地|(?<!其)它|他们")
_BACK_EN = re.compile(r"\b(?:its|that city|this city|the city)\b", re.IGNORECASE)  # (not there: Is there…?)


def _place_pointed_to(question: str, previous: str) -> str:
    """``question`` with what points back to a place (:data:`_BACK_ZH`, :data:`_BACK_EN`) replaced by the
    first place ``previous`` names, when it names none of its own: 那里的群众安全感是多少 after 白城走访了多少群众
    was answered with 桂林's 98.26% (白城's is 95%)."""
    if any(c.kind == "place" for c in analyze(question).constraints):
        return question
    place = next((c.text for c in analyze(previous).constraints if c.kind == "place"), None)
    if place is None:
        return question
    if has_cjk(question):
        return _BACK_ZH.sub(place, question, count=1)
    said = _BACK_EN.search(question)
    if said is None:
        return question
    word = said.group().lower()
    instead = f"{place}'s" if word == "its" else place
    return question[:said.start()] + instead + question[said.end():]


def _rewrite_after(question: str, previous: str) -> str:
    """``question`` as a whole question, if it is a follow-up of ``previous``: each thing it names takes
    the place of the thing of its kind there — a year a year (那2023年呢), a place or name a place or
    name (那白城呢) — and a noun left over takes the place of what ``previous`` asks about (那发案率呢:
    桂林的破案率是多少 -> 桂林的发案率是多少; 那副局长呢: …局长是谁 -> …副局长是谁)."""
    subject = _follow_up_subject(question)
    if not subject:
        return question
    rewritten, rest = previous, subject
    before = analyze(previous).constraints
    for named in analyze(subject).constraints:
        rest = rest.replace(named.text, " ", 1)
        time = named.kind in _TIME
        same = [c.text for c in before if (c.kind in _TIME) == time and c.text in rewritten]
        if same:
            rewritten = rewritten.replace(same[0], named.text, 1)
        elif time:  # (no year asked before: the follow-up's year is added)
            rewritten = f"{rewritten.rstrip('?？ ')} in {named.text}?" if not has_cjk(rewritten) else named.text + rewritten
        else:
            rewritten = _replace_entity(rewritten, named.text)
    rest = _FILLER.sub("", rest.strip(" 的和与及、")).strip()
    if rest and all(w in CHATTER for w in tokenize(rest, bigrams=False)):
        rest = ""  # (What about it?)
    if not rest:
        return rewritten
    if has_cjk(rest) and has_cjk(rewritten):
        return _replace_asked(rewritten, rest)
    # English: what is asked about is not found by its part of speech; the follow-up is asked as it
    # is, with the names and years it keeps (What about the crime rate? + Guilin)
    kept = " ".join(c.text for c in analyze(rewritten).constraints)
    return f"{question.strip()} {kept}".strip()


def _replace_entity(previous: str, name: str) -> str:
    """``previous`` with its first place, person or organization (as jieba tags it) replaced by ``name``;
    with ``name`` in front when it names none."""
    entities = _entities(previous)
    if not entities:
        return f"{name} {previous}"
    start, end = entities[0]
    return previous[:start] + name + previous[end:]


def _replace_asked(previous: str, noun: str) -> str:
    """``previous`` with the run of nouns it asks about replaced by ``noun``: the run that ends the way
    ``noun`` does (发案率 for 破案率, 副局长 for 局长), else the last one; names and places are not such a
    run. Without any (a question of names only), ``noun`` goes in front."""
    named = [c.text for c in analyze(previous).constraints]
    runs, pos, start = [], 0, None
    for token in posseg().cut(previous):
        end = pos + len(token.word)
        is_noun = (token.flag.startswith(_NOUN_TAGS) and not token.flag.startswith(_ENTITY_TAGS)
                   and not any(token.word in n for n in named))
        if is_noun and start is None:
            start = pos
        elif not is_noun and start is not None and not token.flag.startswith(_NOUN_ENDS):
            runs.append((start, pos))
            start = None
        pos = end
    if start is not None:
        runs.append((start, pos))
    if not runs:
        return f"{noun} {previous}"

    def shared_ending(run: tuple[int, int]) -> int:
        word, n = previous[run[0]:run[1]], 0
        while n < min(len(word), len(noun)) and word[-1 - n] == noun[-1 - n]:
            n += 1
        return n

    start, end = max(reversed(runs), key=shared_ending)  # (ties: the last run)
    # what the noun begins with, said just before the run, is the noun's (零 of 零 / 发案社区 -> 零发案村屯)
    start -= next((n for n in range(min(start, len(noun) - 1), 0, -1) if previous[start - n:start] == noun[:n]), 0)
    # and a measure word after 多少 was the old noun's (多少名网格员 -> 多少手持终端, not 多少名手持终端)
    before = _COUNTED_BY.sub(r"\1", previous[:start])
    return before + noun + previous[end:]
