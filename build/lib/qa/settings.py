"""Settings gathered once at the boundary (CLI flags, environment), passed down explicitly."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from qa.chunking import ChunkSettings

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def default_corpus_dir() -> Path:
    """``QA_CORPUS_DIR``, else ``./corpus`` when it exists, else the sample corpus beside the package."""
    if os.environ.get("QA_CORPUS_DIR"):
        return Path(os.environ["QA_CORPUS_DIR"])
    here = Path("corpus")
    return here if here.is_dir() else PROJECT_ROOT / "corpus"


@dataclass(frozen=True)
class Settings:
    index_dir: Path = field(default_factory=lambda: Path(os.environ.get("QA_INDEX_DIR") or "index"))
    corpus_dir: Path = field(default_factory=default_corpus_dir)
    model: str | None = field(default_factory=lambda: os.environ.get("QA_MODEL") or None)
    reranker: str | None = field(default_factory=lambda: os.environ.get("QA_RERANKER") or None)
    chunking: ChunkSettings = ChunkSettings()
    k: int = 5
    retriever: str = "hybrid"
