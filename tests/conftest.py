import os
import socket
import subprocess
import sys
import time
import zlib
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
                out[i, zlib.crc32((a + b).encode("utf-8")) % self.dim] += 1.0  # not hash(): the same in every process
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)

    encode_queries = encode_passages = _encode


@pytest.fixture
def fake_encoder():
    return FakeEncoder()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(root: Path, corpus: Path, *args: str, env: dict | None = None, timeout: float = 300):
    """``python app.py --index root/index`` on a free 127.0.0.1 port over ``corpus``; returns
    (process, base url, log path) once the port accepts connections."""
    port = free_port()
    env = {**os.environ, "QA_CORPUS_DIR": str(corpus), "HF_HUB_OFFLINE": "1", **(env or {})}
    log_path = root / "server.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--index", str(root / "index"), "--port", str(port), *args],
                                env=env, stdout=log, stderr=subprocess.STDOUT, cwd=root)
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {log_path.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc, f"http://127.0.0.1:{port}/", log_path
        except OSError:
            time.sleep(1)
    proc.kill()
    raise RuntimeError(f"server did not start within {timeout:.0f} s")
