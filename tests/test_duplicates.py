"""Duplicate and near-duplicate stories: found with MinHash/LSH, cited once from the earliest copy."""

import opencc
import pytest

from conftest import CORPUS
from qa.documents import load_documents
from qa.duplicates import find_copies
from qa.records import Document


@pytest.fixture(scope="module")
def story():
    docs, _ = load_documents([CORPUS])
    return max(docs, key=lambda d: len(d.text))


def test_copies_of_one_story_group_under_the_earliest(story):
    text = story.text
    docs = [
        Document("wire", text=text, date="2022-05-02"),
        Document("portal", text="首页 新闻 国际 来源：新华网\n" + text + "\n责任编辑：张三 版权所有 举报电话", date="2022-05-03"),
        Document("hk", text=opencc.OpenCC("s2t").convert(text), date="2022-05-01"),      # the other script, earliest
        Document("reprint", text=text.replace("。", "！", 3), date="2022-06-01"),        # lightly edited
        Document("other", text="白城市公安局命案现案破案率达97.03%，举办公安大讲堂31期，走访群众39440人。" * 4, date="2020-01-01"),
        Document("follow-up", text=text[: len(text) // 3] + "记者随后走访了当地派出所，了解到新的情况。" * 20, date="2022-07-01"),
    ]
    assert find_copies(docs) == {"wire": "hk", "portal": "hk", "reprint": "hk"}


def test_the_sample_corpus_holds_no_copies():
    # its two Guilin articles share facts, but they are different articles (estimated Jaccard 0.02)
    docs, _ = load_documents([CORPUS])
    assert find_copies(docs) == {}


def test_a_question_cites_one_copy_and_names_the_others(tmp_path, story, fake_encoder):
    from qa.engine import Engine
    from qa.index import build_index, open_index

    others, _ = load_documents([CORPUS])
    docs = [d for d in others if d.id != story.id] + [
        Document("a-wire", title=story.title, text=story.text, date="2022-05-02", source="通讯社", path="wire.txt"),
        Document("b-portal", title=story.title, text="来源：门户网站\n" + story.text, date="2022-05-03", source="门户", path="portal.txt"),
        Document("c-first", title=story.title, text=story.text, date="2022-05-01", source="日报", path="first.txt"),
    ]
    index = build_index(docs, tmp_path / "index", fake_encoder)
    assert index.manifest["counts"]["copies"] == 2 and index.manifest["counts"]["duplicate_groups"] == 1
    assert open_index(tmp_path / "index").copies == {"a-wire": "c-first", "b-portal": "c-first"}
    engine = Engine(index, fake_encoder)
    question = story.text[5:40]
    hits = engine.search(question, k=10)
    story_docs = [h.chunk.doc_id for h in hits if h.chunk.doc_id in ("a-wire", "b-portal", "c-first")]
    assert story_docs and set(story_docs) == {"c-first"}  # the top 10 are not filled with copies
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
    asked = engine.ask(question, k=5, threshold=0.0)  # the fake encoder's confidence is not what is tested
    cited = [c for c in asked.citations + asked.related
             if c.doc_id in ("a-wire", "b-portal", "c-first")]
    assert cited and {c.doc_id for c in cited} == {"c-first"}
    assert set(cited[0].copies) == {"wire.txt", "portal.txt"}


def test_an_ingest_hashes_only_new_and_changed_documents(tmp_path, story, fake_encoder, monkeypatch):
    import qa.duplicates
    from qa.index import build_index

    others, _ = load_documents([CORPUS])
    build_index(others, tmp_path / "index", fake_encoder)
    hashed = []
    real = qa.duplicates.signature
    monkeypatch.setattr(qa.duplicates, "signature", lambda text: hashed.append(text) or real(text))
    copy = Document("copy", title=story.title, text="来源：门户网站\n" + story.text, date="2030-01-01", path="copy.txt")
    changed = [Document(d.id, d.text + "（更正）", d.title, d.date, d.source, d.path) if d.id == others[0].id else d for d in others]
    index = build_index(changed + [copy], tmp_path / "index", fake_encoder)
    assert sorted(hashed) == sorted([copy.text, changed[0].text])  # the unchanged four come from the store
    assert index.copies == {"copy": story.id}  # grouped with a stored signature as with a fresh one
