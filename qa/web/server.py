"""One process serves the page and the APIs: a FastAPI app holding the REST and OpenAI routes, the
Gradio page mounted at ``/``, the API docs at ``/docs``, run by uvicorn."""

from __future__ import annotations

import logging
import os
import signal
import threading
import time

from qa.web.auth import access_for
from qa.web.chat import CITE_JS, CSS, MAX_UPLOAD, AppSettings, build_app

log = logging.getLogger(__name__)


def create_app(live, settings: AppSettings, access):
    """The ASGI app: APIs first (their routes win), then the page at ``/``."""
    import gradio as gr
    from fastapi_offline import FastAPIOffline

    from qa.web.api import add_api

    # /docs with its Swagger files served from the package (FastAPI's own page loads them from a CDN)
    app = FastAPIOffline(title="corpus-qa", version="1", docs_url="/docs", redoc_url=None,
                         description="Answers from a corpus of Chinese news with numbered citations. REST under "
                                     "`/api/v1`, the OpenAI chat protocol under `/v1` (model `corpus-qa`). When the "
                                     "server has a key, every call needs `Authorization: Bearer $QA_API_KEY`.")
    add_api(app, live, access)
    demo = build_app(live, settings)
    # One question at a time per core: a question is ~70 ms of CPU (encoder, BM25, FAISS, answer
    # step), the encoder already uses every core for one text, and more workers only interleave the
    # same CPU (8 clients x 10 questions here: limit 1, 2 and 4 all gave p95 350-390 ms). The queue
    # holds up to 64 waiting requests; beyond that a visitor is told the server is busy.
    demo.queue(default_concurrency_limit=max(1, os.cpu_count() or 1), max_size=64)
    return gr.mount_gradio_app(app, demo, path="/", auth=access.page_auth(), css=CSS, js=CITE_JS, max_file_size=MAX_UPLOAD,
                               show_error=True, footer_links=["api"], run_history=False)


def serve(settings: AppSettings, host: str = "127.0.0.1", port: int = 7860, announce=log.info, reranker=None,
          api_key: str | None = None, insecure_no_auth: bool = False):
    """Open (or first build) the index, then serve until SIGINT/SIGTERM. ``announce`` gets one line
    naming the model (and where it came from) and the index, then the address. Beyond 127.0.0.1 the
    server needs ``api_key`` (or ``insecure_no_auth``): checked before anything is loaded."""
    import uvicorn

    from qa.engine import LiveEngine, ensure_index

    access = access_for(host, api_key, insecure_no_auth)
    engine = ensure_index(settings.index_dir, settings.corpus_dir, model=settings.model, progress=True, reranker=reranker)
    enc = engine.encoder
    reranking = f"; reranker {reranker.name} ({reranker.source})" if reranker else ""
    announce(f"model {enc.name} ({getattr(enc, 'source', '?')}, {getattr(enc, 'backend', '?')}); "
             f"index {settings.index_dir} ({engine.index.live_chunks} chunks){reranking}")
    app = create_app(LiveEngine(engine), settings, access)

    class Server(uvicorn.Server):
        """Ctrl-C and SIGTERM (systemd, docker stop) end the page's open event streams and then the
        process normally: uvicorn would re-raise the signal, which skips the cleanups (temp folder)."""

        def handle_exit(self, sig, frame):
            for route in app.routes:  # the page's streams wait on its stop event: they end now, not at a timeout
                if hasattr(getattr(route, "app", None), "stop_event"):
                    route.app.stop_event.set()
            self.force_exit = self.should_exit and sig == signal.SIGINT
            self.should_exit = True

    server = Server(uvicorn.Config(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=3))

    def when_started():  # the answer step's dictionaries load only once the page is served
        while not server.started and not server.should_exit:
            time.sleep(0.1)
        if server.started:
            shown = f"[{host}]" if ":" in host else host
            locked = " (key required)" if access.key else ""
            announce(f"serving http://{shown}:{port}/ (chat), /api/v1 and /v1 (APIs, docs at /docs){locked}")
            engine.warm_up()

    threading.Thread(target=when_started, name="warm-up", daemon=True).start()
    server.run()
    enc.stop()  # the warm-up or a question still encoding ends first
