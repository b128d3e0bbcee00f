"""Loading and cleaning documents: encodings, pinyin ruby, page chrome, metadata, bad files."""

import json
from pathlib import Path

import pytest

from conftest import CORPUS
from qa.documents import DocumentError, clean, load_documents, load_file, remove_pinyin

CHROME = ["小字号", "分享让更多人看到", "返回顶部", "分享到", "版面导航", "站内检索", "放大 缩小 默认", "上一版",
          "版权所有", "人民网>>", "(责编", "阅读原文", "本文为澎湃号", "地址:吉林省", "http://"]
ARTICLE = "桂林警方破获大案\n2023年05月05日13:24 | 来源:人民网-广西频道\n小字号\n桂林市公安局今年破案率达到79.17%。\n返回顶部\n"


@pytest.fixture(scope="module")
def sample():
    docs, skipped = load_documents([CORPUS])
    assert skipped == []
    return {d.id[:3]: d for d in docs}


def test_pinyin_ruby_removed():
    assert remove_pinyin("本報(bào)道 發(fā)案數(shù)") == "本報道 發案數"
    assert remove_pinyin("牛背梁(APP)和(CPI)保留") == "牛背梁(APP)和(CPI)保留"


def test_sample_corpus_has_no_pinyin_or_chrome(sample):
    import re

    for doc in sample.values():
        assert not re.search(r"\((b|p|m|f|d|t|n|l|g|k|h|j|q|x|zh|ch|sh|r|z|c|s|y|w)?[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]", doc.text), doc.id
        for line in doc.text.splitlines():
            for chrome in CHROME:
                assert chrome not in line, f"{doc.id}: {line!r}"
    assert "報道" in sample["003"].text and "發案數" in sample["003"].text


@pytest.mark.parametrize("key,title,date,source", [
    ("000", "桂林公安:以独特的“警”色守护世界级旅游名城", "2023-05-05", "人民网-广西频道"),
    ("001", "让平安与山水同行——桂林市加强和创新市域社会治理纪实", "2021-01-06", "广西法治日报"),
    ("002", "致敬改革开放40年:主动拥抱新时代 奋力提升战斗力", "2018-12-19", None),
    ("003", "商洛市“十四五”成就主題報道之二十九", None, None),
    ("004", "春华秋实结硕果 保驾护航筑平安", "2016-11-28", "白城日报"),
])
def test_metadata(sample, key, title, date, source):
    doc = sample[key]
    assert (doc.title, doc.date, doc.source) == (title, date, source)
    assert doc.path.startswith(key) and doc.path.endswith(".txt")


def test_content_survives_cleaning(sample):
    assert "2022年分别达79.17%和73.27%" in sample["000"].text
    assert "命案现案破案率达97.03%" in sample["004"].text
    assert "白城市公安局特警队员参加夜巡前集结" in sample["004"].text  # a caption, not chrome


def test_a_sentence_with_a_date_near_the_top_is_content_not_a_dateline():
    doc = clean("越南投资发展银行\n该银行创立于1957年4月26日，初名为越南建设银行。\n总部设于河内。")
    assert "初名为越南建设银行" in doc.text and doc.date == "1957-04-26"
    assert "2023年05月05日" not in clean(ARTICLE).text  # a dateline proper is still metadata


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "big5", "utf-16"])
def test_detects_encodings(tmp_path, encoding):
    text = "白城市公安局舉辦公安大講堂31期，邀請社會各界專家學者授課，群眾安全感穩步提升。" * 3
    if encoding.startswith("gb"):
        import opencc

        text = opencc.OpenCC("t2s").convert(text)
    path = tmp_path / f"article-{encoding}.txt"
    path.write_bytes(text.encode(encoding))
    (doc,) = load_file(path)
    assert text.split("，")[0] in doc.text


@pytest.mark.parametrize("name,content,reason", [
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"  \n\n ", "empty"),
    ("binary.txt", bytes(range(256)) * 8, "binary"),
    ("chrome-only.txt", "小字号\n返回顶部\n".encode(), "page furniture"),
])
def test_bad_files_are_skipped_with_reason(tmp_path, name, content, reason):
    (tmp_path / name).write_bytes(content)
    (tmp_path / "good.txt").write_text(ARTICLE, encoding="utf-8")
    docs, skipped = load_documents([tmp_path, tmp_path / "missing.txt"])
    assert [d.id for d in docs] == ["good"]
    reasons = {s.path.rsplit("/", 1)[-1]: s.reason for s in skipped}
    assert reason in reasons[name]
    assert "does not exist" in reasons["missing.txt"]


