"""Time from ``python app.py`` to a served page: a first start (empty model cache, no index) and a later one.

Runs offline the way our users do: ``HF_HUB_OFFLINE`` is removed from the environment and
``HF_ENDPOINT`` points at a closed local port, so any attempt to reach the hub fails at once (as on a
machine without network) instead of succeeding here. Servers listen on 127.0.0.1 only.
Run: ``python benchmarks/bench_start.py [--later 2]``.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def time_start(cache: Path, index: Path, timeout: float = 300) -> tuple[float, str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "HF_HUB_OFFLINE"}
    env.update(QA_CACHE_DIR=str(cache), HF_ENDPOINT="http://127.0.0.1:9")
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--index", str(index), "--port", str(port)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        while time.perf_counter() - started < timeout:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as r:
                    if r.status == 200:
                        return time.perf_counter() - started, ""
            except OSError:
                time.sleep(0.25)
            if proc.poll() is not None:
                break
        raise SystemExit(f"no page after {time.perf_counter() - started:.0f} s:\n{proc.stdout.read() if proc.poll() is not None else ''}")
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
        time_start.output = out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--later", type=int, default=2, help="how many later starts to time")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="qa-bench-start-") as tmp:
        cache, index = Path(tmp) / "cache", Path(tmp) / "index"
        first, _ = time_start(cache, index)
        lines = [line for line in time_start.output.splitlines() if line.strip()]
        print(f"first start (model conversion + sample index): {first:.1f} s")
        later = [time_start(cache, index)[0] for _ in range(args.later)]
        print("later starts: " + ", ".join(f"{t:.1f} s" for t in later))
        noise = [line for line in lines if "Retrying" in line or "Warning" in line or "WARNING" in line]
        print(f"terminal lines at first start: {len(lines)}, of them warnings/retries: {len(noise)}")
        for line in lines:
            if line.startswith("model "):
                print(line)


if __name__ == "__main__":
    main()
