"""The index on disk: versions switched atomically, one writer, nothing lost when a writer dies."""

import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT
from qa.index import build_index, open_index
from qa.records import Document
from qa.retrieve import BM25Retriever, DenseRetriever, HybridRetriever
from qa.store import IndexBusyError, current

OLD = [Document(f"old{i}", title=f"旧闻{i}", text=f"桂林市公安局{2010 + i}年总破案率达{70 + i}.5%，排名全区第{i + 1}。") for i in range(4)]
NEW = [Document(f"new{i}", title=f"新闻{i}", text=f"白城市公安局{2020 + i}年走访群众{39000 + i}人，命案现案破案率{90 + i}%。") for i in range(5)]

# Runs build_index(NEW) in a real process that SIGKILLs itself at the k-th step: an embedding batch,
# a file written, a folder renamed or removed, a sync. With k = 0 it prints how many steps there were.
KILLER = textwrap.dedent("""
    import os, shutil, signal, sys
    from pathlib import Path
    sys.path[:0] = [{tests!r}, {root!r}]
    import numpy as np, faiss
    from conftest import FakeEncoder
    import qa.index, qa.store.versions as versions
    from test_store import NEW
    kill_at, steps = int(sys.argv[2]), [0]
    def step(fn):
        def wrapped(*a, **kw):
            steps[0] += 1
            if steps[0] == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
            return fn(*a, **kw)
        return wrapped
    for owner, name in [(os, "rename"), (os, "replace"), (os, "fsync"), (shutil, "rmtree"), (np, "save"),
                        (faiss, "write_index"), (Path, "rename"), (Path, "write_text"), (qa.index, "write_store"),
                        (FakeEncoder, "encode_passages")]:
        setattr(owner, name, step(getattr(owner, name)))
    qa.index.build_index(NEW, Path(sys.argv[1]), FakeEncoder())
    print(steps[0])
""")


def _killer(tmp_path) -> Path:
    script = tmp_path / "killer.py"
    script.write_text(KILLER.format(tests=str(ROOT / "tests"), root=str(ROOT)), encoding="utf-8")
    return script


def _ids(index) -> set[str]:
    return set(index.documents)


