import pytest

from conftest import CORPUS
from qa.chunking import ChunkSettings, split
from qa.documents import load_documents
from qa.normalize import normalize
from qa.records import Document


@pytest.fixture(scope="module")
def docs():
    return load_documents([CORPUS])[0]


@pytest.mark.parametrize("size,overlap", [(300, 60), (150, 30), (500, 100)])
def test_spans_and_sizes(docs, size, overlap):
    for doc in docs:
        chunks = split(doc, ChunkSettings(size, overlap))
        assert chunks and all(doc.text[c.start : c.end] == c.text for c in chunks)
        assert all(len(c.text) <= size for c in chunks)
        assert [c.start for c in chunks] == sorted(c.start for c in chunks)
        covered = set()
        for c in chunks:
            covered.update(range(c.start, c.end))
        content = {i for i, ch in enumerate(doc.text) if not ch.isspace()}
        assert content <= covered, "every character of the document is in some chunk"


def test_chunks_end_at_sentence_boundaries(docs):
    """A chunk ends after sentence punctuation or at a line end, except where a sentence is too long."""
    ends = []
    for doc in docs:
        for c in split(doc):
            after = doc.text[c.end : c.end + 1]
            ends.append(c.text[-1] in "。！？；…!?;”" or after in ("", "\n"))
    assert sum(ends) / len(ends) >= 0.9


def test_overlap_between_neighbours():
    text = "".join(f"第{i}句话讲的是桂林公安的一件事情。" for i in range(60))
    chunks = split(Document(id="d", text=text), ChunkSettings(100, 30))
    assert any(a.end > b.start for a, b in zip(chunks, chunks[1:]))


def test_bad_settings():
    with pytest.raises(ValueError):
        ChunkSettings(100, 100)


def test_normalize():
    assert normalize("商洛累計辦理戶政") == "商洛累计办理户政"
    assert normalize("ＡＢＣ１２３％　Ｘ") == "abc123% x"
    assert normalize("GDP") == "gdp"
