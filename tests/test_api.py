"""The REST and OpenAI-compatible APIs against a real server holding a key (httpx, the official
``openai`` client, gradio_client), and the refusal to serve beyond this machine without one."""

import json
import os
import shutil
import subprocess
import sys

import httpx
import pytest

from conftest import CORPUS, ROOT, free_port, start_app

pytestmark = pytest.mark.slow
KEY = "test-key-" + "0123456789abcdef"
AUTH = {"Authorization": f"Bearer {KEY}"}
GUILIN = "000_b80b667df67e6221"  # 桂林公安:以独特的“警”色守护世界级旅游名城 (2023-05-05)


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    root = tmp_path_factory.mktemp("api")
    shutil.copytree(CORPUS, root / "corpus")
    try:
        proc, url, _ = start_app(root, root / "corpus", env={"QA_API_KEY": KEY})
    except RuntimeError as exc:
        pytest.fail(str(exc))
    yield url.rstrip("/")
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture(scope="module")
def api(base):
    with httpx.Client(base_url=base, headers=AUTH, timeout=120) as client:
        yield client


@pytest.mark.parametrize("method,path,body", [
    ("GET", "/api/v1/health", None),
    ("POST", "/api/v1/ask", {"question": "桂林的破案率是多少"}),
    ("POST", "/api/v1/search", {"query": "桂林"}),
    ("GET", f"/api/v1/documents/{GUILIN}", None),
    ("GET", "/v1/models", None),
    ("POST", "/v1/chat/completions", {"model": "corpus-qa", "messages": [{"role": "user", "content": "桂林的破案率是多少"}]}),
])
@pytest.mark.parametrize("header", [None, "Bearer wrong-key-0123456789abcdef", KEY, f"Basic {KEY}"])
def test_every_api_needs_the_key(base, method, path, body, header):
    headers = {"Authorization": header} if header else {}
    r = httpx.request(method, base + path, json=body, headers=headers, timeout=60)
    assert r.status_code == 401, r.text
    assert r.headers["www-authenticate"] == "Bearer"
    assert "Authorization: Bearer" in r.json()["error"]["message"]


def test_the_page_asks_for_the_key_too(base):
    from gradio_client import Client

    with pytest.raises(Exception, match="credentials|login"):
        Client(base, verbose=False)
    with pytest.raises(ValueError, match="Could not login"):
        Client(base, verbose=False, auth=("qa", "wrong-key-0123456789abcdef"))
    page = Client(base, verbose=False, auth=("qa", KEY))
    assert page.predict(question="桂林的破案率是多少", api_name="/ask")["answer_span"] == "79.17%"
    assert httpx.get(base + "/config").status_code == 401


def test_health(api):
    body = api.get("/api/v1/health").json()
    assert body["status"] == "ok" and body["documents"] == 5 and body["chunks"] > 50
    assert body["model"] == "intfloat/multilingual-e5-small" and body["index_version"]


def test_ask_answers_as_qa_ask_json(api):
    r = api.post("/api/v1/ask", json={"question": "桂林的破案率是多少"})
    assert r.status_code == 200
    out = r.json()
    assert out["answered"] is True and out["answer_span"] == "79.17%" and "79.17%" in out["answer"]
    assert out["citations"][0]["doc_id"] == GUILIN and out["citations"][0]["n"] == 1
    assert "path" not in out["citations"][0]  # no server paths
    refused = api.post("/api/v1/ask", json={"question": "成都的破案率是多少"}).json()
    assert refused["answered"] is False and refused["reason"] == "missing" and refused["missing"] == ["成都"]
    assert refused["related"] and refused["citations"] == []


def test_ask_follows_the_conversation_and_the_filters(api):
    out = api.post("/api/v1/ask", json={"question": "桂林呢？", "history": ["白城市公安局举办了多少期公安大讲堂"]}).json()
    assert "桂林" in out["query"] and "大讲堂" in out["query"]
    # the figure is in a 2023 article: with articles up to 2022 only, it cannot be cited
    out = api.post("/api/v1/ask", json={"question": "桂林的破案率是多少", "filters": {"date_to": "2022-12-31"}}).json()
    assert all(c["date"] <= "2022-12-31" for c in out["citations"] + out.get("related", []))
    assert GUILIN not in {c["doc_id"] for c in out["citations"]}


