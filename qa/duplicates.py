"""Duplicate and near-duplicate stories: the same article syndicated by several outlets, reprinted
with light edits or another page's chrome, or copied in the other script.

Each document's normalized text (traditional → simplified, full-width → half-width, case-folded,
punctuation and spaces removed) is cut into overlapping 5-character shingles and summarized by a
MinHash; datasketch's LSH finds the pairs whose estimated Jaccard similarity reaches
:data:`THRESHOLD`, and pairs join into groups. A group's canonical copy is its earliest by date (then
by id): it is the one cited, with the others named beside it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from qa.normalize import normalize
from qa.records import Document

SHINGLE = 5
NUM_PERM = 128
THRESHOLD = 0.8  # near-identical: one corrected figure or a different page footer still groups; a follow-up story does not
_NOT_TEXT = re.compile(r"[\W_]+")


def _shingles(text: str) -> set[bytes]:
    t = _NOT_TEXT.sub("", normalize(text))
    if len(t) <= SHINGLE:
        return {t.encode("utf-8")} if t else set()
    return {t[i : i + SHINGLE].encode("utf-8") for i in range(len(t) - SHINGLE + 1)}


@lru_cache(maxsize=1)
def scheme() -> str:
    """The hashing scheme of datasketch's MinHash: stored signatures are reused only under the same."""
    from datasketch import MinHash

    return MinHash(num_perm=1).scheme


def signature(text: str) -> np.ndarray | None:
    """The MinHash of ``text``'s shingles as uint32 values (None for a text without any)."""
    from datasketch import MinHash

    shingles = _shingles(text)
    if not shingles:
        return None
    m = MinHash(num_perm=NUM_PERM)
    m.update_batch(list(shingles))
    return m.hashvalues.astype(np.uint32)  # datasketch keeps them below 2**32


def find_copies(documents: Sequence[Document], threshold: float = THRESHOLD,
                signatures: dict[str, np.ndarray | None] | None = None) -> dict[str, str]:
    """``{copy id: canonical id}`` for every document that is a (near-)copy of another; canonical
    documents themselves are not keys. ``signatures`` holds the known MinHash of documents whose
    text has not changed (an ingest stores them): only the others are computed, and added to it."""
    from datasketch import LeanMinHash, MinHashLSH

    signatures = {} if signatures is None else signatures
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    sketches = {}
    for doc in documents:
        if doc.id not in signatures:
            signatures[doc.id] = signature(doc.text)
        values = signatures[doc.id]
        if values is None:
            continue
        m = LeanMinHash(seed=1, hashvalues=values.astype(np.uint64), scheme=scheme())
        sketches[doc.id] = m
        lsh.insert(doc.id, m)
    parent = {doc_id: doc_id for doc_id in sketches}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for doc_id, m in sketches.items():
        for other in lsh.query(m):
            if other != doc_id and m.jaccard(sketches[other]) >= threshold:
                parent[root(other)] = root(doc_id)
    groups: dict[str, list[Document]] = {}
    by_id = {d.id: d for d in documents}
    for doc_id in sketches:
        groups.setdefault(root(doc_id), []).append(by_id[doc_id])
    copies = {}
    for members in groups.values():
        if len(members) > 1:
            first = min(members, key=lambda d: (d.date or "9999-99-99", d.id))
            copies.update({d.id: first.id for d in members if d.id != first.id})
    return copies
