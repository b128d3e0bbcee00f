"""Retrieval evaluation on BEIR-format sets and on users' own question files.

Document-level ranking metrics come from ir-measures (a document's score is its best chunk's
score); ``AnswerRecall@k`` asks whether one of the top-k chunks contains a gold answer string after
the project's normalization on both sides, which is what a reader of the citations needs.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import statistics
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from qa.cancel import checkpoint
from qa.chunking import ChunkSettings
from qa.normalize import has_cjk, normalize
from qa.records import Document

log = logging.getLogger(__name__)

METRICS = ["R@1", "R@5", "R@10", "RR@10", "nDCG@10", "AnswerRecall@1", "AnswerRecall@5"]
# Answer-level: answered with the gold in the answer sentence; the span equals or contains the gold
# (questions that ask for a figure, date, person, place or name); citation [1] holds the gold;
# answerable questions refused; unanswerable questions (marked, or derived near misses) answered;
# answerable questions asked with their gold documents hidden (held out) answered without the gold.
ANSWER_METRICS = ["AnswerAccuracy", "SpanAccuracy", "CitationPrecision", "RefusalRate", "FalseAnswerRate", "HeldOutAnswerRate"]
CHUNK_DEPTH = 100  # chunks retrieved per question, enough to rank at least 10 documents
LATENCY_SAMPLE = 100


class DatasetError(ValueError):
    """A malformed evaluation set; the message names the file and line."""


@dataclass(frozen=True)
class Query:
    id: str
    text: str
    answers: tuple[str, ...] = ()
    relevant: frozenset[str] = frozenset()
    unanswerable: bool = False
    withheld: frozenset[str] = frozenset()  # documents hidden when it is asked (:func:`held_out`)
    history: tuple[str, ...] = ()  # the conversation's earlier questions, oldest first: it is a follow-up

    @property
    def searched(self) -> str:
        """What is searched: the question, or a follow-up's rewrite by its ``history`` (那白城呢 -> 白城的…)."""
        if not self.history:
            return self.text
        from qa.conversation import rewrite

        return rewrite(self.text, self.history)


@dataclass
class Dataset:
    name: str
    folder: Path
    documents: list[Document]
    queries: list[Query]
    fingerprint: str = ""


@dataclass
class Result:
    dataset: str
    retriever: str
    model: str
    chunking: dict
    queries: int
    metrics: dict[str, float | None]
    latency_ms: dict[str, float]
    build_seconds: float
    eval_seconds: float
    failures: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "dataset": self.dataset, "retriever": self.retriever, "model": self.model, "chunking": self.chunking,
            "queries": self.queries, "metrics": self.metrics, "latency_ms": self.latency_ms,
            "build_seconds": self.build_seconds, "eval_seconds": self.eval_seconds, "failures": self.failures,
        }


def _read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        raise DatasetError(f"{path} is missing: a BEIR set needs corpus.jsonl, queries.jsonl and qrels/test.tsv")
    rows = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                if not isinstance(row, dict) or "_id" not in row or "text" not in row:
                    raise ValueError("needs _id and text")
            except ValueError as exc:
                raise DatasetError(f"{path}:{lineno}: not a valid record ({exc})") from exc
            rows.append(row)
    return rows


