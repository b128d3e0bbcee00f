"""The web chat against a real server (gradio_client) and a real browser (Playwright + Debian Chromium)."""

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import CORPUS, start_app

pytestmark = pytest.mark.slow
PAYLOAD = ("![t](http://127.0.0.1:9/title.png)安全测试专栏\n2020年01月01日 来源：![o](http://127.0.0.1:9/outlet.png)\n"
           "本文用于检验页面转义：<script>window.__xss=1</script>"
           "以及<img src=x onerror=\"window.__xss=2\">等内容。紫色长颈鹿是这次测试的暗号，详见[点此领奖](http://evil.example/x)"
           "和![图](http://127.0.0.1:9/body.png)、$\\href{http://127.0.0.1:9/tex}{x}$。\n")


SERVER_LOG: dict = {}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """python app.py on a free localhost port, over the sample corpus plus a script payload."""
    root = tmp_path_factory.mktemp("web")
    corpus = root / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "xss.txt").write_text(PAYLOAD, encoding="utf-8")
    (root / "tmp").mkdir()
    SERVER_LOG["tmp"] = root / "tmp"  # the server's TMPDIR: what it leaves there is checked
    try:
        proc, url, _ = start_app(root, corpus, env={"TMPDIR": str(root / "tmp")})
    except RuntimeError as exc:
        pytest.fail(str(exc))
    SERVER_LOG["path"] = root / "server.log"
    yield url
    proc.terminate()
    proc.wait(timeout=30)


def test_start_says_which_model_and_index_in_one_line_without_warnings(server):
    lines = [line for line in SERVER_LOG["path"].read_text(encoding="utf-8").splitlines() if line.strip()]
    model_lines = [line for line in lines if line.startswith("model ")]
    assert len(model_lines) == 1 and "intfloat/multilingual-e5-small" in model_lines[0] and "chunks)" in model_lines[0]
    assert "torch" in model_lines[0] or "onnx" in model_lines[0]
    assert not [line for line in lines if "Retrying" in line or "WARNING" in line or "Traceback" in line]


@pytest.fixture(scope="module")
def client(server):
    from gradio_client import Client

    return Client(server, verbose=False)


def test_design_card_question(client):
    out = client.predict(question="桂林的破案率是多少", api_name="/ask")
    assert out["answered"] and "79.17%" in out["answer"] and out["answer_span"] == "79.17%"
    assert "79.17%" in out["citations"][0]["text"] and out["query"] == "桂林的破案率是多少"


@pytest.mark.parametrize("kwargs,words", [
    ({"question": None}, "question must be text, got null"),
    ({"question": 123}, "question must be text, got a number"),
    ({"question": "桂林的破案率是多少", "history": [123]}, "history must be a list of the earlier questions"),
    ({"question": "桂林的破案率是多少", "history": "桂林"}, "history must be a list"),
    ({"question": "？！。"}, "no words"),
    ({"question": "是什么"}, "nothing to search for"),
])
def test_api_input_errors_answer_in_words_and_log_no_traceback(client, kwargs, words):
    from gradio_client.exceptions import AppError

    before = SERVER_LOG["path"].read_text(encoding="utf-8")
    with pytest.raises(AppError) as err:
        client.predict(**kwargs, api_name="/ask")
    message = str(err.value)
    assert words in message and "Traceback" not in message and "NoneType" not in message and "/tmp" not in message
    time.sleep(0.5)
    added = SERVER_LOG["path"].read_text(encoding="utf-8")[len(before):]
    assert "Traceback" not in added, added[-1500:]


def test_follow_up_rewrites_the_query(client):
    out = client.predict(question="那白城呢？", history=["桂林的破案率是多少"], api_name="/ask")
    assert out["query"] == "白城的破案率是多少"
    assert out["answered"] and any("97.03%" in c["text"] for c in out["citations"])


def test_refusal_names_what_is_missing_and_shows_related(client):
    out = client.predict(question="成都的破案率是多少", api_name="/ask")
    assert out["answered"] is False and out["citations"] == []
    assert out["reason"] == "missing" and out["missing"] == ["成都"]
    assert out["answer"].startswith("语料中没有关于「成都」的破案率")
    assert out["related"] and all(r["doc_id"].startswith(("000_", "001_")) for r in out["related"][:1])
    _, chat, sources, viewer = client.predict("成都的破案率是多少", [], 5, "hybrid", "", "", [], "相关度", api_name="/chat")
    rendered = chat[-1]["content"] if isinstance(chat[-1]["content"], str) else str(chat[-1]["content"])
    assert "相关段落" in rendered and "[1]" not in rendered and "来源" not in rendered.replace("答案的来源", "")


