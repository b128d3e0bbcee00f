"""``qa serve`` / ``python app.py``: start the Gradio chat on 127.0.0.1:7860."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer

from qa.cli import IndexOpt, ModelOpt, RerankerOpt, _friendly, _load_reranker, _quiet_libraries, _settings, app


@app.command()
@_friendly
def serve(
    host: str = typer.Option(None, help="Address to listen on [env QA_HOST; default 127.0.0.1]"),
    port: int = typer.Option(None, help="Port [env QA_PORT; default 7860]"),
    index: Optional[Path] = IndexOpt,
    model: Optional[str] = ModelOpt,
    reranker: Optional[str] = RerankerOpt,
    eval_dir: Optional[Path] = typer.Option(None, help="Folder of BEIR sets offered in the Evaluate tab [env QA_EVAL_DIR]"),
    insecure_no_auth: bool = typer.Option(False, "--insecure-no-auth", help="Serve beyond 127.0.0.1 without asking for "
                                          "QA_API_KEY (anyone who reaches the port can use the chat and the APIs)"),
    verbose: bool = typer.Option(False, "-v", "--verbose"),
):
    """Start the web chat and its APIs (builds the index from corpus/ first if there is none).

    With QA_API_KEY set, the APIs need `Authorization: Bearer $QA_API_KEY` and the page asks for user
    `qa` and the key; beyond 127.0.0.1 the server does not start without it (see --insecure-no-auth)."""
    _quiet_libraries(verbose)
    import logging

    for name in ("qa.web", "qa.engine"):  # one line per refused question, stopped evaluation, new index version
        logging.getLogger(name).setLevel(logging.INFO)
    from qa.web.chat import AppSettings
    from qa.web.server import serve as run

    s = _settings(index, model, reranker)
    eval_dir = eval_dir or (Path(os.environ["QA_EVAL_DIR"]) if os.environ.get("QA_EVAL_DIR") else None)
    run(AppSettings(s.index_dir, s.corpus_dir, eval_dir, s.model), reranker=_load_reranker(s.reranker),
        host=host or os.environ.get("QA_HOST", "127.0.0.1"), port=int(port or os.environ.get("QA_PORT", 7860)),
        announce=lambda line: typer.echo(line, err=True), api_key=os.environ.get("QA_API_KEY"),
        insecure_no_auth=insecure_no_auth)


def main() -> None:
    """``python app.py`` takes the same options as ``qa serve``."""
    import sys

    from qa import evalcli  # noqa: F401 - the full command set, so `qa serve --help` matches

    app(["serve", *sys.argv[1:]])
