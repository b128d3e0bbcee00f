"""``qa``: ingest a corpus, ask it questions, evaluate retrieval, serve the web chat.

Exit codes: 0 done; 1 a problem with the index, model or data (the message says how to fix it);
2 a usage error (e.g. an empty or over-long question); 3 the index was built but some inputs were
skipped (listed); 4 nothing could be indexed.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import List, Optional

import typer

EXIT_ERROR, EXIT_USAGE, EXIT_SKIPPED, EXIT_EMPTY = 1, 2, 3, 4

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__.split("\n\n")[0])


def _quiet_libraries(verbose: bool) -> None:
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    import bm25s  # noqa: F401 - it sets its own logger to DEBUG on import; import first, then quiet it
    for noisy in ("sentence_transformers", "transformers", "httpx", "faiss", "jieba", "bm25s"):
        logging.getLogger(noisy).setLevel(logging.WARNING if verbose else logging.ERROR)


def _fail(message: str, code: int = EXIT_ERROR) -> None:
    typer.secho(f"error: {message}", fg="red", err=True)
    raise typer.Exit(code)


def _friendly(fn):
    """Translate the library's specific errors into one clear line and an exit code."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from embeddings import ModelUnavailableError
        from qa.answer import QuestionError
        from qa.index import IndexFolderError
        from qa.store import IndexBusyError

        try:
            return fn(*args, **kwargs)
        except QuestionError as exc:
            _fail(str(exc), EXIT_USAGE)
        except (IndexFolderError, IndexBusyError, ModelUnavailableError) as exc:
            _fail(str(exc))
        except ValueError as exc:
            _fail(str(exc))
        except KeyboardInterrupt:
            _fail("interrupted; nothing was changed", 130)

    return wrapper


IndexOpt = typer.Option(None, "--index", help="Index folder [env QA_INDEX_DIR; default ./index]")
ModelOpt = typer.Option(None, "--model", help="Embedding model: Hugging Face id or local folder [env QA_MODEL; default intfloat/multilingual-e5-small]")
RerankerOpt = typer.Option(None, "--reranker", help="Cross-encoder that reorders the top 20 passages: Hugging Face id or "
                           "local folder [env QA_RERANKER; default off: none ships offline]")


def _settings(index: Optional[Path], model: Optional[str] = None, reranker: Optional[str] = None):
    from dataclasses import replace

    from qa.settings import Settings

    s = Settings()
    return replace(s, index_dir=index or s.index_dir, model=model or s.model, reranker=reranker or s.reranker)


def _load_reranker(name: Optional[str]):
    if not name:
        return None
    from embeddings import load_reranker

    return load_reranker(name)


@app.command()
@_friendly
def ingest(
    paths: List[Path] = typer.Argument(None, help="Files or folders (.txt .md .html, BEIR corpus.jsonl); default: the sample corpus/"),
    index: Optional[Path] = IndexOpt,
    model: Optional[str] = ModelOpt,
    rebuild: bool = typer.Option(False, "--rebuild", help="Re-embed everything (needed to change model or chunking)"),
    sync: bool = typer.Option(False, "--sync", help="Afterwards the index holds exactly these documents: others are removed"),
    chunk_size: int = typer.Option(300, help="Chunk size in characters"),
    chunk_overlap: int = typer.Option(60, help="Overlap between chunks in characters"),
    max_doc_chars: int = typer.Option(None, "--max-doc-chars", min=1,
                                      help="Skip documents longer than this many characters [env QA_MAX_DOC_CHARS; default 300000]"),
    verbose: bool = typer.Option(False, "-v", "--verbose"),
):
    """Add documents to the index (built if there is none): new ones are added, changed ones
    re-indexed, unchanged ones and documents indexed from elsewhere kept as they are."""
    _quiet_libraries(verbose)
    from qa.chunking import ChunkSettings
    from qa.engine import NothingToIndexError
    from qa.engine import ingest as run_ingest

    s = _settings(index, model)
    sources = paths or [s.corpus_dir]
    try:
        from qa.documents import MAX_DOC_CHARS

        limit = max_doc_chars or int(os.environ.get("QA_MAX_DOC_CHARS") or MAX_DOC_CHARS)
        built, skipped, report = run_ingest(sources, s.index_dir, model=s.model, chunking=ChunkSettings(chunk_size, chunk_overlap),
                                            rebuild=rebuild, sync=sync, progress=True, max_doc_chars=limit)
    except NothingToIndexError as exc:
        for sk in exc.skipped:
            typer.secho(f"skipped {sk.path}: {sk.reason}", fg="yellow", err=True)
        _fail("no documents to index: give readable .txt, .md, .html or corpus.jsonl files", EXIT_EMPTY)
    counts = built.manifest["counts"]
    typer.echo(f"{report.summary()}: the index at {s.index_dir} holds {counts['documents']} documents as "
               f"{counts['chunks']} chunks ({counts['embedded']} embedded, the rest reused) with {built.model}")
    if counts.get("copies"):
        typer.echo(f"{counts['duplicate_groups']} stories are held more than once ({counts['copies']} copies): "
                   "each is cited once, from its earliest copy")
    for sk in skipped:
        typer.secho(f"skipped {sk.path}: {sk.reason}", fg="yellow", err=True)
    if skipped:
        typer.secho(f"{len(skipped)} input(s) skipped; the other documents were indexed", fg="yellow", err=True)
        raise typer.Exit(EXIT_SKIPPED)


