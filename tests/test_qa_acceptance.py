"""The core acceptance list, with the real model over the sample corpus, through the API and the CLI."""

import json
import re

import pytest
from typer.testing import CliRunner

from conftest import CORPUS, ROOT
from qa.cli import app
from qa.normalize import normalize

pytestmark = pytest.mark.slow
SEED = [json.loads(line) for line in (ROOT / "tests/data/seed-dev-queries.jsonl").read_text(encoding="utf-8").splitlines()]
UNANSWERABLE = ["火星上有多少个派出所", "今天天气怎么样", "如何做红烧肉", "What is the capital of France?", "白城的GDP是多少"]
PINYIN = re.compile(r"\([a-z]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-z]*\)")
CHROME = ["小字号", "分享让更多人看到", "返回顶部", "版面导航", "站内检索", "放大 缩小 默认", "版权所有", ">>"]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory, encoder):
    from qa.engine import ingest

    folder = tmp_path_factory.mktemp("qa") / "index"
    ingest([CORPUS], folder, encoder=encoder)
    return folder


@pytest.fixture(scope="module")
def engine(index_dir, encoder):
    from qa.engine import Engine

    return Engine.open(index_dir, encoder=encoder)


def run(*args):
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result


def test_design_card_question_cli(index_dir):
    result = run("ask", "桂林的破案率是多少", "--index", index_dir, "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["answered"] is True and "79.17%" in out["answer"]
    first = out["citations"][0]
    assert first["doc_id"].startswith("000_") and "79.17%" in first["text"]
    assert set(first) == {"n", "doc_id", "title", "date", "source", "text", "start", "end", "answer_start", "answer_end", "score"}
    assert "79.17%" in first["text"][first["answer_start"] : first["answer_end"]]
    assert first["date"] == "2023-05-05" and first["n"] == 1


def test_human_output_highlights_the_answer(index_dir):
    result = run("ask", "桂林的破案率是多少", "--index", index_dir)
    assert result.exit_code == 0
    assert "[1] 桂林公安:以独特的“警”色守护世界级旅游名城 · 2023-05-05 · 人民网-广西频道" in result.stdout
    assert re.search(r"【[^】]*79\.17%[^】]*】", result.stdout)


@pytest.mark.parametrize("q", SEED, ids=[q["_id"] for q in SEED])
def test_seed_questions_cite_the_answer_in_top3(engine, q):
    result = engine.ask(q["text"], k=5)
    assert result.answered, q["text"]
    top3 = [normalize(c.text) for c in result.citations[:3]]
    assert any(normalize(a) in t for a in q["answers"] for t in top3), (q["text"], [c.text[:50] for c in result.citations])


@pytest.mark.parametrize("q", UNANSWERABLE)
def test_unanswerable_questions(engine, index_dir, q):
    result = engine.ask(q)
    assert result.answered is False and result.citations == []
    assert result.answer == "语料中没有找到与问题相关的内容。"


def test_unanswerable_via_cli(index_dir):
    out = json.loads(run("ask", "火星上有多少个派出所", "--index", index_dir, "--json").stdout)
    assert out["answered"] is False and out["citations"] == []


def test_nothing_shown_has_pinyin_or_chrome(engine):
    for q in [s["text"] for s in SEED] + ["商洛公安科技赋能", "白城新闻网版权所有", "商洛 報道"]:
        result = engine.ask(q)
        # what the corpus contributes: the answer sentence, citations and, with a refusal, related passages
        # (a refusal quotes the question's own words, which are the user's, not the corpus's)
        shown = ([result.answer] if result.answered else []) + [
            f"{c.title}\n{c.text}\n{c.source or ''}" for c in result.citations + result.related]
        for text in shown:
            assert not PINYIN.search(text), text
            assert not any(ch in text for ch in CHROME), text


@pytest.mark.parametrize("question,message", [("", "empty"), ("   ", "empty"), ("桂" * 10_000, "10000 characters")])
def test_bad_questions(index_dir, question, message):
    result = run("ask", question, "--index", index_dir)
    assert result.exit_code == 2
    assert message in result.output


def test_ingest_with_bad_inputs_indexes_the_good_ones(tmp_path, encoder, monkeypatch):
    import embeddings

    monkeypatch.setattr("qa.engine.load_encoder", lambda model=None: encoder, raising=False)
    monkeypatch.setattr(embeddings, "load_encoder", lambda model=None, **kw: encoder)
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text("白城公安大讲堂\n白城市公安局举办公安大讲堂31期，邀请专家授课。", encoding="utf-8")
    (src / "gbk.txt").write_bytes("桂林漓江分局\n漓江分局建设了一支水上专业特勤队伍，服务于漓江救援。".encode("gbk"))
    (src / "big5.txt").write_bytes("商洛公安\n商洛公安建成26個暖心警務會客廳，服務群眾。".encode("big5"))
    (src / "empty.txt").write_bytes(b"")
    (src / "binary.txt").write_bytes(bytes(range(256)) * 4)
    result = run("ingest", src, tmp_path / "missing-folder", "--index", tmp_path / "index")
    assert result.exit_code == 3, result.output
    assert "indexed 3 documents" in result.output
    for name, reason in [("empty.txt", "empty"), ("binary.txt", "binary"), ("missing-folder", "does not exist")]:
        assert re.search(rf"skipped \S*{name}: .*{reason}", result.output), result.output
    from qa.index import open_index

    docs = open_index(tmp_path / "index").documents
    assert "漓江分局" in docs["gbk"].text and "會客廳" in docs["big5"].text


def test_ingest_with_nothing_readable(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    result = run("ingest", tmp_path / "empty.txt", "--index", tmp_path / "index")
    assert result.exit_code == 4
    assert "no documents to index" in result.output and "empty" in result.output
    assert not (tmp_path / "index").exists()


def test_ask_with_corrupt_index_says_how_to_fix(tmp_path, index_dir):
    import shutil

    broken = tmp_path / "broken"
    shutil.copytree(index_dir, broken)
    (broken / "vectors.faiss").write_bytes(b"garbage")
    result = run("ask", "桂林的破案率是多少", "--index", broken)
    assert result.exit_code == 1
    assert "damaged" in result.output and "--rebuild" in result.output
