"""The Gradio page: a chat whose answers carry numbered citations, a source viewer, controls, and an
Evaluate tab (served with the HTTP APIs by :mod:`qa.web.server`).

All corpus text is HTML-escaped before it is shown. The page reads no server path typed into it:
evaluation runs on uploaded files (size-limited) or on sets inside the configured evaluation folder.
"""

from __future__ import annotations

import html
import logging
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

from qa.answer import NOT_FOUND, QuestionError
from qa.cancel import Cancelled, cancellable
from qa.conversation import MAX_HISTORY
from qa.documents import json_kind
from qa.engine import Engine, LiveEngine, document_filter
from qa.answer.cite import by_article
from qa.records import Answer, Citation, Document

log = logging.getLogger(__name__)

# Offline means offline: no usage analytics or version checks from Gradio, no telemetry from the
# Hugging Face libraries (set before gradio is imported; a user can still override them).
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

MAX_UPLOAD = "20mb"
MAX_UNZIPPED = 200 * 2**20
# What one visitor may make the server do from the Evaluate tab (a 3,000-document upload kept both
# cores busy for minutes). Named in the error; raised through the environment by whoever runs it.
MAX_EVAL_DOCUMENTS = int(os.environ.get("QA_EVAL_MAX_DOCUMENTS") or 500)
MAX_EVAL_CHARACTERS = int(os.environ.get("QA_EVAL_MAX_CHARACTERS") or 1_000_000)
MAX_EVAL_QUESTIONS = int(os.environ.get("QA_EVAL_MAX_QUESTIONS") or 2_000)
EVAL_NEAR_MISSES = 100  # unanswerable questions derived per BEIR set in the Evaluate tab (FalseAnswerRate)
EVAL_HELD_OUT = 100  # and questions asked with their gold passages hidden (HeldOutAnswerRate)
EXAMPLES = ["桂林的破案率是多少", "白城市公安局举办了多少期公安大讲堂", "商洛累計辦理戶政、出入境、車駕管業務多少筆",
            "How many telecom fraud criminals were caught in Guilin?"]
CSS = """
#qa-source { max-height: 600px !important; overflow-y: auto !important; line-height: 1.8; }
#qa-source .cited { background: #fff3bf; border-radius: 3px; }
#qa-source mark.answer { background: #ffd43b; font-weight: 600; padding: 0 2px; }
#qa-source strong.span { color: #c92a2a; }
#qa-source sup.qa-n { color: #1c7ed6; font-weight: 600; margin-right: 2px; }
#qa-source .qa-flash { background: #d0ebff; }
#qa-source .meta { color: #666; font-size: 0.9em; margin-bottom: 0.6em; }
#qa-chat a.qa-cite { color: #1c7ed6; font-weight: 600; text-decoration: none; cursor: pointer; padding: 0 1px; }
#qa-chat a.qa-cite:hover { text-decoration: underline; }
#qa-chat mark.qa-span { background: #ffd43b; font-weight: 700; padding: 0 2px; border-radius: 2px; }
#qa-chat .qa-badge { display: inline-block; font-size: 0.8em; font-weight: 600; padding: 0 6px; border-radius: 4px; margin-right: 4px; }
#qa-chat .qa-answered { background: #d3f9d8; color: #2b8a3e; }
#qa-chat .qa-refused { background: #ffe3e3; color: #c92a2a; }
#qa-chat .qa-certainty, #qa-chat .qa-relevance { color: #666; font-size: 0.85em; }
#qa-chat .qa-related { color: #777; }
.qa-query { color: #888; font-size: 0.85em; }
"""
# A click on a citation marker in a reply opens that source in the viewer (the sources list entry
# holding it) and scrolls to the passage; the link itself goes nowhere.
CITE_JS = """
() => {
  window.qaShowPassage = (n) => {
    const passage = n && document.querySelector('#qa-source #qa-passage-' + n);
    const target = passage || document.querySelector('#qa-source mark.answer') || document.querySelector('#qa-source .cited');
    if (!target) return false;
    target.scrollIntoView({block: 'center'});
    document.querySelectorAll('#qa-source .qa-flash').forEach((e) => e.classList.remove('qa-flash'));
    if (passage) passage.parentElement.classList.add('qa-flash');
    return Boolean(passage);
  };
  document.addEventListener('click', (event) => {
    const link = event.target.closest && event.target.closest('a.qa-cite');
    if (!link) return;
    event.preventDefault();
    event.stopPropagation();
    const n = (link.getAttribute('href') || '').replace('#qa-cite-', '');
    if (window.qaShowPassage(n)) return;  // its article is already open
    window.qaPending = n;  // scrolled to once the viewer has it (see SCROLL)
    const entry = [...document.querySelectorAll('#qa-sources label')].find((l) => l.innerText.startsWith('[') && l.innerText.includes('[' + n + ']'));
    if (entry) entry.click();
  }, true);
}
"""
# After the viewer changes: to the passage whose marker was clicked, else to the answer sentence.
SCROLL = "() => { setTimeout(() => { const n = window.qaPending; window.qaPending = null; window.qaShowPassage?.(n); }, 50); }"


