"""Offline means offline: starting the app (first index build included) and answering a question
attempt no connection beyond this machine, even without HF_HUB_OFFLINE set."""

import json
import os
import socket
import subprocess
import sys
import time

import pytest

from conftest import CORPUS, ROOT

pytestmark = pytest.mark.slow

HOOK = '''
import json, os, sys
_LOG = os.environ["QA_NET_LOG"]

def _note(record):
    with open(_LOG, "a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\\n")

def _hook(event, args):
    if event in ("socket.connect", "socket.bind"):
        _note({"event": event, "address": repr(args[1])})
    elif event == "socket.getaddrinfo":
        _note({"event": event, "host": repr(args[0])})

sys.addaudithook(_hook)
'''
LOCAL = ("'127.0.0.1'", "'localhost'", "'::1'", "None", "b'localhost'", "b'127.0.0.1'")


def _is_local(record: dict) -> bool:
    if record["event"] == "socket.getaddrinfo":
        return record["host"] in LOCAL
    address = record["address"]
    return not address.startswith("(") or address.startswith(("('127.", "('::1'", "('localhost'"))  # a str is a unix socket


def test_start_and_a_question_make_no_outside_connection(tmp_path):
    from gradio_client import Client

    (tmp_path / "hook").mkdir()
    (tmp_path / "hook" / "sitecustomize.py").write_text(HOOK, encoding="utf-8")
    log = tmp_path / "net.jsonl"
    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "GRADIO_ANALYTICS_ENABLED", "HF_HUB_DISABLE_TELEMETRY")}
    (tmp_path / "tmp").mkdir()
    env.update(QA_NET_LOG=str(log), QA_CORPUS_DIR=str(CORPUS), TMPDIR=str(tmp_path / "tmp"), PYTHONPATH=str(tmp_path / "hook") + os.pathsep + env.get("PYTHONPATH", ""))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = open(tmp_path / "server.log", "w")
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--index", str(tmp_path / "index"), "--port", str(port)],
                            env=env, stdout=out, stderr=subprocess.STDOUT, cwd=tmp_path)
    try:
        deadline = time.time() + 300
        while time.time() < deadline and proc.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(1)
        assert proc.poll() is None, (tmp_path / "server.log").read_text()[-2000:]
        result = Client(f"http://127.0.0.1:{port}/", verbose=False).predict(question="桂林的破案率是多少", api_name="/ask")
        assert result["answered"]
        time.sleep(5)  # the warm-up thread and anything scheduled after the first request
    finally:
        proc.terminate()  # SIGTERM, as systemd or docker stop would send
        proc.wait(timeout=30)
    assert proc.returncode == 0, (tmp_path / "server.log").read_text()[-1500:]
    assert not [p.name for p in (tmp_path / "tmp").iterdir() if p.name.startswith("qa-")], "a stopped server leaves nothing"
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert any(r["event"] == "socket.bind" and str(port) in r["address"] for r in records), \
        "the hook did not see the server bind its port: the test would prove nothing"
    outside = [r for r in records if r["event"] != "socket.bind" and not _is_local(r)]
    assert outside == [], outside[:10]
