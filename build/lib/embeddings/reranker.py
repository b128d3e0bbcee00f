"""Cross-encoder rerankers: ``load_reranker(name) -> Reranker`` scoring (question, passage) pairs.

None ships with corpus-qa (no reranker weights are bundled for offline use); a connected user can
name any sentence-transformers CrossEncoder on the Hugging Face hub (e.g. ``BAAI/bge-reranker-base``)
or a local folder, and it is found the same way as an embedding model.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from embeddings.encoder import find_model


class Reranker:
    """Scores how well each passage answers the question (higher is better)."""

    def __init__(self, model, name: str, source: str = "", batch_size: int = 16):
        self.model, self.name, self.source, self.batch_size = model, name, source, batch_size

    def __repr__(self) -> str:
        return f"Reranker({self.name!r}, {self.source})"

    def score(self, question: str, passages: Sequence[str]) -> np.ndarray:
        if not passages:
            return np.zeros(0, dtype=np.float32)
        scores = self.model.predict([(question, p) for p in passages], batch_size=self.batch_size,
                                    show_progress_bar=False, convert_to_numpy=True)
        return np.asarray(scores, dtype=np.float32).reshape(len(passages), -1)[:, 0]


def load_reranker(name: str, *, device: str = "cpu", max_length: int = 512) -> Reranker:
    """A CrossEncoder by Hugging Face id or local folder; ``ModelUnavailableError`` says how to get it."""
    from sentence_transformers import CrossEncoder

    def load(ref: str, **kw):
        return CrossEncoder(ref, device=device, max_length=max_length, **kw)

    model, source = find_model(name, load, "reranker", "--reranker")
    positions = getattr(getattr(model, "config", None), "max_position_embeddings", None)
    if positions:  # never feed more tokens than the model has positions for
        model.max_seq_length = min(max_length, positions)
    return Reranker(model, name, source)
