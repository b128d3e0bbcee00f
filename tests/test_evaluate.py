"""qa eval: dataset validation, metric plumbing, question files, calibration, CLI outputs."""

import json

import pytest
from typer.testing import CliRunner

from conftest import CORPUS, ROOT
from qa.evaluate import DatasetError, Query, calibrate, evaluate, load_beir, load_questions

SEED = ROOT / "tests" / "data" / "seed-dev-queries.jsonl"


def make_beir(folder, docs, queries, qrels):
    (folder / "qrels").mkdir(parents=True)
    (folder / "corpus.jsonl").write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in docs), encoding="utf-8")
    (folder / "queries.jsonl").write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in queries), encoding="utf-8")
    (folder / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\n" + "".join(f"{q}\t{d}\t1\n" for q, d in qrels), encoding="utf-8")
    return folder


@pytest.fixture
def sample_index(tmp_path, fake_encoder):
    """The sample corpus, indexed with the tiny fake encoder."""
    from qa.documents import load_documents
    from qa.index import build_index

    return build_index(load_documents([CORPUS])[0], tmp_path / "index", fake_encoder)


@pytest.fixture
def tiny(tmp_path):
    docs = [{"_id": "gl", "title": "桂林", "text": "桂林市公安局2022年总破案率达79.17%，排名全区第一。"},
            {"_id": "bc", "title": "白城", "text": "白城市公安局命案现案破案率达97.03%，举办公安大讲堂31期。"},
            {"_id": "sl", "title": "商洛", "text": "商洛公安建成26個暖心警務會客廳，累計辦理業務113萬多筆。"}]
    queries = [{"_id": "q1", "text": "桂林的破案率", "answers": ["79.17%"]},
               {"_id": "q2", "text": "白城公安大讲堂办了几期", "answers": ["31期"]},
               {"_id": "q3", "text": "商洛会客厅有多少个", "answers": ["26个"]}]
    return make_beir(tmp_path / "tiny", docs, queries, [("q1", "gl"), ("q2", "bc"), ("q3", "sl")])


def test_load_beir(tiny):
    ds = load_beir(tiny)
    assert [d.id for d in ds.documents] == ["gl", "bc", "sl"] and len(ds.queries) == 3
    assert ds.queries[0].relevant == {"gl"} and ds.queries[0].answers == ("79.17%",)


@pytest.mark.parametrize("damage,message", [
    (lambda f: (f / "queries.jsonl").unlink(), "queries.jsonl is missing"),
    (lambda f: (f / "qrels" / "test.tsv").unlink(), "test.tsv is missing"),
    (lambda f: (f / "corpus.jsonl").write_text('{"_id": "a", "text": "x"}\n{broken\n', encoding="utf-8"), "corpus.jsonl:2"),
    (lambda f: (f / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq1\tnope\t1\n"), "test.tsv:2: corpus id 'nope'"),
    (lambda f: (f / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq9\tgl\t1\n"), "test.tsv:2: query id 'q9'"),
])
def test_malformed_dataset_points_at_file_and_line(tiny, damage, message):
    damage(tiny)
    with pytest.raises(DatasetError, match=message.replace("(", r"\(")):
        load_beir(tiny)


def test_metrics_on_a_tiny_set(tiny, fake_encoder, tmp_path):
    from qa.chunking import ChunkSettings
    from qa.evaluate import index_for

    ds = load_beir(tiny)
    index, _, cached = index_for(ds, fake_encoder, ChunkSettings(), tmp_path / "cache")
    assert not cached and index_for(ds, fake_encoder, ChunkSettings(), tmp_path / "cache")[2]  # second run: cached
    result = evaluate(index, fake_encoder, ds.queries, "bm25", dataset="tiny")
    m = result.metrics
    assert m["R@1"] == m["RR@10"] == m["nDCG@10"] == 1.0  # three distinct documents, found by their words
    assert m["AnswerRecall@1"] == 1.0  # gold "26个" matches the text's "26個" only after t2s normalization
    assert result.queries == 3 and set(result.latency_ms) == {"p50", "p95"}


def test_answer_recall_normalizes_both_sides(tiny, fake_encoder, tmp_path):
    from qa.chunking import ChunkSettings
    from qa.evaluate import index_for

    ds = load_beir(tiny)
    index, _, _ = index_for(ds, fake_encoder, ChunkSettings(), tmp_path / "cache")
    q = Query("t", "商洛会客厅有多少个", ("26个暖心警务会客厅",), frozenset({"sl"}))
    assert evaluate(index, fake_encoder, [q], "bm25").metrics["AnswerRecall@1"] == 1.0
    missing = Query("m", "商洛会客厅有多少个", ("27个",), frozenset({"sl"}))
    assert evaluate(index, fake_encoder, [missing], "bm25").metrics["AnswerRecall@5"] == 0.0


def test_failures_list_gold_and_retrieved(tiny, fake_encoder, tmp_path):
    from qa.chunking import ChunkSettings
    from qa.evaluate import index_for

    ds = load_beir(tiny)
    index, _, _ = index_for(ds, fake_encoder, ChunkSettings(), tmp_path / "cache")
    wrong = Query("w", "桂林的破案率", ("79.17%",), frozenset({"sl"}))
    result = evaluate(index, fake_encoder, [wrong], "bm25", failure_depth=1, answers=False)
    assert result.failures == [{"query_id": "w", "question": "桂林的破案率", "gold": ["sl"], "retrieved": ["gl"]}]


def test_question_file_formats(tmp_path, sample_index):
    index = sample_index
    csv_file = tmp_path / "checks.csv"
    csv_file.write_text("question,expected_doc,expected_answer\n桂林的破案率是多少,000_b80b667df67e6221.txt,79.17%\n"
                        "白城大讲堂,,31期\n", encoding="utf-8")
    qs = load_questions(csv_file, index)
    assert qs[0].relevant == {"000_b80b667df67e6221"} and qs[1].answers == ("31期",) and not qs[1].relevant
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"question": "x", "expected_doc": "nope.txt"}\n', encoding="utf-8")
    with pytest.raises(DatasetError, match="bad.jsonl:1: expected_doc 'nope.txt'"):
        load_questions(bad, index)


def test_calibration_picks_the_best_f1_threshold():
    class Stub:
        conf = {"a": 0.9, "b": 0.7, "c": 0.55, "x": 0.5, "y": 0.2, "z": 0.1, "w": 0.95}

        def ask(self, q, threshold=None):
            from qa.records import Answer

            # "w" names a city the corpus lacks: refused at any threshold, however close its passages
            return Answer(q, "", q != "w", confidence=self.conf[q], reason="missing" if q == "w" else None)

    found = calibrate(Stub(), ["a", "b", "c"], ["x", "y", "z", "w"])
    assert found["f1"] == 1.0 and 0.5 < found["threshold"] < 0.55
    assert found["precision"] == found["recall"] == 1.0


@pytest.mark.slow
def test_eval_with_no_dataset_evaluates_the_bundled_sample(tmp_path, monkeypatch):
    """A newcomer's `qa eval`: the sample set and its answer checks ship in the package."""
    from qa import evalcli  # noqa: F401 - registers the command
    from qa.cli import app

    monkeypatch.chdir(tmp_path)  # nothing beside the project is read
    result = CliRunner().invoke(app, ["eval", "--retriever", "all", "--json", "out.json", "--report", "rep"])
    assert result.exit_code == 0, result.output
    assert "bundled sample questions" in result.stderr
    out = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert [(r["dataset"], r["retriever"]) for r in out] == [
        (d, k) for d in ("sample", "sample-answers") for k in ("hybrid", "dense", "bm25")]
    hybrid = out[0]
    assert hybrid["metrics"]["AnswerRecall@5"] == 1.0 and hybrid["queries"] == 17
    assert set(hybrid) >= {"dataset", "retriever", "model", "chunking", "queries", "metrics", "latency_ms", "failures"}
    assert hybrid["metrics"]["RR@10"] >= max(out[1]["metrics"]["RR@10"], out[2]["metrics"]["RR@10"])
    checks = out[3]["metrics"]  # 19 answerable, 11 unanswerable
    assert checks["AnswerAccuracy"] >= 17 / 19 and checks["FalseAnswerRate"] == 0.0
    report = (tmp_path / "rep" / "report.md").read_text(encoding="utf-8")
    assert "| sample | hybrid |" in report and (tmp_path / "rep" / "chart.png").stat().st_size > 5000
    assert "hybrid" in result.stdout and "dense" in result.stdout and "bm25" in result.stdout


SQUAD = {"version": "v2.0", "data": [
    {"title": "桂林", "paragraphs": [
        {"context": "桂林市2022年总破案率达79.17%。", "qas": [
            {"id": "q1", "question": "桂林的总破案率是多少", "answers": [{"text": "79.17%", "answer_start": 12}]},
            {"id": "q2", "question": "桂林有多少座山", "answers": [], "is_impossible": True}]},
        {"context": "桂林市2022年总破案率达79.17%。", "qas": [  # the same paragraph again: one document
            {"id": "q3", "question": "2022年桂林总破案率", "answers": [{"text": "79.17%"}, {"text": "79.17%"}]}]}]},
    {"title": "白城", "paragraphs": [
        {"context": "白城市公安局举办公安大讲堂12期。", "qas": [
            {"id": "q4", "question": "白城举办了几期公安大讲堂", "answers": [{"text": "12期", "answer_start": 10}]}]}]}]}


def test_eval_convert_turns_a_squad_file_into_a_beir_set(tmp_path):
    from qa import evalcli  # noqa: F401
    from qa.cli import app
    from qa.evaluate import load_beir

    src = tmp_path / "cmrc-mini.json"
    src.write_text(json.dumps(SQUAD, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", "convert", str(src), str(tmp_path / "beir")])
    assert result.exit_code == 0, result.output
    assert "2 documents, 3 questions; 1 questions without an answer left out" in result.stdout
    ds = load_beir(tmp_path / "beir")
    assert [d.text for d in ds.documents] == ["桂林市2022年总破案率达79.17%。", "白城市公安局举办公安大讲堂12期。"]
    assert {q.id: (q.answers, sorted(q.relevant)) for q in ds.queries} == {
        "q1": (("79.17%",), ["cmrc-mini-00000"]), "q3": (("79.17%",), ["cmrc-mini-00000"]),
        "q4": (("12期",), ["cmrc-mini-00001"])}
    again = CliRunner().invoke(app, ["eval", "convert", str(src), str(tmp_path / "beir")])
    assert again.exit_code != 0 and "already holds a BEIR set" in again.output


@pytest.mark.parametrize("content,words", [
    ("not json", "is not a readable JSON file"),
    ('{"rows": []}', "is not SQuAD-style"),
    ('{"data": [{"title": "x", "paragraphs": [{"context": "c", "qas": []}]}]}', "holds no answerable question"),
])
def test_eval_convert_refuses_what_is_not_squad(tmp_path, content, words):
    from qa import evalcli  # noqa: F401
    from qa.cli import app

    src = tmp_path / "bad.json"
    src.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", "convert", str(src), str(tmp_path / "out")])
    assert result.exit_code != 0 and words in result.output
    usage = CliRunner().invoke(app, ["eval", "convert", str(src)])
    assert usage.exit_code == 2 and "usage: qa eval convert SQUAD.json OUT_DIR" in usage.output


@pytest.mark.slow
def test_calibrate_cli_writes_the_threshold(tmp_path, monkeypatch):
    from qa import evalcli  # noqa: F401
    from qa.cli import app
    from qa.index import read_manifest

    seed = ROOT.parent / "shared" / "eval" / "seed-dev"
    if not seed.exists():
        pytest.skip("../shared/eval/seed-dev is not beside the project")
    negatives = tmp_path / "negatives.txt"
    negatives.write_text("火星上有多少个派出所\n今天天气怎么样\n如何做红烧肉\nWhat is the capital of France?\n白城的GDP是多少\n", encoding="utf-8")
    monkeypatch.setenv("QA_CORPUS_DIR", str(CORPUS))
    result = CliRunner().invoke(app, ["eval", "--calibrate", str(seed), "--negatives", str(negatives), "--index", str(tmp_path / "index")])
    assert result.exit_code == 0, result.output
    manifest = read_manifest(tmp_path / "index")
    assert manifest["calibration"]["f1"] >= 0.9 and manifest["answer_threshold"] == manifest["calibration"]["threshold"]
    assert "answer threshold" in result.stdout


def test_unanswerable_questions_in_question_files(tmp_path, fake_encoder, sample_index):
    index = sample_index
    csv_file = tmp_path / "checks.csv"
    csv_file.write_text("question,expected_doc,expected_answer,unanswerable\n桂林的破案率是多少,000_b80b667df67e6221.txt,79.17%,\n"
                        "成都的破案率是多少,,,true\n", encoding="utf-8")
    jsonl = tmp_path / "checks.jsonl"
    jsonl.write_text('{"question": "武汉全市划分了多少个网格", "unanswerable": true}\n', encoding="utf-8")
    qs = load_questions(csv_file, index) + load_questions(jsonl, index)
    assert [q.unanswerable for q in qs] == [False, True, True]
    result = evaluate(index, fake_encoder, qs, "bm25")
    # both unanswerable questions name a city the corpus never mentions: refused whatever the encoder
    assert result.metrics["FalseAnswerRate"] == 0.0
    assert result.metrics["R@1"] is not None and result.queries == 3


def test_held_out_questions_hide_their_gold_documents():
    from qa.evaluate import held_out

    queries = [Query("a", "桂林的破案率是多少", ("79.17%",), frozenset({"gl"})), Query("b", "没有金标准的问题"),
               Query("c", "白城的破案率是多少", ("97.03%",), frozenset({"bc", "bc2"})),
               Query("d", "成都的破案率是多少", unanswerable=True)]
    held = held_out(queries, 10, seed=3)
    assert held == held_out(queries, 10, seed=3)  # deterministic
    assert sorted(q.id for q in held) == ["a-held-out", "c-held-out"]  # only answerable ones with gold documents
    c = next(q for q in held if q.id == "c-held-out")
    assert c.unanswerable and c.withheld == {"bc", "bc2"} and c.answers == ("97.03%",) and c.text == "白城的破案率是多少"
    assert len(held_out(queries, 1)) == 1 and held_out(queries, 0) == []


def test_near_misses_swap_a_place_or_year_the_corpus_never_mentions():
    from qa.evaluate import near_misses
    from qa.records import Document

    docs = [Document("gl", "2022年桂林市总破案率达79.17%。", title="桂林公安"),
            Document("bc", "白城市命案现案破案率达97.03%。", title="白城公安")]
    queries = [Query("q1", "桂林的破案率是多少", ("79.17%",)), Query("q2", "2022年白城的破案率是多少", ("97.03%",)),
               Query("q3", "破案率是多少", ("79.17%",)), Query("q4", "How many police does Guilin have?", ("1",))]
    derived = near_misses(queries, docs, 10, seed=1)
    assert derived == near_misses(queries, docs, 10, seed=1)  # deterministic
    assert len(derived) == 3 and all(q.unanswerable and q.id.endswith("-near-miss") for q in derived)
    by_id = {q.id: q.text for q in derived}
    assert "桂林" not in by_id["q1-near-miss"] and by_id["q1-near-miss"].endswith("的破案率是多少")
    assert "白城" not in by_id["q2-near-miss"] and by_id["q2-near-miss"].startswith("2022年")  # a place before a year
    assert "Guilin" not in by_id["q4-near-miss"] and by_id["q4-near-miss"].startswith("How many police does ")
    corpus = "".join(d.title + d.text for d in docs)
    from qa.answer import analyze
    for q in derived:  # what was swapped in is a constraint the corpus never meets
        new = [c for c in analyze(q.text).constraints if c.kind in ("place", "year")]
        assert new and any(not any(f in corpus for f in c.forms) for c in new)
    assert len(near_misses(queries, docs, 1)) == 1
    # a year in Chinese numerals is swapped whole (drcd-dev's 資訊學院曾於二零零九年時更名為? was derived unchanged and,
    # answered, counted as a false answer)
    (zh,) = near_misses([Query("q5", "二零二二年全市的破案率是多少", ("97.03%",))], docs, 1)
    assert zh.text.endswith("年全市的破案率是多少") and "二零二二年" not in zh.text and "2022" not in zh.text


def test_follow_ups_in_question_files_are_asked_after_their_history(tmp_path, fake_encoder, sample_index):
    """A question file can hold follow-ups (``history``: the earlier questions); they are searched and
    answered as the chat rewrites them, and their near misses keep the history."""
    from qa.evaluate import near_misses

    index = sample_index
    conversations = [{"history": ["桂林的破案率是多少"], "question": "那成都呢？", "unanswerable": True},
                     {"history": ["桂林的破案率是多少"], "question": "那白城呢？", "expected_answer": "97.03%"}]
    (tmp_path / "follow-ups.jsonl").write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in conversations),
                                               encoding="utf-8")
    (tmp_path / "follow-ups.csv").write_text("question,history,expected_answer\n那2022年呢,桂林的破案率是多少|那白城呢,97.03%\n",
                                             encoding="utf-8")
    qs = [q for name in ("follow-ups.jsonl", "follow-ups.csv") for q in load_questions(tmp_path / name, index)]
    assert [q.history for q in qs] == [("桂林的破案率是多少",)] * 2 + [("桂林的破案率是多少", "那白城呢")]
    assert [q.searched for q in qs] == ["成都的破案率是多少", "白城的破案率是多少", "2022年白城的破案率是多少"]
    result = evaluate(index, fake_encoder, qs, "bm25")
    assert result.metrics["FalseAnswerRate"] == 0.0  # 成都 the corpus never names: refused whatever the encoder
    shown = [f for f in result.failures if "kind" in f]
    assert all(f["history"] and f["searched"] for f in shown)
    derived = near_misses(qs[1:2], index.documents.values(), 1, seed=1)
    assert derived[0].history == qs[1].history and "白城" not in derived[0].text
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"history": "桂林的破案率是多少", "question": "那白城呢？", "expected_answer": "97.03%"}\n'
                   '{"history": [1], "question": "那白城呢？", "expected_answer": "97.03%"}\n', encoding="utf-8")
    with pytest.raises(DatasetError, match=r"bad.jsonl:2: history must be a list"):
        load_questions(bad, index)  # (a single earlier question as text is read as one)
