"""Follow-up questions without an LLM: a short follow-up that names a new subject inherits the
previous question's predicate (``桂林的破案率是多少`` + ``那白城呢？`` -> ``白城的破案率是多少``)."""

from __future__ import annotations

import logging
import re
from typing import Sequence

from qa.answer.question import MAX_QUESTION_CHARS
from qa.tokens import posseg

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
    from qa.normalize import has_cjk

    if not has_cjk(text):  # English: capitalized words after the first
        return [(m.start(), m.end()) for m in _CAPITALIZED.finditer(text)][-1:]
    spans, pos = [], 0
    for token in posseg().cut(text):
        if token.flag.startswith(_ENTITY_TAGS):
            spans.append((pos, pos + len(token.word)))
        pos += len(token.word)
    return spans


def _follow_up_subject(question: str) -> str | None:
    q = question.strip()
    m = _FOLLOW_UP_EN.match(q)
    if m:
        return m.group("subject")
    if len(q) > 14 or not _MARKERS_ZH.search(q):
        return None
    m = _FOLLOW_UP_ZH.match(q)
    return m.group("subject").strip() if m else None


def rewrite(question: str, history: Sequence[str]) -> str:
    """The query to search for ``question`` given the earlier questions of the conversation (oldest first)."""
    if not history:
        return question
    subject = _follow_up_subject(question)
    if not subject:
        return question
    previous = history[-1][:MAX_QUESTION_CHARS]  # only the last question is read, as long as a question may be
    entities = _entities(previous)
    if entities:
        start, end = entities[0]
        rewritten = previous[:start] + subject + previous[end:]
    else:
        rewritten = f"{subject} {previous}"
    log.info("follow-up %r rewritten as %r", question, rewritten)
    return rewritten
