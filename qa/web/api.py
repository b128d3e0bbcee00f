"""The HTTP APIs served beside the chat: REST under ``/api/v1`` and the OpenAI chat protocol under
``/v1`` (so chat clients and agent frameworks can use the corpus as a "model").

Both call the same engine as the page. Input is validated by pydantic; every error is JSON
``{"error": {"message", "type", "code"}}`` with its status code (400 for a bad question or body,
401 without the key, 404 for an unknown document or model, 413 for too large a body).
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
import uuid
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.security import HTTPBearer
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException

from qa.answer import MAX_QUESTION_CHARS, QuestionError
from qa.answer.cite import by_article
from qa.conversation import MAX_HISTORY
from qa.engine import LiveEngine, document_filter
from qa.records import Answer, Citation, Document, Hit
from qa.web.auth import Access

log = logging.getLogger(__name__)

MODEL_ID = "corpus-qa"  # what /v1/models lists: the corpus answering, not a language model
MAX_BODY = 256 * 1024  # bytes of a request body (a question is at most 1,000 characters)
MAX_MESSAGES = 200
API_PREFIXES = ("/api/v1", "/v1/")
Retriever = Literal["hybrid", "dense", "bm25"]


class Filters(BaseModel):
    model_config = ConfigDict(extra="forbid")
    date_from: str | None = Field(None, pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$", description="earliest date, YYYY-MM-DD")
    date_to: str | None = Field(None, pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$", description="latest date, YYYY-MM-DD")
    outlets: list[str] | None = Field(None, max_length=100, description="only these outlets (未知 for none given)")


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"question": "桂林的破案率是多少"}]})
    question: str = Field(..., min_length=1, max_length=MAX_QUESTION_CHARS, description="the question, Chinese or English")
    history: list[str] = Field([], max_length=MAX_HISTORY, description="earlier questions of the conversation, oldest first")
    k: int = Field(5, ge=1, le=20, description="how many passages to cite")
    retriever: Retriever = "hybrid"
    filters: Filters | None = None


class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"query": "桂林 电信诈骗", "k": 5}]})
    query: str = Field(..., min_length=1, max_length=MAX_QUESTION_CHARS)
    k: int = Field(10, ge=1, le=100)
    retriever: Retriever = "hybrid"
    filters: Filters | None = None
    sort: Literal["relevance", "date"] = Field("relevance", description="date: newest article first")


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[dict] | None = None


class ChatRequest(BaseModel):
    """The OpenAI request; sampling settings (temperature, max_tokens, ...) are accepted and ignored:
    answers are sentences of the corpus, not generated text."""

    model_config = ConfigDict(extra="allow")
    model: str = MODEL_ID
    messages: list[ChatMessage] = Field(..., min_length=1, max_length=MAX_MESSAGES)
    stream: bool = False


def add_api(app: FastAPI, live: LiveEngine, access: Access) -> None:
    """Mount the REST and OpenAI routes on ``app`` (before the page is mounted at ``/``)."""
    work = threading.BoundedSemaphore(max(1, os.cpu_count() or 1))  # one question per core, as the page's queue

    bearer = HTTPBearer(auto_error=False, description="QA_API_KEY (needed when the server has one)")

    def authorized(request: Request, _=Depends(bearer)) -> None:  # bearer: the "Authorize" button in /docs
        if not access.allows_token(request.headers.get("authorization")):
            raise HTTPException(401, "this server needs its key: send the header `Authorization: Bearer $QA_API_KEY`",
                                headers={"WWW-Authenticate": "Bearer"})

    def answer(question: str, history: list[str], k: int = 5, retriever: str = "hybrid", keep=None) -> Answer:
        engine = live.get()  # one index version for the whole request
        with work:
            try:
                return engine.ask(question, k=k, retriever=retriever, history=history, doc_filter=keep)
            except QuestionError as exc:
                raise HTTPException(400, str(exc)) from None

    rest = APIRouter(prefix="/api/v1", tags=["corpus"], dependencies=[Depends(authorized)])

    @rest.post("/ask", summary="Answer a question with numbered citations (the `qa ask --json` object)")
    def ask(body: AskRequest) -> dict:
        result = answer(body.question, body.history, body.k, body.retriever, doc_filter(body.filters))
        return {**result.to_dict(), "query": result.query}

    @rest.post("/search", summary="The passages a query finds, with their scores")
    def search(body: SearchRequest) -> dict:
        engine = live.get()
        with work:
            try:
                hits = engine.search(body.query, body.k, body.retriever, doc_filter=doc_filter(body.filters))
            except QuestionError as exc:
                raise HTTPException(400, str(exc)) from None
        if body.sort == "date":
            hits = sorted(hits, key=lambda h: engine.index.documents[h.chunk.doc_id].date or "", reverse=True)
        return {"query": body.query, "hits": [hit_dict(h, engine.index.documents[h.chunk.doc_id]) for h in hits]}

    @rest.get("/documents/{doc_id:path}", summary="One cleaned article and its metadata")
    def document(doc_id: str) -> dict:
        index = live.get().index
        doc = index.documents.get(doc_id)
        if doc is None:
            raise HTTPException(404, f"no document {doc_id!r} in this index (ids are in the citations' doc_id)")
        return {**doc_meta(doc), "text": doc.text, "pages": [0, *doc.pages] if doc.pages else [],
                "canonical": index.canonical(doc.id), "copies": index.other_copies(doc.id)}

    @rest.get("/health", summary="Whether the server answers, and from which index version")
    def health() -> dict:
        index = live.get().index
        return {"status": "ok", "model": index.model, "index_version": index.files.name,
                "documents": len(index.documents), "chunks": index.live_chunks}

    openai = APIRouter(prefix="/v1", tags=["OpenAI-compatible"], dependencies=[Depends(authorized)])

    @openai.get("/models", summary="The one model this server offers: the corpus")
    def models() -> dict:
        return {"object": "list", "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "corpus-qa"}]}

    @openai.post("/chat/completions", summary="Answer the last user message (earlier user turns drive follow-ups)")
    def chat_completions(body: ChatRequest):
        if body.model != MODEL_ID:
            raise HTTPException(404, f"unknown model {body.model!r}: this server answers as {MODEL_ID!r} (GET /v1/models)")
        users = [text_of(m.content) for m in body.messages if m.role == "user"]
        if body.messages[-1].role != "user" or not users[-1].strip():
            raise HTTPException(400, "the last message must be the user's question, as text")
        result = answer(users[-1], users[:-1])
        made, cid = int(time.time()), "chatcmpl-" + uuid.uuid4().hex
        structured = {**result.to_dict(), "query": result.query}
        extra = {"citations": structured["citations"], "qa": structured}  # extra fields: the openai client keeps them
        text = reply_text(result)
        if not body.stream:
            return {"id": cid, "object": "chat.completion", "created": made, "model": MODEL_ID,
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
                    "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}, **extra}

        def events():
            def chunk(delta: dict, finish=None, **more) -> str:
                return "data: " + json.dumps({"id": cid, "object": "chat.completion.chunk", "created": made, "model": MODEL_ID,
                                              "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **more},
                                             ensure_ascii=False) + "\n\n"

            yield chunk({"role": "assistant", "content": ""})
            for piece in text.splitlines(keepends=True):
                yield chunk({"content": piece})
            yield chunk({}, "stop", **extra)
            yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})

    app.include_router(rest)
    app.include_router(openai)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_middleware(BodyLimit, limit=MAX_BODY)


def doc_filter(filters: Filters | None):
    return document_filter(filters.date_from, filters.date_to, filters.outlets) if filters else None


def doc_meta(doc: Document) -> dict:
    return {"id": doc.id, "title": doc.title, "date": doc.date, "source": doc.source, "file": Path(doc.path).name if doc.path else None}


def hit_dict(hit: Hit, doc: Document) -> dict:
    c = hit.chunk
    return {"rank": hit.rank, "score": round(float(hit.score), 4), "doc_id": c.doc_id, "chunk_id": c.id,
            "title": doc.title, "date": doc.date, "source": doc.source, "start": c.start, "end": c.end, "text": c.text}


def text_of(content) -> str:
    """A message's text: a string, or the text parts of a list of content parts."""
    if isinstance(content, str):
        return content
    return "\n".join(str(p.get("text", "")) for p in content or [] if isinstance(p, dict) and p.get("type") == "text")


