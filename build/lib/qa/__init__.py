"""corpus-qa: cited answers from a corpus of Chinese news articles.

Python API (the CLI and the web app are built on it)::

    import qa
    engine = qa.ensure_index("index", "corpus")        # open, or build from corpus/ first
    result = engine.ask("桂林的破案率是多少")            # -> qa.Answer with numbered citations
    print(result.answer, result.citations[0].title)

    index, skipped, report = qa.ingest(["corpus"], "index")   # add/update documents (report.summary())
    engine = qa.Engine.open("index")                   # open an existing one
    hits = engine.search("破案率", k=10, retriever="bm25")
"""

from qa.answer import QuestionError
from qa.engine import Engine, ensure_index, ingest, remove
from qa.index import CorruptIndexError, IndexFolderError, IndexMismatchError, IndexNotFoundError, build_index, open_index
from qa.records import Answer, Chunk, Citation, Document, Hit, Skipped

__all__ = [
    "Answer", "Chunk", "Citation", "CorruptIndexError", "Document", "Engine", "Hit", "IndexFolderError",
    "IndexMismatchError", "IndexNotFoundError", "QuestionError", "Skipped", "build_index", "ensure_index",
    "ingest", "open_index", "remove",
]