def test_html_main_text(tmp_path):
    html = ("<html><head><title>白城公安综述</title></head><body><nav>首页 | 新闻 | 返回顶部</nav>"
            "<article><h1>白城公安综述</h1><p>2016年11月28日</p><p>" + "命案现案破案率达97.03%。五年来全市没有发生重大案件。" * 4 +
            "</p><script>alert('x')</script></article><footer>版权所有</footer></body></html>")
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    (doc,) = load_file(path)
    assert "97.03%" in doc.text and "alert" not in doc.text and "版权所有" not in doc.text
    assert doc.title == "白城公安综述"


def test_beir_jsonl(tmp_path):
    rows = [{"_id": "d1", "title": "标题一", "text": "第一篇文章的内容，讲的是桂林。"},
            {"_id": "d2", "title": "", "text": "第二篇\n第二篇文章讲的是白城。"}]
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    docs = load_file(path)
    assert [(d.id, d.title) for d in docs] == [("d1", "标题一"), ("d2", "第二篇")]


def test_malformed_jsonl_line_is_skipped_and_named(tmp_path):
    path = tmp_path / "corpus.jsonl"
    path.write_text('{"_id": "a", "text": "好"}\n{not json}\n', encoding="utf-8")
    skipped = []
    assert [d.id for d in load_file(path, skipped)] == ["a"]
    assert len(skipped) == 1 and skipped[0].path.endswith("corpus.jsonl:2") and "JSON" in skipped[0].reason


@pytest.mark.parametrize("record,reason", [
    ('{"_id": "n", "text": 12345}', "text is a number"),
    ('{"_id": "z", "text": null}', "text is null"),
    ('{"_id": "l", "text": ["桂林", "破案率"]}', "text is a list"),
    ('{"_id": "t", "text": "正文。", "title": 7}', "title is a number"),
    ('{"_id": "u", "text": "正文。", "title": ["标题"]}', "title is a list"),
    ('["_id", "text"]', "not a BEIR corpus record"),
    ('{"_id": "e", "text": "   "}', "text is empty"),
])
def test_jsonl_records_of_the_wrong_type_are_skipped_not_fatal(tmp_path, record, reason):
    path = tmp_path / "corpus.jsonl"
    path.write_text('{"_id": "ok", "text": "桂林的破案率达到79.17%。", "title": null}\n' + record + "\n", encoding="utf-8")
    docs, skipped = load_documents([path])
    assert [d.id for d in docs] == ["ok"]
    assert len(skipped) == 1 and reason in skipped[0].reason and ":2" in skipped[0].path


def test_unreadable_subfolder_is_reported_and_the_rest_indexed(tmp_path, monkeypatch):
    import os

    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "a.txt").write_text("桂林的破案率达到79.17%。", encoding="utf-8")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "b.txt").write_text("白城。", encoding="utf-8")
    if os.geteuid() == 0:  # root reads any folder: make this one fail the way it does for a user
        real = os.scandir

        def scandir(path="."):
            if Path(path) == locked:
                raise PermissionError(13, "Permission denied", str(path))
            return real(path)

        monkeypatch.setattr(os, "scandir", scandir)
    else:
        locked.chmod(0)
    try:
        docs, skipped = load_documents([tmp_path])
    finally:
        locked.chmod(0o755)
    assert [d.id for d in docs] == ["a"]
    assert [(s.path, s.reason) for s in skipped] == [(str(locked), "the folder cannot be read (Permission denied)")]


def test_file_name_that_is_not_utf8_is_skipped_before_any_work(tmp_path):
    import os

    name = os.fsdecode("桂林".encode("gbk") + b".txt")  # as a GBK-named file from an old archive appears
    (tmp_path / name).write_bytes("桂林的破案率。".encode("utf-8"))
    (tmp_path / "good.txt").write_text("白城的破案率。", encoding="utf-8")
    docs, skipped = load_documents([tmp_path])
    assert [d.id for d in docs] == ["good"]
    assert len(skipped) == 1 and "not valid UTF-8" in skipped[0].reason and "\\x" in skipped[0].path
    skipped[0].path.encode("utf-8")  # printable and storable


