"""Segments: an ingest links the previous version's segments and adds one; deletions, merges, the
approximate vector index over segments, and search over them equal to a fresh build's."""

import numpy as np
import pytest

from qa.index import build_index, open_index
from qa.records import Document
from qa.retrieve import BM25Retriever, DenseRetriever, HybridRetriever

TOPICS = ["桂林市公安局", "白城市公安局", "成都市交警支队", "深圳市消防救援支队", "广州市网格中心", "长春市禁毒办"]


def article(n: int, extra: str = "") -> Document:
    topic = TOPICS[n % len(TOPICS)]
    text = (f"{topic}第{n}号通报{extra}：今年以来共破获案件{100 + n}起，抓获嫌疑人{20 + n}名，"
            f"群众满意率达到{90 + n % 10}%。") * 6
    return Document(f"doc{n:03d}", text, title=f"{topic}通报{n}", date=f"2021-01-{n % 28 + 1:02d}")


def searchers(index, encoder):
    return HybridRetriever(DenseRetriever(index, encoder), BM25Retriever(index)), DenseRetriever(index, encoder), \
        BM25Retriever(index)


def found_documents(index, encoder, query: str) -> list[set[str]]:
    return [{h.chunk.doc_id for h in r.search(query, len(index))} for r in searchers(index, encoder)]


def test_an_ingest_adds_a_segment_and_links_the_previous_ones(tmp_path, fake_encoder):
    first = build_index([article(n) for n in range(6)], tmp_path / "index", fake_encoder)
    (name, path), = first.segments
    inode = (path / "vectors.npy").stat().st_ino
    again = build_index([article(n) for n in range(8)], tmp_path / "index", fake_encoder)
    assert [s[0] for s in again.segments][0] == name and len(again.segments) == 2
    assert (again.segments[0][1] / "vectors.npy").stat().st_ino == inode  # linked, not copied
    assert again.manifest["counts"]["added"] == 2 and again.manifest["counts"]["embedded"] == len(again) - len(first)
    assert len(again.documents) == 8 and again.row_of[again.chunks[len(first)].id] == len(first)


def test_deleted_and_changed_documents_are_never_found(tmp_path, fake_encoder):
    docs = [article(n) for n in range(8)]
    build_index(docs, tmp_path / "index", fake_encoder)
    changed = article(3, "（更正）")
    index = build_index(docs[:2] + [changed] + docs[4:7], tmp_path / "index", fake_encoder)  # doc000/1 kept, 3 changed, 2 and 7 gone
    assert set(index.documents) == {"doc000", "doc001", "doc003", "doc004", "doc005", "doc006"}
    assert index.documents["doc003"].text == changed.text and "doc002" not in index.documents
    assert index.deleted is not None and index.live_chunks == index.manifest["counts"]["chunks"] < len(index)
    for found in found_documents(index, fake_encoder, "白城市公安局 破获案件 通报"):
        assert found and not found & {"doc002", "doc007"}
    hits = BM25Retriever(index).search("更正", 50)
    assert hits and all(h.chunk.doc_id == "doc003" and "更正" in h.chunk.text for h in hits)  # only the new text
    fresh = build_index(docs[:2] + [changed] + docs[4:7], tmp_path / "fresh", fake_encoder, reuse=False)
    for query in ("桂林市公安局第6号通报", "群众满意率", "成都市交警支队 抓获嫌疑人"):
        assert found_documents(index, fake_encoder, query) == found_documents(fresh, fake_encoder, query)
        assert ([h.chunk.id for h in DenseRetriever(index, fake_encoder).search(query, 5)]
                == [h.chunk.id for h in DenseRetriever(fresh, fake_encoder).search(query, 5)])


def test_many_ingests_merge_small_segments_and_rows_stay_put(tmp_path, fake_encoder, monkeypatch):
    import qa.index

    monkeypatch.setattr(qa.index, "MAX_SEGMENTS", 3)
    folder = tmp_path / "index"
    docs = [article(n) for n in range(4)]
    build_index(docs, folder, fake_encoder)
    for n in range(4, 9):
        docs = [d for d in docs if d.id != "doc001"] + [article(n)]  # doc001 removed at the first add
        index = build_index(docs, folder, fake_encoder)
        assert len(index.segments) <= 3
    assert "merge" in index.manifest["build_stages"] and set(index.documents) == {d.id for d in docs}
    reopened = open_index(folder)
    assert len(reopened.documents) == len(docs) and reopened.live_chunks == reopened.manifest["counts"]["chunks"]
    for row in range(len(reopened)):  # every live row's chunk belongs to a live document, with its own vector
        chunk = reopened.chunks[row]
        if reopened.deleted is not None and reopened.deleted[row]:
            continue
        assert chunk.doc_id in reopened.documents and reopened.row_of[chunk.id] == row
        assert chunk.text in reopened.documents[chunk.doc_id].text
        assert np.allclose(reopened.vector_rows(np.array([row]))[0], fake_encoder.encode_passages([chunk.text])[0], atol=1e-5)
    for found in found_documents(reopened, fake_encoder, "白城市公安局 第1号通报"):
        assert "doc001" not in found and found


def test_the_approximate_index_grows_with_the_segments(tmp_path, fake_encoder, monkeypatch):
    import qa.index

    monkeypatch.setattr(qa.index, "APPROXIMATE_FROM", 10)
    docs = [article(n) for n in range(12)]
    first = build_index(docs, tmp_path / "index", fake_encoder)
    assert first.approximate and first.vectors.ntotal == len(first)
    centroids = first.vectors.quantizer.reconstruct_n(0, first.vectors.nlist)
    again = build_index(docs[1:] + [article(20)], tmp_path / "index", fake_encoder)
    assert again.approximate and again.vectors.ntotal == len(again) > len(first)
    assert np.allclose(again.vectors.quantizer.reconstruct_n(0, again.vectors.nlist), centroids)  # added to, not retrained
    query = fake_encoder.encode_queries(["桂林市公安局第0号通报"])[0]
    rows, _ = DenseRetriever(again, fake_encoder).search_rows(query, len(again))
    assert len(rows) and not again.deleted[rows].any()
    assert "doc000" not in {again.chunks[int(r)].doc_id for r in rows}


@pytest.mark.parametrize("case", ["model", "chunking"])
def test_other_settings_write_every_chunk_anew(tmp_path, fake_encoder, case):
    from qa.chunking import ChunkSettings

    docs = [article(n) for n in range(5)]
    build_index(docs, tmp_path / "index", fake_encoder)
    if case == "chunking":
        index = build_index(docs, tmp_path / "index", fake_encoder, ChunkSettings(200, 40))
    else:
        index = build_index(docs, tmp_path / "index", fake_encoder, reuse=False)
    assert len(index.segments) == 1 and index.deleted is None and index.manifest["counts"]["embedded"] == len(index)


def test_rows_of_documents_by_index_and_by_one_pass(tmp_path, fake_encoder):
    from qa.store.sqlite import STORE, ChunkStore

    index = build_index([article(n) for n in range(5)], tmp_path / "index", fake_encoder)
    store = ChunkStore(index.segments[0][1] / STORE)
    want = [row for row, c in enumerate(index.chunks) if c.doc_id in {"doc001", "doc003"}]
    assert want and store.rows_of_documents({"doc001", "doc003"}) == want
    many = {"doc001", "doc003"} | {f"missing{n}" for n in range(600)}  # past 500 ids: one pass over the table
    assert store.rows_of_documents(many) == want