@pytest.mark.parametrize("body,words", [
    ({"question": ""}, "question: String should have at least 1 character"),
    ({"question": "？？？"}, "no words in it"),
    ({"question": "桂" * 1001}, "at most 1000 characters"),
    ({}, "question: Field required"),
    ({"question": 42}, "question: Input should be a valid string"),
    ({"question": "桂林", "k": 0}, "k: Input should be greater than or equal to 1"),
    ({"question": "桂林", "retriever": "magic"}, "retriever: Input should be 'hybrid', 'dense' or 'bm25'"),
    ({"question": "桂林", "filters": {"date_from": "yesterday"}}, "filters.date_from: String should match pattern"),
    ({"question": "桂林", "colour": "red"}, "colour: Extra inputs are not permitted"),
])
def test_ask_bad_input_is_a_400_in_words(api, body, words):
    r = api.post("/api/v1/ask", json=body)
    assert r.status_code == 400, r.text
    assert words in r.json()["error"]["message"]
    assert r.json()["error"]["type"] == "invalid_request_error"


def test_malformed_and_oversized_bodies(api):
    r = api.post("/api/v1/ask", content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["error"]["message"] == "the body is not valid JSON"
    big = json.dumps({"question": "桂林", "history": ["问" * 100] * 3000}).encode()
    r = api.post("/api/v1/ask", content=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and "KiB limit" in r.json()["error"]["message"]

    def chunks():  # no Content-Length: the limit holds while the body streams in
        for i in range(0, len(big), 65536):
            yield big[i:i + 65536]

    r = api.post("/api/v1/ask", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413, r.text
    assert api.get("/api/v1/health").status_code == 200  # and the server carries on


def test_search_hits_with_scores_sorted_as_asked(api):
    hits = api.post("/api/v1/search", json={"query": "公安 破案率", "k": 8}).json()["hits"]
    assert len(hits) == 8 and [h["rank"] for h in hits] == list(range(1, 9))
    assert all(isinstance(h["score"], float) for h in hits) and hits[0]["score"] >= hits[-1]["score"]
    doc = api.get(f"/api/v1/documents/{hits[0]['doc_id']}").json()
    assert doc["text"][hits[0]["start"]:hits[0]["end"]] == hits[0]["text"]
    newest = api.post("/api/v1/search", json={"query": "公安 破案率", "k": 8, "sort": "date"}).json()["hits"]
    dates = [h["date"] or "" for h in newest]  # undated articles last
    assert dates == sorted(dates, reverse=True) and len(set(dates)) > 1
    one = api.post("/api/v1/search", json={"query": "公安 破案率", "filters": {"outlets": ["人民网-广西频道"]}}).json()["hits"]
    assert one and {h["source"] for h in one} == {"人民网-广西频道"}


def test_documents_by_id(api):
    doc = api.get(f"/api/v1/documents/{GUILIN}").json()
    assert doc["title"].startswith("桂林公安") and doc["date"] == "2023-05-05" and "79.17%" in doc["text"]
    assert doc["canonical"] == GUILIN and doc["copies"] == [] and "/" not in (doc["file"] or "")
    r = api.get("/api/v1/documents/no-such-document")
    assert r.status_code == 404 and "no document 'no-such-document'" in r.json()["error"]["message"]


def test_docs_page_works_offline(base):
    page = httpx.get(base + "/docs").text
    assert "swagger-ui-bundle.js" in page and "cdn" not in page and "https://" not in page
    assert httpx.get(base + "/static-offline-docs/swagger-ui-bundle.js").status_code == 200
    spec = httpx.get(base + "/openapi.json").json()
    for path in ("/api/v1/ask", "/api/v1/search", "/api/v1/documents/{doc_id}", "/api/v1/health",
                 "/v1/chat/completions", "/v1/models"):
        assert path in spec["paths"], path
    assert "HTTPBearer" in spec["components"]["securitySchemes"]


@pytest.fixture(scope="module")
def openai_client(base):
    from openai import OpenAI

    return OpenAI(base_url=base + "/v1", api_key=KEY, max_retries=0, timeout=120)


def test_openai_client_gets_the_answer_with_citations(openai_client):
    assert [m.id for m in openai_client.models.list()] == ["corpus-qa"]
    done = openai_client.chat.completions.create(model="corpus-qa", messages=[
        {"role": "system", "content": "你是助手"}, {"role": "user", "content": "桂林的破案率是多少"}])
    text = done.choices[0].message.content
    assert done.choices[0].finish_reason == "stop" and done.choices[0].message.role == "assistant"
    assert "79.17%" in text and "[1]" in text and "来源" in text
    # one line per article (the passage whose best sentence is 破案率环比上升45%, a change, not the rate
    # asked, is no longer cited as close: a level asked is not answered by a change, qa.answer.fit.asks_level)
    assert "\n[2][3] 让平安与山水同行" in text
    assert done.citations[0]["doc_id"] == GUILIN and done.qa["answer_span"] == "79.17%"

    stream = openai_client.chat.completions.create(model="corpus-qa", stream=True, messages=[
        {"role": "user", "content": [{"type": "text", "text": "桂林的破案率是多少"}]}])
    chunks = list(stream)
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == text
    assert chunks[-1].choices[0].finish_reason == "stop" and chunks[-1].citations[0]["doc_id"] == GUILIN


def test_openai_follow_up_and_refusal(openai_client):
    out = openai_client.chat.completions.create(model="corpus-qa", messages=[
        {"role": "user", "content": "白城市公安局举办了多少期公安大讲堂"},
        {"role": "assistant", "content": "……"},
        {"role": "user", "content": "桂林呢？"}])
    assert "桂林" in out.qa["query"] and "大讲堂" in out.qa["query"]
    refused = openai_client.chat.completions.create(model="corpus-qa", messages=[{"role": "user", "content": "成都的破案率是多少"}])
    assert "成都" in refused.choices[0].message.content and "相关段落" in refused.choices[0].message.content
    assert refused.qa["answered"] is False and refused.citations == []


def test_openai_errors(openai_client, base):
    import openai

    with pytest.raises(openai.NotFoundError, match="unknown model 'gpt-4o'"):
        openai_client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "桂林"}])
    with pytest.raises(openai.BadRequestError, match="the last message must be the user's question"):
        openai_client.chat.completions.create(model="corpus-qa", messages=[{"role": "assistant", "content": "桂林"}])
    with pytest.raises(openai.BadRequestError, match="no words in it"):
        openai_client.chat.completions.create(model="corpus-qa", messages=[{"role": "user", "content": "？"}])
    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(base_url=base + "/v1", api_key="wrong-key-0123456789abcdef", max_retries=0).models.list()


