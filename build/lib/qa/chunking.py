"""Documents -> overlapping chunks that end at Chinese sentence boundaries."""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.records import Chunk, Document

_SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]*[”’」』）)]*")

# Paragraphs first, then sentence ends, then clause breaks; never split inside a word unless forced.
SEPARATORS = ["\n", "。", "！", "？", "；", "…", "!", "?", ";", "，", ",", " ", ""]


@dataclass(frozen=True)
class ChunkSettings:
    """Chunk size and overlap in characters, and whether the document title is indexed with each
    chunk (embedded and BM25-tokenized as ``title\nchunk``; the chunk alone is shown; off by
    default: it did not help on the Chinese sets and hurt cross-lingual retrieval). See
    docs/evaluation.md for how they were chosen."""

    size: int = 300
    overlap: int = 60
    with_title: bool = False

    def __post_init__(self):
        if self.size < 20 or not 0 <= self.overlap < self.size:
            raise ValueError(f"chunk size must be >= 20 and 0 <= overlap < size (got {self.size}, {self.overlap})")


def _splitter(settings: ChunkSettings):
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    return RecursiveCharacterTextSplitter(
        separators=SEPARATORS, keep_separator="end", chunk_size=settings.size,
        chunk_overlap=settings.overlap, add_start_index=True, strip_whitespace=True,
    )


def indexed_text(chunk: Chunk, doc: Document, settings: ChunkSettings) -> str:
    """What is embedded and tokenized for a chunk: its text, after the title when configured."""
    if settings.with_title and doc.title and not chunk.text.startswith(doc.title):
        return f"{doc.title}\n{chunk.text}"
    return chunk.text


def split(doc: Document, settings: ChunkSettings = ChunkSettings()) -> list[Chunk]:
    """Split one document; every chunk satisfies ``doc.text[start:end] == chunk.text``."""
    chunks = []
    for piece in _splitter(settings).create_documents([doc.text]):
        start = piece.metadata["start_index"]
        if start < 0 or doc.text[start : start + len(piece.page_content)] != piece.page_content:
            start = doc.text.find(piece.page_content)  # the splitter's offset is a search; make sure
        end = start + len(piece.page_content)
        chunks.append(Chunk(id=f"{doc.id}#{len(chunks)}", doc_id=doc.id, start=start, end=end, text=piece.page_content))
    return chunks


def sentences(text: str) -> list[tuple[int, int]]:
    """Spans of the sentences in ``text`` (split after 。！？；!?; and at line breaks); at least one.

    These are the units an answer is picked from; their vectors are computed once at ingest.
    """
    spans = []
    for m in _SENTENCE.finditer(text):
        start, end = m.start(), m.end()
        while start < end and text[start].isspace():
            start += 1
        if end - start >= 2:
            spans.append((start, end))
    return spans or [(0, len(text))]