_MARKUP = re.compile(r"([\\\[\]<>])")  # no [link](…) or ![image](…) without [, no <tag> or <autolink> without <


def as_text(text: str) -> str:
    """Corpus text for a chat client, which renders markdown (and often HTML): brackets and angle
    brackets backslash-escaped and URLs broken with a zero-width space, so a document can show
    neither a link, an image nor a tag — only its words (emphasis characters are left: harmless)."""
    return _MARKUP.sub(r"\\\1", text).replace("://", ":\u200b//").replace("www.", "www\u200b.")


def reply_text(result: Answer) -> str:
    """The answer as a chat client shows it: the sentence with its marker, then the sources, one line
    per article; a refusal says so, then lists related passages unnumbered. Corpus text is escaped
    (:func:`as_text`); the structured fields beside it carry it raw."""
    def meta(c: Citation) -> str:
        return as_text(" · ".join(c.meta()))

    if not result.answered:
        lines = [as_text(result.answer)]
        if result.related:
            lines += ["", "相关段落（仅供参考，不是答案的来源）："] + [f"- {meta(c)}：{as_text(c.text[:80])}…" for c in result.related]
        return "\n".join(lines)
    lines = [f"{as_text(result.answer)} [1]", ""]
    if result.answer_span:
        lines[:0] = [f"答案：{as_text(result.answer_span)}", ""]
    # one line per article, with the markers of its cited passages: [2][3][4] 让平安与山水同行…
    lines += ["来源："] + ["".join(f"[{c.n}]" for c in group) + " " + meta(group[0]) for group in by_article(result.citations)]
    return "\n".join(lines)