def test_out_of_corpus(client):
    out = client.predict(question="火星上有多少个派出所", api_name="/ask")
    assert out["answered"] is False and out["citations"] == []


def test_script_payload_is_escaped(client):
    out = client.predict(question="紫色长颈鹿暗号", api_name="/ask")
    assert out["answered"] and "<script>" in out["citations"][0]["text"]  # the data, verbatim
    box, chat, sources, viewer = client.predict(  # session state is not part of the API
        "紫色长颈鹿暗号", [], 5, "hybrid", "", "", [], "相关度", api_name="/chat")
    rendered = chat[-1]["content"] if isinstance(chat[-1]["content"], str) else str(chat[-1]["content"])
    for html in (viewer, rendered):
        assert "<script>" not in html and "<img src=x" not in html
    assert "](http://" not in rendered and "http://evil" not in rendered  # no markdown link, no autolink
    assert "&lt;script&gt;" in viewer and "&lt;img src=x onerror" in viewer
    assert "<mark class='answer'>" in viewer


def test_evaluate_tab_on_an_uploaded_question_file(client, tmp_path):
    from gradio_client import handle_file

    checks = tmp_path / "checks.csv"
    checks.write_text("question,expected_doc,expected_answer\n桂林的破案率是多少,000_b80b667df67e6221.txt,79.17%\n"
                      "白城市公安局举办了多少期公安大讲堂,004_36e9c487650df011,31期\n", encoding="utf-8")
    table, chart = client.predict(handle_file(str(checks)), None, "hybrid", api_name="/evaluate")
    assert table["headers"][:4] == ["dataset", "retriever", "R@1", "R@5"]
    row = table["data"][0]
    assert row[0] == "checks.csv" and row[1] == "hybrid" and float(row[table["headers"].index("RR@10")]) == 1.0
    assert Path(chart).stat().st_size > 5000


def test_evaluate_tab_on_an_uploaded_beir_zip(client, tmp_path):
    import json
    import zipfile

    from gradio_client import handle_file

    docs = [{"_id": "gl", "title": "桂林", "text": "桂林市公安局2022年总破案率达79.17%，排名全区第一。"},
            {"_id": "bc", "title": "白城", "text": "白城市公安局命案现案破案率达97.03%，举办公安大讲堂31期。"}]
    queries = [{"_id": "q1", "text": "桂林的破案率", "answers": ["79.17%"]}, {"_id": "q2", "text": "白城公安大讲堂办了几期", "answers": ["31期"]}]
    archive = tmp_path / "tiny-beir.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("tiny/corpus.jsonl", "\n".join(json.dumps(d, ensure_ascii=False) for d in docs))
        zf.writestr("tiny/queries.jsonl", "\n".join(json.dumps(q, ensure_ascii=False) for q in queries))
        zf.writestr("tiny/qrels/test.tsv", "query-id\tcorpus-id\tscore\nq1\tgl\t1\nq2\tbc\t1\n")
    table, _ = client.predict(handle_file(str(archive)), None, "all", api_name="/evaluate")
    assert [row[:2] for row in table["data"]] == [["tiny", "hybrid"], ["tiny", "dense"], ["tiny", "bm25"]]
    assert float(table["data"][0][table["headers"].index("AnswerRecall@5")]) == 1.0
    assert "AnswerAccuracy" in table["headers"] and "FalseAnswerRate" in table["headers"]  # near misses of the set
    assert "HeldOutAnswerRate" in table["headers"]  # and its questions asked without their gold passages


def test_upload_zip_with_unsafe_paths_is_refused(tmp_path):
    import zipfile

    from qa.web.chat import safe_extract

    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("../../etc/evil.txt", "x")
    with pytest.raises(ValueError, match="unsafe path"):
        safe_extract(bad, tmp_path / "out")
    assert not (tmp_path.parent.parent / "etc" / "evil.txt").exists()


def chromium_or_skip():
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium); .ci/run installs it where it can")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    return path


