import os
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def encoder():
    """The real default model (materialized once into the user cache)."""
    from embeddings import load_encoder

    return load_encoder()


class FakeEncoder:
    """Tiny deterministic encoder: hashed character bigrams. For tests that do not measure quality."""

    name = "fake-bigram-encoder"
    dim = 64
    prompts = {"query": "", "document": ""}

    def _encode(self, texts):
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            for a, b in zip(t, t[1:] + " "):
                out[i, hash(a + b) % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)

    encode_queries = encode_passages = _encode


@pytest.fixture
def fake_encoder():
    return FakeEncoder()