def _error(status: int, message: str, headers=None) -> JSONResponse:
    kind = {400: "invalid_request_error", 401: "authentication_error", 404: "not_found_error",
            413: "request_too_large"}.get(status, "server_error")
    return JSONResponse({"error": {"message": message, "type": kind, "code": status}}, status, headers=headers)


async def _http_error(request: Request, exc: HTTPException) -> JSONResponse:
    return _error(exc.status_code, str(exc.detail), getattr(exc, "headers", None))


async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
    """Pydantic's findings as one sentence per field, status 400 (not FastAPI's 422)."""
    problems = []
    for e in exc.errors()[:5]:
        where = ".".join(str(x) for x in e.get("loc", ()) if x != "body")
        if e.get("type") == "json_invalid":
            problems.append("the body is not valid JSON")
        else:
            problems.append(f"{where or 'body'}: {e.get('msg', 'invalid')}")
    return _error(400, "; ".join(problems) or "invalid request")


class _TooLarge(HTTPException):
    """Raised while a chunked body is read (FastAPI passes HTTPExceptions through its body parsing)."""

    def __init__(self, limit: int):
        super().__init__(413, f"the request body is over the {limit // 1024} KiB limit of this API")


class BodyLimit:
    """Refuse API request bodies over ``limit`` bytes with 413, whether announced by Content-Length
    or streamed in chunks (the page's uploads have their own limit)."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["path"].startswith(API_PREFIXES):
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers") or ()).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            return await _error(413, str(_TooLarge(self.limit).detail))(scope, receive, send)
        seen, started = 0, False

        async def counted():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _TooLarge(self.limit)
            return message

        async def watched(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except _TooLarge as exc:  # read outside FastAPI's body parsing (e.g. by a middleware)
            if not started:
                await _error(413, str(exc.detail))(scope, receive, send)
