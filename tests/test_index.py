"""Index folder: build, reopen, manifest, mismatch and corruption errors, atomic replacement, reuse."""

import json
import os

import numpy as np
import pytest

from conftest import CORPUS, ROOT
from qa.chunking import ChunkSettings
from qa.documents import load_documents
from qa.index import CorruptIndexError, IndexMismatchError, IndexNotFoundError, build_index, open_index
from qa.records import Document, Hit
from qa.retrieve import BM25Retriever, DenseRetriever, HybridRetriever, fuse


@pytest.fixture(scope="module")
def docs():
    return load_documents([CORPUS])[0]


@pytest.fixture
def built(tmp_path, docs, fake_encoder):
    return build_index(docs, tmp_path / "index", fake_encoder)


def test_roundtrip_and_manifest(built, fake_encoder):
    again = open_index(built.folder, model=fake_encoder.name)
    assert [c.id for c in again.chunks] == [c.id for c in built.chunks]
    assert again.vectors.ntotal == len(again.chunks)
    m = json.loads((built.files / "manifest.json").read_text(encoding="utf-8"))
    assert m["format_version"] == 5 and m["model"] == fake_encoder.name and m["dimension"] == 64
    assert [seg["chunks"] for seg in m["segments"]] == [len(again.chunks)] and again.deleted is None
    assert m["chunking"] == {"size": 300, "overlap": 60, "with_title": False} and "t2s" in m["normalization"]
    assert "documents" not in m and m["counts"]["documents"] == len(again.documents)  # nothing per document
    assert m["vector_index"] == {"kind": "flat"}
    hashes = again.documents.hashes()  # in the store, beside each document
    assert set(hashes) == {d.id for d in again.documents.values()} and all(len(h) == 16 for h in hashes.values())
    # lazy: the stores read rows on demand, the arrays are memory-mapped
    assert type(again.chunks).__name__ == "Chunks" and isinstance(again.sentence_vectors.parts[0], np.memmap)
    assert again.chunks[3] == built.chunks[3] and again.row_of[again.chunks[3].id] == 3
    doc = next(iter(again.documents.values()))
    assert again.documents[doc.id] == doc and doc.id in again.documents and "nope" not in again.documents


def test_model_mismatch_is_a_clear_error(built):
    with pytest.raises(IndexMismatchError, match="built with model fake-bigram-encoder.*--rebuild"):
        open_index(built.folder, model="BAAI/bge-m3")


def test_index_of_another_tokenizer_is_reported(built):
    m = json.loads((built.files / "manifest.json").read_text(encoding="utf-8"))
    m["tokenizer"] = "whitespace"
    (built.files / "manifest.json").write_text(json.dumps(m), encoding="utf-8")
    with pytest.raises(IndexMismatchError, match="'whitespace'.*--rebuild"):
        open_index(built.folder)


def test_missing_index(tmp_path):
    with pytest.raises(IndexNotFoundError, match="qa ingest"):
        open_index(tmp_path / "nowhere")


@pytest.mark.parametrize("damage", ["delete-vectors", "truncate-vectors", "drop-chunk", "bad-manifest", "old-format",
                                    "short-title-vectors", "garbage-store", "short-vectors", "missing-segment",
                                    "deleted-rows-beyond"])
