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


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str
    answered: bool
    citations: list[Citation] = field(default_factory=list)
    query: str = ""  # what was searched (the question, or its rewrite in a conversation)
    confidence: float = 0.0

    def to_dict(self) -> dict:
        out = {
            "question": self.question,
            "answer": self.answer,
            "answered": self.answered,
            "citations": [
                {k: v for k, v in asdict(c).items() if k != "path"} for c in self.citations
            ],
        }
        return out
