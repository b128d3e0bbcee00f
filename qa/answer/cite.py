"""Numbered citations (the passages an answer comes from) and related passages (shown with a refusal)."""

from __future__ import annotations

import bisect

from qa.index import Index
from qa.records import Citation, Hit


def citation(index: Index, hit: Hit, n: int, start: int, end: int, score: float) -> Citation:
    doc = index.documents[hit.chunk.doc_id]
    return Citation(n=n, doc_id=doc.id, title=doc.title, date=doc.date, source=doc.source, text=hit.chunk.text,
                    start=hit.chunk.start, end=hit.chunk.end, answer_start=start, answer_end=end,
                    score=round(float(score), 4), path=doc.path,
                    copies=tuple(index.documents[d].path or d for d in index.other_copies(doc.id)),
                    page=bisect.bisect_right(doc.pages, hit.chunk.start) + 1 if doc.pages else None)


def distinct(hits: list[Hit]) -> list[Hit]:
    """``hits`` without windows that mostly overlap a passage listed before them."""
    kept: list[Hit] = []
    for hit in hits:
        if not any(_overlaps(hit, other) for other in kept):
            kept.append(hit)
    return kept


def related(index: Index, hits: list[Hit]) -> list[Citation]:
    """Passages shown beside a refusal, one per article: what the corpus has near the question, not an answer."""
    seen: set[str] = set()
    out = []
    for hit in hits:
        if hit.chunk.doc_id not in seen:
            seen.add(hit.chunk.doc_id)
            out.append(citation(index, hit, len(out) + 1, 0, 0, hit.score))
    return out


def _overlaps(a: Hit, b: Hit) -> bool:
    if a.chunk.doc_id != b.chunk.doc_id:
        return False
    inter = min(a.chunk.end, b.chunk.end) - max(a.chunk.start, b.chunk.start)
    return inter > 0.5 * (a.chunk.end - a.chunk.start)


def by_article(citations: list[Citation]) -> list[list[Citation]]:
    """The citations grouped per article, in the order each article is first cited: what a reader
    sees as one source with its cited passages."""
    groups: dict[str, list[Citation]] = {}
    for c in citations:
        groups.setdefault(c.doc_id, []).append(c)
    return list(groups.values())
