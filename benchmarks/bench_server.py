"""Load on the web app: 8 concurrent clients x 10 questions against a local server (bounded, localhost only).

Starts ``app.py`` on a free 127.0.0.1 port (or uses ``--url`` of a local server), runs a reference
pass of one client asking the same questions one after another, then the concurrent pass, and
prints p50/p95 latency of both and their ratio. Run: ``python benchmarks/bench_server.py``.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ["桂林的破案率是多少", "白城市公安局举办了多少期公安大讲堂", "商洛累計辦理戶政、出入境、車駕管業務多少筆",
             "广西各级党委政府为派出所建设增加划拨了多少经费", "凭祥市公安局建立的微信工作平台叫什么",
             "How many telecom fraud criminals were caught in Guilin?", "火星上有多少个派出所",
             "白城火灾事故连续几年零伤亡", "桂林交警在城区设了多少个车管服务窗口", "商洛公安民辅警累计走访了多少户群众"]


def start_server(index_dir: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--index", str(index_dir), "--port", str(port)],
                            cwd=ROOT, env={**os.environ, "HF_HUB_OFFLINE": "1"}, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    for _ in range(600):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc, f"http://127.0.0.1:{port}/"
        except OSError:
            time.sleep(1)
    proc.kill()
    raise SystemExit("server did not start in 10 minutes")


def client_run(url: str, questions: list[str]) -> tuple[list[float], int]:
    from gradio_client import Client

    client = Client(url, verbose=False)
    times, errors = [], 0
    for q in questions:
        t = time.perf_counter()
        try:
            out = client.predict(question=q, api_name="/ask")
            assert "answered" in out
        except Exception as exc:  # noqa: BLE001 - counted and reported
            errors += 1
            print(f"error: {q}: {exc}", file=sys.stderr)
        times.append((time.perf_counter() - t) * 1000)
    return times, errors


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", help="a server already running on this machine")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--questions", type=int, default=10)
    args = ap.parse_args()
    if args.url and urlparse(args.url).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("only local servers: the benchmark sends traffic to this machine alone")
    proc = None
    url = args.url
    if not url:
        proc, url = start_server(Path(os.environ.get("QA_INDEX_DIR") or tempfile.mkdtemp(prefix="qa-bench-") + "/index"))
    try:
        questions = (QUESTIONS * 10)[: args.questions]
        client_run(url, questions)  # warm-up: every kind of question once (English loads its dictionary)
        ref, ref_err = client_run(url, questions)
        started = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as pool:
            runs = list(pool.map(lambda i: client_run(url, questions[i % len(questions):] + questions[: i % len(questions)]),
                                 range(args.clients)))
        wall = time.perf_counter() - started
        times = [t for ts, _ in runs for t in ts]
        errors = sum(e for _, e in runs)
        print(f"reference: 1 client x {len(questions)}: p50 {statistics.median(ref):.0f} ms, p95 {pct(ref, 95):.0f} ms, errors {ref_err}")
        print(f"load: {args.clients} clients x {len(questions)}: p50 {statistics.median(times):.0f} ms, p95 {pct(times, 95):.0f} ms, "
              f"errors {errors}, {len(times) / wall:.1f} questions/s")
        print(f"ratio load/reference: p50 {statistics.median(times) / statistics.median(ref):.2f} x, p95 {pct(times, 95) / pct(ref, 95):.2f} x")
    finally:
        if proc:
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
