"""The plain records that flow through the pipeline, defined once."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Document:
    """One cleaned article. ``text`` is what is indexed and shown; ``path`` names its source file."""

    id: str
    text: str
    title: str = ""
    date: str | None = None  # ISO YYYY-MM-DD
    source: str | None = None  # outlet
    path: str = ""
    pages: tuple[int, ...] = ()  # where pages 2, 3, ... start in ``text`` (PDF files; empty otherwise)


@dataclass(frozen=True)
class Chunk:
    """A passage of a document: ``doc.text[start:end] == text``."""

    id: str
    doc_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Skipped:
    """A file that was not indexed, and why."""

    path: str
    reason: str


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its score (higher is better) and 1-based rank."""

    chunk: Chunk
    score: float
    rank: int


@dataclass(frozen=True)
class Citation:
    n: int
    doc_id: str
    title: str
    date: str | None
    source: str | None
    text: str
    start: int
    end: int
    answer_start: int
    answer_end: int
    score: float
    path: str = ""
    copies: tuple[str, ...] = ()  # file names (or ids) of other documents carrying the same story
    page: int | None = None  # the page of a PDF the passage starts on
    # for a reader, instead of ``score``: ``answer`` (the answer is from here), else how close this
    # passage comes to answering too: ``high``, ``medium`` or ``low`` (None for related passages)
    relevance: str | None = None

    def meta(self) -> tuple[str, ...]:
        """What a reader is told about the source: title, date, outlet and (in a PDF) page."""
        return tuple(x for x in (self.title, self.date, self.source, f"第{self.page}页" if self.page else "") if x)


@dataclass(frozen=True)
class Constraint:
    """Something a question pins down that its evidence must also say.

    ``kind`` is ``place`` (a gazetteer place: any of its names counts), ``name`` (another named
    entity: a person, organization or foreign place) or ``year`` (``year``,
    optionally ``month``).
    ``forms`` are the normalized strings any one of which, found in the evidence, meets it.
    """

    kind: str
    text: str  # as written in the question
    forms: tuple[str, ...] = ()
    year: int | None = None
    month: int | None = None

    def shown(self) -> str:
        """How a refusal names it: as written, with the year a relative one stands for (今年（2026年）)."""
        if self.kind == "year" and self.year and str(self.year) not in self.text:
            return f"{self.text}（{self.year}年）"
        return self.text


@dataclass(frozen=True)
class Question:
    """What a question constrains and what kind of answer it asks for.

    ``asks`` is one of ``number``, ``date``, ``person``, ``place``, ``name`` or ``open``;
    ``topic`` is the question without its constraints and question words (``破案率`` for
    ``成都的破案率是多少``), used to word a refusal; ``glosses`` render an English question's words in
    Chinese, computed once here for every later step.
    """

    text: str
    constraints: tuple[Constraint, ...] = ()
    asks: str = "open"
    topic: str = ""
    # English questions: (word, its Chinese renderings) for the words a dictionary knows
    glosses: tuple[tuple[str, frozenset[str]], ...] = ()
    recent: bool = False  # 最近/目前/latest: the newest of the relevant articles answer
    why: bool = False  # 为何/原因/why: the reason may be in the sentence after the answer's
    asked_noun: str = ""  # the noun an interrogative governs: 什么制度 -> 制度
    subject: str = ""  # a Chinese question's first noun as written, not a place or year: 外星人 in 外星人的破案率是多少
    post: str = ""  # the post a who-question asks the holder of: 局长 in 商洛市公安局局长是谁
    measure: str = ""  # what the figure a number question asks measures: people, count, money, share, time, rank, …
    how_many: bool = False  # a number question that asks an amount: not a rank (第几) nor which (哪几座)
    counted: str = ""  # what a Chinese how-many question counts, as written: 电信诈骗案件 in 破获了多少起电信诈骗案件

    @property
    def places(self) -> tuple[Constraint, ...]:
        """The places the question is asked of (its ``place`` constraints)."""
        return tuple(c for c in self.constraints if c.kind == "place")

    @property
    def years(self) -> tuple[Constraint, ...]:
        """The years the question is asked of (its ``year`` constraints)."""
        return tuple(c for c in self.constraints if c.kind == "year")


@dataclass(frozen=True)
class Support:
    """Whether evidence meets every constraint of a question; ``missing`` lists those it does not."""

    ok: bool
    missing: tuple[Constraint, ...] = ()


@dataclass(frozen=True)
class Answer:
    """The reply to a question.

    Answered: ``answer`` is the sentence, ``answer_span`` the exact figure/date/name inside it (when
    the question asks for one), ``citations`` the numbered passages, [1] the one the answer is from.
    Refused: ``answered`` is false, ``reason`` says why (``no_match``: nothing relevant;
    ``missing``: the corpus has the topic but not the question's ``missing`` places, names or
    years; ``separate``: the places asked are each in the corpus, in articles that never name them
    together; ``no_answer``: relevant passages but none says what is asked; ``language``: written in a
    script the model cannot match to Chinese news, e.g. Korean), and ``related`` lists the
    passages that were found, which are *not* citations of an answer.
    """

    question: str
    answer: str
    answered: bool
    citations: list[Citation] = field(default_factory=list)
    query: str = ""  # what was searched (the question, or its rewrite in a conversation)
    confidence: float = 0.0
    answer_span: str | None = None
    reason: str | None = None
    missing: tuple[str, ...] = ()
    related: list[Citation] = field(default_factory=list)
    certainty: str | None = None  # an answer's ``confidence`` for a reader: high, medium or low (select.certainty)

    def to_dict(self) -> dict:
        def plain(c: Citation) -> dict:  # server paths stay out; other copies of the story only when there are some
            return {k: (list(v) if k == "copies" else v) for k, v in asdict(c).items()
                    if k != "path" and (k not in ("copies", "page", "relevance") or v)}

        out = {
            "question": self.question,
            "answer": self.answer,
            "answered": self.answered,
            "answer_span": self.answer_span,
            "citations": [plain(c) for c in self.citations],
        }
        if self.answered:
            out["certainty"] = self.certainty
        if not self.answered:
            out.update(reason=self.reason or "no_match", missing=list(self.missing),
                       related=[plain(c) for c in self.related])
        return out


@dataclass(frozen=True)
class IngestReport:
    """What an ingest changed, document by document (ids)."""

    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()

    def summary(self) -> str:
        return (f"{len(self.added)} added, {len(self.updated)} updated, {len(self.removed)} removed, "
                f"{len(self.unchanged)} unchanged")