@pytest.mark.parametrize("args,env,words", [
    (["--host", "0.0.0.0"], {}, "no key is set: set QA_API_KEY"),
    (["--host", "0.0.0.0"], {"QA_API_KEY": "short"}, "QA_API_KEY is 5 characters long"),
])
def test_no_server_beyond_localhost_without_a_key(tmp_path, args, env, words):
    """It stops before loading anything, so it never listens (nothing is bound beyond 127.0.0.1 here)."""
    run = subprocess.run([sys.executable, str(ROOT / "app.py"), "--index", str(tmp_path / "index"),
                          "--port", str(free_port()), *args], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "QA_API_KEY": "", "HF_HUB_OFFLINE": "1", **env})
    assert run.returncode != 0 and words in run.stderr
    assert not (tmp_path / "index").exists()


def test_access_rules():
    from qa.web.auth import Access, UnsafeBindError, access_for

    assert access_for("127.0.0.1", None) == Access() and access_for("localhost", "") == Access()
    assert access_for("0.0.0.0", None, insecure_no_auth=True) == Access()
    assert access_for("127.0.0.1", KEY) == Access(KEY)  # a key given is asked for, locally too
    with pytest.raises(UnsafeBindError, match="--insecure-no-auth"):
        access_for("192.168.1.20", None)
    locked = Access(KEY)
    assert locked.allows_token(f"Bearer {KEY}") and locked.allows_token(f"bearer  {KEY} ")
    assert not locked.allows_token(None) and not locked.allows_token(KEY) and not locked.allows_token("Bearer ")
    assert locked.page_auth()("qa", KEY) and not locked.page_auth()("admin", KEY) and Access().page_auth() is None


def test_hostile_document_text_reaches_chat_clients_as_words():
    """Chat clients render the reply as markdown (often with HTML): a document's link, image or tag
    must come out as text (the structured fields carry it raw)."""
    from markdown_it import MarkdownIt

    from qa.records import Answer, Citation
    from qa.web.api import reply_text

    hostile = "详见[点此领奖](http://evil.example/x)和<img src=x onerror=alert(1)>，<script>x()</script> www.evil.cn <http://evil.example>"
    cited = Citation(1, "d", "![t](http://127.0.0.1:9/t.png)标题", "2020-01-01", "<b>来源</b>", hostile, 0, 10, 0, 10, 1.0)
    for answer in (Answer("q", hostile, True, [cited], answer_span="[x](http://evil.example)"),
                   Answer("q", "语料中没有关于「成都」的破案率。相关内容：" + hostile, False, related=[cited])):
        text = reply_text(answer)
        rendered = MarkdownIt("commonmark", {"html": True}).render(text)
        assert "<a " not in rendered and "<img" not in rendered and "<script" not in rendered and "<b>" not in rendered
        assert "://" not in text and "www.evil" not in text  # no bare URL for a linkifier either
        assert "点此领奖" in rendered and "&lt;script&gt;" in rendered  # the words are all there