def load_beir(folder: Path | str) -> Dataset:
    """Read and validate a BEIR folder (corpus.jsonl, queries.jsonl, qrels/test.tsv)."""
    from qa.documents import clean

    folder = Path(folder)
    if not folder.is_dir():
        raise DatasetError(f"{folder} is not a folder: give a BEIR-format dataset folder")
    corpus_path = folder / "corpus.jsonl"
    documents = []
    for row in _read_jsonl(corpus_path):
        doc = clean(str(row["text"]), title=row.get("title") or "")
        documents.append(Document(id=str(row["_id"]), text=doc.text or str(row["text"]), title=doc.title,
                                  date=doc.date, source=doc.source, path=f"corpus.jsonl#{row['_id']}"))
    queries_raw = _read_jsonl(folder / "queries.jsonl")
    qrels_path = folder / "qrels" / "test.tsv"
    if not qrels_path.exists():
        raise DatasetError(f"{qrels_path} is missing: a BEIR set needs qrels/test.tsv")
    doc_ids = {d.id for d in documents}
    query_ids = {str(q["_id"]) for q in queries_raw}
    relevant: dict[str, set[str]] = {}
    with open(qrels_path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            parts = line.rstrip("\n").split("\t")
            if lineno == 1 and parts[0] in ("query-id", "query_id", "qid"):
                continue
            if not line.strip():
                continue
            if len(parts) < 3:
                raise DatasetError(f"{qrels_path}:{lineno}: expected query-id<TAB>corpus-id<TAB>score")
            qid, did, score = parts[0], parts[1], parts[2]
            if qid not in query_ids:
                raise DatasetError(f"{qrels_path}:{lineno}: query id {qid!r} is not in queries.jsonl")
            if did not in doc_ids:
                raise DatasetError(f"{qrels_path}:{lineno}: corpus id {did!r} is not in corpus.jsonl")
            try:
                if float(score) > 0:
                    relevant.setdefault(qid, set()).add(did)
            except ValueError as exc:
                raise DatasetError(f"{qrels_path}:{lineno}: score {score!r} is not a number") from exc
    queries = [Query(str(q["_id"]), str(q["text"]), tuple(q.get("answers") or ()), frozenset(relevant.get(str(q["_id"]), ())))
               for q in queries_raw if str(q["_id"]) in relevant]
    digest = hashlib.sha256(corpus_path.read_bytes()).hexdigest()[:16]
    return Dataset(folder.name, folder, documents, queries, digest)


def load_questions(path: Path | str, index) -> list[Query]:
    """A user's own checks: CSV or JSONL rows of ``question`` and ``expected_doc`` and/or ``expected_answer``,
    or ``unanswerable`` (JSON true, or a CSV column saying true/1/yes) for questions the corpus cannot answer.

    ``expected_doc`` may be a document id or its file name; several may be separated by ``|``. A
    follow-up gives the conversation's earlier questions, oldest first, as ``history`` (a JSON list,
    or a CSV column separating them by ``|``): ``{"question": "那白城呢？", "history": ["桂林的破案率是多少"], …}``.
    """
    path = Path(path)
    if not path.exists():
        raise DatasetError(f"{path} does not exist")
    if path.suffix.lower() == ".csv":
        with open(path, encoding="utf-8-sig", newline="") as f:
            rows = list(enumerate(csv.DictReader(f), 2))
    else:
        rows = []
        with open(path, encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                if line.strip():
                    try:
                        rows.append((lineno, json.loads(line)))
                    except ValueError as exc:
                        raise DatasetError(f"{path}:{lineno}: not valid JSON ({exc})") from exc
    by_name = {}
    for doc in index.documents.values():
        by_name[doc.id] = doc.id
        by_name[doc.path] = doc.id
        by_name[Path(doc.path).stem] = doc.id
    queries = []
    for lineno, row in rows:
        question = (row.get("question") or "").strip()
        if not question:
            raise DatasetError(f"{path}:{lineno}: the question is empty")
        history = row.get("history") or ()
        if isinstance(history, str):
            history = [h for h in history.split("|") if h.strip()]
        if not isinstance(history, (list, tuple)) or not all(isinstance(h, str) and h.strip() for h in history):
            raise DatasetError(f"{path}:{lineno}: history must be a list of the earlier questions, as text")
        history = tuple(h.strip() for h in history)
        unanswerable = str(row.get("unanswerable") or "").strip().lower() in ("true", "1", "yes", "y")
        if unanswerable:
            queries.append(Query(f"q{lineno}", question, unanswerable=True, history=history))
            continue
        expected = [e.strip() for e in str(row.get("expected_doc") or "").split("|") if e.strip()]
        unknown = [e for e in expected if e not in by_name]
        if unknown:
            raise DatasetError(f"{path}:{lineno}: expected_doc {unknown[0]!r} is not a document in the index")
        answers = tuple(a for a in str(row.get("expected_answer") or "").split("|") if a.strip())
        if not expected and not answers:
            raise DatasetError(f"{path}:{lineno}: give expected_doc and/or expected_answer, or mark it unanswerable")
        queries.append(Query(f"q{lineno}", question, answers, frozenset(by_name[e] for e in expected), history=history))
    return queries


def index_for(dataset: Dataset, encoder, chunking: ChunkSettings, cache_dir: Path, progress: bool = False):
    """The dataset's index, built once and cached by corpus hash + model + chunking."""
    from qa.index import IndexFolderError, build_index, open_index

    parts = [dataset.fingerprint, encoder.name, encoder.prompts, asdict(chunking)]
    backend = getattr(encoder, "backend", "torch")
    if backend != "torch":  # float32 keys stay as they were, so cached indexes remain valid
        parts.append(backend)
    key = hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()[:12]
    folder = Path(cache_dir) / "eval-indexes" / f"{dataset.name}-{key}"
    try:
        index = open_index(folder, model=encoder.name)
        if index.title_vectors is not None:
            return index, index.manifest.get("build_seconds") or 0.0, True
        log.info("adding title-aware vectors to the cached index %s", folder)  # built by an earlier version
    except IndexFolderError:
        pass
    started = time.perf_counter()
    index = build_index(dataset.documents, folder, encoder, chunking, reuse=True, progress=progress)
    return index, time.perf_counter() - started, False


def _doc_run(hits) -> dict[str, float]:
    best: dict[str, float] = {}
    for h in hits:
        if h.chunk.doc_id not in best:
            best[h.chunk.doc_id] = float(h.score) - 1e-9 * h.rank  # rank breaks score ties
    return best


def _contains_answer(text: str, answers: Iterable[str]) -> bool:
    norm = normalize(text)
    return any(normalize(a) in norm for a in answers if a)


def _encode_queries(encoder, texts: Sequence[str], step: int = 256) -> np.ndarray:
    parts = []
    for i in range(0, len(texts), step):  # in slices, so a cancelled evaluation stops here too
        checkpoint()
        parts.append(encoder.encode_queries(texts[i : i + step]))
    return np.vstack(parts) if parts else np.zeros((0, encoder.dim), dtype=np.float32)


def evaluate(index, encoder, queries: Sequence[Query], retriever: str, *, dataset: str = "", build_seconds: float = 0.0,
             progress: bool = False, query_vectors: np.ndarray | None = None, failure_depth: int = 10,
             answers: bool = True, reranker=None) -> Result:
    """Run every query through one retriever and compute the metrics; with ``answers``, also ask
    each question that has gold answers or is unanswerable and compute the answer-level metrics.
    A ``retriever`` ending in ``+rerank`` (e.g. ``hybrid+rerank``) is reordered by ``reranker``."""
    import ir_measures
    from ir_measures import RR, R, nDCG
    from tqdm.auto import tqdm

    from qa.engine import QueryCache
    from qa.retrieve import make_retriever

    started = time.perf_counter()
    encoder = getattr(encoder, "inner", encoder)  # latency is measured without the engine's query cache
    texts = [q.searched for q in queries]
    if query_vectors is None and retriever != "bm25":
        query_vectors = _encode_queries(encoder, texts)
    fast = encoder
    if query_vectors is not None:  # questions embedded in one batch are not embedded again one by one
        fast = QueryCache(encoder, size=len(texts) + 64)
        fast.remember(texts, query_vectors)
    r = make_retriever(retriever, index, fast, reranker=reranker)
    runs, answer_hits = {}, {}
    for q, text in tqdm(list(zip(queries, texts)), desc=f"{dataset or 'questions'} · {retriever}", unit="q",
                        disable=not progress):
        checkpoint()
        if q.unanswerable:
            continue
        hits = r.search(text, CHUNK_DEPTH)  # (a follow-up's rewrite, made once above)
        runs[q.id] = _doc_run(hits)
        answer_hits[q.id] = [h.chunk.text for h in hits[:5]]
    latencies = _latency(make_retriever(retriever, index, encoder, reranker=reranker), queries[:LATENCY_SAMPLE])

    judged = [q for q in queries if q.relevant and not q.unanswerable]
    metrics: dict[str, float | None] = {m: None for m in METRICS}
    if judged:
        qrels = [ir_measures.Qrel(q.id, d, 1) for q in judged for d in q.relevant]
        run = [ir_measures.ScoredDoc(q.id, d, s) for q in judged for d, s in runs[q.id].items()]
        measures = {"R@1": R @ 1, "R@5": R @ 5, "R@10": R @ 10, "RR@10": RR @ 10, "nDCG@10": nDCG @ 10}
        agg = ir_measures.calc_aggregate(list(measures.values()), qrels, run)
        for name, measure in measures.items():
            metrics[name] = round(float(agg.get(measure, 0.0)), 4)
    with_answers = [q for q in queries if q.answers and not q.unanswerable]
    if with_answers:
        for k in (1, 5):
            found = sum(any(_contains_answer(t, q.answers) for t in answer_hits[q.id][:k]) for q in with_answers)
            metrics[f"AnswerRecall@{k}"] = round(found / len(with_answers), 4)

    failures = []
    if answers:
        answer_metrics, answer_failures = evaluate_answers(index, fast, queries, retriever, progress=progress, dataset=dataset,
                                                           reranker=reranker)
        metrics.update(answer_metrics)
    for q in queries:
        if q.unanswerable:
            continue
        top = sorted(runs[q.id], key=lambda d: -runs[q.id][d])[:failure_depth]
        doc_miss = bool(q.relevant) and not (q.relevant & set(top))
        answer_miss = not q.relevant and bool(q.answers) and not any(_contains_answer(t, q.answers) for t in answer_hits[q.id])
        if doc_miss or answer_miss:
            failures.append({"query_id": q.id, "question": q.text, "gold": sorted(q.relevant) or list(q.answers),
                             "retrieved": top[:5]})
    if answers:
        failures += answer_failures
    return Result(dataset=dataset, retriever=retriever, model=getattr(index, "model", encoder.name),
                  chunking=index.manifest.get("chunking", {}), queries=len(queries), metrics=metrics,
                  latency_ms=latencies, build_seconds=round(build_seconds, 2),
                  eval_seconds=round(time.perf_counter() - started, 2), failures=failures)


def evaluate_answers(index, encoder, queries: Sequence[Query], retriever: str = "hybrid", *, k: int = 5,
                     progress: bool = False, dataset: str = "", reranker=None) -> tuple[dict[str, float | None], list[dict]]:
    """Ask every question with gold answers or marked unanswerable; the answer-level metrics and
    the questions that failed them (a wrong or refused answer, a false answer)."""
    from tqdm.auto import tqdm

    from qa.answer import QuestionError, analyze
    from qa.engine import Engine
    from qa.records import Answer
    from qa.retrieve import RERANK

    engine = Engine(index, encoder, reranker=reranker if retriever.endswith(RERANK) else None)
    answerable = [q for q in queries if q.answers and not q.unanswerable]
    unanswerable = [q for q in queries if q.unanswerable]
    counts = {m: 0 for m in ANSWER_METRICS}
    typed = 0
    failures = []
    withheld = [q for q in unanswerable if q.withheld]
    for q in tqdm(answerable + unanswerable, desc=f"{dataset or 'questions'} · answers", unit="q", disable=not progress):
        checkpoint()
        keep = (lambda doc, hidden=q.withheld: doc.id not in hidden) if q.withheld else None
        try:
            result = engine.ask(q.text, k=k, retriever=retriever, history=q.history, doc_filter=keep)
        except QuestionError as exc:  # e.g. an empty question in the set: counted as not answered
            log.warning("question %s cannot be asked: %s", q.id, exc)
            result = Answer(q.text, str(exc), False, reason="no_match")
        asked = {"query_id": q.id, "question": q.text}
        if q.history:  # (a follow-up: what it followed, and what was searched)
            asked.update(history=list(q.history), searched=result.query)
        if q.withheld:  # its passage hidden: an answer is false unless another passage holds the gold too
            false = result.answered and not _contains_answer(result.answer, q.answers)
            counts["HeldOutAnswerRate"] += false
            if false:
                failures.append({**asked, "gold": ["(held out)"], "answer": result.answer,
                                 "kind": "held-out answer"})
            continue
        if q.unanswerable:
            counts["FalseAnswerRate"] += result.answered
            if result.answered:
                failures.append({**asked, "gold": ["(unanswerable)"], "answer": result.answer,
                                 "kind": "false answer"})
            continue
        correct = result.answered and _contains_answer(result.answer, q.answers)
        counts["AnswerAccuracy"] += correct
        counts["RefusalRate"] += not result.answered
        counts["CitationPrecision"] += bool(result.citations) and _contains_answer(result.citations[0].text, q.answers)
        if analyze(result.query or q.text).asks != "open":  # (a follow-up asks what its rewrite asks)
            typed += 1
            counts["SpanAccuracy"] += bool(result.answer_span) and _contains_answer(result.answer_span, q.answers)
        if not correct:
            failures.append({**asked, "gold": list(q.answers), "answer": result.answer,
                             "kind": "refused" if not result.answered else "wrong sentence"})
    metrics: dict[str, float | None] = {m: None for m in ANSWER_METRICS}
    if answerable:
        for m in ("AnswerAccuracy", "CitationPrecision", "RefusalRate"):
            metrics[m] = round(counts[m] / len(answerable), 4)
        metrics["SpanAccuracy"] = round(counts["SpanAccuracy"] / typed, 4) if typed else None
    if len(unanswerable) > len(withheld):
        metrics["FalseAnswerRate"] = round(counts["FalseAnswerRate"] / (len(unanswerable) - len(withheld)), 4)
    if withheld:
        metrics["HeldOutAnswerRate"] = round(counts["HeldOutAnswerRate"] / len(withheld), 4)
    return metrics, failures


def near_misses(queries: Sequence[Query], documents: Iterable[Document], n: int, seed: int = 0) -> list[Query]:
    """Up to ``n`` unanswerable questions made from ``queries`` by swapping a place (a Chinese
    administrative division) or a year for one that ``documents`` never mention: the same question
    about somewhere, or some time, else.

    A system that matches only the predicate answers these with the original place's figure; the
    derived questions let anyone measure that on their own data. Deterministic for a given ``seed``.
    """
    import random

    from qa.answer.places import gazetteer
    from qa.answer.question import analyze

    corpus = "\n".join(normalize(f"{d.title}\n{d.text}") for d in documents)
    gaz = gazetteer()
    places = sorted({min(gaz.forms([p.code]), key=len) for p in gaz.places.values() if p.level < 2})
    unseen_places = [p for p in places if not any(f in corpus for f in gaz.forms(gaz.aliases.get(p, ())))]
    rng = random.Random(seed)
    rng.shuffle(unseen_places)
    order = list(queries)
    rng.shuffle(order)
    out: list[Query] = []
    for q in order:
        if len(out) >= n or not unseen_places:
            break
        if q.unanswerable:
            continue
        constraints = analyze(q.text).constraints
        # Only gazetteer places and years: jieba also tags 城市 and 东西 as places.
        chosen = next((c for c in constraints if c.kind == "place"), None) or next((c for c in constraints if c.kind == "year"), None)
        if chosen is None:
            continue
        if chosen.kind == "year":
            year = next((y for d in range(1, 200) for y in (chosen.year - d, chosen.year + d)
                         if 1000 < y < 2100 and str(y) not in corpus), None)
            if year is None:
                continue
            # (a year in Chinese numerals, 二零零九年, is swapped whole for digits: its digits are not in the question)
            text = (q.text.replace(str(chosen.year), str(year), 1) if str(chosen.year) in chosen.text
                    else q.text.replace(chosen.text, f"{year}年", 1))
        else:
            place = unseen_places[len(out) % len(unseen_places)]
            if not has_cjk(q.text):  # an English question names the place in pinyin
                from pypinyin import lazy_pinyin

                place = "".join(lazy_pinyin(place)).capitalize()
            text = q.text.replace(chosen.text, place, 1)
        if text == q.text:  # (never the question itself, counted as unanswerable)
            continue
        out.append(Query(f"{q.id}-near-miss", text, unanswerable=True, history=q.history))
    return out


def held_out(queries: Sequence[Query], n: int, seed: int = 0) -> list[Query]:
    """Up to ``n`` of ``queries`` (answerable, with gold documents) asked again with their gold
    documents hidden: the subject is still in the corpus (an article's other paragraphs, other
    reports), the fact asked is not. Answering one is answering what the corpus does not say
    (``HeldOutAnswerRate``), unless another passage holds the gold answer too. Deterministic for a
    given ``seed``."""
    import random

    order = [q for q in queries if q.answers and q.relevant and not q.unanswerable]
    random.Random(seed).shuffle(order)
    return [Query(f"{q.id}-held-out", q.text, q.answers, unanswerable=True, withheld=q.relevant, history=q.history)
            for q in order[:n]]


def derived(queries: Sequence[Query], documents: Iterable[Document], near: int, held: int) -> list[Query]:
    """The unanswerable questions made from ``queries`` over ``documents``: up to ``near`` near misses
    (:func:`near_misses`) and ``held`` held-out questions (:func:`held_out`)."""
    return near_misses(queries, documents, near) + held_out(queries, held)


def _latency(retriever, queries: Sequence[Query]) -> dict[str, float]:
    """p50/p95 of one-question-at-a-time retrieval, query embedding included."""
    times = []
    for q in queries:
        t = time.perf_counter()
        retriever.search(q.text, 10)
        times.append((time.perf_counter() - t) * 1000)
    if not times:
        return {"p50": 0.0, "p95": 0.0}
    p95 = float(np.percentile(times, 95))
    return {"p50": round(statistics.median(times), 1), "p95": round(p95, 1)}


def calibrate(engine, positives: Sequence[str], negatives: Sequence[str], progress: bool = False) -> dict:
    """Pick the answer threshold with the best F1 for 'answerable' (positives) vs not (negatives).

    A question refused whatever the threshold (a place or year its corpus lacks: near misses) is
    scored -1, so it neither needs nor pulls the threshold; among equally good thresholds the
    highest is kept, the safer side for unanswerable questions unlike the negatives given.
    """
    from tqdm.auto import tqdm

    scored = []
    for label, questions in ((1, positives), (0, negatives)):
        for q in tqdm(questions, desc="calibrating" if label else "calibrating (negatives)", disable=not progress):
            result = engine.ask(q, threshold=-1.0)
            # refused whatever the threshold (a place or year the corpus lacks, nothing of what is asked)
            scored.append((result.confidence if result.answered else -1.0, label))
    candidates = sorted({round(s, 4) for s, _ in scored})
    best = {"f1": -1.0}
    for t in candidates:
        tp = sum(1 for s, y in scored if s >= t and y)
        fp = sum(1 for s, y in scored if s >= t and not y)
        fn = sum(1 for s, y in scored if s < t and y)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        if f1 >= best["f1"]:  # ties: the highest threshold, the safer side for questions unlike the negatives
            below = [c for c in candidates if -1.0 < c < t]  # -1: refused whatever the threshold
            # halfway to the next lower score: the same split, with a margin on both sides
            threshold = (t + below[-1]) / 2 if below else max(0.0, t - 0.05)
            best = {"threshold": round(threshold, 4), "f1": round(f1, 4), "precision": round(precision, 4), "recall": round(recall, 4)}
    best.update(positives=len(positives), negatives=len(negatives))
    return best