@app.command()
@_friendly
def remove(
    names: List[str] = typer.Argument(..., help="Document ids or file names, as `qa ingest` and the citations show them"),
    index: Optional[Path] = IndexOpt,
    verbose: bool = typer.Option(False, "-v", "--verbose"),
):
    """Remove documents from the index (nothing is embedded; a running server switches to the result)."""
    _quiet_libraries(verbose)
    from qa.engine import remove as run_remove

    s = _settings(index)
    built, report, unknown = run_remove(names, s.index_dir)
    typer.echo(f"{report.summary()}: the index at {s.index_dir} holds {built.manifest['counts']['documents']} documents")
    for name in unknown:
        typer.secho(f"not in the index: {name}", fg="yellow", err=True)


def _highlight(text: str, start: int, end: int, color: bool) -> str:
    if start >= end:
        return text
    mid = text[start:end]
    mid = typer.style(mid, fg="yellow", bold=True) if color else f"【{mid}】"
    return text[:start] + mid + text[end:]


@app.command()
@_friendly
def ask(
    question: str = typer.Argument(..., help="The question, e.g. 桂林的破案率是多少"),
    index: Optional[Path] = IndexOpt,
    model: Optional[str] = ModelOpt,
    k: int = typer.Option(5, "-k", min=1, max=50, help="How many passages to retrieve and cite"),
    retriever: str = typer.Option("hybrid", help="hybrid | dense | bm25"),
    reranker: Optional[str] = RerankerOpt,
    as_json: bool = typer.Option(False, "--json", help="Print the answer as JSON"),
    verbose: bool = typer.Option(False, "-v", "--verbose"),
):
    """Answer a question with numbered citations (builds the index from corpus/ first if needed)."""
    _quiet_libraries(verbose)
    from qa.answer import check_question
    from qa.engine import ensure_index

    check_question(question)  # before any slow loading
    s = _settings(index, model, reranker)
    engine = ensure_index(s.index_dir, s.corpus_dir, model=s.model, progress=True, reranker=_load_reranker(s.reranker))
    result = engine.ask(question, k=k, retriever=retriever)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    color = sys.stdout.isatty()
    if not result.answered:
        # A refusal: what is missing, then what the corpus does have, plainly not numbered as sources.
        typer.echo(result.answer)
        if result.related:
            typer.echo("\n相关段落（仅供参考，不是答案的来源）：")
        for c in result.related:
            meta = " · ".join(x for x in (c.title, c.date, c.source) if x)
            typer.echo(f"\n- {meta}  ({c.path or c.doc_id})")
            typer.echo("    " + c.text.replace("\n", "\n    "))
        return
    if result.answer_span:
        typer.echo(("答案：" + typer.style(result.answer_span, bold=True)) if color else f"答案：**{result.answer_span}**")
    typer.echo(result.answer)
    for c in result.citations:
        meta = " · ".join(c.meta())
        typer.echo(f"\n[{c.n}] {meta}  (score {c.score:.3f}, {c.path or c.doc_id})")
        if c.copies:
            typer.echo(f"    the same story is also in {len(c.copies)} other document(s): {', '.join(c.copies)}")
        typer.echo("    " + _highlight(c.text, c.answer_start, c.answer_end, color).replace("\n", "\n    "))


def main() -> None:
    from qa import evalcli, servecli  # noqa: F401 - registers `qa eval` and `qa serve`

    app()


if __name__ == "__main__":
    main()