def test_corruption_detected(built, damage):
    folder = built.files / built.segments[0][0]  # the per-chunk files are in the segment
    if damage == "delete-vectors":
        (folder / "vectors.npy").unlink()
    elif damage == "truncate-vectors":
        data = (folder / "vectors.npy").read_bytes()
        (folder / "vectors.npy").write_bytes(data[: len(data) // 3])
    elif damage == "drop-chunk":
        import sqlite3

        with sqlite3.connect(folder / "store.sqlite") as con:
            con.execute("DELETE FROM chunks WHERE row = (SELECT max(row) FROM chunks)")
    elif damage == "garbage-store":
        (folder / "store.sqlite").write_bytes(b"not a database" * 100)
    elif damage == "short-vectors":
        np.save(folder / "vectors.npy", np.load(folder / "vectors.npy")[:-1])
    elif damage == "bad-manifest":
        (built.files / "manifest.json").write_text("{oops", encoding="utf-8")
    elif damage == "old-format":
        m = json.loads((built.files / "manifest.json").read_text(encoding="utf-8"))
        m["format_version"] = 0
        (built.files / "manifest.json").write_text(json.dumps(m), encoding="utf-8")
    elif damage == "missing-segment":
        import shutil

        shutil.rmtree(folder)
    elif damage == "deleted-rows-beyond":
        np.save(built.files / "deleted_rows.npy", np.array([len(built) + 5]))
    elif damage == "short-title-vectors":
        np.save(folder / "title_vectors.npy", np.load(folder / "title_vectors.npy")[:-1])
    with pytest.raises((CorruptIndexError, IndexMismatchError), match="--rebuild"):
        open_index(built.folder)


def test_failed_build_keeps_the_old_index(built, docs, fake_encoder, monkeypatch):
    import qa.index

    def broken(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(qa.index, "write_store", broken)
    with pytest.raises(RuntimeError):
        build_index(docs[:1], built.folder, fake_encoder)
    assert len(open_index(built.folder).documents) == len(docs)
    assert [p.name for p in built.folder.parent.iterdir()] == ["index"]


def test_unchanged_documents_are_not_embedded_again(built, docs, fake_encoder):
    again = build_index(docs, built.folder, fake_encoder)
    assert again.manifest["counts"]["embedded"] == 0
    changed = build_index(docs, built.folder, fake_encoder, ChunkSettings(200, 40))
    assert changed.manifest["counts"]["embedded"] == len(changed.chunks)


def as_format_4(files):
    """Rewrite a one-segment version folder in the layout format 4 wrote: the segment's files in it."""
    m = json.loads((files / "manifest.json").read_text(encoding="utf-8"))
    (segment,) = m.pop("segments")
    for path in (files / segment["name"]).iterdir():
        path.rename(files / path.name)
    (files / segment["name"]).rmdir()
    (files / "deleted.json").unlink()
    (files / "deleted_rows.npy").unlink()
    (files / "manifest.json").write_text(json.dumps({**m, "format_version": 4}), encoding="utf-8")


def as_format_3(files):
    """Rewrite a version folder in the layout format 3 wrote: JSON lines for chunks and documents,
    a FAISS flat index, the documents' hashes in the manifest."""
    import dataclasses

    import faiss

    as_format_4(files)
    index = open_index(files.parent)
    m = json.loads((files / "manifest.json").read_text(encoding="utf-8"))
    hashes = index.documents.hashes()
    m["documents"] = {d: {"hash": h, "path": index.documents[d].path, "chunks": 0} for d, h in hashes.items()}
    m.pop("vector_index")
    for name, rows in (("chunks.jsonl", index.chunks), ("documents.jsonl", index.documents.values())):
        (files / name).write_text("".join(json.dumps(dataclasses.asdict(r), ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    flat = faiss.IndexFlatIP(index.vectors.d)
    flat.add(np.load(files / "vectors.npy"))
    faiss.write_index(flat, str(files / "vectors.faiss"))
    del index
    (files / "store.sqlite").unlink()
    (files / "vectors.npy").unlink()
    (files / "manifest.json").write_text(json.dumps({**m, "format_version": 3}), encoding="utf-8")


def test_an_index_of_format_3_opens_and_is_rewritten_as_format_4_without_re_embedding(built, docs, fake_encoder):
    as_format_3(built.files)
    old = open_index(built.folder)
    assert isinstance(old.chunks, list) and old.manifest["format_version"] == 3 and old.flat is None
    assert [c.id for c in old.chunks] == [c.id for c in built.chunks]
    assert HybridRetriever(DenseRetriever(old, fake_encoder), BM25Retriever(old)).search("桂林的破案率", 3)
    again = build_index(docs, built.folder, fake_encoder)
    assert again.manifest["format_version"] == 5 and again.manifest["counts"]["embedded"] == 0
    assert np.allclose(again.flat[:], built.flat[:]) and type(again.chunks).__name__ == "Chunks"


def test_an_index_of_format_4_opens_and_becomes_the_first_segment_of_the_next(built, docs, fake_encoder):
    as_format_4(built.files)
    old = open_index(built.folder)
    assert old.manifest["format_version"] == 4 and [c.id for c in old.chunks] == [c.id for c in built.chunks]
    hits = HybridRetriever(DenseRetriever(old, fake_encoder), BM25Retriever(old)).search("桂林的破案率", 3)
    extra = Document("new", "桂林市新增网格员一百名，全市网格化管理再上台阶。" * 5, title="新增网格员")
    again = build_index(docs[1:] + [extra], built.folder, fake_encoder)
    assert again.manifest["format_version"] == 5 and len(again.segments) == 2  # format 4's files, linked; the new one
    assert again.manifest["counts"]["embedded"] == again.manifest["counts"]["rows"] - len(old) > 0
    assert docs[0].id not in again.documents and "new" in again.documents and again.deleted is not None
    assert np.allclose(again.flat[: len(old)], built.flat[:])
    assert all(h.chunk.doc_id != docs[0].id for h in DenseRetriever(again, fake_encoder).search("桂林的破案率", len(again)))
    assert hits


def test_an_index_of_the_previous_format_opens_and_gains_title_vectors_without_re_embedding(built, docs, fake_encoder):
    folder, files = built.folder, built.files
    as_format_3(files)
    (files / "title_vectors.npy").unlink()  # what format 2 wrote
    m = json.loads((files / "manifest.json").read_text(encoding="utf-8"))
    (files / "manifest.json").write_text(json.dumps({**m, "format_version": 2}), encoding="utf-8")
    old = open_index(folder)
    assert old.title_vectors is None
    assert HybridRetriever(DenseRetriever(old, fake_encoder), BM25Retriever(old)).search("桂林的破案率", 3)
    upgraded = build_index(docs, folder, fake_encoder)
    counts = upgraded.manifest["counts"]
    titles = [upgraded.documents[c.doc_id].title for c in upgraded.chunks]
    assert counts["embedded"] == 0  # only "title + text" is embedded, for chunks that do not start with their title
    assert counts["titled"] == sum(1 for c, t in zip(upgraded.chunks, titles) if t and not c.text.startswith(t)) > 0
    again = open_index(folder)
    assert again.manifest["format_version"] == 5 and again.title_vectors.shape == (len(again), fake_encoder.dim)
    assert np.allclose(again.title_vectors[:], built.title_vectors[:], atol=1e-3)


def test_refuses_to_replace_a_folder_that_is_not_an_index(tmp_path, docs, fake_encoder):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.docx").write_text("precious")
    with pytest.raises(IndexMismatchError, match="not an index"):
        build_index(docs, tmp_path / "mine", fake_encoder)
    assert (tmp_path / "mine" / "thesis.docx").read_text() == "precious"


def test_bm25_finds_names_outside_the_dictionary(built):
    hits = BM25Retriever(built).search("凭祥草帽警察", 3)
    assert "凭祥草帽警察" in hits[0].chunk.text


def test_traditional_question_matches_simplified_text(built):
    hits = BM25Retriever(built).search("憑祥草帽警察", 3)
    assert "凭祥草帽警察" in hits[0].chunk.text


def test_retrievers_share_one_interface(built, fake_encoder):
    for r in (DenseRetriever(built, fake_encoder), BM25Retriever(built),
              HybridRetriever(DenseRetriever(built, fake_encoder), BM25Retriever(built))):
        hits = r.search("白城公安大讲堂", 4)
        assert 1 <= len(hits) <= 4 and [h.rank for h in hits] == list(range(1, len(hits) + 1))
        assert all(isinstance(h, Hit) for h in hits)
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_fuse_is_weighted_reciprocal_rank(built):
    a, b, c = built.chunks[:3]
    run1 = [Hit(a, 9, 1), Hit(b, 8, 2)]
    run2 = [Hit(b, 5, 1), Hit(c, 4, 2)]
    fused = fuse([(run1, 1.0), (run2, 0.5)], k=3, rrf_k=60)
    expected = {a.id: 1 / 61, b.id: 1 / 62 + 0.5 / 61, c.id: 0.5 / 62}
    assert [h.chunk.id for h in fused] == sorted(expected, key=lambda i: -expected[i])
    assert fused[0].score == pytest.approx(max(expected.values()))


class KeywordEncoder:
    """Counts of a few words (plus a constant): deterministic, unlike hashed bigrams."""

    name, dim, prompts = "keyword-encoder", 7, {"query": "", "document": ""}
    WORDS = ("板蓝根", "功效", "作用", "价格", "药店", "清热")

    def _encode(self, texts):
        out = np.array([[t.count(w) for w in self.WORDS] + [0.1] for t in texts], dtype=np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    encode_queries = encode_passages = _encode


def test_hybrid_weighs_each_chunk_as_title_plus_text(tmp_path):
    """The title channel: "title + text" vectors, stored per chunk, ranked by when only they count.
    (How much they count by default is measured, not tested: docs/evaluation.md.)"""
    from qa.records import Document
    from qa.retrieve import FusionSettings

    encoder = KeywordEncoder()
    docs = [Document("a", title="板蓝根颗粒的功效与作用", text="清热解毒，凉血利咽，用于肺胃热盛所致的咽喉肿痛。"),
            Document("b", title="药店价格表", text="板蓝根颗粒每盒十二元，各大药店有售。")]
    index = build_index(docs, tmp_path / "index", encoder)
    dense = DenseRetriever(index, encoder)
    question = "板蓝根颗粒的功效与作用"
    only = {"dense_weight": 0.0, "title_weight": 0.0, "sentence_weight": 0.0, "bm25_weight": 0.0}
    by_title = HybridRetriever(dense, BM25Retriever(index), FusionSettings(**{**only, "title_weight": 1.0}))
    by_text = HybridRetriever(dense, BM25Retriever(index), FusionSettings(**{**only, "dense_weight": 1.0}))
    assert dense.search(question, 2)[0].chunk.doc_id == "b" == by_text.search(question, 2)[0].chunk.doc_id
    assert by_title.search(question, 2)[0].chunk.doc_id == "a"


@pytest.mark.parametrize("scores, tokens, trust", [
    ([10.0, 9.8, 9.7, 9.6, 9.5, 9.5, 9.4, 9.3, 9.2, 9.1, 1.0], 8, 0.0),   # short query, flat BM25: not trusted
    ([10.0, 3.0, 2.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0], 8, 1.0),   # one chunk stands out
    ([10.0, 9.8, 9.7, 9.6, 9.5, 9.5, 9.4, 9.3, 9.2, 9.1, 1.0], 24, 1.0),  # a long question
    ([10.0, 9.8, 9.7, 9.6, 9.5, 9.5, 9.4, 9.3, 9.2, 9.1, 1.0], 16, 0.5),  # halfway along the length ramp
    ([0.0] * 11, 30, 0.0),                                                # nothing matched
])
def test_how_far_bm25_is_trusted(scores, tokens, trust):
    from qa.retrieve import FusionSettings

    assert FusionSettings().lexical_trust(np.array(scores), tokens) == pytest.approx(trust)


def test_an_ingest_tokenizes_only_new_and_changed_chunks(built, docs, fake_encoder, monkeypatch, tmp_path):
    import qa.index
    from qa.tokens import tokenize

    stored = built.chunks.tokens()
    assert stored == [tokenize(c.text) or [""] for c in built.chunks]  # what BM25 indexed, kept beside each chunk
    seen = []
    monkeypatch.setattr(qa.index, "tokenize", lambda text, **kw: seen.append(text) or tokenize(text, **kw))
    extra = Document("new", "桂林市新增网格员一百名，全市网格化管理再上台阶。" * 5, title="新增网格员")
    again = build_index(docs + [extra], built.folder, fake_encoder)
    assert seen and all(text in extra.text for text in seen)  # only the new document's chunks
    fresh = build_index(docs + [extra], tmp_path / "fresh", fake_encoder, reuse=False)
    # the new chunks are a second segment: its BM25 uses the idf of the whole index, so the scores are
    # a one-segment index's but for the length normalization (each segment's own average length)
    assert len(again.segments) == 2 and len(fresh.segments) == 1
    query = tokenize("桂林 网格员 破案率")
    segmented, whole = again.bm25.scores(query), fresh.bm25.scores(query)
    assert np.allclose(segmented, whole, rtol=0.05)
    assert list(np.argsort(-segmented, kind="stable")[:5]) == list(np.argsort(-whole, kind="stable")[:5])


def test_the_query_cache_answers_a_batch_larger_than_itself(fake_encoder):
    """A batch of more questions than the cache keeps evicted its own first vectors before returning
    them (KeyError): the vectors come from the encoding, the cache only remembers them."""
    from qa.engine import QueryCache

    cache = QueryCache(fake_encoder, size=4)
    texts = [f"第{i}个问题" for i in range(10)] + ["第0个问题"]
    assert np.allclose(cache.encode_queries(texts), fake_encoder.encode_queries(texts))
    assert np.allclose(cache.encode_queries(texts[-3:]), fake_encoder.encode_queries(texts[-3:]))


def test_an_english_question_is_searched_by_its_words_rendered_in_chinese(built, fake_encoder):
    """An English question's words are not the index's, so its own BM25 finds nothing; rendered in Chinese
    (Guilin -> 桂林, grid worker -> 网格员), each word scoring as the best of its renderings, they find
    the passage, and the hybrid ranks by them where the dense side cannot tell (a fake encoder here)."""
    from qa.retrieve import FusionSettings
    from qa.tokens import tokenize

    bm25 = BM25Retriever(built)
    question = "How many grid workers does Guilin have?"
    assert bm25.known_tokens(question)[0] == []
    top = built.chunks[int(np.argmax(bm25.rendered_scores(question)))].text
    assert "网格员" in top and "桂林" in top
    assert bm25.search(question, 3)[0].chunk.text == top  # (the BM25 retriever alone searches so too)
    # a word's renderings are alternatives: its score is the best one's, not their sum
    def searched(word):
        return built.bm25.scores([t for t in tokenize(word) if t in built.bm25])

    assert np.allclose(bm25.rendered_scores("Guilin"), np.maximum(searched("桂林市"), searched("桂林")))
    assert bm25.rendered_scores("Xyzzy plugh?") is None
    only = FusionSettings(dense_weight=0.0, title_weight=0.0, sentence_weight=0.0, rendered_weight=1.0)
    hybrid = HybridRetriever(DenseRetriever(built, fake_encoder), bm25, only)
    assert "网格员" in hybrid.search(question, 3)[0].chunk.text
    assert len(hybrid.search("Xyzzy plugh?", 3)) == 3  # (nothing rendered: the dense side alone)


STOPPING = '''
import sys, threading, time
import torch
from qa.engine import QueryCache

class Slow:  # an encoder whose encoding is a while inside torch, as the real one's is under load
    name, dim = "slow", 4

    def encode_queries(self, texts):
        a = torch.randn(600, 600)
        for _ in range(40):
            a = torch.tanh(a @ a)
        return torch.zeros(len(texts), 4).numpy()

cache = QueryCache(Slow())
threading.Thread(target=lambda: [cache.encode_queries([str(i)]) for i in range(10**6)], daemon=True).start()
time.sleep(1)
if sys.argv[1] == "stop":
    cache.stop()
'''


@pytest.mark.parametrize("how", ["stop", "exit"])
def test_a_process_ending_while_a_thread_encodes_waits_for_it(tmp_path, how):
    """Python ending while a daemon thread is inside torch aborts the process (the server's warm-up or
    a question when SIGTERM comes: exit code -6, "terminate called without an active exception");
    stopping the query cache first waits for the encoding in progress and lets no other start."""
    import subprocess
    import sys

    script = tmp_path / "stopping.py"
    script.write_text(STOPPING, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), how], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    if how == "stop":
        assert done.returncode == 0, done.stderr[-1000:]
    else:  # the control: without stopping, the abort this guards against
        assert done.returncode != 0 and "terminate called" in done.stderr
