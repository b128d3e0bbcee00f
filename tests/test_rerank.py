"""The optional cross-encoder reranker (`--reranker`), with a tiny BERT cross-encoder built here."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from test_evaluate import make_beir

QUESTIONS = ["桂林的破案率是多少", "白城警方走访了多少群众", "商洛有多少个会客厅"]


@pytest.fixture(scope="module")
def cross_encoder(tmp_path_factory):
    """A randomly initialised one-layer BERT saved as a Hugging Face sequence classifier (one label)."""
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

    folder = tmp_path_factory.mktemp("tiny-cross-encoder")
    chars = sorted(set("".join(QUESTIONS) + "桂林市公安局年总破案率达排名全区第一白城命案现举办大讲堂期商洛建成暖心警务會客廳0123456789%."))
    (folder / "vocab.txt").write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *chars]) + "\n", encoding="utf-8")
    tokenizer = BertTokenizer(str(folder / "vocab.txt"))
    torch.manual_seed(7)
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=32, max_position_embeddings=64, num_labels=1)
    BertForSequenceClassification(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture
def small_index(tmp_path, fake_encoder):
    from qa.index import build_index
    from qa.records import Document

    docs = [Document(f"d{i}", title=f"第{i}篇", text=f"{city}市公安局{year}年总破案率达{rate}%，举办公安大讲堂{i + 3}期。")
            for i, (city, year, rate) in enumerate([("桂林", 2022, 79.17), ("白城", 2019, 97.03), ("商洛", 2021, 88.5),
                                                    ("桂林", 2016, 89.04), ("白城", 2016, 93.2), ("商洛", 2018, 90.1)])]
    return build_index(docs, tmp_path / "index", fake_encoder)


def test_reranker_orders_the_top_candidates_by_cross_encoder_score(cross_encoder, small_index, fake_encoder):
    from sentence_transformers import CrossEncoder

    from embeddings import load_reranker
    from qa.retrieve import make_retriever

    reranker = load_reranker(str(cross_encoder))
    assert reranker.source == f"local folder {cross_encoder}" and reranker.model.max_seq_length == 64
    reference = CrossEncoder(str(cross_encoder), max_length=64)
    base = make_retriever("hybrid", small_index, fake_encoder)
    reranked = make_retriever("hybrid+rerank", small_index, fake_encoder, reranker=reranker)
    assert reranked.name == "hybrid+rerank"
    changed = 0
    for q in QUESTIONS:
        first = base.search(q, 20)
        texts = [f"{small_index.documents[h.chunk.doc_id].title}\n{h.chunk.text}" for h in first]
        expected = np.asarray(reference.predict([(q, t) for t in texts])).ravel()
        order = [first[i].chunk.id for i in np.argsort(-expected, kind="stable")]
        hits = reranked.search(q, 3)
        assert [h.chunk.id for h in hits] == order[:3] and [h.rank for h in hits] == [1, 2, 3]
        assert np.allclose([h.score for h in hits], np.sort(expected)[::-1][:3], atol=1e-5)
        changed += [h.chunk.id for h in hits] != [h.chunk.id for h in first[:3]]
    assert changed  # the reranker really reordered something, so the check above can fail


def test_engine_with_a_reranker_reranks_every_search(cross_encoder, small_index, fake_encoder):
    from embeddings import load_reranker
    from qa.engine import Engine

    engine = Engine(small_index, fake_encoder, reranker=load_reranker(str(cross_encoder)))
    assert engine.retriever("hybrid").name == "hybrid+rerank" and engine.retriever("bm25").name == "bm25+rerank"
    assert engine.ask("桂林的破案率是多少").query == "桂林的破案率是多少"


def test_a_rerank_retriever_without_a_reranker_is_a_clear_error(small_index, fake_encoder):
    from qa.retrieve import make_retriever

    with pytest.raises(ValueError, match="needs a reranker: pass --reranker"):
        make_retriever("hybrid+rerank", small_index, fake_encoder)


def test_missing_reranker_folder_is_a_clear_error(tmp_path):
    from qa import evalcli  # noqa: F401 - registers the command
    from qa.cli import app

    result = CliRunner().invoke(app, ["ask", "桂林的破案率是多少", "--index", str(tmp_path / "none"),
                                      "--reranker", str(tmp_path / "no-such-model")])
    assert result.exit_code == 1 and "reranker folder" in result.output and "does not exist" in result.output


def test_eval_cli_reports_each_retriever_with_and_without_reranking(cross_encoder, tmp_path, monkeypatch):
    from qa import evalcli  # noqa: F401
    from qa.cli import app

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("QA_CACHE_DIR", str(tmp_path / "cache"))
    docs = [{"_id": "gl", "title": "桂林", "text": "桂林市公安局2022年总破案率达79.17%，排名全区第一。"},
            {"_id": "bc", "title": "白城", "text": "白城市公安局命案现案破案率达97.03%，举办公安大讲堂31期。"}]
    queries = [{"_id": "q1", "text": "桂林的破案率", "answers": ["79.17%"]}, {"_id": "q2", "text": "白城公安大讲堂办了几期", "answers": ["31期"]}]
    data = make_beir(tmp_path / "set", docs, queries, [("q1", "gl"), ("q2", "bc")])
    result = CliRunner().invoke(app, ["eval", str(data), "--retriever", "hybrid", "--reranker", str(cross_encoder),
                                      "--no-answers", "--json", "out.json"])
    assert result.exit_code == 0, result.output
    out = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert [r["retriever"] for r in out] == ["hybrid", "hybrid+rerank"]
    assert out[1]["latency_ms"]["p50"] > 0 and out[1]["metrics"]["R@10"] == 1.0
    assert "hybrid+rerank" in result.stdout