def test_navigation_only_html_is_page_furniture(tmp_path):
    links = "".join(f'<li><a href="/c{i}">频道{i}</a></li>' for i in range(30))
    path = tmp_path / "nav.html"
    path.write_text(f"<html><body><nav><ul>{links}</ul></nav><div><ul>{links}</ul></div></body></html>", encoding="utf-8")
    with pytest.raises(DocumentError, match="only navigation"):
        load_file(path)


@pytest.mark.parametrize("name, words", [("report.pdf", "PDF is damaged"), ("report.txt", "PDF file named as text")])
def test_a_broken_pdf_is_skipped_with_a_reason_not_indexed_as_syntax(tmp_path, name, words):
    path = tmp_path / name
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\nstream\n" + b"x" * 200 + b"\nendstream\n%%EOF\n")
    with pytest.raises(DocumentError, match=words):
        load_file(path)


PDF_PAGES = {1: ["白城警方开展大走访活动", "2023年05月05日 来源：白城日报", "白城市公安局组织民警深入社区。"],
             2: ["民警逐户登记了常住人口信息。", "全市共设立便民服务点120个。"],
             3: ["活动期间共走访群众39440人，收集意见建议860条。"]}


def _pdf(path, pages=PDF_PAGES, text=True, **canvas_options):
    """A small Chinese PDF written here (reportlab's built-in CID font: no font file needed): a
    running header and a page number on every page."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), **canvas_options)
    for n, lines in pages.items():
        if text:
            c.setFont("STSong-Light", 10)
            c.drawString(72, 800, "白城日报 · 社会新闻")
            c.setFont("STSong-Light", 12)
            for i, line in enumerate(lines):
                c.drawString(72, 740 - 20 * i, line)
            c.setFont("STSong-Light", 10)
            c.drawString(290, 40, f"- {n} -")
        else:  # a scan: only a picture of the page
            c.rect(72, 400, 400, 300, fill=1)
        c.showPage()
    c.save()
    return path


def test_a_pdf_gives_its_text_in_order_without_headers_and_page_numbers_and_keeps_pages(tmp_path):
    doc = load_file(_pdf(tmp_path / "走访.pdf"))[0]
    assert (doc.title, doc.date, doc.source) == ("白城警方开展大走访活动", "2023-05-05", "白城日报")
    assert "社会新闻" not in doc.text and "- 2 -" not in doc.text
    assert doc.text.index("白城市公安局") < doc.text.index("民警逐户") < doc.text.index("39440")
    assert doc.text[doc.pages[0]:].startswith("民警逐户") and doc.text[doc.pages[1]:].startswith("活动期间")


def test_a_citation_from_a_pdf_names_its_page(tmp_path, fake_encoder):
    from qa.chunking import ChunkSettings
    from qa.engine import Engine
    from qa.index import build_index

    docs, _ = load_documents([_pdf(tmp_path / "走访.pdf")])
    engine = Engine(build_index(docs, tmp_path / "index", fake_encoder, ChunkSettings(40, 0)), fake_encoder)
    from qa.answer.cite import citation

    hits = engine.search("走访群众39440人", k=5)
    pages = {h.chunk.text[:8]: citation(engine.index, h, 1, 0, 0, 1.0).page for h in hits}
    assert pages[next(t for t in pages if "活动期间" in t)] == 3 and pages[next(t for t in pages if "民警逐户" in t)] == 2
    from qa.index import open_index

    reopened = open_index(tmp_path / "index")  # pages come back from documents.jsonl as the record's tuple
    doc = reopened.documents[docs[0].id]
    assert doc.pages == docs[0].pages and isinstance(doc.pages, tuple) and hash(doc)


@pytest.mark.parametrize("kind, words", [("scan", "no text layer"), ("encrypted", "encrypted")])
def test_scanned_and_encrypted_pdfs_are_skipped_with_the_reason(tmp_path, kind, words):
    options = {"encrypt": "secret"} if kind == "encrypted" else {}
    path = _pdf(tmp_path / f"{kind}.pdf", text=kind != "scan", **options)
    docs, skipped = load_documents([path, CORPUS / next(p.name for p in CORPUS.iterdir() if p.suffix == ".txt")])
    assert len(docs) == 1 and len(skipped) == 1 and words in skipped[0].reason


def test_a_word_file_gives_its_body_without_header_and_footer(tmp_path):
    import docx

    document = docx.Document()
    document.core_properties.title = "商洛暖心警务会客厅建成"
    section = document.sections[0]
    section.header.paragraphs[0].text = "商洛日报内部资料 请勿外传"
    section.footer.paragraphs[0].text = "第 1 页"
    document.add_paragraph("2024年03月02日 来源：商洛日报")
    document.add_paragraph("商洛公安建成26个暖心警务会客厅，累计办理业务113万多笔。")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "会客厅", "26个"
    document.save(tmp_path / "会客厅.docx")
    doc = load_file(tmp_path / "会客厅.docx")[0]
    assert (doc.id, doc.title, doc.date, doc.source) == ("会客厅", "商洛暖心警务会客厅建成", "2024-03-02", "商洛日报")
    assert "113万多笔" in doc.text and "会客厅 26个" in doc.text and "请勿外传" not in doc.text and "第 1 页" not in doc.text
    assert doc.pages == ()


@pytest.mark.parametrize("data, words", [(b"PK\x03\x04broken", "damaged"), (b"\xd0\xcf\x11\xe0" + b"\0" * 100, "old binary Word")])
def test_a_broken_or_old_word_file_is_skipped_with_the_reason(tmp_path, data, words):
    (tmp_path / "x.docx").write_bytes(data)
    with pytest.raises(DocumentError, match=words):
        load_file(tmp_path / "x.docx")


def test_unsupported_file_given_by_name_is_skipped(tmp_path):
    path = tmp_path / "table.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    with pytest.raises(DocumentError, match="not a supported type"):
        load_file(path)


def test_whitespace_normalized():
    doc = clean("标题行很长很长\n\n\n第一段　　有全角空格\t和制表符。\n\n第二段。")
    assert doc.text == "标题行很长很长\n第一段 有全角空格 和制表符。\n第二段。"


def test_a_document_over_the_length_limit_is_skipped_before_any_work(tmp_path):
    (tmp_path / "line.txt").write_text("桂林" * 1_000_000, encoding="utf-8")  # one 2-million-character line
    (tmp_path / "news.txt").write_text("白城新闻\n白城市公安局举办公安大讲堂31期。", encoding="utf-8")
    docs, skipped = load_documents([tmp_path])
    assert [d.id for d in docs] == ["news"]
    assert len(skipped) == 1 and "2,000,000 characters" in skipped[0].reason and "--max-doc-chars" in skipped[0].reason
    docs, skipped = load_documents([tmp_path], max_chars=5)
    assert docs == [] and len(skipped) == 2


def test_the_length_limit_is_a_cli_flag(tmp_path):
    from typer.testing import CliRunner

    from qa.cli import app

    (tmp_path / "news.txt").write_text("白城新闻\n白城市公安局举办公安大讲堂31期。", encoding="utf-8")
    result = CliRunner().invoke(app, ["ingest", str(tmp_path), "--index", str(tmp_path / "idx"), "--max-doc-chars", "5"])
    assert result.exit_code == 4 and "over the limit of 5 per document" in result.output


def test_jsonl_with_only_bad_records_reports_each_once(tmp_path):
    path = tmp_path / "corpus.jsonl"
    path.write_text('{"_id": "a", "text": 1}\n{"_id": "b", "text": null}\n', encoding="utf-8")
    docs, skipped = load_documents([path])
    assert docs == [] and [s.path.rsplit(":", 1)[-1][:1] for s in skipped] == ["1", "2"]


def test_control_characters_and_bidi_overrides_are_removed(tmp_path):
    """A document printed by `qa ask` cannot drive the terminal, nor show text other than its characters."""
    from qa.documents import load_documents

    (tmp_path / "esc.txt").write_text("终端测试\n2021年02月03日 来源：某报\n正文\x1b[2J\x1b]0;标题\x07内容\u202e倒序\u2066隔离\u2069，"
                                       "\x7f\x85结束。\t下一句。\n", encoding="utf-8")
    docs, skipped = load_documents([tmp_path])
    assert not skipped and docs[0].text == "终端测试\n正文[2J]0;标题内容倒序隔离，结束。 下一句。"
    assert docs[0].date == "2021-02-03" and docs[0].title == "终端测试"