def test_killed_at_any_step_the_index_opens_old_or_new_and_the_next_build_cleans_up(tmp_path, fake_encoder):
    base = tmp_path / "base"
    build_index(OLD, base, fake_encoder)
    script = _killer(tmp_path)
    scratch = tmp_path / "count"
    shutil.copytree(base, scratch)
    run = subprocess.run([sys.executable, str(script), str(scratch), "0"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    steps = int(run.stdout.split()[-1])
    assert steps >= 15  # embedding batches, every file, the rename, the switch, the clean-up
    seen = set()
    for k in range(1, steps + 1):
        folder = tmp_path / f"k{k}"
        shutil.copytree(base, folder)
        killed = subprocess.run([sys.executable, str(script), str(folder), str(k)], capture_output=True, text=True, timeout=120)
        assert killed.returncode == -signal.SIGKILL, (k, killed.stderr[-500:])
        index = open_index(folder)  # never missing, never mixed
        ids = _ids(index)
        assert ids in ({d.id for d in OLD}, {d.id for d in NEW}), (k, ids)
        seen.add(frozenset(ids))
        assert HybridRetriever(DenseRetriever(index, fake_encoder), BM25Retriever(index)).search("破案率", 3)
        build_index(NEW[:2], folder, fake_encoder)  # the next writer removes whatever the dead one left
        names = sorted(p.name for p in folder.iterdir())
        assert names == [".lock", "CURRENT", current(folder).name], (k, names)
        assert [p.name for p in tmp_path.glob(f".k{k}*")] == []
    assert len(seen) == 2  # some kills left the old version current, later ones the new


def test_a_second_writer_is_refused_with_a_clear_message(tmp_path, fake_encoder):
    folder = tmp_path / "index"
    build_index(OLD, folder, fake_encoder)
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(ROOT)!r})
        from pathlib import Path
        from qa.store import writer
        with writer(Path({str(folder)!r})):
            print("holding", flush=True)
            time.sleep(60)
    """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        with pytest.raises(IndexBusyError, match="another process is writing the index"):
            build_index(NEW, folder, fake_encoder)
        assert _ids(open_index(folder)) == {d.id for d in OLD}  # untouched
        cli = subprocess.run([sys.executable, "-m", "qa.cli", "ingest", str(ROOT / "corpus"), "--index", str(folder)],
                             capture_output=True, text=True, timeout=300, env={**os.environ, "HF_HUB_OFFLINE": "1"})
        assert cli.returncode == 1 and "another process is writing the index" in cli.stderr and "Traceback" not in cli.stderr
    finally:
        holder.kill()
        holder.wait()
    build_index(NEW, folder, fake_encoder)  # the lock died with its holder
    assert _ids(open_index(folder)) == {d.id for d in NEW}


def test_an_index_of_the_flat_layout_opens_and_the_next_build_versions_it(tmp_path, fake_encoder):
    folder = tmp_path / "index"
    build_index(OLD, folder, fake_encoder)
    files = current(folder)
    for p in files.iterdir():  # what earlier versions of qa wrote: the files directly in the folder
        p.rename(folder / p.name)
    files.rmdir()
    (folder / "CURRENT").unlink()
    assert current(folder) == folder and _ids(open_index(folder)) == {d.id for d in OLD}
    built = build_index(NEW, folder, fake_encoder)
    assert built.manifest["counts"]["embedded"] == len(built.chunks)
    assert sorted(p.name for p in folder.iterdir()) == [".lock", "CURRENT", current(folder).name]
    assert _ids(open_index(folder)) == {d.id for d in NEW}


def test_a_reader_holds_its_version_while_a_writer_replaces_it(tmp_path, fake_encoder):
    folder = tmp_path / "index"
    first = build_index(OLD, folder, fake_encoder)
    reader = open_index(folder)
    build_index(NEW, folder, fake_encoder)
    assert not first.files.exists()  # the old version is gone from disk ...
    hits = HybridRetriever(DenseRetriever(reader, fake_encoder), BM25Retriever(reader)).search("桂林的破案率", 2)
    assert hits and hits[0].chunk.doc_id.startswith("old")  # ... and still served, whole, from memory
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:  # server threads that first read after the switch (sqlite rows too)
        texts = list(pool.map(lambda d: reader.documents[d.id].text, OLD))
        chunk = pool.submit(lambda: reader.chunks[0].text).result()
    assert texts == [d.text for d in OLD] and chunk
    assert _ids(open_index(folder)) == {d.id for d in NEW}


def _write(folder: Path, name: str, title: str, body: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(f"{title}\n2024年05月0{len(name) % 9 + 1}日 来源：测试日报\n{body}\n", encoding="utf-8")


def test_ingest_adds_updates_and_keeps_and_sync_and_remove_take_away(tmp_path, fake_encoder):
    from qa.engine import ingest, remove

    a, b, folder = tmp_path / "a", tmp_path / "b", tmp_path / "index"
    _write(a, "gl.txt", "桂林破案率", "桂林市公安局2022年总破案率达79.17%。" * 3)
    _write(a, "bc.txt", "白城走访", "白城警方走访群众39440人。" * 3)
    _write(a, "sl.txt", "商洛会客厅", "商洛公安建成26个暖心警务会客厅。" * 3)
    index, _, report = ingest([a], folder, encoder=fake_encoder)
    assert sorted(report.added) == ["bc", "gl", "sl"] and not report.updated and index.manifest["counts"]["embedded"] == 3

    _write(a, "bc.txt", "白城走访", "白城警方走访群众41000人，更正了此前的数字。" * 3)  # corrected
    _write(a, "px.txt", "凭祥草帽警察", "凭祥草帽警察巡逻边境线。" * 3)                  # new
    index, _, report = ingest([a], folder, encoder=fake_encoder)
    assert report.added == ("px",) and report.updated == ("bc",) and sorted(report.unchanged) == ["gl", "sl"]
    assert index.manifest["counts"]["embedded"] == 2  # only the new and the corrected article

    _write(b, "cd.txt", "成都新闻", "成都市举办警营开放日。" * 3)
    index, _, report = ingest([b], folder, encoder=fake_encoder)
    assert report.added == ("cd",) and len(report.unchanged) == 4 and len(index.documents) == 5  # a's stay
    assert index.manifest["counts"]["embedded"] == 1

    (a / "sl.txt").unlink()
    index, _, report = ingest([a], folder, encoder=fake_encoder, sync=True)  # the index mirrors a/ now
    assert sorted(report.removed) == ["cd", "sl"] and set(index.documents) == {"gl", "bc", "px"}
    assert index.manifest["counts"]["embedded"] == 0

    index, report, unknown = remove(["gl.txt", "px", "nope.txt"], folder, encoder=fake_encoder)
    assert sorted(report.removed) == ["gl", "px"] and unknown == ["nope.txt"] and set(index.documents) == {"bc"}
    with pytest.raises(ValueError, match="would leave the index .* empty"):
        remove(["bc"], folder, encoder=fake_encoder)
    with pytest.raises(ValueError, match="no document in the index"):
        remove(["nope.txt"], folder, encoder=fake_encoder)
    assert set(open_index(folder).documents) == {"bc"}
