"""``qa eval``: retrieval metrics on BEIR sets or your own question file; refusal calibration."""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer

from qa.cli import EXIT_USAGE, IndexOpt, ModelOpt, RerankerOpt, _fail, _friendly, _load_reranker, _quiet_libraries, _settings, app


SAMPLE = Path(__file__).resolve().parent / "data" / "sample"  # the sample articles' BEIR set + answers.jsonl


@app.command("eval")
@_friendly
def eval_command(
    datasets: List[Path] = typer.Argument(None, help="BEIR folders (corpus.jsonl, queries.jsonl, qrels/test.tsv); "
                                          "none: the bundled sample questions. `qa eval convert SQUAD.json OUT_DIR` "
                                          "turns a SQuAD-style file (CMRC 2018, DRCD) into such a folder"),
    retriever: str = typer.Option("hybrid", help="hybrid | dense | bm25 | all"),
    k: int = typer.Option(10, "-k", min=1, max=100, help="A question fails when its gold document is not in the top k"),
    model: Optional[str] = ModelOpt,
    reranker: Optional[str] = RerankerOpt,
    json_out: Optional[Path] = typer.Option(None, "--json", help="Write the results as JSON to this file"),
    report: Optional[Path] = typer.Option(None, "--report", help="Write report.md, chart.png and failures here"),
    questions: Optional[Path] = typer.Option(None, "--questions", help="CSV/JSONL of question, expected_doc, expected_answer; run against --index"),
    index: Optional[Path] = IndexOpt,
    calibrate: Optional[Path] = typer.Option(None, "--calibrate", help="BEIR folder of answerable questions for the index"),
    negatives: Optional[Path] = typer.Option(None, "--negatives", help="BEIR folder or text file (one per line) of unanswerable questions"),
    limit: int = typer.Option(200, help="With --calibrate: at most this many questions from each side"),
    near: int = typer.Option(0, "--near-misses", min=0, help="Add this many unanswerable questions derived from each set's own "
                             "(a place or year swapped for one its corpus never mentions); reports FalseAnswerRate"),
    held: int = typer.Option(0, "--held-out", min=0, help="Ask this many of each set's answerable questions again with their gold "
                             "passages hidden (the subject stays, the fact is gone); reports HeldOutAnswerRate"),
    answers: bool = typer.Option(True, "--answers/--no-answers", help="Also ask each question and report answer-level metrics"),
    chunk_size: int = typer.Option(300), chunk_overlap: int = typer.Option(60),
    verbose: bool = typer.Option(False, "-v", "--verbose"),
):
    """Measure how well questions find their passages, compare retrievers, calibrate refusals.

    With no dataset, evaluates the sample questions bundled with corpus-qa (retrieval and answers on
    the five sample articles, refusals included)."""
    _quiet_libraries(verbose)
    if datasets and str(datasets[0]) == "convert" and not (datasets[0] / "corpus.jsonl").exists():
        return _convert(datasets[1:])
    from embeddings import default_cache_dir, load_encoder
    from qa.chunking import ChunkSettings
    from qa.evaluate import derived, evaluate, index_for, load_beir, load_questions
    from qa.report import text_table, write_report
    from qa.retrieve import RERANK, RETRIEVERS

    kinds = list(RETRIEVERS) if retriever == "all" else [retriever]
    if any(kind not in RETRIEVERS for kind in kinds):
        _fail(f"unknown retriever {retriever!r}: choose hybrid, dense, bm25 or all", EXIT_USAGE)
    s = _settings(index, model, reranker)
    cross = _load_reranker(s.reranker)
    if cross is not None:  # each retriever with and without reranking, side by side
        kinds += [kind + RERANK for kind in kinds]
    if calibrate is not None:
        return _calibrate(s, calibrate, negatives, limit, near or limit)
    bundled = not datasets and questions is None
    if bundled:  # a newcomer's first run: the sample set and its answer checks, shipped in the package
        datasets = [SAMPLE]
        typer.echo(f"no dataset given: evaluating the bundled sample questions ({SAMPLE})", err=True)

    results = []
    if questions is not None:
        from qa.engine import Engine

        engine = Engine.open(s.index_dir, model=s.model)
        qs = load_questions(questions, engine.index)
        qs += derived(qs, engine.index.documents.values(), near, held)
        for kind in kinds:
            results.append(evaluate(engine.index, engine.encoder, qs, kind, dataset=questions.name, progress=True,
                                    failure_depth=k, answers=answers, reranker=cross))
    if datasets:
        encoder = load_encoder(s.model)
        chunking = ChunkSettings(chunk_size, chunk_overlap)
        for folder in datasets:
            ds = load_beir(folder)  # validates before any slow work
            idx, build_s, cached = index_for(ds, encoder, chunking, default_cache_dir(), progress=True)
            typer.echo(f"{ds.name}: {len(ds.documents)} documents, {len(idx)} chunks, {len(ds.queries)} questions "
                       f"({'cached index' if cached else f'indexed in {build_s:.0f} s'})", err=True)
            qs = ds.queries + derived(ds.queries, ds.documents, near, held)
            vectors = encoder.encode_queries([q.text for q in qs]) if kinds != ["bm25"] else None
            for kind in kinds:
                results.append(evaluate(idx, encoder, qs, kind, dataset=ds.name, build_seconds=build_s,
                                        progress=True, query_vectors=vectors, failure_depth=k, answers=answers,
                                        reranker=cross))
            if bundled and answers:  # the answer checks, unanswerable questions included, on the same index
                checks = load_questions(SAMPLE / "answers.jsonl", idx)
                for kind in kinds:
                    results.append(evaluate(idx, encoder, checks, kind, dataset="sample-answers", progress=True,
                                            failure_depth=k, reranker=cross))
    typer.echo(text_table(results))
    if json_out is not None:
        payload = [r.to_dict() for r in results]
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(payload[0] if len(payload) == 1 else payload, ensure_ascii=False, indent=2), encoding="utf-8")
        typer.echo(f"wrote {json_out}", err=True)
    if report is not None:
        typer.echo(f"wrote {write_report(results, report)}", err=True)