@dataclass(frozen=True)
class AppSettings:
    index_dir: Path
    corpus_dir: Path
    eval_dir: Path | None = None
    model: str | None = None


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-!|~>])")


def text_md(text: str) -> str:
    """Corpus or user text for the chat's markdown: HTML escaped, markdown punctuation escaped, and
    URLs broken with a zero-width space, so a document can show neither markup nor a link."""
    return _MARKDOWN.sub(r"\\\1", html.escape(text, quote=False)).replace("://", ":\u200b//").replace("www.", "www\u200b.")


RELEVANCE = {"answer": "答案出处", "high": "相关度：高", "medium": "相关度：中", "low": "相关度：低"}
CERTAINTY = {"high": "把握：高", "medium": "把握：中", "low": "把握：低"}


def marker(n: int) -> str:
    """An inline citation marker: a link the page's script turns into "open source n in the viewer"."""
    return f"<a class='qa-cite' href='#qa-cite-{n}' title='查看来源 {n}'>[{n}]</a>"


def _snippet(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text_md(text[:limit] + ("…" if len(text) > limit else ""))


def answer_markdown(result: Answer, by_date: bool = False) -> str:
    """The chat reply (all corpus text escaped). An answer: the sentence with its span emphasized and
    a clickable marker, how sure it is, then one entry per cited article with each cited passage.
    A refusal: marked as such, the reason, then related passages, unnumbered. ``by_date``: the
    articles newest first (else in the order they are cited)."""
    if not result.answered:
        lines = [f"<span class='qa-badge qa-refused'>未能回答</span> {text_md(result.answer or NOT_FOUND)}"]
        if result.related:
            lines += ["", "<span class='qa-related'>相关段落（仅供参考，不是答案的来源）</span>", ""]
            for c in result.related:
                meta = " · ".join(text_md(x) for x in c.meta())
                lines.append(f"- <span class='qa-related'>{meta}：{_snippet(c.text)}</span>")
        return "\n".join(lines)
    sentence, span = result.answer, result.answer_span
    at = sentence.find(span) if span else -1
    shown = (text_md(sentence[:at]) + f"<mark class='qa-span'>{text_md(span)}</mark>" + text_md(sentence[at + len(span):])
             if at >= 0 else text_md(sentence))
    sure = f" <span class='qa-certainty'>{CERTAINTY[result.certainty]}</span>" if result.certainty else ""
    lines = [f"<span class='qa-badge qa-answered'>答案</span> {shown} {marker(1)}{sure}", "", "**来源**", ""]
    for _, group in source_groups(result, by_date):
        first = group[0]
        meta = " · ".join(text_md(x) for x in first.meta())
        best = min((c.relevance for c in group if c.relevance in RELEVANCE), key=list(RELEVANCE).index, default=None)
        label = f" · <span class='qa-relevance'>{RELEVANCE[best]}</span>" if best in RELEVANCE else ""
        copies = f" · 另有 {len(first.copies)} 份相同报道：{text_md('、'.join(first.copies[:3]))}" if first.copies else ""
        lines.append(f"- {''.join(marker(c.n) for c in group)} {meta}{label}{copies}")
        for c in group:
            lines.append(f"    - {marker(c.n)} {_snippet(c.text[c.answer_start:c.answer_end] or c.text)}")
    if result.query and result.query != result.question:
        lines += ["", f"<span class='qa-query'>检索：{text_md(result.query)}</span>"]
    return "\n".join(lines)


def source_groups(result: Answer, by_date: bool = False) -> list[tuple[str, list[Citation]]]:
    """The sources list: one entry per article (its markers, then what it is) with its cited
    passages; for a refusal, the related passages, labelled as related. ``by_date``: newest first."""
    if result.answered:
        groups = by_article(result.citations)
        named = [("".join(f"[{c.n}]" for c in g) + " " + " · ".join(g[0].meta()), g) for g in groups]
    else:
        named = [(f"相关{c.n} · " + " · ".join(c.meta()), [c]) for c in result.related]
    if by_date:
        named.sort(key=lambda x: x[1][0].date or "", reverse=True)
    return named


def source_html(doc: Document, cited: list[Citation], span: str | None = None, related: bool = False) -> str:
    """The whole article, escaped, with each cited passage highlighted after its marker, the answer
    sentence (citation 1's) marked and the answer ``span`` inside it in bold. ``related``: passages
    shown beside a refusal, labelled 相关, nothing marked as an answer."""
    text = doc.text
    # overlapping passages are one highlighted stretch carrying each one's marker
    regions: list[list[int]] = []
    for c in sorted(cited, key=lambda c: c.start):
        if regions and c.start <= regions[-1][1]:
            regions[-1][1] = max(regions[-1][1], c.end)
        else:
            regions.append([c.start, c.end])
    opens: dict[int, list[str]] = {}
    closes: dict[int, list[str]] = {}

    def tag(at: int, open_: str, close: str, end: int) -> None:
        opens.setdefault(at, []).append(open_)
        closes.setdefault(end, []).insert(0, close)

    for r0, r1 in regions:
        tag(r0, "<span class='cited'>", "</span>", r1)
    for c in sorted(cited, key=lambda c: c.start):
        opens.setdefault(c.start, []).append("<sup class='qa-n'>相关</sup>" if related else
                                             f"<sup class='qa-n' id='qa-passage-{c.n}'>[{c.n}]</sup>")
    for c in cited:
        if c.n == 1 and c.answer_end > c.answer_start and not related:
            a0, a1 = c.start + c.answer_start, c.start + c.answer_end
            tag(a0, "<mark class='answer'>", "</mark>", a1)
            at = text.find(span, a0, a1) if span else -1
            if at >= 0:
                tag(at, "<strong class='span'>", "</strong>", at + len(span))
    cuts = sorted({0, len(text), *opens, *closes})
    parts = []
    for i, at in enumerate(cuts):
        parts += closes.get(at, []) + opens.get(at, [])
        if i + 1 < len(cuts):
            parts.append(html.escape(text[at : cuts[i + 1]]))
    meta = " · ".join(html.escape(x) for x in (doc.date, doc.source, doc.path) if x)
    copies = cited[0].copies
    if copies:
        meta += " · " + html.escape(f"另有 {len(copies)} 份相同报道：{'、'.join(copies)}")
    body = "".join(parts).replace("\n", "<br>")
    markers = "相关段落 ·" if related else "".join(f"[{c.n}]" for c in cited)
    return f"<h3>{markers} {html.escape(doc.title)}</h3><div class='meta'>{meta}</div><div>{body}</div>"


def safe_extract(zip_path: Path, dest: Path) -> Path:
    """Extract an uploaded BEIR zip, refusing absolute paths, '..' and archives that unpack too large."""
    with zipfile.ZipFile(zip_path) as zf:
        total = sum(i.file_size for i in zf.infolist())
        if total > MAX_UNZIPPED:
            raise ValueError(f"the zip unpacks to {total / 2**20:.0f} MiB, over the {MAX_UNZIPPED // 2**20} MiB limit")
        for info in zf.infolist():
            target = (dest / info.filename).resolve()
            if not str(target).startswith(str(dest.resolve())):
                raise ValueError(f"the zip contains an unsafe path: {info.filename}")
        zf.extractall(dest)
    found = [p.parent for p in dest.rglob("corpus.jsonl")]
    if not found:
        raise ValueError("the zip holds no corpus.jsonl: upload a BEIR folder (corpus.jsonl, queries.jsonl, qrels/test.tsv)")
    return found[0]


_TEMP_PATH = re.compile(r"(?:/[^\s/:'\"]+)*/(?:tmp|gradio|qa-upload-[^/\s]*)(?:/[^\s:'\"]+)*")


def _without_paths(message: str, upload) -> str:
    """An error message fit for the page: the upload named by its own file name, no server paths."""
    if upload is not None:
        path = Path(upload if isinstance(upload, str) else upload.name)
        message = message.replace(str(path), path.name)
    return _TEMP_PATH.sub(lambda m: Path(m.group()).name or "…", message)


def eval_sets(eval_dir: Path | None) -> list[str]:
    if not eval_dir or not eval_dir.is_dir():
        return []
    return sorted(p.name for p in eval_dir.iterdir() if (p / "corpus.jsonl").exists())


def _check_upload_size(documents: int, characters: int, questions: int) -> None:
    for what, n, limit, env in (("documents", documents, MAX_EVAL_DOCUMENTS, "QA_EVAL_MAX_DOCUMENTS"),
                                ("characters of text", characters, MAX_EVAL_CHARACTERS, "QA_EVAL_MAX_CHARACTERS"),
                                ("questions", questions, MAX_EVAL_QUESTIONS, "QA_EVAL_MAX_QUESTIONS")):
        if n > limit:
            raise ValueError(f"the upload has {n:,} {what}; this server evaluates at most {limit:,} ({env}). "
                             "Run larger sets with `qa eval` on the command line")


def _client_gone():
    """A check that turns true once Gradio has given up on the running event (its page or
    client disconnected: the queue marks the event not alive, but only stops generators itself)."""
    from gradio.context import LocalContext

    blocks, event_id = LocalContext.blocks.get(None), LocalContext.event_id.get(None)

    def gone() -> bool:
        queue = getattr(blocks, "_queue", None)
        for job in getattr(queue, "active_jobs", None) or ():
            for event in job or ():
                if event._id == event_id:
                    return not event.alive
        return False

    return gone


def _scratch() -> Path:
    """This server's own temporary folder (uploads unpacked, their indexes, charts), removed when it
    stops, SIGTERM included."""
    import atexit
    import shutil

    folder = Path(tempfile.mkdtemp(prefix="qa-server-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def _viewed(engine: Engine, cited: list[Citation]) -> tuple[Document, list[Citation]]:
    """The article to show for citations of one article; when a newer index version no longer holds
    it as cited (removed or changed since the answer), the cited passages themselves, so the
    citations stay checkable."""
    doc = engine.index.documents.get(cited[0].doc_id)
    if doc is not None and all(doc.text[c.start : c.end] == c.text for c in cited):
        return doc, cited
    first, parts, moved = cited[0], [], []
    for c in cited:
        at = sum(len(p) + 2 for p in parts)
        parts.append(c.text)
        moved.append(replace(c, start=at, end=at + len(c.text)))
    gone = Document(first.doc_id, text="\n\n".join(parts), title=f"{first.title}（原文已更新或移除，仅显示所引段落）",
                    date=first.date, source=first.source, path=first.path)
    return gone, moved


def build_app(live: LiveEngine, settings: AppSettings):
    import gradio as gr

    scratch = _scratch()
    outlets = sorted({d.source or "未知" for d in live.get().index.documents.values()})

    def respond(message, chat, questions, k, retriever, date_from, date_to, chosen_outlets, order):
        message = (message or "").strip()
        chat = list(chat or [])
        engine = live.get()  # one index version for the whole request
        try:
            result = engine.ask(message, k=int(k), retriever=retriever, history=questions,
                                doc_filter=document_filter(date_from, date_to, chosen_outlets))
        except QuestionError as exc:
            gr.Warning(str(exc))
            return gr.update(), chat, questions, None, gr.update(), gr.update()
        by_date = order == "日期"
        chat += [{"role": "user", "content": text_md(message)},
                 {"role": "assistant", "content": answer_markdown(result, by_date=by_date)}]
        groups = source_groups(result, by_date)
        labels = [label for label, _ in groups]
        first = source_html(*_viewed(engine, groups[0][1]), result.answer_span, not result.answered) if groups else ""
        return ("", chat, questions + [message], result, gr.update(choices=labels, value=labels[0] if labels else None), first)

    def show_source(label, result):
        for shown, group in source_groups(result, False) if result else []:
            if shown == label:
                return source_html(*_viewed(live.get(), group), result.answer_span, not result.answered)
        return ""

    def new_conversation():
        return [], [], None, gr.update(choices=[], value=None), "", ""

    def ask_api(question: str, history: list[str] | None = None) -> dict:
        """Answer ``question``; ``history`` is the earlier questions of the conversation, oldest first."""
        if not isinstance(question, str):
            raise gr.Error(f"question must be text, got {json_kind(question)}", print_exception=False)
        if history is not None and (not isinstance(history, list) or not all(isinstance(h, str) for h in history)):
            raise gr.Error("history must be a list of the earlier questions, as text", print_exception=False)
        if history and len(history) > MAX_HISTORY:
            raise gr.Error(f"history holds {len(history)} questions; at most {MAX_HISTORY} are read", print_exception=False)
        try:
            result = live.get().ask(question, history=history or ())
        except QuestionError as exc:  # the asker's mistake: one log line, no traceback
            log.info("question refused: %s", exc)
            raise gr.Error(str(exc), print_exception=False) from None
        return {**result.to_dict(), "query": result.query}

    def run_eval(upload, chosen_set, retriever, progress=gr.Progress(track_tqdm=True)):
        from qa.report import chart, table

        kinds = ["hybrid", "dense", "bm25"] if retriever == "all" else [retriever]
        try:
            with cancellable(_client_gone()):  # the loops inside stop once the page has gone
                results = evaluations(upload, chosen_set, kinds)
        except Cancelled:  # nobody is waiting for the figures: stop spending the CPU on them
            log.info("evaluation stopped: the client disconnected")
            raise gr.Error("evaluation stopped: the page that asked for it was closed", print_exception=False) from None
        except ValueError as exc:  # bad upload or set: say what, without server paths or a traceback
            log.info("evaluation refused: %s", exc)
            raise gr.Error(_without_paths(str(exc), upload), print_exception=False) from None
        rows = table(results)
        png = chart(results, scratch / "chart.png")  # one at a time (see run.click): Gradio copies it out
        return {"headers": rows[0], "data": rows[1:]}, str(png)

    def evaluations(upload, chosen_set, kinds):
        from embeddings import default_cache_dir

        engine = live.get()
        from qa.evaluate import derived, evaluate, index_for, load_beir, load_questions

        def on_beir(ds, cache=None):  # tqdm bars inside are what gr.Progress(track_tqdm=True) shows
            idx, build_s, _ = index_for(ds, engine.encoder, engine.index_chunking(), cache or default_cache_dir(), progress=True)
            qs = ds.queries + derived(ds.queries, ds.documents, EVAL_NEAR_MISSES, EVAL_HELD_OUT)
            return [evaluate(idx, engine.encoder, qs, kind, dataset=ds.name, build_seconds=build_s, progress=True)
                    for kind in kinds]

        if upload is not None:
            path = Path(upload if isinstance(upload, str) else upload.name)
            if path.suffix.lower() == ".zip":
                # unpacked and indexed in this server's scratch folder, all removed afterwards
                with tempfile.TemporaryDirectory(prefix="qa-upload-", dir=scratch) as tmp:
                    ds = load_beir(safe_extract(path, Path(tmp) / "set"))
                    _check_upload_size(len(ds.documents), sum(len(d.text) for d in ds.documents), len(ds.queries))
                    return on_beir(ds, cache=Path(tmp) / "cache")
            qs = load_questions(path, engine.index)
            _check_upload_size(0, 0, len(qs))
            return [evaluate(engine.index, engine.encoder, qs, kind, dataset=path.name, progress=True) for kind in kinds]
        if chosen_set and settings.eval_dir and chosen_set in eval_sets(settings.eval_dir):
            return on_beir(load_beir(settings.eval_dir / chosen_set))
        raise ValueError("upload a question file (CSV/JSONL) or a BEIR zip, or choose an evaluation set")

    # Uploads and outputs Gradio keeps are deleted after an hour, and when the server stops.
    with gr.Blocks(title="corpus-qa 新闻语料问答", analytics_enabled=False, delete_cache=(600, 3600)) as demo:
        gr.Markdown("## 新闻语料问答\n用中文（简体或繁体）或英文提问，回答附带可核查的来源。点击右侧来源查看原文。")
        shown = gr.State(None)  # the last answer: its citations open in the viewer
        questions = gr.State([])
        with gr.Tab("问答"):
            with gr.Row():
                with gr.Column(scale=3):
                    chat = gr.Chatbot(label="对话", height=480, feedback_options=None, elem_id="qa-chat")
                    box = gr.Textbox(placeholder="输入问题，Enter 发送，Shift+Enter 换行", lines=1, max_lines=6,  # one row: Enter sends, Shift+Enter adds a line
                                     show_label=False, elem_id="qa-input")
                    with gr.Row():
                        send = gr.Button("发送", variant="primary", elem_id="qa-send")
                        clear = gr.Button("新对话", elem_id="qa-new")
                    gr.Examples(EXAMPLES, inputs=box, label="示例问题")
                    with gr.Accordion("检索设置", open=False):
                        k = gr.Slider(1, 10, value=5, step=1, label="来源数量")
                        retriever = gr.Radio(["hybrid", "dense", "bm25"], value="hybrid", label="检索方式")
                        with gr.Row():
                            date_from = gr.Textbox(label="起始日期 (YYYY-MM-DD)", placeholder="2016-01-01")
                            date_to = gr.Textbox(label="截止日期 (YYYY-MM-DD)", placeholder="2023-12-31")
                        chosen_outlets = gr.CheckboxGroup(outlets, label="媒体")
                        order = gr.Radio(["相关度", "日期"], value="相关度", label="来源排序")
                with gr.Column(scale=2):
                    sources = gr.Radio([], label="来源（点击查看原文）", elem_id="qa-sources")
                    viewer = gr.HTML(elem_id="qa-source")
        with gr.Tab("评测"):
            gr.Markdown("上传问题文件（CSV/JSONL：question, expected_doc, expected_answer）或 BEIR 数据集压缩包，或选择评测集。")
            with gr.Row():
                upload = gr.File(label="上传文件", file_types=[".csv", ".jsonl", ".zip"])
                chosen_set = gr.Dropdown(eval_sets(settings.eval_dir), label="评测集", value=None)
                eval_retriever = gr.Radio(["hybrid", "dense", "bm25", "all"], value="all", label="检索方式")
            run = gr.Button("开始评测", variant="primary")
            metrics = gr.Dataframe(label="指标", interactive=False)
            plot = gr.Image(label="RR@10", type="filepath")

        scroll = SCROLL
        inputs = [box, chat, questions, k, retriever, date_from, date_to, chosen_outlets, order]
        outputs = [box, chat, questions, shown, sources, viewer]
        # The chat endpoint stays callable (undocumented) so tests can check what the page renders.
        box.submit(respond, inputs, outputs, api_name="chat", api_visibility="undocumented").then(None, None, None, js=scroll)
        send.click(respond, inputs, outputs, api_visibility="private").then(None, None, None, js=scroll)
        sources.select(show_source, [sources, shown], viewer, api_visibility="private").then(None, None, None, js=scroll)
        clear.click(new_conversation, None, [chat, questions, shown, sources, viewer, box], api_visibility="private")
        # One evaluation at a time per server; others wait in the queue instead of sharing the cores.
        run.click(run_eval, [upload, chosen_set, eval_retriever], [metrics, plot], api_name="evaluate",
                  api_visibility="undocumented", concurrency_limit=1, concurrency_id="evaluate")
        gr.api(ask_api, api_name="ask")
    return demo
