"""The ONNX Runtime encoders: the same model, compiled (``onnx-fp32``) or with 8-bit weights (``onnx-int8``).

``build(st, folder, kind)`` converts a loaded sentence-transformers model (a Transformer followed by
mean pooling) once, offline: ``torch.onnx.export`` of the transformer, ONNX Runtime's transformer
graph optimizer (layer-norm and GELU fusion), and for ``onnx-int8`` ONNX Runtime's dynamic int8
quantization of the weight matrix multiplications, per output channel (per-tensor scales lose too
much: mean cosine 0.987 to float32; per-channel keeps 0.997). The word-embedding table stays
float32. The result is written atomically with a marker, beside the model it came from.

What they are worth here is in docs/performance.md: onnx-fp32 gives the same vectors ~1.5x faster;
onnx-int8 ~2.5x faster with cosine >= 0.99 to float32, but costs 0.015 RR@10 on English questions
over Chinese passages (xquad-en2zh), so neither is the default.

:class:`OnnxModel` runs it: it takes token ids and returns mean-pooled vectors, which is all the
:class:`~embeddings.encoder.Encoder` needs from a backend.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import warnings
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

KINDS = ("onnx-fp32", "onnx-int8")
MARKER = "corpus-qa-onnx.json"
FORMAT = 1  # bump when the conversion recipe changes: older folders are rebuilt


class OnnxUnsupportedError(RuntimeError):
    """This model cannot be run through ONNX Runtime here (the message says why)."""


def supported(st) -> str | None:
    """Why ``st`` cannot be converted, or None: a Transformer and mean pooling are what we export."""
    modules = list(st)
    names = [type(m).__name__ for m in modules]
    if not names or names[0] != "Transformer" or len(names) < 2 or names[1] != "Pooling":
        return f"its modules are {names}, not Transformer + Pooling"
    mode = getattr(modules[1], "pooling_mode", None) or ("mean" if getattr(modules[1], "pooling_mode_mean_tokens", False) else None)
    if mode not in ("mean", "mean_tokens"):
        return f"it pools with {mode!r}, not mean pooling"
    if any(n not in ("Normalize",) for n in names[2:]):
        return f"it has modules after pooling ({names[2:]})"
    return None


def fingerprint(st) -> str:
    """A cheap identity of the weights (shapes and a few values of every tensor): a converted copy
    is reused only for the model it was made from, even if a folder's files change in place."""
    import hashlib

    h = hashlib.sha1()
    for name, tensor in st[0].auto_model.state_dict().items():
        flat = tensor.detach().reshape(-1)
        h.update(f"{name}{tuple(tensor.shape)}".encode())
        h.update(flat[:64].float().numpy().tobytes() + flat[-64:].float().numpy().tobytes())
    return h.hexdigest()


def is_complete(folder: Path, weights: str, kind: str = "onnx-int8") -> bool:
    """True when ``folder`` holds a finished ``kind`` conversion, of this recipe, of the weights ``weights``."""
    try:
        record = json.loads((Path(folder) / MARKER).read_text(encoding="utf-8"))
        return (record.get("format") == FORMAT and record.get("weights") == weights and record.get("kind") == kind
                and (Path(folder) / "model.onnx").stat().st_size == record["bytes"])
    except (OSError, ValueError, KeyError):
        return False


def build(st, folder: Path, source: str, weights: str, kind: str = "onnx-int8") -> Path:
    """Convert ``st`` into ``folder/model.onnx`` (``kind``: onnx-fp32 or onnx-int8), atomically; returns the folder."""
    import onnx
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers import optimizer

    from embeddings.bundled import install

    why = supported(st)
    if why:
        raise OnnxUnsupportedError(f"cannot build an {kind} encoder for this model: {why}")
    if kind not in KINDS:
        raise ValueError(f"unknown ONNX encoder kind {kind!r}: {', '.join(KINDS)}")
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    log.info("building the %s encoder in %s (one-time, ~30 s)", kind, folder)
    transformer = st[0].auto_model.eval()
    config = transformer.config

    class Hidden(torch.nn.Module):
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask):
            return self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    quiet = logging.getLogger()  # onnxruntime's quantizer advises "pre-processing" on the root logger
    level = quiet.level
    try:
        quiet.setLevel(logging.ERROR)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the tracer's warnings about data-dependent branches, expected here
            ids = torch.tensor([[0, 100, 200, 300, 2], [0, 400, 2, 1, 1]])
            mask = (ids != 1).long()
            axes = {0: "batch", 1: "tokens"}
            with torch.inference_mode():
                torch.onnx.export(Hidden(transformer), (ids, mask), str(tmp / "fp32.onnx"), input_names=["input_ids", "attention_mask"],
                                  output_names=["hidden"], dynamic_axes={"input_ids": axes, "attention_mask": axes, "hidden": axes},
                                  opset_version=17, dynamo=False)
            fused = optimizer.optimize_model(str(tmp / "fp32.onnx"), model_type="bert", num_heads=config.num_attention_heads,
                                             hidden_size=config.hidden_size, opt_level=1)
            if kind == "onnx-fp32":
                fused.save_model_to_file(str(tmp / "model.onnx"))
            else:
                fused.save_model_to_file(str(tmp / "fused.onnx"))
                quantize_dynamic(str(tmp / "fused.onnx"), str(tmp / "model.onnx"), weight_type=QuantType.QInt8, per_channel=True,
                                 op_types_to_quantize=["MatMul", "Attention"],
                                 extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
        record = {"format": FORMAT, "kind": kind, "source": source, "weights": weights, "dim": int(config.hidden_size),
                  "bytes": (tmp / "model.onnx").stat().st_size}
        built = tmp / "out"
        built.mkdir()
        (tmp / "model.onnx").rename(built / "model.onnx")
        install(built, folder, MARKER, record)
    finally:
        quiet.setLevel(level)
        shutil.rmtree(tmp, ignore_errors=True)
    return folder


class OnnxModel:
    """An ONNX Runtime session over ``folder/model.onnx``: token ids in, mean-pooled vectors out."""

    def __init__(self, folder: Path, kind: str = "onnx-int8", threads: int | None = None):
        import onnxruntime as ort

        self.kind = kind
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or (os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(str(Path(folder) / "model.onnx"), options, providers=["CPUExecutionProvider"])
        self.folder = Path(folder)

    def pooled(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        hidden = self.session.run(None, {"input_ids": ids.astype(np.int64), "attention_mask": mask.astype(np.int64)})[0]
        weights = mask[..., None].astype(np.float32)
        return (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1.0)