def _convert(args: List[Path]) -> None:
    from qa.squad import squad_to_beir

    if len(args) != 2:
        _fail("usage: qa eval convert SQUAD.json OUT_DIR  (a SQuAD-style file: CMRC 2018, DRCD, SQuAD, XQuAD)", EXIT_USAGE)
    done = squad_to_beir(args[0], args[1])
    impossible = f"; {done.skipped} questions without an answer left out" if done.skipped else ""
    typer.echo(f"wrote {done.folder}: {done.documents} documents, {done.queries} questions{impossible}. "
               f"Evaluate it with: qa eval {done.folder}")


def _questions_from(path: Path) -> list[str]:
    from qa.evaluate import load_beir

    if path.is_dir():
        return [q.text for q in load_beir(path).queries]
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _calibrate(s, dataset: Path, negatives: Optional[Path], limit: int, near: int) -> None:
    from qa.engine import ensure_index
    from qa.evaluate import Query, calibrate, near_misses
    from qa.index import set_manifest_values

    engine = ensure_index(s.index_dir, s.corpus_dir, model=s.model, progress=True)
    positives = _questions_from(dataset)[:limit]
    if negatives is not None:
        negative_questions = _questions_from(negatives)[:limit]
    else:  # near misses of the positives: the same questions about places and years the index never mentions
        derived = near_misses([Query(str(i), q) for i, q in enumerate(positives)], engine.index.documents.values(), near)
        negative_questions = [q.text for q in derived]
        if not negative_questions:
            _fail("no near misses could be derived from these questions (none names a place or year): give --negatives", EXIT_USAGE)
    found = calibrate(engine, positives, negative_questions, progress=True)
    set_manifest_values(s.index_dir, answer_threshold=found["threshold"], calibration=found)
    typer.echo(f"answer threshold {found['threshold']:.4f}: precision {found['precision']:.3f}, recall {found['recall']:.3f}, "
               f"F1 {found['f1']:.3f} on {found['positives']} answerable and {found['negatives']} unanswerable questions; "
               f"written to the manifest of the index at {s.index_dir}")
