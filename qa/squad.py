"""SQuAD-style reading-comprehension files (CMRC 2018, DRCD, SQuAD, XQuAD) to BEIR folders that
``qa eval`` reads: each distinct paragraph a document, each answerable question a query with its
answers, the paragraph it was asked on its relevant document."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from qa.evaluate import DatasetError


@dataclass(frozen=True)
class Converted:
    folder: Path
    documents: int
    queries: int
    skipped: int  # questions without an answer (SQuAD 2.0 ``is_impossible``): not retrieval questions


def squad_to_beir(source: Path | str, out: Path | str, prefix: str | None = None) -> Converted:
    """Write ``out/{corpus.jsonl, queries.jsonl, qrels/test.tsv}`` from the SQuAD JSON ``source``."""
    source, out = Path(source), Path(out)
    try:
        data = json.loads(source.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise DatasetError(f"{source} is not a readable JSON file ({exc})") from None
    articles = data.get("data") if isinstance(data, dict) else None
    if not isinstance(articles, list):
        raise DatasetError(f"{source} is not SQuAD-style: expected {{\"data\": [{{\"title\", \"paragraphs\": "
                           "[{\"context\", \"qas\": [{\"id\", \"question\", \"answers\"}]}]}]}")
    if (out / "corpus.jsonl").exists():
        raise DatasetError(f"{out} already holds a BEIR set (corpus.jsonl): choose another folder or remove it")
    prefix = prefix or source.stem
    doc_of: dict[str, str] = {}  # context -> document id (a paragraph asked about twice is one document)
    corpus, queries, qrels, skipped = [], [], [], 0
    for a, article in enumerate(articles):
        title = str(article.get("title") or "") if isinstance(article, dict) else ""
        for p, paragraph in enumerate(article.get("paragraphs") or [] if isinstance(article, dict) else []):
            context = str(paragraph.get("context") or "").strip()
            if not context:
                continue
            if context not in doc_of:
                doc_of[context] = f"{prefix}-{len(doc_of):05d}"
                corpus.append({"_id": doc_of[context], "title": title, "text": context})
            for q in paragraph.get("qas") or []:
                question = str(q.get("question") or "").strip()
                answers = list(dict.fromkeys(str(x.get("text") or "").strip() for x in q.get("answers") or []
                                             if isinstance(x, dict) and str(x.get("text") or "").strip()))
                if not question or not answers or q.get("is_impossible"):
                    skipped += 1
                    continue
                qid = str(q.get("id") or f"{prefix}-q{a}-{p}-{len(queries)}")
                queries.append({"_id": qid, "text": question, "answers": answers})
                qrels.append((qid, doc_of[context]))
    if not queries:
        raise DatasetError(f"{source} holds no answerable question: nothing to evaluate")
    (out / "qrels").mkdir(parents=True, exist_ok=True)
    for name, rows in (("corpus.jsonl", corpus), ("queries.jsonl", queries)):
        with open(out / name, "w", encoding="utf-8") as f:
            f.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    with open(out / "qrels" / "test.tsv", "w", encoding="utf-8") as f:
        f.write("query-id\tcorpus-id\tscore\n")
        f.writelines(f"{qid}\t{did}\t1\n" for qid, did in qrels)
    return Converted(out, len(corpus), len(queries), skipped)