@pytest.mark.browser
def test_browser_click_citation_shows_highlight(server, tmp_path):
    from playwright.sync_api import sync_playwright

    chromium = chromium_or_skip()
    shots = Path(os.environ.get("QA_SCREENSHOT_DIR", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
            "--no-first-run", "--disable-component-update", "--disable-sync"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        requested = []
        page.on("request", lambda r: requested.append(r.url))
        page.goto(server)
        box = page.locator("#qa-input textarea")
        box.fill("桂林的破案率是多少")
        box.press("Enter")
        page.locator("#qa-sources label").first.wait_for(timeout=120_000)
        page.locator("#qa-sources label").first.click()
        mark = page.locator("#qa-source mark.answer")
        mark.wait_for(timeout=30_000)
        assert "79.17%" in mark.inner_text() and page.locator("#qa-source strong.span").inner_text() == "79.17%"
        # the reply: the span emphasized inside the answer sentence, a label for a reader, no raw score
        assert page.locator("#qa-chat mark.qa-span").first.inner_text() == "79.17%"
        assert "答案出处" in page.locator("#qa-chat").inner_text() and "把握：" in page.locator("#qa-chat").inner_text()
        assert not re.search(r"相关度\s*\d", page.locator("#qa-chat").inner_text())
        # sources of one article are one entry: [1] from one article, [2][3][4] from another
        labels = page.locator("#qa-sources label")
        assert labels.count() == 2 and labels.nth(1).inner_text().startswith("[2][3]")
        page.screenshot(path=str(shots / "chat.png"), full_page=True)
        # an inline marker opens its source: [3] selects the second article and shows passage 3
        page.locator("#qa-chat a.qa-cite", has_text="[3]").first.click()
        page.locator("#qa-source #qa-passage-3").wait_for(timeout=30_000)
        assert labels.nth(1).locator("input").is_checked()
        assert page.url.rstrip("/") == server.rstrip("/")  # the link itself went nowhere
        page.wait_for_timeout(500)
        box_of = page.locator("#qa-source").bounding_box()
        at = page.locator("#qa-source #qa-passage-3").bounding_box()
        assert box_of["y"] <= at["y"] <= box_of["y"] + box_of["height"], "passage 3 is scrolled into view"
        page.screenshot(path=str(shots / "marker-clicked.png"), full_page=True)
        # a question about a city the corpus never mentions: a refusal, with related passages
        box.fill("成都的破案率是多少")
        box.press("Enter")
        page.locator("#qa-chat", has_text="语料中没有关于「成都」").wait_for(timeout=60_000)
        assert "相关段落" in page.locator("#qa-chat").inner_text()
        assert page.locator("#qa-chat .qa-refused").count() == 1 and page.locator("#qa-chat .qa-answered").count() == 1
        assert page.locator("#qa-sources label").first.inner_text().startswith("相关1")  # related, not numbered sources
        page.screenshot(path=str(shots / "refusal.png"), full_page=True)
        # a message that asks nothing is told so, and the chat stays as it was
        box.fill("还有呢")
        box.press("Enter")
        page.get_by_text("does not say what to look up").first.wait_for(timeout=30_000)
        assert page.locator("#qa-chat .qa-refused").count() == 1 and page.locator("#qa-chat .qa-answered").count() == 1
        assert "还有呢" not in page.locator("#qa-chat").inner_text()
        page.screenshot(path=str(shots / "chatter.png"), full_page=True)
        # the script payload is shown as text and runs nothing
        box.fill("紫色长颈鹿暗号")
        box.press("Enter")
        page.locator("#qa-source mark.answer", has_text="紫色长颈鹿").wait_for(timeout=60_000)
        assert "<script>window.__xss=1</script>" in page.locator("#qa-source").inner_text()
        assert page.evaluate("window.__xss") is None
        assert page.locator("#qa-chat a[href*='evil.example']").count() == 0  # markdown in a document is text
        assert "[点此领奖]" in page.locator("#qa-chat").inner_text()
        assert page.locator("img[src*='127.0.0.1:9']").count() == 0
        page.screenshot(path=str(shots / "payload.png"), full_page=True)
        page.wait_for_timeout(1000)
        # nothing a document says makes the browser fetch anything: every request goes to the app
        elsewhere = [u for u in requested if not u.startswith((server, "data:", "blob:"))]
        assert elsewhere == [], elsewhere
        browser.close()


@pytest.mark.parametrize("name,content,words", [
    ("my checks.csv", "question,expected_doc\n,000_b80b667df67e6221\n", "my checks.csv:2: the question is empty"),
    ("bad-set.zip", None, "the zip holds no corpus.jsonl"),
])
def test_evaluate_errors_name_the_upload_not_the_server_path(client, tmp_path, name, content, words):
    import zipfile

    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    path = tmp_path / name
    if content is None:
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("readme.txt", "no corpus here")
    else:
        path.write_text(content, encoding="utf-8")
    before = SERVER_LOG["path"].read_text(encoding="utf-8")
    with pytest.raises(AppError) as err:
        client.predict(handle_file(str(path)), None, "hybrid", api_name="/evaluate")
    message = str(err.value)
    assert words in message and "/tmp" not in message and "gradio" not in message.lower(), message
    time.sleep(0.5)
    assert "Traceback" not in SERVER_LOG["path"].read_text(encoding="utf-8")[len(before):]


def _beir_zip(path, documents: int, questions: int = 2, paragraphs: int = 1):
    import json
    import zipfile

    def text(i):
        return f"第{i}号文件讲的是编号{i}的案件。" + "".join(f"警方在第{j}天走访了{i * j + 7}户群众，记录了{j}条线索。" for j in range(1, paragraphs))

    with zipfile.ZipFile(path, "w") as z:
        z.writestr("set/corpus.jsonl", "".join(json.dumps({"_id": f"d{i}", "title": f"标题{i}", "text": text(i)},
                                                          ensure_ascii=False) + "\n" for i in range(documents)))
        z.writestr("set/queries.jsonl", "".join(json.dumps({"_id": f"q{i}", "text": f"编号{i}的案件"}, ensure_ascii=False) + "\n"
                                                for i in range(questions)))
        z.writestr("set/qrels/test.tsv", "query-id\tcorpus-id\tscore\n" + "".join(f"q{i}\td{i}\t1\n" for i in range(questions)))


def test_evaluate_upload_over_the_limit_is_refused_before_any_work(client, tmp_path):
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    _beir_zip(tmp_path / "big.zip", documents=501)
    started = time.time()
    with pytest.raises(AppError, match="501 documents.*at most 500 \\(QA_EVAL_MAX_DOCUMENTS\\)"):
        client.predict(handle_file(str(tmp_path / "big.zip")), None, "hybrid", api_name="/evaluate")
    assert time.time() - started < 30  # refused, not indexed


def test_evaluate_stops_when_the_page_that_asked_for_it_disconnects(server, client, tmp_path):
    """A long evaluation whose client goes away stops at its next checkpoint and frees the one slot."""
    import httpx

    _beir_zip(tmp_path / "slow.zip", documents=400, questions=50, paragraphs=40)  # ~1,000 chunks: minutes of embedding
    before = SERVER_LOG["path"].read_text(encoding="utf-8")
    api = server + "gradio_api/"
    with httpx.Client(timeout=30) as http:
        with open(tmp_path / "slow.zip", "rb") as f:
            uploaded = http.post(api + "upload", files={"files": ("slow.zip", f, "application/zip")}).json()[0]
        config = http.get(server + "config").json()
        fn = next(d["id"] for d in config["dependencies"] if d.get("api_name") == "evaluate")
        upload = {"path": uploaded, "orig_name": "slow.zip", "meta": {"_type": "gradio.FileData"}}
        joined = http.post(api + "queue/join", json={"data": [upload, None, "hybrid"], "fn_index": fn, "session_hash": "leaver",
                                                     "event_data": None, "trigger_id": None})
        assert joined.status_code == 200, joined.text
        with http.stream("GET", api + "queue/data", params={"session_hash": "leaver"}, timeout=120) as stream:
            for line in stream.iter_lines():  # stay until the embedding bar moves, then close the page
                if '"progress"' in line and "Embedding" in line:
                    break
    deadline = time.time() + 90
    while "evaluation stopped: the client disconnected" not in SERVER_LOG["path"].read_text(encoding="utf-8")[len(before):]:
        assert time.time() < deadline, "the evaluation went on after its client left"
        time.sleep(1)
    from gradio_client import handle_file

    _beir_zip(tmp_path / "small.zip", documents=6, questions=3)
    started = time.time()
    table, _ = client.predict(handle_file(str(tmp_path / "small.zip")), None, "hybrid", api_name="/evaluate")
    assert len(table["data"]) == 1 and time.time() - started < 60  # the slot is free: not queued behind the leaver
    assert "Traceback" not in SERVER_LOG["path"].read_text(encoding="utf-8")[len(before):]


def test_evaluate_upload_leaves_no_index_or_files_behind(client, tmp_path):
    from embeddings import default_cache_dir
    from gradio_client import handle_file

    cached = default_cache_dir() / "eval-indexes"
    before = set(cached.glob("set-*")) if cached.exists() else set()
    _beir_zip(tmp_path / "small.zip", documents=6, questions=3)
    for _ in range(2):
        table, chart = client.predict(handle_file(str(tmp_path / "small.zip")), None, "all", api_name="/evaluate")
        assert len(table["data"]) == 3 and Path(chart).exists()
    assert (set(cached.glob("set-*")) if cached.exists() else set()) == before
    scratch = [p for p in SERVER_LOG["tmp"].iterdir() if p.name.startswith("qa-server-")]
    assert len(scratch) == 1
    assert [p.name for p in scratch[0].iterdir()] == ["chart.png"]  # no unpacked uploads, indexes or chart folders


def test_a_running_server_serves_a_new_index_version_and_refuses_a_broken_one(server, client):
    """`qa ingest` into the served index while the server runs: the next questions see the new
    version; a version that does not open is refused with a log line and the old one kept."""
    from qa.store import current

    root = SERVER_LOG["path"].parent
    question = "青蛙镇图书馆2025年新增了多少册藏书"
    assert not client.predict(question=question, api_name="/ask")["answered"]
    (root / "corpus" / "frog.txt").write_text("青蛙镇图书馆扩建完工\n2025年12月01日 来源：青蛙镇日报\n"
                                              "青蛙镇图书馆2025年新增藏书4817册，读者借阅量同比增长12%。\n", encoding="utf-8")
    import threading

    from gradio_client import Client

    stop, failures, answers = threading.Event(), [], []

    def visitor():  # other people keep asking while the archive changes under them
        own = Client(server, verbose=False)
        while not stop.is_set():
            try:
                out = own.predict(question="桂林的破案率是多少", api_name="/ask")
                answers.append(out["answered"] and "79.17%" in " ".join(c["text"] for c in out["citations"]))
            except Exception as exc:  # noqa: BLE001 - any failure is what this test looks for
                failures.append(repr(exc))

    visitors = [threading.Thread(target=visitor) for _ in range(3)]
    for t in visitors:
        t.start()
    try:
        ingest = subprocess.run([sys.executable, "-m", "qa.cli", "ingest", str(root / "corpus"), "--index", str(root / "index")],
                                capture_output=True, text=True, timeout=600, env={**os.environ, "HF_HUB_OFFLINE": "1"}, cwd=root)
        assert ingest.returncode == 0, ingest.stderr[-1500:]
        deadline = time.time() + 60
        while True:  # the server looks for a new version at most every 2 s, between requests
            out = client.predict(question=question, api_name="/ask")
            if out["answered"] or time.time() > deadline:
                break
            time.sleep(1)
        time.sleep(3)  # a few more questions on the new version
    finally:
        stop.set()
        for t in visitors:
            t.join(timeout=60)
    assert out["answered"] and "4817" in out["answer"]
    assert not failures and len(answers) >= 6 and all(answers)  # no request failed or got a mixed answer
    good = current(root / "index")
    assert f"now serving index version {good.name}" in SERVER_LOG["path"].read_text(encoding="utf-8")

    broken = root / "index" / "v-20991231-235959-abcdef"
    broken.mkdir()
    (broken / "manifest.json").write_text("{oops", encoding="utf-8")
    (root / "index" / "CURRENT").write_text(broken.name + "\n", encoding="utf-8")
    try:
        deadline = time.time() + 30
        while f"new index version {broken.name} refused" not in SERVER_LOG["path"].read_text(encoding="utf-8"):
            assert time.time() < deadline, "the broken version was not noticed"
            assert "4817" in client.predict(question=question, api_name="/ask")["answer"]  # still the good one
            time.sleep(1)
        assert "4817" in client.predict(question=question, api_name="/ask")["answer"]
    finally:
        (root / "index" / "CURRENT").write_text(good.name + "\n", encoding="utf-8")
